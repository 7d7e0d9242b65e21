//! The policy studio: a gateway's policy engine (its policies and the
//! Cedar schema of its tools), templates for new policies, the editor, the
//! dry-run against captured calls, pushing a policy and switching the
//! engine's mode. This module holds the state and what keys do to it; the
//! views draw it and the effects talk to the platform.

use std::time::Instant;

use acc_domain::cedar_model::checks::{PolicyDiagnostic, Severity, check_text};
use acc_domain::cedar_model::dry_run::{DryRun, Flip};
use acc_domain::cedar_model::findings::ActionComparison;
use acc_domain::cedar_model::policy_edit::PolicyChanges;
use acc_domain::cedar_model::policy_tests::captured_test_case;
use acc_domain::cedar_model::request::CedarCall;
use acc_domain::cedar_model::schema::GatewaySchema;
use acc_domain::cedar_model::templates::{PolicyTemplate, format_policies};
use acc_domain::{CapturedCall, Policy, Tool};
use ratatui::crossterm::event::KeyEvent;
use ratatui_textarea::{CursorMove, TextArea};

use crate::shell::effect::Effect;
use crate::shell::route::Route;
use crate::shell::state::{AppState, Confirm, Loadable, Overlay};
use crate::shell::update::{report_error, report_info};

/// Ticks (100 ms each) of quiet typing before the text is validated again.
pub const DEBOUNCE_TICKS: u64 = 2;

/// What the studio knows of a gateway's engine.
#[derive(Debug, Clone)]
pub struct StudioData {
    pub engine_id: String,
    pub engine_name: String,
    /// `LOG_ONLY` or `ENFORCE`.
    pub mode: String,
    pub policies: Vec<Policy>,
    pub tools: Vec<Tool>,
    pub schema: GatewaySchema,
    pub templates: Vec<PolicyTemplate>,
}

/// The policy being edited.
#[derive(Debug, Clone)]
pub struct PolicyEditor {
    pub gateway_id: String,
    /// The policy's name: an existing policy (replaced by the edit) or a
    /// new one (added).
    pub name: String,
    pub existing: bool,
    pub text: TextArea<'static>,
    /// From the last validation, sorted by position.
    pub diagnostics: Vec<PolicyDiagnostic>,
    /// Which diagnostic the list has selected (ctrl-n moves on).
    pub selected: usize,
    /// When the debounced validation is due.
    pub validate_at_tick: Option<u64>,
    /// How long the last validation took, in microseconds.
    pub validation_us: Option<u128>,
    /// Why the last format failed, if it did.
    pub format_problem: Option<String>,
}

impl PolicyEditor {
    pub fn new(gateway_id: &str, name: &str, existing: bool, text: &str) -> PolicyEditor {
        PolicyEditor {
            gateway_id: gateway_id.into(),
            name: name.into(),
            existing,
            text: TextArea::new(text.lines().map(str::to_owned).collect()),
            diagnostics: Vec::new(),
            selected: 0,
            validate_at_tick: Some(0),
            validation_us: None,
            format_problem: None,
        }
    }

    /// The whole text.
    pub fn contents(&self) -> String {
        self.text.lines().join("\n")
    }

    /// The edit as the dry-run applies it.
    pub fn changes(&self) -> PolicyChanges {
        let text = self.contents();
        if self.existing {
            PolicyChanges {
                replace: vec![(self.name.clone(), text)],
                ..PolicyChanges::default()
            }
        } else {
            PolicyChanges {
                add: vec![(self.name.clone(), text)],
                ..PolicyChanges::default()
            }
        }
    }

    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// How the dry-run table is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DryRunSort {
    /// Flipped calls first, then newest first.
    #[default]
    FlipsFirst,
    Newest,
    Tool,
    Caller,
}

