//! Limits over all of a session's processes together. Per-process rlimits
//! (`RLIMIT_DATA`) let three processes hold three times the limit, and a
//! tmpfs is memory no rlimit counts, so where this machine lets the
//! platform create cgroups (it runs as root, cgroup v2 with the memory and
//! pids controllers, or v1's memory and pids hierarchies), each session
//! gets one: `memory.max` (v1: `memory.limit_in_bytes`) bounds everything
//! its processes hold, tmpfs pages included, and `pids.max` the processes
//! and threads it runs. Elsewhere the sandbox's rlimits and sized tmpfs
//! mounts are what bounds a session (see `sandbox`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// How this machine lets sessions be grouped.
#[derive(Debug)]
enum Hierarchy {
    /// cgroup v2: sessions are children of `base`, whose subtree has the
    /// memory and pids controllers.
    V2 { base: PathBuf },
    /// cgroup v1: a directory in the memory and in the pids hierarchy.
    V1 { memory: PathBuf, pids: PathBuf },
}

/// The hierarchy sessions use, found once per process; `None` when cgroups
/// cannot be created here (not root, or delegated away).
fn hierarchy() -> Option<&'static Hierarchy> {
    static FOUND: OnceLock<Option<Hierarchy>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let found = detect();
            match &found {
                Some(h) => {
                    tracing::info!(hierarchy = ?h, "session limits use cgroups");
                    h.parents().iter().for_each(|p| sweep_stale(p));
                }
                None => tracing::info!(
                    "cgroups are not writable here: sessions are bounded by rlimits and sized tmpfs only"
                ),
            }
            found
        })
        .as_ref()
}

const CGROUP_ROOT: &str = "/sys/fs/cgroup";

fn detect() -> Option<Hierarchy> {
    let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let v2 = Path::new(CGROUP_ROOT).join("cgroup.controllers");
    if let Ok(controllers) = std::fs::read_to_string(&v2)
        && has_controllers(&controllers)
    {
        return detect_v2();
    }
    // v1: each controller's line is `N:controller[,controller]:/path`.
    let path_of = |controller: &str| -> Option<PathBuf> {
        own.lines().find_map(|line| {
            let mut fields = line.splitn(3, ':');
            let (_, names, path) = (fields.next()?, fields.next()?, fields.next()?);
            names.split(',').any(|n| n == controller).then(|| {
                Path::new(CGROUP_ROOT)
                    .join(controller)
                    .join(path.trim_start_matches('/'))
            })
        })
    };
    let memory = path_of("memory")?;
    let pids = path_of("pids")?;
    (usable(&memory) && usable(&pids)).then_some(Hierarchy::V1 { memory, pids })
}

fn has_controllers(list: &str) -> bool {
    let names: Vec<&str> = list.split_whitespace().collect();
    names.contains(&"memory") && names.contains(&"pids")
}

/// v2: a child of the root (exempt from "no processes in inner cgroups")
/// with the controllers delegated to its children.
fn detect_v2() -> Option<Hierarchy> {
    let root = Path::new(CGROUP_ROOT);
    let base = root.join("acc-sessions");
    // Already enabled is fine; failing here shows in the check below.
    let _ = std::fs::write(root.join("cgroup.subtree_control"), "+memory +pids");
    if let Err(e) = std::fs::create_dir(&base)
        && e.kind() != std::io::ErrorKind::AlreadyExists
    {
        return None;
    }
    let _ = std::fs::write(base.join("cgroup.subtree_control"), "+memory +pids");
    let enabled = std::fs::read_to_string(base.join("cgroup.subtree_control")).ok()?;
    (has_controllers(&enabled) && usable(&base)).then_some(Hierarchy::V2 { base })
}

impl Hierarchy {
    /// The directories session cgroups are made in.
    fn parents(&self) -> Vec<&Path> {
        match self {
            Hierarchy::V2 { base } => vec![base],
            Hierarchy::V1 { memory, pids } => vec![memory, pids],
        }
    }
}

/// The name of a session's cgroup: generated, never from a request.
pub(crate) fn cgroup_name(platform: u64, session: u64) -> String {
    format!("acc-{}-p{platform}-s{session}", std::process::id())
}

/// Cgroups left by platforms that died (their processes died with them):
/// `acc-<pid>-…` whose process is gone.
fn sweep_stale(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("acc-"))
            .and_then(|rest| rest.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir(entry.path());
        }
    }
}

