//! A small MCP client over Streamable HTTP. It keeps every exchange's raw
//! request and response and the latency, because the console shows them.
//! The local gateway uses it too, to reach `mcpServer` targets.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use acc_domain::{HttpExchange, HttpHeader};
use serde_json::{Value, json};

use crate::protocol::{
    LATEST_VERSION, PROTOCOL_VERSION_HEADER, SESSION_ID_HEADER, SUPPORTED_VERSIONS,
};

/// One request and what came back.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// The JSON-RPC request sent.
    pub request: Value,
    /// The JSON-RPC response object (with `result` or `error`).
    pub response: Value,
    /// From sending the request to having the whole reply.
    pub latency: Duration,
    /// The HTTP request and response headers, credentials masked.
    pub http: HttpExchange,
}

impl Exchange {
    /// The `result`, or the JSON-RPC error `(code, message)`.
    pub fn result(&self) -> Result<&Value, (i64, String)> {
        match self.response.get("error") {
            Some(error) => Err((
                error.get("code").and_then(Value::as_i64).unwrap_or(0),
                error
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("(no message)")
                    .to_owned(),
            )),
            None => Ok(&self.response["result"]),
        }
    }
}

/// Why a request got no JSON-RPC response.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[allow(missing_docs)] // the variants' fields say what they are
pub enum McpError {
    /// The server refused the credentials (401/403).
    #[error("{url} refused the credentials (HTTP {status}): {reason}")]
    Unauthorized {
        url: String,
        status: u16,
        /// From `WWW-Authenticate`, or the body.
        reason: String,
    },
    /// Another non-success HTTP status.
    #[error("{url} answered HTTP {status}: {body}")]
    Http {
        url: String,
        status: u16,
        body: String,
    },
    /// The request could not be signed (no credentials, for one).
    #[error("cannot sign the request to {url}: {reason}")]
    Unsigned { url: String, reason: String },
    /// The server could not be reached or did not answer in time.
    #[error("cannot reach {url}: {cause}")]
    Transport { url: String, cause: String },
    /// The reply was not a JSON-RPC response.
    #[error("{url} sent a reply that is not a JSON-RPC response: {cause}")]
    BadReply { url: String, cause: String },
    /// `initialize` agreed no protocol version we speak.
    #[error("{url} speaks MCP {version}, which this client does not ({supported})")]
    Version {
        url: String,
        version: String,
        supported: String,
    },
}

/// Signs each request just before it is sent: how a client reaches an
/// endpoint that authenticates requests rather than tokens (SigV4 for
/// AgentCore's `AWS_IAM` gateways). The MCP wire knows nothing of AWS.
pub trait SignRequest: Send + Sync {
    /// Adds the signature headers to `request`, or says why it cannot.
    fn sign(&self, request: &mut reqwest::Request) -> Result<(), String>;
}

/// A client for one MCP endpoint.
pub struct McpClient {
    http: reqwest::Client,
    url: String,
    token: Option<String>,
    signer: Option<std::sync::Arc<dyn SignRequest>>,
    timeout: Duration,
    next_id: AtomicU64,
    /// Session id and protocol version agreed at `initialize`.
    session: Mutex<(Option<String>, Option<String>)>,
}

impl std::fmt::Debug for McpClient {
    // The token is a secret: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpClient")
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| "****"))
            .field("signed", &self.signer.is_some())
            .finish()
    }
}

impl McpClient {
    /// A client for `url`, sending `token` as a bearer token when given.
    pub fn new(http: reqwest::Client, url: impl Into<String>, token: Option<String>) -> McpClient {
        McpClient {
            http,
            url: url.into(),
            token,
            signer: None,
            timeout: Duration::from_secs(60),
            next_id: AtomicU64::new(1),
            session: Mutex::new((None, None)),
        }
    }

    /// Sign every request with `signer` (after all headers are set).
    pub fn with_signer(mut self, signer: std::sync::Arc<dyn SignRequest>) -> McpClient {
        self.signer = Some(signer);
        self
    }

    /// Give up on a request after `timeout`.
    pub fn with_timeout(mut self, timeout: Duration) -> McpClient {
        self.timeout = timeout;
        self
    }

