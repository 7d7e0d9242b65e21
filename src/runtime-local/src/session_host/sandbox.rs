//! The bubblewrap command line of one session: its own PID, IPC, UTS,
//! user and network namespaces, an unprivileged user with no
//! capabilities, a root filesystem of its own (a fresh copy of the image,
//! or the host read-only for native dev loops, with private writable
//! tmpfs), the host's home directories and the platform's state hidden,
//! a memory limit, and the environment AgentCore injects.

use std::path::{Path, PathBuf};

use crate::agent_artifacts::{Execution, ImageConfig};

/// Where qemu-user lives on the host (Debian's qemu-user-static).
pub(crate) const QEMU_AARCH64: &str = "/usr/bin/qemu-aarch64-static";

/// What the sandbox runs.
#[derive(Debug, Clone)]
pub(crate) enum Program {
    /// A host command line, run by `/bin/sh -c` with the host root visible
    /// read-only (native dev loops only).
    Native { command: String, cwd: PathBuf },
    /// An image: its root filesystem (a private copy for this session) and
    /// its config.
    Image {
        root: PathBuf,
        config: ImageConfig,
        execution: Execution,
    },
}

/// Everything a session's sandbox needs.
#[derive(Debug, Clone)]
pub(crate) struct SandboxSpec {
    pub(crate) program: Program,
    /// Environment in order of precedence, lowest first: AgentCore's, the
    /// image's, the runtime's configured variables.
    pub(crate) env: Vec<(String, String)>,
    /// The uid and gid it runs as (never root; see `image_user`).
    pub(crate) ids: (u32, u32),
    /// Directories hidden from the session (the platform's state).
    pub(crate) hidden: Vec<PathBuf>,
    pub(crate) memory_bytes: u64,
}

