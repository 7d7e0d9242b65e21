//! The image unpacking fuzz target: image layers (tar, gzipped or not, with
//! links and whiteouts) applied into a session root inside a scratch
//! directory, next to files that must survive untouched.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::runtime::artifacts::ArtifactSource;
use crate::runtime::image_unpack::session_root;

/// Splits the fuzz input into layers (easy for the fuzzer to learn).
const LAYER_SEPARATOR: &[u8] = b"\n--layer--\n";
/// What the file outside the root holds, before and after.
const CANARY: &[u8] = b"outside the session root";
/// gzip's best ratio is about 1:1032; a layer cannot legitimately expand
/// further (sparse files count by the blocks they really take).
const MAX_EXPANSION: u64 = 1100;

/// This process's scratch directory (its layout: `root/`, the session
/// root; `outside/`, what must not change; `image.tar`, the archive).
fn scratch() -> &'static Path {
    static SCRATCH: OnceLock<PathBuf> = OnceLock::new();
    SCRATCH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("acc-fuzz-unpack-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        dir
    })
}

/// A fresh root, an intact outside: the state before each input.
fn reset(scratch: &Path) {
    for name in ["root", "outside"] {
        let _ = std::fs::remove_dir_all(scratch.join(name));
    }
    let _ = std::fs::remove_file(scratch.join("image.tar"));
    std::fs::create_dir_all(scratch.join("outside/dir")).expect("the outside directory");
    std::fs::write(scratch.join("outside/canary"), CANARY).expect("the canary");
    std::fs::write(scratch.join("outside/dir/file"), CANARY).expect("the canary");
}

/// A `docker save` archive holding these layers, in order.
fn docker_archive(layers: &[&[u8]]) -> Vec<u8> {
    let names: Vec<String> = (0..layers.len())
        .map(|i| format!("{i}/layer.tar"))
        .collect();
    let manifest = serde_json::json!([{ "Config": "config.json", "Layers": names }]);
    let config = br#"{"architecture":"arm64","os":"linux","config":{}}"#;
    let mut builder = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, name, data)
            .expect("a tar in memory");
    };
    add("manifest.json", manifest.to_string().as_bytes());
    add("config.json", config);
    for (name, layer) in names.iter().zip(layers) {
        add(name, layer);
    }
    builder.into_inner().expect("a tar in memory")
}

/// Nothing outside the root changed: the scratch directory holds what it
/// held, the canaries are there with their bytes.
fn assert_outside_intact(scratch: &Path) {
    let mut names: Vec<String> = std::fs::read_dir(scratch)
        .expect("the scratch directory is still there")
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["image.tar", "outside", "root"],
        "unpacking wrote next to the root"
    );
    for canary in ["outside/canary", "outside/dir/file"] {
        let path = scratch.join(canary);
        let meta = std::fs::symlink_metadata(&path)
            .unwrap_or_else(|e| panic!("unpacking removed {}: {e}", path.display()));
        assert!(meta.is_file(), "unpacking replaced {}", path.display());
        assert_eq!(
            std::fs::read(&path).ok().as_deref(),
            Some(CANARY),
            "unpacking changed {canary}"
        );
        assert_eq!(
            meta.nlink(),
            1,
            "unpacking hard-linked {canary} into the root"
        );
    }
    let mut outside: Vec<_> = std::fs::read_dir(scratch.join("outside"))
        .expect("the outside directory")
        .map(|e| e.expect("a directory entry").file_name())
        .collect();
    outside.sort();
    assert_eq!(
        outside,
        ["canary", "dir"],
        "unpacking wrote into the outside directory"
    );
}

/// The blocks the files under `dir` really take, in bytes (links not
/// followed).
fn allocated(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.path().symlink_metadata() {
            Ok(meta) if meta.is_dir() => allocated(&entry.path()),
            Ok(meta) => meta.blocks() * 512,
            Err(_) => 0,
        })
        .sum()
}

/// Image tar/OCI unpacking. The first byte's low bit picks the form: the
/// rest split into layers (at `\n--layer--\n`) of a `docker save` archive,
/// or the rest as the archive itself (read as OCI, then as docker). Layers
/// may hold `..` and absolute paths, symlinks, hard links and whiteouts;
/// whatever they hold, nothing outside the session root is written,
/// removed or linked, and the root takes no more than the input can
/// expand to.
pub fn image_layers(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let scratch = scratch();
    reset(scratch);
    let root = scratch.join("root");
    let archive = scratch.join("image.tar");
    let sources = if mode & 1 == 0 {
        let layers: Vec<&[u8]> = split(rest, LAYER_SEPARATOR);
        std::fs::write(&archive, docker_archive(&layers)).expect("the archive");
        vec![ArtifactSource::DockerArchive(archive.clone())]
    } else {
        std::fs::write(&archive, rest).expect("the archive");
        vec![
            ArtifactSource::OciArchive(archive.clone()),
            ArtifactSource::DockerArchive(archive.clone()),
        ]
    };
    for source in sources {
        let _ = session_root(&source, &root);
        assert_outside_intact(scratch);
    }
    let limit = MAX_EXPANSION * data.len() as u64 + 1024 * 1024;
    let used = allocated(&root);
    // Nothing left behind once the input passed (a failure keeps it to look at).
    let _ = std::fs::remove_dir_all(scratch);
    assert!(
        used <= limit,
        "{used} bytes unpacked from {} input bytes",
        data.len()
    );
}

/// `data` cut at every `separator`.
fn split<'a>(data: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(separator.len()).position(|w| w == separator) {
        parts.push(&rest[..at]);
        rest = &rest[at + separator.len()..];
    }
    parts.push(rest);
    parts
}
