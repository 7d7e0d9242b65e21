//! The demo agent's GenAI events as OTLP/JSON log records: what the model
//! saw and said (`gen_ai.user.message`, `gen_ai.tool.message`,
//! `gen_ai.choice`), each carrying its model call's trace and span ids and
//! the session, so the receiver writes them to the runtime's log group,
//! stream `otel-rt-logs`.

use serde_json::{Value, json};

use super::spans::attribute;

/// One event of a model call.
pub(crate) struct GenAiEvent {
    /// `gen_ai.user.message`, `gen_ai.tool.message`, `gen_ai.choice`.
    pub(crate) name: &'static str,
    /// The event's body (plain JSON; sent as an OTLP `AnyValue`).
    pub(crate) body: Value,
    /// The model call's span.
    pub(crate) span_id: String,
    pub(crate) time_ns: u64,
}

/// Plain JSON as an OTLP/JSON `AnyValue` (objects become key-value lists).
pub(crate) fn any_value(value: &Value) -> Value {
    match value {
        Value::Null => json!({}),
        Value::Bool(b) => json!({ "boolValue": b }),
        Value::Number(n) => match n.as_i64() {
            Some(i) => json!({ "intValue": i.to_string() }),
            None => json!({ "doubleValue": n.as_f64() }),
        },
        Value::String(s) => json!({ "stringValue": s }),
        Value::Array(items) => {
            json!({ "arrayValue": { "values": items.iter().map(any_value).collect::<Vec<_>>() } })
        }
        Value::Object(fields) => json!({ "kvlistValue": { "values": fields
            .iter()
            .map(|(k, v)| json!({ "key": k, "value": any_value(v) }))
            .collect::<Vec<_>>() } }),
    }
}

/// The OTLP/JSON logs export of `events` in `trace` (none without events).
pub(crate) fn export(events: &[GenAiEvent], trace: &str, session: &str) -> Option<Value> {
    if events.is_empty() {
        return None;
    }
    let records: Vec<Value> = events
        .iter()
        .map(|e| {
            json!({
                "timeUnixNano": e.time_ns.to_string(),
                "observedTimeUnixNano": e.time_ns.to_string(),
                "severityNumber": 9,
                "severityText": "INFO",
                "eventName": e.name,
                "traceId": trace,
                "spanId": e.span_id,
                "flags": 1,
                "body": any_value(&e.body),
                "attributes": [
                    attribute("event.name", &json!(e.name)),
                    attribute("session.id", &json!(session)),
                    attribute("gen_ai.provider.name", &json!("acc")),
                ],
            })
        })
        .collect();
    Some(json!({ "resourceLogs": [{
        "resource": { "attributes": [attribute("service.name", &json!("acc-demo-agent"))] },
        "scopeLogs": [{ "scope": { "name": "acc.demo_agent" }, "logRecords": records }]
    }] }))
}

/// The user's prompt.
pub(crate) fn user_message(prompt: &str) -> (&'static str, Value) {
    (
        "gen_ai.user.message",
        json!({ "role": "user", "content": prompt }),
    )
}

/// What a tool answered, as the model reads it.
pub(crate) fn tool_message(call_id: &str, content: &str) -> (&'static str, Value) {
    (
        "gen_ai.tool.message",
        json!({ "role": "tool", "id": call_id, "content": content }),
    )
}

/// The model's answer.
pub(crate) fn choice(answer: &str) -> (&'static str, Value) {
    (
        "gen_ai.choice",
        json!({
            "index": 0,
            "finish_reason": "stop",
            "message": { "role": "assistant", "content": answer },
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_otlp_any_values_and_records_carry_their_ids() {
        assert_eq!(
            any_value(&json!({ "n": 2, "ok": true, "s": ["a"] })),
            json!({ "kvlistValue": { "values": [
                { "key": "n", "value": { "intValue": "2" } },
                { "key": "ok", "value": { "boolValue": true } },
                { "key": "s", "value": { "arrayValue": { "values": [{ "stringValue": "a" }] } } },
            ] } })
        );
        let (name, body) = choice("done");
        let events = [GenAiEvent {
            name,
            body,
            span_id: "b7ad6b7169203331".into(),
            time_ns: 5,
        }];
        let logs = export(&events, &"ab".repeat(16), "s-1").unwrap();
        let record = &logs["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
        assert_eq!(record["eventName"], "gen_ai.choice");
        assert_eq!(record["spanId"], "b7ad6b7169203331");
        assert!(export(&[], "t", "s").is_none());
    }
}
