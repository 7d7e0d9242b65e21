//! The host identity a session runs as. Inside, an agent is uid 1000 (or
//! its image's user); what matters on the host is the uid the kernel
//! checks files against. bwrap maps the sandbox's user to the uid that
//! started it, so a platform running as root made every session host root
//! for file checks (`/etc/shadow` was readable). A root platform therefore
//! starts each session's bwrap as a uid of its own, unprivileged and owning
//! nothing on the host but the session's directory; a platform running as
//! a regular user runs sessions as that user, who is the boundary then.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

/// First uid of the range root platforms give sessions: far above the
/// uids of real users and of the usual subordinate ranges.
const DEDICATED_BASE: u32 = 2_000_000_000;
/// How many uids the range holds: it ends below 2^31, as bwrap writes uid
/// maps as signed integers.
const DEDICATED_SPAN: u32 = 1 << 27;

/// Who a session is on the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostIdentity {
    /// The platform's own (unprivileged) user.
    Platform,
    /// A uid (and gid) of its own, used by no other session: the platform
    /// runs as root.
    Dedicated(u32),
}

impl HostIdentity {
    /// The identity of a new session of this process.
    pub(crate) fn for_new_session() -> HostIdentity {
        if platform_is_root() {
            HostIdentity::Dedicated(DEDICATED_BASE + rand::random::<u32>() % DEDICATED_SPAN)
        } else {
            HostIdentity::Platform
        }
    }

    /// Give the session's directory and everything in it (its root copy)
    /// to the session, and close it to everyone else. Symlinks are changed
    /// themselves, never followed; a file with several links keeps its
    /// owner, as one of its names may lie outside the copy.
    pub(crate) fn hand_over(self, dir: &Path) -> std::io::Result<()> {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        let HostIdentity::Dedicated(uid) = self else {
            return Ok(());
        };
        let mut pending = vec![dir.to_path_buf()];
        while let Some(path) = pending.pop() {
            let meta = std::fs::symlink_metadata(&path)?;
            if meta.is_file() && meta.nlink() > 1 {
                continue;
            }
            std::os::unix::fs::lchown(&path, Some(uid), Some(uid))?;
            if meta.is_dir() {
                for entry in std::fs::read_dir(&path)? {
                    pending.push(entry?.path());
                }
            }
        }
        Ok(())
    }
}

/// Whether this process's effective uid is root.
fn platform_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dedicated_identity_owns_its_directory_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let session = dir.path().join("s-1");
        std::fs::create_dir_all(session.join("rootfs/etc")).unwrap();
        std::fs::write(session.join("rootfs/etc/passwd"), "").unwrap();
        let outside = dir.path().join("outside");
        std::fs::write(&outside, "").unwrap();
        std::os::unix::fs::symlink(&outside, session.join("rootfs/link")).unwrap();
        std::fs::hard_link(&outside, session.join("rootfs/hard")).unwrap();
        let before = std::fs::metadata(&outside).unwrap().uid();
        if platform_is_root() {
            let identity = HostIdentity::Dedicated(DEDICATED_BASE + 7);
            identity.hand_over(&session).unwrap();
            for path in ["", "rootfs", "rootfs/etc/passwd"] {
                assert_eq!(
                    std::fs::metadata(session.join(path)).unwrap().uid(),
                    DEDICATED_BASE + 7
                );
            }
            assert_eq!(
                std::fs::symlink_metadata(session.join("rootfs/link"))
                    .unwrap()
                    .uid(),
                DEDICATED_BASE + 7
            );
        } else {
            HostIdentity::Platform.hand_over(&session).unwrap();
        }
        // A link's target is never changed.
        assert_eq!(std::fs::metadata(&outside).unwrap().uid(), before);
        assert_eq!(std::fs::metadata(&session).unwrap().mode() & 0o777, 0o700);
    }
}
