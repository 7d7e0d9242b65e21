//! A session's root filesystem from its artifact: image layers applied in
//! order with whiteouts honoured (`.wh.<name>` deletes, `.wh..wh..opq`
//! empties the directory), or a copy of a rootfs directory. Each session
//! gets its own copy, destroyed at termination.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::runtime::artifacts::{ArtifactSource, tar_problem};

/// Where layer blobs are read from.
enum Layers {
    /// A tar archive holding the blobs.
    Archive(PathBuf),
    /// An OCI layout directory.
    Dir(PathBuf),
}

impl Layers {
    fn read(&self, name: &str) -> Result<Vec<u8>, String> {
        match self {
            Layers::Dir(dir) => std::fs::read(dir.join(name))
                .map_err(|e| format!("cannot read {}: {e}", dir.join(name).display())),
            Layers::Archive(path) => {
                let file = std::fs::File::open(path)
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
                let mut archive = tar::Archive::new(file);
                let broken = |e: std::io::Error| tar_problem(&path.display().to_string(), &e);
                for entry in archive.entries().map_err(broken)? {
                    let mut entry = entry.map_err(broken)?;
                    let entry_path = entry.path().map_err(broken)?;
                    if entry_path.to_string_lossy().trim_start_matches("./") == name {
                        let mut out = Vec::new();
                        entry.read_to_end(&mut out).map_err(broken)?;
                        return Ok(out);
                    }
                }
                Err(format!("{} has no {name}", path.display()))
            }
        }
    }
}

fn json(bytes: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))
}

fn blob(digest: &str) -> Result<String, String> {
    let (algorithm, hex) = digest
        .split_once(':')
        .filter(|(a, h)| !a.contains('/') && h.chars().all(|c| c.is_ascii_hexdigit()))
        .ok_or_else(|| format!("bad digest {digest}"))?;
    Ok(format!("blobs/{algorithm}/{hex}"))
}

/// The layer file names of an image, base first.
fn layer_names(source: &Layers, docker: bool) -> Result<Vec<String>, String> {
    if docker {
        let manifest = json(&source.read("manifest.json")?)?;
        return Ok(manifest
            .get(0)
            .and_then(|m| m.get("Layers"))
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default());
    }
    let index = json(&source.read("index.json")?)?;
    let pick = |index: &Value| -> Result<String, String> {
        let manifests = index
            .get("manifests")
            .and_then(Value::as_array)
            .filter(|m| !m.is_empty())
            .ok_or("the image index lists no manifests")?;
        let chosen = manifests
            .iter()
            .find(|m| m.pointer("/platform/architecture").and_then(Value::as_str) == Some("arm64"))
            .unwrap_or(&manifests[0]);
        chosen
            .get("digest")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| "a manifest has no digest".to_owned())
    };
    let mut manifest = json(&source.read(&blob(&pick(&index)?)?)?)?;
    if manifest.get("manifests").is_some() {
        manifest = json(&source.read(&blob(&pick(&manifest)?)?)?)?;
    }
    manifest
        .get("layers")
        .and_then(Value::as_array)
        .map(|layers| {
            layers
                .iter()
                .map(|l| blob(l.get("digest").and_then(Value::as_str).unwrap_or_default()))
                .collect()
        })
        .unwrap_or_else(|| Ok(Vec::new()))
}

/// A path inside the root, refusing `..` and absolute escapes.
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    let mut out = root.to_path_buf();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir | Component::RootDir => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The directory `rel` names inside `root`, reached without following a
/// symlink (a layer's symlink may point anywhere on the host); `None` when
/// it escapes, is missing or is not a directory.
fn real_dir_inside(root: &Path, rel: &Path) -> Option<PathBuf> {
    let mut out = inside(root, rel)?;
    if out == root {
        return Some(out);
    }
    out = root.to_path_buf();
    for component in rel.components() {
        if let Component::Normal(part) = component {
            out.push(part);
            if !std::fs::symlink_metadata(&out).ok()?.is_dir() {
                return None;
            }
        }
    }
    Some(out)
}

/// Apply a whiteout entry (`path` ends in `name`, `.wh.…`): remove what it
/// hides from the lower layers, or (opaque) empty its directory; never
/// anything outside `root`.
fn whiteout(root: &Path, path: &Path, name: &str) {
    let Some(parent) = path.parent().and_then(|p| real_dir_inside(root, p)) else {
        return;
    };
    let remove = |p: &Path| {
        let _ = std::fs::remove_dir_all(p).or_else(|_| std::fs::remove_file(p));
    };
    if name == ".wh..wh..opq" {
        // Opaque: the lower layers' contents of this directory vanish.
        if let Ok(children) = std::fs::read_dir(&parent) {
            children.flatten().for_each(|child| remove(&child.path()));
        }
        return;
    }
    let hidden = &name[".wh.".len()..];
    // Only a plain name: `.`, `..` or a path would reach past the entry.
    if matches!(
        Path::new(hidden).components().collect::<Vec<_>>()[..],
        [Component::Normal(_)]
    ) {
        remove(&parent.join(hidden));
    }
}

