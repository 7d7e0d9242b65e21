//! One span of a trace, as Transaction Search keeps it (`aws/spans`), and
//! its GenAI reading (`gen_ai.*` semantic conventions).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::agent_runtime::SessionSpan;
use crate::secret_masking::{mask_secrets, mask_text};

/// An event recorded on a span (`events[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpanEvent {
    /// The event's name, e.g. `exception`.
    pub name: String,
    /// When it happened, nanoseconds since the epoch.
    pub time_unix_nano: i64,
    /// Its attributes.
    #[serde(default)]
    pub attributes: Map<String, Value>,
}

/// One span of a trace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceSpan {
    /// The trace id, hex.
    pub trace_id: String,
    /// The span id, hex.
    pub span_id: String,
    /// The parent's span id; empty for a root span.
    #[serde(default)]
    pub parent_span_id: String,
    /// The span's name, e.g. `chat us.anthropic.claude-sonnet-4`.
    pub name: String,
    /// `SERVER`, `CLIENT`, `INTERNAL`, `PRODUCER`, `CONSUMER` or `UNSPECIFIED`.
    #[serde(default)]
    pub kind: String,
    /// Start time, nanoseconds since the epoch.
    pub start_unix_nano: i64,
    /// End time, nanoseconds since the epoch.
    pub end_unix_nano: i64,
    /// 0 unset, 1 ok, 2 error.
    #[serde(default)]
    pub status_code: i64,
    /// The status message; empty when none was given.
    #[serde(default)]
    pub status_message: String,
    /// The exporting service (`resource.attributes.service.name`).
    #[serde(default)]
    pub service: String,
    /// The session (`session.id` on the span, else on its resource).
    #[serde(default)]
    pub session_id: String,
    /// The span's attributes.
    #[serde(default)]
    pub attributes: Map<String, Value>,
    /// The resource's attributes.
    #[serde(default)]
    pub resource: Map<String, Value>,
    /// The span's events.
    #[serde(default)]
    pub events: Vec<SpanEvent>,
}

/// What a span does, by `gen_ai.operation.name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GenAiKind {
    /// `invoke_agent`, `create_agent`.
    Agent,
    /// `chat`, `text_completion`, `generate_content`.
    Llm,
    /// `execute_tool`.
    Tool,
    /// `retrieve`, `embeddings`.
    Retrieval,
    /// Anything else.
    Other,
}

impl GenAiKind {
    /// The kind an operation name means (`Other` for an unknown one).
    pub fn of_operation(operation: &str) -> Self {
        match operation {
            "invoke_agent" | "create_agent" => Self::Agent,
            "chat" | "text_completion" | "generate_content" => Self::Llm,
            "execute_tool" => Self::Tool,
            "retrieve" | "embeddings" => Self::Retrieval,
            _ => Self::Other,
        }
    }

    /// A short label: `agent`, `llm`, `tool`, `retrieval` or `` for other.
    pub fn label(self) -> &'static str {
        match self {
            Self::Agent => "agent",
            Self::Llm => "llm",
            Self::Tool => "tool",
            Self::Retrieval => "retrieval",
            Self::Other => "",
        }
    }
}

/// A JSON value that may be a number or a string of one.
pub(crate) fn int_of(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        _ => None,
    }
}

/// A span's GenAI kind from its attributes and name:
/// `gen_ai.operation.name`, else the first word of its name when that is
/// an operation name (`execute_tool get_weather`).
pub fn gen_ai_kind_of(attributes: &Map<String, Value>, name: &str) -> GenAiKind {
    match attributes
        .get("gen_ai.operation.name")
        .and_then(Value::as_str)
    {
        Some(op) => GenAiKind::of_operation(op),
        None => GenAiKind::of_operation(name.split(' ').next().unwrap_or_default()),
    }
}

/// Input tokens: `gen_ai.usage.input_tokens`, else Strands'
/// `gen_ai.usage.prompt_tokens`.
pub fn input_tokens_of(attributes: &Map<String, Value>) -> Option<i64> {
    int_of(attributes.get("gen_ai.usage.input_tokens"))
        .or_else(|| int_of(attributes.get("gen_ai.usage.prompt_tokens")))
}

/// Output tokens: `gen_ai.usage.output_tokens`, else Strands'
/// `gen_ai.usage.completion_tokens`.
pub fn output_tokens_of(attributes: &Map<String, Value>) -> Option<i64> {
    int_of(attributes.get("gen_ai.usage.output_tokens"))
        .or_else(|| int_of(attributes.get("gen_ai.usage.completion_tokens")))
}

fn text_of(value: Option<&Value>) -> String {
    value.and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// An attribute value as the text a filter compares (strings as
/// themselves, others as JSON).
pub fn value_text(value: &Value) -> std::borrow::Cow<'_, str> {
    match value {
        Value::String(s) => std::borrow::Cow::Borrowed(s),
        other => std::borrow::Cow::Owned(other.to_string()),
    }
}

impl TraceSpan {
    /// End minus start, never negative.
    pub fn duration_nano(&self) -> i64 {
        self.end_unix_nano
            .saturating_sub(self.start_unix_nano)
            .max(0)
    }

