//! The policy studio's screens.

/// A policy studio screen; each is about one gateway's engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The policies of the gateway's policy engine.
    Policies {
        /// Whose engine.
        gateway_id: String,
    },
    /// Templates for a new policy, from the gateway's tools.
    PolicyTemplates {
        /// Whose tools.
        gateway_id: String,
    },
    /// The policy editor (its state is `PolicyState::editor`).
    PolicyEditor {
        /// Whose engine.
        gateway_id: String,
    },
    /// The dry-run of the edit against the gateway's captured calls.
    DryRun {
        /// Whose captured calls.
        gateway_id: String,
    },
    /// One dry-run row, by its index in the report's rows.
    DryRunDetail {
        /// Whose dry-run.
        gateway_id: String,
        /// Which row.
        index: usize,
    },
}
