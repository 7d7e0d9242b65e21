//! What the policy studio knows: each gateway's engine, the open editor
//! and each gateway's latest dry-run.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::features::policy::dry_run::{DryRunOptions, DryRunReport};
use crate::features::policy::editor::PolicyEditor;
use crate::features::policy::studio::StudioData;
use crate::shell::loadable::Loadable;

/// The policy screens' state.
#[derive(Debug, Clone, Default)]
pub struct PolicyState {
    /// Each gateway's policy engine, policies and Cedar schema.
    pub studio: HashMap<String, Loadable<Box<StudioData>>>,
    /// The open policy editor.
    pub editor: Option<PolicyEditor>,
    /// The latest dry-run per gateway.
    pub dry_run: HashMap<String, Loadable<Box<DryRunReport>>>,
    /// How the dry-run table is shown.
    pub dry_run_options: DryRunOptions,
    /// Unsaved edits by (gateway id, policy name): kept until pushed or
    /// discarded, so reopening the policy restores them.
    pub drafts: BTreeMap<(String, String), String>,
    /// Gateways whose engine is being polled again, keeping what is shown.
    pub polling: HashSet<String>,
    /// A captured call whose "why" opens once its gateway's dry-run of the
    /// deployed policies is done: (gateway id, capture id).
    pub why_capture: Option<(String, String)>,
}

impl PolicyState {
    /// Forgets everything (the context switched).
    pub fn reset(&mut self) {
        *self = PolicyState::default();
    }

    /// A gateway's engine, once loaded.
    pub fn studio_of(&self, gateway_id: &str) -> Option<&StudioData> {
        self.studio.get(gateway_id)?.loaded().map(|b| &**b)
    }

    /// The unsaved edit of a gateway's policy, if any.
    pub fn draft_of(&self, gateway_id: &str, name: &str) -> Option<&String> {
        self.drafts.get(&(gateway_id.to_owned(), name.to_owned()))
    }

    /// A gateway's latest dry-run, once done.
    pub fn dry_run_of(&self, gateway_id: &str) -> Option<&DryRunReport> {
        self.dry_run.get(gateway_id)?.loaded().map(|b| &**b)
    }

    /// Whether the loop must keep ticking: something loads (the spinner) or
    /// a validation is due.
    pub fn needs_ticks(&self) -> bool {
        self.studio.values().any(Loadable::is_loading)
            || self.dry_run.values().any(Loadable::is_loading)
            || self
                .editor
                .as_ref()
                .is_some_and(|e| e.validate_at_tick.is_some_and(|at| at != u64::MAX))
    }
}
