//! What the backend answers about traces: the query for the list, and one
//! trace's detail (its spans, the log records joined by trace id, and the
//! gateway calls its tool spans made, with their Cedar decisions).

use serde::{Deserialize, Serialize};

use crate::capture::CapturedCall;
use crate::cedar_model::evaluation::PolicyDecision;
use crate::traces::conversation::TraceLogRecord;
use crate::traces::span::{GenAiKind, TraceSpan};

/// The span attribute naming the capture of the gateway call a span made.
pub const CAPTURE_ID_ATTRIBUTE: &str = "aws.agentcore.gateway.capture_id";
/// Slack allowed between a capture's time and its tool span (clocks and
/// the capture's millisecond resolution).
const TIME_SLACK_NANO: i64 = 1_000_000_000;

/// What the trace list asks for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceQuery {
    /// How far back, in milliseconds (None: the default window).
    pub since_ms: Option<i64>,
    /// Only this session's traces.
    pub session: Option<String>,
    /// Only traces of this runtime (id, or a part of its service name).
    pub runtime: Option<String>,
    /// Only traces with an error span.
    pub errors_only: bool,
    /// A filter in the [`crate::traces::TraceFilter`] language.
    pub filter: Option<String>,
}

/// A gateway call a span made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpanCall {
    /// The span (gateway span, or the agent's `execute_tool` span).
    pub span_id: String,
    /// The captured call (masked), with its full arguments.
    pub capture: CapturedCall,
    /// How the span and the call were matched: `capture_id`, `trace_id`
    /// or `tool_and_time`.
    pub matched_by: String,
    /// The policy engine's decision, when one is attached.
    pub decision: Option<PolicyDecision>,
    /// The policies that determined it.
    pub determining_policies: Vec<String>,
}

/// One trace with everything joined to it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceDetail {
    /// The spans (masked).
    pub spans: Vec<TraceSpan>,
    /// The log records with this trace id, by time (masked).
    pub logs: Vec<TraceLogRecord>,
    /// The gateway calls of its tool spans.
    pub calls: Vec<SpanCall>,
    /// What could not be joined and why (a log group missing, a read
    /// bound reached), for the operator.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// An X-Ray trace id (`1-5f84c7a1-…24 hex`) as a W3C one (32 hex); a W3C
