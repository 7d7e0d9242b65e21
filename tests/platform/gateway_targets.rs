//! Gateway tools reaching real backends: an MCP server written with the
//! official MCP Rust SDK (rmcp), an HTTP API behind an OpenAPI document,
//! and a local command bound to a Lambda ARN. Downstream failures come back
//! as tool errors with the cause, and the gateway keeps serving.

use crate::mcp;
use crate::platform;

use std::sync::Arc;
use std::time::Duration;

use acc_runtime_local::{FunctionBinding, PlatformConfig, StateLocation};
use axum::Json;
use axum::extract::{Path, Query};
use axum::routing::{get, post};
use mcp::{call_tool, rpc};
use platform::{ROLE_ARN, client, create_target_json, wait_for_gateway_ready};
use rmcp::ErrorData;
use rmcp::handler::server::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::{Value, json};

/// An MCP server with `add` and `fail` tools, on rmcp.
#[derive(Clone)]
struct Calculator;

impl ServerHandler for Calculator {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let schema = |v: Value| Arc::new(v.as_object().unwrap().clone());
        Ok(ListToolsResult::with_all_items(vec![
            Tool::new(
                "add",
                "Add two integers",
                schema(json!({"type": "object", "required": ["a", "b"],
                    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}})),
            ),
            Tool::new("fail", "Always fails", schema(json!({"type": "object"}))),
        ]))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let args = request.arguments.unwrap_or_default();
        let result = match request.name.as_ref() {
            "add" => {
                let sum = args["a"].as_i64().unwrap_or(0) + args["b"].as_i64().unwrap_or(0);
                CallToolResult::success(vec![ContentBlock::text(sum.to_string())])
            }
            _ => CallToolResult::error(vec![ContentBlock::text("the calculator is on fire")]),
        };
        Ok(result.into())
    }
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

async fn mcp_server() -> String {
    let service = StreamableHttpService::new(
        || Ok(Calculator),
        Arc::new(LocalSessionManager::default()),
        StreamableHttpServerConfig::default(),
    );
    let base = serve(axum::Router::new().nest_service("/mcp", service)).await;
    format!("{base}/mcp")
}

/// An HTTP API that echoes what it received, so the mapping can be checked.
async fn echo_api() -> String {
    let router = axum::Router::new()
        .route(
            "/v1/orders/{id}",
            get(
                |Path(id): Path<String>, Query(q): Query<Value>| async move {
                    Json(json!({ "id": id, "query": q }))
                },
            ),
        )
        .route(
            "/v1/orders",
            post(|Json(body): Json<Value>| async move { Json(json!({ "created": body })) }),
        )
        .route(
            "/v1/broken",
            get(|| async { (axum::http::StatusCode::BAD_GATEWAY, "upstream exploded") }),
        );
    serve(router).await
}

fn openapi(server: &str) -> String {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "orders", "version": "1" },
        "servers": [{ "url": format!("{server}/v1") }],
        "paths": {
            "/orders/{id}": { "get": { "operationId": "getOrder",
                "parameters": [
                    { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                    { "name": "expand", "in": "query", "schema": { "type": "boolean" } }
                ], "responses": { "200": { "description": "ok" } } } },
            "/orders": { "post": { "operationId": "createOrder",
                "requestBody": { "content": { "application/json": { "schema": {
                    "type": "object", "required": ["sku"],
                    "properties": { "sku": { "type": "string" }, "qty": { "type": "integer" } } } } } },
                "responses": { "200": { "description": "ok" } } } },
            "/broken": { "get": { "operationId": "broken", "responses": { "200": { "description": "ok" } } } }
        }
    })
    .to_string()
}

const LAMBDA: &str = "arn:aws:lambda:us-east-1:000000000000:function:echo";
const SLOW_LAMBDA: &str = "arn:aws:lambda:us-east-1:000000000000:function:slow";
const BROKEN_LAMBDA: &str = "arn:aws:lambda:us-east-1:000000000000:function:broken";

