//! Policy engines and Cedar policies on the local platform, through the real
//! `aws-sdk-bedrockagentcorecontrol` client, enforced by the demo hub gateway
//! on calls made with tokens from the demo identity provider (whose claims
//! become the principal's tags), and recorded with each capture.

use crate::mcp;
use crate::platform;

use acc_domain::cedar_model::evaluation::PolicyDecision;
use acc_domain::{CaptureOutcome, CapturedCall, gateway_log_group};
use aws_sdk_bedrockagentcorecontrol::types::{
    CedarPolicy, PolicyDefinition, PolicyStatus, PolicyValidationMode,
};
use mcp::{call_tool, rpc};
use platform::client;
use serde_json::{Value, json};

/// Attach `engine_arn` to the gateway in `mode`, through UpdateGateway (PUT).
async fn attach(endpoint: &str, gateway_id: &str, engine_arn: &str, mode: &str) {
    let http = reqwest::Client::new();
    let url = format!("{endpoint}/gateways/{gateway_id}");
    let mut gateway: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    let body = gateway.as_object_mut().unwrap();
    for computed in [
        "gatewayId",
        "gatewayArn",
        "gatewayUrl",
        "status",
        "createdAt",
        "updatedAt",
        "workloadIdentityDetails",
    ] {
        body.remove(computed);
    }
    body.insert(
        "policyEngineConfiguration".into(),
        json!({ "arn": engine_arn, "mode": mode }),
    );
    let response = http.put(&url).json(&gateway).send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{:?}",
        response.text().await
    );
}

fn cedar(statement: &str) -> PolicyDefinition {
    PolicyDefinition::Cedar(CedarPolicy::builder().statement(statement).build().unwrap())
}

const SEARCH: &str = "knowledge-base___search_articles";