    /// The endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The handshake: `initialize`, then `notifications/initialized`.
    pub async fn initialize(&self) -> Result<Exchange, McpError> {
        let exchange = self
            .request(
                "initialize",
                json!({
                    "protocolVersion": LATEST_VERSION,
                    "capabilities": {},
                    "clientInfo": { "name": "acc", "version": env!("CARGO_PKG_VERSION") }
                }),
            )
            .await?;
        if let Ok(result) = exchange.result() {
            let version = result
                .get("protocolVersion")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if !SUPPORTED_VERSIONS.contains(&version.as_str()) {
                return Err(McpError::Version {
                    url: self.url.clone(),
                    version,
                    supported: SUPPORTED_VERSIONS.join(", "),
                });
            }
            self.lock().1 = Some(version);
            self.send(json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }))
                .await?;
        }
        Ok(exchange)
    }

    /// Initialize unless done already.
    async fn ensure_initialized(&self) -> Result<(), McpError> {
        if self.lock().1.is_some() {
            return Ok(());
        }
        let exchange = self.initialize().await?;
        match exchange.result() {
            Ok(_) => Ok(()),
            Err((code, message)) => Err(McpError::BadReply {
                url: self.url.clone(),
                cause: format!("initialize failed: {code} {message}"),
            }),
        }
    }

    /// `tools/list`, one page.
    pub async fn list_tools(&self, cursor: Option<&str>) -> Result<Exchange, McpError> {
        self.ensure_initialized().await?;
        let params = match cursor {
            Some(cursor) => json!({ "cursor": cursor }),
            None => json!({}),
        };
        self.request("tools/list", params).await
    }

    /// `tools/list`, following every `nextCursor`: the tools and the page count.
    pub async fn list_all_tools(&self) -> Result<(Vec<Value>, usize), McpError> {
        let mut tools = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let exchange = self.list_tools(cursor.as_deref()).await?;
            let result = exchange
                .result()
                .map_err(|(code, message)| McpError::BadReply {
                    url: self.url.clone(),
                    cause: format!("tools/list failed: {code} {message}"),
                })?;
            pages += 1;
            tools.extend(result["tools"].as_array().cloned().unwrap_or_default());
            match result.get("nextCursor").and_then(Value::as_str) {
                Some(next) if Some(next) != cursor.as_deref() => cursor = Some(next.to_owned()),
                _ => return Ok((tools, pages)),
            }
        }
    }

    /// `tools/call`. A JSON-RPC error is a successful exchange: see
    /// [`Exchange::result`].
    pub async fn call_tool(&self, name: &str, arguments: Value) -> Result<Exchange, McpError> {
        self.ensure_initialized().await?;
        self.request(
            "tools/call",
            json!({ "name": name, "arguments": arguments }),
        )
        .await
    }

    /// `ping`.
    pub async fn ping(&self) -> Result<Exchange, McpError> {
        self.request("ping", json!({})).await
    }

    /// Send one request and wait for its response.
    pub async fn request(&self, method: &str, params: Value) -> Result<Exchange, McpError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let request = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        let started = Instant::now();
        let (text, http) = self.post(request.clone()).await?;
        let text = text.ok_or_else(|| self.bad_reply("an empty reply to a request"))?;
        let latency = started.elapsed();
        let response = find_response(&text, id).ok_or_else(|| {
            self.bad_reply(&format!("no response with id {id} in {}", excerpt(&text)))
        })?;
        Ok(Exchange {
            request,
            response,
            latency,
            http,
        })
    }

    /// POST a message; the body text, or `None` for 202 Accepted.
    async fn send(&self, message: Value) -> Result<Option<String>, McpError> {
        Ok(self.post(message).await?.0)
    }

    /// POST a message: the body text (`None` for 202 Accepted) and the
    /// HTTP headers both ways, credentials masked as they are recorded.
    async fn post(&self, message: Value) -> Result<(Option<String>, HttpExchange), McpError> {
        let mut post = self
            .http
            .post(&self.url)
            .timeout(self.timeout)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(message.to_string());
        if let Some(token) = &self.token {
            post = post.bearer_auth(token);
        }
        let (session, version) = self.lock().clone();
        if let Some(session) = session {
            post = post.header(SESSION_ID_HEADER, session);
        }
        if let Some(version) = version {
            post = post.header(PROTOCOL_VERSION_HEADER, version);
        }
        let mut request = post.build().map_err(|e| McpError::Transport {
            url: self.url.clone(),
            cause: error_chain(&e),
        })?;
        if let Some(signer) = &self.signer {
            signer
                .sign(&mut request)
                .map_err(|reason| McpError::Unsigned {
                    url: self.url.clone(),
                    reason,
                })?;
        }
        let mut http = HttpExchange {
            method: request.method().to_string(),
            url: self.url.clone(),
            request_headers: masked_headers(request.headers()),
            ..HttpExchange::default()
        };
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|e| McpError::Transport {
                url: self.url.clone(),
                cause: if e.is_timeout() {
                    format!("no answer within {:?}", self.timeout)
                } else {
                    error_chain(&e)
                },
            })?;
        let status = response.status().as_u16();
        http.status = status;
        http.response_headers = masked_headers(response.headers());
        if let Some(session) = response
            .headers()
            .get(SESSION_ID_HEADER)
            .and_then(|v| v.to_str().ok())
        {
            self.lock().0 = Some(session.to_owned());
        }
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.map_err(|e| McpError::Transport {
            url: self.url.clone(),
            cause: format!("the reply broke off: {}", error_chain(&e)),
        })?;
        let body = match status {
            202 => None,
            401 | 403 => {
                return Err(McpError::Unauthorized {
                    url: self.url.clone(),
                    status,
                    reason: challenge.unwrap_or_else(|| excerpt(&body)),
                });
            }
            // JSON-RPC errors may come with 4xx statuses; keep them.
            _ if body.trim_start().starts_with('{') || body.contains("data:") => Some(body),
            200..=299 => Some(body),
            _ => {
                return Err(McpError::Http {
                    url: self.url.clone(),
                    status,
                    body: excerpt(&body),
                });
            }
        };
        Ok((body, http))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Option<String>, Option<String>)> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn bad_reply(&self, cause: &str) -> McpError {
        McpError::BadReply {
            url: self.url.clone(),
            cause: cause.to_owned(),
        }
    }
}

