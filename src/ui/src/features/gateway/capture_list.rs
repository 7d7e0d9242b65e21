//! Captured tool calls of a gateway, as the console lists them. They are
//! read from the gateway's APPLICATION_LOGS log group, locally and live
//! alike; each row keeps the call's JSON for the detail view and `y`.

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
            latency_ms: json.get("latencyMs").and_then(Value::as_f64).unwrap_or(0.0),
            json,
        }
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

/// Rows passing the filter, which matches tool, caller and outcome.
pub(crate) fn visible(state: &GatewayState, gateway_id: &str, filter: &FilterQuery) -> Vec<usize> {
    filter.apply_to(
        rows(state, gateway_id)
            .iter()
            .map(|r| format!("{} {} {}", r.tool, r.caller, r.outcome)),
    )
}

/// The detail view's lines: the capture as indented JSON.
pub(crate) fn detail_lines(state: &GatewayState, gateway_id: &str, index: usize) -> Vec<String> {
    call(state, gateway_id, index)
        .and_then(|json| serde_json::to_string_pretty(json).ok())
        .map(|text| text.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}
