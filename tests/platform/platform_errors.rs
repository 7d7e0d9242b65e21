//! Errors of the local control plane in the restJson1 wire shape: each
//! mapped to the SDK's typed error, and the raw status, `x-amzn-errortype`
//! header and message checked where the SDK cannot send the request.

use crate::platform;

use acc_runtime_local::{PlatformConfig, StateLocation};
use aws_sdk_bedrockagentcorecontrol::error::ProvideErrorMetadata;
use aws_sdk_bedrockagentcorecontrol::types::{
    AuthorizerType, McpLambdaTargetConfiguration, McpTargetConfiguration, TargetConfiguration,
    ToolSchema, ValidationExceptionReason,
};
use platform::*;
use serde_json::Value;

#[tokio::test]
async fn validation_exceptions_name_the_offending_members() {
    let platform = start_ephemeral(false).await;
    let client = client(&platform.endpoint_url());

    let err = client
        .create_gateway()
        .name("bad name!")
        .role_arn(ROLE_ARN)
        .authorizer_type(AuthorizerType::None)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    let aws_sdk_bedrockagentcorecontrol::operation::create_gateway::CreateGatewayError::ValidationException(v) = &err else {
        unreachable!()
    };
    assert_eq!(
        v.reason(),
        &ValidationExceptionReason::FieldValidationFailed
    );
    assert_eq!(v.field_list().len(), 1);
    assert_eq!(v.field_list()[0].name(), "name");
    assert!(v.message().contains("'bad name!'"), "{}", v.message());

    // Several violations are reported together.
    let err = client
        .create_gateway()
        .name("ok-name")
        .authorizer_type(AuthorizerType::from("MAYBE"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    let message = err.message().unwrap();
    assert!(
        message.starts_with("2 validation errors detected"),
        "{message}"
    );
    assert!(
        message.contains("'roleArn'") && message.contains("'authorizerType'"),
        "{message}"
    );

    // CUSTOM_JWT needs a discovery URL.
    let err = client
        .create_gateway()
        .name("jwt-gw")
        .role_arn(ROLE_ARN)
        .authorizer_type(AuthorizerType::CustomJwt)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception());
    assert!(err.message().unwrap().contains("authorizerConfiguration"));

    // Target configuration members are checked too.
    let gateway_id = create_gateway(&client, "valid-gw")
        .await
        .gateway_id()
        .to_owned();
    let bad_lambda = TargetConfiguration::Mcp(McpTargetConfiguration::Lambda(
        McpLambdaTargetConfiguration::builder()
            .lambda_arn("not-an-arn")
            .tool_schema(ToolSchema::InlinePayload(vec![tool("a"), tool("a")]))
            .build()
            .unwrap(),
    ));
    let err = client
        .create_gateway_target()
        .gateway_identifier(&gateway_id)
        .name("bad-target")
        .target_configuration(bad_lambda)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    let message = err.message().unwrap();
    assert!(
        message.contains("targetConfiguration.mcp.lambda.lambdaArn"),
        "{message}"
    );
    assert!(message.contains("unique"), "{message}");

    // Pagination input.
    let err = client
        .list_gateways()
        .next_token("garbage")
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_validation_exception());
    let err = client
        .list_gateways()
        .max_results(0)
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_validation_exception());
    let err = client
        .list_gateways()
        .max_results(1001)
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_validation_exception());

    // A gateway name where an id belongs.
    let err = client
        .get_gateway()
        .gateway_identifier("valid-gw")
        .send()
        .await
        .unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    assert!(err.message().unwrap().contains("gatewayIdentifier"));
    platform.shutdown().await;
}

