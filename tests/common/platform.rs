//! Shared by the local-platform integration tests: starting the platform
//! in-process and talking to it with the real AWS SDK client.
#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

use acc_runtime_local::{PlatformConfig, RunningPlatform, StateLocation};
use aws_sdk_bedrockagentcorecontrol::Client;
use aws_sdk_bedrockagentcorecontrol::config::retry::RetryConfig;
use aws_sdk_bedrockagentcorecontrol::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_bedrockagentcorecontrol::operation::create_gateway::CreateGatewayOutput;
use aws_sdk_bedrockagentcorecontrol::operation::get_gateway::GetGatewayOutput;
use aws_sdk_bedrockagentcorecontrol::types::{
    AuthorizerType, GatewayProtocolType, GatewayStatus, McpLambdaTargetConfiguration,
    McpTargetConfiguration, SchemaDefinition, SchemaType, TargetConfiguration, TargetStatus,
    ToolDefinition, ToolSchema,
};

/// The role every test gateway assumes (any well-formed ARN will do locally).
pub const ROLE_ARN: &str = "arn:aws:iam::000000000000:role/TestGatewayRole";
pub const LAMBDA_ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function:test-tools";
/// How long a resource may take to settle from CREATING/UPDATING to READY.
pub const READY_DEADLINE: Duration = Duration::from_secs(10);

/// An in-memory platform on a free loopback port.
pub async fn start_ephemeral(seed_demo: bool) -> RunningPlatform {
    acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Ephemeral,
        seed_demo,
        ..PlatformConfig::default()
    })
    .await
    .expect("the local platform starts")
}

/// A platform persisting into `dir`.
pub async fn start_in(dir: &Path, seed_demo: bool) -> anyhow::Result<RunningPlatform> {
    acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Dir(dir.to_path_buf()),
        seed_demo,
        ..PlatformConfig::default()
    })
    .await
}

/// A platform persisting into `dir` whose lifecycle floor is 1 s, so idle
/// timeouts can be rehearsed in a test's time.
pub async fn start_rehearsal(dir: &Path) -> RunningPlatform {
    acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Dir(dir.to_path_buf()),
        seed_demo: false,
        min_session_timeout_s: 1,
        ..PlatformConfig::default()
    })
    .await
    .expect("the platform starts")
}

/// Runs `sql` (its `?1` bound to `id`) on the state file of a platform
/// persisting into `dir`, behind the server's back, to damage what it
/// stored; fails unless exactly one row changed.
pub fn damage_store(dir: &Path, sql: &str, id: &str) {
    let db = rusqlite::Connection::open(dir.join("platform.sqlite3")).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(db.execute(sql, [id]).unwrap(), 1, "{sql}");
}

/// Any credentials sign requests the local platform accepts.
fn credentials() -> Credentials {
    Credentials::new("acclocal", "acclocalsecret", None, None, "acc")
}

fn config(endpoint: &str) -> aws_sdk_bedrockagentcorecontrol::config::Builder {
    aws_sdk_bedrockagentcorecontrol::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(credentials())
        .endpoint_url(endpoint)
}

/// The CloudWatch Logs SDK client pointed at the platform.
pub fn logs_client(endpoint: &str) -> aws_sdk_cloudwatchlogs::Client {
    aws_sdk_cloudwatchlogs::Client::from_conf(
        aws_sdk_cloudwatchlogs::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(credentials())
            .endpoint_url(endpoint)
            .build(),
    )
}

/// The SDK client pointed at the platform, as the console builds it.
pub fn client(endpoint: &str) -> Client {
    Client::from_conf(config(endpoint).build())
}

/// A client that gives up on the first failure (for 500s and dead servers).
pub fn client_without_retries(endpoint: &str) -> Client {
    Client::from_conf(
        config(endpoint)
            .retry_config(RetryConfig::disabled())
            .build(),
    )
}

/// Create a gateway with no inbound auth.
pub async fn create_gateway(client: &Client, name: &str) -> CreateGatewayOutput {
    client
        .create_gateway()
        .name(name)
        .role_arn(ROLE_ARN)
        .protocol_type(GatewayProtocolType::Mcp)
        .authorizer_type(AuthorizerType::None)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateGateway {name}: {e:?}"))
}

/// GetGateway, which must succeed.
pub async fn get_gateway(client: &Client, gateway_id: &str) -> GetGatewayOutput {
    client
        .get_gateway()
        .gateway_identifier(gateway_id)
        .send()
        .await
        .expect("GetGateway")
}

