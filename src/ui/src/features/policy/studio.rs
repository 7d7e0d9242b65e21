//! The policy studio's engine view: a gateway's policy engine, its
//! policies and the Cedar schema of its tools; opening the editor on a
//! policy or a template; pushing a policy and switching the engine's mode.

use acc_domain::Policy;
use acc_domain::policy_resource::{POLICY_NAME_PATTERN, is_policy_name};

use crate::features::policy::editor::PolicyEditor;
use crate::features::policy::job::Job;
use crate::features::policy::route::Route;
use crate::shell::effect::Effect;
use crate::shell::loadable::start_load;
use crate::shell::message::{error, info};
use crate::shell::state::{AppState, Confirm, InputMode, Overlay};

/// What the studio shows for a gateway: the shared workflow's load.
pub type StudioData = acc_backend::policy::workflow::GatewayPolicies;

/// `p`: the policy engine of the selected gateway.
pub(crate) fn load(state: &mut AppState, gateway_id: &str) -> Vec<Effect> {
    let Some(gateway) = state.gateway.find(gateway_id).cloned() else {
        return Vec::new();
    };
    if !start_load(&mut state.policy.studio, gateway_id, state.tick) {
        return Vec::new();
    }
    vec![
        Job::LoadPolicyStudio {
            gateway: Box::new(gateway),
        }
        .into(),
    ]
}

/// Open the editor on the selected policy.
pub(crate) fn edit_selected(state: &mut AppState, gateway_id: &str, index: usize) -> Option<Route> {
    let policy = state
        .policy
        .studio_of(gateway_id)?
        .policies
        .get(index)?
        .clone();
    let editor = PolicyEditor::new(
        gateway_id,
        &policy.name,
        policy.decides(),
        &policy.statement,
    );
    Some(open_editor(state, editor))
}

/// The editor on top, with the policy's unsaved edit when one was kept.
fn open_editor(state: &mut AppState, editor: PolicyEditor) -> Route {
    let draft = state
        .policy
        .draft_of(&editor.gateway_id, &editor.name)
        .cloned();
    if draft.is_some() {
        info(
            state,
            format!(
                "restored your unsaved edits to {} (esc asks to discard them)",
                editor.name
            ),
        );
    }
    let route = Route::PolicyEditor {
        gateway_id: editor.gateway_id.clone(),
    };
    state.policy.editor = Some(editor.with_draft(draft.as_ref()));
    route
}

/// Open the editor on a template.
pub(crate) fn edit_template(state: &mut AppState, gateway_id: &str, index: usize) -> Option<Route> {
    let data = state.policy.studio_of(gateway_id)?;
    let template = data.templates.get(index)?.clone();
    // A new policy needs a name no policy of the engine has.
    let mut name = template.name.clone();
    let mut n = 2;
    while data.policies.iter().any(|p| p.name == name) {
        name = format!("{}_{n}", template.name);
        n += 1;
    }
    let editor = PolicyEditor::new(gateway_id, &name, false, &template.text);
    Some(open_editor(state, editor))
}

/// ctrl-p: push the edited policy (asks first; refused read-only).
pub(crate) fn ask_push(state: &mut AppState) -> Vec<Effect> {
    let Some(editor) = state.policy.editor.as_ref() else {
        return Vec::new();
    };
    if state.readonly {
        error(state, "read-only mode: pushing a policy is refused".into());
        return Vec::new();
    }
    if editor.errors() > 0 {
        error(
            state,
            "the policy has errors; fix them before pushing".into(),
        );
        return Vec::new();
    }
    let Some(data) = state.policy.studio_of(&editor.gateway_id) else {
        return Vec::new();
    };
    let deployed = data.policies.iter().find(|p| p.name == editor.name);
    let verb = if deployed.is_some() {
        "UpdatePolicy"
    } else {
        "CreatePolicy"
    };
    let deployed = deployed.map(|p| p.statement.as_str()).unwrap_or_default();
    state.overlay = Some(Overlay::Confirm(Confirm {
        title: "push policy".into(),
        question: format!(
            "{verb} {} in engine {}? Findings fail it (FAIL_ON_ANY_FINDINGS).\n{}",
            editor.name,
            data.engine_name,
            diff_lines(deployed, &editor.contents())
        ),
        on_yes: Job::PushPolicy {
            gateway_id: editor.gateway_id.clone(),
            engine_id: data.engine_id.clone(),
            name: editor.name.clone(),
            statement: editor.contents(),
        }
        .into(),
    }));
    Vec::new()
}

