//! Captured tool calls of a gateway, as the console lists them. They are
//! read from the gateway's APPLICATION_LOGS log group, locally and live
//! alike; each row keeps the call's JSON for the detail view and `y`.

use acc_domain::CaptureOutcome;
use acc_domain::cedar_model::evaluation::PolicyDecision;
use serde_json::Value;

use crate::features::gateway::job::Job;
use crate::features::gateway::state::GatewayState;
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::loadable::{Loadable, start_load};
use crate::shell::message::error;
use crate::shell::state::AppState;

/// One captured call, with the columns the list shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureRow {
    /// When the call was made.
    pub time: String,
    /// The qualified tool name.
    pub tool: String,
    /// Who called: the subject, ARN or kind of caller.
    pub caller: String,
    /// `ok`, `tool_error` or `denied`.
    pub outcome: String,
    /// The policy engine's `allow` or `deny`; None when no engine decided.
    pub decision: Option<String>,
    /// The engine's mode when it decided: `ENFORCE` or `LOG_ONLY`.
    pub mode: String,
    /// How long the call took.
    pub latency_ms: f64,
    /// The whole capture.
    pub json: Value,
}

/// A gateway's loaded captures, newest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaptureList {
    /// The calls.
    pub rows: Vec<CaptureRow>,
    /// Said under the list: log lines that weren't captures, a missing
    /// log group, …
    pub note: Option<String>,
}

impl CaptureRow {
    /// The row of a capture's JSON.
    pub fn from_json(json: Value) -> CaptureRow {
        let text = |pointer: &str| {
            json.pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let caller = ["/caller/sub", "/caller/arn", "/caller/kind"]
            .iter()
            .map(|p| text(p))
            .find(|c| !c.is_empty())
            .unwrap_or_else(|| "anonymous".into());
        CaptureRow {
            time: text("/time"),
            tool: text("/tool"),
            caller,
            outcome: text("/outcome"),
            decision: Some(text("/policy/decision")).filter(|d| !d.is_empty()),
            mode: text("/policy/mode"),
            latency_ms: json.get("latencyMs").and_then(Value::as_f64).unwrap_or(0.0),
            json,
        }
    }

    /// The TIME cell: the time of day in UTC, `10:00:00` (newest first;
    /// the detail shows the whole timestamp); a time in another form as it is.
    pub fn short_time(&self) -> String {
        let chars: Vec<char> = self.time.chars().collect();
        let is_rfc3339 = chars.len() >= 19
            && chars.get(4) == Some(&'-')
            && chars.get(10).is_some_and(|c| *c == 'T' || *c == ' ')
            && chars.get(13) == Some(&':');
        if !is_rfc3339 {
            return self.time.clone();
        }
        chars[11..19].iter().collect()
    }

    /// The DECISION cell: `allow ENFORCE`, `deny LOG_ONLY`, … or `-` when
    /// no policy engine decided.
    pub fn decision_label(&self) -> String {
        match &self.decision {
            Some(decision) => format!("{decision} {}", self.mode).trim_end().to_owned(),
            None => "-".into(),
        }
    }
}

/// The captures list's `o` (outcome) and `D` (decision) filters; both
/// narrow the list before the `/` text filter does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaptureFilters {
    /// Only calls that ended this way.
    pub outcome: Option<CaptureOutcome>,
    /// Only calls the policy engine decided this way.
    pub decision: Option<PolicyDecision>,
}

impl CaptureFilters {
    /// `o`: all → ok → tool_error → denied → all.
    pub fn cycle_outcome(&mut self) {
        self.outcome = match self.outcome {
            None => Some(CaptureOutcome::Ok),
            Some(CaptureOutcome::Ok) => Some(CaptureOutcome::ToolError),
            Some(CaptureOutcome::ToolError) => Some(CaptureOutcome::Denied),
            Some(CaptureOutcome::Denied) => None,
        };
    }

    /// `D`: all → allow → deny → all.
    pub fn cycle_decision(&mut self) {
        self.decision = match self.decision {
            None => Some(PolicyDecision::Allow),
            Some(PolicyDecision::Allow) => Some(PolicyDecision::Deny),
            Some(PolicyDecision::Deny) => None,
        };
    }

