//! Sandbox boundaries and session limits (issue 12, findings 1, 2 and 8).
//!
//! - A session id never becomes a path: session directories get generated
//!   names, so an id equal to a sibling directory's name leaves it alone.
//! - `native:` artifacts run host commands: a session asking through its
//!   relay is refused, and so is anyone while the platform listens beyond
//!   loopback (unless the operator allows it). A native session sees only
//!   the files its command names, never the server's working directory.
//! - On a root platform, sessions run as an unprivileged host uid of their
//!   own: root-only files stay unreadable, native or image.
//! - Processes, memory across processes, and /tmp are bounded per session.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use acc_runtime_local::{PlatformConfig, StateLocation};
use aws_sdk_bedrockagentcorecontrol::types::LifecycleConfiguration;
use serde_json::{Value, json};

use crate::platform::{self, shared_dir, shared_file};

/// The `acc` binary: its `demo-agent` answers the probes below.
const ACC: &str = env!("CARGO_BIN_EXE_acc");

/// Whether this test process is root (the case finding 2c is about).
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1).map(|euid| euid == "0"))
        .unwrap()
}

/// A platform on a free loopback port with these session limits.
async fn platform_with(
    memory_bytes: u64,
    max_processes: u64,
) -> acc_runtime_local::RunningPlatform {
    platform::require_bwrap();
    acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Ephemeral,
        seed_demo: false,
        session_memory_bytes: memory_bytes,
        session_max_processes: max_processes,
        ..PlatformConfig::default()
    })
    .await
    .expect("the platform starts")
}

/// CreateAgentRuntime of `uri` with `env`, as the operator; returns (arn, id).
async fn runtime(endpoint: &str, name: &str, uri: &str, env: &[(&str, &str)]) -> (String, String) {
    let lifecycle = LifecycleConfiguration::builder()
        .idle_runtime_session_timeout(600)
        .max_lifetime(600)
        .build();
    let mut request = platform::runtime_request(
        endpoint,
        name,
        uri,
        aws_sdk_bedrockagentcorecontrol::types::NetworkMode::Public,
    )
    .lifecycle_configuration(lifecycle);
    for (key, value) in env {
        request = request.environment_variables(*key, *value);
    }
    let created = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateAgentRuntime {name}: {:?}", e.into_service_error()));
    (
        created.agent_runtime_arn().to_owned(),
        created.agent_runtime_id().to_owned(),
    )
}

/// `native:` running `setup` (a shell command line), then the demo agent.
fn native_then_demo_agent(setup: &str) -> String {
    format!("native:{setup}\nexec {ACC} demo-agent")
}

/// A runtime `name` whose native command runs `script` with python3 (from
/// a world-readable copy, `file`, in /var/tmp), then the demo agent; the
/// copy's directory (the script lives as long as it does) and the ARN.
async fn python_runtime(
    endpoint: &str,
    name: &str,
    file: &str,
    script: &str,
    env: &[(&str, &str)],
) -> (tempfile::TempDir, String) {
    let scripts = shared_dir("/var/tmp");
    let script = shared_file(scripts.path(), file, script);
    let command = native_then_demo_agent(&format!("python3 {}", script.display()));
    let (arn, _) = runtime(endpoint, name, &command, env).await;
    (scripts, arn)
}

/// Invokes the demo agent of `arn` in `session` with a probe; its answer.
async fn probe(endpoint: &str, arn: &str, session: &str, spec: Value) -> Value {
    platform::probe_in_session(endpoint, arn, Some(session), "probe", spec).await
}

