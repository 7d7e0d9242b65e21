//! Wire details an attacker leans on: members the model does not have are
//! kept and echoed (memory growth), oversize bodies get answers no client
//! can parse, a stream of forged `kid`s makes the platform hammer an
//! identity provider, and error texts that garble or promise what is refused.

use std::time::Duration;

use aws_sdk_bedrockagentcorecontrol::error::ProvideErrorMetadata;
use aws_sdk_bedrockagentcorecontrol::types::{
    ApiSchemaConfiguration, AuthorizerType, CustomJwtAuthorizerConfiguration,
    McpTargetConfiguration, S3Configuration, TargetConfiguration,
};
use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

use crate::issuer::{key, now, sign, start_issuer};
use crate::platform::{
    ROLE_ARN, client, client_without_retries, create_gateway, custom_jwt_gateway, http,
    logs_client, start_ephemeral, start_in, start_with_jwks_refetch,
};

/// More than the platform's 16 MiB request limit.
const OVERSIZE: usize = 17 * 1024 * 1024;

/// A status, the `x-amzn-errortype` header, the content type and the body.
struct RawReply {
    status: u16,
    error_type: Option<String>,
    content_type: String,
    body: String,
}

impl RawReply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", &self.body))
    }
}

async fn raw(request: reqwest::RequestBuilder) -> RawReply {
    let response = request.send().await.expect("the platform answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let error_type = header("x-amzn-errortype");
    let content_type = header("content-type").unwrap_or_default();
    RawReply {
        status: response.status().as_u16(),
        error_type,
        content_type,
        body: response.text().await.unwrap(),
    }
}

#[tokio::test]
async fn unknown_members_are_neither_kept_nor_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let platform = start_in(dir.path(), false).await.unwrap();
    let endpoint = platform.endpoint_url();
    let marker = "unmodelled-".repeat(100_000); // ~1 MB
    let body = json!({
        "name": "extra-members",
        "roleArn": ROLE_ARN,
        "authorizerType": "NONE",
        "protocolType": "MCP",
        "protocolConfiguration": { "mcp": { "searchType": "SEMANTIC", "nestedJunk": marker } },
        "junk": marker,
    });
    let created = raw(http()
        .post(format!("{endpoint}/gateways"))
        .header("content-type", "application/json")
        .body(body.to_string()))
    .await;
    assert_eq!(
        created.status,
        202,
        "{}",
        &created.body[..created.body.len().min(500)]
    );
    assert!(
        !created.body.contains("unmodelled-"),
        "CreateGateway echoed an unknown member"
    );
    let id = created.json()["gatewayId"].as_str().unwrap().to_owned();

    let got = raw(http().get(format!("{endpoint}/gateways/{id}"))).await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert!(
        !got.body.contains("unmodelled-"),
        "GetGateway echoed an unknown member"
    );
    // Modelled members, nested ones too, are kept.
    assert_eq!(
        got.json()["protocolConfiguration"]["mcp"]["searchType"],
        "SEMANTIC"
    );

    let db =
        rusqlite::Connection::open(dir.path().join(acc_runtime_local::DATABASE_FILE_NAME)).unwrap();
    let (rows, with_marker): (i64, i64) = db
        .query_row(
            "SELECT count(*), coalesce(sum(instr(document, 'unmodelled-') > 0), 0) \
             FROM gateways WHERE gateway_id = ?1",
            [&id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (rows, with_marker),
        (1, 0),
        "the stored gateway keeps an unknown member"
    );
    platform.shutdown().await;
}

/// A JSON POST over the size limit to `url`: refused with a 413 that is
/// JSON too (the caller checks its shape).
async fn oversize_json(url: &str) -> RawReply {
    let reply = raw(http()
        .post(url)
        .header("content-type", "application/json")
        .body("x".repeat(OVERSIZE)))
    .await;
    assert_eq!(reply.status, 413);
    assert!(
        reply.content_type.starts_with("application/json"),
        "{}",
        reply.content_type
    );
    reply
}

/// Checks an SDK call refused as too large: a 413, the modelled error
/// `is_expected` looks for, and a message naming the 16 MiB limit.
fn refused_as_oversize<E>(
    err: aws_sdk_bedrockagentcorecontrol::error::SdkError<
        E,
        aws_sdk_bedrockagentcorecontrol::config::http::HttpResponse,
    >,
    is_expected: impl Fn(&E) -> bool,
) where
    E: ProvideErrorMetadata + std::fmt::Debug,
{
    assert_eq!(
        err.raw_response().map(|r| r.status().as_u16()),
        Some(413),
        "{err:?}"
    );
    let err = err
        .as_service_error()
        .unwrap_or_else(|| panic!("not a modelled error: {err:?}"));
    assert!(is_expected(err), "{err:?}");
    assert!(
        err.message().unwrap().contains("16 MiB"),
        "{:?}",
        err.message()
    );
}

#[tokio::test]
async fn oversize_bodies_get_413_in_each_apis_own_shape() {
    let platform = start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let big = "x".repeat(OVERSIZE);

    // Control plane (restJson1): the SDK sees a ValidationException.
    let err = client_without_retries(&endpoint)
        .create_gateway()
        .name("too-big")
        .role_arn(ROLE_ARN)
        .authorizer_type(AuthorizerType::None)
        .description(big.clone())
        .send()
        .await
        .unwrap_err();
    refused_as_oversize(err, |e| e.is_validation_exception());

    // CloudWatch Logs (awsJson1.1): the SDK's modelled error, `__type` in the body.
    let err = logs_client(&endpoint)
        .filter_log_events()
        .log_group_name("/any")
        .filter_pattern(big.clone())
        .send()
        .await
        .unwrap_err();
    refused_as_oversize(err, |e| e.is_invalid_parameter_exception());
    let reply = raw(http()
        .post(format!("{endpoint}/"))
        .header("x-amz-target", "Logs_20140328.FilterLogEvents")
        .header("content-type", "application/x-amz-json-1.1")
        .body(big.clone()))
    .await;
    assert_eq!(reply.status, 413);
    assert_eq!(
        reply.error_type.as_deref(),
        Some("InvalidParameterException")
    );
    assert_eq!(
        reply.json()["__type"],
        "InvalidParameterException",
        "{}",
        reply.body
    );

    // A gateway's MCP endpoint: a JSON-RPC error the MCP client reads.
    let gateway = create_gateway(&client(&endpoint), "mcp-too-big").await;
    let url = gateway.gateway_url().unwrap();
    let mcp = acc_mcp::client::McpClient::new(reqwest::Client::new(), url, None);
    let exchange = mcp
        .request(
            "tools/call",
            json!({ "name": "x", "arguments": { "blob": big } }),
        )
        .await
        .expect("a JSON-RPC reply");
    let (code, message) = exchange.result().unwrap_err();
    assert_eq!(code, -32600, "{message}");
    assert!(message.contains("16 MiB"), "{message}");
    oversize_json(url).await;

    // OTLP/HTTP: a google.rpc.Status, JSON for a JSON request.
    let reply = oversize_json(&format!("{endpoint}/v1/traces")).await;
    let status = reply.json();
    assert!(status["code"].is_i64(), "{status}");
    assert!(
        status["message"].as_str().unwrap().contains("16 MiB"),
        "{status}"
    );
    // ... and protobuf for a protobuf request.
    let reply = raw(http()
        .post(format!("{endpoint}/v1/traces"))
        .header("content-type", "application/x-protobuf")
        .body(vec![0u8; OVERSIZE]))
    .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.content_type, "application/x-protobuf");
    assert!(reply.body.contains("16 MiB"), "{}", reply.body);
    platform.shutdown().await;
}

