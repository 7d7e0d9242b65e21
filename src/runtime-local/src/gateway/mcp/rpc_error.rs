//! A JSON-RPC error answer of a gateway's MCP endpoint.

use acc_mcp::protocol::error_code;
use serde_json::Value;

use crate::platform::wire_errors::ApiError;

/// JSON-RPC code for a call refused before reaching its target (read-only
/// platform, and policy denials once engines are enforced).
pub(crate) const DENIED: i64 = -32001;

/// A JSON-RPC error answer.
pub(crate) struct RpcError {
    /// The JSON-RPC error code.
    pub(crate) code: i64,
    /// What went wrong, for the caller.
    pub(crate) message: String,
    /// Details a client can act on (violations, the deciding policies).
    pub(crate) data: Option<Value>,
}

impl RpcError {
    /// An error with `code` and `message`, without data.
    pub(crate) fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// The request's parameters are wrong (JSON-RPC's invalid params).
    pub(crate) fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(error_code::INVALID_PARAMS, message)
    }
}

impl From<ApiError> for RpcError {
    fn from(e: ApiError) -> Self {
        Self::new(error_code::INTERNAL_ERROR, e.message)
    }
}