    /// Whether the span's status is ERROR.
    pub fn is_error(&self) -> bool {
        self.status_code == 2
    }

    /// A span attribute, else a resource attribute.
    pub fn attribute(&self, key: &str) -> Option<&Value> {
        self.attributes.get(key).or_else(|| self.resource.get(key))
    }

    /// Its GenAI kind: `gen_ai.operation.name`, else the first word of its
    /// name when that is an operation name (`execute_tool get_weather`).
    pub fn kind_gen_ai(&self) -> GenAiKind {
        gen_ai_kind_of(&self.attributes, &self.name)
    }

    /// The model: `gen_ai.response.model`, else `gen_ai.request.model`.
    pub fn model(&self) -> Option<&str> {
        ["gen_ai.response.model", "gen_ai.request.model"]
            .iter()
            .find_map(|k| self.attributes.get(*k).and_then(Value::as_str))
            .filter(|m| !m.is_empty())
    }

    /// The tool's name (`gen_ai.tool.name`).
    pub fn tool_name(&self) -> Option<&str> {
        self.attributes
            .get("gen_ai.tool.name")
            .and_then(Value::as_str)
    }

    /// Input tokens: `gen_ai.usage.input_tokens`, else Strands'
    /// `gen_ai.usage.prompt_tokens`.
    pub fn input_tokens(&self) -> Option<i64> {
        input_tokens_of(&self.attributes)
    }

    /// Output tokens: `gen_ai.usage.output_tokens`, else Strands'
    /// `gen_ai.usage.completion_tokens`.
    pub fn output_tokens(&self) -> Option<i64> {
        output_tokens_of(&self.attributes)
    }

    /// Input plus output tokens, when the span carries either.
    pub fn total_tokens(&self) -> Option<i64> {
        match (self.input_tokens(), self.output_tokens()) {
            (None, None) => None,
            (i, o) => Some(i.unwrap_or(0) + o.unwrap_or(0)),
        }
    }

    /// A span from its Transaction Search record (`aws/spans`): `kind`
    /// and `status.code` as names or numbers, 64-bit numbers as numbers or
    /// strings, no end time meaning start plus `durationNano`. None when it
    /// is not a span (no span id, not JSON).
    pub fn from_record(record: &Value) -> Option<Self> {
        let span_id = text_of(record.get("spanId"));
        if span_id.is_empty() {
            return None;
        }
        let resource = match record.pointer("/resource/attributes") {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        };
        let attributes = match record.get("attributes") {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        };
        let session_id = match text_of(attributes.get("session.id")) {
            s if s.is_empty() => text_of(resource.get("session.id")),
            s => s,
        };
        let status_code = match record.pointer("/status/code") {
            Some(Value::String(code)) => match code.as_str() {
                "OK" | "STATUS_CODE_OK" => 1,
                "ERROR" | "STATUS_CODE_ERROR" => 2,
                other => other.parse().unwrap_or(0),
            },
            other => int_of(other).unwrap_or(0),
        };
        let kind = match record.get("kind") {
            Some(Value::String(k)) => k.trim_start_matches("SPAN_KIND_").to_owned(),
            other => span_kind_name(int_of(other).unwrap_or(0)).to_owned(),
        };
        let start = int_of(record.get("startTimeUnixNano")).unwrap_or(0);
        let end = match int_of(record.get("endTimeUnixNano")).unwrap_or(0) {
            0 => start + int_of(record.get("durationNano")).unwrap_or(0),
            end => end,
        };
        let events = match record.get("events") {
            Some(Value::Array(list)) => list.iter().map(event_of).collect(),
            _ => Vec::new(),
        };
        Some(Self {
            trace_id: text_of(record.get("traceId")),
            span_id,
            parent_span_id: text_of(record.get("parentSpanId")),
            name: text_of(record.get("name")),
            kind,
            start_unix_nano: start,
            end_unix_nano: end,
            status_code,
            status_message: text_of(record.pointer("/status/message")),
            service: text_of(resource.get("service.name")),
            session_id,
            attributes,
            resource,
            events,
        })
    }

    /// This span as it may be shown: secrets masked in its attributes,
    /// events and status message.
    pub fn masked(mut self) -> Self {
        let mask_map = |map: &Map<String, Value>| match mask_secrets(&Value::Object(map.clone())) {
            Value::Object(masked) => masked,
            _ => Map::new(),
        };
        self.attributes = mask_map(&self.attributes);
        self.resource = mask_map(&self.resource);
        for event in &mut self.events {
            event.attributes = mask_map(&event.attributes);
        }
        self.status_message = mask_text(&self.status_message).into_owned();
        self
    }
}

/// OTLP's span kinds by number, as Transaction Search names them.
pub fn span_kind_name(kind: i64) -> &'static str {
    match kind {
        1 => "INTERNAL",
        2 => "SERVER",
        3 => "CLIENT",
        4 => "PRODUCER",
        5 => "CONSUMER",
        _ => "UNSPECIFIED",
    }
}

