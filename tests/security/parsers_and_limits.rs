//! One request must not take the platform down. Input nested too deep gets a
//! clear error naming the limit; a body that expands too far gets 413; an
//! over-long search gets a JSON-RPC error at once; SIGTERM stops the
//! platform within its deadline whatever is in flight. The attacks that used
//! to abort the process (a stack overflow) run against `acc serve` in a
//! child process, so a regression shows as that child dying, with its
//! stderr, rather than as this test binary aborting.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use aws_sdk_bedrockagentcorecontrol::types::{
    CedarPolicy, GatewayProtocolConfiguration, McpGatewayConfiguration, PolicyDefinition,
    SearchType,
};
use serde_json::{Value, json};

use crate::platform;

/// `acc serve --ephemeral --no-demo` on a free loopback port; killed when
/// dropped.
struct Served {
    child: Child,
    url: String,
    stderr: tempfile::NamedTempFile,
}

impl Served {
    fn start() -> Served {
        let stderr = tempfile::NamedTempFile::new().unwrap();
        let mut child = platform::acc_serve("127.0.0.1:0", &["--ephemeral", "--no-demo"])
            .stderr(stderr.reopen().unwrap())
            .spawn()
            .expect("acc serve starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                line.split_whitespace()
                    .find(|word| word.starts_with("http://"))
                    .map(str::to_owned)
            })
            .expect("acc serve prints the URL it listens on");
        // Keep reading, so later output never meets a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Served { child, url, stderr }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Panics, quoting the platform's stderr, when it is no longer running.
    /// A request that failed because the platform aborted races the exit,
    /// so a failed `outcome` waits (up to 5 s) for the process to go.
    fn assert_alive(&mut self, attack: &str, failed: bool) {
        let deadline = Instant::now() + Duration::from_secs(if failed { 5 } else { 0 });
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "acc serve died after {attack} ({status}):\n{}",
                    std::fs::read_to_string(self.stderr.path()).unwrap_or_default()
                );
            }
            if Instant::now() >= deadline {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The peak resident memory of the platform, from `/proc`.
    fn peak_rss_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/PID/status");
        kib * 1024
    }

    /// Send SIGTERM; how long the process takes to exit (or `None` after `within`).
    fn terminate(&mut self, within: Duration) -> Option<Duration> {
        let sent = Instant::now();
        let kill = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill(1) runs");
        assert!(kill.success(), "kill -TERM {}", self.pid());
        while sent.elapsed() < within {
            if self.child.try_wait().unwrap().is_some() {
                return Some(sent.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A JSON filter pattern of `depth` nested parentheses around one comparison.
fn nested_filter(depth: usize, comparison: &str) -> String {
    format!(
        "{{ {}{comparison}{} }}",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

/// One OTLP/JSON span named `name`, with the given ids.
fn span_json(name: &str, trace_id: &str, span_id: &str) -> Value {
    json!({ "traceId": trace_id, "spanId": span_id, "name": name, "kind": 1,
            "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000100000000" })
}

/// An OTLP/JSON ExportTraceServiceRequest holding `spans`.
fn traces_json(spans: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({ "resourceSpans": [{
        "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "limits" } }] },
        "scopeSpans": [{ "spans": spans }]
    }] }))
    .unwrap()
}

/// A protobuf length-delimited field: its key byte, the length as a
/// varint, then `inner`.
fn field(key: u8, inner: &[u8]) -> Vec<u8> {
    let mut out = vec![key];
    let mut length = inner.len();
    while length >= 0x80 {
        out.push((length as u8) | 0x80);
        length >>= 7;
    }
    out.push(length as u8);
    out.extend_from_slice(inner);
    out
}

const TRACE_ID: &str = "5b8efff798038103d269b633813fc60c";
const SPAN_ID: &str = "eee19b7ec3c1b174";

/// FilterLogEvents with a pattern nested past the stack (the reported
/// crash: ~650 parentheses) or a flat `&&` chain so long that its tree
/// overflows when dropped: both refused with CloudWatch's
/// InvalidParameterException naming the limit; the platform keeps serving,
/// and a pattern nested to the limit still matches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_patterns_nested_or_chained_too_far_are_refused_and_the_platform_keeps_serving() {
    let mut served = Served::start();
    let logs = platform::logs_client(&served.url);
    let chain = vec!["$.a = 1"; 200_000].join(" && ");
    for (attack, pattern, names) in [
        (
            "a filterPattern nested 650 deep",
            nested_filter(650, "$.a = 1"),
            "64",
        ),
        (
            "a filterPattern of 200,000 && terms",
            format!("{{ {chain} }}"),
            "1024",
        ),
    ] {
        let outcome = logs
            .filter_log_events()
            .log_group_name("aws/spans")
            .filter_pattern(&pattern)
            .send()
            .await;
        served.assert_alive(attack, outcome.is_err());
        let error = outcome
            .expect_err("the pattern is refused")
            .into_service_error();
        assert!(
            error.is_invalid_parameter_exception(),
            "{attack}: {error:?}"
        );
        let message = error.meta().message().unwrap_or_default().to_owned();
        assert!(message.contains(names), "{attack}: {message}");
    }

    // The platform still answers, and nesting up to the limit works.
    let stored = platform::http()
        .post(format!("{}/v1/traces", served.url))
        .header("content-type", "application/json")
        .body(traces_json(vec![span_json("deep", TRACE_ID, SPAN_ID)]))
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 200);
    let found = logs
        .filter_log_events()
        .log_group_name("aws/spans")
        .filter_pattern(nested_filter(64, "$.name = \"deep\""))
        .send()
        .await
        .expect("a pattern nested 64 deep is accepted");
    assert_eq!(found.events().len(), 1, "{found:?}");
    served.assert_alive("the attacks", false);
}

/// `permit(…) when { <expr> };`
fn statement(condition: &str) -> String {
    format!("permit(principal, action, resource) when {{ {condition} }};")
}

/// CreatePolicy with Cedar nested past the stack (the reported crash: 40
/// parentheses), and nested `if`s, records and sets, and a statement over
/// AWS's 10,000 characters: each a ValidationException naming the limit.
/// Brackets inside string literals are text, not nesting; nesting up to the
/// limit is accepted; the platform keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cedar_statements_nested_too_deep_are_refused_and_the_platform_keeps_serving() {
    let mut served = Served::start();
    let control = platform::client_without_retries(&served.url);
    let engine = control
        .create_policy_engine()
        .name("deep_engine")
        .send()
        .await
        .expect("CreatePolicyEngine");
    let deep = |open: &str, inner: &str, close: &str, depth: usize| {
        format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
    };
    let attacks = [
        (
            "40 nested parentheses",
            statement(&deep("(", "true", ")", 40)),
            "32",
        ),
        (
            "600 nested parentheses",
            statement(&deep("(", "true", ")", 600)),
            "32",
        ),
        (
            "40 nested ifs",
            statement(&format!("{}true", "if true then true else ".repeat(40))),
            "32",
        ),
        (
            "40 nested records",
            statement(&format!("{}.a", deep("{a:", "1", "}", 40))),
            "32",
        ),
        (
            "40 nested sets",
            statement(&format!("{}.isEmpty()", deep("[", "1", "]", 40))),
            "32",
        ),
        (
            "a statement of 20,000 characters",
            statement(&vec!["1"; 10_000].join("+")),
            "10000",
        ),
    ];
    for (attack, text, names) in attacks {
        let outcome = control
            .create_policy()
            .policy_engine_id(engine.policy_engine_id())
            .name("deep")
            .definition(PolicyDefinition::Cedar(
                CedarPolicy::builder().statement(&text).build().unwrap(),
            ))
            .send()
            .await;
        served.assert_alive(attack, outcome.is_err());
        let error = outcome
            .expect_err("the statement is refused")
            .into_service_error();
        assert!(error.is_validation_exception(), "{attack}: {error:?}");
        let message = error.meta().message().unwrap_or_default().to_owned();
        assert!(message.contains(names), "{attack}: {message}");
    }

    for (name, text) in [
        // `when { … }` is the first of the 32 levels.
        ("at_the_limit", statement(&deep("(", "true", ")", 31))),
        (
            "brackets_in_text",
            statement(&format!("\"{}\" == \"{}\"", "((([[{".repeat(100), "\\\"(")),
        ),
    ] {
        control
            .create_policy()
            .policy_engine_id(engine.policy_engine_id())
            .name(name)
            .definition(PolicyDefinition::Cedar(
                CedarPolicy::builder().statement(&text).build().unwrap(),
            ))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name} is accepted: {:?}", e.into_service_error()));
    }
    control
        .list_policy_engines()
        .send()
        .await
        .expect("the platform still answers");
    served.assert_alive("the attacks", false);
}

/// A gzip stream of `gib` GiB of zeros (about 1 MB per GiB), built from one
/// compressed MiB repeated, so the test does not spend minutes compressing.
fn gzip_bomb(gib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, Crc, FlushCompress};
    const MIB: usize = 1 << 20;
    let zeros = vec![0u8; MIB];
    let mut deflate = Compress::new(Compression::best(), false);
    let mut chunk = |input: &[u8], flush| {
        let mut out = Vec::with_capacity(MIB);
        let before = deflate.total_in();
        deflate.compress_vec(input, &mut out, flush).unwrap();
        assert_eq!(deflate.total_in() - before, input.len() as u64);
        out
    };
    let first = chunk(&zeros, FlushCompress::Sync);
    // Once the window is all zeros, a MiB compresses to the same bytes.
    let repeated = chunk(&zeros, FlushCompress::Sync);
    let end = chunk(&[], FlushCompress::Finish);
    let mebibytes = gib * 1024;
    let mut crc = Crc::new();
    crc.update(&zeros);
    let mut one = Crc::new();
    one.update(&zeros);
    for _ in 1..mebibytes {
        crc.combine(&one);
    }
    let mut body = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    body.extend_from_slice(&first);
    for _ in 1..mebibytes {
        body.extend_from_slice(&repeated);
    }
    body.extend_from_slice(&end);
    body.extend_from_slice(&crc.sum().to_le_bytes());
    body.extend_from_slice(&((mebibytes * MIB) as u32).to_le_bytes());
    body
}

