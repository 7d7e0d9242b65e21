//! Log records joined to a trace, and the conversation they hold: the
//! model's input and output messages as GenAI events
//! (`gen_ai.user.message`, `gen_ai.choice`, …) or as AgentCore's
//! `{input:{messages}, output:{messages}}` bodies in `otel-rt-logs`.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::secret_masking::{mask_secrets, mask_text};
use crate::traces::span::int_of;

/// Text kept per conversation turn (a tool result can be megabytes).
const MAX_TURN_CHARS: usize = 64 * 1024;
/// Content blocks read per message, and nesting followed.
const MAX_BLOCKS: usize = 256;

/// One log record, as the runtime's log group keeps it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceLogRecord {
    /// When it was logged (observed time when the record had none).
    pub time_unix_nano: i64,
    /// `severityText`, else the severity number as text.
    pub severity: String,
    /// The body, as sent.
    pub body: Value,
    /// The trace id, hex (empty when none).
    pub trace_id: String,
    /// The span id, hex (empty when none).
    pub span_id: String,
    /// The record's attributes.
    #[serde(default)]
    pub attributes: Map<String, Value>,
    /// `eventName`, else the `event.name` attribute.
    #[serde(default)]
    pub event_name: String,
}

/// One turn of the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationTurn {
    /// `system`, `user`, `assistant` or `tool`.
    pub role: String,
    /// What was said, masked and bounded.
    pub text: String,
    /// The span of the record it came from.
    pub span_id: String,
    /// The record's time.
    pub time_unix_nano: i64,
}

fn text_of(value: Option<&Value>) -> String {
    value.and_then(Value::as_str).unwrap_or_default().to_owned()
}

impl TraceLogRecord {
    /// A record from its CloudWatch message (OTLP log record as JSON):
    /// `timeUnixNano` (else `observedTimeUnixNano`), `severityText`,
    /// `traceId`/`spanId` (else `otelTraceID`/`otelSpanID` attributes),
    /// `body`, `attributes`, `eventName` (else `event.name`). None when it
    /// is not a JSON object.
    pub fn from_record(record: &Value) -> Option<Self> {
        let object = record.as_object()?;
        let attributes = match object.get("attributes") {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        };
        let or_attr = |key: &str, attr: &str| match text_of(object.get(key)) {
            s if s.is_empty() => text_of(attributes.get(attr)),
            s => s,
        };
        let time = match int_of(object.get("timeUnixNano")).unwrap_or(0) {
            0 => int_of(object.get("observedTimeUnixNano")).unwrap_or(0),
            t => t,
        };
        let severity = match text_of(object.get("severityText")) {
            s if s.is_empty() => int_of(object.get("severityNumber"))
                .map(|n| n.to_string())
                .unwrap_or_default(),
            s => s,
        };
        Some(Self {
            time_unix_nano: time,
            severity,
            body: object.get("body").cloned().unwrap_or(Value::Null),
            trace_id: or_attr("traceId", "otelTraceID"),
            span_id: or_attr("spanId", "otelSpanID"),
            event_name: or_attr("eventName", "event.name"),
            attributes,
        })
    }

    /// This record as it may be shown: secrets masked in body and attributes.
    pub fn masked(mut self) -> Self {
        self.body = mask_secrets(&self.body);
        if let Value::Object(masked) =
            mask_secrets(&Value::Object(std::mem::take(&mut self.attributes)))
        {
            self.attributes = masked;
        }
        self
    }
}

/// The text of message content: a string (or a JSON string of blocks, as
/// Strands writes it), `[{"text":…}]` blocks, tool uses and results.
fn content_text(content: &Value, depth: usize, out: &mut String) {
    if depth > 8 || out.len() > MAX_TURN_CHARS {
        return;
    }
    match content {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(parsed @ (Value::Array(_) | Value::Object(_))) => {
                content_text(&parsed, depth + 1, out)
            }
            _ => push_line(out, s),
        },
        Value::Array(blocks) => {
            for block in blocks.iter().take(MAX_BLOCKS) {
                content_text(block, depth + 1, out);
            }
        }
        Value::Object(block) => {
            if let Some(text) = block.get("text").and_then(Value::as_str) {
                push_line(out, text);
            } else if let Some(tool) = block.get("toolUse") {
                let input = tool.get("input").map(Value::to_string).unwrap_or_default();
                push_line(out, &format!("→ {}({input})", text_of(tool.get("name"))));
            } else if let Some(result) = block.get("toolResult") {
                let mut inner = String::new();
                content_text(
                    result.get("content").unwrap_or(&Value::Null),
                    depth + 1,
                    &mut inner,
                );
                push_line(out, &format!("← {inner}"));
            } else if let Some(inner) = block.get("content").or_else(|| block.get("message")) {
                content_text(inner, depth + 1, out);
            } else if !block.is_empty() {
                push_line(out, &Value::Object(block.clone()).to_string());
            }
        }
        Value::Null => {}
        other => push_line(out, &other.to_string()),
    }
}

fn push_line(out: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let room = MAX_TURN_CHARS.saturating_sub(out.len());
    match text.char_indices().nth(room) {
        Some((cut, _)) => {
            out.push_str(&text[..cut]);
            out.push('…');
        }
        None => out.push_str(text),
    }
}

