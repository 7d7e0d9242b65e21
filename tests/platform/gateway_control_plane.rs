//! The local platform's control plane, driven by the real AWS SDK client:
//! every gateway and gateway-target operation, pagination, idempotency and
//! the demo workspace.

use crate::platform;

use std::collections::BTreeSet;

use aws_sdk_bedrockagentcorecontrol::operation::RequestId;
use aws_sdk_bedrockagentcorecontrol::types::{
    ApiSchemaConfiguration, AuthorizerConfiguration, AuthorizerType,
    CustomJwtAuthorizerConfiguration, GatewayPolicyEngineConfiguration, GatewayPolicyEngineMode,
    GatewayProtocolConfiguration, GatewayProtocolType, GatewayStatus, McpGatewayConfiguration,
    McpServerTargetConfiguration, McpTargetConfiguration, SearchType, TargetConfiguration,
    TargetStatus, TargetType, ToolSchema,
};
use platform::*;

#[tokio::test]
async fn gateway_lifecycle_create_get_update_list_delete() {
    let platform = start_ephemeral(false).await;
    let client = client(&platform.endpoint_url());
    let policy_engine =
        "arn:aws:bedrock-agentcore:us-east-1:000000000000:policy-engine/guardrails-abcde12345";

    let created = client
        .create_gateway()
        .name("Payments-Hub")
        .description("payments tools")
        .role_arn(ROLE_ARN)
        .protocol_type(GatewayProtocolType::Mcp)
        .protocol_configuration(GatewayProtocolConfiguration::Mcp(
            McpGatewayConfiguration::builder()
                .search_type(SearchType::Semantic)
                .supported_versions("2025-06-18")
                .build(),
        ))
        .authorizer_type(AuthorizerType::CustomJwt)
        .authorizer_configuration(AuthorizerConfiguration::CustomJwtAuthorizer(
            CustomJwtAuthorizerConfiguration::builder()
                .discovery_url("http://localhost:8180/realms/x/.well-known/openid-configuration")
                .allowed_audience("payments")
                .build()
                .unwrap(),
        ))
        .policy_engine_configuration(
            GatewayPolicyEngineConfiguration::builder()
                .arn(policy_engine)
                .mode(GatewayPolicyEngineMode::LogOnly)
                .build()
                .unwrap(),
        )
        .tags("team", "payments")
        .send()
        .await
        .expect("CreateGateway");

    let id = created.gateway_id().to_owned();
    assert!(id.starts_with("payments-hub-"), "{id}");
    let suffix = &id["payments-hub-".len()..];
    assert_eq!(suffix.len(), 10);
    assert!(
        suffix
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    assert_eq!(created.status(), &GatewayStatus::Creating);
    assert_eq!(
        created.gateway_arn(),
        format!("arn:aws:bedrock-agentcore:us-east-1:000000000000:gateway/{id}")
    );
    assert_eq!(
        created.gateway_url(),
        Some(format!("{}/gateways/{id}/mcp", platform.endpoint_url()).as_str())
    );
    assert_eq!(created.name(), "Payments-Hub");
    assert_eq!(created.created_at(), created.updated_at());

    wait_for_gateway_ready(&client, &id).await;
    let got = get_gateway(&client, &id).await;
    assert_eq!(got.authorizer_type(), &AuthorizerType::CustomJwt);
    assert_eq!(
        got.authorizer_configuration(),
        created.authorizer_configuration()
    );
    assert_eq!(
        got.protocol_configuration(),
        created.protocol_configuration()
    );
    assert_eq!(
        got.policy_engine_configuration().unwrap().arn(),
        policy_engine
    );
    assert_eq!(got.description(), Some("payments tools"));
    assert_eq!(
        got.request_id().map(str::len),
        Some(36),
        "x-amzn-requestid is set"
    );
    assert_eq!(got.created_at(), created.created_at());

    let updated = client
        .update_gateway()
        .gateway_identifier(&id)
        .name("Payments-Hub")
        .description("payments and refunds")
        .role_arn(ROLE_ARN)
        .protocol_type(GatewayProtocolType::Mcp)
        .authorizer_type(AuthorizerType::AwsIam)
        .policy_engine_configuration(
            GatewayPolicyEngineConfiguration::builder()
                .arn(policy_engine)
                .mode(GatewayPolicyEngineMode::Enforce)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("UpdateGateway");
    assert_eq!(updated.status(), &GatewayStatus::Updating);
    assert_eq!(updated.gateway_id(), id);
    assert!(updated.updated_at() >= created.updated_at());
    wait_for_gateway_ready(&client, &id).await;
    let got = get_gateway(&client, &id).await;
    assert_eq!(got.description(), Some("payments and refunds"));
    assert_eq!(got.authorizer_type(), &AuthorizerType::AwsIam);
    assert!(
        got.authorizer_configuration().is_none(),
        "update replaces the configuration"
    );
    assert_eq!(
        got.policy_engine_configuration().unwrap().mode(),
        &GatewayPolicyEngineMode::Enforce
    );

    let listed = client.list_gateways().send().await.unwrap();
    assert_eq!(listed.items().len(), 1);
    let summary = &listed.items()[0];
    assert_eq!(summary.gateway_id(), id);
    assert_eq!(summary.name(), "Payments-Hub");
    assert_eq!(summary.status(), &GatewayStatus::Ready);
    assert_eq!(summary.authorizer_type(), &AuthorizerType::AwsIam);
    assert_eq!(summary.protocol_type(), &GatewayProtocolType::Mcp);
    assert_eq!(summary.description(), Some("payments and refunds"));
    assert!(listed.next_token().is_none());

    let deleted = client
        .delete_gateway()
        .gateway_identifier(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.gateway_id(), id);
    assert_eq!(deleted.status(), &GatewayStatus::Deleting);
    let gone = client
        .get_gateway()
        .gateway_identifier(&id)
        .send()
        .await
        .unwrap_err();
    assert!(gone.into_service_error().is_resource_not_found_exception());
    assert!(
        client
            .list_gateways()
            .send()
            .await
            .unwrap()
            .items()
            .is_empty()
    );
    platform.shutdown().await;
}

#[tokio::test]
async fn target_lifecycle_round_trips_the_configuration() {
    let platform = start_ephemeral(false).await;
    let client = client(&platform.endpoint_url());
    let gateway_id = create_gateway(&client, "targets-gw")
        .await
        .gateway_id()
        .to_owned();

    let configuration = lambda_target(&["find_order", "cancel_order"]);
    let created = client
        .create_gateway_target()
        .gateway_identifier(&gateway_id)
        .name("orders")
        .description("order tools")
        .target_configuration(configuration.clone())
        .send()
        .await
        .expect("CreateGatewayTarget");
    let target_id = created.target_id().to_owned();
    assert_eq!(target_id.len(), 10);
    assert!(
        target_id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        "{target_id}"
    );
    assert_eq!(created.status(), &TargetStatus::Creating);
    assert_eq!(created.target_configuration(), Some(&configuration));
    assert!(
        created
            .gateway_arn()
            .ends_with(&format!(":gateway/{gateway_id}"))
    );
    assert_eq!(
        created.credential_provider_configurations()[0]
            .credential_provider_type()
            .as_str(),
        "GATEWAY_IAM_ROLE"
    );

    wait_for_target_ready(&client, &gateway_id, &target_id).await;
    let got = client
        .get_gateway_target()
        .gateway_identifier(&gateway_id)
        .target_id(&target_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.target_configuration(),
        Some(&configuration),
        "every member round-trips"
    );
    assert_eq!(got.name(), "orders");

    let summaries = client
        .list_gateway_targets()
        .gateway_identifier(&gateway_id)
        .send()
        .await
        .unwrap();
    assert_eq!(summaries.items().len(), 1);
    assert_eq!(summaries.items()[0].target_id(), target_id);
    assert_eq!(summaries.items()[0].name(), "orders");
    assert_eq!(summaries.items()[0].description(), Some("order tools"));
    assert_eq!(
        summaries.items()[0].target_type(),
        Some(&TargetType::Lambda)
    );

    // Update to an MCP server target; the name is kept when not sent.
    let server = TargetConfiguration::Mcp(McpTargetConfiguration::McpServer(
        McpServerTargetConfiguration::builder()
            .endpoint("https://mcp.internal.example/mcp")
            .build()
            .unwrap(),
    ));
    let updated = client
        .update_gateway_target()
        .gateway_identifier(&gateway_id)
        .target_id(&target_id)
        .target_configuration(server.clone())
        .send()
        .await
        .expect("UpdateGatewayTarget");
    assert_eq!(updated.status(), &TargetStatus::Updating);
    assert_eq!(updated.name(), "orders");
    assert_eq!(updated.target_configuration(), Some(&server));
    assert!(updated.credential_provider_configurations().is_empty());

    let synced = client
        .synchronize_gateway_targets()
        .gateway_identifier(&gateway_id)
        .target_id_list(&target_id)
        .send()
        .await
        .expect("SynchronizeGatewayTargets");
    assert_eq!(synced.targets().len(), 1);
    assert_eq!(synced.targets()[0].target_id(), target_id);
    assert_eq!(synced.targets()[0].status(), &TargetStatus::Synchronizing);
    assert!(synced.targets()[0].last_synchronized_at().is_some());
    wait_for_target_ready(&client, &gateway_id, &target_id).await;

    let deleted = client
        .delete_gateway_target()
        .gateway_identifier(&gateway_id)
        .target_id(&target_id)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), &TargetStatus::Deleting);
    assert_eq!(deleted.target_id(), target_id);
    let gone = client
        .get_gateway_target()
        .gateway_identifier(&gateway_id)
        .target_id(&target_id)
        .send()
        .await
        .unwrap_err();
    assert!(gone.into_service_error().is_resource_not_found_exception());
    // With its last target gone, the gateway can be deleted.
    client
        .delete_gateway()
        .gateway_identifier(&gateway_id)
        .send()
        .await
        .unwrap();
    platform.shutdown().await;
}

