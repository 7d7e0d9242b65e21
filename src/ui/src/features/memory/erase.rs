//! "Erase this actor": the right-to-erasure request. ctrl-d counts what
//! would go (records across namespaces, events across sessions), then
//! asks with the counts; yes deletes records in batches of at most 100,
//! then the events. Refused read-only, before anything is counted.

use acc_backend::ErasePlan;

use crate::features::memory::job::Job;
use crate::shell::effect::Effect;
use crate::shell::loadable::Loadable;
use crate::shell::message::{error, info};
use crate::shell::state::{AppState, Confirm, Overlay};

/// ctrl-d on an actor: count what erasing them deletes.
pub(crate) fn ask_erase(
    state: &mut AppState,
    memory_id: &str,
    actor_id: Option<String>,
) -> Vec<Effect> {
    if state.readonly {
        error(state, "read-only mode: erasing an actor is refused".into());
        return Vec::new();
    }
    let Some(actor_id) = actor_id else {
        info(state, "select a line about an actor to erase them".into());
        return Vec::new();
    };
    let Some(memory) = state.memory.memory(memory_id).cloned() else {
        return Vec::new();
    };
    state.memory.erase_plan = Some(Loadable::loading(state.tick));
    info(state, format!("counting what erasing {actor_id} deletes…"));
    vec![
        Job::PlanErase {
            memory: Box::new(memory),
            actor_id,
        }
        .into(),
    ]
}

/// The counts arrived: ask, showing them.
pub(crate) fn planned(state: &mut AppState, result: Result<ErasePlan, String>) {
    let plan = match result {
        Ok(plan) => plan,
        Err(e) => {
            state.memory.erase_plan = None;
            error(state, format!("erase: {e}"));
            return;
        }
    };
    state.memory.erase_plan = Some(Loadable::Loaded(plan.clone()));
    let batches = plan.record_ids.len().div_ceil(100);
    let mut question = format!(
        "Erase actor {} from {}? This is permanent.\n{} records in {} namespaces ({} delete calls of ≤100)\n{} events in {} sessions",
        plan.actor_id,
        plan.memory_id,
        plan.record_ids.len(),
        plan.namespaces.len(),
        batches,
        plan.events.len(),
        plan.sessions,
    );
    for ns in plan.namespaces.iter().take(5) {
        question.push_str(&format!("\n  {ns}"));
    }
    state.overlay = Some(Overlay::Confirm(Confirm {
        title: "Erase actor".into(),
        question,
        on_yes: Job::Erase(Box::new(plan)).into(),
    }));
}
