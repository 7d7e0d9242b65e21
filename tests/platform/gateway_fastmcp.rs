//! A real FastMCP server (PyPI `fastmcp`, tests/fastmcp_server/shop.py)
//! behind a gateway MCP target. Its tool takes a nested pydantic model with
//! an enum, patterns, an optional list and a recursive model, all behind
//! `$ref`s into `$defs`: the gateway refuses a bad call naming the path to
//! each bad field, and the Cedar schema types `context.input` as nested
//! records. tests/run installs fastmcp into `target/agentcore-venv`.

use crate::mcp::{call_tool, rpc};
use crate::platform;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use acc_domain::Tool;
use acc_domain::cedar_model::schema::gateway_schema;
use acc_ui::features::gateway::call_form::CallForm;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The FastMCP server, on a port it picks; its MCP URL once it listens.
async fn fastmcp_server() -> (Child, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/agentcore-venv/bin/python");
    assert!(
        python.exists(),
        "the test venv is missing: run ./tests/run (it creates target/agentcore-venv with fastmcp)"
    );
    let mut child = Command::new(&python)
        .arg(root.join("tests/fastmcp_server/shop.py"))
        .arg("0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the FastMCP server");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    // uvicorn says where it listens once the socket is bound.
    let url = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(rest) = line.split("Uvicorn running on ").nth(1) {
                let base = rest.split_whitespace().next().unwrap().to_owned();
                return Some(format!("{base}/mcp"));
            }
            seen.push(line);
        }
        None
    })
    .await;
    let Ok(Some(url)) = url else {
        panic!(
            "the FastMCP server did not start (is fastmcp installed in target/agentcore-venv? \
             run ./tests/run); its output:\n{}",
            seen.join("\n")
        );
    };
    // Keep draining its log so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

fn fixture() -> Value {
    serde_json::from_str(include_str!(
        "../fastmcp_server/place_order.input_schema.json"
    ))
    .unwrap()
}

#[tokio::test]
async fn a_fastmcp_tool_schema_is_enforced_through_its_refs() {
    let (_server, server_url) = fastmcp_server().await;
    let running = platform::start_ephemeral(false).await;
    let endpoint = running.endpoint_url();
    let client = platform::client(&endpoint);
    let gateway = platform::http()
        .post(format!("{endpoint}/gateways/"))
        .json(&json!({ "name": "fastmcp", "roleArn": platform::ROLE_ARN,
            "protocolType": "MCP", "authorizerType": "NONE" }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let id = gateway["gatewayId"].as_str().unwrap().to_owned();
    platform::create_target_json(
        &endpoint,
        &id,
        &json!({ "name": "shop", "targetConfiguration": { "mcp": { "mcpServer": {
            "endpoint": server_url } } } }),
    )
    .await;
    platform::wait_for_gateway_ready(&client, &id).await;
    let url = format!("{endpoint}/gateways/{id}/mcp");

    // The gateway lists the schema FastMCP wrote, refs and all (the
    // fixture the console and Cedar tests use is this very schema).
    let listed = rpc(&url, None, "tools/list", json!({})).await;
    let tool = listed.result()["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "shop___place_order")
        .cloned()
        .unwrap_or_else(|| panic!("no shop___place_order in {}", listed.body));
    assert_eq!(tool["inputSchema"], fixture());

    let good = json!({ "order": {
        "lines": [{ "sku": "ABC-123", "size": "large", "quantity": 2 }],
        "ship_to": { "street": "1 Main St", "zip": "12345" },
        "gift_tags": ["birthday"],
        "category": { "name": "toys", "parent": { "name": "all" } } } });
    let placed = call_tool(&url, None, "shop___place_order", good).await;
    assert_eq!(
        placed.result()["content"][0]["text"],
        "placed 1 line(s) to 12345",
        "{}",
        placed.body
    );

    // The console's call form, one input per inner field, assembles
    // nested arguments the real server accepts.
    let schema = tool["inputSchema"].clone();
    let mut form = CallForm::new(&id, &Tool::from_target("shop", "place_order", "", schema));
    for (name, text) in [
        (
            "order.lines",
            r#"[{"sku": "XYZ-999", "size": "small", "quantity": 3}]"#,
        ),
        ("order.ship_to.street", "2 Quay St"),
        ("order.ship_to.zip", "54321"),
        ("order.category.name", "tea"),
    ] {
        form.focus = form.fields.iter().position(|f| f.name == name).unwrap();
        text.chars().for_each(|c| form.type_char(c));
    }
    let arguments = form
        .arguments()
        .expect("the form's arguments pass the schema");
    assert_eq!(arguments["order"]["category"], json!({ "name": "tea" }));
    let placed = call_tool(&url, None, "shop___place_order", arguments).await;
    assert_eq!(
        placed.result()["content"][0]["text"],
        "placed 1 line(s) to 54321",
        "{}",
        placed.body
    );

    let bad = json!({ "order": {
        "lines": [{ "sku": "abc", "size": "medium", "quantity": 0 }],
        "ship_to": { "street": "1 Main St", "zip": "1234" },
        "gift_tags": "birthday",
        "category": { "parent": { "name": 7 } } } });
    let refused = call_tool(&url, None, "shop___place_order", bad).await;
    assert_eq!(refused.error_code(), -32602, "{}", refused.body);
    let paths: Vec<&str> = refused.body["error"]["data"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["path"].as_str().unwrap())
        .collect();
    for path in [
        "/order/lines/0/sku",
        "/order/lines/0/size",
        "/order/lines/0/quantity",
        "/order/ship_to/zip",
        "/order/gift_tags",
        "/order/category",
        "/order/category/parent/name",
    ] {
        assert!(paths.contains(&path), "{path} missing from {paths:?}");
        assert!(
            refused.error_message().contains(path),
            "{}",
            refused.error_message()
        );
    }
    assert!(
        refused
            .error_message()
            .contains("does not match \"^[0-9]{5}$\""),
        "{}",
        refused.error_message()
    );

    // The Cedar schema types the nested model as nested records.
    let backend = platform::backend(&endpoint).await;
    let gw = backend.get_gateway(&id).await.unwrap();
    let schema = gateway_schema(&backend.policy_tools(&gw).await.unwrap()).unwrap();
    let input = &schema.json["AgentCore"]["actions"]["shop___place_order"]["appliesTo"]["context"]
        ["attributes"]["input"]["attributes"];
    let order = &input["order"]["attributes"];
    assert_eq!(order["ship_to"]["attributes"]["zip"]["type"], "String");
    assert_eq!(
        order["lines"]["element"]["attributes"]["size"]["type"],
        "String"
    );
    assert_eq!(order["gift_tags"]["required"], false);
    assert!(schema.text.contains("ship_to: {"), "{}", schema.text);
}
