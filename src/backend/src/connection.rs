//! Building SDK clients for a context: local, custom endpoint, or live AWS.

use aws_config::{BehaviorVersion, Region};
use aws_sdk_bedrockagentcorecontrol as control;
use serde::Serialize;

use crate::error::BackendError;

/// The one HTTPS client for calls outside the AWS SDK (bearer-token
/// invocations, MCP, the local platform's listings): it pools connections.
pub(crate) static HTTP: std::sync::LazyLock<reqwest::Client> =
    std::sync::LazyLock::new(reqwest::Client::new);

/// Milliseconds since the epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Credentials the local platform accepts. They are not secret: the local
/// platform does not verify SigV4, it only needs requests to be signed.
const LOCAL_ACCESS_KEY: &str = "acclocal";
const LOCAL_SECRET_KEY: &str = "acclocalsecret";
const LOCAL_REGION: &str = "us-east-1";

/// Which platform to talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectTarget {
    /// The platform embedded in this binary, already listening at `endpoint`.
    Embedded {
        /// Base URL of the embedded platform, e.g. `http://127.0.0.1:4566`.
        endpoint: String,
    },
    /// Any AgentCore-compatible endpoint (e.g. `acc serve` elsewhere).
    Endpoint {
        /// Base URL every SDK client is pointed at (endpoint override).
        url: String,
        /// Signing region; `us-east-1` when None.
        region: Option<String>,
    },
    /// Live AWS, through the standard credential chain (env, profiles, SSO).
    Live {
        /// AWS profile name; None uses the default chain (`AWS_PROFILE`, then `default`).
        profile: Option<String>,
        /// Region override; None takes it from the environment or the profile.
        region: Option<String>,
    },
}

/// How the header describes the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContextKind {
    /// The platform embedded in this binary; serialized as `local`.
    Local,
    /// A custom AgentCore-compatible endpoint; serialized as `endpoint`.
    Endpoint,
    /// Live AWS; serialized as `aws`.
    Aws,
}

/// What the console shows about where it is connected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextInfo {
    /// Which kind of platform this is.
    pub kind: ContextKind,
    /// `local`, `endpoint`, or the profile name for live AWS.
    pub name: String,
    /// The signing region; None when live AWS has no region configured.
    pub region: Option<String>,
    /// The endpoint calls go to; for live AWS, the regional service endpoint.
    pub endpoint: String,
}

impl ContextInfo {
    /// One line for the header: `local · http://127.0.0.1:4566`.
    pub fn label(&self) -> String {
        match (&self.kind, &self.region) {
            (ContextKind::Aws, Some(r)) => format!("aws:{}/{}", self.name, r),
            (ContextKind::Aws, None) => format!("aws:{} (no region)", self.name),
            _ => self.name.clone(),
        }
    }
}

/// What to do when no region is configured.
pub(crate) const NO_REGION: &str = "no AWS region is configured: pass --region, set AWS_REGION, or add `region` to the profile in ~/.aws/config";

/// A connected backend: cheap to clone, safe to share across tasks.
#[derive(Debug, Clone)]
pub struct Backend {
    pub(crate) control: control::Client,
    /// CloudWatch Logs: captured calls, gateway logs.
    pub(crate) logs: aws_sdk_cloudwatchlogs::Client,
    /// The AgentCore data plane: InvokeAgentRuntime, StopRuntimeSession.
    pub(crate) data: aws_sdk_bedrockagentcore::Client,
    /// The credentials the SDK clients sign with, for requests they don't
    /// send (MCP calls to AWS_IAM gateways); None when none are configured.
    pub(crate) credentials: Option<aws_sdk_bedrockagentcore::config::SharedCredentialsProvider>,
    context: ContextInfo,
    /// Set when the configuration is known to be unusable (e.g. no region);
    /// every call then fails with this message instead of an SDK panic.
    pub(crate) config_problem: Option<String>,
}

