//! The command line of one session: its launcher joins the session's
//! cgroups (where this machine has them), sets its rlimits and, on a root
//! platform, drops to the session's own unprivileged uid; bubblewrap then
//! gives it its own PID, IPC, UTS, user and network namespaces, an
//! unprivileged user with no capabilities, a root filesystem of its own (a
//! fresh copy of the image, or the host read-only for native dev loops,
//! with private sized tmpfs), the host's home directories and the
//! platform's state hidden, and the environment AgentCore injects.

use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use super::identity::HostIdentity;
use crate::runtime::artifacts::{Execution, ImageConfig};
use crate::runtime::python_venv::{venv_home, venv_of};

/// Where qemu-user lives on the host (Debian's qemu-user-static).
pub(crate) const QEMU_AARCH64: &str = "/usr/bin/qemu-aarch64-static";

/// What the sandbox runs.
#[derive(Debug, Clone)]
pub(crate) enum Program {
    /// A host command line, run by `/bin/sh -c` with the host root visible
    /// read-only (native dev loops only); `cwd` is the platform's, `named`
    /// what the command names under a masked directory ([`named_for`]).
    Native {
        command: String,
        cwd: PathBuf,
        named: Vec<NamedPath>,
    },
    /// An image: its root filesystem (a private copy for this session), its
    /// config, and the command line run in it (its entrypoint and cmd; for
    /// emulation, as `emulated_program` resolves them).
    Image {
        root: PathBuf,
        config: ImageConfig,
        execution: Execution,
        argv: Vec<String>,
    },
}