/// `data`, gzip-compressed.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gzip.write_all(data).unwrap();
    gzip.finish().unwrap()
}

/// A POST of the gzip-encoded `body`, of `content_type`, to `path` of the
/// platform at `url`.
fn gzipped_post(
    url: &str,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::RequestBuilder {
    platform::http()
        .post(format!("{url}{path}"))
        .header("content-type", content_type)
        .header("content-encoding", "gzip")
        .body(body)
}

/// A 2 MB gzip body expanding to 2 GiB (the reported attack took RSS to
/// 2.2 GB): each OTLP path answers 413 in OTLP's shape (a google.rpc.Status
/// in the request's encoding); so does a body of millions of empty spans;
/// the platform's peak memory stays far below either expansion.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_otlp_gzip_bomb_gets_413_and_memory_stays_bounded() {
    let mut served = Served::start();
    let bomb = gzip_bomb(2);
    assert!(bomb.len() < 4 << 20, "{} bytes", bomb.len());
    for path in ["/v1/traces", "/v1/logs", "/v1/metrics"] {
        for content_type in ["application/x-protobuf", "application/json"] {
            let outcome = gzipped_post(&served.url, path, content_type, bomb.clone())
                .send()
                .await;
            served.assert_alive(&format!("a gzip bomb to {path}"), outcome.is_err());
            let response = outcome.unwrap();
            assert_eq!(response.status(), 413, "{path} {content_type}");
            assert_eq!(
                response.headers()["content-type"],
                content_type,
                "{path}: the answer is in the request's encoding"
            );
            let body = response.bytes().await.unwrap();
            if content_type == "application/json" {
                let status: Value = serde_json::from_slice(&body).unwrap();
                assert!(status["code"].is_i64(), "{status}");
                assert!(
                    status["message"].as_str().unwrap().contains("20 MiB"),
                    "{status}"
                );
            } else {
                // google.rpc.Status: code (field 1, varint), message (field 2).
                assert_eq!(body[0], 0x08, "{body:?}");
                assert!(
                    String::from_utf8_lossy(&body).contains("20 MiB"),
                    "{body:?}"
                );
            }
        }
    }
    // Within 20 MiB, nine million empty spans (two bytes each on the wire,
    // hundreds once decoded) are refused before they are decoded.
    let spans = field(0x0a, &field(0x12, &[0x12, 0x00].repeat(9_000_000)));
    let body = gzip(&spans);
    let response = gzipped_post(&served.url, "/v1/traces", "application/x-protobuf", body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body = response.bytes().await.unwrap();
    assert!(
        String::from_utf8_lossy(&body).contains("9000000 spans"),
        "{body:?}"
    );
    let peak = served.peak_rss_bytes();
    assert!(
        peak < 512 << 20,
        "the platform's memory peaked at {} MiB",
        peak >> 20
    );
    // Compressed bodies within the limit still work.
    let body = gzip(&traces_json(vec![span_json("zipped", TRACE_ID, SPAN_ID)]));
    let stored = gzipped_post(&served.url, "/v1/traces", "application/json", body)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 200);
    let spans = platform::local_spans(&served.url, None).await;
    assert_eq!(spans["spans"][0]["name"], "zipped", "{spans}");
}

