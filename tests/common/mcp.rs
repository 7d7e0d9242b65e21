//! Raw JSON-RPC over HTTP to a gateway's MCP endpoint, for tests that check
//! the wire itself (status codes, headers, error objects) rather than what an
//! MCP client library makes of it.
#![allow(dead_code)]

use serde_json::{Value, json};

/// What the endpoint answered.
#[derive(Debug)]
pub struct RpcReply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    /// The JSON body (Null when empty).
    pub body: Value,
}

impl RpcReply {
    /// The JSON-RPC `result`, failing the test when the reply is an error.
    pub fn result(&self) -> &Value {
        assert!(
            self.body.get("error").is_none(),
            "expected a result, got {}",
            self.body
        );
        &self.body["result"]
    }

    /// The JSON-RPC error code, failing the test when the reply succeeded.
    pub fn error_code(&self) -> i64 {
        self.body["error"]["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("expected a JSON-RPC error, got {}", self.body))
    }

    /// The JSON-RPC error message.
    pub fn error_message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }
}

/// POST one JSON-RPC request (`id` 1) with an optional bearer token.
pub async fn rpc(url: &str, token: Option<&str>, method: &str, params: Value) -> RpcReply {
    post(
        url,
        token,
        &json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string(),
    )
    .await
}

/// POST a raw body as JSON-RPC, accepting JSON or SSE as MCP clients do.
pub async fn post(url: &str, token: Option<&str>, body: &str) -> RpcReply {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the gateway answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a readable body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    RpcReply {
        status,
        headers,
        body,
    }
}

/// `tools/call` with these arguments.
pub async fn call_tool(url: &str, token: Option<&str>, name: &str, arguments: Value) -> RpcReply {
    rpc(
        url,
        token,
        "tools/call",
        json!({ "name": name, "arguments": arguments }),
    )
    .await
}