/// Everything a session's sandbox needs.
#[derive(Debug, Clone)]
pub(crate) struct SandboxSpec {
    pub(crate) program: Program,
    /// Environment in order of precedence, lowest first: AgentCore's, the
    /// image's, the runtime's configured variables.
    pub(crate) env: Vec<(String, String)>,
    /// The uid and gid it runs as inside (never root; see `image_user`).
    pub(crate) ids: (u32, u32),
    /// Who it is on the host.
    pub(crate) identity: HostIdentity,
    /// Directories hidden from the session (the platform's state).
    pub(crate) hidden: Vec<PathBuf>,
    /// Each process's data limit (`RLIMIT_DATA`); with cgroups, also the
    /// limit of all its processes together.
    pub(crate) memory_bytes: u64,
    /// Processes and threads it may run (`RLIMIT_NPROC` of its own uid,
    /// and the cgroup's `pids.max`).
    pub(crate) max_processes: u64,
    /// The `cgroup.procs` files its launcher joins first (none: this
    /// machine gives no cgroups).
    pub(crate) cgroup_procs: Vec<PathBuf>,
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

/// Directories masked in native sessions (empty and read-only), under
/// which only what a command names is bound back.
const MASKED: [&str; 4] = ["/tmp", "/run", "/root", "/home"];

/// `/tmp`'s size: half the session's memory. A tmpfs is memory: where
/// cgroups exist it also counts against the session's memory limit.
fn tmp_bytes(memory_bytes: u64) -> u64 {
    memory_bytes / 2
}

/// The size of the small scratch mounts, `/run` and `/dev/shm`.
fn scratch_bytes(memory_bytes: u64) -> u64 {
    (64 * 1024 * 1024).min(tmp_bytes(memory_bytes))
}

/// Whether a user unrelated to the owners may reach `path` (every directory
/// on the way searchable by others): what a session's own uid can bind.
fn open_to_others(path: &Path) -> bool {
    path.ancestors()
        .skip(1)
        .all(|dir| std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
}

/// What a native command names under a masked directory, bound back
/// read-only: each named file or directory itself, never its siblings; a
/// program in a Python venv (`<venv>/bin/python` beside
/// `<venv>/pyvenv.cfg`) brings its venv, and the interpreter it really
/// runs (links followed, and the `home` its `pyvenv.cfg` names) brings
/// that interpreter's installation, as pyenv, uv and asdf lay them out
/// under a home directory. Quotes and trailing shell punctuation around a
/// word are not part of the path; `..` never is.
pub(crate) fn named_paths(command: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut add = |path: PathBuf| {
        if is_masked(&path) && !paths.contains(&path) {
            paths.push(path);
        }
    };
    for word in command.split_whitespace() {
        let word = word.trim_matches(['"', '\'', ';', '&', '|', '(', ')']);
        let path = Path::new(word);
        if !path.is_absolute()
            || path.components().any(|c| c == Component::ParentDir)
            || !path.exists()
        {
            continue;
        }
        add(venv_of(path).unwrap_or_else(|| path.to_path_buf()));
        for installation in interpreter_of(path) {
            add(installation);
        }
    }
    paths
}

/// Under one of the directories native sessions mask.
fn is_masked(path: &Path) -> bool {
    MASKED.iter().any(|m| path.starts_with(m))
}

/// What `program` really runs from, beyond its own path: the target of its
/// links and, for a venv's program, the interpreter `pyvenv.cfg` names.
/// A Python installation (`<prefix>/bin/python…` with `<prefix>/lib/python…`)
/// comes whole, since the interpreter reads its standard library there;
/// anything else comes as the one file.
fn interpreter_of(program: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(real) = std::fs::canonicalize(program)
        && real != program
    {
        found.push(python_prefix(&real).unwrap_or(real));
    }
    if let Some(home) = venv_of(program).and_then(|venv| venv_home(&venv))
        && let Ok(home) = std::fs::canonicalize(home)
        && let Some(prefix) = home.parent().filter(|p| has_python_lib(p))
    {
        found.push(prefix.to_path_buf());
    }
    found
}

/// The installation prefix of a Python interpreter at
/// `<prefix>/bin/python…`. Only an interpreter brings its prefix: a tool
/// `pip install --user` put in `~/.local/bin` must not bring all of
/// `~/.local`.
fn python_prefix(program: &Path) -> Option<PathBuf> {
    let bin = program.parent()?;
    let prefix = bin.parent()?;
    let interpreter = program.file_name()?.to_string_lossy().starts_with("python");
    (interpreter && bin.file_name()? == "bin" && has_python_lib(prefix))
        .then(|| prefix.to_path_buf())
}

/// `<prefix>/lib/python3…` exists: the prefix holds a Python installation.
fn has_python_lib(prefix: &Path) -> bool {
    std::fs::read_dir(prefix.join("lib")).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("python"))
    })
}

/// A path a native command names, bound read-only at `target` from
/// `source`: the path itself, or a stand-in in the session's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamedPath {
    pub(crate) source: PathBuf,
    pub(crate) target: PathBuf,
}

/// What a native command names, as its session binds it. A file the
/// session's own uid could not reach (under root's private home, say) is
/// hard-linked, or copied, into the session's directory first: the
/// operator named it, so the session may read it. Call this after the
/// directory was handed over, so the link's file keeps its owner.
pub(crate) fn named_for(
    command: &str,
    identity: HostIdentity,
    session_dir: &Path,
) -> Result<Vec<NamedPath>, String> {
    let mut named = Vec::new();
    for (i, target) in named_paths(command).into_iter().enumerate() {
        let reachable = identity == HostIdentity::Platform || open_to_others(&target);
        if !reachable && target.is_dir() {
            return Err(closed_way(&target));
        }
        let source = if reachable || !target.is_file() {
            target.clone()
        } else {
            let stand_in = session_dir.join(format!("named-{i}"));
            std::fs::hard_link(&target, &stand_in)
                .or_else(|_| std::fs::copy(&target, &stand_in).map(drop))
                .map_err(|e| {
                    format!(
                        "cannot give the session {} (its uid cannot reach it): {e}",
                        target.display()
                    )
                })?;
            stand_in
        };
        named.push(NamedPath { source, target });
    }
    Ok(named)
}