#[tokio::test]
async fn gateways_page_through_max_results() {
    let platform = start_ephemeral(false).await;
    let client = client(&platform.endpoint_url());
    let mut created = Vec::new();
    for i in 0..25 {
        created.push(
            create_gateway(&client, &format!("page-gw-{i:02}"))
                .await
                .gateway_id()
                .to_owned(),
        );
    }

    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_gateways()
            .max_results(7)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        pages.push(
            page.items()
                .iter()
                .map(|g| g.gateway_id().to_owned())
                .collect::<Vec<_>>(),
        );
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [7, 7, 7, 4]);
    assert_eq!(
        pages.concat(),
        created,
        "creation order, nothing skipped or repeated"
    );

    // The SDK's own paginator agrees.
    let all: Vec<String> = client
        .list_gateways()
        .max_results(10)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.gateway_id().to_owned())
        .collect();
    assert_eq!(all, created);

    // Default page size is 50, so all 25 fit.
    let everything = client.list_gateways().send().await.unwrap();
    assert_eq!(everything.items().len(), 25);
    assert!(everything.next_token().is_none());
    platform.shutdown().await;
}

#[tokio::test]
async fn targets_page_through_max_results() {
    let platform = start_ephemeral(false).await;
    let client = client(&platform.endpoint_url());
    let gateway_id = create_gateway(&client, "many-targets")
        .await
        .gateway_id()
        .to_owned();
    let mut created = Vec::new();
    for i in 0..12 {
        let target = client
            .create_gateway_target()
            .gateway_identifier(&gateway_id)
            .name(format!("t{i}"))
            .target_configuration(lambda_target(&["only_tool"]))
            .send()
            .await
            .unwrap();
        created.push(target.target_id().to_owned());
    }
    let ids: Vec<String> = client
        .list_gateway_targets()
        .gateway_identifier(&gateway_id)
        .max_results(5)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .iter()
        .inspect(|page| assert!(page.items().len() <= 5))
        .flat_map(|page| page.items().iter().map(|t| t.target_id().to_owned()))
        .collect();
    assert_eq!(ids, created);
    platform.shutdown().await;
}