/// Apply one layer (a tar, gzip-compressed or not) onto `root`.
fn apply_layer(root: &Path, data: &[u8]) -> Result<(), String> {
    let reader: Box<dyn Read> = if data.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::GzDecoder::new(data))
    } else {
        Box::new(data)
    };
    let mut archive = tar::Archive::new(reader);
    archive.set_preserve_permissions(true);
    archive.set_overwrite(true);
    for entry in archive.entries().map_err(|e| tar_problem("a layer", &e))? {
        let mut entry = entry.map_err(|e| tar_problem("a layer", &e))?;
        let path = entry
            .path()
            .map_err(|e| tar_problem("a layer", &e))?
            .into_owned();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with(".wh.") {
            whiteout(root, &path, name);
            continue;
        }
        if inside(root, &path).is_none() {
            continue;
        }
        entry
            .unpack_in(root)
            .map_err(|e| format!("cannot unpack {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Build a fresh root filesystem for one session at `root`.
pub(crate) fn session_root(source: &ArtifactSource, root: &Path) -> Result<(), String> {
    std::fs::create_dir_all(root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    let (layers, docker) = match source {
        ArtifactSource::OciArchive(path) => (Layers::Archive(path.clone()), false),
        ArtifactSource::DockerArchive(path) => (Layers::Archive(path.clone()), true),
        ArtifactSource::OciLayout(dir) => (Layers::Dir(dir.clone()), false),
        ArtifactSource::RootFs(dir) => {
            let status = std::process::Command::new("cp")
                .args(["-a", "--reflink=auto"])
                .arg(format!("{}/.", dir.display()))
                .arg(root)
                .status()
                .map_err(|e| format!("cannot copy {}: {e}", dir.display()))?;
            return if status.success() {
                Ok(())
            } else {
                Err(format!("cannot copy {}", dir.display()))
            };
        }
        ArtifactSource::Native(_) => return Ok(()),
    };
    for name in layer_names(&layers, docker)? {
        apply_layer(root, &layers.read(&name)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, data) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o755);
            header.set_cksum();
            builder.append_data(&mut header, name, *data).unwrap();
        }
        builder.into_inner().unwrap()
    }

    #[test]
    fn layers_apply_in_order_with_whiteouts() {
        let root = tempfile::tempdir().unwrap();
        apply_layer(
            root.path(),
            &layer(&[("etc/a", b"1"), ("etc/b", b"2"), ("data/x", b"x")]),
        )
        .unwrap();
        apply_layer(
            root.path(),
            &layer(&[
                ("etc/a", b"one"),
                ("etc/.wh.b", b""),
                ("data/.wh..wh..opq", b""),
                ("data/y", b"y"),
            ]),
        )
        .unwrap();
        let read = |p: &str| std::fs::read_to_string(root.path().join(p)).ok();
        assert_eq!(read("etc/a").as_deref(), Some("one"));
        assert_eq!(read("etc/b"), None);
        assert_eq!(read("data/x"), None);
        assert_eq!(read("data/y").as_deref(), Some("y"));
        // A layer cannot write outside the root.
        assert!(inside(root.path(), Path::new("../escape")).is_none());
    }

    #[test]
    fn whiteouts_never_reach_outside_the_root() {
        let scratch = tempfile::tempdir().unwrap();
        let (root, outside) = (scratch.path().join("root"), scratch.path().join("outside"));
        std::fs::create_dir_all(outside.join("dir")).unwrap();
        std::fs::write(outside.join("secret"), b"host").unwrap();
        std::fs::create_dir_all(&root).unwrap();
        let mut builder = tar::Builder::new(Vec::new());
        let mut link = tar::Header::new_gnu();
        link.set_entry_type(tar::EntryType::Symlink);
        link.set_size(0);
        builder.append_link(&mut link, "l", "../outside").unwrap();
        let mut data = builder.into_inner().unwrap();
        data.truncate(data.len() - 1024);
        let whiteouts = layer(&[
            ("l/.wh.secret", b""),
            ("l/dir/.wh..wh..opq", b""),
            (".wh...", b""),
        ]);
        data.extend(whiteouts);
        apply_layer(&root, &data).unwrap();
        assert!(
            outside.join("secret").exists(),
            "a whiteout followed a symlink out of the root"
        );
        assert!(outside.join("dir").exists());
        assert!(root.exists(), "a `..` whiteout removed the root's parent");
    }
}