/// A platform whose NONE gateway fronts all three kinds of target.
async fn setup(dir: &std::path::Path) -> (acc_runtime_local::RunningPlatform, String) {
    let script = dir.join("echo.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nevent=$(cat)\nprintf '{\"tool\":\"%s\",\"event\":%s}' \"$ACC_TOOL_NAME\" \"$event\"\n",
    )
    .unwrap();
    let bind = |arn: &str, command: Vec<&str>, secs: u64| FunctionBinding {
        arn: arn.into(),
        command: command.into_iter().map(str::to_owned).collect(),
        timeout: Duration::from_secs(secs),
    };
    let platform = acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Ephemeral,
        seed_demo: false,
        function_bindings: vec![
            bind(LAMBDA, vec!["sh", script.to_str().unwrap()], 10),
            bind(SLOW_LAMBDA, vec!["sleep", "30"], 1),
            bind(
                BROKEN_LAMBDA,
                vec!["sh", "-c", "echo 'boom: bad config' >&2; exit 3"],
                10,
            ),
        ],
        ..PlatformConfig::default()
    })
    .await
    .unwrap();
    let endpoint = platform.endpoint_url();
    let http = reqwest::Client::new();
    let created: Value = http
        .post(format!("{endpoint}/gateways/"))
        .json(&json!({ "name": "real-targets", "roleArn": ROLE_ARN, "protocolType": "MCP", "authorizerType": "NONE" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["gatewayId"].as_str().unwrap().to_owned();
    let lambda = |name: &str, arn: &str| {
        json!({ "name": name, "targetConfiguration": { "mcp": { "lambda": {
            "lambdaArn": arn,
            "toolSchema": { "inlinePayload": [{ "name": "run", "description": "run it",
                "inputSchema": { "type": "object", "properties": { "x": { "type": "integer" } } } }] } } } } })
    };
    let targets = [
        json!({ "name": "calc", "targetConfiguration": { "mcp": { "mcpServer": { "endpoint": mcp_server().await } } } }),
        json!({ "name": "orders", "targetConfiguration": { "mcp": { "openApiSchema": { "inlinePayload": openapi(&echo_api().await) } } } }),
        json!({ "name": "down", "targetConfiguration": { "mcp": { "openApiSchema": { "inlinePayload": openapi("http://127.0.0.1:9") } } } }),
        lambda("fn", LAMBDA),
        lambda("slow", SLOW_LAMBDA),
        lambda("broken", BROKEN_LAMBDA),
        lambda(
            "unbound",
            "arn:aws:lambda:us-east-1:000000000000:function:nobody",
        ),
    ];
    for target in targets {
        create_target_json(&endpoint, &id, &target).await;
    }
    wait_for_gateway_ready(&client(&endpoint), &id).await;
    (platform, format!("{endpoint}/gateways/{id}/mcp"))
}

fn text(reply: &mcp::RpcReply) -> String {
    reply.result()["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn tools_reach_an_mcp_server_an_http_api_and_a_command() {
    let dir = tempfile::tempdir().unwrap();
    let (platform, url) = setup(dir.path()).await;

    let listed = rpc(&url, None, "tools/list", json!({})).await;
    let names: Vec<&str> = listed.result()["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for expected in [
        "calc___add",
        "calc___fail",
        "orders___getOrder",
        "orders___createOrder",
        "fn___run",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }

    let sum = call_tool(&url, None, "calc___add", json!({ "a": 2, "b": 40 })).await;
    assert_eq!(
        (text(&sum), sum.result()["isError"].clone()),
        ("42".into(), json!(false))
    );
    let failed = call_tool(&url, None, "calc___fail", json!({})).await;
    assert_eq!(
        failed.result()["isError"],
        true,
        "the server's isError passes through"
    );
    assert!(text(&failed).contains("on fire"));

    let order = call_tool(
        &url,
        None,
        "orders___getOrder",
        json!({ "id": "A 7", "expand": true }),
    )
    .await;
    let got = &order.result()["structuredContent"];
    assert_eq!(got["id"], "A 7", "the path parameter is encoded and mapped");
    assert_eq!(
        got["query"]["expand"], "true",
        "the query parameter is mapped"
    );
    let created = call_tool(
        &url,
        None,
        "orders___createOrder",
        json!({ "sku": "S-1", "qty": 3 }),
    )
    .await;
    assert_eq!(
        created.result()["structuredContent"]["created"],
        json!({ "sku": "S-1", "qty": 3 })
    );

    let ran = call_tool(&url, None, "fn___run", json!({ "x": 5 })).await;
    let answer = &ran.result()["structuredContent"];
    assert_eq!(
        answer["event"],
        json!({ "x": 5 }),
        "the event is the arguments, on stdin"
    );
    assert_eq!(
        answer["tool"], "fn___run",
        "the tool name reaches the command"
    );
    platform.shutdown().await;
}

#[tokio::test]
async fn downstream_failures_are_tool_errors_and_the_gateway_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (platform, url) = setup(dir.path()).await;
    let cases = [
        ("down___getOrder", json!({ "id": "1" }), "cannot reach"),
        ("orders___broken", json!({}), "502"),
        ("slow___run", json!({}), "timed out"),
        ("broken___run", json!({}), "boom: bad config"),
        ("unbound___run", json!({}), "not bound"),
    ];
    for (tool, args, cause) in cases {
        let reply = call_tool(&url, None, tool, args).await;
        assert_eq!(reply.result()["isError"], true, "{tool}: {}", reply.body);
        assert!(
            text(&reply).contains(cause),
            "{tool}: expected {cause:?} in {}",
            text(&reply)
        );
    }
    assert_eq!(
        rpc(&url, None, "ping", json!({})).await.result(),
        &json!({})
    );
    platform.shutdown().await;
}
