//! The AgentCore data plane for runtimes (`bedrock-agentcore`, restJson1):
//! InvokeAgentRuntime, streamed through as the agent writes it (no
//! buffering of SSE), and StopRuntimeSession; plus a local extension that
//! lists sessions with their state and resource use (AWS has no API for
//! that; against live AWS the console derives sessions from logs).

use std::sync::Arc;
use std::task::Poll;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRef, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use serde_json::{Value, json};

use crate::identity::caller::CallerIdentity;
use crate::platform::ids;
use crate::platform::timestamps::now_ms;
use crate::platform::validation::{
    AGENT_RUNTIME_ARN, ENDPOINT_NAME, RUNTIME_SESSION_ID, Violations, check_id,
};
use crate::platform::wire_errors::ApiError;
use crate::runtime::agent_runtimes::CUSTOM_HEADER_PREFIX;
use crate::runtime::endpoints::{DEFAULT_ENDPOINT, require_endpoint};
use crate::runtime::runtime_row::{require_runtime, version_document};
use crate::runtime::session_host::{
    InvocationRecord, Session, SessionConfig, SessionHost, session_json,
};
use crate::runtime::state::RuntimeState;

/// AgentCore's payload limit.
pub(crate) const MAX_PAYLOAD_BYTES: usize = 100 * 1024 * 1024;

const SESSION_HEADER: &str = "x-amzn-bedrock-agentcore-runtime-session-id";
const REQUEST_HEADER: &str = "x-amzn-bedrock-agentcore-runtime-request-id";
const USER_HEADER: &str = "x-amzn-bedrock-agentcore-runtime-user-id";
/// AgentCore's limit on a forwarded header's value.
const MAX_FORWARDED_HEADER_BYTES: usize = 4096;

type Shared = State<Arc<RuntimeState>>;

/// The data plane's routes: invocations and sessions.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<RuntimeState>: FromRef<S>,
{
    Router::new()
        .route(
            "/runtimes/{runtime}/invocations",
            post(invoke_agent_runtime).layer(DefaultBodyLimit::max(MAX_PAYLOAD_BYTES + 1)),
        )
        .route(
            "/runtimes/{runtime}/stopruntimesession",
            post(stop_runtime_session),
        )
        .route("/local/runtime-sessions", get(list_sessions))
        .route("/local/runtime-sessions/{session}", get(get_session))
}

/// The runtime id in an ARN (or the id itself).
fn runtime_id(key: &str) -> &str {
    key.rsplit_once(":runtime/").map_or(key, |(_, id)| id)
}

/// The ids a data-plane request names: the runtime (its ARN or id, in the
/// path), the endpoint (`qualifier`) and the session (header). Each is
/// checked against its pattern before anything uses it.
struct RequestIds {
    runtime_id: String,
    qualifier: String,
    /// The session id given, if any.
    session: Option<String>,
}

impl RequestIds {
    fn parse(
        runtime: &str,
        query: &[(String, String)],
        headers: &HeaderMap,
    ) -> Result<RequestIds, ApiError> {
        let mut v = Violations::new();
        v.id("agentRuntimeArn", runtime, &AGENT_RUNTIME_ARN);
        let qualifier = query
            .iter()
            .find(|(k, _)| k == "qualifier")
            .map(|(_, q)| q.clone());
        if let Some(q) = &qualifier {
            v.id("qualifier", q, &ENDPOINT_NAME);
        }
        // Lossy: a value that is not UTF-8 then fails the pattern, by name.
        let session = headers
            .get(SESSION_HEADER)
            .map(|id| String::from_utf8_lossy(id.as_bytes()).into_owned());
        if let Some(id) = &session {
            v.id("runtimeSessionId", id, &RUNTIME_SESSION_ID);
        }
        v.finish()?;
        Ok(RequestIds {
            runtime_id: runtime_id(runtime).to_owned(),
            qualifier: qualifier.unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned()),
            session,
        })
    }
}

