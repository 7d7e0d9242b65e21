//! The demo agent's spans: one per invocation, with a child span per
//! tool call, exported as OTLP/JSON to `OTEL_EXPORTER_OTLP_ENDPOINT` (the
//! runtime points it at the platform's receiver), as an instrumented agent
//! on AgentCore exports to its collector. Export failures are ignored: an
//! agent does not fail its answer because telemetry could not be sent.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// Unix time in nanoseconds.
pub(crate) fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// A tool call within an invocation.
pub(crate) struct ToolSpan {
    pub(crate) name: String,
    pub(crate) start_ns: u64,
    pub(crate) end_ns: u64,
    pub(crate) failed: Option<String>,
}

fn random_hex(bytes: usize) -> String {
    let random: Vec<u8> = (0..bytes).map(|_| rand::random::<u8>()).collect();
    crate::platform::ids::hex(&random)
}

fn string_attribute(key: &str, value: &str) -> Value {
    json!({ "key": key, "value": { "stringValue": value } })
}

/// The OTLP/JSON request for one invocation.
fn request(session: &str, start_ns: u64, end_ns: u64, tool: Option<&ToolSpan>) -> Value {
    let trace_id = random_hex(16);
    let root_id = random_hex(8);
    let mut spans = vec![json!({
        "traceId": trace_id, "spanId": root_id, "name": "demo_agent.invoke", "kind": 2,
        "startTimeUnixNano": start_ns.to_string(), "endTimeUnixNano": end_ns.to_string(),
        "attributes": [string_attribute("session.id", session)],
        "status": { "code": 1 }
    })];
    if let Some(tool) = tool {
        let status = match &tool.failed {
            Some(why) => json!({ "code": 2, "message": why }),
            None => json!({ "code": 1 }),
        };
        spans.push(json!({
            "traceId": trace_id, "spanId": random_hex(8), "parentSpanId": root_id,
            "name": format!("tools/call {}", tool.name), "kind": 3,
            "startTimeUnixNano": tool.start_ns.to_string(), "endTimeUnixNano": tool.end_ns.to_string(),
            "attributes": [string_attribute("session.id", session), string_attribute("gen_ai.tool.name", &tool.name)],
            "status": status
        }));
    }
    json!({ "resourceSpans": [{
        "resource": { "attributes": [string_attribute("service.name", "acc-demo-agent")] },
        "scopeSpans": [{ "scope": { "name": "acc.demo_agent" }, "spans": spans }]
    }] })
}

/// Send one invocation's spans in the background.
pub(crate) fn export(session: String, start_ns: u64, end_ns: u64, tool: Option<ToolSpan>) {
    let Some(endpoint) = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT")
        .ok()
        .filter(|e| !e.is_empty())
    else {
        return;
    };
    let body = request(&session, start_ns, end_ns, tool.as_ref());
    tokio::spawn(async move {
        let url = format!("{}/v1/traces", endpoint.trim_end_matches('/'));
        let _ = super::client::HTTP.post(url).json(&body).send().await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tool_call_is_a_child_of_the_invocation() {
        let tool = ToolSpan {
            name: "crm___search_accounts".into(),
            start_ns: 2,
            end_ns: 3,
            failed: Some("refused".into()),
        };
        let request = request("s-1", 1, 4, Some(&tool));
        let spans = request
            .pointer("/resourceSpans/0/scopeSpans/0/spans")
            .unwrap()
            .as_array()
            .unwrap();
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[1]["parentSpanId"], spans[0]["spanId"]);
        assert_eq!(spans[1]["traceId"], spans[0]["traceId"]);
        assert_eq!(spans[1]["status"]["code"], 2);
        assert_eq!(spans[0]["traceId"].as_str().unwrap().len(), 32);
    }
}