#[tokio::test]
async fn client_token_makes_create_idempotent() {
    let platform = start_ephemeral(false).await;
    let client = client(&platform.endpoint_url());
    let token = "9d3c1f0e-2b4a-4c6d-8e7f-0a1b2c3d4e5f";
    let create = || {
        client
            .create_gateway()
            .name("idempotent")
            .role_arn(ROLE_ARN)
            .authorizer_type(AuthorizerType::None)
            .client_token(token)
            .send()
    };
    let first = create().await.unwrap();
    let second = create()
        .await
        .expect("a retry with the same token is not a conflict");
    assert_eq!(first.gateway_id(), second.gateway_id());
    assert_eq!(
        client.list_gateways().send().await.unwrap().items().len(),
        1
    );
    platform.shutdown().await;
}

#[tokio::test]
async fn demo_workspace_is_seeded_with_realistic_targets() {
    let platform = start_ephemeral(true).await;
    let client = client(&platform.endpoint_url());
    let gateways = client.list_gateways().send().await.unwrap();
    let names: BTreeSet<&str> = gateways.items().iter().map(|g| g.name()).collect();
    assert_eq!(names, BTreeSet::from(["enterprise-hub", "tenant-acme"]));

    let hub = gateways
        .items()
        .iter()
        .find(|g| g.name() == "enterprise-hub")
        .unwrap();
    let hub = client
        .get_gateway()
        .gateway_identifier(hub.gateway_id())
        .send()
        .await
        .unwrap();
    assert_eq!(hub.authorizer_type(), &AuthorizerType::CustomJwt);
    assert!(matches!(
        hub.protocol_configuration(),
        Some(GatewayProtocolConfiguration::Mcp(mcp)) if mcp.search_type() == Some(&SearchType::Semantic)
    ));
    let policy = hub.policy_engine_configuration().expect("policy engine");
    assert_eq!(policy.mode(), &GatewayPolicyEngineMode::LogOnly);
    assert!(policy.arn().contains(":policy-engine/"));

    let targets = client
        .list_gateway_targets()
        .gateway_identifier(hub.gateway_id())
        .send()
        .await
        .unwrap();
    let by_name: Vec<(&str, Option<&TargetType>)> = targets
        .items()
        .iter()
        .map(|t| (t.name(), t.target_type()))
        .collect();
    assert_eq!(
        by_name,
        [
            ("crm", Some(&TargetType::Lambda)),
            ("ticketing", Some(&TargetType::Lambda)),
            ("messaging", Some(&TargetType::Lambda)),
            ("inventory-api", Some(&TargetType::OpenApiSchema)),
            ("knowledge-base", Some(&TargetType::McpServer)),
        ]
    );
    let target = |name: &str| {
        targets
            .items()
            .iter()
            .find(|t| t.name() == name)
            .unwrap()
            .target_id()
            .to_owned()
    };

    let crm = client
        .get_gateway_target()
        .gateway_identifier(hub.gateway_id())
        .target_id(target("crm"))
        .send()
        .await
        .unwrap();
    let Some(TargetConfiguration::Mcp(McpTargetConfiguration::Lambda(lambda))) =
        crm.target_configuration()
    else {
        panic!("crm is a Lambda target: {:?}", crm.target_configuration());
    };
    let Some(ToolSchema::InlinePayload(tools)) = lambda.tool_schema() else {
        panic!("crm tools are inline");
    };
    assert!(tools.len() >= 5, "{} tools", tools.len());
    let create_contact = tools
        .iter()
        .find(|t| t.name() == "create_contact")
        .expect("create_contact");
    let input = create_contact.input_schema().unwrap();
    assert_eq!(input.required(), ["account_id", "contact"]);
    let contact = &input.properties().unwrap()["contact"];
    assert!(
        contact.properties().unwrap().contains_key("consent"),
        "nested objects survive"
    );

    let inventory = client
        .get_gateway_target()
        .gateway_identifier(hub.gateway_id())
        .target_id(target("inventory-api"))
        .send()
        .await
        .unwrap();
    let Some(TargetConfiguration::Mcp(McpTargetConfiguration::OpenApiSchema(
        ApiSchemaConfiguration::InlinePayload(document),
    ))) = inventory.target_configuration()
    else {
        panic!("inventory-api is an inline OpenAPI target");
    };
    let openapi: serde_json::Value = serde_json::from_str(document).unwrap();
    let operations: BTreeSet<&str> = openapi["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    assert!(
        operations.len() >= 4 && operations.contains("reserveStock"),
        "{operations:?}"
    );

    let acme = gateways
        .items()
        .iter()
        .find(|g| g.name() == "tenant-acme")
        .unwrap();
    assert_ne!(acme.authorizer_type(), &AuthorizerType::CustomJwt);
    let acme_targets = client
        .list_gateway_targets()
        .gateway_identifier(acme.gateway_id())
        .send()
        .await
        .unwrap();
    assert_eq!(acme_targets.items().len(), 2);
    platform.shutdown().await;
}

