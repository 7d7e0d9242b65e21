//! What a target call produces, in MCP terms, and what a backend is told
//! about where the call happens.

use serde_json::{Value, json};

/// What a tool call produced, in MCP `CallToolResult` terms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ToolCallResult {
    /// MCP content items (`{"type":"text","text":…}` …).
    pub(crate) content: Vec<Value>,
    /// `structuredContent`, when the backend answered a JSON object.
    pub(crate) structured_content: Option<Value>,
    /// A tool-level failure (`isError: true`), with the cause in `content`.
    pub(crate) is_error: bool,
}

impl ToolCallResult {
    /// A tool error whose text names the cause.
    pub(crate) fn error(message: impl Into<String>) -> Self {
        Self {
            content: vec![json!({ "type": "text", "text": message.into() })],
            structured_content: None,
            is_error: true,
        }
    }

    /// A plain text result.
    pub(crate) fn text(text: String) -> Self {
        Self {
            content: vec![json!({ "type": "text", "text": text })],
            structured_content: None,
            is_error: false,
        }
    }
}

/// A JSON answer: as text, and as structured content when it is an object.
pub(crate) fn json_result(value: Value) -> ToolCallResult {
    ToolCallResult {
        content: vec![json!({ "type": "text", "text": value.to_string() })],
        structured_content: value.is_object().then_some(value),
        is_error: false,
    }
}

/// A tool as a target's backend describes it (before qualification).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DiscoveredTool {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) input_schema: Value,
}

/// Where a call happens, for backends that want to know.
pub(crate) struct CallSite<'a> {
    pub(crate) gateway_id: &'a str,
    pub(crate) target_name: &'a str,
    pub(crate) qualified_name: &'a str,
}
