//! `acc runtime run`'s artifact as the platform must see it. A path in
//! `oci-archive:`, `docker-archive:`, `oci:` or `rootfs:` names a file on
//! the machine running `acc`: it is made absolute here, checked to exist,
//! and refused with the reason when the platform is on another machine
//! (it would look on its own disk). Nothing is uploaded: AgentCore's API
//! takes a URI, not bytes.

use std::path::{Path, PathBuf};

use acc_backend::{ContextInfo, ContextKind};

use super::exit::{Failure, failed, usage};

/// The schemes whose rest is a path on the caller's machine.
const PATH_SCHEMES: [&str; 4] = ["oci-archive:", "docker-archive:", "oci:", "rootfs:"];

/// `artifact` with its path made absolute against `cwd`; other URIs
/// (`native:`, registry images) pass through unchanged.
pub(crate) fn for_platform(
    artifact: &str,
    cwd: &Path,
    ctx: &ContextInfo,
) -> Result<String, Failure> {
    let Some((scheme, rest)) = PATH_SCHEMES
        .iter()
        .find_map(|s| artifact.strip_prefix(s).map(|rest| (*s, rest)))
    else {
        return Ok(artifact.to_owned());
    };
    if rest.is_empty() {
        return Err(usage(format!("the artifact {artifact} names no path")));
    }
    let path: PathBuf = cwd.join(rest);
    if !path.exists() {
        return Err(usage(format!(
            "the artifact {} does not exist on this machine (from {artifact} in {})",
            path.display(),
            cwd.display()
        )));
    }
    if !on_this_machine(ctx) {
        return Err(failed(format!(
            "{} is on this machine, but the platform at {} is not: it would look for the file \
             on its own disk. {}",
            path.display(),
            ctx.endpoint,
            match ctx.kind {
                ContextKind::Aws =>
                    "Live AgentCore runs images from ECR: push the image and pass its URI",
                _ =>
                    "Copy the artifact there and pass its path on that machine, or run `acc serve` here",
            }
        )));
    }
    Ok(format!("{scheme}{}", path.display()))
}

/// The embedded platform, or an endpoint on loopback.
fn on_this_machine(ctx: &ContextInfo) -> bool {
    match ctx.kind {
        ContextKind::Local => true,
        ContextKind::Aws => false,
        ContextKind::Endpoint => {
            host_of(&ctx.endpoint).is_some_and(acc_domain::loopback::is_loopback_host)
        }
    }
}

/// The host of `scheme://host[:port]/…`, without IPv6 brackets.
fn host_of(url: &str) -> Option<&str> {
    let authority = url.split_once("://")?.1.split('/').next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split_once(']').map(|(host, _)| host);
    }
    Some(
        authority
            .split_once(':')
            .map_or(authority, |(host, _)| host),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(url: &str) -> ContextInfo {
        ContextInfo {
            kind: ContextKind::Endpoint,
            name: "endpoint".into(),
            region: None,
            endpoint: url.into(),
        }
    }

    #[test]
    fn loopback_endpoints_are_this_machine() {
        for url in [
            "http://127.0.0.1:4566",
            "http://localhost:1/x",
            "http://[::1]:9",
        ] {
            assert!(on_this_machine(&endpoint(url)), "{url}");
        }
        for url in [
            "http://192.0.2.1:4566",
            "https://example.com",
            "http://[2001:db8::1]:1",
        ] {
            assert!(!on_this_machine(&endpoint(url)), "{url}");
        }
    }
}