#[tokio::test]
async fn policies_are_validated_enforced_and_recorded() {
    let platform = platform::start_ephemeral(true).await;
    let endpoint = platform.endpoint_url();
    let control = client(&endpoint);
    let hub = control
        .list_gateways()
        .send()
        .await
        .unwrap()
        .items()
        .iter()
        .find(|g| g.name() == "enterprise-hub")
        .unwrap()
        .gateway_id()
        .to_owned();
    let url = format!("{endpoint}/gateways/{hub}/mcp");

    let engine = control
        .create_policy_engine()
        .name("hub_guardrails")
        .description("what agents may do through the hub")
        .send()
        .await
        .unwrap();
    let engine_id = engine.policy_engine_id().to_owned();
    let duplicate = control
        .create_policy_engine()
        .name("hub_guardrails")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(duplicate.is_conflict_exception(), "{duplicate:?}");
    attach(&endpoint, &hub, engine.policy_engine_arn(), "ENFORCE").await;

    let create = |name: &str, statement: &str| {
        control
            .create_policy()
            .policy_engine_id(&engine_id)
            .name(name)
            .definition(cedar(statement))
            .validation_mode(PolicyValidationMode::FailOnAnyFindings)
            .send()
    };
    create(
        "agents_search",
        &format!("permit(principal is AgentCore::OAuthUser, action == AgentCore::Action::\"{SEARCH}\", resource)\nwhen {{ principal.hasTag(\"role\") && principal.getTag(\"role\") == \"agent\" }};"),
    )
    .await
    .unwrap();
    create(
        "no_runbooks_for_sales",
        &format!("forbid(principal, action == AgentCore::Action::\"{SEARCH}\", resource)\nwhen {{ principal.hasTag(\"department\") && principal.getTag(\"department\") == \"sales\"\n  && context.input has collection && context.input.collection == \"runbooks\" }};"),
    )
    .await
    .unwrap();

    // A statement that does not parse is refused, naming line and column.
    let unparsable = create(
        "broken",
        "permit(principal, action, resource)\nwhen { context.input. };",
    )
    .await
    .unwrap_err()
    .into_service_error();
    assert!(unparsable.is_validation_exception(), "{unparsable:?}");
    assert!(format!("{unparsable:?}").contains("2:"), "{unparsable:?}");
    // One that parses but breaks the gateway's schema fails, with reasons.
    let typo = create(
        "typo",
        &format!("permit(principal, action == AgentCore::Action::\"{SEARCH}\", resource)\nwhen {{ context.input.qurey == \"x\" }};"),
    )
    .await
    .unwrap();
    assert_eq!(typo.status(), &PolicyStatus::CreateFailed);
    let reason = typo.status_reasons().join(" ");
    assert!(
        reason.contains("enterprise-hub: 2:") && reason.contains("qurey"),
        "{reason}"
    );

    // FAIL_ON_ANY_FINDINGS: the symbolic analysis (cvc5) fails policies
    // that allow all or none, or deny all or none, naming the finding.
    let search = format!("AgentCore::Action::\"{SEARCH}\"");
    let findings = [
        (
            "allow_everything",
            "permit(principal, action, resource);".to_owned(),
            "allow-all",
            Some(format!("action {search}")),
        ),
        (
            "allow_nothing",
            format!("permit(principal, action == {search}, resource) when {{ 1 > 2 }};"),
            "allow-none",
            None,
        ),
        (
            "iam_blocked",
            format!("forbid(principal is AgentCore::IamEntity, action == {search}, resource);"),
            "deny-all",
            Some("principal AgentCore::IamEntity".to_owned()),
        ),
        (
            "deny_nothing",
            format!(
                "forbid(principal, action == {search}, resource) when {{ context.input has query && context.input.query != context.input.query }};"
            ),
            "deny-none",
            None,
        ),
    ];
    for (name, statement, finding, environment) in &findings {
        let failed = create(name, statement).await.unwrap();
        assert_eq!(failed.status(), &PolicyStatus::CreateFailed, "{name}");
        let reasons = failed.status_reasons().join("\n");
        assert!(
            reasons.contains(&format!("Finding on gateway enterprise-hub: {finding}:")),
            "{name}: {reasons}"
        );
        if let Some(environment) = environment {
            assert!(reasons.contains(environment.as_str()), "{name}: {reasons}");
        }
    }
    // The guardrails above have no findings (they were created ACTIVE), and
    // IGNORE_ALL_FINDINGS accepts a policy whatever its findings.
    let ignored = control
        .create_policy()
        .policy_engine_id(&engine_id)
        .name("ignored_findings")
        .definition(cedar(&format!(
            "permit(principal, action == {search}, resource) when {{ 1 > 2 }};"
        )))
        .validation_mode(PolicyValidationMode::IgnoreAllFindings)
        .send()
        .await
        .unwrap();
    assert_eq!(ignored.status(), &PolicyStatus::Creating);

    // Policies decide once ACTIVE.
    for policy in ["agents_search", "no_runbooks_for_sales"] {
        platform::poll_until(policy, &PolicyStatus::Active, || async {
            let listed = control
                .list_policies()
                .policy_engine_id(&engine_id)
                .send()
                .await
                .unwrap();
            listed
                .policies()
                .iter()
                .find(|p| p.name() == policy)
                .map(|p| p.status().clone())
                .unwrap()
        })
        .await;
    }
    let listed = control
        .list_policies()
        .policy_engine_id(&engine_id)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.policies().len(), 3 + findings.len() + 1);

    // tools/list shows a sales agent only what some call could permit.
    let sales = platform::demo_token(&endpoint, "sales-copilot").await;
    let tools = rpc(&url, Some(&sales), "tools/list", json!({})).await;
    let names: Vec<&str> = tools.result()["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["x_amz_bedrock_agentcore_search", SEARCH]);

    // ENFORCE: permitted, forbidden by a policy, and not permitted at all.
    let allowed = call_tool(&url, Some(&sales), SEARCH, json!({ "query": "reset" })).await;
    assert_eq!(
        allowed.result()["isError"],
        json!(false),
        "{}",
        allowed.body
    );
    let forbidden = call_tool(
        &url,
        Some(&sales),
        SEARCH,
        json!({ "query": "reset", "collection": "runbooks" }),
    )
    .await;
    assert_eq!(forbidden.error_code(), -32001);
    assert_eq!(
        forbidden.body["error"]["data"]["determiningPolicies"],
        json!(["no_runbooks_for_sales"])
    );
    let ops = platform::demo_token(&endpoint, "ops-assistant").await;
    let not_permitted = call_tool(
        &url,
        Some(&ops),
        "knowledge-base___get_article",
        json!({ "article_id": "kb-101" }),
    )
    .await;
    assert_eq!(not_permitted.error_code(), -32001);
    assert!(
        not_permitted
            .error_message()
            .contains("no policy permits it")
    );

    // LOG_ONLY: the same call goes through; the would-be decision is kept.
    attach(&endpoint, &hub, engine.policy_engine_arn(), "LOG_ONLY").await;
    let logged = call_tool(
        &url,
        Some(&ops),
        "knowledge-base___get_article",
        json!({ "article_id": "kb-101" }),
    )
    .await;
    assert_eq!(logged.result()["isError"], json!(false), "{}", logged.body);

    let logs = platform::logs_client(&endpoint);
    let events = logs
        .filter_log_events()
        .log_group_name(gateway_log_group(&hub))
        .send()
        .await
        .unwrap();
    let calls: Vec<CapturedCall> = events
        .events()
        .iter()
        .map(|e| serde_json::from_str(e.message().unwrap()).unwrap())
        .collect();
    let decisions: Vec<(CaptureOutcome, PolicyDecision, String, Vec<String>)> = calls
        .iter()
        .map(|c| {
            let p = c.policy.as_ref().expect("a policy decision");
            (
                c.outcome,
                p.decision,
                p.mode.clone(),
                p.determining_policies.clone(),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        [
            (
                CaptureOutcome::Ok,
                PolicyDecision::Allow,
                "ENFORCE".into(),
                vec!["agents_search".into()]
            ),
            (
                CaptureOutcome::Denied,
                PolicyDecision::Deny,
                "ENFORCE".into(),
                vec!["no_runbooks_for_sales".into()]
            ),
            (
                CaptureOutcome::Denied,
                PolicyDecision::Deny,
                "ENFORCE".into(),
                vec![]
            ),
            (
                CaptureOutcome::Ok,
                PolicyDecision::Deny,
                "LOG_ONLY".into(),
                vec![]
            ),
        ]
    );

    // An engine in use cannot be deleted; policies go first.
    let in_use = control
        .delete_policy_engine()
        .policy_engine_id(&engine_id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(in_use.is_conflict_exception(), "{in_use:?}");
    platform.shutdown().await;
}

/// ENFORCE stops a denied call before its target runs; LOG_ONLY lets it run.
/// The target is a command that counts its invocations in a file.
#[tokio::test]
async fn enforce_blocks_before_the_target_and_log_only_lets_it_run() {
    use std::time::Duration;

    use acc_runtime_local::{FunctionBinding, PlatformConfig, StateLocation};

    let dir = tempfile::tempdir().unwrap();
    let counter = dir.path().join("calls");
    let platform = acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Ephemeral,
        seed_demo: false,
        function_bindings: vec![FunctionBinding {
            arn: platform::LAMBDA_ARN.into(),
            command: vec![
                "sh".into(),
                "-c".into(),
                format!(
                    "cat >/dev/null; echo x >> '{}'; echo '{{}}'",
                    counter.display()
                ),
            ],
            timeout: Duration::from_secs(10),
        }],
        ..PlatformConfig::default()
    })
    .await
    .unwrap();
    let endpoint = platform.endpoint_url();
    let control = client(&endpoint);
    let calls = || std::fs::read_to_string(&counter).map_or(0, |s| s.lines().count());

    let engine = control
        .create_policy_engine()
        .name("counting")
        .send()
        .await
        .unwrap();
    for (name, statement) in [
        ("everyone", "permit(principal, action, resource);"),
        (
            "no_archived",
            "forbid(principal, action, resource) when { context.input has filters && context.input.filters has archived && context.input.filters.archived };",
        ),
    ] {
        let created = control
            .create_policy()
            .policy_engine_id(engine.policy_engine_id())
            .name(name)
            .definition(cedar(statement))
            .send()
            .await
            .unwrap();
        platform::poll_until(name, &PolicyStatus::Active, || async {
            control
                .get_policy()
                .policy_engine_id(engine.policy_engine_id())
                .policy_id(created.policy_id())
                .send()
                .await
                .unwrap()
                .status()
                .clone()
        })
        .await;
    }
    let gateway = platform::create_gateway(&control, "counted").await;
    let id = gateway.gateway_id().to_owned();
    control
        .create_gateway_target()
        .gateway_identifier(&id)
        .name("records")
        .target_configuration(platform::lambda_target(&["find"]))
        .send()
        .await
        .unwrap();
    platform::wait_for_gateway_ready(&control, &id).await;
    attach(&endpoint, &id, engine.policy_engine_arn(), "ENFORCE").await;
    let url = gateway.gateway_url().unwrap().to_owned();

    let allowed = call_tool(&url, None, "records___find", json!({ "id": "r1" })).await;
    assert_eq!(
        allowed.result()["isError"],
        json!(false),
        "{}",
        allowed.body
    );
    assert_eq!(calls(), 1);
    let archived = json!({ "id": "r1", "filters": { "archived": true } });
    let denied = call_tool(&url, None, "records___find", archived.clone()).await;
    assert_eq!(denied.error_code(), -32001);
    assert_eq!(calls(), 1, "the target never saw the denied call");

    attach(&endpoint, &id, engine.policy_engine_arn(), "LOG_ONLY").await;
    let logged = call_tool(&url, None, "records___find", archived).await;
    assert_eq!(logged.result()["isError"], json!(false), "{}", logged.body);
    assert_eq!(calls(), 2, "LOG_ONLY lets the call reach the target");
    platform.shutdown().await;
}
