//! Issue 15, part 1: native runtimes whose Python lives in a home directory,
//! as pyenv, uv and asdf install it. Sessions mask home directories, so the
//! interpreter a venv links to (and the prefix its `pyvenv.cfg` names) is
//! bound read-only, and nothing else of that home; a venv whose interpreter
//! is gone is refused when the runtime is created, naming what is missing.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;

use aws_sdk_bedrockagentcore::primitives::Blob;
use aws_sdk_bedrockagentcorecontrol::error::ProvideErrorMetadata;

use crate::platform;

/// Answers the runtime contract, and says which Python it runs on and
/// whether the rest of its home is visible.
const AGENT: &str = r#"
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Agent(BaseHTTPRequestHandler):
    def answer(self, value):
        body = json.dumps(value).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.answer({"status": "Healthy"})

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        secret = os.environ["ACC_TEST_SECRET"]
        self.answer({"base_prefix": sys.base_prefix, "sees_secret": os.path.exists(secret)})

HTTPServer(("0.0.0.0", 8080), Agent).serve_forever()
"#;

/// A directory others may traverse, as home directories usually are.
fn open_dir(path: &Path) {
    std::fs::create_dir_all(path).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A Python installation at `prefix` made of the system's interpreter (its
/// binary copied, its standard library linked), as a version manager
/// would install one under a home directory.
fn install_python(prefix: &Path) {
    let real = std::fs::canonicalize("/usr/bin/python3").expect("python3 is installed");
    let version = real.file_name().unwrap().to_str().unwrap().to_owned();
    for dir in [prefix.join("bin"), prefix.join("lib")] {
        open_dir(&dir);
    }
    // A link where /home and /usr share a filesystem; else a copy.
    let exe = prefix.join("bin").join(&version);
    if std::fs::hard_link(&real, &exe).is_err() {
        std::fs::copy(&real, &exe).unwrap();
    }
    symlink(&version, prefix.join("bin/python3")).unwrap();
    symlink(
        Path::new("/usr/lib").join(&version),
        prefix.join("lib").join(&version),
    )
    .unwrap();
}

/// A project with a venv made from the Python at `prefix`, and the agent.
fn project_with_venv(work: &Path, prefix: &Path) -> (PathBuf, PathBuf) {
    open_dir(work);
    let venv = work.join(".venv");
    // A copied interpreter is "text file busy" while another test's fork
    // still holds the copy's write descriptor, until that child execs.
    let made = loop {
        match Command::new(prefix.join("bin/python3"))
            .args(["-m", "venv", "--without-pip"])
            .arg(&venv)
            .output()
        {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::yield_now()
            }
            made => break made.unwrap(),
        }
    };
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let agent = work.join("agent.py");
    std::fs::write(&agent, AGENT).unwrap();
    (venv.join("bin/python"), agent)
}

/// A fresh home directory under /home (masked in every native session).
fn hidden_home(tag: &str) -> tempfile::TempDir {
    open_dir(Path::new("/home"));
    let home = tempfile::Builder::new()
        .prefix(&format!("acc-{tag}-"))
        .tempdir_in("/home")
        .unwrap();
    open_dir(home.path());
    home
}

async fn invoke_venv_agent(python: &Path, agent: &Path, secret: &Path) -> serde_json::Value {
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let uri = format!(
        "native:env ACC_TEST_SECRET={} {} {}",
        secret.display(),
        python.display(),
        agent.display()
    );
    let created = platform::create_runtime(&endpoint, "venv_agent", &uri, None)
        .await
        .unwrap_or_else(|e| panic!("{:?}: {:?}", e.code(), e.message()));
    let answer = platform::data_client(&endpoint)
        .invoke_agent_runtime()
        .agent_runtime_arn(created.agent_runtime_arn())
        .runtime_session_id("venv-session-0123456789-0123456789-0123")
        .content_type("application/json")
        .payload(Blob::new(br#"{"prompt":"which python?"}"#.to_vec()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{:?}", e.into_service_error()));
    let body = answer.response.collect().await.unwrap().into_bytes();
    serde_json::from_slice(&body).unwrap()
}

async fn a_venv_runs_on_its_interpreter_under(tag: &str, install: &str) {
    platform::require_bwrap();
    let home = hidden_home(tag);
    let prefix = home.path().join(install);
    install_python(&prefix);
    // Something else of that home the agent must not see.
    let secret = home.path().join(".aws-credentials");
    std::fs::write(&secret, "not for sessions").unwrap();
    let work = tempfile::tempdir().unwrap();
    let (python, agent) = project_with_venv(&work.path().join("proj"), &prefix);
    let answer = invoke_venv_agent(&python, &agent, &secret).await;
    assert_eq!(
        answer["base_prefix"],
        prefix.display().to_string(),
        "the agent ran on the interpreter in the hidden home: {answer}"
    );
    assert_eq!(
        answer["sees_secret"], false,
        "only the interpreter is bound: {answer}"
    );
}

#[tokio::test]
async fn a_pyenv_venv_runs_on_its_interpreter_in_a_hidden_home() {
    a_venv_runs_on_its_interpreter_under("pyenv", ".pyenv/versions/3.12.7").await;
}

#[tokio::test]
async fn a_uv_venv_runs_on_its_interpreter_in_a_hidden_home() {
    a_venv_runs_on_its_interpreter_under(
        "uv",
        ".local/share/uv/python/cpython-3.12.7-linux-x86_64-gnu",
    )
    .await;
}

#[tokio::test]
async fn a_venv_whose_interpreter_is_gone_is_refused_at_create() {
    let home = hidden_home("gone");
    let prefix = home.path().join(".pyenv/versions/3.12.7");
    install_python(&prefix);
    let work = tempfile::tempdir().unwrap();
    let (python, agent) = project_with_venv(&work.path().join("proj"), &prefix);
    std::fs::remove_dir_all(&prefix).unwrap();
    let platform = platform::start_ephemeral(false).await;
    let uri = format!("native:{} {}", python.display(), agent.display());
    let refused = platform::create_runtime(&platform.endpoint_url(), "gone_agent", &uri, None)
        .await
        .expect_err("a venv without its interpreter is refused");
    assert_eq!(refused.code(), Some("ValidationException"));
    let message = refused.message().unwrap_or_default();
    assert!(
        message.contains(&prefix.join("bin").display().to_string())
            && message.contains("no longer exists"),
        "{message}"
    );
}
