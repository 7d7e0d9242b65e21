//! OCI image archives written by the tests themselves (as `skopeo copy …
//! oci-archive:` writes them): index → manifest → config + one layer,
//! with real sha256 digests.
#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

fn sha256(data: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// A tar of `(path, contents, mode)` entries.
pub fn tar_of(files: &[(&str, &[u8], u32)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data, mode) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(*mode);
        header.set_cksum();
        builder.append_data(&mut header, name, *data).unwrap();
    }
    builder.into_inner().unwrap()
}

/// An image whose config says `architecture` and whose one layer holds
/// `files`, running `/agent`; written to `dir/agent-<architecture>.tar`.
pub fn oci_archive(dir: &Path, architecture: &str, files: &[(&str, &[u8], u32)]) -> PathBuf {
    oci_archive_as(dir, architecture, files, None)
}

/// [`oci_archive`] whose config also names the `User` to run as.
pub fn oci_archive_as(
    dir: &Path,
    architecture: &str,
    files: &[(&str, &[u8], u32)],
    user: Option<&str>,
) -> PathBuf {
    oci_archive_of_layer(dir, architecture, &tar_of(files), user)
}

/// A tar of the directory `root` as a layer: symlinks stay links, modes
/// and owners as they are on disk.
pub fn tar_of_dir(root: &Path) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    builder.follow_symlinks(false);
    builder.append_dir_all(".", root).unwrap();
    builder.into_inner().unwrap()
}

/// [`oci_archive_as`] with its one layer given as a tar (links, say).
pub fn oci_archive_of_layer(
    dir: &Path,
    architecture: &str,
    layer: &[u8],
    user: Option<&str>,
) -> PathBuf {
    let mut image_config =
        json!({ "Entrypoint": ["/agent"], "Env": ["AGENT_FLAVOUR=test"], "WorkingDir": "/" });
    if let Some(user) = user {
        image_config["User"] = json!(user);
    }
    oci_archive_with_config(dir, architecture, layer, image_config)
}

/// An image of one `layer` whose config's `config` member is
/// `image_config` (`Entrypoint`, `Cmd`, `Env`, `User`, `WorkingDir`), as
/// `skopeo copy … oci-archive:` writes it: index → manifest → config +
/// uncompressed layer, with real sha256 digests; written to
/// `dir/agent-<architecture>.tar`.
pub fn oci_archive_with_config(
    dir: &Path,
    architecture: &str,
    layer: &[u8],
    image_config: Value,
) -> PathBuf {
    archive(dir, architecture, layer, image_config, false)
}

/// [`oci_archive_with_config`] laid out as `docker buildx build --platform
/// linux/arm64 -o type=oci,dest=…` writes it: a gzip-compressed layer, and
/// an `index.json` naming an image index that lists the image's manifest
/// and buildx's provenance attestation manifest (platform unknown/unknown).
pub fn buildx_oci_archive(
    dir: &Path,
    architecture: &str,
    layer: &[u8],
    image_config: Value,
) -> PathBuf {
    archive(dir, architecture, layer, image_config, true)
}

/// Blobs by digest, written under `blobs/sha256/`.
#[derive(Default)]
struct Blobs(Vec<(String, Vec<u8>)>);

impl Blobs {
    /// Stores `data`; its descriptor, of `media_type`.
    fn add(&mut self, media_type: &str, data: Vec<u8>) -> Value {
        let digest = format!("sha256:{}", sha256(&data));
        let descriptor = json!({ "mediaType": media_type, "digest": digest, "size": data.len() });
        self.0.push((digest, data));
        descriptor
    }

    /// A manifest of `config` and `layers` (descriptors), stored.
    fn manifest(&mut self, config: Value, layers: Vec<Value>) -> Value {
        let manifest = json!({ "schemaVersion": 2, "mediaType": MANIFEST, "config": config, "layers": layers });
        self.add(MANIFEST, serde_json::to_vec(&manifest).unwrap())
    }
}

const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const CONFIG: &str = "application/vnd.oci.image.config.v1+json";

