//! One `tools/call` as the console made it: what was sent, what came back,
//! and how long it took.

use serde::Serialize;
use serde_json::Value;

use crate::secret_masking::{MASK, mask_header};

/// A JSON-RPC error answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RpcError {
    /// The JSON-RPC error code, e.g. -32602 (invalid params).
    pub code: i64,
    /// The error's message.
    pub message: String,
}

/// The report of one tool call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolCallReport {
    /// `<Target>___<tool>`.
    pub tool: String,
    /// The JSON-RPC request sent.
    pub request: Value,
    /// The JSON-RPC response received.
    pub response: Value,
    /// Measured by the client, request to whole reply.
    pub latency_ms: f64,
    /// The result's content items.
    pub content: Vec<Value>,
    /// The result's `structuredContent`; None when the tool returned none.
    pub structured_content: Option<Value>,
    /// The tool reported a failure (`isError: true`).
    pub is_error: bool,
    /// The gateway answered a JSON-RPC error instead of a result.
    pub rpc_error: Option<RpcError>,
    /// The HTTP request and response around the call, credentials masked;
    /// None when the transport did not record it.
    pub http: Option<HttpExchange>,
}

/// One HTTP header as it may be shown: a credential's value masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpHeader {
    /// The header's name, as sent or received.
    pub name: String,
    /// Its value; masked when the header carries a credential.
    pub value: String,
}

impl HttpHeader {
    /// The header with its value masked as [`mask_header`] says.
    pub fn masked(name: &str, value: &str) -> HttpHeader {
        HttpHeader {
            name: name.to_owned(),
            value: mask_header(name, value),
        }
    }
}

/// The HTTP request a call went out as and the response it came back in,
/// headers only (the bodies are the JSON-RPC messages); credentials masked
/// when recorded, so no token or signature is kept.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpExchange {
    /// `POST`.
    pub method: String,
    /// The MCP endpoint.
    pub url: String,
    /// The request's headers, as sent (after signing).
    pub request_headers: Vec<HttpHeader>,
    /// The response's HTTP status.
    pub status: u16,
    /// The response's headers.
    pub response_headers: Vec<HttpHeader>,
}

/// Who a tool call is made as: what the gateway's authorizer, and so its
/// policies, see as the caller.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum CallerIdentity {
    /// As configured: `ACC_GATEWAY_TOKEN`, the tokens file, or the demo's
    /// default client.
    #[default]
    Configured,
    /// An OAuth client of the gateway's issuer, by its client id (client
    /// credentials from the tokens file, or the demo issuer's).
    Client(String),
    /// A bearer token the user gave.
    Token(String),
}

impl CallerIdentity {
    /// How the caller is shown: `configured`, the client id, or `token`
    /// (never the token itself).
    pub fn label(&self) -> String {
        match self {
            CallerIdentity::Configured => "configured".into(),
            CallerIdentity::Client(id) => id.clone(),
            CallerIdentity::Token(_) => "token".into(),
        }
    }
}

impl std::fmt::Debug for CallerIdentity {
    // A token is a secret: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallerIdentity::Configured => f.write_str("Configured"),
            CallerIdentity::Client(id) => f.debug_tuple("Client").field(id).finish(),
            CallerIdentity::Token(_) => f.debug_tuple("Token").field(&MASK).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_token_is_never_printed() {
        let caller = CallerIdentity::Token("eyJhbGciOi.secret.sig".into());
        assert!(!format!("{caller:?}").contains("secret"));
        assert_eq!(caller.label(), "token");
        assert_eq!(
            CallerIdentity::Client("ops-assistant".into()).label(),
            "ops-assistant"
        );
    }
}