/// Who may call a runtime version and what reaches its agent.
#[derive(Debug, Default)]
struct InboundRules {
    /// `authorizerConfiguration.customJWTAuthorizer`; `None` means IAM (SigV4).
    jwt: Option<Value>,
    /// `requestHeaderConfiguration.requestHeaderAllowlist`, lowercased.
    allowlist: Vec<String>,
}

impl InboundRules {
    fn of(doc: &Value) -> Self {
        Self {
            jwt: doc
                .pointer("/authorizerConfiguration/customJWTAuthorizer")
                .filter(|j| j.is_object())
                .cloned(),
            allowlist: doc
                .pointer("/requestHeaderConfiguration/requestHeaderAllowlist")
                .and_then(Value::as_array)
                .map(|names| {
                    names
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_ascii_lowercase)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// AgentCore authenticates a runtime's callers one way only: SigV4 (IAM,
/// the default) or, with a customJWTAuthorizer, a bearer JWT. The other
/// way is refused before any session starts. Locally SigV4 signatures are
/// not verified (there are no real secrets); JWTs are, against the issuer.
async fn authenticate(
    ctx: &RuntimeState,
    rules: &InboundRules,
    headers: &HeaderMap,
) -> Result<Option<String>, ApiError> {
    let scheme = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(' ').next().unwrap_or_default().to_ascii_lowercase());
    let mismatch = |configured: &str, used: &str| {
        ApiError::access_denied(format!(
            "Authorization method mismatch: this agent runtime is configured for {configured}, \
             and the request used {used}. {}",
            if configured == "IAM (SigV4)" {
                "Invoke it with the AWS SDK (SigV4-signed)."
            } else {
                "Invoke it over HTTPS with Authorization: Bearer <JWT from its identity provider>; \
                 the AWS SDK cannot call JWT-authorized runtimes."
            }
        ))
    };
    match (&rules.jwt, scheme.as_deref()) {
        (None, Some("bearer")) => Err(mismatch("IAM (SigV4)", "a bearer token")),
        (None, _) => Ok(None),
        (Some(_), Some("aws4-hmac-sha256")) => Err(mismatch("a JWT authorizer", "SigV4")),
        (Some(authorizer), _) => ctx
            .inbound
            .verify_bearer(authorizer, headers)
            .await
            .map(|caller| match caller {
                CallerIdentity::OAuthUser { sub, .. } => Some(sub),
                _ => None,
            })
            .map_err(|rejection| match rejection.status {
                401 => ApiError::unauthorized(rejection.message),
                403 => ApiError::access_denied(rejection.message),
                _ => ApiError::internal(rejection.message),
            }),
    }
}

/// What the endpoint's version says a session runs, and who may call it.
async fn session_config(
    ctx: &RuntimeState,
    key: &str,
    endpoint: String,
) -> Result<(SessionConfig, InboundRules), ApiError> {
    let id = runtime_id(key).to_owned();
    let arn = ids::agent_runtime_arn(&ctx.account.region, &ctx.account.account_id, &id);
    let (version, document) = ctx
        .store
        .read({
            let (id, endpoint) = (id.clone(), endpoint.clone());
            move |conn| {
                require_runtime(conn, &id)?;
                let target = require_endpoint(conn, &id, &endpoint)?.target_version;
                let (document, _) = version_document(conn, &id, target)?;
                Ok((target, document))
            }
        })
        .await?;
    let doc: Value = serde_json::from_str(&document)?;
    let uri = doc
        .pointer("/agentRuntimeArtifact/containerConfiguration/containerUri")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let env = doc
        .get("environmentVariables")
        .and_then(Value::as_object)
        .map(|vars| {
            vars.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let seconds = |key: &str, default: i64| {
        doc.pointer(&format!("/lifecycleConfiguration/{key}"))
            .and_then(Value::as_i64)
            .unwrap_or(default)
    };
    let rules = InboundRules::of(&doc);
    let config = SessionConfig {
        runtime_id: id,
        runtime_arn: arn,
        endpoint,
        version,
        container_uri: uri,
        env,
        idle_timeout_s: seconds("idleRuntimeSessionTimeout", 900),
        max_lifetime_s: seconds("maxLifetime", 28_800),
        network_mode: doc
            .pointer("/networkConfiguration/networkMode")
            .and_then(Value::as_str)
            .unwrap_or("PUBLIC")
            .to_owned(),
    };
    Ok((config, rules))
}

/// The headers AgentCore forwards to the agent: its own session, request
/// and user headers, trace context, the custom prefix, and whatever the
/// runtime allowlists (a bearer `Authorization` only there). The caller's
/// SigV4 `Authorization` never reaches the agent.
fn forwarded(
    headers: &HeaderMap,
    session: &str,
    request_id: &str,
    rules: &InboundRules,
) -> Vec<(String, String)> {
    let mut out = vec![
        (SESSION_HEADER.to_owned(), session.to_owned()),
        (REQUEST_HEADER.to_owned(), request_id.to_owned()),
    ];
    for (name, value) in headers {
        let name = name.as_str();
        let keep = name == USER_HEADER
            || name == "content-type"
            || name == "accept"
            || name == "traceparent"
            || name == "tracestate"
            || name == "baggage"
            || name.starts_with(CUSTOM_HEADER_PREFIX)
            || rules.allowlist.iter().any(|allowed| allowed == name);
        let signature = name == "authorization" && rules.jwt.is_none();
        if keep
            && !signature
            && value.len() <= MAX_FORWARDED_HEADER_BYTES
            && let Ok(value) = value.to_str()
        {
            out.push((name.to_owned(), value.to_owned()));
        }
    }
    out
}

/// One invocation while its answer streams: ends the session's
/// accounting and completes the invocation's record when the body is done,
/// breaks, or the caller hangs up (dropped).
struct InFlight {
    host: Arc<SessionHost>,
    session: Arc<Session>,
    request_id: String,
    started: Instant,
    /// Set when the body ended one way or the other.
    outcome: Option<String>,
    /// Whether the invocation's end was accounted for.
    finished: bool,
}

impl InFlight {
    fn on_chunk(&mut self, bytes: usize) {
        let at = self.started.elapsed().as_secs_f64() * 1e3;
        self.session.history.update(&self.request_id, |r| {
            r.first_byte_ms.get_or_insert(at);
            r.bytes += bytes as u64;
        });
    }
}

impl InFlight {
    /// The invocation ended: its record completed, its session no longer
    /// busy with it. Once, as soon as the body ends (before the caller has
    /// read its last bytes), or when the body is dropped.
    fn finish(&mut self) {
        if std::mem::replace(&mut self.finished, true) {
            return;
        }
        let took = self.started.elapsed().as_secs_f64() * 1e3;
        let outcome = self
            .outcome
            .take()
            .unwrap_or_else(|| "caller disconnected".into());
        self.session.history.update(&self.request_id, |r| {
            r.duration_ms = Some(took);
            r.outcome = outcome;
        });
        self.host.end(&self.session);
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.finish();
    }
}

async fn invoke_agent_runtime(
    State(ctx): Shared,
    Path(runtime): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let payload = body.map_err(|e| {
        ApiError::payload_too_large(format!(
            "The payload could not be read ({e}); AgentCore accepts payloads of at most 100 MB."
        ))
    })?;
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(ApiError::payload_too_large(format!(
            "The payload is {} bytes; AgentCore accepts at most 100 MB.",
            payload.len()
        )));
    }
    let ids = RequestIds::parse(&runtime, &query, &headers)?;
    let session_id = ids
        .session
        .unwrap_or_else(|| uuid::Uuid::new_v4().hyphenated().to_string());
    let (config, rules) = session_config(&ctx, &ids.runtime_id, ids.qualifier).await?;
    let caller = authenticate(&ctx, &rules, &headers).await?;
    let host = Arc::clone(&ctx.sessions);
    let session = host.session(&session_id, &config).await?;
    let request_id = uuid::Uuid::new_v4().hyphenated().to_string();
    let user = headers
        .get(USER_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    session.history.start(InvocationRecord::new(
        request_id.clone(),
        now_ms(),
        user,
        caller,
    ));
    host.begin(&session);
    let mut guard = InFlight {
        host: Arc::clone(&host),
        session: Arc::clone(&session),
        request_id: request_id.clone(),
        started: Instant::now(),
        outcome: None,
        finished: false,
    };
    let sent = forwarded(&headers, &session_id, &request_id, &rules);
    let answer = match crate::runtime::session_host::invoke(&session, &sent, payload).await {
        Ok(answer) => answer,
        Err(e) => {
            guard.outcome = Some(format!("failed: {e}"));
            return Err(ApiError::runtime_client_error(format!(
                "invoking the agent failed: {e}"
            )));
        }
    };
    let status = answer.status();
    session
        .history
        .update(&request_id, |r| r.status = Some(status.as_u16()));
    let content_type = answer.headers().get("content-type").cloned();
    // Streamed through frame by frame; the guard lives as long as the body
    // and sees how it ends.
    let mut body = answer.into_body().into_data_stream();
    let stream = futures_util::stream::poll_fn(move |cx| {
        let polled = body.poll_next_unpin(cx);
        match &polled {
            Poll::Ready(Some(Ok(bytes))) => guard.on_chunk(bytes.len()),
            Poll::Ready(Some(Err(e))) => {
                guard.outcome = Some(format!("the agent broke the stream: {e}"));
                guard.finish();
            }
            Poll::Ready(None) => {
                guard.outcome.get_or_insert_with(|| "completed".into());
                guard.finish();
            }
            Poll::Pending => {}
        }
        polled.map(|next| next.map(|chunk| chunk.map_err(std::io::Error::other)))
    });
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = status;
    let out = response.headers_mut();
    if let Some(ct) = content_type {
        out.insert("content-type", ct);
    }
    if let Ok(value) = HeaderValue::from_str(&session_id) {
        out.insert(SESSION_HEADER, value);
    }
    Ok(response)
}

async fn stop_runtime_session(
    State(ctx): Shared,
    Path(runtime): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let ids = RequestIds::parse(&runtime, &query, &headers)?;
    let id = ids.session.ok_or_else(|| {
        ApiError::invalid_fields(
            "StopRuntimeSession needs the session id (X-Amzn-Bedrock-AgentCore-Runtime-Session-Id)",
            vec![("runtimeSessionId".into(), "Member must not be null".into())],
        )
    })?;
    let (_, rules) = session_config(&ctx, &ids.runtime_id, ids.qualifier).await?;
    authenticate(&ctx, &rules, &headers).await?;
    let runtime = ids.runtime_id;
    let session = ctx
        .sessions
        .get(&id)
        .filter(|s| {
            s.config.runtime_id == runtime
                && s.state() != crate::runtime::session_host::SessionState::Stopped
        })
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "No running session {id} of agent runtime {runtime}."
            ))
        })?;
    ctx.sessions.terminate(&session, "stopped by request").await;
    let mut response = (StatusCode::OK, axum::Json(json!({}))).into_response();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(SESSION_HEADER, value);
    }
    Ok(response)
}

async fn list_sessions(State(ctx): Shared) -> axum::Json<Value> {
    let sessions: Vec<Value> = ctx
        .sessions
        .list()
        .iter()
        .map(|s| session_json(s))
        .collect();
    axum::Json(json!({ "sessions": sessions }))
}

async fn get_session(
    State(ctx): Shared,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    check_id("runtimeSessionId", &id, &RUNTIME_SESSION_ID)?;
    ctx.sessions
        .get(&id)
        .map(|s| axum::Json(session_json(&s)))
        .ok_or_else(|| ApiError::not_found(format!("No session {id}.")))
}