/// Whether a child cgroup can be made (and removed) under `dir`.
fn usable(dir: &Path) -> bool {
    let probe = dir.join(format!("acc-probe-{}", std::process::id()));
    let made = std::fs::create_dir(&probe).is_ok();
    made && std::fs::remove_dir(&probe).is_ok()
}

/// Limits that exist only with swap accounting: set when they can be.
const SWAP_FILES: [&str; 2] = ["memory.swap.max", "memory.memsw.limit_in_bytes"];

/// One session's cgroups, made with its limits before it starts, removed
/// when it has ended.
#[derive(Debug)]
pub(crate) struct SessionCgroup {
    dirs: Vec<PathBuf>,
    /// v2's `cgroup.kill`: ends every process at once.
    kill: Option<PathBuf>,
}

impl SessionCgroup {
    /// Cgroups named `name` bounding memory (tmpfs included) and processes;
    /// `None` when this machine has none to give (the rlimits still apply).
    pub(crate) fn create(
        name: &str,
        memory_bytes: u64,
        max_processes: u64,
    ) -> Option<SessionCgroup> {
        let (dirs, kill) = match hierarchy()? {
            Hierarchy::V2 { base } => {
                let dir = base.join(name);
                let settings = [
                    ("memory.max", memory_bytes.to_string()),
                    // No swap: the limit is what the session holds.
                    ("memory.swap.max", "0".to_owned()),
                    ("pids.max", max_processes.to_string()),
                ];
                (
                    vec![(dir.clone(), settings.to_vec())],
                    Some(dir.join("cgroup.kill")),
                )
            }
            Hierarchy::V1 { memory, pids } => (
                vec![
                    (
                        memory.join(name),
                        vec![
                            ("memory.limit_in_bytes", memory_bytes.to_string()),
                            ("memory.memsw.limit_in_bytes", memory_bytes.to_string()),
                        ],
                    ),
                    (
                        pids.join(name),
                        vec![("pids.max", max_processes.to_string())],
                    ),
                ],
                None,
            ),
        };
        let group = SessionCgroup {
            dirs: dirs.iter().map(|(d, _)| d.clone()).collect(),
            kill,
        };
        // Dropping `group` on a failure removes what was made.
        for (dir, settings) in &dirs {
            if let Err(e) = std::fs::create_dir(dir) {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot create a session cgroup; rlimits only");
                return None;
            }
            for (file, value) in settings {
                let path = dir.join(file);
                if let Err(e) = std::fs::write(&path, value)
                    && !SWAP_FILES.contains(file)
                {
                    tracing::warn!(file = %path.display(), error = %e, "cannot set a session limit; rlimits only");
                    return None;
                }
            }
        }
        Some(group)
    }

    /// The `cgroup.procs` files the session's launcher joins before it
    /// starts anything.
    pub(crate) fn procs_files(&self) -> Vec<PathBuf> {
        self.dirs.iter().map(|d| d.join("cgroup.procs")).collect()
    }

    fn remove_now(&self) -> bool {
        self.dirs
            .iter()
            .all(|d| std::fs::remove_dir(d).is_ok() || !d.exists())
    }
}

impl Drop for SessionCgroup {
    /// The cgroups go once the session's processes are gone: they end with
    /// the sandbox, a moment after it is killed, so a thread waits for that
    /// (up to 5 s; a dead platform's leftovers are swept at the next start).
    fn drop(&mut self) {
        if let Some(kill) = &self.kill {
            let _ = std::fs::write(kill, "1");
        }
        if self.remove_now() {
            return;
        }
        let dirs = std::mem::take(&mut self.dirs);
        let spawned = std::thread::Builder::new()
            .name("acc-cgroup-cleanup".into())
            .spawn(move || {
                for _ in 0..100 {
                    std::thread::sleep(Duration::from_millis(50));
                    if dirs.iter().all(|d| std::fs::remove_dir(d).is_ok() || !d.exists()) {
                        return;
                    }
                }
                tracing::warn!(cgroups = ?dirs, "a session's cgroups still hold processes; left in place");
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot wait to remove a session's cgroups");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controllers_are_both_needed() {
        assert!(has_controllers("cpuset cpu io memory hugetlb pids rdma"));
        assert!(!has_controllers("cpu io memory"));
        assert!(!has_controllers(""));
    }
}