fn archive(
    dir: &Path,
    architecture: &str,
    layer: &[u8],
    image_config: Value,
    buildx: bool,
) -> PathBuf {
    let mut blobs = Blobs::default();
    let diff_id = format!("sha256:{}", sha256(layer));
    let config = serde_json::to_vec(&json!({
        "os": "linux", "architecture": architecture,
        "config": image_config,
        "rootfs": { "type": "layers", "diff_ids": [diff_id] }
    }))
    .unwrap();
    let config = blobs.add(CONFIG, config);
    let layer = if buildx {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gzip.write_all(layer).unwrap();
        blobs.add(
            "application/vnd.oci.image.layer.v1.tar+gzip",
            gzip.finish().unwrap(),
        )
    } else {
        blobs.add("application/vnd.oci.image.layer.v1.tar", layer.to_vec())
    };
    let mut image = blobs.manifest(config, vec![layer]);
    image["platform"] = json!({ "os": "linux", "architecture": architecture });
    let mut manifests = vec![image.clone()];
    if buildx {
        manifests.push(provenance(&mut blobs, &image));
        let nested = json!({ "schemaVersion": 2, "mediaType": INDEX, "manifests": manifests });
        manifests = vec![blobs.add(INDEX, serde_json::to_vec(&nested).unwrap())];
    }
    let index = serde_json::to_vec(
        &json!({ "schemaVersion": 2, "mediaType": INDEX, "manifests": manifests }),
    )
    .unwrap();
    let mut files: Vec<(String, &[u8], u32)> = vec![
        (
            "oci-layout".into(),
            br#"{"imageLayoutVersion":"1.0.0"}"#,
            0o644,
        ),
        ("index.json".into(), &index, 0o644),
    ];
    for (digest, data) in &blobs.0 {
        let name = format!("blobs/sha256/{}", digest.trim_start_matches("sha256:"));
        files.push((name, data, 0o644));
    }
    let files: Vec<(&str, &[u8], u32)> =
        files.iter().map(|(n, d, m)| (n.as_str(), *d, *m)).collect();
    let path = dir.join(format!("agent-{architecture}.tar"));
    std::fs::write(&path, tar_of(&files)).unwrap();
    path
}

const INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// buildx's provenance attestation of `image`: an in-toto statement as its
/// one layer, platform unknown/unknown, pointing back at the image.
fn provenance(blobs: &mut Blobs, image: &Value) -> Value {
    let statement = json!({ "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://slsa.dev/provenance/v0.2", "predicate": {} });
    let statement = serde_json::to_vec(&statement).unwrap();
    let diff_id = format!("sha256:{}", sha256(&statement));
    let layer = blobs.add("application/vnd.in-toto+json", statement);
    let config = json!({ "architecture": "unknown", "os": "unknown", "config": {},
        "rootfs": { "type": "layers", "diff_ids": [diff_id] } });
    let config = blobs.add(CONFIG, serde_json::to_vec(&config).unwrap());
    let mut attestation = blobs.manifest(config, vec![layer]);
    attestation["platform"] = json!({ "os": "unknown", "architecture": "unknown" });
    attestation["annotations"] = json!({
        "vnd.docker.reference.digest": image["digest"],
        "vnd.docker.reference.type": "attestation-manifest"
    });
    attestation
}

/// The arm64 test agent (`tests/arm64_agent/agent.c`), cross-compiled
/// static with `aarch64-linux-gnu-gcc`, as an OCI archive in `dir` that
/// names no user (so it runs as the sandbox's default user).
pub fn arm64_agent_image(dir: &Path) -> PathBuf {
    let agent = arm64_agent(dir);
    oci_archive(dir, "arm64", &[("agent", &agent, 0o755)])
}

/// The arm64 test agent's static binary, built in `dir`.
pub fn arm64_agent(dir: &Path) -> Vec<u8> {
    require_tool(
        "aarch64-linux-gnu-gcc",
        "gcc-aarch64-linux-gnu libc6-dev-arm64-cross",
    );
    require_tool("qemu-aarch64-static", "qemu-user-static");
    let binary = dir.join("agent");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/arm64_agent/agent.c");
    let built = Command::new("aarch64-linux-gnu-gcc")
        .args(["-static", "-O2", "-o"])
        .arg(&binary)
        .arg(&source)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    std::fs::read(&binary).unwrap()
}

/// The arm64 CPython agent image: its root filesystem as
/// `tests/arm64_python/prepare.sh` makes it (Debian's arm64 CPython 3.11,
/// PyPI's aarch64 wheels of bedrock-agentcore, mcp and OpenTelemetry, and
/// `tests/python_agent/agent.py` in `/app`), packed as an OCI archive in
/// `dir` whose config runs `python3 agent.py` in `/app` as its own user
/// `agent` (uid 1001), as a Dockerfile's `USER` and `CMD` would.
pub fn arm64_python_image(dir: &Path) -> PathBuf {
    require_tool("qemu-aarch64-static", "qemu-user-static");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/arm64_python/prepare.sh");
    let prepared = Command::new(&script).output().unwrap();
    assert!(
        prepared.status.success(),
        "{} failed (./tests/run adds the arm64 package lists it needs):\n{}",
        script.display(),
        String::from_utf8_lossy(&prepared.stderr)
    );
    let stdout = String::from_utf8(prepared.stdout).unwrap();
    let rootfs = PathBuf::from(stdout.lines().last().unwrap_or_default());
    let image_config = json!({
        "Cmd": ["python3", "agent.py"],
        "WorkingDir": "/app",
        "User": "agent",
        "Env": [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "PYTHONUNBUFFERED=1"
        ]
    });
    oci_archive_with_config(dir, "arm64", &tar_of_dir(&rootfs), image_config)
}

/// Fails, saying how to get it, unless `tool` is on PATH (`package` has it).
pub fn require_tool(tool: &str, package: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "{tool} is required: run ./tests/run (it installs it) or `apt-get install {package}`"
    );
}