/// A searchable gateway whose one Lambda target has a few tools; its MCP URL.
async fn searchable_gateway(endpoint: &str) -> String {
    searchable_gateway_and_id(endpoint).await.1
}

/// [`searchable_gateway`], with the gateway's id.
async fn searchable_gateway_and_id(endpoint: &str) -> (String, String) {
    let control = platform::client(endpoint);
    let gateway = control
        .create_gateway()
        .name("searchable")
        .role_arn(platform::ROLE_ARN)
        .protocol_type(aws_sdk_bedrockagentcorecontrol::types::GatewayProtocolType::Mcp)
        .authorizer_type(aws_sdk_bedrockagentcorecontrol::types::AuthorizerType::None)
        .protocol_configuration(GatewayProtocolConfiguration::Mcp(
            McpGatewayConfiguration::builder()
                .search_type(SearchType::Semantic)
                .build(),
        ))
        .send()
        .await
        .expect("CreateGateway");
    control
        .create_gateway_target()
        .gateway_identifier(gateway.gateway_id())
        .name("orders")
        .target_configuration(platform::lambda_target(&[
            "get_order",
            "refund_order",
            "ship_order",
        ]))
        .send()
        .await
        .expect("CreateGatewayTarget");
    platform::wait_for_gateway_ready(&control, gateway.gateway_id()).await;
    (
        gateway.gateway_id().to_owned(),
        gateway.gateway_url().unwrap().to_owned(),
    )
}