/// Headers as they may be kept: each credential's value masked.
fn masked_headers(headers: &reqwest::header::HeaderMap) -> Vec<HttpHeader> {
    headers
        .iter()
        .map(|(name, value)| {
            HttpHeader::masked(name.as_str(), &String::from_utf8_lossy(value.as_bytes()))
        })
        .collect()
}

/// The response with this id in a JSON body or an SSE stream.
fn find_response(text: &str, id: u64) -> Option<Value> {
    let matches = |v: &Value| {
        v.get("id").and_then(Value::as_u64) == Some(id) || v.get("id") == Some(&Value::Null)
    };
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return match value {
            Value::Array(items) => items.into_iter().find(|v| matches(v)),
            value => Some(value),
        };
    }
    // Server-Sent Events: `data:` lines, joined per event.
    let mut data = String::new();
    let mut found = None;
    for line in text.lines().chain(std::iter::once("")) {
        if let Some(rest) = line.strip_prefix("data:") {
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        } else if line.is_empty() && !data.is_empty() {
            if let Ok(value) = serde_json::from_str::<Value>(&data)
                && matches(&value)
            {
                found = Some(value);
            }
            data.clear();
        }
    }
    found
}

fn excerpt(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() > 300 {
        format!("{}…", text.chars().take(300).collect::<String>())
    } else {
        text.to_owned()
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_are_found_in_json_and_in_event_streams() {
        let json = r#"{"jsonrpc":"2.0","id":3,"result":{}}"#;
        assert_eq!(find_response(json, 3).unwrap()["id"], 3);
        let sse = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n\
                   event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":4,\n\
                   data: \"result\":{\"ok\":true}}\n\n";
        assert_eq!(find_response(sse, 4).unwrap()["result"]["ok"], true);
        assert_eq!(find_response(sse, 5), None);
    }

    #[test]
    fn recorded_headers_keep_no_credential() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("authorization", "Bearer s3cret.jwt.sig".parse().unwrap());
        headers.insert(
            "x-amz-security-token",
            "FwoGZXIvYXdzEXAMPLE".parse().unwrap(),
        );
        headers.insert("content-type", "application/json".parse().unwrap());
        let recorded = masked_headers(&headers);
        let text = format!("{recorded:?}");
        assert!(
            !text.contains("s3cret") && !text.contains("FwoGZX"),
            "{text}"
        );
        assert!(recorded.iter().any(|h| h.value == "Bearer ****"));
        assert!(recorded.iter().any(|h| h.value == "application/json"));
    }

    #[test]
    fn the_token_is_never_printed() {
        let client = McpClient::new(
            reqwest::Client::new(),
            "http://x/mcp",
            Some("s3cret".into()),
        );
        assert!(!format!("{client:?}").contains("s3cret"));
    }
}