/// The role an event name means.
fn event_role(event: &str) -> Option<&'static str> {
    match event {
        "gen_ai.system.message" => Some("system"),
        "gen_ai.user.message" => Some("user"),
        "gen_ai.assistant.message" | "gen_ai.choice" => Some("assistant"),
        "gen_ai.tool.message" => Some("tool"),
        _ => None,
    }
}

/// The turns one record holds, as (role, content).
fn turns_of(record: &TraceLogRecord) -> Vec<(String, &Value)> {
    let body = &record.body;
    if let Some(role) = event_role(&record.event_name) {
        let content = body
            .pointer("/message/content")
            .or_else(|| body.get("content"))
            .or_else(|| body.get("message"))
            .unwrap_or(body);
        return vec![(role.to_owned(), content)];
    }
    ["/input/messages", "/output/messages"]
        .iter()
        .filter_map(|p| body.pointer(p).and_then(Value::as_array))
        .flatten()
        .take(MAX_BLOCKS)
        .map(|m| {
            let role = text_of(m.get("role"));
            let role = if role.is_empty() {
                "assistant".to_owned()
            } else {
                role
            };
            (role, m.get("content").unwrap_or(m))
        })
        .collect()
}

/// The conversation in `records` (sorted by time): one turn per message,
/// masked; a message repeated verbatim (each model call resends the
/// history) is kept once.
pub fn conversation(records: &[TraceLogRecord]) -> Vec<ConversationTurn> {
    let mut sorted: Vec<&TraceLogRecord> = records.iter().collect();
    sorted.sort_by_key(|r| r.time_unix_nano);
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut out = Vec::new();
    for record in sorted {
        for (role, content) in turns_of(record) {
            let mut text = String::new();
            content_text(content, 0, &mut text);
            let text = mask_text(&text).into_owned();
            if text.is_empty() || !seen.insert((role.clone(), text.clone())) {
                continue;
            }
            out.push(ConversationTurn {
                role,
                text,
                span_id: record.span_id.clone(),
                time_unix_nano: record.time_unix_nano,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(time: i64, name: &str, body: Value) -> TraceLogRecord {
        TraceLogRecord {
            time_unix_nano: time,
            event_name: name.into(),
            body,
            span_id: "s1".into(),
            ..TraceLogRecord::default()
        }
    }

    fn said(turns: &[ConversationTurn]) -> Vec<String> {
        turns
            .iter()
            .map(|t| format!("{}: {}", t.role, t.text))
            .collect()
    }

    #[test]
    fn gen_ai_events_read_as_turns_in_time_order() {
        let turns = conversation(&[
            event(
                3,
                "gen_ai.choice",
                json!({ "index": 0, "message": { "role": "assistant", "content": [{"text": "It is sunny."}] } }),
            ),
            event(
                1,
                "gen_ai.system.message",
                json!({ "content": "You are terse." }),
            ),
            // Strands: content as a JSON string of blocks.
            event(
                2,
                "gen_ai.user.message",
                json!({ "content": "[{\"text\": \"Weather in Paris?\"}]" }),
            ),
            event(
                2,
                "gen_ai.tool.message",
                json!({ "content": [{"toolResult": {"content": [{"text": "22C"}]}}], "id": "t1" }),
            ),
            event(
                2,
                "gen_ai.assistant.message",
                json!({ "content": [{"toolUse": {"name": "weather", "input": {"city": "Paris"}}}] }),
            ),
            event(
                4,
                "gen_ai.user.message",
                json!({ "content": "[{\"text\": \"Weather in Paris?\"}]" }),
            ),
            event(5, "something.else", json!("not a turn")),
        ]);
        assert_eq!(
            said(&turns),
            [
                "system: You are terse.",
                "user: Weather in Paris?",
                "tool: ← 22C",
                "assistant: → weather({\"city\":\"Paris\"})",
                "assistant: It is sunny.",
            ]
        );
    }

    #[test]
    fn agentcore_bodies_and_record_parsing() {
        let record = TraceLogRecord::from_record(&json!({
            "timeUnixNano": "0", "observedTimeUnixNano": 77, "severityNumber": 9,
            "traceId": "", "spanId": "",
            "attributes": { "otelTraceID": "t1", "otelSpanID": "s9", "event.name": "strands.telemetry" },
            "body": {
                "input": { "messages": [{ "role": "user", "content": { "content": "[{\"text\": \"hi\"}]" } }] },
                "output": { "messages": [{ "role": "assistant", "content": { "message": "[{\"text\": \"hello, token=abc123secret\"}]" } }] }
            }
        }))
        .unwrap();
        assert_eq!((record.time_unix_nano, record.severity.as_str()), (77, "9"));
        assert_eq!(
            (record.trace_id.as_str(), record.span_id.as_str()),
            ("t1", "s9")
        );
        assert_eq!(record.event_name, "strands.telemetry");
        let turns = conversation(&[record]);
        assert_eq!(said(&turns)[0], "user: hi");
        assert!(
            turns[1].text.starts_with("hello, token=") && !turns[1].text.contains("abc123secret"),
            "masked: {}",
            turns[1].text
        );
        assert_eq!(turns[1].span_id, "s9");
        assert_eq!(TraceLogRecord::from_record(&json!("text")), None);
    }

    #[test]
    fn huge_content_is_bounded() {
        let long = "x".repeat(MAX_TURN_CHARS * 3);
        let turns = conversation(&[event(1, "gen_ai.user.message", json!({ "content": long }))]);
        assert!(turns[0].text.chars().count() <= MAX_TURN_CHARS + 1);
    }
}