impl Backend {
    /// Builds clients for `target`. This never fails: a missing region or
    /// credentials are reported by the first call
    /// so the console can start and show the problem on screen.
    pub async fn connect(target: ConnectTarget) -> Backend {
        match target {
            ConnectTarget::Embedded { endpoint } => {
                Self::with_endpoint(ContextKind::Local, "local", endpoint, None).await
            }
            ConnectTarget::Endpoint { url, region } => {
                Self::with_endpoint(ContextKind::Endpoint, "endpoint", url, region).await
            }
            ConnectTarget::Live { profile, region } => Self::live(profile, region).await,
        }
    }

    async fn with_endpoint(
        kind: ContextKind,
        name: &str,
        endpoint: String,
        region: Option<String>,
    ) -> Backend {
        let region = region.unwrap_or_else(|| LOCAL_REGION.to_string());
        let creds = control::config::Credentials::new(
            LOCAL_ACCESS_KEY,
            LOCAL_SECRET_KEY,
            None,
            None,
            "acc-local",
        );
        let config = control::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.clone()))
            .credentials_provider(creds.clone())
            .endpoint_url(endpoint.clone())
            .build();
        // The local platform serves CloudWatch Logs and the data plane on
        // the same port.
        let logs = aws_sdk_cloudwatchlogs::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.clone()))
            .credentials_provider(creds.clone())
            .endpoint_url(endpoint.clone())
            .build();
        let data = aws_sdk_bedrockagentcore::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.clone()))
            .credentials_provider(creds.clone())
            .endpoint_url(endpoint.clone())
            .build();
        Backend {
            control: control::Client::from_conf(config),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(logs),
            data: aws_sdk_bedrockagentcore::Client::from_conf(data),
            credentials: Some(
                aws_sdk_bedrockagentcore::config::SharedCredentialsProvider::new(creds),
            ),
            context: ContextInfo {
                kind,
                name: name.into(),
                region: Some(region),
                endpoint,
            },
            config_problem: None,
        }
    }

    async fn live(profile: Option<String>, region: Option<String>) -> Backend {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(p) = &profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &region {
            loader = loader.region(Region::new(r.clone()));
        }
        let shared = loader.load().await;
        let region = shared.region().map(|r| r.to_string());
        let missing_profile = profile.as_ref().filter(|p| {
            std::env::var_os("AWS_ACCESS_KEY_ID").is_none() && !aws_profiles().contains(p)
        });
        let config_problem = if let Some(p) = missing_profile {
            Some(format!(
                "AWS profile `{p}` is not in ~/.aws/config or ~/.aws/credentials: create it with `aws configure --profile {p}` or `aws configure sso`"
            ))
        } else if region.is_none() {
            Some(NO_REGION.to_string())
        } else {
            None
        };
        let endpoint = match &region {
            Some(r) => format!("https://bedrock-agentcore-control.{r}.amazonaws.com"),
            None => "(no region)".into(),
        };
        Backend {
            control: control::Client::new(&shared),
            logs: aws_sdk_cloudwatchlogs::Client::new(&shared),
            data: aws_sdk_bedrockagentcore::Client::new(&shared),
            credentials: shared.credentials_provider(),
            context: ContextInfo {
                kind: ContextKind::Aws,
                name: profile
                    .or_else(|| std::env::var("AWS_PROFILE").ok())
                    .unwrap_or_else(|| "default".into()),
                region,
                endpoint,
            },
            config_problem,
        }
    }

    /// Where this backend is connected.
    pub fn context(&self) -> &ContextInfo {
        &self.context
    }

    pub(crate) fn check_config(&self) -> Result<(), BackendError> {
        match &self.config_problem {
            Some(p) => Err(BackendError::Config(p.clone())),
            None => Ok(()),
        }
    }
}