impl DryRunSort {
    pub fn label(self) -> &'static str {
        match self {
            DryRunSort::FlipsFirst => "flips first",
            DryRunSort::Newest => "newest",
            DryRunSort::Tool => "tool",
            DryRunSort::Caller => "caller",
        }
    }

    fn next(self) -> DryRunSort {
        match self {
            DryRunSort::FlipsFirst => DryRunSort::Newest,
            DryRunSort::Newest => DryRunSort::Tool,
            DryRunSort::Tool => DryRunSort::Caller,
            DryRunSort::Caller => DryRunSort::FlipsFirst,
        }
    }
}

/// A dry-run's answer: per captured call before/after, and the symbolic
/// comparison per action.
#[derive(Debug, Clone)]
pub struct DryRunReport {
    /// The policy the edit was of.
    pub policy: String,
    pub run: DryRun,
    /// The Cedar request and entities of each row (`None` when the call
    /// could not be turned into one).
    pub requests: Vec<Option<CedarCall>>,
    /// The captured calls of the rows, for test files.
    pub calls: Vec<CapturedCall>,
    pub symbolic: Result<Vec<ActionComparison>, String>,
    pub elapsed_ms: u128,
}

/// How the dry-run table is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DryRunOptions {
    pub sort: DryRunSort,
    pub flips_only: bool,
}

/// The dry-run rows in display order (indices into `run.rows`).
pub fn dry_run_order(report: &DryRunReport, options: DryRunOptions) -> Vec<usize> {
    let rows = &report.run.rows;
    let mut order: Vec<usize> = (0..rows.len())
        .filter(|&i| !options.flips_only || rows[i].flip != Flip::Unchanged)
        .collect();
    match options.sort {
        DryRunSort::FlipsFirst => order.sort_by_key(|&i| (rows[i].flip == Flip::Unchanged, i)),
        DryRunSort::Newest => {}
        DryRunSort::Tool => order.sort_by(|&a, &b| rows[a].tool.cmp(&rows[b].tool)),
        DryRunSort::Caller => order.sort_by(|&a, &b| rows[a].caller.cmp(&rows[b].caller)),
    }
    order
}

/// `p`: the policy engine of the selected gateway.
pub(crate) fn load(state: &mut AppState, gateway_id: &str) -> Vec<Effect> {
    if matches!(
        state.policy_studio.get(gateway_id),
        Some(Loadable::Loaded(_) | Loadable::Loading { .. })
    ) {
        return Vec::new();
    }
    let Some(gateway) = state.gateway(gateway_id).cloned() else {
        return Vec::new();
    };
    state.policy_studio.insert(
        gateway_id.to_owned(),
        Loadable::Loading {
            since_tick: state.tick,
        },
    );
    vec![Effect::LoadPolicyStudio {
        gateway: Box::new(gateway),
    }]
}

pub(crate) fn studio<'a>(state: &'a AppState, gateway_id: &str) -> Option<&'a StudioData> {
    state.policy_studio.get(gateway_id)?.loaded().map(|b| &**b)
}

/// Open the editor on the selected policy.
pub(crate) fn edit_selected(state: &mut AppState, gateway_id: &str, index: usize) -> Option<Route> {
    let policy = studio(state, gateway_id)?.policies.get(index)?.clone();
    state.editor = Some(PolicyEditor::new(
        gateway_id,
        &policy.name,
        policy.decides(),
        &policy.statement,
    ));
    Some(Route::PolicyEditor {
        gateway_id: gateway_id.into(),
    })
}

/// Open the editor on a template.
pub(crate) fn edit_template(state: &mut AppState, gateway_id: &str, index: usize) -> Option<Route> {
    let data = studio(state, gateway_id)?;
    let template = data.templates.get(index)?.clone();
    // A new policy needs a name no policy of the engine has.
    let mut name = template.name.clone();
    let mut n = 2;
    while data.policies.iter().any(|p| p.name == name) {
        name = format!("{}_{n}", template.name);
        n += 1;
    }
    state.editor = Some(PolicyEditor::new(gateway_id, &name, false, &template.text));
    Some(Route::PolicyEditor {
        gateway_id: gateway_id.into(),
    })
}

