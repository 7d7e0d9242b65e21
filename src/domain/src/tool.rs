//! Tools as a gateway exposes them over MCP.

use serde::Serialize;

/// The separator AgentCore puts between a target's name and its tool's name.
pub const TOOL_NAME_SEPARATOR: &str = "___";

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
    pub target: String,
    pub name: String,
    pub description: String,
    /// The tool's input as a JSON Schema object.
    pub input_schema: serde_json::Value,
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