/// Why a session's own uid cannot have `dir`, and what to do.
fn closed_way(dir: &Path) -> String {
    let closed = dir
        .ancestors()
        .skip(1)
        .find(|a| std::fs::metadata(a).is_ok_and(|m| m.permissions().mode() & 0o001 == 0))
        .unwrap_or(dir);
    format!(
        "the command needs {}, but {} is closed to other users, so the session's own uid \
         cannot enter it. Install the interpreter outside a private home (e.g. under /opt), \
         or let others through that directory (chmod o+x {})",
        dir.display(),
        closed.display(),
        closed.display()
    )
}

/// Where a native command starts: the platform's directory when the
/// session sees it anyway (not masked, not hidden, or named by the
/// command), else `/`. It is never bound for the command's sake: a server
/// started in a home directory would show that home to every session.
fn native_workdir(cwd: &Path, named: &[NamedPath], spec: &SandboxSpec) -> String {
    let visible = !MASKED.iter().any(|m| cwd.starts_with(m))
        || named
            .iter()
            .any(|n| n.target.is_dir() && cwd.starts_with(&n.target));
    let hidden = spec.hidden.iter().any(|h| cwd.starts_with(h));
    let reachable = spec.identity == HostIdentity::Platform || open_to_others(&cwd.join("."));
    if visible && !hidden && reachable {
        path_str(cwd)
    } else {
        "/".into()
    }
}

/// The mounts of a native session; returns its working directory.
fn native_mounts(
    args: &mut Vec<String>,
    cwd: &Path,
    named: &[NamedPath],
    spec: &SandboxSpec,
) -> String {
    let scratch = scratch_bytes(spec.memory_bytes).to_string();
    push(args, &["--ro-bind", "/", "/"]);
    push(args, &["--dev", "/dev", "--proc", "/proc"]);
    let tmp = tmp_bytes(spec.memory_bytes).to_string();
    push(args, &["--size", &tmp, "--tmpfs", "/tmp"]);
    push(args, &["--size", &scratch, "--tmpfs", "/run"]);
    push(args, &["--size", &scratch, "--tmpfs", "/dev/shm"]);
    let homes: Vec<&str> = ["/root", "/home"]
        .into_iter()
        .filter(|h| Path::new(h).exists())
        .collect();
    for home in &homes {
        push(args, &["--tmpfs", home]);
    }
    // Never into the platform's state, whatever the command names.
    let outside_state = |n: &&NamedPath| !spec.hidden.iter().any(|h| n.target.starts_with(h));
    for path in named.iter().filter(outside_state) {
        args.extend([
            "--ro-bind".to_owned(),
            path_str(&path.source),
            path_str(&path.target),
        ]);
    }
    // Last, so nothing above re-exposes the platform's state. A session
    // that cannot reach it anyway needs no mask (and could not mount one).
    let hidden: Vec<&PathBuf> = spec
        .hidden
        .iter()
        .filter(|h| h.exists())
        .filter(|h| spec.identity == HostIdentity::Platform || open_to_others(h))
        .collect();
    for dir in &hidden {
        args.extend(["--tmpfs".to_owned(), path_str(dir)]);
    }
    // Masks are empty and stay so; /dev holds only the device nodes.
    for dir in homes
        .iter()
        .map(|h| h.to_string())
        .chain(hidden.iter().map(|h| path_str(h)))
    {
        args.extend(["--remount-ro".to_owned(), dir]);
    }
    push(args, &["--remount-ro", "/dev"]);
    native_workdir(cwd, named, spec)
}

/// The mounts of an image session; returns its working directory.
fn image_mounts(
    args: &mut Vec<String>,
    root: &Path,
    config: &ImageConfig,
    emulated: bool,
    spec: &SandboxSpec,
) -> String {
    args.extend(["--bind".to_owned(), path_str(root), "/".to_owned()]);
    push(args, &["--dev", "/dev", "--proc", "/proc"]);
    let tmp = tmp_bytes(spec.memory_bytes).to_string();
    push(args, &["--size", &tmp, "--tmpfs", "/tmp"]);
    let scratch = scratch_bytes(spec.memory_bytes).to_string();
    push(args, &["--size", &scratch, "--tmpfs", "/dev/shm"]);
    if emulated {
        push(args, &["--ro-bind", QEMU_AARCH64, "/.acc-qemu-aarch64"]);
    }
    push(args, &["--remount-ro", "/dev"]);
    config.working_dir.clone().unwrap_or_else(|| "/".into())
}

