//! The account and region the platform reports in its resources' ARNs.

/// Where the platform says its resources live.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    /// The region in ARNs and URLs (`us-east-1` by default).
    pub(crate) region: String,
    /// The twelve-digit account id in ARNs.
    pub(crate) account_id: String,
}
