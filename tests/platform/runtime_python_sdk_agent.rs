//! A real agent written with the AgentCore Python SDK (`bedrock-agentcore`
//! from PyPI: `BedrockAgentCoreApp`, a streaming async-generator
//! entrypoint), hosted as a `native:` runtime in its session sandbox and
//! invoked through our SDK client; its OpenTelemetry span reaches the
//! platform's OTLP receiver. tests/run installs the SDK and the
//! OpenTelemetry exporter into `target/agentcore-venv`.

use crate::platform;

use std::path::Path;

use aws_sdk_bedrockagentcore::primitives::Blob;

#[tokio::test]
async fn an_agentcore_python_sdk_agent_streams_through_the_local_runtime() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/agentcore-venv/bin/python");
    assert!(
        python.exists(),
        "the AgentCore Python SDK venv is missing: run ./tests/run (it creates target/agentcore-venv with bedrock-agentcore)"
    );
    let agent = root.join("tests/python_agent/agent.py");
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let created = platform::create_runtime(
        &endpoint,
        "python_sdk_agent",
        &format!("native:{} {}", python.display(), agent.display()),
        None,
    )
    .await
    .unwrap();
    let session = "python-session-0123456789-0123456789-012";
    let answer = platform::data_client(&endpoint)
        .invoke_agent_runtime()
        .agent_runtime_arn(created.agent_runtime_arn())
        .runtime_session_id(session)
        .content_type("application/json")
        .payload(Blob::new(br#"{"prompt":"hello from rust"}"#.to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.content_type(), "text/event-stream; charset=utf-8");
    let body = answer.response.collect().await.unwrap().into_bytes();
    let frames = platform::frames(std::str::from_utf8(&body).unwrap());
    // The SDK's context carries our session header.
    assert_eq!(frames[0]["session"], session);
    let text: String = frames.iter().filter_map(|f| f["text"].as_str()).collect();
    assert_eq!(text.trim_end(), "the python agent heard: hello from rust");

    // The agent's span reached the platform's OTLP receiver through the
    // injected OTEL_EXPORTER_OTLP_ENDPOINT, tagged with the session.
    let spans = platform::wait_for_spans(&endpoint, session, 1).await;
    let span = &spans[0];
    assert_eq!(span["name"], "python_agent.invoke", "{span}");
    assert_eq!(span["service"], "python_sdk_agent", "{span}");
    assert_eq!(span["attributes"]["prompt.words"], 3, "{span}");
    assert_eq!(span["traceId"].as_str().unwrap().len(), 32, "{span}");
    assert!(
        span["endUnixNano"].as_i64().unwrap() > span["startUnixNano"].as_i64().unwrap(),
        "{span}"
    );
}