/// Poll GetGateway until READY, failing after [`READY_DEADLINE`].
pub async fn wait_for_gateway_ready(client: &Client, gateway_id: &str) {
    poll_until(gateway_id, &GatewayStatus::Ready, || async {
        get_gateway(client, gateway_id).await.status().clone()
    })
    .await;
}

/// Poll GetGatewayTarget until READY, failing after [`READY_DEADLINE`].
pub async fn wait_for_target_ready(client: &Client, gateway_id: &str, target_id: &str) {
    poll_until(target_id, &TargetStatus::Ready, || async {
        client
            .get_gateway_target()
            .gateway_identifier(gateway_id)
            .target_id(target_id)
            .send()
            .await
            .expect("GetGatewayTarget")
            .status()
            .clone()
    })
    .await;
}

/// Polls `status` until it equals `wanted`, failing after [`READY_DEADLINE`].
/// Poll `status` until it reports `wanted`, failing after [`READY_DEADLINE`].
pub async fn poll_until<S, F, Fut>(what: &str, wanted: &S, status: F)
where
    S: PartialEq + std::fmt::Debug,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = S>,
{
    let deadline = Instant::now() + READY_DEADLINE;
    loop {
        let now = status().await;
        if &now == wanted {
            return;
        }
        assert!(Instant::now() < deadline, "{what} still {now:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn property(kind: SchemaType, description: &str) -> SchemaDefinition {
    SchemaDefinition::builder()
        .r#type(kind)
        .description(description)
        .build()
        .expect("schema")
}

/// A tool whose input has a required string, an integer, and a nested
/// object holding an array of strings.
pub fn tool(name: &str) -> ToolDefinition {
    let filters = SchemaDefinition::builder()
        .r#type(SchemaType::Object)
        .properties(
            "tags",
            SchemaDefinition::builder()
                .r#type(SchemaType::Array)
                .items(property(SchemaType::String, "a tag"))
                .build()
                .expect("schema"),
        )
        .properties(
            "archived",
            property(SchemaType::Boolean, "include archived"),
        )
        .build()
        .expect("schema");
    ToolDefinition::builder()
        .name(name)
        .description(format!("The {name} tool"))
        .input_schema(
            SchemaDefinition::builder()
                .r#type(SchemaType::Object)
                .properties("id", property(SchemaType::String, "record id"))
                .properties("limit", property(SchemaType::Integer, "page size"))
                .properties("filters", filters)
                .required("id")
                .build()
                .expect("schema"),
        )
        .build()
        .expect("tool")
}

/// A Lambda target configuration with these tools inline.
pub fn lambda_target(tool_names: &[&str]) -> TargetConfiguration {
    TargetConfiguration::Mcp(McpTargetConfiguration::Lambda(
        McpLambdaTargetConfiguration::builder()
            .lambda_arn(LAMBDA_ARN)
            .tool_schema(ToolSchema::InlinePayload(
                tool_names.iter().map(|n| tool(n)).collect(),
            ))
            .build()
            .expect("lambda target"),
    ))
}

/// A memory named `name` whose events expire after `expiry_days`, with one
/// semantic strategy named "facts": the memory's id and the strategy's.
pub async fn semantic_memory(endpoint: &str, name: &str, expiry_days: i32) -> (String, String) {
    use aws_sdk_bedrockagentcorecontrol::types::{
        MemoryStrategyInput, SemanticMemoryStrategyInput,
    };
    let created = client(endpoint)
        .create_memory()
        .name(name)
        .event_expiry_duration(expiry_days)
        .memory_strategies(MemoryStrategyInput::SemanticMemoryStrategy(
            SemanticMemoryStrategyInput::builder()
                .name("facts")
                .build()
                .unwrap(),
        ))
        .send()
        .await
        .expect("CreateMemory");
    let memory = created.memory().unwrap();
    (
        memory.id().to_owned(),
        memory.strategies()[0].strategy_id().to_owned(),
    )
}

/// The console's backend connected to the platform at `endpoint`.
pub async fn backend(endpoint: &str) -> acc_backend::Backend {
    acc_backend::Backend::connect(acc_backend::ConnectTarget::Endpoint {
        url: endpoint.to_owned(),
        region: None,
    })
    .await
}

/// A raw HTTP client for what the SDK cannot send (malformed bodies, unknown routes).
pub fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// A raw POST to InvokeAgentRuntime's route for `arn` (for what the SDK
/// cannot send: custom headers, bearer tokens, oversized bodies), with the
/// session header when `session` is given; the caller adds the rest.
pub fn raw_invocation(endpoint: &str, arn: &str, session: Option<&str>) -> reqwest::RequestBuilder {
    let request = http().post(format!(
        "{endpoint}/runtimes/{}/invocations",
        arn.replace(':', "%3A").replace('/', "%2F")
    ));
    match session {
        Some(id) => request.header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", id),
        None => request,
    }
}

/// The AgentCore data-plane SDK client (InvokeAgentRuntime,
/// StopRuntimeSession) pointed at the platform.
pub fn data_client(endpoint: &str) -> aws_sdk_bedrockagentcore::Client {
    aws_sdk_bedrockagentcore::Client::from_conf(
        aws_sdk_bedrockagentcore::Config::builder()
            .behavior_version(aws_sdk_bedrockagentcore::config::BehaviorVersion::latest())
            .region(aws_sdk_bedrockagentcore::config::Region::new("us-east-1"))
            .credentials_provider(credentials())
            .endpoint_url(endpoint)
            .build(),
    )
}

/// A CreateAgentRuntime request for `uri` in `mode` with a test role, for
/// the caller to add to (authorizer, headers, lifecycle) and send.
pub fn runtime_request(
    endpoint: &str,
    name: &str,
    uri: &str,
    mode: aws_sdk_bedrockagentcorecontrol::types::NetworkMode,
) -> aws_sdk_bedrockagentcorecontrol::operation::create_agent_runtime::builders::CreateAgentRuntimeFluentBuilder
{
    use aws_sdk_bedrockagentcorecontrol::types::{
        AgentRuntimeArtifact, ContainerConfiguration, NetworkConfiguration,
    };
    client(endpoint)
        .create_agent_runtime()
        .agent_runtime_name(name)
        .agent_runtime_artifact(AgentRuntimeArtifact::ContainerConfiguration(
            ContainerConfiguration::builder()
                .container_uri(uri)
                .build()
                .unwrap(),
        ))
        .role_arn("arn:aws:iam::000000000000:role/agent-runtime")
        .network_configuration(
            NetworkConfiguration::builder()
                .network_mode(mode)
                .build()
                .unwrap(),
        )
}

/// The built-in demo agent (`acc demo-agent`) as a `native:` artifact URI.
pub fn demo_agent_uri() -> String {
    format!("native:{} demo-agent", env!("CARGO_BIN_EXE_acc"))
}

/// CreateAgentRuntime of `uri` (PUBLIC network, a test role), with an
/// optional lifecycle.
pub async fn create_runtime(
    endpoint: &str,
    name: &str,
    uri: &str,
    lifecycle: Option<aws_sdk_bedrockagentcorecontrol::types::LifecycleConfiguration>,
) -> Result<
    aws_sdk_bedrockagentcorecontrol::operation::create_agent_runtime::CreateAgentRuntimeOutput,
    aws_sdk_bedrockagentcorecontrol::operation::create_agent_runtime::CreateAgentRuntimeError,
> {
    runtime_request(
        endpoint,
        name,
        uri,
        aws_sdk_bedrockagentcorecontrol::types::NetworkMode::Public,
    )
    .set_lifecycle_configuration(lifecycle)
    .send()
    .await
    .map_err(|e| e.into_service_error())
}

/// The demo hub gateway's MCP endpoint (`enterprise-hub`, seeded with the
/// demo workspace) and its id.
pub async fn demo_hub(endpoint: &str) -> (String, String) {
    let gateways = client(endpoint).list_gateways().send().await.unwrap();
    let hub = gateways
        .items()
        .iter()
        .find(|g| g.name() == "enterprise-hub")
        .expect("the demo workspace's enterprise-hub gateway")
        .gateway_id()
        .to_owned();
    (format!("{endpoint}/gateways/{hub}/mcp"), hub)
}

/// An in-memory platform without the demo, its OTLP/gRPC port on loopback
/// (a free port: `otlp_grpc_addr` names it).
pub async fn start_with_otlp_grpc() -> RunningPlatform {
    acc_runtime_local::start(PlatformConfig {
        seed_demo: false,
        otlp_grpc: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
        ..PlatformConfig::default()
    })
    .await
    .expect("the platform starts")
}

/// A token of the demo identity provider's `client` (secret `acc-demo`).
pub async fn demo_token(endpoint: &str, client: &str) -> String {
    let granted: serde_json::Value = reqwest::Client::new()
        .post(format!("{endpoint}/demo/idp/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client),
            ("client_secret", "acc-demo"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    granted["access_token"].as_str().unwrap().to_owned()
}

/// The local platform's session listing (or one session, by id).
pub async fn local_sessions(endpoint: &str, id: Option<&str>) -> serde_json::Value {
    let url = match id {
        Some(id) => format!("{endpoint}/local/runtime-sessions/{id}"),
        None => format!("{endpoint}/local/runtime-sessions"),
    };
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

/// The spans the platform's OTLP receiver kept (or one session's).
pub async fn local_spans(endpoint: &str, session: Option<&str>) -> serde_json::Value {
    let url = match session {
        Some(id) => format!("{endpoint}/local/spans?session={id}"),
        None => format!("{endpoint}/local/spans"),
    };
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

/// Session tests need bubblewrap; without it they fail, saying how to get it.
pub fn require_bwrap() {
    let ok = std::process::Command::new("bwrap")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "bubblewrap is required for session tests: run ./tests/run (it installs it) or `apt-get install bubblewrap`"
    );
}

/// The local session listing.
pub async fn sessions(endpoint: &str) -> Vec<serde_json::Value> {
    local_sessions(endpoint, None).await["sessions"]
        .as_array()
        .unwrap()
        .clone()
}

pub async fn session_state(endpoint: &str, id: &str) -> String {
    sessions(endpoint)
        .await
        .iter()
        .find(|s| s["runtimeSessionId"] == id)
        .map(|s| s["state"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Poll until the session reaches `state` (or fail after `within`).
pub async fn wait_for_state(endpoint: &str, id: &str, state: &str, within: Duration) {
    let start = Instant::now();
    loop {
        let now = session_state(endpoint, id).await;
        if now == state {
            return;
        }
        assert!(
            start.elapsed() < within,
            "session {id} is {now}, not {state}, after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The lifecycle events recorded for session `id`.
pub async fn session_events(endpoint: &str, id: &str) -> Vec<String> {
    sessions(endpoint)
        .await
        .iter()
        .find(|s| s["runtimeSessionId"] == id)
        .unwrap_or_else(|| panic!("session {id} is not listed"))["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect()
}

/// A file holding "host secret" in the host's home (`$HOME`, else
/// `/root`), for isolation tests to try to read from inside a session;
/// removed when dropped, even if the test panics. It is world-readable, as
/// a plain file there would be, so only the sandbox keeps a session out.
pub fn host_secret(tag: &str) -> tempfile::NamedTempFile {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let mut secret = tempfile::Builder::new()
        .prefix(tag)
        .permissions(std::fs::Permissions::from_mode(0o644))
        .tempfile_in(home)
        .expect("a file in the host's home");
    secret.write_all(b"host secret").unwrap();
    secret.flush().unwrap();
    secret
}

/// The SSE `data:` frames of a body, as JSON.
pub fn frames(body: &str) -> Vec<serde_json::Value> {
    body.split("\n\n")
        .filter_map(|f| f.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap_or_else(|e| panic!("frame {d}: {e}")))
        .collect()
}

/// Wait until session `id` stops, then check it stopped for `reason` (as
/// its lifecycle event says) no sooner than `at_least` after `since`.
pub async fn wait_for_stop(
    endpoint: &str,
    id: &str,
    reason: &str,
    since: Instant,
    at_least: Duration,
) {
    wait_for_state(endpoint, id, "STOPPED", Duration::from_secs(15)).await;
    assert!(
        since.elapsed() >= at_least,
        "{id} stopped after {:?}, sooner than {at_least:?}",
        since.elapsed()
    );
    let events = session_events(endpoint, id).await;
    let wanted = format!("stopped ({reason})");
    assert!(events.contains(&wanted), "{events:?}");
}

/// Poll the OTLP receiver until session `id` has at least `count` spans.
pub async fn wait_for_spans(endpoint: &str, id: &str, count: usize) -> Vec<serde_json::Value> {
    let started = Instant::now();
    loop {
        let spans = local_spans(endpoint, Some(id)).await["spans"]
            .as_array()
            .unwrap()
            .clone();
        if spans.len() >= count {
            return spans;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "session {id} has {} spans, not {count}, after 15 s (no span reached the OTLP receiver?)",
            spans.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What `acc serve` prints first on stdout, before its URL.
pub const SERVE_ANNOUNCES: &str = "acc: local platform listening on ";

/// `acc serve --listen <listen>` followed by `args`, its stdout piped so
/// [`announced_url`] can read where it listens; the caller adds the rest.
pub fn acc_serve(listen: &str, args: &[&str]) -> std::process::Command {
    let mut serve = std::process::Command::new(env!("CARGO_BIN_EXE_acc"));
    serve
        .args(["serve", "--listen", listen])
        .args(args)
        .stdout(std::process::Stdio::piped());
    serve
}

/// The URL a spawned `acc serve` announces on its first line of stdout;
/// kills it and fails, quoting the line, when that line is something else.
pub fn announced_url(serve: &mut std::process::Child) -> String {
    use std::io::{BufRead, BufReader};
    let mut line = String::new();
    BufReader::new(serve.stdout.take().expect("acc serve's stdout is piped"))
        .read_line(&mut line)
        .unwrap();
    match line.trim().strip_prefix(SERVE_ANNOUNCES) {
        Some(url) => url.to_owned(),
        None => {
            let _ = serve.kill();
            let _ = serve.wait();
            panic!("{line}")
        }
    }
}

/// Invokes the demo agent of `arn` (in `session`, or a new one) with
/// `prompt` and a probe `spec`; the `probe` member of its first frame.
pub async fn probe_in_session(
    endpoint: &str,
    arn: &str,
    session: Option<&str>,
    prompt: &str,
    spec: serde_json::Value,
) -> serde_json::Value {
    let payload = serde_json::json!({ "prompt": prompt, "delay_ms": 1, "probe": spec });
    let out = data_client(endpoint)
        .invoke_agent_runtime()
        .agent_runtime_arn(arn)
        .set_runtime_session_id(session.map(str::to_owned))
        .payload(aws_sdk_bedrockagentcore::primitives::Blob::new(
            serde_json::to_vec(&payload).unwrap(),
        ))
        .send()
        .await
        .unwrap_or_else(|e| {
            let what = session.unwrap_or(arn);
            panic!("invoking {what}: {:?}", e.into_service_error())
        });
    let body = out.response.collect().await.unwrap().into_bytes();
    frames(std::str::from_utf8(&body).unwrap())[0]["probe"].clone()
}

/// A platform whose JWKS refetch interval is `interval` (no demo).
pub async fn start_with_jwks_refetch(interval: Duration) -> RunningPlatform {
    acc_runtime_local::start(PlatformConfig {
        seed_demo: false,
        jwks_refetch_interval: interval,
        ..Default::default()
    })
    .await
    .unwrap()
}

/// A CUSTOM_JWT gateway `name` with this authorizer, once READY; its MCP URL.
pub async fn custom_jwt_gateway(
    endpoint: &str,
    name: &str,
    authorizer: aws_sdk_bedrockagentcorecontrol::types::CustomJwtAuthorizerConfiguration,
) -> String {
    let control = client(endpoint);
    let gateway = control
        .create_gateway()
        .name(name)
        .role_arn(ROLE_ARN)
        .protocol_type(GatewayProtocolType::Mcp)
        .authorizer_type(AuthorizerType::CustomJwt)
        .authorizer_configuration(
            aws_sdk_bedrockagentcorecontrol::types::AuthorizerConfiguration::CustomJwtAuthorizer(
                authorizer,
            ),
        )
        .send()
        .await
        .unwrap();
    wait_for_gateway_ready(&control, gateway.gateway_id()).await;
    gateway.gateway_url().unwrap().to_owned()
}

/// Adds a target to gateway `gateway_id` from its raw JSON (for what the
/// SDK types cannot say), failing with the platform's answer unless it succeeds.
pub async fn create_target_json(endpoint: &str, gateway_id: &str, target: &serde_json::Value) {
    let response = http()
        .post(format!("{endpoint}/gateways/{gateway_id}/targets/"))
        .json(target)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
}

/// A service of this machine on every interface, answering "secret" to
/// whoever connects; its port and how many connections it has had.
pub async fn host_service() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let reached = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&reached);
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut conn, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = conn
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nsecret")
                .await;
        }
    });
    (port, reached)
}

/// CreateAgentRuntime of the demo agent as `name` (PUBLIC network, a test
/// role), which must succeed; its ARN.
pub async fn demo_runtime_arn(
    endpoint: &str,
    name: &str,
    lifecycle: Option<aws_sdk_bedrockagentcorecontrol::types::LifecycleConfiguration>,
) -> String {
    create_runtime(endpoint, name, &demo_agent_uri(), lifecycle)
        .await
        .unwrap()
        .agent_runtime_arn()
        .to_owned()
}

/// A directory under `parent` that sessions' unprivileged users may read:
/// scripts and files given to native commands live there.
pub fn shared_dir(parent: &str) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("acc-sandbox-test-")
        .tempdir_in(parent)
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// Writes `text` to `dir/name`, world-readable; returns its path.
pub fn shared_file(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    path
}