#[tokio::test]
async fn forged_kids_cannot_make_the_platform_hammer_the_issuer() {
    // Long enough that 50 concurrent pings fit in it on a loaded machine.
    const WINDOW: Duration = Duration::from_secs(2);
    let first = key(Algorithm::ES256, "first");
    let issuer = start_issuer(vec![first.jwk.clone()]).await;
    let platform = start_with_jwks_refetch(WINDOW).await;
    let trusting_the_issuer = CustomJwtAuthorizerConfiguration::builder()
        .discovery_url(issuer.discovery_url())
        .build()
        .unwrap();
    let url = custom_jwt_gateway(&platform.endpoint_url(), "kid-flood", trusting_the_issuer).await;
    let claims = json!({ "iss": issuer.url(), "sub": "u", "exp": now() + 300 });
    let ping = |token: String| {
        let url = url.clone();
        async move {
            acc_mcp::client::McpClient::new(reqwest::Client::new(), url, Some(token))
                .ping()
                .await
        }
    };
    ping(sign(&first, &claims))
        .await
        .expect("a known key verifies");
    assert_eq!(issuer.jwks_fetches(), 1);

    // 50 tokens with kids the issuer never published, all at once: refused, at most one refetch.
    let forged: Vec<_> = (0..50)
        .map(|i| sign(&key(Algorithm::ES256, &format!("forged-{i}")), &claims))
        .collect();
    let results = futures_util::future::join_all(forged.into_iter().map(ping)).await;
    for result in &results {
        assert!(
            matches!(
                result,
                Err(acc_mcp::client::McpError::Unauthorized { status: 401, .. })
            ),
            "{result:?}"
        );
    }
    assert!(
        issuer.jwks_fetches() <= 2,
        "{} JWKS fetches for 50 forged kids",
        issuer.jwks_fetches()
    );

    // A real rotation is picked up once the window (from the last fetch,
    // which happened before the pings ended) has passed.
    let rotated = key(Algorithm::ES256, "rotated");
    issuer.keys.lock().unwrap().push(rotated.jwk.clone());
    let before = issuer.jwks_fetches();
    tokio::time::sleep(WINDOW).await;
    ping(sign(&rotated, &claims))
        .await
        .expect("the rotated key verifies after the window");
    assert_eq!(issuer.jwks_fetches(), before + 1);
    platform.shutdown().await;
}

