//! What a runtime's `containerConfiguration.containerUri` points at, locally,
//! and the platform check made when a runtime is created or updated.
//!
//! Accepted forms (AgentCore itself takes ECR image URIs, which cannot be
//! pulled here):
//! - `oci-archive:/path/image.tar`, `docker-archive:/path/image.tar`: what
//!   `docker save`, `buildah push` and `skopeo copy` write;
//! - `oci:/path/layout-dir`: an OCI image layout directory;
//! - `rootfs:/path/dir`: an unpacked root filesystem, run with the
//!   runtime's entrypoint; its architecture is read from the entrypoint's
//!   ELF header;
//! - `native:<command line>`: a host command, for fast dev loops only.
//!
//! AgentCore runs linux/arm64 only, so an amd64 image is refused here, at
//! create time, instead of failing later in the cloud.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Where the agent's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArtifactSource {
    OciArchive(PathBuf),
    DockerArchive(PathBuf),
    OciLayout(PathBuf),
    RootFs(PathBuf),
    /// A host command line.
    Native(String),
}

/// How a session of this artifact will execute on this host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Execution {
    /// arm64 on an arm64 host.
    Arm64,
    /// arm64 under qemu-user on another host architecture.
    Emulated,
    /// A host command (not how AgentCore runs anything).
    Native,
}

impl Execution {
    /// The label the console and CLI show.
    pub fn label(self) -> &'static str {
        match self {
            Execution::Arm64 => "arm64",
            Execution::Emulated => "emulated",
            Execution::Native => "native",
        }
    }
}

/// What the image's config says, as far as running it goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageConfig {
    pub os: String,
    pub architecture: String,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub env: Vec<String>,
    pub working_dir: Option<String>,
    pub user: Option<String>,
}

/// A checked artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub source: ArtifactSource,
    /// `None` for native and rootfs artifacts.
    pub config: Option<ImageConfig>,
    pub execution: Execution,
}

/// The message a user with an amd64 image needs.
pub const AMD64_REFUSED: &str = "AgentCore runs linux/arm64 only; this image is linux/amd64. Rebuild with --platform linux/arm64";

/// Parse a containerUri into its source.
pub fn parse_uri(uri: &str) -> Result<ArtifactSource, String> {
    let path = |rest: &str| {
        if rest.is_empty() {
            Err(format!("containerUri {uri} names no path"))
        } else {
            Ok(PathBuf::from(rest))
        }
    };
    if let Some(rest) = uri.strip_prefix("oci-archive:") {
        return path(rest).map(ArtifactSource::OciArchive);
    }
    if let Some(rest) = uri.strip_prefix("docker-archive:") {
        return path(rest).map(ArtifactSource::DockerArchive);
    }
    if let Some(rest) = uri.strip_prefix("oci:") {
        return path(rest).map(ArtifactSource::OciLayout);
    }
    if let Some(rest) = uri.strip_prefix("rootfs:") {
        return path(rest).map(ArtifactSource::RootFs);
    }
    if let Some(rest) = uri.strip_prefix("native:") {
        if rest.trim().is_empty() {
            return Err(format!("containerUri {uri} names no command"));
        }
        return Ok(ArtifactSource::Native(rest.trim().to_owned()));
    }
    Err(format!(
        "containerUri {uri} cannot be run by the local platform: it pulls no registry images. \
         Give a local artifact: oci-archive:/path/image.tar or docker-archive:/path/image.tar \
         (docker save, buildah, skopeo copy), oci:/path/layout-dir, rootfs:/path/dir, or \
         native:<command line> for a fast dev loop"
    ))
}

/// Files of an image, read from an archive or a layout directory.
trait ImageFiles {
    fn read(&mut self, name: &str) -> Result<Vec<u8>, String>;
}

/// A tar archive, read entry by entry (archives are not seekable in general).
struct TarFiles(PathBuf);

