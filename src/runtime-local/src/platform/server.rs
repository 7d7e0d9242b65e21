//! The HTTP server: one port serves every API of the local platform.
//!
//! Each API is a module contributing its own `routes()`, merged here. Today
//! that is the control plane; the data plane, CloudWatch Logs (`POST /` with
//! `X-Amz-Target`), the gateways' MCP endpoints and the OTLP receiver join
//! the same way. Anything no module routes is answered with
//! `UnknownOperationException` naming the method and path.

use std::future::IntoFuture;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::Response;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::demo::{bulk_catalog, identity_provider as demo_identity_provider};
use crate::demo::{services as demo_services, workspace as demo_workspace};
use crate::gateway::capture_store::CaptureRecorder;
use crate::gateway::function_bindings::{self, FunctionBinding};
use crate::gateway::mcp as gateway_mcp;
use crate::identity::inbound_auth::JwtVerifier;
use crate::observability::{cloudwatch_logs as logs, otlp};
use crate::platform::config::{PlatformConfig, StateLocation};
use crate::platform::operations::{self, Access, Refusal};
use crate::platform::rest_json as control_plane;
use crate::platform::state::PlatformState;
use crate::platform::store::{StateLock, Store};
use crate::platform::wire_errors::ApiError;
use crate::platform::{body_limits, browser_guard};
use crate::runtime::invocations as runtime_invocations;
use crate::runtime::session_host::{self, SessionHost, SessionHostConfig};

/// Request bodies up to this size are accepted (inline OpenAPI documents and
/// tool catalogs can be large; AWS's own limits are below this).
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// After a shutdown is requested, connections still busy this long are dropped.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// [`RunningPlatform::shutdown`] returns within this, whatever is in flight:
/// [`SHUTDOWN_GRACE`] to drain requests, then at most 2 s to close the database.
pub const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(7);

/// Start the platform: open (or create) its state, seed what the config asks
/// for, bind the listener and serve in the background. When this returns,
/// the platform answers requests.
pub async fn start(config: PlatformConfig) -> anyhow::Result<RunningPlatform> {
    let location = config.state.clone();
    // The directory is taken before anything in it is opened; the lock
    // lives in the returned platform and goes when it has shut down.
    let (state_lock, store) = tokio::task::spawn_blocking(move || {
        let lock = match &location {
            StateLocation::Dir(dir) => Some(StateLock::acquire(dir)?),
            StateLocation::Ephemeral => None,
        };
        anyhow::Ok((lock, Store::open(&location)?))
    })
    .await
    .context("opening the platform state panicked")??;
    let store = Arc::new(store);
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    // Sessions' relays connect here, never to `listener`: what only the
    // operator may do is refused to what arrives here (session_host).
    let relay_listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .context("cannot listen for the sessions' relays on loopback")?;
    let endpoint_url = endpoint_url_for(addr);
    if let Some(lock) = &state_lock {
        lock.record_address(&endpoint_url)?;
    }
    let state = Arc::new(PlatformState {
        store: Arc::clone(&store),
        region: config.region.clone(),
        account_id: config.account_id.clone(),
        endpoint_url: endpoint_url.clone(),
        read_only: config.read_only,
        http: reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // A request it makes to the platform itself is known as such.
            .default_headers(crate::runtime::agent_runtimes::platform_outbound_headers())
            .build()
            .context("cannot build the outbound HTTP client")?,
        jwt: JwtVerifier::new(config.jwks_refetch_interval),
        functions: function_bindings(&config),
        captures: CaptureRecorder::start(Arc::clone(&store), config.capture_cap),
        policy_generation: Default::default(),
        policy_sets: Default::default(),
        min_session_timeout_s: config.min_session_timeout_s,
        sessions: Arc::new(SessionHost::new(
            Arc::clone(&store),
            SessionHostConfig {
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
                platform: addr,
                relay_target: relay_listener.local_addr()?,
                memory_bytes: config.session_memory_bytes,
                max_processes: config.session_max_processes,
                allow_native_remote: config.allow_native_remote,
            },
        )),
    });
    if config.seed_demo {
        demo_workspace::seed_once(&state)
            .await
            .context("seeding the demo workspace failed")?;
    }
    if config.seed_demo
        && let Some(command) = &config.demo_agent_command
    {
        demo_workspace::ensure_demo_runtimes(&state, command)
            .await
            .context("hosting the demo agent runtimes failed")?;
    }
    demo_workspace::refresh_demo_endpoints(&state)
        .await
        .context("pointing the demo workspace at this platform failed")?;
    if config.bulk_tools > 0 {
        bulk_catalog::ensure(&state, config.bulk_tools)
            .await
            .context("seeding the bulk-catalog gateway failed")?;
    }
    let relayed = router(Arc::clone(&state), addr).layer(middleware::from_fn_with_state(
        Arc::clone(&state.sessions),
        session_host::mark_session_caller,
    ));
    let app = router(state, addr);
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(serve(relay_listener, relayed, stop_rx.clone()));
    let server = tokio::spawn(serve(listener, app, stop_rx));
    tracing::info!(%endpoint_url, "local platform listening");
    Ok(RunningPlatform {
        addr,
        endpoint_url,
        shutdown: ShutdownHandle(stop_tx),
        server,
        store,
        state_lock,
    })
}