#[tokio::test]
async fn an_unknown_logs_target_is_named_in_one_clear_sentence() {
    let platform = start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    // Through the SDK: an operation of the service the platform does not serve.
    let err = logs_client(&endpoint)
        .put_log_events()
        .log_group_name("/g")
        .log_stream_name("s")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.code(), Some("UnknownOperationException"), "{err:?}");
    let message = err.message().unwrap();
    assert!(message.contains("Logs_20140328.PutLogEvents"), "{message}");
    assert!(message.contains("FilterLogEvents"), "{message}");
    assert_one_sentence(message);
    // Raw: a foreign target, and none at all.
    for target in [Some("DynamoDB_20120810.GetItem"), None] {
        let mut request = http()
            .post(format!("{endpoint}/"))
            .header("content-type", "application/x-amz-json-1.1")
            .body("{}");
        if let Some(target) = target {
            request = request.header("x-amz-target", target);
        }
        let reply = raw(request).await;
        assert_eq!(reply.status, 404, "{}", reply.body);
        let body = reply.json();
        assert_eq!(body["__type"], "UnknownOperationException", "{body}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains(target.unwrap_or("no X-Amz-Target")),
            "{message}"
        );
        assert!(message.contains("Logs_20140328."), "{message}");
        assert_one_sentence(message);
    }
    platform.shutdown().await;
}

fn assert_one_sentence(message: &str) {
    assert!(message.ends_with('.'), "{message}");
    let inner = &message[..message.len() - 1];
    assert!(
        !inner.contains(". ") && !inner.contains("; "),
        "not one sentence: {message}"
    );
}

#[tokio::test]
async fn openapi_schemas_come_inline_never_from_a_host_path() {
    let platform = start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let control = client(&endpoint);
    let gateway = create_gateway(&control, "openapi-from-file").await;
    let err = control
        .create_gateway_target()
        .gateway_identifier(gateway.gateway_id())
        .name("from-file")
        .target_configuration(TargetConfiguration::Mcp(
            McpTargetConfiguration::OpenApiSchema(ApiSchemaConfiguration::S3(
                S3Configuration::builder().uri("file:///etc/passwd").build(),
            )),
        ))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    let message = err.message().unwrap();
    assert!(message.contains("inlinePayload"), "{message}");
    // The README documents only what the platform accepts.
    let readme = include_str!("../../README.md");
    assert!(
        !readme.contains("file:///abs/path.json"),
        "the README still offers s3.uri = file://"
    );
    platform.shutdown().await;
}