impl ImageFiles for TarFiles {
    fn read(&mut self, name: &str) -> Result<Vec<u8>, String> {
        let file = std::fs::File::open(&self.0)
            .map_err(|e| format!("cannot open {}: {e}", self.0.display()))?;
        let mut archive = tar::Archive::new(file);
        let broken = |e: std::io::Error| tar_problem(&self.0.display().to_string(), &e);
        let entries = archive.entries().map_err(broken)?;
        let wanted = name.trim_start_matches("./");
        for entry in entries {
            let mut entry = entry.map_err(broken)?;
            let path = entry
                .path()
                .map_err(broken)?
                .to_string_lossy()
                .trim_start_matches("./")
                .to_owned();
            if path == wanted {
                let mut out = Vec::new();
                entry.read_to_end(&mut out).map_err(broken)?;
                return Ok(out);
            }
        }
        Err(format!("{} has no {name}", self.0.display()))
    }
}

/// Why `what` cannot be read as a tar, without the parser's own words:
/// they quote the bytes it could not parse (a header's name field), and
/// for a file that is no tar those are the file's first bytes, which the
/// caller who named it may not be allowed to read.
pub(crate) fn tar_problem(what: &str, e: &std::io::Error) -> String {
    if e.raw_os_error().is_some() {
        // The system's words (permission denied, I/O error) quote nothing.
        return format!("cannot read {what}: {e}");
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            format!("{what} is not a tar archive: it ends inside an entry")
        }
        _ => format!("{what} is not a tar archive: its headers do not parse as tar headers"),
    }
}

struct DirFiles(PathBuf);

impl ImageFiles for DirFiles {
    fn read(&mut self, name: &str) -> Result<Vec<u8>, String> {
        let path = self.0.join(name);
        std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

fn json(bytes: &[u8], what: &str) -> Result<Value, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("{what} is not valid JSON: {e}"))
}