/// Joins the cgroups named before `--`, then runs the rest: the session's
/// processes are all in them from their first instruction.
const JOIN_CGROUPS: &str =
    r#"while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@""#;

/// `[sh -c JOIN_CGROUPS … --] prlimit --data=N [--nproc=P] -- [setpriv
/// --reuid=U … --] bwrap`: the limits are set on the launcher and inherited
/// by everything it starts; a root platform's launcher becomes the
/// session's own uid before bwrap, so the sandbox is never host root.
fn launcher(spec: &SandboxSpec) -> Vec<String> {
    let mut args = Vec::new();
    if !spec.cgroup_procs.is_empty() {
        push(&mut args, &["/bin/sh", "-c", JOIN_CGROUPS, "acc-session"]);
        args.extend(spec.cgroup_procs.iter().map(|p| path_str(p)));
        args.push("--".to_owned());
    }
    args.push("prlimit".to_owned());
    args.push(format!("--data={}", spec.memory_bytes));
    if let HostIdentity::Dedicated(uid) = spec.identity {
        // Counted per uid, and the uid is the session's alone.
        args.push(format!("--nproc={}", spec.max_processes));
        args.push("--".to_owned());
        args.extend([
            "setpriv".to_owned(),
            format!("--reuid={uid}"),
            format!("--regid={uid}"),
            "--clear-groups".to_owned(),
            "--no-new-privs".to_owned(),
        ]);
    }
    args.push("--".to_owned());
    args.push("bwrap".to_owned());
    args
}