/// What a push changes against the deployed statement: the changed lines
/// (`- ` deployed, `+ ` pushed) with one line of context (`· `) around each
/// change, and `…` between the parts. A new policy is all `+ `.
fn diff_lines(deployed: &str, edited: &str) -> String {
    let diff = similar::TextDiff::from_lines(deployed, edited);
    let mut out: Vec<String> = Vec::new();
    for (i, group) in diff.grouped_ops(1).iter().enumerate() {
        if i > 0 {
            out.push("…".into());
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let mark = match change.tag() {
                    similar::ChangeTag::Delete => "- ",
                    similar::ChangeTag::Insert => "+ ",
                    similar::ChangeTag::Equal => "· ",
                };
                out.push(format!("{mark}{}", change.value().trim_end_matches('\n')));
            }
        }
    }
    if out.is_empty() {
        out.push("· no change to the deployed statement".into());
    }
    out.join("\n")
}

/// `m`: switch the engine between LOG_ONLY and ENFORCE (asks first).
pub(crate) fn ask_mode(state: &mut AppState, gateway_id: &str) -> Vec<Effect> {
    if state.readonly {
        error(
            state,
            "read-only mode: switching the policy mode is refused".into(),
        );
        return Vec::new();
    }
    let Some(data) = state.policy.studio_of(gateway_id) else {
        return Vec::new();
    };
    let next = if data.mode == "ENFORCE" {
        "LOG_ONLY"
    } else {
        "ENFORCE"
    };
    let consequence = if next == "ENFORCE" {
        "denied calls will be refused before they reach their target"
    } else {
        "denied calls will go through and only be recorded"
    };
    state.overlay = Some(Overlay::Confirm(Confirm {
        title: "policy mode".into(),
        question: format!(
            "switch {} to {next}? {consequence}.",
            state.gateway.name_of(gateway_id)
        ),
        on_yes: Job::SetPolicyMode {
            gateway_id: gateway_id.into(),
            mode: next.into(),
        }
        .into(),
    }));
    Vec::new()
}

/// A push answered: show the new status (and reasons when it failed).
pub(crate) fn on_pushed(state: &mut AppState, gateway_id: &str, result: Result<Policy, String>) {
    match result {
        Ok(policy) if policy.status.ends_with("_FAILED") => error(
            state,
            format!(
                "policy {} is {}: {}",
                policy.name,
                policy.status,
                policy.status_reasons.join("; ")
            ),
        ),
        Ok(policy) => {
            // Pushed: the edit is the engine's now, no longer a draft.
            if let Some(editor) = state.policy.editor.as_mut()
                && editor.gateway_id == gateway_id
                && editor.name == policy.name
            {
                editor.existing = true;
                editor.original = editor.contents();
            }
            state
                .policy
                .drafts
                .remove(&(gateway_id.to_owned(), policy.name.clone()));
            info(
                state,
                format!("pushed policy {} ({})", policy.name, policy.status),
            );
        }
        Err(e) => error(state, format!("push failed: {e}")),
    }
    state.policy.studio.remove(gateway_id);
}

/// F2 in the editor: type a name for the new policy. A policy the engine
/// has keeps its name (UpdatePolicy cannot rename).
pub(crate) fn ask_name(state: &mut AppState) {
    let Some(editor) = state.policy.editor.as_ref() else {
        return;
    };
    if editor.existing {
        let name = editor.name.clone();
        info(
            state,
            format!("{name} is pushed already and keeps its name; start a new policy with n"),
        );
        return;
    }
    state.input = InputMode::PolicyName {
        text: editor.name.clone(),
    };
}

/// The typed name: a valid policy name no policy of the engine has; the
/// draft moves with it.
pub(crate) fn name_typed(state: &mut AppState, name: &str) {
    let Some(editor) = state.policy.editor.as_ref() else {
        return;
    };
    let gateway_id = editor.gateway_id.clone();
    let problem = if !is_policy_name(name) {
        Some(format!(
            "{name:?} is not a policy name: a letter, then letters, digits or _ ({POLICY_NAME_PATTERN})"
        ))
    } else if state
        .policy
        .studio_of(&gateway_id)
        .is_some_and(|data| data.policies.iter().any(|p| p.name == name))
    {
        Some(format!("the engine has a policy named {name} already"))
    } else {
        None
    };
    if let Some(problem) = problem {
        error(state, problem);
        return;
    }
    let Some(editor) = state.policy.editor.as_mut() else {
        return;
    };
    let old = editor.draft_key();
    editor.name = name.to_owned();
    let new = editor.draft_key();
    if let Some(draft) = state.policy.drafts.remove(&old) {
        state.policy.drafts.insert(new, draft);
    }
    info(state, format!("the new policy is named {name}"));
}
