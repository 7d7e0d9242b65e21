//! A session's agent reaches both of the platform's OTLP endpoints through
//! the standard `OTEL_EXPORTER_OTLP_*` variables, from inside its sandbox:
//! OTLP/HTTP by default, OTLP/gRPC (through the session's own relay to the
//! gRPC port) when the runtime's environment chooses `grpc`, as the
//! OpenTelemetry SDKs' configuration specifies. The agent is a real
//! AgentCore Python SDK agent exporting with the OpenTelemetry Python SDK's
//! own exporters, configured by nothing but those variables.

use crate::platform;

use std::path::Path;

use aws_sdk_bedrockagentcore::primitives::Blob;
use aws_sdk_bedrockagentcorecontrol::types::NetworkMode;
use serde_json::Value;

/// Invoke runtime `arn` in `session`; the agent's JSON answer.
async fn invoke(endpoint: &str, arn: &str, session: &str) -> Value {
    let answer = platform::data_client(endpoint)
        .invoke_agent_runtime()
        .agent_runtime_arn(arn)
        .runtime_session_id(session)
        .content_type("application/json")
        .accept("application/json")
        .payload(Blob::new(b"{}".to_vec()))
        .send()
        .await
        .unwrap();
    let body = answer.response.collect().await.unwrap().into_bytes();
    serde_json::from_slice(&body).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&body));
    })
}

#[tokio::test]
async fn sessions_export_over_grpc_or_http_as_their_otlp_variables_choose() {
    platform::require_bwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/agentcore-venv/bin/python");
    assert!(
        python.exists(),
        "the AgentCore Python SDK venv is missing: run ./tests/run (it creates target/agentcore-venv)"
    );
    let agent = root.join("tests/otlp_exporters/session_agent.py");
    let platform = platform::start_with_otlp_grpc().await;
    let endpoint = platform.endpoint_url();
    let grpc = format!("http://{}", platform.otlp_grpc_addr().unwrap());
    let uri = format!("native:{} {}", python.display(), agent.display());

    let over_grpc = platform::runtime_request(&endpoint, "grpc_agent", &uri, NetworkMode::Public)
        .environment_variables("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        .send()
        .await
        .unwrap();
    let session = "grpc-session-0123456789-0123456789-01234";
    let answer = invoke(&endpoint, over_grpc.agent_runtime_arn(), session).await;
    assert_eq!(
        answer["env"]["OTEL_EXPORTER_OTLP_ENDPOINT"], grpc,
        "{answer}"
    );
    assert_eq!(answer["protocol"], "grpc", "{answer}");
    assert_eq!(answer["exported"][0], "SUCCESS", "{answer}");
    let spans = platform::wait_for_spans(&endpoint, session, 1).await;
    assert_eq!(spans[0]["name"], "session_agent.invoke");
    assert_eq!(spans[0]["attributes"]["otlp.protocol"], "grpc");

    // By default: OTLP/HTTP to the platform's own address.
    let over_http = platform::runtime_request(&endpoint, "http_agent", &uri, NetworkMode::Public)
        .send()
        .await
        .unwrap();
    let session = "http-session-0123456789-0123456789-012345";
    let answer = invoke(&endpoint, over_http.agent_runtime_arn(), session).await;
    assert_eq!(
        answer["env"]["OTEL_EXPORTER_OTLP_ENDPOINT"], endpoint,
        "{answer}"
    );
    assert_eq!(
        answer["env"]["OTEL_EXPORTER_OTLP_PROTOCOL"], "http/protobuf",
        "{answer}"
    );
    assert_eq!(answer["exported"][0], "SUCCESS", "{answer}");
    let spans = platform::wait_for_spans(&endpoint, session, 1).await;
    assert_eq!(spans[0]["attributes"]["otlp.protocol"], "http/protobuf");
    platform.shutdown().await;
}