    /// Whether either filter narrows the list.
    pub fn is_active(&self) -> bool {
        *self != CaptureFilters::default()
    }

    /// The active filters, as `outcome:denied`, `decision:deny`.
    pub fn tags(&self) -> Vec<String> {
        let outcome = self.outcome.map(|o| format!("outcome:{}", o.as_str()));
        let decision = self.decision.map(|d| format!("decision:{}", d.as_str()));
        outcome.into_iter().chain(decision).collect()
    }

    /// Whether `row` passes both filters.
    pub fn matches(&self, row: &CaptureRow) -> bool {
        self.outcome.is_none_or(|o| o.as_str() == row.outcome)
            && self
                .decision
                .is_none_or(|d| row.decision.as_deref() == Some(d.as_str()))
    }
}

/// Start loading a gateway's captures unless loaded or under way.
pub(crate) fn load(state: &mut AppState, gateway_id: &str) -> Vec<Effect> {
    let Some(gateway) = state.gateway.find(gateway_id).cloned() else {
        return Vec::new();
    };
    if !start_load(&mut state.gateway.captures, gateway_id, state.tick) {
        return Vec::new();
    }
    vec![
        Job::LoadCaptures {
            gateway: Box::new(gateway),
        }
        .into(),
    ]
}

/// The captures arrived.
pub(crate) fn on_loaded(
    state: &mut AppState,
    gateway_id: &str,
    result: Result<CaptureList, String>,
) {
    let loaded = match result {
        Ok(list) => Loadable::Loaded(list),
        Err(e) => {
            error(state, format!("captures: {e}"));
            Loadable::Failed(e)
        }
    };
    state.gateway.captures.insert(gateway_id.to_owned(), loaded);
}

impl CaptureList {
    /// Rows for captured calls (anything serialising to the capture JSON).
    pub fn of<T: serde::Serialize>(calls: &[T], note: Option<String>) -> CaptureList {
        let rows = calls
            .iter()
            .filter_map(|call| serde_json::to_value(call).ok())
            .map(CaptureRow::from_json)
            .collect();
        CaptureList { rows, note }
    }
}

fn rows<'a>(state: &'a GatewayState, gateway_id: &str) -> &'a [CaptureRow] {
    state
        .captures
        .get(gateway_id)
        .and_then(Loadable::loaded)
        .map(|l| l.rows.as_slice())
        .unwrap_or_default()
}

/// The `index`th captured call's JSON.
pub(crate) fn call<'a>(
    state: &'a GatewayState,
    gateway_id: &str,
    index: usize,
) -> Option<&'a Value> {
    rows(state, gateway_id).get(index).map(|r| &r.json)
}

/// The rows passing `o` and `D`, in list order.
pub(crate) fn in_view(state: &GatewayState, gateway_id: &str) -> Vec<usize> {
    let rows = rows(state, gateway_id);
    (0..rows.len())
        .filter(|&i| state.capture_filters.matches(&rows[i]))
        .collect()
}

/// Rows passing `o`, `D` and the `/` filter, which matches the tool, the
/// caller, the outcome and the decision.
pub(crate) fn visible(state: &GatewayState, gateway_id: &str, filter: &FilterQuery) -> Vec<usize> {
    let rows = rows(state, gateway_id);
    filter.apply_in_order(&in_view(state, gateway_id), |i| {
        rows.get(i)
            .map(|r| {
                let decision = r.decision_label();
                format!("{} {} {} {decision}", r.tool, r.caller, r.outcome)
            })
            .unwrap_or_default()
    })
}

/// `o` or `D` on the captures list: the next filter, the list redrawn.
pub(crate) fn cycle(state: &mut AppState, change: fn(&mut CaptureFilters)) {
    change(&mut state.gateway.capture_filters);
    crate::shell::navigation::refresh_top(state);
}

/// The detail view's lines: the capture as indented JSON.
pub(crate) fn detail_lines(state: &GatewayState, gateway_id: &str, index: usize) -> Vec<String> {
    call(state, gateway_id, index)
        .and_then(|json| serde_json::to_string_pretty(json).ok())
        .map(|text| text.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}
