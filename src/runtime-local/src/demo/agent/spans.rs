//! The demo agent's GenAI telemetry, as an instrumented agent on AgentCore
//! exports it to its collector (`OTEL_EXPORTER_OTLP_ENDPOINT`, which the
//! runtime points at the platform's receiver), in OpenTelemetry's GenAI
//! semantic conventions:
//!
//! - spans `invoke_agent <agent>` (the invocation), under it `chat <model>`
//!   per model call (model, input and output tokens) and `execute_tool
//!   <tool>` per tool call, whose id travels to the gateway in
//!   `traceparent` so the gateway's own span joins the trace;
//! - log records, GenAI events carrying the trace and span ids: the user's
//!   prompt (`gen_ai.user.message`), what a tool answered
//!   (`gen_ai.tool.message`) and the model's answer (`gen_ai.choice`). The
//!   receiver writes them to the runtime's log group, stream `otel-rt-logs`.
//!
//! The model is the demo's deterministic one: its token counts are the
//! words it read and wrote. Everything is built in memory and sent once, in
//! the background, after the answer (two small OTLP/JSON requests). Export
//! failures are ignored: an agent does not fail its answer because
//! telemetry could not be sent.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::genai_events::{self, GenAiEvent};

/// Unix time in nanoseconds.
pub(crate) fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// The model the demo agent names (`MODEL_ID`, else its deterministic one).
fn model() -> String {
    std::env::var("MODEL_ID")
        .ok()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "acc-demo-deterministic-1".to_owned())
}

/// The agent's name (`AGENT_ROLE`, as the demo runtimes set it).
fn agent_name() -> String {
    std::env::var("AGENT_ROLE")
        .ok()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "demo_agent".to_owned())
}

/// Tokens as the deterministic model counts them: words.
pub(crate) fn tokens(text: &str) -> i64 {
    text.split_whitespace().count().max(1) as i64
}

/// A tool call within an invocation: its span id was chosen before the call
/// (it is the call's `traceparent` parent).
pub(crate) struct ToolSpan {
    pub(crate) span_id: String,
    pub(crate) name: String,
    pub(crate) start_ns: u64,
    pub(crate) end_ns: u64,
    pub(crate) failed: Option<String>,
}

/// A random id of `bytes` bytes in hex (never all zero).
pub(crate) fn random_hex(bytes: usize) -> String {
    crate::observability::otlp::trace_context::new_id(bytes)
}

/// An OTLP/JSON attribute.
pub(crate) fn attribute(key: &str, value: &Value) -> Value {
    json!({ "key": key, "value": genai_events::any_value(value) })
}

/// One invocation's telemetry, gathered while it runs and sent at its end.
pub(crate) struct Invocation {
    session: String,
    agent: String,
    model: String,
    trace_id: String,
    root_id: String,
    start_ns: u64,
    /// The root's children, as OTLP/JSON spans.
    spans: Vec<Value>,
    events: Vec<GenAiEvent>,
}

impl Invocation {
    /// An invocation of `session` starting now, in a new trace.
    pub(crate) fn start(session: String) -> Self {
        Self {
            session,
            agent: agent_name(),
            model: model(),
            trace_id: random_hex(16),
            root_id: random_hex(8),
            start_ns: now_ns(),
            spans: Vec::new(),
            events: Vec::new(),
        }
    }

    /// When it started (Unix ns).
    pub(crate) fn started_ns(&self) -> u64 {
        self.start_ns
    }

    /// The W3C `traceparent` naming `span_id` of this trace as the parent.
    pub(crate) fn traceparent(&self, span_id: &str) -> String {
        format!("00-{}-{span_id}-01", self.trace_id)
    }

    fn span(
        &self,
        id: &str,
        name: String,
        kind: i64,
        times: (u64, u64),
        attrs: Vec<Value>,
    ) -> Value {
        let mut attributes = vec![attribute("session.id", &json!(self.session))];
        attributes.extend(attrs);
        json!({
            "traceId": self.trace_id, "spanId": id, "parentSpanId": self.root_id,
            "name": name, "kind": kind,
            "startTimeUnixNano": times.0.to_string(), "endTimeUnixNano": times.1.to_string(),
            "attributes": attributes,
            "status": { "code": 0 }
        })
    }