/// One JSON-RPC POST to a gateway, answered within 10 s.
async fn rpc(url: &str, body: &Value) -> Value {
    platform::http()
        .post(url)
        .json(body)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("the gateway answers within 10 s")
        .json()
        .await
        .unwrap()
}

/// An OpenAPI target of 5 KB whose `$ref`s expand exponentially (each of
/// 100 properties is the schema again: 100^4 copies within the reference
/// depth): the catalog refuses it, naming why, instead of expanding it for
/// hours on a runtime thread; the gateway's other tools are listed at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_openapi_document_whose_references_explode_is_refused_with_the_reason() {
    use aws_sdk_bedrockagentcorecontrol::types::{
        ApiSchemaConfiguration, McpTargetConfiguration, TargetConfiguration,
    };
    let mut served = Served::start();
    let (id, url) = searchable_gateway_and_id(&served.url).await;
    let properties: serde_json::Map<String, Value> = (0..100)
        .map(|i| (format!("p{i}"), json!({ "$ref": "#/components/schemas/S" })))
        .collect();
    let document = json!({
        "openapi": "3.0.0",
        "info": { "title": "bomb", "version": "1" },
        "paths": { "/x": { "post": { "operationId": "op", "requestBody": { "content": {
            "application/json": { "schema": { "$ref": "#/components/schemas/S" } } } } } } },
        "components": { "schemas": { "S": { "type": "object", "properties": properties } } }
    });
    platform::client(&served.url)
        .create_gateway_target()
        .gateway_identifier(&id)
        .name("bomb")
        .target_configuration(TargetConfiguration::Mcp(
            McpTargetConfiguration::OpenApiSchema(ApiSchemaConfiguration::InlinePayload(
                document.to_string(),
            )),
        ))
        .send()
        .await
        .expect("CreateGatewayTarget");
    let listed = rpc(
        &url,
        &json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }),
    )
    .await;
    served.assert_alive("an exploding OpenAPI document", false);
    let names: Vec<&str> = listed["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("{listed}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"orders___get_order"), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("bomb___")), "{names:?}");
    let called = rpc(
        &url,
        &json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call",
                 "params": { "name": "bomb___op", "arguments": {} } }),
    )
    .await;
    let message = called["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("expand to more than"), "{called}");
}