/// The environment AgentCore injects, pointing at the local platform.
pub(crate) fn agentcore_env(region: &str, platform_url: &str) -> Vec<(String, String)> {
    [
        ("AWS_REGION", region),
        ("AWS_DEFAULT_REGION", region),
        ("DOCKER_CONTAINER", "1"),
        // The local platform accepts any credentials; these mark the caller.
        ("AWS_ACCESS_KEY_ID", "AKIAACCLOCALSESSION"),
        ("AWS_SECRET_ACCESS_KEY", "acc-local-session-secret"),
        ("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", platform_url),
        ("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL", platform_url),
        ("BEDROCK_AGENTCORE_DP_ENDPOINT", platform_url),
        ("BEDROCK_AGENTCORE_CP_ENDPOINT", platform_url),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", platform_url),
        ("HOME", "/tmp"),
        (
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn push(args: &mut Vec<String>, items: &[&str]) {
    args.extend(items.iter().map(|s| (*s).to_owned()));
}

fn path_str(p: &Path) -> String {
    p.display().to_string()
}

/// Directories masked in native sessions, under which a command's own
/// paths are bound back.
const MASKED: [&str; 4] = ["/tmp", "/run", "/root", "/home"];

/// For each absolute path in a native command line that lies under a
/// masked directory, the directory one level below the mask
/// (`/tmp/project/target/debug/acc` → `/tmp/project`).
fn named_roots(command: &str) -> Vec<String> {
    let mut roots: Vec<String> = Vec::new();
    for word in command.split_whitespace() {
        let path = Path::new(word);
        if !path.is_absolute() || !path.exists() {
            continue;
        }
        let mut parts = path.components().skip(1);
        let (Some(first), Some(second)) = (parts.next(), parts.next()) else {
            continue;
        };
        let top = Path::new("/").join(first.as_os_str());
        if MASKED.iter().any(|m| Path::new(m) == top) {
            let root = path_str(&top.join(second.as_os_str()));
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
    }
    roots
}

/// The whole command: `prlimit --data=N -- bwrap … -- program…`. The
/// limit is set on the launcher and inherited by everything it starts.
pub(crate) fn command(spec: &SandboxSpec) -> Vec<String> {
    let mut args = vec![
        "prlimit".to_owned(),
        format!("--data={}", spec.memory_bytes),
        "--".to_owned(),
        "bwrap".to_owned(),
    ];
    push(
        &mut args,
        &["--unshare-all", "--die-with-parent", "--new-session"],
    );
    let program: Vec<String> = match &spec.program {
        Program::Native { command, cwd } => {
            push(&mut args, &["--ro-bind", "/", "/"]);
            push(&mut args, &["--dev", "/dev", "--proc", "/proc"]);
            push(&mut args, &["--tmpfs", "/tmp", "--tmpfs", "/run"]);
            for home in ["/root", "/home"] {
                if Path::new(home).exists() {
                    push(&mut args, &["--tmpfs", home]);
                }
            }
            // What the command names (its program, scripts, venvs) and the
            // project directory of the dev loop stay readable, even under
            // the private /tmp or a hidden home.
            for root in named_roots(command) {
                args.extend(["--ro-bind".to_owned(), root.clone(), root]);
            }
            let cwd = path_str(cwd);
            args.extend(["--ro-bind".to_owned(), cwd.clone(), cwd.clone()]);
            // Last, so nothing above re-exposes the platform's state.
            for hidden in &spec.hidden {
                if hidden.exists() {
                    args.extend(["--tmpfs".to_owned(), path_str(hidden)]);
                }
            }
            args.extend(["--chdir".to_owned(), cwd]);
            vec!["/bin/sh".into(), "-c".into(), command.clone()]
        }
        Program::Image {
            root,
            config,
            execution,
        } => {
            args.extend(["--bind".to_owned(), path_str(root), "/".to_owned()]);
            push(&mut args, &["--dev", "/dev", "--proc", "/proc"]);
            push(&mut args, &["--tmpfs", "/tmp"]);
            let mut program: Vec<String> = config
                .entrypoint
                .iter()
                .chain(&config.cmd)
                .cloned()
                .collect();
            if *execution == Execution::Emulated {
                push(
                    &mut args,
                    &["--ro-bind", QEMU_AARCH64, "/.acc-qemu-aarch64"],
                );
                program.insert(0, "/.acc-qemu-aarch64".into());
            }
            let dir = config.working_dir.clone().unwrap_or_else(|| "/".into());
            args.extend(["--chdir".to_owned(), dir]);
            program
        }
    };
    args.extend([
        "--uid".to_owned(),
        spec.ids.0.to_string(),
        "--gid".to_owned(),
        spec.ids.1.to_string(),
    ]);
    push(&mut args, &["--cap-drop", "ALL", "--clearenv"]);
    for (key, value) in &spec.env {
        args.extend(["--setenv".to_owned(), key.clone(), value.clone()]);
    }
    args.push("--".to_owned());
    args.extend(program);
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_isolates_and_hides() {
        std::fs::create_dir_all("/tmp/acc-sandbox-test").unwrap();
        std::fs::write("/tmp/acc-sandbox-test/agent.py", "").unwrap();
        let spec = SandboxSpec {
            program: Program::Native {
                command: "python3 /tmp/acc-sandbox-test/agent.py".into(),
                cwd: "/work/agent".into(),
            },
            env: agentcore_env("us-east-1", "http://127.0.0.1:4577"),
            hidden: Vec::new(),
            ids: crate::session_host::image_user::DEFAULT_ID,
            memory_bytes: crate::DEFAULT_SESSION_MEMORY_BYTES,
        };
        let args = command(&spec).join(" ");
        for expected in [
            "prlimit --data=8589934592 -- bwrap --unshare-all",
            "--uid 1000 --gid 1000 --cap-drop ALL --clearenv",
            "--setenv DOCKER_CONTAINER 1",
            "--setenv AWS_ENDPOINT_URL_BEDROCK_AGENTCORE http://127.0.0.1:4577",
            "--ro-bind /work/agent /work/agent --chdir /work/agent",
            "--ro-bind /tmp/acc-sandbox-test /tmp/acc-sandbox-test",
            "-- /bin/sh -c python3 /tmp/acc-sandbox-test/agent.py",
        ] {
            assert!(args.contains(expected), "{expected} in {args}");
        }
    }
}
