//! The command line of an emulated image session. No binfmt_misc entry
//! asks the kernel to run the image's arm64 programs, so qemu-user is
//! handed them directly, and qemu does neither thing `execve` does for a
//! container runtime: look a bare name (`python3`, from `CMD ["python3",
//! "agent.py"]`) up on the image's `PATH`, and run a `#!` script (a
//! console script such as `opentelemetry-instrument`) with its
//! interpreter. Both are done here, inside the image's own root: its
//! symlinks resolve against the image, never against the host.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Symlinks followed in one path at most (the kernel's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;
/// `#!` interpreters chained at most (the kernel's `BINPRM_MAX_RECURSION`).
const MAX_SCRIPTS: usize = 4;
/// The longest `#!` line read (the kernel's `BINPRM_BUF_SIZE`).
const MAX_SHEBANG: u64 = 256;

/// The host path of `path` (absolute, or relative to `workdir`) inside the
/// image rooted at `root`, following symlinks as the image sees them:
/// absolute targets start from the image's root and `..` never climbs
/// above it. `None` when it does not exist or links too deep.
fn in_image(root: &Path, workdir: &str, path: &str) -> Option<PathBuf> {
    let start = Path::new(workdir).join(path);
    let mut pending: Vec<PathBuf> = vec![start];
    let mut resolved = PathBuf::new();
    let mut links = 0;
    while let Some(next) = pending.pop() {
        let mut components: Vec<Component> = next.components().collect();
        components.reverse();
        while let Some(component) = components.pop() {
            match component {
                Component::RootDir => resolved = PathBuf::new(),
                Component::ParentDir => {
                    resolved.pop();
                }
                Component::CurDir | Component::Prefix(_) => {}
                Component::Normal(name) => {
                    let candidate = resolved.join(name);
                    let host = root.join(&candidate);
                    let meta = std::fs::symlink_metadata(&host).ok()?;
                    if !meta.file_type().is_symlink() {
                        resolved = candidate;
                        continue;
                    }
                    links += 1;
                    if links > MAX_LINKS {
                        return None;
                    }
                    // The rest of this path follows the link's target.
                    let rest: PathBuf = components.iter().rev().collect();
                    pending.push(rest);
                    pending.push(std::fs::read_link(&host).ok()?);
                    break;
                }
            }
        }
    }
    Some(root.join(resolved))
}

/// `program` as `execvp` finds it in the image: itself when it names a
/// path, else the first `PATH` directory holding it.
fn on_path(root: &Path, workdir: &str, program: &str, path: &str) -> Result<String, String> {
    if program.contains('/') {
        return Ok(program.to_owned());
    }
    path.split(':')
        .filter(|dir| dir.starts_with('/'))
        .map(|dir| format!("{}/{program}", dir.trim_end_matches('/')))
        .find(|candidate| in_image(root, workdir, candidate).is_some_and(|p| p.is_file()))
        .ok_or_else(|| {
            format!(
                "the image's program `{program}` is in none of its PATH directories ({path}); \
                 name it by its full path in the image's ENTRYPOINT or CMD"
            )
        })
}

/// The interpreter line of the script at `host`: its interpreter and its
/// one optional argument, or `None` for a binary.
fn shebang(host: &Path) -> Option<(String, Option<String>)> {
    let mut head = Vec::new();
    std::fs::File::open(host)
        .ok()?
        .take(MAX_SHEBANG)
        .read_to_end(&mut head)
        .ok()?;
    let line = head.strip_prefix(b"#!")?;
    let line = line.split(|b| *b == b'\n').next()?;
    let line = String::from_utf8_lossy(line);
    let line = line.trim();
    let (interpreter, argument) = match line.split_once([' ', '\t']) {
        Some((i, a)) => (i, Some(a.trim().to_owned()).filter(|a| !a.is_empty())),
        None => (line, None),
    };
    (!interpreter.is_empty()).then(|| (interpreter.to_owned(), argument))
}

