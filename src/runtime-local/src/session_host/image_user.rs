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
    let passwd = std::fs::read_to_string(root.join("etc/passwd")).unwrap_or_default();
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
                let groups = std::fs::read_to_string(root.join("etc/group")).unwrap_or_default();
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
}