#[tokio::test]
async fn deleting_a_gateway_with_targets_is_refused() {
    let platform = start_ephemeral(false).await;
    let client = client(&platform.endpoint_url());
    let gateway_id = create_gateway(&client, "busy-gw")
        .await
        .gateway_id()
        .to_owned();
    client
        .create_gateway_target()
        .gateway_identifier(&gateway_id)
        .name("t1")
        .target_configuration(lambda_target(&["x"]))
        .send()
        .await
        .unwrap();
    let err = client
        .delete_gateway()
        .gateway_identifier(&gateway_id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    assert!(
        err.message().unwrap().contains("Delete its targets"),
        "{:?}",
        err.message()
    );
    // Still there.
    get_gateway(&client, &gateway_id).await;
    platform.shutdown().await;
}

#[tokio::test]
async fn conflicts_on_duplicate_names() {
    let platform = start_ephemeral(false).await;
    let client = client(&platform.endpoint_url());
    let first = create_gateway(&client, "dup").await.gateway_id().to_owned();
    let err = client
        .create_gateway()
        .name("dup")
        .role_arn(ROLE_ARN)
        .authorizer_type(AuthorizerType::None)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_conflict_exception(), "{err:?}");
    assert!(err.message().unwrap().contains(&first));

    // Renaming onto an existing name conflicts too.
    let second = create_gateway(&client, "other")
        .await
        .gateway_id()
        .to_owned();
    let err = client
        .update_gateway()
        .gateway_identifier(&second)
        .name("dup")
        .role_arn(ROLE_ARN)
        .authorizer_type(AuthorizerType::None)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_conflict_exception(), "{err:?}");

    let create_target = || {
        client
            .create_gateway_target()
            .gateway_identifier(&first)
            .name("crm")
            .target_configuration(lambda_target(&["x"]))
            .send()
    };
    create_target().await.unwrap();
    let err = create_target().await.unwrap_err().into_service_error();
    assert!(err.is_conflict_exception(), "{err:?}");
    // The same target name in another gateway is fine.
    client
        .create_gateway_target()
        .gateway_identifier(&second)
        .name("crm")
        .target_configuration(lambda_target(&["x"]))
        .send()
        .await
        .unwrap();
    platform.shutdown().await;
}

#[tokio::test]
async fn unknown_resources_are_not_found() {
    let platform = start_ephemeral(false).await;
    let client = client(&platform.endpoint_url());
    let missing = "missing-abcde12345";
    let err = client
        .get_gateway()
        .gateway_identifier(missing)
        .send()
        .await
        .unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert!(err.message().unwrap().contains(missing));
    assert!(
        client
            .delete_gateway()
            .gateway_identifier(missing)
            .send()
            .await
            .unwrap_err()
            .into_service_error()
            .is_resource_not_found_exception()
    );
    assert!(
        client
            .list_gateway_targets()
            .gateway_identifier(missing)
            .send()
            .await
            .unwrap_err()
            .into_service_error()
            .is_resource_not_found_exception()
    );
    let gateway_id = create_gateway(&client, "present")
        .await
        .gateway_id()
        .to_owned();
    let err = client
        .get_gateway_target()
        .gateway_identifier(&gateway_id)
        .target_id("ABCDE12345")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert!(err.message().unwrap().contains("ABCDE12345"));
    let err = client
        .synchronize_gateway_targets()
        .gateway_identifier(&gateway_id)
        .target_id_list("ABCDE12345")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    platform.shutdown().await;
}

#[tokio::test]
async fn read_only_platform_denies_writes() {
    let platform = acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Ephemeral,
        seed_demo: true,
        read_only: true,
        ..PlatformConfig::default()
    })
    .await
    .unwrap();
    let client = client(&platform.endpoint_url());
    let listed = client.list_gateways().send().await.unwrap();
    assert_eq!(
        listed.items().len(),
        2,
        "the demo is seeded even when read-only"
    );
    let err = client
        .create_gateway()
        .name("nope")
        .role_arn(ROLE_ARN)
        .authorizer_type(AuthorizerType::None)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_access_denied_exception(), "{err:?}");
    assert!(err.message().unwrap().contains("read-only"));
    let err = client
        .delete_gateway()
        .gateway_identifier(listed.items()[0].gateway_id())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_access_denied_exception(), "{err:?}");
    platform.shutdown().await;
}

