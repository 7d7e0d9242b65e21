//! The HTTP server: one port serves every API of the local platform.
//!
//! Each service contributes its own `routes()`, merged here, each taking
//! only its part of the [`PlatformState`]: gateways (control plane and MCP
//! endpoints), policy, runtimes (control and data plane), CloudWatch Logs
//! (`POST /` with `X-Amz-Target`), the OTLP receiver, and the demo's
//! identity provider and backends. Anything no route matches is answered
//! with `UnknownOperationException` naming the method and path.

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

use crate::demo::{self, bulk_catalog, runtimes as demo_runtimes, workspace as demo_workspace};
use crate::observability::{cloudwatch_logs, otlp};
use crate::platform::config::{PlatformConfig, StateLocation};
use crate::platform::operations::{self, Access, Refusal};
use crate::platform::state::{Listeners, PlatformState};
use crate::platform::store::{StateLock, Store};
use crate::platform::wire_errors::ApiError;
use crate::platform::{body_limits, browser_guard};
use crate::runtime::session_host;
use crate::{gateway, memory, policy, runtime};

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
    let grpc = match config.otlp_grpc {
        Some(addr) => match otlp::grpc::bind(addr).await {
            Ok(bound) => Some(bound),
            // Probing first and binding later races another `acc` starting
            // at the same moment: a default port that is taken is not fatal.
            Err(e) if config.otlp_grpc_optional => {
                tracing::warn!(%addr, error = %e, "OTLP/gRPC is off: its port is taken (use --otlp-grpc ADDR)");
                None
            }
            Err(e) => return Err(e),
        },
        None => None,
    };
    let at = Listeners {
        addr,
        endpoint_url: endpoint_url_for(addr),
        relay_target: relay_listener.local_addr()?,
        otlp_grpc: grpc.as_ref().map(|(_, bound)| *bound),
    };
    if let Some(lock) = &state_lock {
        lock.record_address(&at.endpoint_url)?;
    }
    let state = PlatformState::build(&config, &store, &at)?;
    seed(&config, &state, &at.endpoint_url).await?;
    let otlp_grpc_addr = grpc.as_ref().map(|(_, bound)| *bound);
    let relayed = router(state.clone(), addr).layer(middleware::from_fn_with_state(
        Arc::clone(&state.runtimes.sessions),
        session_host::mark_session_caller,
    ));
    let (stop_tx, stop_rx) = watch::channel(false);
    if let Some((listener, _)) = grpc {
        let (otlp, read_only) = (Arc::clone(&state.otlp), config.read_only);
        tokio::spawn(otlp::grpc::serve(
            listener,
            otlp,
            read_only,
            stop_rx.clone(),
        ));
    }
    let app = router(state, addr);
    tokio::spawn(serve(relay_listener, relayed, stop_rx.clone()));
    let server = tokio::spawn(serve(listener, app, stop_rx));
    tracing::info!(endpoint_url = %at.endpoint_url, "local platform listening");
    Ok(RunningPlatform {
        addr,
        otlp_grpc_addr,
        endpoint_url: at.endpoint_url,
        shutdown: ShutdownHandle(stop_tx),
        server,
        store,
        state_lock,
    })
}

/// Seed what the config asks for: the demo workspace (once per state),
/// its runtimes, and the bulk catalog; and point the demo at this run's port.
async fn seed(
    config: &PlatformConfig,
    state: &PlatformState,
    endpoint_url: &str,
) -> anyhow::Result<()> {
    if config.seed_demo {
        demo_workspace::seed_once(&state.gateways, &state.policy)
            .await
            .context("seeding the demo workspace failed")?;
        demo::memory::seed_once(&state.memory)
            .await
            .context("seeding the demo memory failed")?;
    }
    if config.seed_demo
        && let Some(command) = &config.demo_agent_command
    {
        demo_runtimes::ensure_demo_runtimes(&state.runtimes, endpoint_url, command)
            .await
            .context("hosting the demo agent runtimes failed")?;
    }
    if config.seed_demo {
        crate::demo::seed::settle_seeded(&state.gateways.store)
            .await
            .context("settling the demo workspace failed")?;
    }
    demo_workspace::refresh_demo_endpoints(&state.gateways.store, endpoint_url)
        .await
        .context("pointing the demo workspace at this platform failed")?;
    if config.bulk_tools > 0 {
        bulk_catalog::ensure(&state.gateways, config.bulk_tools)
            .await
            .context("seeding the bulk-catalog gateway failed")?;
    }
    Ok(())
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
fn router(state: PlatformState, own: SocketAddr) -> Router {
    let mut router = Router::new()
        .merge(gateway::routes())
        .merge(policy::routes())
        .merge(runtime::routes())
        .merge(memory::routes())
        .merge(cloudwatch_logs::routes())
        .merge(otlp::routes())
        .merge(demo::routes())
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
        .layer(DefaultBodyLimit::max(body_limits::MAX_BODY_BYTES))
        .layer(middleware::from_fn(body_limits::read_small_bodies))
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
    otlp_grpc_addr: Option<SocketAddr>,
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

    /// Where OTLP/gRPC listens, if it does (with the real port).
    pub fn otlp_grpc_addr(&self) -> Option<SocketAddr> {
        self.otlp_grpc_addr
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
