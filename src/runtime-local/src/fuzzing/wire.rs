//! Fuzz targets that reach the platform through its own HTTP server (one
//! in-memory platform per process, on loopback): request bodies of the
//! control plane and CloudWatch Logs, a gateway's MCP endpoint, the OTLP
//! receiver. Whatever the body, the platform answers, in its API's shape,
//! and never with a server error.

use std::io::Read;
use std::sync::OnceLock;
use std::time::Duration;

use flate2::Compression;
use flate2::write::GzEncoder;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{PlatformConfig, RunningPlatform, StateLocation};

/// OTLP bodies may decompress to at most this many bytes (then 413).
const OTLP_DECODED_LIMIT: usize = 20 * 1024 * 1024;

/// The platform every wire target talks to, with the resources its
/// requests name.
struct Platform {
    runtime: tokio::runtime::Runtime,
    /// Kept so the server keeps serving.
    _running: RunningPlatform,
    http: reqwest::Client,
    endpoint: String,
    /// Resources for the control-plane bodies to address.
    gateway: String,
    target: String,
    engine: String,
    policy: String,
    /// A separate gateway (no auth, semantic search) for MCP bodies, so
    /// control-plane bodies updating theirs cannot change it.
    mcp_gateway: String,
}

/// A response, read whole.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Platform {
    fn get() -> &'static Platform {
        static PLATFORM: OnceLock<Platform> = OnceLock::new();
        PLATFORM.get_or_init(Platform::start)
    }

    fn start() -> Platform {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime for the fuzzed platform");
        let running = runtime
            .block_on(crate::start(PlatformConfig {
                state: StateLocation::Ephemeral,
                seed_demo: false,
                ..PlatformConfig::default()
            }))
            .expect("the fuzzed platform starts");
        let endpoint = running.endpoint_url();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        let mut platform = Platform {
            runtime,
            _running: running,
            http,
            endpoint,
            gateway: String::new(),
            target: String::new(),
            engine: String::new(),
            policy: String::new(),
            mcp_gateway: String::new(),
        };
        platform.seed();
        platform
    }

    /// Create what the fuzzed requests address, checking each step.
    fn seed(&mut self) {
        let created = |platform: &Platform, path: &str, method: Method, body: Value| -> Value {
            let answer = platform.send(method, path, &[], body.to_string().into_bytes());
            assert!(
                (200..300).contains(&answer.status),
                "seeding {path}: {} {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            );
            serde_json::from_slice(&answer.body).expect("a JSON answer")
        };
        let gateway = |platform: &Platform, name: &str| -> String {
            let body = json!({ "name": name, "roleArn": "arn:aws:iam::000000000000:role/Fuzz",
                "protocolType": "MCP", "authorizerType": "NONE",
                "protocolConfiguration": { "mcp": { "searchType": "SEMANTIC" } } });
            let gateway = created(platform, "/gateways/", Method::POST, body);
            let id = gateway["gatewayId"]
                .as_str()
                .expect("a gateway id")
                .to_owned();
            let target = json!({ "name": "tools", "targetConfiguration": { "mcp": { "lambda": {
                "lambdaArn": "arn:aws:lambda:us-east-1:000000000000:function:unbound",
                "toolSchema": { "inlinePayload": [{ "name": "get_order", "description": "Read an order",
                    "inputSchema": { "type": "object", "required": ["id"],
                        "properties": { "id": { "type": "string" }, "n": { "type": "integer" } } } }] } } } } });
            let target = created(
                platform,
                &format!("/gateways/{id}/targets/"),
                Method::POST,
                target,
            );
            (id + "/" + target["targetId"].as_str().expect("a target id")).to_owned()
        };
        let rest = gateway(self, "fuzz-rest");
        let (g, t) = rest.split_once('/').expect("gateway/target");
        (self.gateway, self.target) = (g.to_owned(), t.to_owned());
        let mcp = gateway(self, "fuzz-mcp");
        self.mcp_gateway = mcp.split_once('/').expect("gateway/target").0.to_owned();
        let engine = created(
            self,
            "/policy-engines",
            Method::POST,
            json!({ "name": "fuzz_engine" }),
        );
        self.engine = engine["policyEngineId"]
            .as_str()
            .expect("an engine id")
            .to_owned();
        let statement = "permit(principal, action, resource);";
        let policy = created(
            self,
            &format!("/policy-engines/{}/policies", self.engine),
            Method::POST,
            json!({ "name": "fuzz_policy", "validationMode": "IGNORE_ALL_FINDINGS",
                "definition": { "cedar": { "statement": statement } } }),
        );
        self.policy = policy["policyId"].as_str().expect("a policy id").to_owned();
    }

    fn send(&self, method: Method, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Answer {
        let url = format!("{}{path}", self.endpoint);
        let mut request = self.http.request(method.clone(), &url).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.runtime.block_on(async {
            let response = request
                .send()
                .await
                .unwrap_or_else(|e| panic!("{method} {path} got no answer: {e}"));
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response
                .bytes()
                .await
                .unwrap_or_else(|e| panic!("{method} {path}: the answer broke off: {e}"));
            Answer {
                status,
                headers,
                body: body.to_vec(),
            }
        })
    }
}

/// No server errors, and errors in the shape the AWS SDKs read: the type in
/// `x-amzn-errortype`, a JSON body with a message.
fn assert_aws_answer(what: &str, answer: &Answer) {
    let text = String::from_utf8_lossy(&answer.body);
    assert!(
        answer.status < 500,
        "{what}: server error {} {text}",
        answer.status
    );
    if answer.status < 400 {
        return;
    }
    assert!(
        answer.headers.contains_key("x-amzn-errortype"),
        "{what}: a {} without x-amzn-errortype: {text}",
        answer.status
    );
    let body: Value = serde_json::from_slice(&answer.body).unwrap_or_else(|e| {
        panic!(
            "{what}: the {} error is not JSON ({e}): {text}",
            answer.status
        )
    });
    let message = body.get("message").or_else(|| body.get("Message"));
    assert!(
        message.is_some_and(Value::is_string),
        "{what}: no message: {text}"
    );
}

/// Bytes made safe for a URL path segment or query (everything but
/// unreserved characters, `=` and `&` escaped).
fn url_escaped(raw: &[u8]) -> String {
    raw.iter()
        .map(|&b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'=' | b'&' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The operations whose bodies are fuzzed: method and path, where `{g}`,
/// `{t}`, `{e}`, `{p}` name the seeded gateway, target, engine and policy
/// and `{x}` the fuzzed id. Deletes only ever name fuzzed ids.
const OPERATIONS: &[(&str, &str)] = &[
    ("POST", "/gateways/"),
    ("GET", "/gateways/?{q}"),
    ("GET", "/gateways/{x}"),
    ("PUT", "/gateways/{g}"),
    ("DELETE", "/gateways/{x}"),
    ("POST", "/gateways/{g}/targets/"),
    ("GET", "/gateways/{g}/targets/?{q}"),
    ("GET", "/gateways/{g}/targets/{x}"),
    ("PUT", "/gateways/{g}/targets/{t}"),
    ("DELETE", "/gateways/{g}/targets/{x}"),
    ("PUT", "/gateways/{g}/synchronizeTargets"),
    ("POST", "/policy-engines"),
    ("GET", "/policy-engines?{q}"),
    ("GET", "/policy-engines/{x}"),
    ("PATCH", "/policy-engines/{e}"),
    ("DELETE", "/policy-engines/{x}"),
    ("POST", "/policy-engines/{e}/policies"),
    ("GET", "/policy-engines/{e}/policies?{q}"),
    ("GET", "/policy-engines/{e}/policies/{x}"),
    ("PATCH", "/policy-engines/{e}/policies/{p}"),
    ("DELETE", "/policy-engines/{e}/policies/{x}"),
    ("PUT", "/runtimes/"),
    ("POST", "/runtimes/?{q}"),
    ("GET", "/runtimes/{x}"),
    ("PUT", "/runtimes/{x}"),
    ("DELETE", "/runtimes/{x}"),
    ("POST", "/runtimes/{x}/versions"),
    ("POST", "/runtimes/{x}/runtime-endpoints"),
    ("PUT", "/runtimes/{x}/runtime-endpoints"),
    ("GET", "/runtimes/{x}/runtime-endpoints/{x}"),
];

/// CloudWatch Logs operations (awsJson1.1, `X-Amz-Target`) after the
/// control plane's in the selector byte's range.
const LOGS_OPERATIONS: &[&str] = &[
    "DescribeLogGroups",
    "DescribeLogStreams",
    "FilterLogEvents",
    "GetLogEvents",
    "StartQuery",
    "GetQueryResults",
    "StopQuery",
];

/// restJson bodies of each control-plane operation family, and awsJson1.1
/// bodies of the Logs API: the first byte picks the operation, the first
/// line of the rest is the fuzzed id (or query string), the remainder the
/// body. Creating a runtime never runs it: no invocation is fuzzed here.
pub fn rest_json(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (id, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (&[][..], rest),
    };
    let platform = Platform::get();
    let index = usize::from(selector) % (OPERATIONS.len() + LOGS_OPERATIONS.len());
    let Some(&(method, template)) = OPERATIONS.get(index) else {
        let operation = LOGS_OPERATIONS[index - OPERATIONS.len()];
        let target = format!("Logs_20140328.{operation}");
        let headers = [
            ("x-amz-target", target.as_str()),
            ("content-type", "application/x-amz-json-1.1"),
        ];
        let answer = platform.send(Method::POST, "/", &headers, body.to_vec());
        assert_aws_answer(operation, &answer);
        return;
    };
    let fuzzed = if id.is_empty() {
        "none".to_owned()
    } else {
        url_escaped(id)
    };
    let path = template
        .replace("{g}", &platform.gateway)
        .replace("{t}", &platform.target)
        .replace("{e}", &platform.engine)
        .replace("{p}", &platform.policy)
        .replace("{x}", &fuzzed)
        .replace("{q}", &fuzzed);
    let method = Method::from_bytes(method.as_bytes()).expect("a method");
    let headers = [("content-type", "application/json")];
    let answer = platform.send(method, &path, &headers, body.to_vec());
    assert_aws_answer(&format!("{template} ({path})"), &answer);
    if answer.status < 300 && !answer.body.is_empty() {
        let parsed = serde_json::from_slice::<Value>(&answer.body);
        assert!(parsed.is_ok(), "{path}: a success that is not JSON");
    }
}

/// A JSON-RPC response: `jsonrpc` 2.0 and exactly one of result and error.
fn assert_rpc_response(response: &Value) {
    assert_eq!(response["jsonrpc"], "2.0", "{response}");
    let (result, error) = (response.get("result"), response.get("error"));
    assert!(result.is_some() != error.is_some(), "{response}");
    if let Some(error) = error {
        assert!(
            error["code"].is_i64() && error["message"].is_string(),
            "{response}"
        );
    }
}

/// A body POSTed to a gateway's MCP endpoint (no auth, with the search
/// tool). The gateway answers 200 with JSON-RPC responses, 202 when there
/// is nothing to answer, or 4xx with a JSON-RPC error; never a 5xx.
pub fn jsonrpc_gateway(data: &[u8]) {
    let platform = Platform::get();
    let path = format!("/gateways/{}/mcp", platform.mcp_gateway);
    let headers = [
        ("content-type", "application/json"),
        ("accept", "application/json, text/event-stream"),
    ];
    let answer = platform.send(Method::POST, &path, &headers, data.to_vec());
    let text = String::from_utf8_lossy(&answer.body);
    assert!(
        answer.status < 500,
        "MCP: server error {} {text}",
        answer.status
    );
    if answer.status == 202 {
        return;
    }
    let body: Value = serde_json::from_slice(&answer.body)
        .unwrap_or_else(|e| panic!("MCP: a {} that is not JSON ({e}): {text}", answer.status));
    match &body {
        Value::Array(responses) => {
            assert!(!responses.is_empty(), "MCP: an empty batch answer");
            responses.iter().for_each(assert_rpc_response);
        }
        response => assert_rpc_response(response),
    }
}

/// At most `limit + 1` bytes of `body` gunzipped (the rest is not needed to
/// know it is too big), or `None` when it does not decompress.
fn gunzipped_size(body: &[u8], limit: usize) -> Option<usize> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .ok()
        .map(|_| out.len())
}

/// OTLP/HTTP export bodies. The first byte picks the signal (traces, logs,
/// metrics), the encoding (protobuf or JSON) and the compression: none,
/// the rest gzipped here (so the fuzzer explores the payload), or the
/// rest sent as a gzip stream itself (to explore the decompressor). The
/// receiver answers 200, 400, 413 or 415, never a 5xx, and a body whose
/// decompressed size passes the limit gets 413.
pub fn otlp(data: &[u8]) {
    let Some((&mode, payload)) = data.split_first() else {
        return;
    };
    let signal = ["traces", "logs", "metrics"][usize::from(mode % 3)];
    let content_type = if mode & 4 == 0 {
        "application/x-protobuf"
    } else {
        "application/json"
    };
    let (body, gzip) = match (mode >> 3) % 3 {
        0 => (payload.to_vec(), false),
        1 => {
            let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
            std::io::Write::write_all(&mut encoder, payload).expect("gzip into memory");
            (encoder.finish().expect("gzip into memory"), true)
        }
        _ => (payload.to_vec(), true),
    };
    let mut headers = vec![("content-type", content_type)];
    if gzip {
        headers.push(("content-encoding", "gzip"));
    }
    let platform = Platform::get();
    let path = format!("/v1/{signal}");
    let answer = platform.send(Method::POST, &path, &headers, body.clone());
    let text = String::from_utf8_lossy(&answer.body);
    assert!(
        [200, 400, 413, 415].contains(&answer.status),
        "{path} ({content_type}, gzip {gzip}): {} {text}",
        answer.status
    );
    let decoded = if gzip {
        gunzipped_size(&body, OTLP_DECODED_LIMIT)
    } else {
        Some(body.len())
    };
    if decoded.is_some_and(|size| size > OTLP_DECODED_LIMIT) {
        assert_eq!(answer.status, 413, "{path}: an oversize body was taken");
    }
}