/// A key typed into the editor.
pub(crate) fn on_typing_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let tick = state.tick;
    if let Some(editor) = state.editor.as_mut()
        && editor.text.input(key)
    {
        editor.validate_at_tick = Some(tick + DEBOUNCE_TICKS);
        editor.format_problem = None;
    }
    Vec::new()
}

/// Validate now if the debounce has run out.
pub(crate) fn on_tick(state: &mut AppState) {
    let due = state
        .editor
        .as_ref()
        .and_then(|e| e.validate_at_tick)
        .is_some_and(|at| state.tick >= at);
    if due {
        validate(state);
    }
}

/// Strict validation of the editor's text against the gateway's schema
/// (parse errors alone while the schema is not loaded yet).
pub(crate) fn validate(state: &mut AppState) {
    let Some(editor) = state.editor.as_ref() else {
        return;
    };
    let schema = studio(state, &editor.gateway_id).map(|d| d.schema.schema.clone());
    let started = Instant::now();
    let mut diagnostics = check_text(&editor.name, &editor.contents(), schema.as_ref());
    let elapsed = started.elapsed().as_micros();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    let waiting_for_schema = schema.is_none();
    if let Some(editor) = state.editor.as_mut() {
        editor.diagnostics = diagnostics;
        editor.selected = editor
            .selected
            .min(editor.diagnostics.len().saturating_sub(1));
        editor.validation_us = Some(elapsed);
        // Validate again once the schema arrives.
        editor.validate_at_tick = waiting_for_schema.then_some(u64::MAX);
    }
}

/// ctrl-n: the cursor to the next diagnostic.
pub(crate) fn next_diagnostic(state: &mut AppState) {
    let Some(editor) = state.editor.as_mut() else {
        return;
    };
    if editor.diagnostics.is_empty() {
        report_info(state, "no problems".into());
        return;
    }
    let row = editor.text.cursor().0;
    let next = editor
        .diagnostics
        .iter()
        .position(|d| d.line > row + 1)
        .unwrap_or(0);
    editor.selected = next;
    let d = &editor.diagnostics[next];
    editor.text.move_cursor(CursorMove::Jump(
        (d.line.saturating_sub(1)) as u16,
        (d.column.saturating_sub(1)) as u16,
    ));
}

/// pgup / pgdn: the cursor by `rows` lines.
pub(crate) fn page(state: &mut AppState, rows: isize) {
    let Some(editor) = state.editor.as_mut() else {
        return;
    };
    let step = if rows < 0 {
        CursorMove::Up
    } else {
        CursorMove::Down
    };
    for _ in 0..rows.unsigned_abs() {
        editor.text.move_cursor(step);
    }
}

/// ctrl-o: Cedar's formatter over the text.
pub(crate) fn format(state: &mut AppState) {
    let tick = state.tick;
    let Some(editor) = state.editor.as_mut() else {
        return;
    };
    match format_policies(&editor.contents()) {
        Ok(pretty) => {
            let cursor = editor.text.cursor();
            let (row, col) = (cursor.0, cursor.1);
            editor.text = TextArea::new(pretty.trim_end().lines().map(str::to_owned).collect());
            editor
                .text
                .move_cursor(CursorMove::Jump(row as u16, col as u16));
            editor.validate_at_tick = Some(tick);
            editor.format_problem = None;
        }
        Err(e) => editor.format_problem = Some(e),
    }
}

