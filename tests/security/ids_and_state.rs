//! Identifiers and the state directory (issue 12, findings 1 and 7).
//!
//! - A caller-supplied id never reaches the host's filesystem: a runtime
//!   session id naming a host directory (absolute, `..`, encoded dots) used
//!   to be joined onto the sessions' work directory, created on Invoke and
//!   removed on StopRuntimeSession. Every id the platform takes is now
//!   checked against AWS's pattern for it at the edge.
//! - Two platforms on one state directory: the second one used to start
//!   silently, repoint the demo workspace and break the first one's JWTs.
//!   Now the directory is locked, and the second is refused with the
//!   holder's pid and address.

use std::net::SocketAddr;
use std::path::PathBuf;

use aws_sdk_bedrockagentcore::error::ProvideErrorMetadata;
use aws_sdk_bedrockagentcore::primitives::Blob;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::platform;

/// A host directory with a file in it: what a hostile id names. Its name is
/// long enough that a session id naming it passes the 33-character minimum.
struct Victim {
    dir: tempfile::TempDir,
}

impl Victim {
    const FILE: &str = "precious.txt";

    fn new() -> Victim {
        let dir = tempfile::Builder::new()
            .prefix("acc-victim-of-a-hostile-session-id-")
            .tempdir_in(std::env::temp_dir())
            .unwrap();
        std::fs::write(dir.path().join(Self::FILE), "keep me").unwrap();
        Victim { dir }
    }

    /// The absolute path, e.g. `/tmp/acc-victim-…`.
    fn absolute(&self) -> String {
        self.dir.path().display().to_string()
    }

    /// The same directory reached from the sessions' work directory
    /// (`$TMPDIR/acc-sessions-<pid>/platform-<n>/<id>`) by dot segments.
    fn relative(&self) -> String {
        let name = self.dir.path().file_name().unwrap().to_str().unwrap();
        format!("../../{name}")
    }

    fn assert_intact(&self, after: &str) {
        let file = self.dir.path().join(Self::FILE);
        assert_eq!(
            std::fs::read_to_string(&file).ok().as_deref(),
            Some("keep me"),
            "{} was removed or changed by {after}",
            file.display()
        );
    }
}

/// Session ids that name a place on the host (all but the first two long
/// enough for the 33–256 length rule, so only the pattern stops them).
fn hostile_session_ids(victim: &Victim) -> Vec<String> {
    vec![
        "/".into(),
        "..".into(),
        victim.absolute(),
        victim.relative(),
        format!("../../../../../../../..{}", victim.absolute()),
        format!("%2e%2e/%2e%2e/{}", victim.relative()),
        format!("{}/..", "a".repeat(40)),
    ]
}

/// What came back: the HTTP status (0 when the SDK did not say), the error
/// type and the message.
#[derive(Debug)]
struct Answer {
    status: u16,
    kind: String,
    message: String,
}

impl Answer {
    fn of<O, E: ProvideErrorMetadata>(result: Result<O, E>) -> Answer {
        match result {
            Ok(_) => Answer {
                status: 200,
                kind: String::new(),
                message: String::new(),
            },
            Err(e) => Answer {
                status: 0,
                kind: e.code().unwrap_or_default().to_owned(),
                message: e.message().unwrap_or_default().to_owned(),
            },
        }
    }

    /// A `ValidationException` (or, for CloudWatch Logs, its
    /// `InvalidParameterException`) naming `member` and the constraint (its
    /// pattern, or its length) that the value breaks.
    fn assert_refused(&self, kind: &str, member: &str, what: &str) {
        assert!(
            self.kind == kind && (self.status == 0 || self.status == 400),
            "{what}: wanted a 400 {kind}, got {self:?}"
        );
        let constraint = ["regular expression pattern", "Member must have length"];
        assert!(
            self.message.contains(&format!("at '{member}'"))
                && constraint.iter().any(|c| self.message.contains(c)),
            "{what}: the message does not name {member} and the constraint it breaks: {}",
            self.message
        );
    }
}

