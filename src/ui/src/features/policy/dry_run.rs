//! The dry-run: the edit evaluated over the gateway's captured calls,
//! before and after, with the symbolic comparison per action; its table's
//! order, one row's "why", and saving the rows as a Cedar test file.

use acc_backend::policy::workflow::{PolicyDryRun, test_file_text};
use acc_domain::cedar_model::dry_run::Flip;

use crate::features::policy::job::Job;
use crate::features::policy::route::Route;
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::loadable::Loadable;
use crate::shell::message::error;
use crate::shell::navigation::push;
use crate::shell::state::AppState;

/// How the dry-run table is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DryRunSort {
    /// Flipped calls first, then newest first.
    #[default]
    FlipsFirst,
    /// Newest first.
    Newest,
    /// By tool.
    Tool,
    /// By caller.
    Caller,
}

impl DryRunSort {
    /// How the order is named on screen.
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
    /// The shared workflow's answer: rows, requests, calls, the symbolic
    /// comparison and the time taken (the same as `acc policy dry-run`).
    pub dry: PolicyDryRun,
}

/// How the dry-run table is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DryRunOptions {
    /// The order.
    pub sort: DryRunSort,
    /// Whether only the calls whose decision flips show.
    pub flips_only: bool,
}

/// The dry-run rows in display order (indices into `run.rows`).
pub fn dry_run_order(report: &DryRunReport, options: DryRunOptions) -> Vec<usize> {
    let rows = &report.dry.run.rows;
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

/// The rows passing the filter (tool, caller, new decision), in the
/// table's order.
pub(crate) fn visible(state: &AppState, gateway_id: &str, filter: &FilterQuery) -> Vec<usize> {
    let Some(report) = state.policy.dry_run_of(gateway_id) else {
        return Vec::new();
    };
    let order = dry_run_order(report, state.policy.dry_run_options);
    filter.apply_in_order(&order, |i| {
        let r = &report.dry.run.rows[i];
        format!("{} {} {}", r.tool, r.caller, r.after.decision.as_str())
    })
}

/// ctrl-d: dry-run the edit against the gateway's captured calls.
pub(crate) fn dry_run(state: &mut AppState) -> Vec<Effect> {
    let Some(editor) = state.policy.editor.as_ref() else {
        return Vec::new();
    };
    let gateway_id = editor.gateway_id.clone();
    if editor.errors() > 0 {
        error(
            state,
            "fix the errors first (ctrl-n jumps to them); the dry-run needs a valid policy".into(),
        );
        return Vec::new();
    }
    let (Some(gateway), Some(data)) = (
        state.gateway.find(&gateway_id),
        state.policy.studio_of(&gateway_id),
    ) else {
        return Vec::new();
    };
    let effect = Job::DryRunPolicy {
        gateway: Box::new(gateway.clone()),
        engine_id: data.engine_id.clone(),
        policy: editor.name.clone(),
        changes: editor.changes(),
    }
    .into();
    state
        .policy
        .dry_run
        .insert(gateway_id.clone(), Loadable::loading(state.tick));
    state.policy.dry_run_options = DryRunOptions::default();
    let mut effects = vec![effect];
    effects.extend(push(state, Route::DryRun { gateway_id }.into()));
    effects
}

/// `w`: the shown dry-run rows as a `cedar run-tests` file, expecting the
/// edited decisions.
pub(crate) fn save_tests(state: &mut AppState, gateway_id: &str, order: &[usize]) -> Vec<Effect> {
    let Some(report) = state.policy.dry_run_of(gateway_id) else {
        return Vec::new();
    };
    let cases = report.dry.test_cases(order.iter().copied());
    let path = format!("{}-tests.json", report.policy);
    vec![Effect::SaveFile {
        path: path.into(),
        contents: test_file_text(&cases),
        what: format!("{} policy test(s)", cases.len()),
    }]
}

/// `s` / `f` on the dry-run table.
pub(crate) fn cycle_sort(state: &mut AppState) {
    state.policy.dry_run_options.sort = state.policy.dry_run_options.sort.next();
}

pub(crate) fn toggle_flips_only(state: &mut AppState) {
    state.policy.dry_run_options.flips_only = !state.policy.dry_run_options.flips_only;
}

/// The "why" of one dry-run row: its Cedar request, entities, and the
/// policies that decided before and after. Plain lines; headings start
/// with `# `.
pub(crate) fn dry_run_detail_lines(
    state: &AppState,
    gateway_id: &str,
    index: usize,
) -> Vec<String> {
    let Some(report) = state.policy.dry_run_of(gateway_id) else {
        return Vec::new();
    };
    let Some(row) = report.dry.run.rows.get(index) else {
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
    match report.dry.requests.get(index).and_then(Option::as_ref) {
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
        let studio = state.policy.studio_of(gateway_id);
        let editor = state.policy.editor.as_ref();
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

/// The "why" of one captured call (from a trace's span): the gateway's
/// deployed policies dry-run over its captured calls, unchanged, then the
/// call's row opens once the report is in.
pub(crate) fn why_capture(state: &mut AppState, gateway_id: &str, capture_id: &str) -> Vec<Effect> {
    let Some(gateway) = state.gateway.find(gateway_id).cloned() else {
        error(
            state,
            format!("gateway {gateway_id} is not listed here: its decisions cannot be explained"),
        );
        return Vec::new();
    };
    let engine = match acc_backend::policy::workflow::attached_engine(&gateway) {
        Ok(engine) => engine,
        Err(e) => {
            error(state, format!("why: {e}"));
            return Vec::new();
        }
    };
    state.policy.why_capture = Some((gateway_id.to_owned(), capture_id.to_owned()));
    state
        .policy
        .dry_run
        .insert(gateway_id.to_owned(), Loadable::loading(state.tick));
    state.policy.dry_run_options = DryRunOptions::default();
    crate::shell::message::info(
        state,
        format!(
            "evaluating {}'s deployed policies for capture {capture_id}…",
            gateway.name
        ),
    );
    // The studio too: the why quotes the deciding policies' text.
    let mut effects = crate::features::policy::studio::load(state, gateway_id);
    effects.push(
        Job::DryRunPolicy {
            gateway: Box::new(gateway),
            engine_id: engine.id,
            policy: "(deployed)".into(),
            changes: Default::default(),
        }
        .into(),
    );
    effects
}

/// A dry-run of `gateway_id` arrived: the "why" waiting for it opens.
pub(crate) fn why_ready(state: &mut AppState, gateway_id: &str) -> Vec<Effect> {
    let Some((gateway, capture_id)) = state.policy.why_capture.clone() else {
        return Vec::new();
    };
    if gateway != gateway_id {
        return Vec::new();
    }
    state.policy.why_capture = None;
    let Some(report) = state.policy.dry_run_of(gateway_id) else {
        return Vec::new();
    };
    match report
        .dry
        .run
        .rows
        .iter()
        .position(|r| r.capture_id == capture_id)
    {
        Some(index) => push(
            state,
            Route::DryRunDetail {
                gateway_id: gateway,
                index,
            }
            .into(),
        ),
        None => {
            error(
                state,
                format!("capture {capture_id} is not among the gateway's latest captured calls"),
            );
            Vec::new()
        }
    }
}
