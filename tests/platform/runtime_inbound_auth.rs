//! Inbound auth of agent runtimes, as AgentCore does it: IAM (SigV4) by
//! default, or a customJWTAuthorizer whose callers send a bearer JWT over
//! HTTPS (the AWS SDK cannot call those). Tokens come from the platform's
//! demo identity provider, a real OIDC issuer; the runtime is the built-in
//! demo agent in a bubblewrap session. Needs bubblewrap (tests/run installs it).

use crate::platform;

use aws_sdk_bedrockagentcore::primitives::Blob;
use aws_sdk_bedrockagentcorecontrol::types::{
    AuthorizerConfiguration, CustomJwtAuthorizerConfiguration, NetworkMode,
    RequestHeaderConfiguration,
};
use serde_json::Value;

const SESSION: &str = "jwt-session-0123456789-0123456789-01";

/// CreateAgentRuntime of the demo agent with `authorizer` and `allowlist`.
async fn create(
    endpoint: &str,
    name: &str,
    authorizer: Option<AuthorizerConfiguration>,
    allowlist: &[&str],
) -> Result<String, String> {
    platform::runtime_request(
        endpoint,
        name,
        &platform::demo_agent_uri(),
        NetworkMode::Public,
    )
    .set_authorizer_configuration(authorizer)
    .set_request_header_configuration((!allowlist.is_empty()).then(|| {
        RequestHeaderConfiguration::RequestHeaderAllowlist(
            allowlist.iter().map(|h| h.to_string()).collect(),
        )
    }))
    .send()
    .await
    .map(|out| out.agent_runtime_arn().to_owned())
    .map_err(|e| {
        let e = e.into_service_error();
        format!("{e:?}")
    })
}

fn jwt_authorizer(endpoint: &str) -> AuthorizerConfiguration {
    AuthorizerConfiguration::CustomJwtAuthorizer(
        CustomJwtAuthorizerConfiguration::builder()
            .discovery_url(format!(
                "{endpoint}/demo/idp/.well-known/openid-configuration"
            ))
            .allowed_clients("support-triage")
            .allowed_clients("sales-copilot")
            .build()
            .unwrap(),
    )
}

/// POST /runtimes/{arn}/invocations over plain HTTP, as a web front end would.
async fn raw_invoke(
    endpoint: &str,
    arn: &str,
    authorization: Option<&str>,
) -> (u16, Option<String>, String) {
    let mut request = platform::raw_invocation(endpoint, arn, Some(SESSION))
        .header("X-Tenant", "northwind")
        .header("X-Not-Allowlisted", "dropped")
        .header("Content-Type", "application/json")
        .body(r#"{"prompt":"who am I","delay_ms":1}"#);
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("x-amzn-errortype")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, kind, response.text().await.unwrap())
}

fn first_frame(body: &str) -> Value {
    platform::frames(body)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no SSE frame in {body}"))
}

#[tokio::test]
async fn the_allowlist_is_validated_when_the_runtime_is_made() {
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    // Authorization may only reach agents behind a JWT authorizer.
    let err = create(&endpoint, "iam_with_auth", None, &["Authorization"])
        .await
        .unwrap_err();
    assert!(err.contains("customJWTAuthorizer"), "{err}");
    // Restricted and reserved names are refused, each by name.
    for (name, why) in [
        ("Host", "restricted"),
        ("X-Amz-Date", "x-amz-"),
        ("X-Amzn-Trace-Id", "x-amzn-"),
        ("Bad Header", "not a valid header name"),
    ] {
        let err = create(&endpoint, "bad_headers", None, &[name])
            .await
            .unwrap_err();
        assert!(err.contains(name) && err.contains(why), "{name}: {err}");
    }
    let too_many: Vec<String> = (0..21).map(|i| format!("X-H{i}")).collect();
    let names: Vec<&str> = too_many.iter().map(String::as_str).collect();
    let err = create(&endpoint, "many_headers", None, &names)
        .await
        .unwrap_err();
    assert!(err.contains("less than or equal to 20"), "{err}");
    // A discovery URL is required, and must be one.
    let err = create(
        &endpoint,
        "bad_issuer",
        Some(AuthorizerConfiguration::CustomJwtAuthorizer(
            CustomJwtAuthorizerConfiguration::builder()
                .discovery_url("https://issuer.example.com/not-discovery")
                .build()
                .unwrap(),
        )),
        &[],
    )
    .await
    .unwrap_err();
    assert!(err.contains("openid-configuration"), "{err}");
    platform.shutdown().await;
}

