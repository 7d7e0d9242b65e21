//! The demo knowledge base: a small MCP server (Streamable HTTP, JSON
//! replies) at `/demo/knowledge-base/mcp`, behind the demo's mcpServer
//! target.

use acc_mcp::jsonrpc::{self, Incoming, Message};
use acc_mcp::protocol::{self, error_code};
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

const ARTICLES: &[(&str, &str, &str, &str)] = &[
    (
        "kb-101",
        "runbooks",
        "Reset a customer's portal password",
        "Verify identity with two account facts, then trigger the reset link from the admin console. Links expire after 30 minutes.",
    ),
    (
        "kb-102",
        "runbooks",
        "Escalate a P1 outage",
        "Page the on-call engineer, open a bridge, and post status updates every 20 minutes in #incidents.",
    ),
    (
        "kb-201",
        "manuals",
        "Standing desk: motor calibration",
        "Hold both arrows for 10 seconds until the display shows RST, then lower the desk fully.",
    ),
    (
        "kb-202",
        "manuals",
        "Office chair: tilt tension",
        "Turn the knob under the seat clockwise to stiffen the recline.",
    ),
    (
        "kb-301",
        "release-notes",
        "Portal 4.2 release notes",
        "Adds single sign-on for partner accounts and a faster order history page.",
    ),
];

pub(super) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/demo/knowledge-base/mcp", post(handle))
}

async fn handle(body: Bytes) -> Response {
    let message = match jsonrpc::parse(&body) {
        Ok(Incoming::Single(Ok(message))) => message,
        Ok(Incoming::Single(Err(error))) => return Json(error).into_response(),
        Ok(Incoming::Responses) => return StatusCode::ACCEPTED.into_response(),
        Ok(Incoming::Batch(_)) => {
            return Json(jsonrpc::error(
                Value::Null,
                error_code::INVALID_REQUEST,
                "send one message at a time",
                None,
            ))
            .into_response();
        }
        Err(error) => return (StatusCode::BAD_REQUEST, Json(error)).into_response(),
    };
    let Message { id, method, params } = message;
    let Some(id) = id else {
        return StatusCode::ACCEPTED.into_response();
    };
    let reply = match method.as_str() {
        "initialize" => jsonrpc::success(
            id,
            json!({
                "protocolVersion": protocol::negotiate(params["protocolVersion"].as_str().unwrap_or_default()),
                "capabilities": { "tools": {} },
                "serverInfo": { "name": "northwind-knowledge-base", "version": "1.0.0" }
            }),
        ),
        "ping" => jsonrpc::success(id, json!({})),
        "tools/list" => jsonrpc::success(id, json!({ "tools": tools() })),
        "tools/call" => match call(&params) {
            Ok(result) => jsonrpc::success(id, result),
            Err(message) => jsonrpc::error(id, error_code::INVALID_PARAMS, message, None),
        },
        other => jsonrpc::error(
            id,
            error_code::METHOD_NOT_FOUND,
            format!("no method {other}"),
            None,
        ),
    };
    Json(reply).into_response()
}

/// The tools, as the demo target's inline schema also declares them.
pub(crate) fn tools() -> Value {
    json!([
        { "name": "search_articles", "description": "Semantic search over product manuals and runbooks",
          "inputSchema": { "type": "object", "required": ["query"], "properties": {
              "query": { "type": "string" },
              "collection": { "type": "string", "enum": ["manuals", "runbooks", "release-notes"] },
              "top_k": { "type": "integer", "minimum": 1, "maximum": 20 } } } },
        { "name": "get_article", "description": "Read one article by id",
          "inputSchema": { "type": "object", "required": ["article_id"], "properties": {
              "article_id": { "type": "string" } } } }
    ])
}

fn call(params: &Value) -> Result<Value, String> {
    let args = &params["arguments"];
    match params["name"].as_str().unwrap_or_default() {
        "search_articles" => {
            let words: Vec<String> = args["query"]
                .as_str()
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_lowercase)
                .collect();
            let collection = args["collection"].as_str();
            let top_k = args["top_k"].as_u64().unwrap_or(5) as usize;
            let hits: Vec<Value> = ARTICLES
                .iter()
                .filter(|(_, c, _, _)| collection.is_none_or(|want| want == *c))
                .filter(|(_, _, title, body)| {
                    let text = format!("{title} {body}").to_lowercase();
                    words.iter().any(|w| text.contains(w.as_str()))
                })
                .take(top_k)
                .map(|(id, c, title, _)| json!({ "id": id, "collection": c, "title": title }))
                .collect();
            let structured = json!({ "articles": hits });
            Ok(
                json!({ "content": [{ "type": "text", "text": structured.to_string() }],
                       "structuredContent": structured, "isError": false }),
            )
        }
        "get_article" => {
            let id = args["article_id"].as_str().unwrap_or_default();
            Ok(match ARTICLES.iter().find(|(a, ..)| *a == id) {
                Some((id, c, title, body)) => {
                    json!({ "content": [{ "type": "text", "text": format!("{title}\n\n{body}") }],
                    "structuredContent": { "id": id, "collection": c, "title": title, "body": body }, "isError": false })
                }
                None => {
                    json!({ "content": [{ "type": "text", "text": format!("no article {id}") }], "isError": true })
                }
            })
        }
        other => Err(format!("unknown tool {other}")),
    }
}