fn blob_path(digest: &str) -> Result<String, String> {
    let (algorithm, hex) = digest
        .split_once(':')
        .ok_or_else(|| format!("bad digest {digest}"))?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) || algorithm.contains('/') {
        return Err(format!("bad digest {digest}"));
    }
    Ok(format!("blobs/{algorithm}/{hex}"))
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn image_config(config: &Value) -> ImageConfig {
    let run = config.get("config").or_else(|| config.get("Config"));
    let field = |name: &str| run.and_then(|c| c.get(name));
    let text = |name: &str| {
        field(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    ImageConfig {
        os: config
            .get("os")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        architecture: config
            .get("architecture")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        entrypoint: strings(field("Entrypoint")),
        cmd: strings(field("Cmd")),
        env: strings(field("Env")),
        working_dir: text("WorkingDir"),
        user: text("User"),
    }
}

/// The config of an OCI image (index → manifest → config); a multi-platform
/// index yields its linux/arm64 image when it has one.
fn oci_config(files: &mut dyn ImageFiles) -> Result<(ImageConfig, Value), String> {
    let index = json(&files.read("index.json")?, "index.json")?;
    let mut manifest_ref = pick_manifest(&index)?;
    let mut manifest = json(
        &files.read(&blob_path(&digest_of(&manifest_ref)?)?)?,
        "the image manifest",
    )?;
    // A nested index (what buildah writes for manifest lists).
    if manifest.get("manifests").is_some() {
        manifest_ref = pick_manifest(&manifest)?;
        manifest = json(
            &files.read(&blob_path(&digest_of(&manifest_ref)?)?)?,
            "the image manifest",
        )?;
    }
    let config_digest = manifest
        .get("config")
        .and_then(|c| c.get("digest"))
        .and_then(Value::as_str)
        .ok_or("the image manifest has no config digest")?;
    let config = json(&files.read(&blob_path(config_digest)?)?, "the image config")?;
    Ok((image_config(&config), manifest))
}

fn digest_of(descriptor: &Value) -> Result<String, String> {
    descriptor
        .get("digest")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "a manifest descriptor has no digest".to_owned())
}

fn pick_manifest(index: &Value) -> Result<Value, String> {
    let manifests = index
        .get("manifests")
        .and_then(Value::as_array)
        .filter(|m| !m.is_empty())
        .ok_or("the image index lists no manifests")?;
    let arm64 = manifests.iter().find(|m| {
        m.get("platform")
            .and_then(|p| p.get("architecture"))
            .and_then(Value::as_str)
            == Some("arm64")
    });
    Ok(arm64.unwrap_or(&manifests[0]).clone())
}

/// The config of a `docker save` archive (manifest.json → Config).
fn docker_config(files: &mut dyn ImageFiles) -> Result<ImageConfig, String> {
    let manifest = json(&files.read("manifest.json")?, "manifest.json")?;
    let config = manifest
        .get(0)
        .and_then(|m| m.get("Config"))
        .and_then(Value::as_str)
        .ok_or("manifest.json names no Config")?;
    Ok(image_config(&json(
        &files.read(config)?,
        "the image config",
    )?))
}

/// The ELF machine of a file: `arm64`, `amd64`, or another name.
pub fn elf_architecture(path: &Path) -> Result<String, String> {
    let mut header = [0u8; 20];
    let mut file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    file.read_exact(&mut header)
        .map_err(|_| format!("{} is not an ELF executable", path.display()))?;
    if &header[..4] != b"\x7fELF" {
        return Err(format!(
            "{} is not an ELF executable (a script needs its interpreter in the rootfs; give the interpreter as the entrypoint)",
            path.display()
        ));
    }
    let machine = if header[5] == 1 {
        u16::from_le_bytes([header[18], header[19]])
    } else {
        u16::from_be_bytes([header[18], header[19]])
    };
    Ok(match machine {
        183 => "arm64".into(),
        62 => "amd64".into(),
        other => format!("ELF machine {other}"),
    })
}

fn execution_for(architecture: &str) -> Result<Execution, String> {
    match architecture {
        "arm64" | "aarch64" if std::env::consts::ARCH == "aarch64" => Ok(Execution::Arm64),
        "arm64" | "aarch64" => Ok(Execution::Emulated),
        "amd64" | "x86_64" => Err(AMD64_REFUSED.to_owned()),
        other => Err(format!(
            "AgentCore runs linux/arm64 only; this image is linux/{other}. Rebuild with --platform linux/arm64"
        )),
    }
}

/// A native command's program, when named by path, must be there to run:
/// a venv whose interpreter was removed (a pyenv version uninstalled, a uv
/// cache cleared) is refused when the runtime is created, naming what is
/// missing, rather than failing at the first invocation with "not found".
fn check_program(command: &str) -> Result<(), String> {
    use crate::runtime::python_venv::{venv_home, venv_of};
    let Some(word) = command.split_whitespace().next() else {
        return Ok(());
    };
    let program = Path::new(word.trim_matches(['"', '\'']));
    if !program.is_absolute() {
        return Ok(());
    }
    if let Some(venv) = venv_of(program)
        && let Some(home) = venv_home(&venv)
        && !home.exists()
    {
        return Err(format!(
            "the venv {} was made from the Python in {}, which no longer exists. Recreate \
             the venv with an installed Python (python3 -m venv --clear {})",
            venv.display(),
            home.display(),
            venv.display()
        ));
    }
    if program.exists() {
        return Ok(());
    }
    Err(match std::fs::read_link(program) {
        Ok(target) => format!(
            "{} is a link to {}, which does not exist: reinstall what it points to, or name \
             an interpreter that exists",
            program.display(),
            target.display()
        ),
        Err(_) => format!("{} does not exist on this machine", program.display()),
    })
}

/// Resolve and check an artifact: the files exist, the image's platform is
/// linux/arm64. `entrypoint` is what a rootfs artifact runs.
pub fn inspect(uri: &str, entrypoint: Option<&str>) -> Result<Artifact, String> {
    let source = parse_uri(uri)?;
    let config = match &source {
        ArtifactSource::Native(command) => {
            check_program(command)?;
            return Ok(Artifact {
                source,
                config: None,
                execution: Execution::Native,
            });
        }
        ArtifactSource::OciArchive(path) => oci_config(&mut TarFiles(path.clone()))?.0,
        ArtifactSource::OciLayout(path) => oci_config(&mut DirFiles(path.clone()))?.0,
        ArtifactSource::DockerArchive(path) => docker_config(&mut TarFiles(path.clone()))?,
        ArtifactSource::RootFs(dir) => {
            let program = entrypoint.ok_or_else(|| {
                format!("containerUri {uri} is a rootfs: give the entrypoint to run (acc runtime run --entrypoint)")
            })?;
            let path = dir.join(program.trim_start_matches('/'));
            let execution = execution_for(&elf_architecture(&path)?)?;
            return Ok(Artifact {
                source,
                config: None,
                execution,
            });
        }
    };
    if !config.os.is_empty() && config.os != "linux" {
        return Err(format!(
            "AgentCore runs linux/arm64 only; this image is {}/{}. Rebuild with --platform linux/arm64",
            config.os, config.architecture
        ));
    }
    let execution = execution_for(&config.architecture)?;
    Ok(Artifact {
        source,
        config: Some(config),
        execution,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// Writes a minimal OCI archive whose config says `architecture`.
    pub(crate) fn oci_archive(dir: &Path, architecture: &str) -> PathBuf {
        let config = serde_json::to_vec(&json!({
            "os": "linux", "architecture": architecture,
            "config": { "Entrypoint": ["/agent"], "Env": ["A=1"], "WorkingDir": "/app" },
            "rootfs": { "type": "layers", "diff_ids": [] }
        }))
        .unwrap();
        let config_digest = format!("sha256:{}", "c".repeat(64));
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len() },
            "layers": []
        }))
        .unwrap();
        let manifest_digest = format!("sha256:{}", "a".repeat(64));
        let index = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "manifests": [{ "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest, "size": manifest.len() }]
        }))
        .unwrap();
        let path = dir.join(format!("{architecture}.tar"));
        let mut builder = tar::Builder::new(std::fs::File::create(&path).unwrap());
        for (name, data) in [
            (
                "oci-layout".to_owned(),
                br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
            ),
            ("index.json".to_owned(), index),
            (format!("blobs/sha256/{}", "a".repeat(64)), manifest),
            (format!("blobs/sha256/{}", "c".repeat(64)), config),
        ] {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder
                .append_data(&mut header, name, data.as_slice())
                .unwrap();
        }
        builder.finish().unwrap();
        path
    }

    #[test]
    fn arm64_is_accepted_and_amd64_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let arm = inspect(
            &format!("oci-archive:{}", oci_archive(dir.path(), "arm64").display()),
            None,
        )
        .unwrap();
        assert_ne!(arm.execution, Execution::Native);
        let config = arm.config.unwrap();
        assert_eq!(config.entrypoint, ["/agent"]);
        assert_eq!(config.working_dir.as_deref(), Some("/app"));
        let amd = inspect(
            &format!("oci-archive:{}", oci_archive(dir.path(), "amd64").display()),
            None,
        )
        .unwrap_err();
        assert_eq!(amd, AMD64_REFUSED);
    }

    #[test]
    fn uris_name_what_is_wrong() {
        assert!(
            parse_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/agent:latest")
                .unwrap_err()
                .contains("oci-archive:")
        );
        assert_eq!(
            parse_uri("native: python3 agent.py").unwrap(),
            ArtifactSource::Native("python3 agent.py".into())
        );
        assert!(parse_uri("oci-archive:").is_err());
        let missing = inspect("oci-archive:/nonexistent/image.tar", None).unwrap_err();
        assert!(missing.contains("/nonexistent/image.tar"), "{missing}");
        // The host's own binaries are this host's architecture.
        let host = elf_architecture(Path::new("/bin/sh")).unwrap();
        assert!(host == "amd64" || host == "arm64", "{host}");
    }
}
