//! `p` on a span: the policy studio's "why" of the Cedar decision on the
//! gateway call the span made.

use crate::features::policy::dry_run::why_capture;
use crate::shell::effect::Effect;
use crate::shell::message::info;
use crate::shell::state::AppState;

/// The "why" of the span's gateway call, if it made one.
pub(crate) fn open(state: &mut AppState, trace_id: &str, span_id: &str) -> Vec<Effect> {
    let call = state.traces.trace(trace_id).and_then(|t| {
        t.detail
            .calls
            .iter()
            .find(|c| c.span_id == span_id)
            .map(|c| (c.capture.gateway_id.clone(), c.capture.capture_id.clone()))
    });
    match call {
        Some((gateway_id, capture_id)) => why_capture(state, &gateway_id, &capture_id),
        None => {
            info(
                state,
                "this span made no gateway call: nothing was decided".into(),
            );
            Vec::new()
        }
    }
}
