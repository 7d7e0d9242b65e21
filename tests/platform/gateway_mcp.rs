//! A gateway of the local platform as an MCP server: the official MCP Rust
//! SDK (rmcp) as an independent client, plus raw JSON-RPC for the wire
//! details (paging, negotiation, errors, SSE) a library would hide.

use crate::mcp;
use crate::platform;

use aws_sdk_bedrockagentcorecontrol::types::{
    GatewayProtocolConfiguration, McpGatewayConfiguration, SearchType,
};
use mcp::{call_tool, post, rpc};
use platform::*;
use rmcp::ServiceExt as _;
use rmcp::model::PaginatedRequestParams;
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::{Value, json};

/// A NONE-auth gateway with `search` on, whose three Lambda targets hold
/// 25 + 25 + 20 = 70 tools. Returns its MCP URL.
async fn gateway_with_70_tools(endpoint: &str, searchable: bool) -> String {
    let client = client(endpoint);
    let mut create = client
        .create_gateway()
        .name(if searchable {
            "catalog-search"
        } else {
            "catalog"
        })
        .role_arn(ROLE_ARN)
        .protocol_type(aws_sdk_bedrockagentcorecontrol::types::GatewayProtocolType::Mcp)
        .authorizer_type(aws_sdk_bedrockagentcorecontrol::types::AuthorizerType::None);
    if searchable {
        create = create.protocol_configuration(GatewayProtocolConfiguration::Mcp(
            McpGatewayConfiguration::builder()
                .search_type(SearchType::Semantic)
                .build(),
        ));
    }
    let gateway = create.send().await.expect("CreateGateway");
    let id = gateway.gateway_id().to_owned();
    for (target, count) in [("orders", 25), ("billing", 25), ("shipping", 20)] {
        let names: Vec<String> = (0..count).map(|i| format!("{target}_op_{i:02}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        client
            .create_gateway_target()
            .gateway_identifier(&id)
            .name(target)
            .target_configuration(lambda_target(&names))
            .send()
            .await
            .expect("CreateGatewayTarget");
    }
    wait_for_gateway_ready(&client, &id).await;
    gateway.gateway_url().expect("a gatewayUrl").to_owned()
}

#[tokio::test]
async fn rmcp_client_initializes_lists_every_page_and_calls() {
    let platform = start_ephemeral(false).await;
    let url = gateway_with_70_tools(&platform.endpoint_url(), false).await;

    let client = ()
        .serve(StreamableHttpClientTransport::from_uri(url.as_str()))
        .await
        .expect("rmcp completes the MCP handshake with the gateway");
    let info = client.peer_info().expect("server info after initialize");
    let server = info.server_info.as_ref().expect("serverInfo");
    assert_eq!(server.name, "catalog");

    let first = client
        .list_tools(Some(PaginatedRequestParams::default()))
        .await
        .expect("tools/list");
    assert_eq!(first.tools.len(), 30, "pages hold 30 tools");
    assert!(first.next_cursor.is_some());

    let all = client.list_all_tools().await.expect("every page");
    assert_eq!(all.len(), 70);
    let names: Vec<&str> = all.iter().map(|t| t.name.as_ref()).collect();
    assert!(names.contains(&"orders___orders_op_00"));
    assert!(names.contains(&"shipping___shipping_op_19"));
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 70, "no tool is listed twice across pages");

    let err = client
        .call_tool(rmcp::model::CallToolRequestParams::new("orders___nope"))
        .await
        .expect_err("an unknown tool is an error");
    assert!(err.to_string().contains("Unknown tool"), "{err}");
    client.cancel().await.ok();
    platform.shutdown().await;
}

#[tokio::test]
async fn pages_follow_cursors_and_strange_cursors_are_invalid_params() {
    let platform = start_ephemeral(false).await;
    let url = gateway_with_70_tools(&platform.endpoint_url(), false).await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let params = match &cursor {
            Some(c) => json!({ "cursor": c }),
            None => json!({}),
        };
        let reply = rpc(&url, None, "tools/list", params).await;
        let result = reply.result();
        pages += 1;
        seen.extend(
            result["tools"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["name"].as_str().unwrap().to_owned()),
        );
        match result.get("nextCursor").and_then(Value::as_str) {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!((pages, seen.len()), (3, 70));

    let bad = rpc(&url, None, "tools/list", json!({ "cursor": "forged" })).await;
    assert_eq!(bad.error_code(), -32602);
    assert!(bad.error_message().contains("cursor"));
    platform.shutdown().await;
}

#[tokio::test]
async fn versions_are_negotiated_as_the_spec_says() {
    let platform = start_ephemeral(false).await;
    let url = gateway_with_70_tools(&platform.endpoint_url(), false).await;
    for version in ["2025-03-26", "2025-06-18", "2025-11-25"] {
        let reply = rpc(
            &url,
            None,
            "initialize",
            json!({ "protocolVersion": version, "capabilities": {},
                    "clientInfo": { "name": "test", "version": "1" } }),
        )
        .await;
        assert_eq!(reply.result()["protocolVersion"], version);
        assert!(reply.result()["capabilities"]["tools"].is_object());
        assert!(
            reply.headers.contains_key("mcp-session-id"),
            "initialize issues a session id"
        );
    }
    let old = rpc(
        &url,
        None,
        "initialize",
        json!({ "protocolVersion": "2024-11-05", "capabilities": {},
                "clientInfo": { "name": "test", "version": "1" } }),
    )
    .await;
    assert_eq!(
        old.result()["protocolVersion"],
        "2025-11-25",
        "an unknown version is answered with the latest supported"
    );

    let reply = reqwest::Client::new()
        .post(&url)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "1999-01-01")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        reply.status(),
        400,
        "an unsupported version header is refused"
    );
    platform.shutdown().await;
}