    /// A model call from `start_ns` to `end_ns` that read `input` and wrote
    /// `output` tokens, with the messages it saw and said; its span id.
    pub(crate) fn chat(
        &mut self,
        times: (u64, u64),
        (input, output): (i64, i64),
        messages: Vec<(&'static str, Value)>,
    ) -> String {
        let id = random_hex(8);
        let span = self.span(
            &id,
            format!("chat {}", self.model),
            3,
            times,
            vec![
                attribute("gen_ai.operation.name", &json!("chat")),
                attribute("gen_ai.provider.name", &json!("acc")),
                attribute("gen_ai.request.model", &json!(self.model)),
                attribute("gen_ai.response.model", &json!(self.model)),
                attribute("gen_ai.usage.input_tokens", &json!(input)),
                attribute("gen_ai.usage.output_tokens", &json!(output)),
            ],
        );
        self.spans.push(span);
        for (name, body) in messages {
            self.events.push(GenAiEvent {
                name,
                body,
                span_id: id.clone(),
                time_ns: times.1,
            });
        }
        id
    }

    /// A tool call's span.
    pub(crate) fn tool(&mut self, tool: &ToolSpan) {
        let mut span = self.span(
            &tool.span_id,
            format!("execute_tool {}", tool.name),
            1,
            (tool.start_ns, tool.end_ns),
            vec![
                attribute("gen_ai.operation.name", &json!("execute_tool")),
                attribute("gen_ai.tool.name", &json!(tool.name)),
                attribute("gen_ai.tool.call.id", &json!(tool.span_id)),
            ],
        );
        if let Some(why) = &tool.failed {
            span["status"] = json!({ "code": 2, "message": why });
        }
        self.spans.push(span);
    }

    /// The OTLP/JSON trace export: the root (ending at `end_ns`, failed
    /// with `failed` if given) and its children.
    fn traces(&self, end_ns: u64, failed: Option<&str>) -> Value {
        let mut root = self.span(
            &self.root_id,
            format!("invoke_agent {}", self.agent),
            2,
            (self.start_ns, end_ns),
            vec![
                attribute("gen_ai.operation.name", &json!("invoke_agent")),
                attribute("gen_ai.agent.name", &json!(self.agent)),
                attribute("gen_ai.provider.name", &json!("acc")),
            ],
        );
        root.as_object_mut().map(|r| r.remove("parentSpanId"));
        if let Some(why) = failed {
            root["status"] = json!({ "code": 2, "message": why });
        }
        let mut spans = vec![root];
        spans.extend(self.spans.iter().cloned());
        json!({ "resourceSpans": [{
            "resource": { "attributes": [attribute("service.name", &json!("acc-demo-agent"))] },
            "scopeSpans": [{ "scope": { "name": "acc.demo_agent" }, "spans": spans }]
        }] })
    }

    /// Send the invocation's spans and events in the background; it ended
    /// at `end_ns`, failed with `failed` if given.
    pub(crate) fn finish(self, end_ns: u64, failed: Option<String>) {
        let Some(endpoint) = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT")
            .ok()
            .filter(|e| !e.is_empty())
        else {
            return;
        };
        let traces = self.traces(end_ns, failed.as_deref());
        let logs = genai_events::export(&self.events, &self.trace_id, &self.session);
        tokio::spawn(async move {
            let base = endpoint.trim_end_matches('/');
            let http = &*super::client::HTTP;
            let _ = http
                .post(format!("{base}/v1/traces"))
                .json(&traces)
                .send()
                .await;
            if let Some(logs) = logs {
                let _ = http
                    .post(format!("{base}/v1/logs"))
                    .json(&logs)
                    .send()
                    .await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_calls_and_tool_calls_are_children_of_the_invocation() {
        let mut invocation = Invocation::start("s-1".into());
        let chat = invocation.chat(
            (1, 2),
            (7, 3),
            vec![("gen_ai.user.message", json!({ "content": "hi" }))],
        );
        invocation.tool(&ToolSpan {
            span_id: random_hex(8),
            name: "crm___search_accounts".into(),
            start_ns: 2,
            end_ns: 3,
            failed: Some("refused".into()),
        });
        let request = invocation.traces(4, None);
        let spans = request
            .pointer("/resourceSpans/0/scopeSpans/0/spans")
            .unwrap()
            .as_array()
            .unwrap();
        assert_eq!(spans.len(), 3);
        assert!(
            spans[0]["name"]
                .as_str()
                .unwrap()
                .starts_with("invoke_agent ")
        );
        assert!(spans[0].get("parentSpanId").is_none());
        assert_eq!(spans[1]["spanId"], chat);
        assert_eq!(spans[1]["parentSpanId"], spans[0]["spanId"]);
        assert_eq!(spans[2]["parentSpanId"], spans[0]["spanId"]);
        assert_eq!(spans[2]["traceId"], spans[0]["traceId"]);
        assert_eq!(spans[2]["status"]["code"], 2);
        assert_eq!(spans[0]["traceId"].as_str().unwrap().len(), 32);
        let tokens: Vec<&Value> = spans[1]["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["key"] == "gen_ai.usage.input_tokens")
            .collect();
        assert_eq!(tokens[0]["value"]["intValue"], "7");
        let tp = invocation.traceparent("00f067aa0ba902b7");
        assert_eq!(tp.len(), 55);
    }
}
