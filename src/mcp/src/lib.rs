//! MCP (Model Context Protocol) over Streamable HTTP: the JSON-RPC wire
//! types, the protocol versions, and a small client. The console uses the
//! client to reach gateways (local or live); the local gateway uses the same
//! types to serve, and the client to proxy to `mcpServer` targets.

pub mod client;
pub mod jsonrpc;
pub mod oauth;
pub mod protocol;
