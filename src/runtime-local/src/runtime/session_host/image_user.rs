//! The user an image asks to run as (its config's `User`: `name`, `uid`,
//! `name:group` or `uid:gid`), resolved against the image's own
//! `/etc/passwd` and `/etc/group` as a container runtime does. Sessions
//! never run as root: an image that asks for root (or names no user) runs
//! as [`DEFAULT_ID`], unprivileged and without capabilities.

use std::path::Path;

/// The uid and gid of sessions whose image names no user, or root.
pub(crate) const DEFAULT_ID: (u32, u32) = (1000, 1000);

/// The `(uid, gid)` a session of an image with root `root` runs as.
pub(crate) fn resolve(user: Option<&str>, root: &Path) -> Result<(u32, u32), String> {
    let Some(spec) = user.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(DEFAULT_ID);
    };
    let (who, group) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let passwd = image_file(root, "passwd");
    // name:x:uid:gid:...
    let entry = |matches: &dyn Fn(&[&str]) -> bool| -> Option<(u32, u32)> {
        passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() >= 4 && matches(&fields))
                .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
                .flatten()
        })
    };
    let (uid, primary_gid) = match who.parse::<u32>() {
        Ok(uid) => (uid, entry(&|f| f[2] == who).map_or(uid, |(_, gid)| gid)),
        Err(_) => entry(&|f| f[0] == who).ok_or_else(|| {
            format!("the image's User `{spec}` is not in its /etc/passwd; set a numeric User or add the user to the image")
        })?,
    };
    let gid = match group {
        None => primary_gid,
        Some(g) => match g.parse::<u32>() {
            Ok(gid) => gid,
            Err(_) => {
                let groups = image_file(root, "group");
                groups
                    .lines()
                    .find_map(|line| {
                        let fields: Vec<&str> = line.split(':').collect();
                        (fields.len() >= 3 && fields[0] == g)
                            .then(|| fields[2].parse().ok())
                            .flatten()
                    })
                    .ok_or_else(|| {
                        format!("the image's User group `{g}` is not in its /etc/group")
                    })?
            }
        },
    };
    if uid == 0 {
        return Ok(DEFAULT_ID);
    }
    Ok((uid, gid))
}

/// An account database file is no larger than this.
const MAX_ACCOUNT_FILE: u64 = 1024 * 1024;

/// `/etc/<name>` of the image rooted at `root`, read on the host: empty
/// unless `etc` is a directory and the file a regular one, neither a link.
/// The platform reads it, often as root, and the image is the caller's:
/// its links would resolve against the host (`etc/passwd -> /etc/shadow`,
/// `-> /dev/zero`), not against the image.
fn image_file(root: &Path, name: &str) -> String {
    use std::io::Read;
    let etc = root.join("etc");
    let file = etc.join(name);
    let plain = |path: &Path, dir: bool| {
        std::fs::symlink_metadata(path).is_ok_and(|m| if dir { m.is_dir() } else { m.is_file() })
    };
    if !plain(&etc, true) || !plain(&file, false) {
        return String::new();
    }
    let mut text = String::new();
    // The copy is the platform's until the session starts: no link can
    // replace the file between the check and the read.
    let _ =
        std::fs::File::open(&file).and_then(|f| f.take(MAX_ACCOUNT_FILE).read_to_string(&mut text));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_numbers_groups_and_root() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("etc")).unwrap();
        std::fs::write(
            root.path().join("etc/passwd"),
            "root:x:0:0:root:/root:/bin/sh\nagent:x:1500:1600::/home/agent:/bin/sh\n",
        )
        .unwrap();
        std::fs::write(root.path().join("etc/group"), "root:x:0:\nagents:x:1700:\n").unwrap();
        let at = |u: Option<&str>| resolve(u, root.path());
        assert_eq!(at(None), Ok(DEFAULT_ID));
        assert_eq!(at(Some("agent")), Ok((1500, 1600)));
        assert_eq!(at(Some("agent:agents")), Ok((1500, 1700)));
        assert_eq!(at(Some("1500")), Ok((1500, 1600)));
        assert_eq!(at(Some("2001:2002")), Ok((2001, 2002)));
        assert_eq!(at(Some("root")), Ok(DEFAULT_ID));
        assert_eq!(at(Some("0")), Ok(DEFAULT_ID));
        assert!(
            at(Some("nobody-here"))
                .unwrap_err()
                .contains("not in its /etc/passwd")
        );
        assert!(
            at(Some("agent:nogroup"))
                .unwrap_err()
                .contains("/etc/group")
        );
    }

    #[test]
    fn links_out_of_the_image_are_not_followed() {
        let host = tempfile::tempdir().unwrap();
        std::fs::write(host.path().join("passwd"), "agent:x:4242:4243::/:/bin/sh\n").unwrap();
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("etc")).unwrap();
        std::os::unix::fs::symlink(host.path().join("passwd"), root.path().join("etc/passwd"))
            .unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.path().join("etc/group")).unwrap();
        assert!(resolve(Some("agent"), root.path()).is_err());
        assert!(resolve(Some("1500:agents"), root.path()).is_err());
        // A linked `etc` is not followed either.
        let linked = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(host.path(), linked.path().join("etc")).unwrap();
        assert!(resolve(Some("agent"), linked.path()).is_err());
    }
}
