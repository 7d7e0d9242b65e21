//! Tools as a gateway exposes them over MCP.

use serde::Serialize;
use serde_json::Value;

/// The separator AgentCore puts between a target's name and its tool's name.
pub const TOOL_NAME_SEPARATOR: &str = "___";

/// The built-in semantic search tool of a gateway whose search type is
/// SEMANTIC. It belongs to no target, and policies do not govern it.
pub const SEARCH_TOOL: &str = "x_amz_bedrock_agentcore_search";

/// `<TargetName>___<toolName>`, the name an MCP client sees.
pub fn qualified_tool_name(target: &str, tool: &str) -> String {
    format!("{target}{TOOL_NAME_SEPARATOR}{tool}")
}

/// Where the console learned about a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ToolSource {
    /// Declared in the target's configuration (inline schema or OpenAPI).
    TargetSchema,
    /// Listed by the gateway's MCP endpoint.
    Mcp,
}

/// One tool of a gateway's catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tool {
    /// `<TargetName>___<toolName>`.
    pub qualified_name: String,
    /// The target's name (`<TargetName>`); empty for the built-in search tool.
    pub target: String,
    /// The tool's own name, without the target prefix (`<toolName>`).
    pub name: String,
    /// The tool's description; empty when it has none.
    pub description: String,
    /// The tool's input as a JSON Schema object.
    pub input_schema: serde_json::Value,
    /// Where the console learned about it.
    pub source: ToolSource,
}

impl Tool {
    /// A tool declared by a target's own schema.
    pub fn from_target(
        target: &str,
        name: &str,
        description: &str,
        input_schema: serde_json::Value,
    ) -> Self {
        Tool {
            qualified_name: qualified_tool_name(target, name),
            target: target.to_string(),
            name: name.to_string(),
            description: description.to_string(),
            input_schema,
            source: ToolSource::TargetSchema,
        }
    }
}

/// Tools from a JSON list of `{name, description, inputSchema}`, the shape
/// shared by MCP `tools/list` results (an object with a `tools` array), inline
/// MCP tool schemas and Lambda targets' inline tool definitions (a bare
/// array). Entries without a name are skipped; a missing schema is an empty
/// object schema.
pub fn tools_from_list(target: &str, list: &Value) -> Vec<Tool> {
    let list = list.get("tools").unwrap_or(list);
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            let name = t.get("name")?.as_str()?;
            let description = t
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let schema = t
                .get("inputSchema")
                .cloned()
                .unwrap_or_else(|| serde_json::json!({"type": "object"}));
            Some(Tool::from_target(target, name, description, schema))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_with_or_without_a_tools_member() {
        let bare = serde_json::json!([{"name": "a"}, {"description": "nameless"}]);
        let tools = tools_from_list("t", &bare);
        assert_eq!(tools.len(), 1, "entries without a name are skipped");
        assert_eq!(tools[0].qualified_name, "t___a");
        assert_eq!(tools[0].input_schema, serde_json::json!({"type": "object"}));
        let wrapped = serde_json::json!({"tools": [{"name": "b", "inputSchema": {"type": "object", "required": ["x"]}}]});
        assert_eq!(
            tools_from_list("t", &wrapped)[0].input_schema["required"][0],
            "x"
        );
    }
}
