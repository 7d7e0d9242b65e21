//! Protocol versions and JSON-RPC error codes.

/// The MCP revisions this project speaks, oldest first.
pub const SUPPORTED_VERSIONS: &[&str] = &["2025-03-26", "2025-06-18", "2025-11-25"];

/// The newest revision: offered by the client, and answered by the server
/// when a client asks for one it does not know.
pub const LATEST_VERSION: &str = "2025-11-25";

/// The HTTP header carrying the negotiated revision on every request after
/// `initialize` (2025-06-18 and later).
pub const PROTOCOL_VERSION_HEADER: &str = "mcp-protocol-version";

/// The HTTP header carrying the session id a server issued at `initialize`.
pub const SESSION_ID_HEADER: &str = "mcp-session-id";

/// Version negotiation as the MCP spec says: a server that supports the
/// requested revision answers with it; otherwise it answers with the latest
/// it supports, and the client decides whether it can go on.
pub fn negotiate(requested: &str) -> &'static str {
    SUPPORTED_VERSIONS
        .iter()
        .find(|v| **v == requested)
        .copied()
        .unwrap_or(LATEST_VERSION)
}

/// JSON-RPC 2.0 error codes.
pub mod error_code {
    /// The body is not JSON.
    pub const PARSE_ERROR: i64 = -32700;
    /// JSON, but not a valid JSON-RPC request.
    pub const INVALID_REQUEST: i64 = -32600;
    /// No such method.
    pub const METHOD_NOT_FOUND: i64 = -32601;
    /// Bad parameters: unknown tool, arguments that break the input schema.
    pub const INVALID_PARAMS: i64 = -32602;
    /// The server failed.
    pub const INTERNAL_ERROR: i64 = -32603;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_versions_are_echoed_and_unknown_ones_get_the_latest() {
        for v in SUPPORTED_VERSIONS {
            assert_eq!(negotiate(v), *v);
        }
        assert_eq!(negotiate("2024-11-05"), LATEST_VERSION);
        assert_eq!(negotiate(""), LATEST_VERSION);
    }
}