/// One HTTP/1.1 request written byte for byte: URL parsers fold `%2e%2e`
/// segments and HTTP clients refuse NUL bytes, and attackers use neither.
async fn raw_http(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &[u8])],
) -> Answer {
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
    )
    .into_bytes();
    for (name, value) in headers {
        request.extend_from_slice(name.as_bytes());
        request.extend_from_slice(b": ");
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n{}");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(&request).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer to {method} {target}: {answer:?}"));
    let kind = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("x-amzn-errortype")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    // restJson1 and awsJson errors carry `message`; JSON-RPC ones `error.message`.
    let message = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|b| {
            let message = b.get("message").or_else(|| b.pointer("/error/message"));
            message.and_then(|m| m.as_str()).map(str::to_owned)
        })
        .unwrap_or_else(|| body.to_owned());
    Answer {
        status,
        kind,
        message,
    }
}

/// `id` as one path segment, every byte percent-encoded (`/` stays inside
/// the segment and dots are not folded).
fn segment(id: &str) -> String {
    id.bytes().map(|b| format!("%{b:02X}")).collect()
}

const SESSION_HEADER: &str = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";

/// The attack of finding 1: InvokeAgentRuntime, then StopRuntimeSession,
/// with a session id naming a host directory deleted that directory. Sent
/// raw and through the SDK; every form is refused and the victim survives.
#[tokio::test]
async fn a_session_id_naming_a_host_directory_cannot_touch_it() {
    platform::require_bwrap();
    let state = tempfile::tempdir().unwrap();
    let running = platform::start_in(state.path(), false).await.unwrap();
    let endpoint = running.endpoint_url();
    let arn = platform::demo_runtime_arn(&endpoint, "victimizer", None).await;
    let data = platform::data_client(&endpoint);
    let victim = Victim::new();
    let stop_path = format!("/runtimes/{}/stopruntimesession", segment(&arn));
    let mut answers = Vec::new();
    for id in hostile_session_ids(&victim) {
        let invoked = platform::raw_invocation(&endpoint, &arn, Some(&id))
            .body(r#"{"prompt":"hello","delay_ms":1}"#)
            .send()
            .await
            .unwrap();
        let invoked = Answer {
            status: invoked.status().as_u16(),
            kind: invoked
                .headers()
                .get("x-amzn-errortype")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default(),
            message: invoked.text().await.unwrap(),
        };
        answers.push((format!("raw InvokeAgentRuntime {id:?}"), invoked));
        let stopped = raw_http(
            running.addr(),
            "POST",
            &stop_path,
            &[(SESSION_HEADER, id.as_bytes())],
        )
        .await;
        answers.push((format!("raw StopRuntimeSession {id:?}"), stopped));
        let invoked = data
            .invoke_agent_runtime()
            .agent_runtime_arn(&arn)
            .runtime_session_id(&id)
            .payload(Blob::new(br#"{"prompt":"hello","delay_ms":1}"#.to_vec()))
            .send()
            .await;
        answers.push((
            format!("SDK InvokeAgentRuntime {id:?}"),
            Answer::of(invoked),
        ));
        let stopped = data
            .stop_runtime_session()
            .agent_runtime_arn(&arn)
            .runtime_session_id(&id)
            .send()
            .await;
        answers.push((
            format!("SDK StopRuntimeSession {id:?}"),
            Answer::of(stopped),
        ));
    }
    // What the attack broke comes first; then how each request was answered.
    victim.assert_intact("Invoke then Stop with its path as the session id");
    for (what, answer) in &answers {
        answer.assert_refused("ValidationException", "runtimeSessionId", what);
        assert!(
            answer.message.contains("UUID"),
            "{what}: the message says what to send instead: {}",
            answer.message
        );
    }
    // A NUL byte in the header never reaches a handler at all.
    let mut with_nul = victim.absolute().into_bytes();
    with_nul.extend_from_slice(b"\0/x");
    for path in [
        format!("/runtimes/{}/invocations", segment(&arn)),
        stop_path,
    ] {
        let answer = raw_http(
            running.addr(),
            "POST",
            &path,
            &[(SESSION_HEADER, &with_nul)],
        )
        .await;
        assert_eq!(
            answer.status, 400,
            "{path} with a NUL session id: {answer:?}"
        );
    }
    assert!(
        platform::sessions(&endpoint).await.is_empty(),
        "no session was started"
    );
    victim.assert_intact("the refused requests");
    running.shutdown().await;
}

/// Path ids of the control plane, the data plane and the local session
/// listing, as byte-for-byte paths: each hostile form is refused with a
/// ValidationException naming the member and its pattern.
#[tokio::test]
async fn every_id_in_a_path_is_checked_against_its_aws_pattern() {
    let running = platform::start_ephemeral(false).await;
    let addr = running.addr();
    let victim = Victim::new();
    let hostile = [
        "/".to_owned(),
        "..".to_owned(),
        "../../x".to_owned(),
        "%2e%2e".to_owned(),
        "\0".to_owned(),
        "abc\0def-abcde12345".to_owned(),
        victim.absolute(),
    ];
    for bad in &hostile {
        let bad_seg = segment(bad);
        let routes = [
            ("GET", format!("/gateways/{bad_seg}"), "gatewayIdentifier"),
            (
                "DELETE",
                format!("/gateways/{bad_seg}/"),
                "gatewayIdentifier",
            ),
            (
                "GET",
                format!("/gateways/hub-abcde12345/targets/{bad_seg}"),
                "targetId",
            ),
            (
                "GET",
                format!("/policy-engines/{bad_seg}"),
                "policyEngineId",
            ),
            (
                "GET",
                format!("/policy-engines/guard-abcde12345/policies/{bad_seg}"),
                "policyId",
            ),
            ("GET", format!("/runtimes/{bad_seg}"), "agentRuntimeId"),
            (
                "GET",
                format!("/runtimes/agent-abcde12345/runtime-endpoints/{bad_seg}"),
                "endpointName",
            ),
            (
                "POST",
                format!("/runtimes/{bad_seg}/invocations"),
                "agentRuntimeArn",
            ),
            (
                "POST",
                format!("/runtimes/{bad_seg}/stopruntimesession"),
                "agentRuntimeArn",
            ),
            (
                "POST",
                format!("/runtimes/agent-abcde12345/invocations?qualifier={bad_seg}"),
                "qualifier",
            ),
            (
                "GET",
                format!("/local/runtime-sessions/{bad_seg}"),
                "runtimeSessionId",
            ),
        ];
        for (method, path, member) in routes {
            let headers: &[(&str, &[u8])] = if path.contains("stopruntimesession") {
                &[(SESSION_HEADER, b"0123456789-0123456789-0123456789-01")]
            } else {
                &[]
            };
            raw_http(addr, method, &path, headers).await.assert_refused(
                "ValidationException",
                member,
                &format!("{method} {path}"),
            );
        }
    }
    // A gateway's MCP endpoint answers in JSON-RPC, naming the id too.
    for bad in &hostile {
        let path = format!("/gateways/{}/mcp", segment(bad));
        let answer = raw_http(addr, "POST", &path, &[]).await;
        assert_eq!(answer.status, 400, "POST {path}: {answer:?}");
        assert!(
            answer.message.contains("at 'gatewayIdentifier'"),
            "POST {path}: {answer:?}"
        );
    }
    victim.assert_intact("the refused requests");
    running.shutdown().await;
}

/// The same through the SDKs, which percent-encode labels but send `..`
/// and absolute paths as they are given.
#[tokio::test]
async fn the_sdks_get_the_same_validation_for_hostile_ids() {
    let running = platform::start_ephemeral(false).await;
    let endpoint = running.endpoint_url();
    let control = platform::client(&endpoint);
    let data = platform::data_client(&endpoint);
    let victim = Victim::new();
    for bad in ["..", "../../x", "%2e%2e", &victim.absolute()] {
        let what = |op: &str| format!("{op} {bad:?}");
        Answer::of(control.get_gateway().gateway_identifier(bad).send().await).assert_refused(
            "ValidationException",
            "gatewayIdentifier",
            &what("GetGateway"),
        );
        Answer::of(
            control
                .get_gateway_target()
                .gateway_identifier("hub-abcde12345")
                .target_id(bad)
                .send()
                .await,
        )
        .assert_refused("ValidationException", "targetId", &what("GetGatewayTarget"));
        Answer::of(
            control
                .get_policy_engine()
                .policy_engine_id(bad)
                .send()
                .await,
        )
        .assert_refused(
            "ValidationException",
            "policyEngineId",
            &what("GetPolicyEngine"),
        );
        Answer::of(
            control
                .get_policy()
                .policy_engine_id("guard-abcde12345")
                .policy_id(bad)
                .send()
                .await,
        )
        .assert_refused("ValidationException", "policyId", &what("GetPolicy"));
        Answer::of(
            control
                .get_agent_runtime()
                .agent_runtime_id(bad)
                .send()
                .await,
        )
        .assert_refused(
            "ValidationException",
            "agentRuntimeId",
            &what("GetAgentRuntime"),
        );
        Answer::of(
            control
                .get_agent_runtime_endpoint()
                .agent_runtime_id("agent-abcde12345")
                .endpoint_name(bad)
                .send()
                .await,
        )
        .assert_refused(
            "ValidationException",
            "endpointName",
            &what("GetAgentRuntimeEndpoint"),
        );
        Answer::of(
            data.invoke_agent_runtime()
                .agent_runtime_arn(bad)
                .payload(Blob::new(b"{}".to_vec()))
                .send()
                .await,
        )
        .assert_refused(
            "ValidationException",
            "agentRuntimeArn",
            &what("InvokeAgentRuntime"),
        );
        Answer::of(
            data.invoke_agent_runtime()
                .agent_runtime_arn("agent-abcde12345")
                .qualifier(bad)
                .payload(Blob::new(b"{}".to_vec()))
                .send()
                .await,
        )
        .assert_refused(
            "ValidationException",
            "qualifier",
            &what("InvokeAgentRuntime qualifier"),
        );
    }
    victim.assert_intact("the refused requests");
    running.shutdown().await;
}

/// CloudWatch Logs names are checked against the Logs model's patterns and
/// answered as CloudWatch answers (InvalidParameterException, "1 validation
/// error detected"). Names the pattern allows (`..` and `/` are legal in a
/// log group name) are only looked up, and not found.
#[tokio::test]
async fn log_group_and_stream_names_follow_the_logs_patterns() {
    let running = platform::start_ephemeral(false).await;
    let logs = platform::logs_client(&running.endpoint_url());
    let victim = Victim::new();
    for bad in ["%2e%2e", "group\0name", "a b", "x:*"] {
        Answer::of(logs.filter_log_events().log_group_name(bad).send().await).assert_refused(
            "InvalidParameterException",
            "logGroupName",
            &format!("FilterLogEvents logGroupName {bad:?}"),
        );
        Answer::of(logs.describe_log_streams().log_group_name(bad).send().await).assert_refused(
            "InvalidParameterException",
            "logGroupName",
            &format!("DescribeLogStreams logGroupName {bad:?}"),
        );
    }
    Answer::of(
        logs.describe_log_groups()
            .log_group_name_prefix("%2e%2e")
            .send()
            .await,
    )
    .assert_refused(
        "InvalidParameterException",
        "logGroupNamePrefix",
        "DescribeLogGroups prefix",
    );
    Answer::of(
        logs.get_log_events()
            .log_group_identifier("group name with spaces")
            .log_stream_name("s")
            .send()
            .await,
    )
    .assert_refused(
        "InvalidParameterException",
        "logGroupIdentifier",
        "GetLogEvents identifier",
    );
    for bad in ["stream:1", "*", ""] {
        Answer::of(
            logs.get_log_events()
                .log_group_name("/aws/spans")
                .log_stream_name(bad)
                .send()
                .await,
        )
        .assert_refused(
            "InvalidParameterException",
            "logStreamName",
            &format!("GetLogEvents logStreamName {bad:?}"),
        );
    }
    Answer::of(
        logs.filter_log_events()
            .log_group_name("/aws/spans")
            .log_stream_names("ok")
            .log_stream_names("not:ok")
            .send()
            .await,
    )
    .assert_refused(
        "InvalidParameterException",
        "logStreamNames.2.member",
        "FilterLogEvents stream names",
    );
    for legal in ["../../x", &victim.absolute(), "/"] {
        let answer = Answer::of(logs.filter_log_events().log_group_name(legal).send().await);
        assert_eq!(
            answer.kind, "ResourceNotFoundException",
            "{legal:?}: {answer:?}"
        );
    }
    victim.assert_intact("the log reads");
    running.shutdown().await;
}

/// Finding 7: while one platform holds a state directory, a second is
/// refused with the holder's pid and address; after a shutdown the
/// directory is free again.
#[tokio::test]
async fn a_second_platform_on_a_state_directory_is_refused_until_the_first_stops() {
    let dir = tempfile::tempdir().unwrap();
    let first = platform::start_in(dir.path(), true).await.unwrap();
    let first_url = first.endpoint_url();

    let err = platform::start_in(dir.path(), true).await.unwrap_err();
    let message = format!("{err:#}");
    for needed in [
        dir.path().display().to_string(),
        format!("pid {}", std::process::id()),
        first_url.clone(),
        "--endpoint".to_owned(),
    ] {
        assert!(
            message.contains(&needed),
            "{needed:?} missing from: {message}"
        );
    }
    // The first platform serves on, untouched.
    let listed = platform::client(&first_url)
        .list_gateways()
        .send()
        .await
        .unwrap();
    assert!(
        !listed.items().is_empty(),
        "the demo workspace is still there"
    );
    first.shutdown().await;

    let again = platform::start_in(dir.path(), true).await.unwrap();
    again.shutdown().await;
}

/// The lock file in the state directory says who holds it.
#[tokio::test]
async fn the_lock_file_names_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let running = platform::start_in(dir.path(), false).await.unwrap();
    let lock = std::fs::read_to_string(dir.path().join("platform.lock")).unwrap();
    assert!(lock.contains(&std::process::id().to_string()), "{lock}");
    assert!(lock.contains(&running.endpoint_url()), "{lock}");
    running.shutdown().await;
}

/// `acc` (console or headless) on a directory that `acc serve` holds exits
/// 1 with one line naming the server's pid and address; once the server is
/// killed (no clean shutdown), the directory is usable again.
#[test]
fn acc_on_a_state_directory_held_by_acc_serve_says_who_holds_it() {
    use std::process::{Command, Stdio};
    let home = tempfile::tempdir().unwrap();
    let state: PathBuf = home.path().join("state");
    let acc = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_acc"))
            .arg("--state-dir")
            .arg(&state)
            .args(args)
            .env("XDG_DATA_HOME", home.path())
            .env_remove("ACC_ENDPOINT")
            .stdin(Stdio::null())
            .output()
            .expect("run acc")
    };
    let mut serve = platform::acc_serve("127.0.0.1:0", &["--no-demo", "--state-dir"])
        .arg(&state)
        .env("XDG_DATA_HOME", home.path())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = platform::announced_url(&mut serve);
    for args in [&["gateways"][..], &[][..]] {
        let out = acc(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "acc {args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.contains(&format!("pid {}", serve.id())) && stderr.contains(&url),
            "acc {args:?} names the holder: {stderr}"
        );
    }
    serve.kill().unwrap();
    serve.wait().unwrap();
    let out = acc(&["gateways"]);
    assert!(
        out.status.success(),
        "a killed holder leaves no stale lock: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