/// A JSON-RPC batch is answered message by message (a tool call can run a
/// command), so one POST of thousands is refused whole, naming the limit.
#[tokio::test]
async fn a_json_rpc_batch_over_the_limit_is_refused() {
    let platform = platform::start_ephemeral(false).await;
    let url = searchable_gateway(&platform.endpoint_url()).await;
    let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" });
    let answered = rpc(&url, &Value::Array(vec![ping.clone(); 100])).await;
    assert_eq!(answered.as_array().map(Vec::len), Some(100), "{answered}");
    let refused = rpc(&url, &Value::Array(vec![ping; 10_000])).await;
    let answers = refused.as_array().map(Vec::len);
    assert_eq!(refused["error"]["code"], -32600, "{answers:?} answers");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("at most 100"), "{message}");
    platform.shutdown().await;
}

/// A `tools/call` of the search tool with `query`, answered within `within`.
async fn search(url: &str, query: &str, within: Duration) -> Value {
    let started = Instant::now();
    let response = platform::http()
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .json(
            &json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
            "name": "x_amz_bedrock_agentcore_search", "arguments": { "query": query } } }),
        )
        .timeout(within)
        .send()
        .await
        .unwrap_or_else(|e| panic!("no answer within {within:?}: {e}"));
    let answer: Value = response.json().await.unwrap();
    assert!(started.elapsed() < within, "{:?}", started.elapsed());
    answer
}

/// The gateway's search tool with a 400 KB query (the reported attack kept
/// a core busy for over 9 minutes): refused at once with a JSON-RPC error
/// naming the limit. A long query within the limit, with many distinct
/// words, is still answered at once, ranked by its first words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_over_long_search_query_is_refused_at_once() {
    let mut served = Served::start();
    let url = searchable_gateway(&served.url).await;
    let words: Vec<String> = (0..80_000).map(|i| format!("w{i}")).collect();
    let answer = search(&url, &words.join(" "), Duration::from_secs(3)).await;
    served.assert_alive("a 400 KB search query", false);
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("10000"), "{message}");

    // The first 64 distinct words rank; the rest cost nothing.
    let long = format!("refund {}", words[..1_400].join(" "));
    assert!(long.len() <= 10_000);
    let answer = search(&url, &long, Duration::from_secs(3)).await;
    let found = answer["result"]["structuredContent"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"));
    assert!(
        found.iter().any(|t| t["name"] == "orders___refund_order"),
        "{answer}"
    );
}