/// The user's bindings, then the demo functions (run by the configured
/// demo command, e.g. `acc demo-function NAME`) for ARNs the user left unbound.
fn function_bindings(config: &PlatformConfig) -> Vec<FunctionBinding> {
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

/// Serve until a stop is requested (or every [`ShutdownHandle`] is gone),
/// then drain in-flight requests for at most [`SHUTDOWN_GRACE`].
async fn serve(
    listener: TcpListener,
    app: Router,
    stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let stopped = |mut stop: watch::Receiver<bool>| async move {
        // An error means every sender is gone: nobody can stop us any more, so stop now.
        let _ = stop.wait_for(|stop| *stop).await;
    };
    // The peer of each connection: the relays' listener learns the session.
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let graceful = axum::serve(listener, app)
        .with_graceful_shutdown(stopped(stop.clone()))
        .into_future();
    tokio::select! {
        result = graceful => result,
        () = async { stopped(stop).await; tokio::time::sleep(SHUTDOWN_GRACE).await } => {
            tracing::warn!("connections still open after the shutdown grace period; closing them");
            Ok(())
        }
    }
}

/// Every API on one router. `own` is the platform's main address: requests
/// naming another host are refused ([`browser_guard`]). A listener serving
/// this router to sessions passes the main address too: their relay listens
/// on it, so their clients name it in `Host`.
fn router(state: Arc<PlatformState>, own: SocketAddr) -> Router {
    let mut router = Router::new()
        .merge(control_plane::routes())
        .merge(gateway_mcp::routes())
        .merge(logs::routes())
        .merge(runtime_invocations::routes())
        .merge(otlp::routes())
        .merge(demo_identity_provider::routes())
        .merge(demo_services::routes())
        .fallback(unknown_operation)
        .method_not_allowed_fallback(unknown_operation);
    // Layers wrap each route, so the guards see the matched route.
    if state.read_only {
        router = router.layer(middleware::from_fn(deny_writes));
    }
    router
        .layer(middleware::from_fn_with_state(
            browser_guard::OwnAddress(own),
            browser_guard::guard,
        ))
        .layer(middleware::map_response(add_request_id))
        .layer(middleware::from_fn(body_limits::shape_too_large))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Every AWS response carries a request id; the SDKs surface it in errors
/// and outputs (`request_id()`), and users quote it when reporting problems.
async fn add_request_id(mut response: Response) -> Response {
    let id = uuid::Uuid::new_v4().hyphenated().to_string();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-amzn-requestid", value);
    }
    response
}

/// A read-only platform answers every operation that can change something
/// ([`operations::OPERATIONS`]; one it does not know counts as such) as AWS
/// answers a principal without write permissions. MCP messages are judged
/// one by one by the gateway endpoint.
async fn deny_writes(request: Request, next: Next) -> Response {
    let Some(judged) = operations::judge(&request).filter(|j| j.access == Access::Write) else {
        return next.run(request).await;
    };
    let what = judged.name.map_or_else(
        || {
            let target = request.headers().get("x-amz-target");
            let target = target.map(|t| {
                format!(
                    " (X-Amz-Target {:?})",
                    String::from_utf8_lossy(t.as_bytes())
                )
            });
            format!(
                "{} {}{}",
                request.method(),
                request.uri().path(),
                target.unwrap_or_default()
            )
        },
        str::to_owned,
    );
    judged.api.refuse(
        Refusal::AccessDenied,
        format!(
            "The acc local platform was started read-only: {what} would modify state and is \
             denied. Restart it without --readonly to make changes."
        ),
        request.headers().get(axum::http::header::CONTENT_TYPE),
    )
}

async fn unknown_operation(method: Method, uri: Uri) -> ApiError {
    // Only the method and path: headers (Authorization) are never logged.
    // The path is the caller's text: secrets in it are masked too.
    let path = acc_domain::secret_masking::mask_text(uri.path());
    tracing::warn!(%method, %path, "request for an operation the local platform does not implement");
    ApiError::unknown_operation(method.as_str(), uri.path())
}

/// The URL clients use. A wildcard bind is reached through loopback.
fn endpoint_url_for(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// Tells the server task to stop; dropping it stops the server too.
#[derive(Debug)]
struct ShutdownHandle(watch::Sender<bool>);

impl ShutdownHandle {
    /// Ask the server to stop accepting connections and finish in-flight requests.
    fn trigger(&self) {
        self.0.send_replace(true);
    }
}

/// A platform serving in the background. Dropping it stops the server too
/// (without waiting); prefer [`RunningPlatform::shutdown`].
#[derive(Debug)]
pub struct RunningPlatform {
    addr: SocketAddr,
    endpoint_url: String,
    shutdown: ShutdownHandle,
    server: JoinHandle<std::io::Result<()>>,
    store: Arc<Store>,
    /// The state directory's lock (none when ephemeral), released last.
    state_lock: Option<StateLock>,
}

impl RunningPlatform {
    /// The bound address (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the endpoint override for SDKs and tools.
    pub fn endpoint_url(&self) -> String {
        self.endpoint_url.clone()
    }

    /// Stop gracefully: finish in-flight requests, then checkpoint and close
    /// the database; returns within [`SHUTDOWN_DEADLINE`] in any case.
    /// Every acknowledged write was already durable.
    pub async fn shutdown(self) {
        self.shutdown.trigger();
        // Work a request left on a blocking thread, or a database busy
        // past its timeout, cannot hold the caller beyond the deadline.
        match tokio::time::timeout(SHUTDOWN_DEADLINE, self.finish()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "the local platform stopped with an error"),
            Err(_) => tracing::warn!(
                "the local platform was still closing after {SHUTDOWN_DEADLINE:?}; stopped without \
                 waiting (SQLite recovers from its journal on the next start)"
            ),
        }
    }

    async fn finish(self) -> anyhow::Result<()> {
        let RunningPlatform {
            shutdown,
            server,
            store,
            state_lock,
            ..
        } = self;
        let result = server.await;
        drop(shutdown);
        tokio::task::spawn_blocking(move || store.checkpoint())
            .await
            .context("closing the database panicked")?;
        // Only now may another platform take the directory.
        drop(state_lock);
        result
            .context("the server task panicked")?
            .context("the server failed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_binds_are_reached_through_loopback() {
        assert_eq!(
            endpoint_url_for("0.0.0.0:4000".parse().unwrap()),
            "http://127.0.0.1:4000"
        );
        assert_eq!(
            endpoint_url_for("[::]:4000".parse().unwrap()),
            "http://[::1]:4000"
        );
        assert_eq!(
            endpoint_url_for("127.0.0.2:80".parse().unwrap()),
            "http://127.0.0.2:80"
        );
    }
}