/// The whole command line.
pub(crate) fn command(spec: &SandboxSpec) -> Vec<String> {
    let mut args = launcher(spec);
    push(
        &mut args,
        &["--unshare-all", "--die-with-parent", "--new-session"],
    );
    let (program, workdir) = match &spec.program {
        Program::Native {
            command,
            cwd,
            named,
        } => {
            let workdir = native_mounts(&mut args, cwd, named, spec);
            (
                vec!["/bin/sh".into(), "-c".into(), command.clone()],
                workdir,
            )
        }
        Program::Image {
            root,
            config,
            execution,
            argv,
        } => {
            let emulated = *execution == Execution::Emulated;
            let workdir = image_mounts(&mut args, root, config, emulated, spec);
            let mut program = argv.clone();
            if emulated {
                program.insert(0, "/.acc-qemu-aarch64".into());
            }
            (program, workdir)
        }
    };
    args.extend(["--chdir".to_owned(), workdir]);
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

    fn native(command: &str, cwd: &str, identity: HostIdentity) -> SandboxSpec {
        SandboxSpec {
            program: Program::Native {
                command: command.into(),
                cwd: cwd.into(),
                named: named_for(command, identity, Path::new("/nonexistent")).unwrap(),
            },
            env: agentcore_env("us-east-1", "http://127.0.0.1:4577"),
            hidden: Vec::new(),
            ids: crate::runtime::session_host::image_user::DEFAULT_ID,
            identity,
            memory_bytes: crate::platform::config::DEFAULT_SESSION_MEMORY_BYTES,
            max_processes: 64,
            cgroup_procs: Vec::new(),
        }
    }

    #[test]
    fn the_command_isolates_and_hides() {
        let project = tempfile::Builder::new()
            .prefix("acc-sandbox-unit-")
            .tempdir_in("/tmp")
            .unwrap();
        let agent = project.path().join("agent.py");
        std::fs::write(&agent, "").unwrap();
        std::fs::write(project.path().join("sibling.py"), "").unwrap();
        let command = format!("python3 {}", agent.display());
        let args = command_line(&native(&command, "/work/agent", HostIdentity::Platform));
        let agent = agent.display().to_string();
        for expected in [
            "prlimit --data=8589934592 -- bwrap --unshare-all".to_owned(),
            "--uid 1000 --gid 1000 --cap-drop ALL --clearenv".to_owned(),
            "--setenv DOCKER_CONTAINER 1".to_owned(),
            "--setenv AWS_ENDPOINT_URL_BEDROCK_AGENTCORE http://127.0.0.1:4577".to_owned(),
            format!("--ro-bind {agent} {agent}"),
            "--size 4294967296 --tmpfs /tmp".to_owned(),
            "--size 67108864 --tmpfs /dev/shm".to_owned(),
            "--remount-ro /dev --chdir /work/agent".to_owned(),
            format!("-- /bin/sh -c python3 {agent}"),
        ] {
            assert!(args.contains(&expected), "{expected} in {args}");
        }
        // Only the named file: not its directory, nor the platform's.
        let dir = project.path().display().to_string();
        assert!(!args.contains(&format!("--ro-bind {dir} ")), "{args}");
        assert!(!args.contains("--ro-bind /work/agent"), "{args}");
    }

    fn command_line(spec: &SandboxSpec) -> String {
        command(spec).join(" ")
    }

    #[test]
    fn a_masked_working_directory_is_not_shown() {
        let args = command_line(&native(
            "sleep 1",
            "/home/someone/project",
            HostIdentity::Platform,
        ));
        assert!(args.contains("--chdir / "), "{args}");
        assert!(!args.contains("/home/someone"), "{args}");
    }

    #[test]
    fn a_root_platform_drops_to_the_sessions_uid_in_its_cgroups() {
        let mut spec = native("sleep 1", "/", HostIdentity::Dedicated(2_000_000_123));
        spec.cgroup_procs = vec!["/sys/fs/cgroup/x/cgroup.procs".into()];
        let args = command(&spec);
        assert_eq!(args[..3], ["/bin/sh", "-c", JOIN_CGROUPS]);
        let line = args.join(" ");
        assert!(
            line.contains(
                "acc-session /sys/fs/cgroup/x/cgroup.procs -- prlimit --data=8589934592 --nproc=64 -- \
                 setpriv --reuid=2000000123 --regid=2000000123 --clear-groups --no-new-privs -- bwrap"
            ),
            "{line}"
        );
    }

    #[test]
    fn only_an_interpreter_brings_its_prefix() {
        let dir = tempfile::Builder::new()
            .prefix("acc-prefix-")
            .tempdir_in("/tmp")
            .unwrap();
        let local = dir.path().join(".local");
        std::fs::create_dir_all(local.join("bin")).unwrap();
        std::fs::create_dir_all(local.join("lib/python3.12/site-packages")).unwrap();
        for exe in ["tool", "python3.12"] {
            std::fs::write(local.join("bin").join(exe), "").unwrap();
        }
        assert_eq!(python_prefix(&local.join("bin/tool")), None);
        assert_eq!(python_prefix(&local.join("bin/python3.12")), Some(local));
    }

    #[test]
    fn named_paths_are_exact_and_venvs_whole() {
        let dir = tempfile::Builder::new()
            .prefix("acc-named-")
            .tempdir_in("/tmp")
            .unwrap();
        let venv = dir.path().join("venv");
        std::fs::create_dir_all(venv.join("bin")).unwrap();
        std::fs::write(venv.join("pyvenv.cfg"), "").unwrap();
        std::fs::write(venv.join("bin/python"), "").unwrap();
        let script = dir.path().join("agent.py");
        std::fs::write(&script, "").unwrap();
        let d = dir.path().display();
        let named = named_paths(&format!(
            "{d}/venv/bin/python '{d}/agent.py'; cat {d}/../etc/passwd /usr/bin/env {d}/missing"
        ));
        assert_eq!(named, [venv, script]);
    }
}
