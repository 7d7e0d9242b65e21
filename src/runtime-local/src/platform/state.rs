//! The composition root: every service's state, built once from the
//! platform's configuration. Each service's routes take only their own
//! part of it (axum's `FromRef`), so no service imports this module: the
//! server alone does.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::FromRef;

use crate::demo::identity_provider::DemoIssuer;
use crate::demo::services as demo_services;
use crate::gateway::capture_store::CaptureRecorder;
use crate::gateway::function_bindings::{self, FunctionBinding};
use crate::gateway::state::GatewayState;
use crate::gateway::target_calls::outbound::TargetBackends;
use crate::gateway::tool_catalog::ToolCatalog;
use crate::identity::inbound_auth::InboundAuth;
use crate::identity::jwt::JwtVerifier;
use crate::identity::requester::platform_outbound_headers;
use crate::memory::state::MemoryState;
use crate::observability::cloudwatch_logs::LogsState;
use crate::observability::otlp::OtlpState;
use crate::platform::account::Account;
use crate::platform::config::{PlatformConfig, StateLocation};
use crate::platform::store::Store;
use crate::policy::enforcement::PolicyEnforcement;
use crate::policy::state::PolicyState;
use crate::runtime::session_host::{SessionHost, SessionHostConfig};
use crate::runtime::state::RuntimeState;

/// The running platform's state: each service's share, and what the
/// server's own layers consult.
#[derive(Clone)]
pub(crate) struct PlatformState {
    /// Gateways, their targets, MCP endpoints and captures.
    pub(crate) gateways: Arc<GatewayState>,
    /// Policy engines and policies.
    pub(crate) policy: Arc<PolicyState>,
    /// Agent runtimes and their sessions.
    pub(crate) runtimes: Arc<RuntimeState>,
    /// AgentCore Memory.
    pub(crate) memory: Arc<MemoryState>,
    /// The CloudWatch Logs API.
    pub(crate) logs: Arc<LogsState>,
    /// The OTLP receiver.
    pub(crate) otlp: Arc<OtlpState>,
    /// The demo identity provider's issuer.
    pub(crate) demo_issuer: DemoIssuer,
    /// Refuse every operation that can change something.
    pub(crate) read_only: bool,
}

/// Where a platform is reached: its main listener (what `endpoint_url`
/// names) and the loopback listener its sessions' relays connect to.
pub(crate) struct Listeners {
    /// The main listener's address.
    pub(crate) addr: SocketAddr,
    /// `http://127.0.0.1:PORT`: the base of URLs handed out.
    pub(crate) endpoint_url: String,
    /// The relays' listener.
    pub(crate) relay_target: SocketAddr,
    /// The OTLP/gRPC listener, when its port is open.
    pub(crate) otlp_grpc: Option<SocketAddr>,
}