/// SIGTERM while requests are in flight (a body still uploading; a 400 KB
/// search, given 3 s): `acc serve` exits within its shutdown deadline (the
/// reported run was still up 25 s after SIGTERM, the search still running).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_acc_serve_within_its_deadline_during_heavy_requests() {
    let mut served = Served::start();
    let url = searchable_gateway(&served.url).await;
    let words: Vec<String> = (0..80_000).map(|i| format!("w{i}")).collect();
    // Answered at once now; before, still running when the client gave up.
    let _ = platform::http()
        .post(&url)
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
            "name": "x_amz_bedrock_agentcore_search", "arguments": { "query": words.join(" ") } } }))
        .timeout(Duration::from_secs(3))
        .send()
        .await;

    // A keep-alive connection: one request answered (so the server holds
    // the connection), then a second whose 10 MB body never finishes.
    let address = served.url.trim_start_matches("http://").to_owned();
    let mut stalled = TcpStream::connect(&address).unwrap();
    write!(
        stalled,
        "GET /local/spans HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .unwrap();
    let mut first = [0u8; 12];
    stalled.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200", "the first request is answered");
    write!(
        stalled,
        "POST /v1/traces HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{{\"resourceSpans\": ["
    )
    .unwrap();
    stalled.flush().unwrap();

    let deadline = acc_runtime_local::SHUTDOWN_DEADLINE;
    let took = served.terminate(deadline + Duration::from_secs(2));
    let took = took.unwrap_or_else(|| panic!("acc serve still runs after {deadline:?} + 2 s"));
    assert!(took <= deadline + Duration::from_secs(1), "{took:?}");
    drop(stalled);
}

/// OTLP/JSON and protobuf spans with malformed ids (not 16/8 bytes of hex,
/// or all zeros) are not stored: the export answers 200 with
/// `partialSuccess` counting them rejected, with the reason.
#[tokio::test]
async fn otlp_spans_with_invalid_ids_are_counted_rejected() {
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let response = platform::http()
        .post(format!("{endpoint}/v1/traces"))
        .header("content-type", "application/json")
        .body(traces_json(vec![
            span_json("good", TRACE_ID, SPAN_ID),
            span_json("short_trace", "abc", SPAN_ID),
            span_json("not_hex", &"zz".repeat(16), SPAN_ID),
            span_json("zero_trace", &"0".repeat(32), SPAN_ID),
            span_json("long_span", TRACE_ID, &"ab".repeat(9)),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    // opentelemetry-proto writes the int64 count as a JSON number.
    assert_eq!(body["partialSuccess"]["rejectedSpans"], 4, "{body}");
    let why = body["partialSuccess"]["errorMessage"].as_str().unwrap();
    assert!(why.contains("traceId") && why.contains("spanId"), "{why}");

    // Protobuf: a span whose trace id is 3 bytes.
    let mut span = field(0x0a, &[1, 2, 3]);
    span.extend(field(0x12, &[7; 8]));
    span.extend(field(0x2a, b"short"));
    let request = field(0x0a, &field(0x12, &field(0x12, &span)));
    let response = platform::http()
        .post(format!("{endpoint}/v1/traces"))
        .header("content-type", "application/x-protobuf")
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.unwrap();
    // ExportTraceServiceResponse { partial_success (1) { rejected_spans (1) = 1, error_message (2) } }
    assert_eq!(&body[..4], &[0x0a, body[1], 0x08, 0x01], "{body:?}");
    assert!(
        String::from_utf8_lossy(&body).contains("traceId"),
        "{body:?}"
    );

    let kept = platform::local_spans(&endpoint, None).await;
    let names: Vec<&str> = kept["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["good"]);
    platform.shutdown().await;
}
