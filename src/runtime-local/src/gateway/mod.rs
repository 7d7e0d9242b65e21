//! AgentCore Gateway: gateways and their targets (control plane), each
//! gateway's tool catalog and MCP endpoint, the calls to its targets'
//! backends (Lambda functions bound to local commands, OpenAPI services, MCP
//! servers), and the captures of every tool call.

pub(crate) mod capture_store;
pub(crate) mod function_bindings;
pub(crate) mod gateways;
pub(crate) mod mcp;
pub(crate) mod target_calls;
pub(crate) mod targets;
pub(crate) mod tool_catalog;