impl PlatformState {
    /// Every service's state for a platform on `store`, reached at `at`.
    pub(crate) fn build(
        config: &PlatformConfig,
        store: &Arc<Store>,
        at: &Listeners,
    ) -> anyhow::Result<Self> {
        let account = Account {
            region: config.region.clone(),
            account_id: config.account_id.clone(),
        };
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // A request it makes to the platform itself is known as such.
            .default_headers(platform_outbound_headers())
            .build()
            .context("cannot build the outbound HTTP client")?;
        let inbound = Arc::new(InboundAuth {
            jwt: JwtVerifier::new(config.jwks_refetch_interval),
            http: http.clone(),
            account_id: config.account_id.clone(),
        });
        let backends = Arc::new(TargetBackends {
            http,
            functions: bindings(config),
        });
        let catalog = ToolCatalog {
            store: Arc::clone(store),
            backends: Arc::clone(&backends),
        };
        let enforcement = Arc::new(PolicyEnforcement::new(Arc::clone(store)));
        let sessions = Arc::new(SessionHost::new(
            Arc::clone(store),
            session_host_config(config, at)?,
        ));
        Ok(Self {
            gateways: Arc::new(GatewayState {
                store: Arc::clone(store),
                account: account.clone(),
                endpoint_url: at.endpoint_url.clone(),
                read_only: config.read_only,
                catalog: catalog.clone(),
                backends,
                inbound: Arc::clone(&inbound),
                captures: CaptureRecorder::start(
                    Arc::clone(store),
                    config.capture_cap,
                    config.otlp.spans,
                ),
                enforcement: Arc::clone(&enforcement),
            }),
            policy: Arc::new(PolicyState {
                store: Arc::clone(store),
                account: account.clone(),
                enforcement,
                catalog,
            }),
            runtimes: Arc::new(RuntimeState {
                store: Arc::clone(store),
                account: account.clone(),
                min_session_timeout_s: config.min_session_timeout_s,
                sessions: Arc::clone(&sessions),
                inbound,
            }),
            memory: {
                let memory = Arc::new(MemoryState::new(
                    Arc::clone(store),
                    account.clone(),
                    config.memory_extraction_delay,
                    config.memory_write_concurrency,
                ));
                // Read-only: nothing changes the state, extraction included.
                if !config.read_only {
                    crate::memory::extraction::start_worker(&memory);
                }
                memory
            },
            logs: Arc::new(LogsState {
                store: Arc::clone(store),
                account,
                queries: Default::default(),
            }),
            otlp: Arc::new(OtlpState::new(Arc::clone(store), sessions, config.otlp)),
            demo_issuer: DemoIssuer::of(&at.endpoint_url),
            read_only: config.read_only,
        })
    }
}

/// How the platform's sessions are hosted.
fn session_host_config(
    config: &PlatformConfig,
    at: &Listeners,
) -> anyhow::Result<SessionHostConfig> {
    Ok(SessionHostConfig {
        region: config.region.clone(),
        hidden: match &config.state {
            // Resolved: bwrap would mount a relative path under
            // its new root, and the state would stay in view.
            StateLocation::Dir(dir) => {
                vec![dir.canonicalize().with_context(|| {
                    format!("cannot resolve the state directory {}", dir.display())
                })?]
            }
            StateLocation::Ephemeral => Vec::new(),
        },
        platform: at.addr,
        relay_target: at.relay_target,
        otlp_grpc: at.otlp_grpc,
        memory_bytes: config.session_memory_bytes,
        max_processes: config.session_max_processes,
        allow_native_remote: config.allow_native_remote,
    })
}

/// The user's bindings, then the demo functions (run by the configured
/// demo command, e.g. `acc demo-function NAME`) for ARNs the user left unbound.
fn bindings(config: &PlatformConfig) -> Vec<FunctionBinding> {
    let mut bindings = config.function_bindings.clone();
    if let Some(command) = &config.demo_function_command {
        for name in demo_services::FUNCTION_NAMES {
            let arn = format!(
                "arn:aws:lambda:{}:{}:function:{name}",
                config.region, config.account_id
            );
            if bindings.iter().all(|b| b.arn != arn) {
                let mut command = command.clone();
                command.push((*name).to_owned());
                bindings.push(FunctionBinding {
                    arn,
                    command,
                    timeout: function_bindings::DEFAULT_TIMEOUT,
                });
            }
        }
    }
    bindings
}

macro_rules! sub_state {
    ($($part:ident: $ty:ty),+ $(,)?) => {
        $(impl FromRef<PlatformState> for $ty {
            fn from_ref(state: &PlatformState) -> Self {
                state.$part.clone()
            }
        })+
    };
}

sub_state! {
    gateways: Arc<GatewayState>,
    policy: Arc<PolicyState>,
    runtimes: Arc<RuntimeState>,
    memory: Arc<MemoryState>,
    logs: Arc<LogsState>,
    otlp: Arc<OtlpState>,
    demo_issuer: DemoIssuer,
}