/// ctrl-d: dry-run the edit against the gateway's captured calls.
pub(crate) fn dry_run(state: &mut AppState) -> Vec<Effect> {
    let Some(editor) = state.editor.as_ref() else {
        return Vec::new();
    };
    let gateway_id = editor.gateway_id.clone();
    if editor.errors() > 0 {
        report_error(
            state,
            "fix the errors first (ctrl-n jumps to them); the dry-run needs a valid policy".into(),
        );
        return Vec::new();
    }
    let (Some(gateway), Some(data)) = (state.gateway(&gateway_id), studio(state, &gateway_id))
    else {
        return Vec::new();
    };
    let effect = Effect::DryRunPolicy {
        gateway: Box::new(gateway.clone()),
        engine_id: data.engine_id.clone(),
        policy: editor.name.clone(),
        changes: editor.changes(),
    };
    state.dry_run.insert(
        gateway_id.clone(),
        Loadable::Loading {
            since_tick: state.tick,
        },
    );
    state.dry_run_options = DryRunOptions::default();
    let mut effects = vec![effect];
    effects.extend(crate::shell::update::push(
        state,
        Route::DryRun { gateway_id },
    ));
    effects
}

/// ctrl-p: push the edited policy (asks first; refused read-only).
pub(crate) fn ask_push(state: &mut AppState) -> Vec<Effect> {
    let Some(editor) = state.editor.as_ref() else {
        return Vec::new();
    };
    if state.readonly {
        report_error(state, "read-only mode: pushing a policy is refused".into());
        return Vec::new();
    }
    if editor.errors() > 0 {
        report_error(
            state,
            "the policy has errors; fix them before pushing".into(),
        );
        return Vec::new();
    }
    let Some(data) = studio(state, &editor.gateway_id) else {
        return Vec::new();
    };
    let verb = if data.policies.iter().any(|p| p.name == editor.name) {
        "UpdatePolicy"
    } else {
        "CreatePolicy"
    };
    state.overlay = Some(Overlay::Confirm(Confirm {
        title: "push policy".into(),
        question: format!(
            "{verb} {} in engine {}? Findings fail it (FAIL_ON_ANY_FINDINGS).",
            editor.name, data.engine_name
        ),
        on_yes: Effect::PushPolicy {
            gateway_id: editor.gateway_id.clone(),
            engine_id: data.engine_id.clone(),
            name: editor.name.clone(),
            statement: editor.contents(),
        },
    }));
    Vec::new()
}

/// `m`: switch the engine between LOG_ONLY and ENFORCE (asks first).
pub(crate) fn ask_mode(state: &mut AppState, gateway_id: &str) -> Vec<Effect> {
    if state.readonly {
        report_error(
            state,
            "read-only mode: switching the policy mode is refused".into(),
        );
        return Vec::new();
    }
    let Some(data) = studio(state, gateway_id) else {
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
            state.gateway_name(gateway_id)
        ),
        on_yes: Effect::SetPolicyMode {
            gateway_id: gateway_id.into(),
            mode: next.into(),
        },
    }));
    Vec::new()
}

/// `w`: the shown dry-run rows as a `cedar run-tests` file, expecting the
/// edited decisions.
pub(crate) fn save_tests(state: &mut AppState, gateway_id: &str, order: &[usize]) -> Vec<Effect> {
    let Some(report) = state.dry_run.get(gateway_id).and_then(Loadable::loaded) else {
        return Vec::new();
    };
    let cases: Vec<serde_json::Value> = order
        .iter()
        .filter_map(|&i| {
            let row = report.run.rows.get(i)?;
            let request = report.requests.get(i)?.as_ref()?;
            let call = report
                .calls
                .iter()
                .find(|c| c.capture_id == row.capture_id)?;
            Some(captured_test_case(call, request, &row.after))
        })
        .collect();
    let path = format!("{}-tests.json", report.policy);
    vec![Effect::SaveFile {
        path: path.into(),
        contents: serde_json::to_string_pretty(&cases).unwrap_or_default() + "\n",
        what: format!("{} policy test(s)", cases.len()),
    }]
}

/// `s` / `f` on the dry-run table.
pub(crate) fn cycle_sort(state: &mut AppState) {
    state.dry_run_options.sort = state.dry_run_options.sort.next();
}