/// A context named in `$XDG_CONFIG_HOME/acc/contexts.toml`: an
/// AgentCore-compatible endpoint the user connects to by name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedEndpoint {
    /// The table's name, e.g. `[staging]`.
    #[serde(skip)]
    pub name: String,
    /// Its base URL (`endpoint = "http://10.0.0.5:4577"`).
    pub endpoint: String,
    /// Its signing region; `us-east-1` when absent.
    pub region: Option<String>,
}

/// Where named endpoints live: `$XDG_CONFIG_HOME/acc/contexts.toml`.
pub fn contexts_file() -> Option<std::path::PathBuf> {
    dirs::config_dir().map(|d| d.join("acc").join("contexts.toml"))
}

/// The endpoints `contexts.toml` names, by name; none when there is
/// no file. A file that does not parse is an error naming it and the
/// problem, so `:ctx` can say what to fix.
pub fn named_endpoints() -> Result<Vec<NamedEndpoint>, String> {
    let Some(path) = contexts_file().filter(|p| p.exists()) else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_named_endpoints(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `[name]` tables with `endpoint` and an optional `region`.
fn parse_named_endpoints(text: &str) -> Result<Vec<NamedEndpoint>, String> {
    let tables: toml::Table = toml::from_str(text).map_err(|e| e.message().to_owned())?;
    tables
        .into_iter()
        .map(|(name, value)| {
            let mut named: NamedEndpoint = value
                .try_into()
                .map_err(|e: toml::de::Error| format!("[{name}]: {}", e.message()))?;
            named.name = name;
            Ok(named)
        })
        .collect()
}

/// Profile names from the shared AWS config and credentials files, for the
/// `:ctx` view. Reads `AWS_CONFIG_FILE`/`AWS_SHARED_CREDENTIALS_FILE` when set.
pub fn aws_profiles() -> Vec<String> {
    let home = std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_default();
    let config = std::env::var_os("AWS_CONFIG_FILE")
        .map(Into::into)
        .unwrap_or_else(|| home.join(".aws/config"));
    let credentials = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(Into::into)
        .unwrap_or_else(|| home.join(".aws/credentials"));
    let mut names = Vec::new();
    for (path, prefixed) in [(config, true), (credentials, false)] {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        names.extend(profile_sections(&text, prefixed));
    }
    names.sort();
    names.dedup();
    names
}

/// `[default]` and `[profile name]` (config file) or `[name]` (credentials).
fn profile_sections(text: &str, config_file: bool) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix('[')?.strip_suffix(']'))
        .filter_map(|section| {
            let section = section.trim();
            if section == "default" {
                return Some(section.to_string());
            }
            match (config_file, section.strip_prefix("profile ")) {
                (true, Some(name)) => Some(name.trim().to_string()),
                (true, None) => None,
                (false, _) => Some(section.to_string()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_endpoints_are_tables_with_an_endpoint() {
        let named = parse_named_endpoints(
            "[staging]\nendpoint = \"http://10.0.0.5:4577\"\nregion = \"eu-west-1\"\n\
             [laptop]\nendpoint = \"http://127.0.0.1:4577\"\n",
        )
        .unwrap();
        assert_eq!(named.len(), 2);
        assert_eq!(named[1].name, "staging");
        assert_eq!(named[1].region.as_deref(), Some("eu-west-1"));
        assert_eq!(named[0].endpoint, "http://127.0.0.1:4577");
        let wrong = parse_named_endpoints("[x]\nendpoint = \"u\"\nregoin = \"a\"\n").unwrap_err();
        assert!(wrong.starts_with("[x]: unknown field `regoin`"), "{wrong}");
    }

    #[test]
    fn profile_sections_follow_file_conventions() {
        let config = "[default]\nregion=us-east-1\n[profile prod]\n[sso-session corp]\n";
        assert_eq!(
            super::profile_sections(config, true),
            vec!["default", "prod"]
        );
        assert_eq!(super::profile_sections("[dev]\n", false), vec!["dev"]);
    }
}