#[tokio::test]
async fn bad_requests_get_json_rpc_errors_and_the_server_goes_on() {
    let platform = start_ephemeral(false).await;
    let url = gateway_with_70_tools(&platform.endpoint_url(), false).await;

    let parse = post(&url, None, "{\"jsonrpc\": \"2.0\", \"id\": 1, ").await;
    assert_eq!((parse.status, parse.error_code()), (400, -32700));

    let invalid = post(&url, None, r#"{"jsonrpc":"2.0","id":1}"#).await;
    assert_eq!(invalid.error_code(), -32600);

    let unknown = rpc(&url, None, "resources/list", json!({})).await;
    assert_eq!(unknown.error_code(), -32601);
    assert!(unknown.error_message().contains("resources/list"));

    let no_name = rpc(&url, None, "tools/call", json!({ "arguments": {} })).await;
    assert_eq!(no_name.error_code(), -32602);

    let unknown_tool = call_tool(&url, None, "orders___missing", json!({})).await;
    assert_eq!(unknown_tool.error_code(), -32602);
    assert!(unknown_tool.error_message().contains("orders___missing"));

    // The tool requires "id" (a string) and "limit" is an integer.
    let mismatched = call_tool(
        &url,
        None,
        "orders___orders_op_01",
        json!({ "limit": "ten" }),
    )
    .await;
    assert_eq!(mismatched.error_code(), -32602);
    let message = mismatched.error_message();
    assert!(
        message.contains("id") && message.contains("limit"),
        "{message}"
    );
    assert!(
        mismatched.body["error"]["data"]["violations"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    );

    let notification = post(
        &url,
        None,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
    )
    .await;
    assert_eq!(notification.status, 202);

    let batch = post(
        &url,
        None,
        r#"[{"jsonrpc":"2.0","id":"a","method":"ping"},{"jsonrpc":"2.0","id":"b","method":"nope"}]"#,
    )
    .await;
    let answers = batch
        .body
        .as_array()
        .expect("a batch is answered by an array");
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["id"], "a");
    assert_eq!(answers[1]["error"]["code"], -32601);

    // After all that, the endpoint still serves.
    assert_eq!(
        rpc(&url, None, "ping", json!({})).await.result(),
        &json!({})
    );
    platform.shutdown().await;
}

#[tokio::test]
async fn event_stream_answers_when_the_client_accepts_only_sse() {
    let platform = start_ephemeral(false).await;
    let url = gateway_with_70_tools(&platform.endpoint_url(), false).await;
    let response = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .header("accept", "text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":9,"method":"ping"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let text = response.text().await.unwrap();
    let data = text
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .expect("a data line");
    let message: Value = serde_json::from_str(data).unwrap();
    assert_eq!(
        (message["id"].clone(), message["result"].clone()),
        (json!(9), json!({}))
    );

    let get = reqwest::Client::new().get(&url).send().await.unwrap();
    assert_eq!(get.status(), 405, "no server-initiated stream");

    let missing = rpc(
        &format!("{}/gateways/nope-0123456789/mcp", platform.endpoint_url()),
        None,
        "ping",
        json!({}),
    )
    .await;
    assert_eq!(missing.status, 404);
    assert!(missing.error_message().contains("nope-0123456789"));
    platform.shutdown().await;
}

#[tokio::test]
async fn search_tool_leads_the_list_and_ranks_lexically() {
    let platform = start_ephemeral(false).await;
    let url = gateway_with_70_tools(&platform.endpoint_url(), true).await;
    let first = rpc(&url, None, "tools/list", json!({})).await;
    let tools = first.result()["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 30);
    assert_eq!(tools[0]["name"], "x_amz_bedrock_agentcore_search");
    assert!(
        tools[0]["description"]
            .as_str()
            .unwrap()
            .contains("lexical"),
        "the description says the ranking is lexical"
    );

    let found = call_tool(
        &url,
        None,
        "x_amz_bedrock_agentcore_search",
        json!({ "query": "shipping op 07" }),
    )
    .await;
    let hits = found.result()["structuredContent"]["tools"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!hits.is_empty());
    assert_eq!(hits[0]["name"], "shipping___shipping_op_07", "{hits:?}");

    let none = call_tool(
        &url,
        None,
        "x_amz_bedrock_agentcore_search",
        json!({ "query": "zebra" }),
    )
    .await;
    assert_eq!(none.result()["structuredContent"]["tools"], json!([]));
    platform.shutdown().await;
}