pub(crate) fn toggle_flips_only(state: &mut AppState) {
    state.dry_run_options.flips_only = !state.dry_run_options.flips_only;
}

/// A push answered: show the new status (and reasons when it failed).
pub(crate) fn on_pushed(state: &mut AppState, gateway_id: &str, result: Result<Policy, String>) {
    match result {
        Ok(policy) if policy.status.ends_with("_FAILED") => report_error(
            state,
            format!(
                "policy {} is {}: {}",
                policy.name,
                policy.status,
                policy.status_reasons.join("; ")
            ),
        ),
        Ok(policy) => {
            if let Some(editor) = state.editor.as_mut()
                && editor.name == policy.name
            {
                editor.existing = true;
            }
            report_info(
                state,
                format!("pushed policy {} ({})", policy.name, policy.status),
            );
        }
        Err(e) => report_error(state, format!("push failed: {e}")),
    }
    state.policy_studio.remove(gateway_id);
}

/// The "why" of one dry-run row: its Cedar request, entities, and the
/// policies that decided before and after. Plain lines; headings start
/// with `# `.
pub fn dry_run_detail_lines(state: &AppState, gateway_id: &str, index: usize) -> Vec<String> {
    let Some(report) = state.dry_run.get(gateway_id).and_then(Loadable::loaded) else {
        return Vec::new();
    };
    let Some(row) = report.run.rows.get(index) else {
        return Vec::new();
    };
    let decided = |e: &acc_domain::cedar_model::evaluation::Evaluation| {
        let by = if e.determining_policies.is_empty() {
            "no policy matched (default deny)".to_owned()
        } else {
            e.determining_policies.join(", ")
        };
        let mut line = format!("{} by {by}", e.decision.as_str());
        if !e.errors.is_empty() {
            line.push_str(&format!(" · errors: {}", e.errors.join("; ")));
        }
        line
    };
    let mut lines = vec![
        format!("# {} by {} at {}", row.tool, row.caller, row.time),
        format!("before  {}", decided(&row.before)),
        format!("after   {}", decided(&row.after)),
        String::new(),
    ];
    match report.requests.get(index).and_then(Option::as_ref) {
        Some(request) => {
            lines.push("# request".into());
            lines.push(format!("principal  {}", request.principal));
            lines.push(format!("action     {}", request.action));
            lines.push(format!("resource   {}", request.resource));
            lines.push("context".into());
            let pretty = serde_json::to_string_pretty(&request.context).unwrap_or_default();
            lines.extend(pretty.lines().map(|l| format!("  {l}")));
            lines.push(String::new());
            lines.push("# entities".into());
            let pretty = serde_json::to_string_pretty(&request.entities_json).unwrap_or_default();
            lines.extend(pretty.lines().map(|l| format!("  {l}")));
        }
        None => lines.push("(this call could not be turned into a Cedar request)".into()),
    }
    let deciding: Vec<&String> = row
        .before
        .determining_policies
        .iter()
        .chain(&row.after.determining_policies)
        .collect();
    if !deciding.is_empty() {
        lines.push(String::new());
        lines.push("# matching policies".into());
        let studio = studio(state, gateway_id);
        let editor = state.editor.as_ref();
        let mut seen = Vec::new();
        for id in deciding {
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            // An id from the edit is `name:policyN` (added) or the name.
            let edited =
                editor.filter(|e| id == &e.name || id.starts_with(&format!("{}:", e.name)));
            let text = match edited {
                Some(e) => Some(e.contents()),
                None => studio
                    .and_then(|d| d.policies.iter().find(|p| &p.name == id))
                    .map(|p| p.statement.clone()),
            };
            lines.push(format!(
                "// {id}{}",
                if edited.is_some() { " (edited)" } else { "" }
            ));
            if let Some(text) = text {
                lines.extend(text.lines().map(str::to_owned));
            }
        }
    }
    lines
}