/// What the probe read from `path` inside the session.
async fn read_in_session(endpoint: &str, arn: &str, session: &str, path: &str) -> String {
    probe(endpoint, arn, session, json!({ "read": path })).await["read"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The names of the platform's agent runtimes.
async fn runtime_names(endpoint: &str) -> Vec<String> {
    platform::client(endpoint)
        .list_agent_runtimes()
        .send()
        .await
        .unwrap()
        .agent_runtimes()
        .iter()
        .map(|r| r.agent_runtime_name().to_owned())
        .collect()
}

/// The session's entry in the local listing.
async fn listed(endpoint: &str, session: &str) -> Value {
    platform::sessions(endpoint)
        .await
        .into_iter()
        .find(|s| s["runtimeSessionId"] == session)
        .unwrap_or_else(|| panic!("session {session} is not listed"))
}

#[tokio::test]
async fn a_session_id_never_names_a_directory() {
    let platform = platform_with(acc_runtime_local::DEFAULT_SESSION_MEMORY_BYTES, 1024).await;
    let endpoint = platform.endpoint_url();
    let (arn, _) = runtime(&endpoint, "paths", &platform::demo_agent_uri(), &[]).await;
    // A first session shows where this platform keeps session directories.
    let first = "first-session-0123456789-0123456789-01";
    probe(&endpoint, &arn, first, json!({})).await;
    let first_dir = PathBuf::from(
        listed(&endpoint, first).await["workDirectory"]
            .as_str()
            .unwrap(),
    );
    let sessions_dir = first_dir.parent().unwrap();
    // A directory there named exactly like the next session's id (an id
    // valid by AWS's pattern).
    let id = "planted-session-0123456789-0123456789";
    let planted = sessions_dir.join(id);
    std::fs::create_dir_all(&planted).unwrap();
    std::fs::write(planted.join("keep.txt"), "keep me").unwrap();
    probe(&endpoint, &arn, id, json!({})).await;
    let dir = PathBuf::from(
        listed(&endpoint, id).await["workDirectory"]
            .as_str()
            .unwrap(),
    );
    assert_ne!(dir.file_name().unwrap(), id, "the id named the directory");
    assert!(dir.exists(), "{} was not created", dir.display());
    platform::data_client(&endpoint)
        .stop_runtime_session()
        .agent_runtime_arn(&arn)
        .runtime_session_id(id)
        .send()
        .await
        .unwrap();
    assert!(!dir.exists(), "{} survived the stop", dir.display());
    assert_eq!(
        std::fs::read_to_string(planted.join("keep.txt")).unwrap(),
        "keep me",
        "stopping the session touched the directory its id names"
    );
    std::fs::remove_dir_all(&planted).unwrap();
    platform.shutdown().await;
}

/// The script an agent runs inside its session: CreateAgentRuntime and
/// UpdateAgentRuntime of a native artifact through the platform URL the
/// session was given (its relay), answers written to /tmp/answers.json.
const CREATE_NATIVE_FROM_INSIDE: &str = r#"
import json, os, urllib.request, urllib.error
base = os.environ["AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL"]
doc = {"agentRuntimeName": "made_in_a_session",
       "roleArn": "arn:aws:iam::000000000000:role/agent-runtime",
       "agentRuntimeArtifact": {"containerConfiguration": {"containerUri": "native:cat /etc/hostname"}},
       "networkConfiguration": {"networkMode": "PUBLIC"}}
def put(path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="PUT",
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return {"status": answer.status, "body": answer.read().decode()}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "type": e.headers.get("x-amzn-errortype"), "body": e.read().decode()}
update = dict(doc)
del update["agentRuntimeName"]
def image(name, uri):
    return dict(doc, agentRuntimeName=name,
                agentRuntimeArtifact={"containerConfiguration": {"containerUri": uri}})
answers = {"create": put("/runtimes/", doc),
           "update": put("/runtimes/" + os.environ["TARGET_RUNTIME"] + "/", update),
           # Image artifacts name host paths too: the platform must not even
           # look (an answer that differs says whether the file exists).
           "host file": put("/runtimes/", image("host_file", "oci-archive:/etc/hostname")),
           "no such file": put("/runtimes/", image("no_such_file", "oci-archive:/nonexistent/x.tar"))}
open("/tmp/answers.json", "w").write(json.dumps(answers))
"#;

#[tokio::test]
async fn a_session_cannot_create_native_artifacts_through_its_relay() {
    let platform = platform_with(acc_runtime_local::DEFAULT_SESSION_MEMORY_BYTES, 1024).await;
    let endpoint = platform.endpoint_url();
    // The operator's own runtimes: the target an agent tries to repoint,
    // and the agent.
    let (_, target) = runtime(&endpoint, "target", &platform::demo_agent_uri(), &[]).await;
    let (_scripts, arn) = python_runtime(
        &endpoint,
        "prober",
        "create.py",
        CREATE_NATIVE_FROM_INSIDE,
        &[("TARGET_RUNTIME", &target)],
    )
    .await;
    let session = "relay-session-0123456789-0123456789-01";
    let answers: Value =
        serde_json::from_str(&read_in_session(&endpoint, &arn, session, "/tmp/answers.json").await)
            .unwrap();
    for (operation, uri) in [
        ("create", "native:"),
        ("update", "native:"),
        ("host file", "oci-archive:/etc/hostname"),
        ("no such file", "oci-archive:/nonexistent/x.tar"),
    ] {
        let answer = &answers[operation];
        assert_eq!(answer["status"], 403, "{operation}: {answer}");
        assert_eq!(
            answer["type"], "AccessDeniedException",
            "{operation}: {answer}"
        );
        let message = answer["body"].as_str().unwrap();
        assert!(
            message.contains(uri) && message.contains(session),
            "{operation}: the refusal names the artifact and the session: {message}"
        );
    }
    let control = platform::client(&endpoint);
    let names = runtime_names(&endpoint).await;
    assert!(
        !names
            .iter()
            .any(|n| n.contains("session") || n.contains("file")),
        "{names:?}"
    );
    let refusal = |operation: &str| {
        let body = answers[operation]["body"].as_str().unwrap().to_owned();
        let uri = if operation == "host file" {
            "/etc/hostname"
        } else {
            "/nonexistent/x.tar"
        };
        body.replace(uri, "PATH")
    };
    assert_eq!(
        refusal("host file"),
        refusal("no such file"),
        "the answer must not tell whether a host file exists"
    );
    let target_now = control
        .get_agent_runtime()
        .agent_runtime_id(&target)
        .send()
        .await
        .unwrap();
    assert_eq!(
        target_now.agent_runtime_version(),
        "1",
        "the update went through"
    );
    platform.shutdown().await;
}

#[tokio::test]
async fn native_artifacts_need_the_operators_consent_beyond_loopback() {
    let wide = |allow: bool| PlatformConfig {
        state: StateLocation::Ephemeral,
        seed_demo: false,
        listen: "0.0.0.0:0".parse().unwrap(),
        allow_native_remote: allow,
        ..PlatformConfig::default()
    };
    let refusing = acc_runtime_local::start(wide(false)).await.unwrap();
    let refused = platform::create_runtime(
        &refusing.endpoint_url(),
        "wide_open",
        &platform::demo_agent_uri(),
        None,
    )
    .await
    .unwrap_err();
    assert!(refused.is_access_denied_exception(), "{refused:?}");
    let message = format!("{refused:?}");
    assert!(
        message.contains("--allow-native-artifacts") && message.contains("0.0.0.0"),
        "the refusal names the listener and the way out: {message}"
    );
    refusing.shutdown().await;
    let allowing = acc_runtime_local::start(wide(true)).await.unwrap();
    platform::create_runtime(
        &allowing.endpoint_url(),
        "wide_open",
        &platform::demo_agent_uri(),
        None,
    )
    .await
    .expect("an operator who allowed native artifacts creates one");
    allowing.shutdown().await;
}

#[tokio::test]
async fn a_native_session_sees_only_what_its_command_names() {
    let platform = platform_with(acc_runtime_local::DEFAULT_SESSION_MEMORY_BYTES, 1024).await;
    let endpoint = platform.endpoint_url();
    // Under /tmp, which sessions get a private copy of.
    let project = shared_dir("/tmp");
    let named = shared_file(project.path(), "named.txt", "named by the command");
    let sibling = shared_file(project.path(), "sibling.txt", "not named");
    let (arn, _) = runtime(
        &endpoint,
        "names",
        &native_then_demo_agent(&format!("test -r {}", named.display())),
        &[],
    )
    .await;
    let session = "names-session-0123456789-0123456789-01";
    let read = |path: PathBuf| {
        let (endpoint, arn) = (endpoint.clone(), arn.clone());
        async move { read_in_session(&endpoint, &arn, session, &path.display().to_string()).await }
    };
    assert_eq!(read(named.clone()).await, "named by the command");
    let other = read(sibling).await;
    assert!(
        other.starts_with("error"),
        "a sibling of a named file: {other}"
    );
    // Read-only: the host's file is unchanged.
    let write = probe(
        &endpoint,
        &arn,
        session,
        json!({ "write": named.display().to_string() }),
    )
    .await;
    assert!(
        write["write"].as_str().unwrap().starts_with("error"),
        "a named file is writable: {write}"
    );
    assert_eq!(
        std::fs::read_to_string(&named).unwrap(),
        "named by the command"
    );
    platform.shutdown().await;
}

/// `acc serve` started in `cwd`, on a free port, no demo; its URL.
struct Served {
    child: std::process::Child,
    url: String,
}

impl Served {
    fn start(cwd: &Path) -> Served {
        let mut child = platform::acc_serve("127.0.0.1:0", &["--ephemeral", "--no-demo"])
            .current_dir(cwd)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let url = platform::announced_url(&mut child);
        Served { child, url }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn the_servers_working_directory_is_not_shown_to_sessions() {
    platform::require_bwrap();
    // A server started from a directory in a home (masked in sessions).
    let home = shared_dir(&std::env::var("HOME").unwrap_or_else(|_| "/root".into()));
    let secret = shared_file(home.path(), "notes.txt", "private notes");
    let served = Served::start(home.path());
    let (arn, _) = runtime(&served.url, "cwd", &platform::demo_agent_uri(), &[]).await;
    let read = read_in_session(
        &served.url,
        &arn,
        "cwd-session-0123456789-0123456789-0123",
        &secret.display().to_string(),
    )
    .await;
    assert!(
        read.starts_with("error"),
        "the server's cwd is visible: {read}"
    );
}

/// Host-side: the uids (real, effective, saved, filesystem) of every
/// process whose environment holds `marker`.
fn host_uids_of(marker: &str) -> Vec<(u32, String)> {
    let needle = marker.as_bytes();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if environ.split(|b| *b == 0).any(|kv| kv == needle)
            && let Ok(status) = std::fs::read_to_string(entry.path().join("status"))
            && let Some(uids) = status.lines().find(|l| l.starts_with("Uid:"))
        {
            found.push((pid, uids.to_owned()));
        }
    }
    found
}

/// Every process of the session marked `marker` runs as a host uid that is
/// not root.
fn assert_unprivileged_on_the_host(marker: &str) {
    let found = host_uids_of(marker);
    assert!(!found.is_empty(), "no process carries {marker}");
    for (pid, uids) in found {
        assert!(
            uids.split_whitespace().skip(1).all(|id| id != "0"),
            "session process {pid} is host root: {uids}"
        );
    }
}

#[tokio::test]
async fn a_native_session_of_a_root_platform_cannot_read_root_only_files() {
    if !running_as_root() {
        eprintln!("not root: sessions run as this user, which is the boundary; nothing to prove");
        return;
    }
    use std::io::Write;
    let platform = platform_with(acc_runtime_local::DEFAULT_SESSION_MEMORY_BYTES, 1024).await;
    let endpoint = platform.endpoint_url();
    // Outside the masked directories, so only file permissions guard it.
    let mut secret = tempfile::Builder::new()
        .prefix("acc-root-only-")
        .permissions(std::fs::Permissions::from_mode(0o600))
        .tempfile_in("/var/tmp")
        .unwrap();
    secret.write_all(b"root only").unwrap();
    let marker = format!("ACC_SANDBOX_MARKER={}", uuid_like());
    let (name, value) = marker.split_once('=').unwrap();
    let (arn, _) = runtime(
        &endpoint,
        "reader",
        &native_then_demo_agent(&format!("cat {} > /tmp/copy", secret.path().display())),
        &[(name, value)],
    )
    .await;
    let session = "reader-session-0123456789-0123456789-0";
    let direct = read_in_session(
        &endpoint,
        &arn,
        session,
        &secret.path().display().to_string(),
    )
    .await;
    assert!(direct.starts_with("error"), "root-only file read: {direct}");
    let shadow = read_in_session(&endpoint, &arn, session, "/etc/shadow").await;
    assert!(shadow.starts_with("error"), "/etc/shadow read: {shadow}");
    let copied = read_in_session(&endpoint, &arn, session, "/tmp/copy").await;
    assert!(
        !copied.contains("root only"),
        "the command read it: {copied}"
    );
    // Still uid 1000 inside, as before.
    let inside = probe(&endpoint, &arn, session, json!({})).await;
    assert!(inside["uid"].as_str().unwrap().contains("1000"), "{inside}");
    assert_unprivileged_on_the_host(&marker);
    platform.shutdown().await;
}

/// A fresh random token for markers.
fn uuid_like() -> String {
    format!("{:032x}", rand_u128())
}

fn rand_u128() -> u128 {
    let mut bytes = [0u8; 16];
    let mut file = std::fs::File::open("/dev/urandom").unwrap();
    std::io::Read::read_exact(&mut file, &mut bytes).unwrap();
    u128::from_le_bytes(bytes)
}

#[tokio::test]
async fn an_image_session_of_a_root_platform_is_not_host_root() {
    if !running_as_root() {
        eprintln!("not root: sessions run as this user, which is the boundary; nothing to prove");
        return;
    }
    let files = tempfile::tempdir().unwrap();
    let image = crate::oci_image::arm64_agent_image(files.path());
    let platform = platform_with(acc_runtime_local::DEFAULT_SESSION_MEMORY_BYTES, 1024).await;
    let endpoint = platform.endpoint_url();
    let marker = format!("ACC_SANDBOX_MARKER={}", uuid_like());
    let (name, value) = marker.split_once('=').unwrap();
    let (arn, _) = runtime(
        &endpoint,
        "image_reader",
        &format!("oci-archive:{}", image.display()),
        &[(name, value)],
    )
    .await;
    let answer = platform::raw_invocation(
        &endpoint,
        &arn,
        Some("image-session-0123456789-0123456789-01"),
    )
    .body("{}")
    .send()
    .await
    .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    let first = platform::frames(&answer.text().await.unwrap())[0].clone();
    assert_eq!(first["uid"], 1000, "{first}");
    assert_unprivileged_on_the_host(&marker);
    platform.shutdown().await;
}

/// Forks up to 200 `sleep`s, counting those that started, into /tmp/spawned.
const SPAWN_MANY: &str = r#"
import subprocess
children = []
try:
    for _ in range(200):
        children.append(subprocess.Popen(["sleep", "60"]))
except OSError:
    pass
open("/tmp/spawned", "w").write(str(len(children)))
for child in children:
    child.kill()
    child.wait()
"#;

#[tokio::test]
async fn a_session_cannot_start_more_processes_than_its_limit() {
    let platform = platform_with(acc_runtime_local::DEFAULT_SESSION_MEMORY_BYTES, 64).await;
    let endpoint = platform.endpoint_url();
    let (_scripts, arn) = python_runtime(&endpoint, "forker", "spawn.py", SPAWN_MANY, &[]).await;
    let spawned = read_in_session(
        &endpoint,
        &arn,
        "forker-session-0123456789-0123456789-0",
        "/tmp/spawned",
    )
    .await;
    let spawned: u32 = spawned.parse().unwrap_or_else(|_| panic!("{spawned}"));
    assert!(
        (1..64).contains(&spawned),
        "{spawned} processes started under a limit of 64"
    );
    platform.shutdown().await;
}

/// Three processes each try to hold 150 MiB (under a 256 MiB per-process
/// data limit); how many held it at once goes to /tmp/held.
const HOLD_MEMORY: &str = r#"
import os, select, time
children = {}
for _ in range(3):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        open("/proc/self/oom_score_adj", "w").write("1000")
        block = b"x" * (150 << 20)
        os.write(w, b"1")
        time.sleep(60)
        os._exit(0)
    os.close(w)
    children[r] = pid
    time.sleep(0.3)
held, waiting, deadline = 0, list(children), time.time() + 20
while waiting and time.time() < deadline:
    ready, _, _ = select.select(waiting, [], [], 1)
    for r in ready:
        held += len(os.read(r, 1))
        waiting.remove(r)
ended, _, _ = select.select(list(children), [], [], 0)
alive = len(children) - len(ended)
open("/tmp/held", "w").write(f"{held} {alive}")
for pid in children.values():
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
"#;

#[tokio::test]
async fn memory_is_bounded_across_a_sessions_processes() {
    let platform = platform_with(256 * 1024 * 1024, 1024).await;
    let endpoint = platform.endpoint_url();
    let (_scripts, arn) = python_runtime(&endpoint, "holder", "hold.py", HOLD_MEMORY, &[]).await;
    let started = Instant::now();
    let held = read_in_session(
        &endpoint,
        &arn,
        "holder-session-0123456789-0123456789-0",
        "/tmp/held",
    )
    .await;
    let (held, alive) = held.split_once(' ').unwrap_or_else(|| panic!("{held}"));
    let alive: u32 = alive.parse().unwrap();
    assert!(
        alive <= 1,
        "{alive} processes hold 150 MiB each under a 256 MiB session limit (held {held})"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
    platform.shutdown().await;
}

#[tokio::test]
async fn a_sessions_tmp_is_bounded() {
    let platform = platform_with(256 * 1024 * 1024, 1024).await;
    let endpoint = platform.endpoint_url();
    // Each scratch mount is filled past its size, then emptied: the exit
    // status of the write and the bytes it left go to /tmp.
    let fill = |dir: &str| {
        format!(
            "head -c 300M /dev/zero > {dir}/fill; status=$?; size=$(wc -c < {dir}/fill); \
             rm -f {dir}/fill; echo $status $size > /tmp/{}.result",
            dir.trim_start_matches('/').replace('/', "-")
        )
    };
    let (arn, _) = runtime(
        &endpoint,
        "filler",
        &native_then_demo_agent(&format!("{}; {}", fill("/tmp"), fill("/dev/shm"))),
        &[],
    )
    .await;
    let session = "filler-session-0123456789-0123456789-0";
    for (mount, size) in [("tmp", 128 * 1024 * 1024), ("dev-shm", 64 * 1024 * 1024)] {
        let result =
            read_in_session(&endpoint, &arn, session, &format!("/tmp/{mount}.result")).await;
        let (status, held) = result
            .trim()
            .split_once(' ')
            .unwrap_or_else(|| panic!("{result}"));
        assert_ne!(status, "0", "300 MiB written to {mount}");
        let held: u64 = held.parse().unwrap();
        assert!(held <= size, "{mount} held {held} bytes, more than {size}");
    }
    platform.shutdown().await;
}

/// An OpenAPI target whose one operation is the platform's own
/// CreateAgentRuntime: a tool call makes the platform call itself.
fn self_calling_api(endpoint: &str) -> String {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "itself", "version": "1" },
        "servers": [{ "url": endpoint }],
        "paths": { "/runtimes/": { "put": { "operationId": "createRuntime",
            "requestBody": { "content": { "application/json": { "schema": {
                "type": "object",
                "properties": {
                    "agentRuntimeName": { "type": "string" },
                    "roleArn": { "type": "string" },
                    "agentRuntimeArtifact": { "type": "object" },
                    "networkConfiguration": { "type": "object" }
                } } } } },
            "responses": { "200": { "description": "ok" } } } } }
    })
    .to_string()
}

#[tokio::test]
async fn the_platform_calling_itself_cannot_create_native_artifacts() {
    // Anyone who may create gateways and call tools (a session, through
    // its relay, may) could otherwise have the platform ask for one.
    let platform = platform_with(acc_runtime_local::DEFAULT_SESSION_MEMORY_BYTES, 1024).await;
    let endpoint = platform.endpoint_url();
    let gateway = platform::create_gateway(&platform::client(&endpoint), "loop").await;
    let gateway_id = gateway.gateway_id();
    let target = json!({ "name": "itself", "targetConfiguration": { "mcp": {
        "openApiSchema": { "inlinePayload": self_calling_api(&endpoint) } } } });
    platform::create_target_json(&endpoint, gateway_id, &target).await;
    platform::wait_for_gateway_ready(&platform::client(&endpoint), gateway_id).await;
    let called = crate::mcp::call_tool(
        &format!("{endpoint}/gateways/{gateway_id}/mcp"),
        None,
        "itself___createRuntime",
        json!({
            "agentRuntimeName": "made_by_a_tool",
            "roleArn": "arn:aws:iam::000000000000:role/agent-runtime",
            "agentRuntimeArtifact": { "containerConfiguration": { "containerUri": "native:cat /etc/hostname" } },
            "networkConfiguration": { "networkMode": "PUBLIC" }
        }),
    )
    .await;
    let answer = called.result()["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        answer.contains("403") && answer.contains("made by the platform itself"),
        "{answer}"
    );
    let names = runtime_names(&endpoint).await;
    assert!(names.is_empty(), "created through the loop: {names:?}");
    platform.shutdown().await;
}

#[tokio::test]
async fn what_the_operator_names_in_a_private_home_still_runs() {
    // Root's home is closed to other users, sessions' uids included; the
    // file the command names is given to the session all the same.
    let platform = platform_with(acc_runtime_local::DEFAULT_SESSION_MEMORY_BYTES, 1024).await;
    let endpoint = platform.endpoint_url();
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let private = tempfile::Builder::new()
        .prefix("acc-private-")
        .tempdir_in(home)
        .unwrap();
    let agent = private.path().join("agent.sh");
    std::fs::write(&agent, format!("exec {ACC} demo-agent\n")).unwrap();
    std::fs::set_permissions(&agent, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(private.path().join("sibling.txt"), "not named").unwrap();
    let (arn, _) = runtime(
        &endpoint,
        "private_home",
        &format!("native:sh {}", agent.display()),
        &[],
    )
    .await;
    let session = "private-session-0123456789-0123456789-";
    let named = read_in_session(&endpoint, &arn, session, &agent.display().to_string()).await;
    assert!(named.contains("demo-agent"), "{named}");
    let sibling = private.path().join("sibling.txt").display().to_string();
    let sibling = read_in_session(&endpoint, &arn, session, &sibling).await;
    assert!(sibling.starts_with("error"), "{sibling}");
    platform.shutdown().await;
}