#[tokio::test]
async fn a_corrupt_record_is_an_internal_server_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let platform = start_in(dir.path(), false).await.unwrap();
    let client = client_without_retries(&platform.endpoint_url());
    let gateway_id = create_gateway(&client, "fragile")
        .await
        .gateway_id()
        .to_owned();
    create_gateway(&client, "sturdy").await;

    // Damage the stored document behind the server's back.
    let damage = "UPDATE gateways SET document = '{not json' WHERE gateway_id = ?1";
    damage_store(dir.path(), damage, &gateway_id);

    let err = client
        .get_gateway()
        .gateway_identifier(&gateway_id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_internal_server_exception(), "{err:?}");
    assert!(
        err.message().unwrap().contains("corrupt"),
        "{:?}",
        err.message()
    );
    // The server keeps serving.
    assert_eq!(
        client.list_gateways().send().await.unwrap().items().len(),
        2
    );
    platform.shutdown().await;
}

async fn raw(
    method: reqwest::Method,
    url: String,
    body: Option<&'static str>,
) -> (u16, Option<String>, Value) {
    let mut request = http()
        .request(method, url)
        .header("content-type", "application/json");
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, error_type, body)
}

#[tokio::test]
async fn raw_requests_get_aws_shaped_errors() {
    let platform = start_ephemeral(false).await;
    let base = platform.endpoint_url();
    use reqwest::Method;

    let (status, kind, body) = raw(
        Method::POST,
        format!("{base}/gateways"),
        Some("{\"name\": \"x\","),
    )
    .await;
    assert_eq!(
        (status, kind.as_deref()),
        (400, Some("ValidationException"))
    );
    assert!(
        body["message"].as_str().unwrap().contains("not valid JSON"),
        "{body}"
    );
    assert_eq!(body["reason"], "CannotParse");

    let (status, kind, body) = raw(Method::POST, format!("{base}/gateways"), Some("[1, 2]")).await;
    assert_eq!(
        (status, kind.as_deref()),
        (400, Some("ValidationException"))
    );
    assert!(
        body["message"].as_str().unwrap().contains("JSON object"),
        "{body}"
    );

    let (status, kind, body) = raw(Method::POST, format!("{base}/gateways/"), Some("{}")).await;
    assert_eq!(
        (status, kind.as_deref()),
        (400, Some("ValidationException"))
    );
    let fields: Vec<&str> = body["fieldList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "roleArn", "authorizerType"]);

    let (status, kind, body) = raw(
        Method::GET,
        format!("{base}/gateways/ghost-abcde12345"),
        None,
    )
    .await;
    assert_eq!(
        (status, kind.as_deref()),
        (404, Some("ResourceNotFoundException"))
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("ghost-abcde12345")
    );

    let (status, kind, _) = raw(
        Method::GET,
        format!("{base}/gateways/ghost-abcde12345/targets/ABCDE12345/"),
        None,
    )
    .await;
    assert_eq!(
        (status, kind.as_deref()),
        (404, Some("ResourceNotFoundException"))
    );

    let (status, kind, body) = raw(
        Method::GET,
        format!("{base}/gateways?maxResults=many"),
        None,
    )
    .await;
    assert_eq!(
        (status, kind.as_deref()),
        (400, Some("ValidationException"))
    );
    assert!(body["message"].as_str().unwrap().contains("maxResults"));

    // botocore's trailing-slash paths reach the same operations.
    let (status, kind, body) = raw(Method::GET, format!("{base}/gateways/"), None).await;
    assert_eq!((status, kind), (200, None));
    assert_eq!(body["items"], serde_json::json!([]));

    for (method, path) in [
        (Method::GET, "/agents"),
        (Method::PATCH, "/gateways"),
        (Method::POST, "/browsers"),
    ] {
        let (status, kind, body) = raw(method.clone(), format!("{base}{path}"), Some("{}")).await;
        assert_eq!(
            (status, kind.as_deref()),
            (404, Some("UnknownOperationException")),
            "{method} {path}"
        );
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("{method} {path}"))
                && message.contains("not an operation implemented"),
            "{message}"
        );
    }
    platform.shutdown().await;
}

#[tokio::test]
async fn unimplemented_sdk_operations_fail_loudly() {
    let platform = start_ephemeral(false).await;
    let client = client_without_retries(&platform.endpoint_url());
    let err = client
        .list_browsers()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.code(), Some("UnknownOperationException"), "{err:?}");
    assert!(
        err.message()
            .unwrap()
            .contains("not an operation implemented"),
        "{err:?}"
    );
    platform.shutdown().await;
}