/// id as itself, lowercased.
pub fn w3c_trace_id(id: &str) -> String {
    match id.strip_prefix("1-").and_then(|rest| rest.split_once('-')) {
        Some((epoch, random)) if epoch.len() == 8 && random.len() == 24 => {
            format!("{epoch}{random}").to_ascii_lowercase()
        }
        _ => id.to_ascii_lowercase(),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` as milliseconds since the epoch.
pub fn rfc3339_unix_ms(text: &str) -> Option<i64> {
    let (date, time) = text.trim_end_matches('Z').split_once('T')?;
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let mut t = hms.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, min, s) = (t.next()??, t.next()??, t.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || min > 59 || s > 60 {
        return None;
    }
    let ms: i64 = format!("{:0<3}", frac.get(..3).unwrap_or(frac))
        .parse()
        .ok()?;
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + min) * 60_000 + s * 1000 + ms)
}

/// Whether a span's tool name names the captured tool (`Target___tool`).
fn same_tool(span: &TraceSpan, capture: &CapturedCall) -> bool {
    let name = span
        .tool_name()
        .unwrap_or_else(|| span.name.rsplit(' ').next().unwrap_or_default());
    !name.is_empty() && (capture.tool == name || capture.tool.rsplit("___").next() == Some(name))
}

/// The gateway calls of `spans`: by the span's capture id attribute, else
/// by trace id (a tool span of the same tool in that trace), else by tool
/// name and time (an `execute_tool` span whose time holds the capture).
/// Each capture is linked once, at its best match.
pub fn link_calls(spans: &[TraceSpan], captures: &[CapturedCall]) -> Vec<SpanCall> {
    let tools: Vec<&TraceSpan> = spans
        .iter()
        .filter(|s| {
            s.kind_gen_ai() == GenAiKind::Tool || s.attributes.contains_key(CAPTURE_ID_ATTRIBUTE)
        })
        .collect();
    let mut out = Vec::new();
    for capture in captures {
        let by_id = spans.iter().find(|s| {
            s.attributes
                .get(CAPTURE_ID_ATTRIBUTE)
                .and_then(|v| v.as_str())
                == Some(&capture.capture_id)
        });
        let trace = w3c_trace_id(&capture.trace_id);
        let by_trace = || {
            tools
                .iter()
                .find(|s| s.trace_id.eq_ignore_ascii_case(&trace) && same_tool(s, capture))
        };
        let by_time = || {
            let at = rfc3339_unix_ms(&capture.time)? * 1_000_000;
            tools.iter().find(|s| {
                same_tool(s, capture)
                    && s.start_unix_nano - TIME_SLACK_NANO <= at
                    && at <= s.end_unix_nano + TIME_SLACK_NANO
            })
        };
        let (span, matched_by) = match (by_id, by_trace()) {
            (Some(s), _) => (s, "capture_id"),
            (None, Some(s)) => (*s, "trace_id"),
            (None, None) => match by_time() {
                Some(s) => (*s, "tool_and_time"),
                None => continue,
            },
        };
        let capture = capture.clone().masked();
        out.push(SpanCall {
            span_id: span.span_id.clone(),
            decision: capture.policy.as_ref().map(|p| p.decision),
            determining_policies: capture
                .policy
                .as_ref()
                .map(|p| p.determining_policies.clone())
                .unwrap_or_default(),
            capture,
            matched_by: matched_by.into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{CaptureOutcome, CapturedCaller, CapturedPolicy};
    use serde_json::json;

    fn capture(id: &str, tool: &str, trace: &str, time: &str) -> CapturedCall {
        CapturedCall {
            time: time.into(),
            capture_id: id.into(),
            gateway_id: "gw".into(),
            gateway_arn: String::new(),
            target: "Weather".into(),
            tool: tool.into(),
            caller: CapturedCaller {
                kind: "iam".into(),
                sub: None,
                arn: None,
                claims: None,
            },
            arguments: json!({ "city": "Paris", "password": "hunter22" }),
            outcome: CaptureOutcome::Ok,
            detail: None,
            latency_ms: 3.0,
            trace_id: trace.into(),
            policy: Some(CapturedPolicy {
                engine_arn: "arn".into(),
                mode: "ENFORCE".into(),
                decision: PolicyDecision::Deny,
                determining_policies: vec!["p1".into()],
                errors: vec![],
            }),
        }
    }

    fn tool_span(id: &str, trace: &str, tool: &str, start_ms: i64) -> TraceSpan {
        TraceSpan {
            trace_id: trace.into(),
            span_id: id.into(),
            name: format!("execute_tool {tool}"),
            start_unix_nano: start_ms * 1_000_000,
            end_unix_nano: (start_ms + 100) * 1_000_000,
            attributes: [
                ("gen_ai.operation.name".to_owned(), json!("execute_tool")),
                ("gen_ai.tool.name".to_owned(), json!(tool)),
            ]
            .into_iter()
            .collect(),
            ..TraceSpan::default()
        }
    }

    #[test]
    fn times_and_trace_ids_convert() {
        assert_eq!(rfc3339_unix_ms("1970-01-01T00:00:01.5Z"), Some(1500));
        assert_eq!(
            rfc3339_unix_ms("2026-12-02T10:40:21.123Z"),
            Some(1_796_208_021_123)
        );
        assert_eq!(rfc3339_unix_ms("2026-13-02T10:40:21Z"), None);
        assert_eq!(rfc3339_unix_ms("yesterday"), None);
        assert_eq!(
            w3c_trace_id("1-5F84C7A1-8e9f1b2c3d4e5f6a7b8c9d0e"),
            "5f84c7a18e9f1b2c3d4e5f6a7b8c9d0e"
        );
        assert_eq!(
            w3c_trace_id("0af7651916cd43dd8448eb211c80319c"),
            "0af7651916cd43dd8448eb211c80319c"
        );
    }

    #[test]
    fn calls_link_by_capture_id_then_trace_then_tool_and_time() {
        let trace = "5f84c7a18e9f1b2c3d4e5f6a7b8c9d0e";
        let mut by_id = tool_span("g1", "other", "x", 0);
        by_id
            .attributes
            .insert(CAPTURE_ID_ATTRIBUTE.into(), json!("cap-1"));
        let spans = vec![
            by_id,
            tool_span("t1", trace, "get_weather", 0),
            tool_span("t2", "feedfeed", "get_time", 1_796_208_021_000),
        ];
        let captures = vec![
            capture(
                "cap-1",
                "Weather___get_weather",
                "1-aaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbb",
                "2026-12-02T10:40:21.050Z",
            ),
            capture(
                "cap-2",
                "Weather___get_weather",
                "1-5f84c7a1-8e9f1b2c3d4e5f6a7b8c9d0e",
                "2020-01-01T00:00:00Z",
            ),
            capture(
                "cap-3",
                "Clock___get_time",
                "1-00000000-000000000000000000000000",
                "2026-12-02T10:40:21.050Z",
            ),
            capture(
                "cap-4",
                "Clock___get_time",
                "1-00000000-000000000000000000000000",
                "2026-12-02T11:00:00Z",
            ),
        ];
        let calls = link_calls(&spans, &captures);
        let linked: Vec<(&str, &str, &str)> = calls
            .iter()
            .map(|c| {
                (
                    c.span_id.as_str(),
                    c.capture.capture_id.as_str(),
                    c.matched_by.as_str(),
                )
            })
            .collect();
        assert_eq!(
            linked,
            [
                ("g1", "cap-1", "capture_id"),
                ("t1", "cap-2", "trace_id"),
                ("t2", "cap-3", "tool_and_time")
            ]
        );
        assert_eq!(calls[0].decision, Some(PolicyDecision::Deny));
        assert_eq!(calls[0].determining_policies, ["p1"]);
        assert_eq!(
            calls[0].capture.arguments["password"],
            json!("****"),
            "masked"
        );
    }
}