#[tokio::test]
async fn a_jwt_runtime_takes_bearer_tokens_only_and_forwards_what_it_allowlists() {
    platform::require_bwrap();
    let state = tempfile::tempdir().unwrap();
    let platform = platform::start_in(state.path(), false).await.unwrap();
    let endpoint = platform.endpoint_url();
    let arn = create(
        &endpoint,
        "jwt_agent",
        Some(jwt_authorizer(&endpoint)),
        &["Authorization", "X-Tenant"],
    )
    .await
    .unwrap();

    // The configuration round-trips through GetAgentRuntime.
    let id = arn.rsplit('/').next().unwrap();
    let got = platform::client(&endpoint)
        .get_agent_runtime()
        .agent_runtime_id(id)
        .send()
        .await
        .unwrap();
    assert!(matches!(
        got.authorizer_configuration(),
        Some(AuthorizerConfiguration::CustomJwtAuthorizer(_))
    ));
    assert_eq!(
        got.request_header_configuration(),
        Some(&RequestHeaderConfiguration::RequestHeaderAllowlist(vec![
            "Authorization".into(),
            "X-Tenant".into()
        ]))
    );

    // The AWS SDK (SigV4) is refused before any session starts.
    let err = platform::data_client(&endpoint)
        .invoke_agent_runtime()
        .agent_runtime_arn(&arn)
        .runtime_session_id(SESSION)
        .payload(Blob::new(r#"{"prompt":"hi"}"#))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_access_denied_exception(), "{err:?}");
    assert!(
        format!("{err:?}").contains("Authorization method mismatch"),
        "{err:?}"
    );

    // No token, a forged token, a client the authorizer does not allow.
    let (status, kind, body) = raw_invoke(&endpoint, &arn, None).await;
    assert_eq!(
        (status, kind.as_deref()),
        (401, Some("AccessDeniedException"))
    );
    assert!(body.contains("bearer token"), "{body}");
    let (status, _, _) = raw_invoke(&endpoint, &arn, Some("Bearer not.a.jwt")).await;
    assert_eq!(status, 401);
    let ops = platform::demo_token(&endpoint, "ops-assistant").await;
    let (status, _, body) = raw_invoke(&endpoint, &arn, Some(&format!("Bearer {ops}"))).await;
    assert!(matches!(status, 401 | 403), "{status} {body}");
    assert!(body.contains("client"), "{body}");
    assert_eq!(
        platform::sessions(&endpoint).await.len(),
        0,
        "refused calls start no session"
    );

    // A token of an allowed client streams; the agent sees the token (it is
    // allowlisted) and the allowlisted header, not the others.
    let token = platform::demo_token(&endpoint, "support-triage").await;
    let (status, _, body) = raw_invoke(&endpoint, &arn, Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, 200, "{body}");
    let start = first_frame(&body);
    assert_eq!(start["authorization"], true, "{start}");
    assert_eq!(start["caller"]["client_id"], "support-triage", "{start}");
    assert_eq!(start["caller"]["department"], "support", "{start}");
    assert_eq!(start["custom"]["x-tenant"], "northwind", "{start}");
    assert!(
        start["custom"].get("x-not-allowlisted").is_none(),
        "{start}"
    );

    // The console's backend picks the bearer path for this runtime by
    // itself (a demo-issuer token here), streams, and stops the session.
    let backend = platform::backend(&endpoint).await;
    let runtime = backend
        .find_agent_runtime("jwt_agent")
        .await
        .unwrap()
        .unwrap();
    assert!(runtime.is_jwt(), "{runtime:?}");
    assert_eq!(runtime.auth_label(), "JWT");
    let mut answer = backend
        .invoke_agent_runtime(
            &runtime,
            br#"{"prompt":"again"}"#.to_vec(),
            Some(SESSION),
            None,
            None,
        )
        .await
        .unwrap();
    assert_eq!(answer.auth, "bearer");
    assert_eq!(answer.session_id, SESSION);
    let mut body = Vec::new();
    while let Some(chunk) = answer.next_chunk().await {
        body.extend(chunk.unwrap());
    }
    let start = first_frame(&String::from_utf8(body).unwrap());
    assert_eq!(start["caller"]["client_id"], "sales-copilot", "{start}");
    // Each invocation is in the session's history: who, status, timing, size.
    let detail = platform::local_sessions(&endpoint, Some(SESSION)).await;
    let history = detail["invocationHistory"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{detail}");
    let callers: Vec<&str> = history
        .iter()
        .map(|r| r["caller"].as_str().unwrap())
        .collect();
    assert_eq!(callers, ["support-triage", "sales-copilot"]);
    for record in history {
        assert_eq!(record["status"], 200, "{record}");
        assert_eq!(record["outcome"], "completed", "{record}");
        assert!(record["bytes"].as_u64().unwrap() > 100, "{record}");
        let first = record["firstByteMs"].as_f64().unwrap();
        assert!(first <= record["durationMs"].as_f64().unwrap(), "{record}");
        assert_eq!(record["requestId"].as_str().unwrap().len(), 36, "{record}");
    }
    backend
        .stop_runtime_session(&runtime, SESSION)
        .await
        .unwrap();
    let listed = platform::local_sessions(&endpoint, Some(SESSION)).await;
    assert_eq!(listed["state"], "STOPPED", "{listed}");

    // A bearer token on an IAM runtime is the other mismatch.
    let iam = create(&endpoint, "iam_agent", None, &[]).await.unwrap();
    let (status, kind, body) = raw_invoke(&endpoint, &iam, Some(&format!("Bearer {token}"))).await;
    assert_eq!(
        (status, kind.as_deref()),
        (403, Some("AccessDeniedException"))
    );
    assert!(body.contains("Authorization method mismatch"), "{body}");
    platform.shutdown().await;
}
