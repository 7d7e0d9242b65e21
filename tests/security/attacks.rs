//! Attacks on the fixes of issue 12 themselves, by an outside tester: each
//! test is a way around a boundary another module's tests establish.

use serde_json::json;

use crate::platform;

/// What the demo agent's `fetch` probe got for `url` inside a session of `arn`.
async fn fetch_in_session(endpoint: &str, arn: &str, url: &str) -> String {
    let probe = json!({ "fetch": url });
    platform::probe_in_session(endpoint, arn, None, "fetch", probe).await["fetch"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// What the demo agent's `read` probe got for `path` inside a session of `arn`.
async fn read_in_session(endpoint: &str, arn: &str, path: &str) -> String {
    let probe = json!({ "read": path });
    platform::probe_in_session(endpoint, arn, None, "read", probe).await["read"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The egress proxy refused `127.0.0.0/8` as IPv4 only: the same address
/// written IPv4-mapped (`[::ffff:127.0.0.2]`) connected, and a host service
/// listening on every interface answered a PUBLIC session.
#[tokio::test]
async fn the_egress_proxy_refuses_loopback_written_as_ipv4_mapped_ipv6() {
    platform::require_bwrap();
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let arn = platform::demo_runtime_arn(&endpoint, "mapped", None).await;
    let (port, reached) = platform::host_service().await;
    for host in [
        "[::ffff:127.0.0.2]",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:3]",
    ] {
        let url = format!("http://{host}:{port}/");
        let answer = fetch_in_session(&endpoint, &arn, &url).await;
        assert_eq!(answer, "HTTP 403", "{url} through the session's proxy");
    }
    assert_eq!(
        reached.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "a host service was reached from a session"
    );
    platform.shutdown().await;
}

/// `path` written relative to this process's working directory.
fn relative_to_cwd(path: &std::path::Path) -> std::path::PathBuf {
    let cwd = std::env::current_dir().unwrap();
    let up = cwd.components().count() - 1;
    let mut relative: std::path::PathBuf = std::iter::repeat_n("..", up).collect();
    relative.push(path.strip_prefix("/").unwrap());
    relative
}

/// The platform's state is hidden from native sessions, but only when the
/// state directory was named by an absolute path: `acc serve --state-dir
/// state` left it readable (its lock file, its database) to every session.
#[tokio::test]
async fn a_relative_state_dir_is_hidden_from_sessions_too() {
    platform::require_bwrap();
    // Where an operator might keep it: readable by others, outside a home.
    let state = platform::shared_dir("/var/tmp");
    let relative = relative_to_cwd(state.path());
    assert!(relative.is_relative() && relative.exists(), "{relative:?}");
    let platform = acc_runtime_local::start(acc_runtime_local::PlatformConfig {
        state: acc_runtime_local::StateLocation::Dir(relative),
        seed_demo: false,
        ..acc_runtime_local::PlatformConfig::default()
    })
    .await
    .expect("the platform starts");
    let endpoint = platform.endpoint_url();
    let lock = state.path().join("platform.lock");
    assert!(std::fs::read_to_string(&lock).unwrap().contains("pid="));
    let arn = platform::demo_runtime_arn(&endpoint, "reader", None).await;
    let read = read_in_session(&endpoint, &arn, &lock.display().to_string()).await;
    assert!(
        read.starts_with("error") && !read.contains("pid="),
        "a session read the platform's lock file: {read:?}"
    );
    platform.shutdown().await;
}

/// Each `text` masks to its `expected`, which masking leaves as it is.
fn masks_and_keeps_masked(cases: &[(&str, &str)]) {
    use acc_domain::secret_masking::mask_text;
    for &(text, expected) in cases {
        assert_eq!(mask_text(text), expected, "masking {text:?}");
        assert_eq!(mask_text(expected), expected, "re-masking {expected:?}");
    }
}

/// A query string carried URL-encoded inside another URL's parameter (a
/// redirect, a callback) kept its key and secret: `api_key%3D…` was not
/// seen as `api_key=…`, nor `%3Fapi_key` as a key after `?`.
#[test]
fn url_encoded_secret_pairs_are_masked() {
    use acc_domain::secret_masking::mask_text;
    masks_and_keeps_masked(&[
        (
            "GET /cb?next=%2Fitems%3Fapi_key%3Dsk7c1f9e2d4bXyZ%26limit%3D5 HTTP/1.1",
            "GET /cb?next=%2Fitems%3Fapi_key%3D****%26limit%3D5 HTTP/1.1",
        ),
        (
            "redirect_uri=https%3A%2F%2Fapp%2Fdone%3Ftoken%3Dq8Xz21LmP0&state=1",
            "redirect_uri=https%3A%2F%2Fapp%2Fdone%3Ftoken%3D****&state=1",
        ),
        ("password%3dhunter2hunter2", "password%3d****"),
    ]);
    // Percent-escapes in ordinary text stay as they are.
    for text in [
        "100%25 done, %3D is '=', see %2Ftoken%2F",
        "a%20password%20policy",
    ] {
        assert_eq!(mask_text(text), text);
    }
}

/// Error messages and descriptions say "Bearer token" in plain prose; a
/// capitalised scheme word made any next word a credential.
#[test]
fn bearer_in_ordinary_prose_is_kept() {
    use acc_domain::secret_masking::mask_text;
    for text in [
        "401 Unauthorized: Missing Bearer token",
        "Use Bearer authentication for the API.",
        "BEARER tokens expire after an hour",
    ] {
        assert_eq!(mask_text(text), text);
    }
    // A credential after the scheme is still masked, whatever its case.
    for (text, expected) in [
        ("Bearer q8Xz21LmP0vWc9RtYb7N", "Bearer ****"),
        ("BEARER Zm9vYmFyYmF6cXV4MTIz", "BEARER ****"),
        ("Bearer abcdefghijklmnopqrstu", "Bearer ****"),
    ] {
        assert_eq!(mask_text(text), expected);
    }
}

/// `KEY: value` alone on its line is configuration (YAML, a compose file,
/// an `.env` dump), not prose: a short lowercase password there was kept
/// because "password: see below" reads like a sentence.
#[test]
fn a_password_alone_after_its_key_is_masked() {
    use acc_domain::secret_masking::mask_text;
    for (text, expected) in [
        (
            "environment:\n  POSTGRES_PASSWORD: example\n  POSTGRES_USER: app\n",
            "environment:\n  POSTGRES_PASSWORD: ****\n  POSTGRES_USER: app\n",
        ),
        ("db:\n  password: letmein", "db:\n  password: ****"),
        ("client_secret: hunter\r\n", "client_secret: ****\r\n"),
    ] {
        assert_eq!(mask_text(text), expected, "masking {text:?}");
    }
    // Prose keeps its words, and weaker keys keep theirs.
    for text in [
        "password: see below",
        "Reset the password: follow the link.",
        "auth: required, token: none",
        "auth: none",
    ] {
        assert_eq!(mask_text(text), text);
    }
}

/// A directory for host files sessions must not see, outside any home.
fn private_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("acc-attack-private-")
        .tempdir_in("/var/tmp")
        .unwrap()
}

/// A host file nobody but its owner may read, beginning with a secret.
fn private_host_file(dir: &std::path::Path, secret: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("credentials");
    // Longer than a tar block, as most files are: the parser reads a header.
    std::fs::write(&path, format!("{secret}\n{}", "x".repeat(1024))).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// An artifact path names any host file, and the platform reads it to
/// check the image: the tar parser's error quoted the file's first bytes
/// (a header's name field) back in the ValidationException. Anyone who may
/// create a runtime (a session through its relay; anyone at all on a
/// platform listening beyond loopback) read the head of any file the
/// platform can read.
#[tokio::test]
async fn an_artifact_check_never_quotes_the_file_it_read() {
    let private = private_dir();
    let secret = format!("aws_secret_access_key=acc-leak-{}", std::process::id());
    let file = private_host_file(private.path(), &secret);
    let platform = acc_runtime_local::start(acc_runtime_local::PlatformConfig {
        state: acc_runtime_local::StateLocation::Ephemeral,
        seed_demo: false,
        listen: "0.0.0.0:0".parse().unwrap(),
        ..acc_runtime_local::PlatformConfig::default()
    })
    .await
    .expect("the platform starts");
    let endpoint = platform.endpoint_url();
    for scheme in ["oci-archive", "docker-archive"] {
        let uri = format!("{scheme}:{}", file.display());
        let refused = platform::create_runtime(&endpoint, "peek", &uri, None)
            .await
            .expect_err("a text file is no image");
        assert!(refused.is_validation_exception(), "{refused:?}");
        let message = format!("{refused:?}");
        assert!(
            !message.contains("acc-leak"),
            "{scheme}: the refusal quotes the file: {message}"
        );
        assert!(message.contains("is not a tar archive"), "{message}");
    }
    platform.shutdown().await;
}

/// An image's `/etc/passwd` was read on the host by following the image's
/// own links: a layer holding `etc/passwd -> /some/host/file` had the
/// platform (root) resolve the image's `User` from that host file, so its
/// contents decided the session's uid (an oracle on any file; `/dev/zero`
/// there would have been read without end).
#[tokio::test]
async fn an_images_user_is_resolved_inside_the_image_only() {
    use std::os::unix::fs::PermissionsExt;
    platform::require_bwrap();
    let files = tempfile::tempdir().unwrap();
    let private = private_dir();
    let host_passwd = private.path().join("passwd");
    std::fs::write(&host_passwd, "agent:x:4242:4243::/:/bin/sh\n").unwrap();
    std::fs::set_permissions(&host_passwd, std::fs::Permissions::from_mode(0o600)).unwrap();
    let agent = crate::oci_image::arm64_agent(files.path());
    let mut layer = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(agent.len() as u64);
    header.set_mode(0o755);
    header.set_cksum();
    layer
        .append_data(&mut header, "agent", agent.as_slice())
        .unwrap();
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    link.set_mode(0o777);
    layer
        .append_link(&mut link, "etc/passwd", &host_passwd)
        .unwrap();
    let layer = layer.into_inner().unwrap();
    let image =
        crate::oci_image::oci_archive_of_layer(files.path(), "arm64", &layer, Some("agent"));
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let arn = platform::create_runtime(
        &endpoint,
        "linked_passwd",
        &format!("oci-archive:{}", image.display()),
        None,
    )
    .await
    .unwrap()
    .agent_runtime_arn()
    .to_owned();
    let answer = platform::raw_invocation(
        &endpoint,
        &arn,
        Some("linked-passwd-0123456789-0123456789-01"),
    )
    .body("{}")
    .send()
    .await
    .unwrap();
    let status = answer.status();
    let body = answer.text().await.unwrap();
    if status.is_success() {
        let first = platform::frames(&body)[0].clone();
        assert_ne!(first["uid"], 4242, "the uid came from a host file: {first}");
    }
    assert!(
        !status.is_success() && body.contains("/etc/passwd"),
        "the image names a user its own /etc/passwd lacks: {status} {body}"
    );
    platform.shutdown().await;
}

/// A `Cookie` header carries several cookies; only the first was masked,
/// as if the value ended at its `;`.
#[test]
fn every_cookie_of_a_cookie_header_is_masked() {
    masks_and_keeps_masked(&[
        (
            "Cookie: theme=dark; session_id=9f8e7d6c5b4a\nAccept: */*",
            "Cookie: ****\nAccept: */*",
        ),
        (
            "-H 'cookie: lang=en; sid=s3ss10n-abc' https://x",
            "-H 'cookie: ****' https://x",
        ),
        (
            "Set-Cookie: __Host-sid=9f8e7d6c5b4a; Path=/; Secure",
            "Set-Cookie: ****",
        ),
    ]);
}

/// Inside a session: a gateway with an OpenAPI target whose server is a
/// service on this machine (`HOST_PORT`), created through the relay, then
/// its one tool called; the tool's answer goes to /tmp/answers.json.
const REACH_THE_HOST_THROUGH_A_TARGET: &str = r#"
import json, os, time, urllib.request, urllib.error
base = os.environ["AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL"]
def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return json.loads(answer.read().decode() or "{}")
    except urllib.error.HTTPError as e:
        return {"status": e.code, "body": e.read().decode()}
def ready(path):
    for _ in range(200):
        if call("GET", path).get("status") == "READY":
            return
        time.sleep(0.05)
api = {"openapi": "3.0.3", "info": {"title": "host", "version": "1"},
       "servers": [{"url": "http://127.0.0.1:" + os.environ["HOST_PORT"]}],
       "paths": {"/": {"get": {"operationId": "peek",
                               "responses": {"200": {"description": "ok"}}}}}}
answers = {}
try:
    gateway = call("POST", "/gateways/", {"name": "from-a-session", "protocolType": "MCP",
        "roleArn": "arn:aws:iam::000000000000:role/x", "authorizerType": "NONE"})
    gid = gateway["gatewayId"]
    ready("/gateways/" + gid + "/")
    target = call("POST", "/gateways/" + gid + "/targets/", {"name": "host",
        "targetConfiguration": {"mcp": {"openApiSchema": {"inlinePayload": json.dumps(api)}}}})
    answers["target"] = target
    ready("/gateways/" + gid + "/targets/" + target["targetId"] + "/")
    answers["call"] = call("POST", "/gateways/" + gid + "/mcp", {"jsonrpc": "2.0", "id": 1,
        "method": "tools/call", "params": {"name": "host___peek", "arguments": {}}})
except Exception as e:
    answers["error"] = repr(e)
open("/tmp/answers.json", "w").write(json.dumps(answers))
"#;

/// A session reached this machine's services through the platform's own
/// outbound HTTP. The egress proxy refuses this machine to PUBLIC sessions
/// (VPC sessions have no way out at all), but a gateway target made through
/// the relay was called by the platform, from the host, and its answer came
/// back in the tool result: loopback services, the cloud metadata address,
/// anything the host reaches. The operator's targets still reach local
/// services (the demo's do); the ones a session made are called under the
/// proxy's rules.
#[tokio::test]
async fn a_session_cannot_reach_host_services_through_a_gateway_target() {
    platform::require_bwrap();
    let scripts = platform::shared_dir("/var/tmp");
    let script = platform::shared_file(scripts.path(), "reach.py", REACH_THE_HOST_THROUGH_A_TARGET);
    let (port, reached) = platform::host_service().await;
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let uri = format!(
        "native:python3 {}\nexec {} demo-agent",
        script.display(),
        env!("CARGO_BIN_EXE_acc")
    );
    let arn = platform::runtime_request(
        &endpoint,
        "vpc_prober",
        &uri,
        aws_sdk_bedrockagentcorecontrol::types::NetworkMode::Vpc,
    )
    .environment_variables("HOST_PORT", port.to_string())
    .send()
    .await
    .unwrap()
    .agent_runtime_arn()
    .to_owned();
    let answers = read_in_session(&endpoint, &arn, "/tmp/answers.json").await;
    assert_eq!(
        reached.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "a VPC session reached a host service: {answers}"
    );
    assert!(!answers.contains("secret"), "{answers}");
    let answers: serde_json::Value = serde_json::from_str(&answers).unwrap();
    assert!(
        answers["target"]["targetId"].is_string()
            && answers["target"]
                .as_object()
                .unwrap()
                .keys()
                .all(|k| !k.starts_with("accLocal")),
        "the target is made and shown as AWS shows it: {answers}"
    );
    let refusal = answers["call"]["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(
        answers["call"]["result"]["isError"] == true && refusal.contains("is this machine"),
        "{answers}"
    );
    platform.shutdown().await;
}