/// What qemu-user runs for the image's `argv` (its entrypoint and cmd):
/// the program found on `path`, and a `#!` script's interpreter first, as
/// the kernel would put it.
pub(crate) fn emulated_argv(
    root: &Path,
    workdir: &str,
    argv: &[String],
    path: &str,
) -> Result<Vec<String>, String> {
    let Some((program, args)) = argv.split_first() else {
        return Err("the image has no ENTRYPOINT or CMD: set one, e.g. \
                    CMD [\"python\", \"agent.py\"]"
            .to_owned());
    };
    let mut command = vec![on_path(root, workdir, program, path)?];
    for _ in 0..MAX_SCRIPTS {
        let script = &command[0];
        let host = in_image(root, workdir, script)
            .filter(|p| p.is_file())
            .ok_or_else(|| format!("the image's program `{script}` does not exist in the image"))?;
        let Some((interpreter, argument)) = shebang(&host) else {
            command.extend(args.iter().cloned());
            return Ok(command);
        };
        let mut interpreted = vec![interpreter];
        interpreted.extend(argument);
        interpreted.append(&mut command);
        command = interpreted;
    }
    Err(format!(
        "the image's program `{program}` chains more than {MAX_SCRIPTS} `#!` interpreters"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn argv(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    /// An image root with merged-usr links, python3 → python3.11, and a
    /// console script whose `#!` names the interpreter.
    fn image() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::create_dir_all(r.join("usr/bin")).unwrap();
        std::fs::create_dir_all(r.join("usr/local/bin")).unwrap();
        std::fs::create_dir_all(r.join("app")).unwrap();
        symlink("usr/bin", r.join("bin")).unwrap();
        std::fs::write(r.join("usr/bin/python3.11"), b"\x7fELF").unwrap();
        symlink("python3.11", r.join("usr/bin/python3")).unwrap();
        // An absolute link: resolved in the image, not on the host.
        symlink("/usr/bin/python3", r.join("usr/local/bin/python")).unwrap();
        std::fs::write(
            r.join("usr/local/bin/otel-run"),
            "#!/usr/local/bin/python -s\nimport sys\n",
        )
        .unwrap();
        std::fs::write(r.join("app/agent.py"), "print(1)\n").unwrap();
        root
    }

    const PATH: &str = "/usr/local/bin:/usr/bin:/bin";

    #[test]
    fn bare_names_are_found_on_the_images_path() {
        let root = image();
        let found = emulated_argv(root.path(), "/app", &argv(&["python3", "agent.py"]), PATH);
        assert_eq!(found.unwrap(), argv(&["/usr/bin/python3", "agent.py"]));
        let found = emulated_argv(root.path(), "/app", &argv(&["python", "agent.py"]), PATH);
        assert_eq!(found.unwrap(), argv(&["/usr/local/bin/python", "agent.py"]));
        let missing = emulated_argv(root.path(), "/", &argv(&["node", "x.js"]), PATH);
        assert!(
            missing
                .unwrap_err()
                .contains("`node` is in none of its PATH directories"),
        );
        let empty = emulated_argv(root.path(), "/", &[], PATH).unwrap_err();
        assert!(empty.contains("no ENTRYPOINT or CMD"), "{empty}");
    }

    #[test]
    fn scripts_run_with_their_interpreter() {
        let root = image();
        let found = emulated_argv(
            root.path(),
            "/app",
            &argv(&["otel-run", "python3", "agent.py"]),
            PATH,
        );
        assert_eq!(
            found.unwrap(),
            argv(&[
                "/usr/local/bin/python",
                "-s",
                "/usr/local/bin/otel-run",
                "python3",
                "agent.py"
            ])
        );
    }

    #[test]
    fn links_never_leave_the_image() {
        let root = image();
        let r = root.path();
        symlink("../../../../../../etc", r.join("app/up")).unwrap();
        symlink("/etc/passwd", r.join("app/abs")).unwrap();
        // The host has /etc/passwd; the image has no /etc at all.
        assert!(in_image(r, "/app", "up/passwd").is_none());
        assert!(in_image(r, "/app", "abs").is_none());
        symlink("loop", r.join("app/loop")).unwrap();
        assert!(in_image(r, "/app", "loop").is_none());
        assert_eq!(
            in_image(r, "/", "/bin/python3"),
            Some(r.join("usr/bin/python3.11"))
        );
    }
}
