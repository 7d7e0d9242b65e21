//! AgentCore Gateway: gateways and their targets (control plane), the tool
//! catalog read through each gateway's MCP endpoint, and the captured calls
//! read back through CloudWatch Logs.

mod capture_reader;
mod gateways;
mod mcp_tools;
mod schema_conversion;

pub use capture_reader::CapturePage;
pub use mcp_tools::{McpCatalog, SEARCH_TOOL, SearchHit};