#[tokio::test]
async fn bulk_catalog_holds_the_requested_number_of_tools() {
    let platform = acc_runtime_local::start(acc_runtime_local::PlatformConfig {
        seed_demo: false,
        bulk_tools: 1_050,
        ..Default::default()
    })
    .await
    .unwrap();
    let client = client(&platform.endpoint_url());
    let gateways = client.list_gateways().send().await.unwrap();
    assert_eq!(gateways.items().len(), 1);
    assert_eq!(gateways.items()[0].name(), "bulk-catalog");
    let gateway_id = gateways.items()[0].gateway_id();
    let pages = client
        .list_gateway_targets()
        .gateway_identifier(gateway_id)
        .max_results(1000)
        .send()
        .await
        .unwrap();
    assert_eq!(pages.items().len(), 100);
    let mut tools = 0;
    for summary in pages.items() {
        let target = client
            .get_gateway_target()
            .gateway_identifier(gateway_id)
            .target_id(summary.target_id())
            .send()
            .await
            .unwrap();
        let Some(TargetConfiguration::Mcp(McpTargetConfiguration::Lambda(lambda))) =
            target.target_configuration()
        else {
            panic!("bulk targets are Lambda targets");
        };
        let Some(ToolSchema::InlinePayload(defs)) = lambda.tool_schema() else {
            panic!("inline tools")
        };
        tools += defs.len();
    }
    assert_eq!(tools, 1_050);
    platform.shutdown().await;
}
