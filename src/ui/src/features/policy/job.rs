//! The policy studio's work against the platform, run on effect tasks.

use acc_backend::Backend;
use acc_domain::Gateway;
use acc_domain::cedar_model::policy_edit::PolicyChanges;

use crate::features::policy::msg::Msg;
use crate::features::policy::policy_tasks;
use crate::shell::effect::Reply;

/// Work for the policy studio.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// The gateway's policy engine, its policies, tools and Cedar schema.
    LoadPolicyStudio {
        /// Whose.
        gateway: Box<Gateway>,
    },
    /// Evaluate the engine with and without `changes` over the gateway's
    /// captured calls, and compare the two symbolically.
    DryRunPolicy {
        /// Whose engine and captured calls.
        gateway: Box<Gateway>,
        /// The engine.
        engine_id: String,
        /// The edited policy's name.
        policy: String,
        /// The edit.
        changes: PolicyChanges,
    },
    /// CreatePolicy or UpdatePolicy.
    PushPolicy {
        /// Whose engine.
        gateway_id: String,
        /// The engine.
        engine_id: String,
        /// The policy's name.
        name: String,
        /// Its Cedar text.
        statement: String,
    },
    /// Forget the unsaved edit of a policy (a yes to "discard your
    /// edits?"); needs no platform.
    DiscardDraft {
        /// Whose engine.
        gateway_id: String,
        /// The policy's name.
        name: String,
    },
    /// Forget every unsaved edit and quit (a yes to quitting with drafts);
    /// needs no platform.
    DiscardDraftsAndQuit,
    /// LOG_ONLY ⇄ ENFORCE on the gateway's policy engine configuration.
    SetPolicyMode {
        /// Whose configuration.
        gateway_id: String,
        /// The new mode.
        mode: String,
    },
}

impl Job {
    /// Whether this job writes to the platform (refused in read-only mode).
    pub fn is_write(&self) -> bool {
        matches!(self, Job::PushPolicy { .. } | Job::SetPolicyMode { .. })
    }

    /// The answer of a job that needs no platform, which the shell applies
    /// at once instead of running it.
    pub fn at_once(&self) -> Option<Msg> {
        match self {
            Job::DiscardDraft { gateway_id, name } => Some(Msg::DraftDiscarded {
                gateway_id: gateway_id.clone(),
                name: name.clone(),
            }),
            Job::DiscardDraftsAndQuit => Some(Msg::DraftsDiscardedToQuit),
            _ => None,
        }
    }

    /// Runs on its own task; the result comes back through `reply`.
    pub(crate) fn run(self, backend: Backend, reply: Reply) {
        tokio::spawn(async move { reply.send(self.perform(&backend).await) });
    }

    /// Does the work and gives the message it answers with: the effect
    /// runner calls it on a task; tests call it to see what the console sees.
    pub async fn perform(self, backend: &Backend) -> Msg {
        match self {
            Job::LoadPolicyStudio { gateway } => Msg::PolicyStudioLoaded {
                result: policy_tasks::load_studio(backend, &gateway)
                    .await
                    .map(Box::new),
                gateway_id: gateway.id,
            },
            Job::DryRunPolicy {
                gateway,
                engine_id,
                policy,
                changes,
            } => Msg::DryRunDone {
                result: policy_tasks::dry_run(backend, &gateway, &engine_id, policy, &changes)
                    .await
                    .map(Box::new),
                gateway_id: gateway.id,
            },
            Job::PushPolicy {
                gateway_id,
                engine_id,
                name,
                statement,
            } => Msg::PolicyPushed {
                result: backend
                    .push_policy(&engine_id, &name, &statement, None, false, None)
                    .await
                    .map_err(|e| e.to_string()),
                gateway_id,
            },
            Job::SetPolicyMode { gateway_id, mode } => Msg::PolicyModeSet {
                result: backend
                    .set_policy_mode(&gateway_id, &mode)
                    .await
                    .map(|()| mode)
                    .map_err(|e| e.to_string()),
                gateway_id,
            },
            Job::DiscardDraft { gateway_id, name } => Msg::DraftDiscarded { gateway_id, name },
            Job::DiscardDraftsAndQuit => Msg::DraftsDiscardedToQuit,
        }
    }
}