fn event_of(event: &Value) -> SpanEvent {
    SpanEvent {
        name: text_of(event.get("name")),
        time_unix_nano: int_of(event.get("timeUnixNano")).unwrap_or(0),
        attributes: match event.get("attributes") {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        },
    }
}

impl From<&SessionSpan> for TraceSpan {
    fn from(s: &SessionSpan) -> Self {
        Self {
            trace_id: s.trace_id.clone(),
            span_id: s.span_id.clone(),
            parent_span_id: s.parent_span_id.clone(),
            name: s.name.clone(),
            start_unix_nano: s.start_unix_nano,
            end_unix_nano: s.end_unix_nano,
            status_code: s.status_code,
            status_message: s.status_message.clone(),
            service: s.service.clone(),
            ..Self::default()
        }
    }
}

impl From<&TraceSpan> for SessionSpan {
    fn from(s: &TraceSpan) -> Self {
        Self {
            trace_id: s.trace_id.clone(),
            span_id: s.span_id.clone(),
            parent_span_id: s.parent_span_id.clone(),
            name: s.name.clone(),
            start_unix_nano: s.start_unix_nano,
            end_unix_nano: s.end_unix_nano,
            status_code: s.status_code,
            status_message: s.status_message.clone(),
            service: s.service.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_record_reads_with_names_or_numbers() {
        let span = TraceSpan::from_record(&json!({
            "resource": { "attributes": { "service.name": "concierge.DEFAULT", "session.id": "s-r" } },
            "traceId": "0af7", "spanId": "b7ad", "parentSpanId": "aaaa", "name": "chat",
            "kind": "CLIENT", "startTimeUnixNano": "1000", "durationNano": 250,
            "attributes": { "gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": "12",
                            "gen_ai.usage.output_tokens": 30, "gen_ai.request.model": "m1" },
            "status": { "code": "ERROR", "message": "throttled" },
            "events": [{ "name": "exception", "timeUnixNano": 1100, "attributes": { "a": 1 } }]
        }))
        .unwrap();
        assert_eq!(span.end_unix_nano, 1250);
        assert_eq!(span.duration_nano(), 250);
        assert!(span.is_error());
        assert_eq!(span.session_id, "s-r", "from the resource");
        assert_eq!(span.service, "concierge.DEFAULT");
        assert_eq!(span.kind_gen_ai(), GenAiKind::Llm);
        assert_eq!(span.model(), Some("m1"));
        assert_eq!(
            (span.input_tokens(), span.output_tokens()),
            (Some(12), Some(30))
        );
        assert_eq!(span.total_tokens(), Some(42));
        assert_eq!(span.events[0].name, "exception");
        let numeric = TraceSpan::from_record(&json!({
            "spanId": "1", "kind": 3, "status": { "code": 1 }, "startTimeUnixNano": 5, "endTimeUnixNano": 9
        }))
        .unwrap();
        assert_eq!((numeric.kind.as_str(), numeric.status_code), ("CLIENT", 1));
        assert_eq!(TraceSpan::from_record(&json!({ "name": "x" })), None);
    }

    #[test]
    fn gen_ai_kinds_by_operation_or_name() {
        let span = |op: Option<&str>, name: &str| TraceSpan {
            name: name.into(),
            attributes: op
                .map(|op| {
                    [("gen_ai.operation.name".to_owned(), json!(op))]
                        .into_iter()
                        .collect()
                })
                .unwrap_or_default(),
            ..TraceSpan::default()
        };
        for (op, kind) in [
            ("invoke_agent", GenAiKind::Agent),
            ("create_agent", GenAiKind::Agent),
            ("chat", GenAiKind::Llm),
            ("text_completion", GenAiKind::Llm),
            ("generate_content", GenAiKind::Llm),
            ("execute_tool", GenAiKind::Tool),
            ("retrieve", GenAiKind::Retrieval),
            ("embeddings", GenAiKind::Retrieval),
            ("dance", GenAiKind::Other),
        ] {
            assert_eq!(span(Some(op), "x").kind_gen_ai(), kind, "{op}");
        }
        assert_eq!(
            span(None, "execute_tool get_weather").kind_gen_ai(),
            GenAiKind::Tool
        );
        assert_eq!(span(None, "agent.turn").kind_gen_ai(), GenAiKind::Other);
        let strands = TraceSpan {
            attributes: [
                ("gen_ai.usage.prompt_tokens".to_owned(), json!(7)),
                ("gen_ai.usage.completion_tokens".to_owned(), json!(3)),
            ]
            .into_iter()
            .collect(),
            ..TraceSpan::default()
        };
        assert_eq!(strands.total_tokens(), Some(10));
    }

    #[test]
    fn masking_covers_attributes_and_status() {
        let span = TraceSpan {
            attributes: [("api_key".to_owned(), json!("sk-live-abcdefghijkl"))]
                .into_iter()
                .collect(),
            status_message: "Authorization: Bearer abc.def.ghi".into(),
            ..TraceSpan::default()
        }
        .masked();
        assert_eq!(span.attributes["api_key"], json!("****"));
        assert!(
            !span.status_message.contains("abc.def"),
            "{}",
            span.status_message
        );
    }
}
