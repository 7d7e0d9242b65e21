//! Results of the policy jobs, as they come back through the channel.

use acc_domain::Policy;

use crate::features::policy::dry_run::DryRunReport;
use crate::features::policy::studio::StudioData;

/// A result for the policy studio.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A gateway's engine, policies and schema arrived.
    PolicyStudioLoaded {
        /// Whose.
        gateway_id: String,
        /// The studio's data, or why not.
        result: Result<Box<StudioData>, String>,
    },
    /// A dry-run finished.
    DryRunDone {
        /// Whose captured calls it evaluated.
        gateway_id: String,
        /// The report, or why there is none.
        result: Result<Box<DryRunReport>, String>,
    },
    /// CreatePolicy or UpdatePolicy answered.
    PolicyPushed {
        /// Whose engine.
        gateway_id: String,
        /// The policy as stored, or why not.
        result: Result<Policy, String>,
    },
    /// The engine's mode was switched.
    PolicyModeSet {
        /// Whose engine.
        gateway_id: String,
        /// The new mode, or why not.
        result: Result<String, String>,
    },
    /// The user discarded the unsaved edit of a policy.
    DraftDiscarded {
        /// Whose engine.
        gateway_id: String,
        /// The policy's name.
        name: String,
    },
    /// The user chose to quit and lose every unsaved edit.
    DraftsDiscardedToQuit,
}
