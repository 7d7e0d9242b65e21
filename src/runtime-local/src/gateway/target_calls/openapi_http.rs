//! `openApiSchema` targets: the tool is an operation; its arguments become
//! path, query and header parameters and the JSON body, and the real HTTP
//! request goes to the document's server.

use std::time::Duration;

use acc_domain::openapi::operation;
use serde_json::{Map, Value};

use super::outbound::TargetBackends;
use super::tool_result::{ToolCallResult, json_result};

/// A target API that doesn't answer in this long is reported as down.
const TIMEOUT: Duration = Duration::from_secs(30);

pub(super) async fn call(
    backends: &TargetBackends,
    target: &Value,
    document: &Value,
    tool: &str,
    arguments: Value,
) -> ToolCallResult {
    let Some(binding) = operation(document, tool) else {
        return ToolCallResult::error(format!("the OpenAPI document has no operation {tool}"));
    };
    let Some(server) = binding.server_url.as_deref() else {
        return ToolCallResult::error(
            "the OpenAPI document has no servers[0].url to send the request to",
        );
    };
    let mut rest: Map<String, Value> = arguments.as_object().cloned().unwrap_or_default();
    let mut path = binding.path.clone();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for (name, location) in &binding.parameters {
        let Some(value) = rest.remove(name) else {
            continue;
        };
        let text = match &value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match location.as_str() {
            "path" => path = path.replace(&format!("{{{name}}}"), &encode_segment(&text)),
            "header" => headers.push((name.clone(), text)),
            _ => query.push((name.clone(), text)),
        }
    }
    let url = format!("{}{}", server.trim_end_matches('/'), path);
    let method =
        reqwest::Method::from_bytes(binding.method.as_bytes()).unwrap_or(reqwest::Method::GET);
    // The whole URL: a path template can move the host (`@127.0.0.1/`).
    let http = match backends.http_for(target, &url).await {
        Ok(http) => http,
        Err(problem) => return ToolCallResult::error(problem),
    };
    let mut request = http.request(method, &url).query(&query).timeout(TIMEOUT);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if binding.json_body && !rest.is_empty() {
        request = request.json(&Value::Object(rest));
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(e) if e.is_timeout() => {
            return ToolCallResult::error(format!("{url} did not answer within {TIMEOUT:?}"));
        }
        Err(e) => {
            let cause = std::error::Error::source(&e).map_or(e.to_string(), |s| s.to_string());
            return ToolCallResult::error(format!("cannot reach {url}: {cause}"));
        }
    };
    let status = response.status();
    let body = match response.text().await {
        Ok(body) => body,
        Err(e) => return ToolCallResult::error(format!("{url}: the response broke off: {e}")),
    };
    if !status.is_success() {
        let excerpt: String = body.chars().take(500).collect();
        return ToolCallResult::error(format!(
            "{} {url} answered HTTP {status}: {excerpt}",
            binding.method
        ));
    }
    match serde_json::from_str::<Value>(&body) {
        Ok(value) => json_result(value),
        Err(_) => ToolCallResult::text(body),
    }
}

/// Percent-encode one path segment.
fn encode_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
