//! How the demo agent reaches its tools: the AgentCore gateway named by
//! `GATEWAY_URL`, over MCP, as an agent on AgentCore does. When
//! `GATEWAY_CLIENT_ID`, `GATEWAY_CLIENT_SECRET` and `GATEWAY_DISCOVERY_URL`
//! are set, it first gets an OAuth token by client credentials from the
//! issuer's token endpoint (AgentCore Identity's machine-to-machine flow).
//! The call then shows in the gateway's captures like any agent's.

use acc_mcp::client::{McpClient, SignRequest};
use acc_mcp::oauth;
use serde_json::Value;

/// What the gateway answered to `tools/call`.
pub(crate) struct ToolAnswer {
    pub(crate) is_error: bool,
    pub(crate) content: Value,
}

impl ToolAnswer {
    /// The first text content, cut to `max` characters.
    pub(crate) fn text_excerpt(&self, max: usize) -> String {
        let text = self
            .content
            .as_array()
            .and_then(|c| c.iter().find_map(|item| item.get("text")?.as_str()))
            .unwrap_or("(no text content)");
        let mut excerpt: String = text.chars().take(max).collect();
        if text.chars().count() > max {
            excerpt.push('…');
        }
        excerpt
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Puts the agent's W3C `traceparent` on each request to the gateway, so
/// the gateway's span of the call joins the agent's trace (the client's
/// last-moment request hook; nothing is signed).
struct Traceparent(reqwest::header::HeaderValue);

impl SignRequest for Traceparent {
    fn sign(&self, request: &mut reqwest::Request) -> Result<(), String> {
        request.headers_mut().insert("traceparent", self.0.clone());
        Ok(())
    }
}

/// Call `name` with `arguments` through the configured gateway, within the
/// trace `traceparent` names.
pub(crate) async fn call_tool(
    name: &str,
    arguments: Value,
    traceparent: &str,
) -> Result<ToolAnswer, String> {
    let url = env("GATEWAY_URL")
        .ok_or("no gateway is configured: set GATEWAY_URL in the runtime's environmentVariables")?;
    let http = &*super::client::HTTP;
    let token = match (
        env("GATEWAY_CLIENT_ID"),
        env("GATEWAY_CLIENT_SECRET"),
        env("GATEWAY_DISCOVERY_URL"),
    ) {
        (Some(id), Some(secret), Some(discovery)) => {
            let endpoint = oauth::token_endpoint(http, &discovery).await?;
            let grant = oauth::client_credentials(http, &endpoint, &id, &secret, None).await?;
            Some(grant.access_token)
        }
        _ => None,
    };
    let mut client = McpClient::new(http.clone(), url, token);
    if let Ok(value) = reqwest::header::HeaderValue::from_str(traceparent) {
        client = client.with_signer(std::sync::Arc::new(Traceparent(value)));
    }
    let exchange = client
        .call_tool(name, arguments)
        .await
        .map_err(|e| e.to_string())?;
    let result = exchange
        .result()
        .map_err(|(code, message)| format!("the gateway refused the call ({code}): {message}"))?;
    Ok(ToolAnswer {
        is_error: result
            .get("isError")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        content: result.get("content").cloned().unwrap_or(Value::Null),
    })
}
