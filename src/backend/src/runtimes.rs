//! Agent runtimes, their sessions, invocations and logs: the control-plane
//! and data-plane SDK clients, CloudWatch Logs, and (locally) the
//! platform's session listing, which AWS has no API for. Against live AWS
//! sessions are derived from the runtimes' log streams and their spans
//! (see `transaction_search`).
//!
//! Runtimes with a customJWTAuthorizer cannot be called through the AWS SDK
//! (AgentCore refuses SigV4 for them): those invocations and stops go over
//! HTTPS with a bearer token (see `bearer_tokens`), and their answer streams
//! through the same [`Invocation`].

use std::pin::Pin;
use std::time::Duration;

use acc_domain::{
    AgentRuntime, RUNTIME_LOG_PREFIX, RuntimeEndpoint, RuntimeSession, SessionSpan,
    parse_runtime_log_group, runtime_log_group,
};
use aws_sdk_bedrockagentcore::primitives::{Blob, ByteStream};
use aws_sdk_bedrockagentcorecontrol::types::{
    AgentRuntimeArtifact, AuthorizerConfiguration, ContainerConfiguration, NetworkConfiguration,
    NetworkMode,
};
use futures_util::{Stream, StreamExt};

use crate::bearer_tokens::{JwtResource, token_for};
use crate::connection::{Backend, ContextKind, HTTP, now_ms};
use crate::error::BackendError;
use crate::transaction_search::{merge_sessions, state_for_idle};

const SESSION_HEADER: &str = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";
const USER_HEADER: &str = "X-Amzn-Bedrock-AgentCore-Runtime-User-Id";

const PAGE_SIZE: i32 = 100;

/// An invocation whose answer is still arriving.
pub struct Invocation {
    pub session_id: String,
    pub content_type: String,
    /// `SigV4` (the AWS SDK) or `bearer` (HTTPS with a JWT).
    pub auth: &'static str,
    body: AnswerBody,
}

type HttpBody = Pin<Box<dyn Stream<Item = Result<Vec<u8>, String>> + Send>>;

/// Where the answer's bytes come from.
enum AnswerBody {
    Sdk(ByteStream),
    Http(HttpBody),
}

impl std::fmt::Debug for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invocation")
            .field("session_id", &self.session_id)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

impl Invocation {
    /// The next bytes as they arrive; `None` at the end. An error means the
    /// stream broke (the backend died mid-stream).
    pub async fn next_chunk(&mut self) -> Option<Result<Vec<u8>, String>> {
        match &mut self.body {
            AnswerBody::Sdk(body) => body
                .next()
                .await
                .map(|c| c.map(|b| b.to_vec()).map_err(|e| e.to_string())),
            AnswerBody::Http(body) => body.next().await,
        }
    }
}

/// One line of a runtime's log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeLogLine {
    pub timestamp_ms: i64,
    pub stream: String,
    pub message: String,
}

impl Backend {
    /// Every agent runtime, with its latest configuration and endpoints.
    pub async fn agent_runtimes(&self) -> Result<Vec<AgentRuntime>, BackendError> {
        self.check_config()?;
        let listed: Vec<_> = self
            .control
            .list_agent_runtimes()
            .max_results(PAGE_SIZE)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| BackendError::from_sdk("ListAgentRuntimes", self.context(), e))?;
        let mut out = Vec::with_capacity(listed.len());
        for summary in listed {
            let id = summary.agent_runtime_id();
            let detail = self
                .control
                .get_agent_runtime()
                .agent_runtime_id(id)
                .send()
                .await
                .map_err(|e| BackendError::from_sdk("GetAgentRuntime", self.context(), e))?;
            let endpoints = self
                .control
                .list_agent_runtime_endpoints()
                .agent_runtime_id(id)
                .send()
                .await
                .map_err(|e| {
                    BackendError::from_sdk("ListAgentRuntimeEndpoints", self.context(), e)
                })?;
            let artifact = match detail.agent_runtime_artifact() {
                Some(AgentRuntimeArtifact::ContainerConfiguration(c)) => {
                    c.container_uri().to_owned()
                }
                Some(other) => format!("{other:?}"),
                None => String::new(),
            };
            let lifecycle = detail.lifecycle_configuration();
            let jwt = match detail.authorizer_configuration() {
                Some(AuthorizerConfiguration::CustomJwtAuthorizer(jwt)) => Some(jwt),
                _ => None,
            };
            out.push(AgentRuntime {
                inbound_auth: if jwt.is_some() { "CUSTOM_JWT" } else { "IAM" }.into(),
                discovery_url: jwt.map(|j| j.discovery_url().to_owned()),
                id: id.to_owned(),
                arn: summary.agent_runtime_arn().to_owned(),
                name: summary.agent_runtime_name().to_owned(),
                latest_version: summary.agent_runtime_version().to_owned(),
                status: summary.status().as_str().to_owned(),
                description: detail.description().map(str::to_owned),
                artifact,
                idle_timeout_s: lifecycle.and_then(|l| l.idle_runtime_session_timeout()),
                max_lifetime_s: lifecycle.and_then(|l| l.max_lifetime()),
                endpoints: endpoints
                    .runtime_endpoints()
                    .iter()
                    .map(|e| RuntimeEndpoint {
                        name: e.name().to_owned(),
                        target_version: e.target_version().map(str::to_owned),
                        live_version: e.live_version().map(str::to_owned),
                        status: e.status().as_str().to_owned(),
                    })
                    .collect(),
            });
        }
        Ok(out)
    }

    /// The runtime with this id, name or ARN.
    pub async fn find_agent_runtime(
        &self,
        key: &str,
    ) -> Result<Option<AgentRuntime>, BackendError> {
        Ok(self
            .agent_runtimes()
            .await?
            .into_iter()
            .find(|r| r.id == key || r.name == key || r.arn == key))
    }

    /// Create a runtime from an artifact, or give an existing one of that
    /// name a new version with it. Returns the runtime's ARN.
    pub async fn run_artifact(&self, name: &str, artifact: &str) -> Result<String, BackendError> {
        self.check_config()?;
        let container = ContainerConfiguration::builder()
            .container_uri(artifact)
            .build()
            .map_err(|e| BackendError::Config(format!("the artifact: {e}")))?;
        let network = NetworkConfiguration::builder()
            .network_mode(NetworkMode::Public)
            .build()
            .map_err(|e| BackendError::Config(format!("the network configuration: {e}")))?;
        let role = "arn:aws:iam::000000000000:role/acc-local-runtime";
        if let Some(existing) = self.find_agent_runtime(name).await? {
            self.control
                .update_agent_runtime()
                .agent_runtime_id(&existing.id)
                .agent_runtime_artifact(AgentRuntimeArtifact::ContainerConfiguration(container))
                .role_arn(role)
                .network_configuration(network)
                .send()
                .await
                .map_err(|e| BackendError::from_sdk("UpdateAgentRuntime", self.context(), e))?;
            return Ok(existing.arn);
        }
        let created = self
            .control
            .create_agent_runtime()
            .agent_runtime_name(name)
            .agent_runtime_artifact(AgentRuntimeArtifact::ContainerConfiguration(container))
            .role_arn(role)
            .network_configuration(network)
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("CreateAgentRuntime", self.context(), e))?;
        Ok(created.agent_runtime_arn().to_owned())
    }

    /// InvokeAgentRuntime; the answer streams through [`Invocation`]. A
    /// JWT-authorized runtime is called over HTTPS with a bearer token.
    pub async fn invoke_agent_runtime(
        &self,
        runtime: &AgentRuntime,
        payload: Vec<u8>,
        session: Option<&str>,
        user: Option<&str>,
        qualifier: Option<&str>,
    ) -> Result<Invocation, BackendError> {
        self.check_config()?;
        if runtime.is_jwt() {
            return self
                .invoke_with_bearer(runtime, payload, session, user, qualifier)
                .await;
        }
        let answer = self
            .data
            .invoke_agent_runtime()
            .agent_runtime_arn(&runtime.arn)
            .set_runtime_session_id(session.map(str::to_owned))
            .set_runtime_user_id(user.map(str::to_owned))
            .set_qualifier(qualifier.map(str::to_owned))
            .content_type("application/json")
            .accept("text/event-stream, application/json")
            .payload(Blob::new(payload))
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("InvokeAgentRuntime", self.context(), e))?;
        Ok(Invocation {
            session_id: answer.runtime_session_id().unwrap_or_default().to_owned(),
            content_type: answer.content_type().to_owned(),
            auth: "SigV4",
            body: AnswerBody::Sdk(answer.response),
        })
    }

    /// The data plane's base URL: the regional service, or the platform.
    fn data_plane_url(&self) -> String {
        match (&self.context().kind, &self.context().region) {
            (ContextKind::Aws, Some(region)) => {
                format!("https://bedrock-agentcore.{region}.amazonaws.com")
            }
            _ => self.context().endpoint.trim_end_matches('/').to_owned(),
        }
    }

    /// `POST /runtimes/{arn}/{operation}` with a bearer token, as AgentCore
    /// documents for JWT-authorized runtimes; an error answer becomes a
    /// [`BackendError::Service`] with the service's code and message.
    async fn bearer_request(
        &self,
        operation: &str,
        runtime: &AgentRuntime,
        path: &str,
        qualifier: Option<&str>,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<reqwest::Response, BackendError> {
        let token = token_for(
            &HTTP,
            JwtResource::runtime(runtime),
            &self.context().endpoint,
        )
        .await?;
        // The ARN is one path segment, fully escaped, as AgentCore documents.
        let escaped = runtime.arn.replace(':', "%3A").replace('/', "%2F");
        let mut url = reqwest::Url::parse(&format!(
            "{}/runtimes/{escaped}/{path}",
            self.data_plane_url()
        ))
        .map_err(|e| BackendError::Config(format!("the data plane URL: {e}")))?;
        if let Some(q) = qualifier {
            url.query_pairs_mut().append_pair("qualifier", q);
        }
        let mut request = HTTP
            .post(url)
            .bearer_auth(token)
            .header("Content-Type", "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.map_err(|e| BackendError::Transport {
            operation: operation.into(),
            hint: String::new(),
            detail: format!("{} (bearer-token HTTPS)", e.without_url()),
        })?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let code = response
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(':').next().unwrap_or(v).to_owned())
            .unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
        let text = response.text().await.unwrap_or_default();
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| {
                v["message"]
                    .as_str()
                    .or(v["Message"].as_str())
                    .map(str::to_owned)
            })
            .unwrap_or(text);
        Err(BackendError::Service {
            operation: operation.into(),
            code,
            message,
        })
    }

    async fn invoke_with_bearer(
        &self,
        runtime: &AgentRuntime,
        payload: Vec<u8>,
        session: Option<&str>,
        user: Option<&str>,
        qualifier: Option<&str>,
    ) -> Result<Invocation, BackendError> {
        let mut headers = vec![("Accept", "text/event-stream, application/json")];
        if let Some(s) = session {
            headers.push((SESSION_HEADER, s));
        }
        if let Some(u) = user {
            headers.push((USER_HEADER, u));
        }
        let response = self
            .bearer_request(
                "InvokeAgentRuntime",
                runtime,
                "invocations",
                qualifier,
                &headers,
                payload,
            )
            .await?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        Ok(Invocation {
            session_id: header(SESSION_HEADER),
            content_type: header("content-type"),
            auth: "bearer",
            body: AnswerBody::Http(Box::pin(
                response
                    .bytes_stream()
                    .map(|c| c.map(|b| b.to_vec()).map_err(|e| e.to_string())),
            )),
        })
    }

    /// StopRuntimeSession (over HTTPS with a bearer token for JWT runtimes).
    pub async fn stop_runtime_session(
        &self,
        runtime: &AgentRuntime,
        session: &str,
    ) -> Result<(), BackendError> {
        self.check_config()?;
        if runtime.is_jwt() {
            self.bearer_request(
                "StopRuntimeSession",
                runtime,
                "stopruntimesession",
                None,
                &[(SESSION_HEADER, session)],
                b"{}".to_vec(),
            )
            .await?;
            return Ok(());
        }
        self.data
            .stop_runtime_session()
            .agent_runtime_arn(&runtime.arn)
            .runtime_session_id(session)
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("StopRuntimeSession", self.context(), e))?;
        Ok(())
    }

    /// Every session: from the local platform's listing, or (live) derived
    /// from the runtimes' log streams and spans.
    pub async fn runtime_sessions(&self) -> Result<Vec<RuntimeSession>, BackendError> {
        self.check_config()?;
        if self.context().kind != ContextKind::Aws {
            return self
                .local_listing("runtime-sessions", &[], "sessions")
                .await;
        }
        self.sessions_from_logs().await
    }

    /// `GET /local/<path>?<query>` of the local platform (its extensions
    /// AWS has no API for), and the list under `key` in the answer.
    async fn local_listing<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        key: &str,
    ) -> Result<T, BackendError> {
        let url = format!("{}/local/{path}", self.context().endpoint);
        let failed = |e: String| BackendError::Config(format!("listing {key} at {url}: {e}"));
        let listed: serde_json::Value = HTTP
            .get(&url)
            .query(query)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| failed(e.to_string()))?
            .json()
            .await
            .map_err(|e| failed(e.to_string()))?;
        serde_json::from_value(listed[key].clone()).map_err(|e| failed(e.to_string()))
    }

    /// The spans a session's agent exported: from the local platform's
    /// OTLP receiver, or (live) from Transaction Search's `aws/spans`.
    pub async fn session_spans(&self, session_id: &str) -> Result<Vec<SessionSpan>, BackendError> {
        self.check_config()?;
        if self.context().kind == ContextKind::Aws {
            return self.spans_from_logs(session_id).await;
        }
        self.local_listing(
            "spans",
            &[("session", session_id), ("limit", "500")],
            "spans",
        )
        .await
    }

    /// Live AWS: one session per `[runtime-logs]<session>` stream (AWS
    /// has no API that lists sessions), widened by the sessions' spans in
    /// `aws/spans` (first and last activity, invocations as root spans),
    /// plus sessions seen only in spans. Public so that the derivation can
    /// be rehearsed against the local platform, which writes the same.
    pub async fn sessions_from_logs(&self) -> Result<Vec<RuntimeSession>, BackendError> {
        let groups = self
            .logs
            .describe_log_groups()
            .log_group_name_prefix(RUNTIME_LOG_PREFIX)
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("DescribeLogGroups", self.context(), e))?;
        let now = now_ms();
        let mut out = Vec::new();
        for group in groups.log_groups() {
            let Some(name) = group.log_group_name() else {
                continue;
            };
            let (runtime_id, endpoint) = parse_runtime_log_group(name)
                .unwrap_or((name.trim_start_matches(RUNTIME_LOG_PREFIX), ""));
            let streams = self
                .logs
                .describe_log_streams()
                .log_group_name(name)
                .send()
                .await
                .map_err(|e| BackendError::from_sdk("DescribeLogStreams", self.context(), e))?;
            for stream in streams.log_streams() {
                let Some(session) = stream
                    .log_stream_name()
                    .and_then(|s| s.split_once("[runtime-logs]"))
                    .map(|(_, id)| id.to_owned())
                else {
                    continue;
                };
                let first = stream.first_event_timestamp().unwrap_or(now);
                let last = stream.last_event_timestamp().unwrap_or(first);
                let idle = (now - last) / 1000;
                out.push(RuntimeSession {
                    runtime_session_id: session,
                    agent_runtime_id: runtime_id.to_owned(),
                    endpoint: endpoint.to_owned(),
                    state: state_for_idle(idle).into(),
                    age_seconds: (now - first) / 1000,
                    idle_seconds: idle,
                    ..RuntimeSession::default()
                });
            }
        }
        // Transaction Search may be off (no aws/spans): streams only then.
        if let Some(spans) = self.logged_spans("\"session.id\"", now).await? {
            merge_sessions(&mut out, &spans, now);
        }
        Ok(out)
    }

    /// A runtime's log lines (of one session, when given) after `since_ms`.
    pub async fn runtime_logs(
        &self,
        runtime_id: &str,
        endpoint: &str,
        session: Option<&str>,
        since_ms: Option<i64>,
    ) -> Result<Vec<RuntimeLogLine>, BackendError> {
        self.check_config()?;
        let group = runtime_log_group(runtime_id, endpoint);
        let mut lines = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .logs
                .filter_log_events()
                .log_group_name(&group)
                .set_start_time(since_ms)
                .set_next_token(token.take())
                .send()
                .await;
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    let e = BackendError::from_sdk("FilterLogEvents", self.context(), e);
                    // No log group yet: no session has written anything.
                    if e.to_string().contains("ResourceNotFoundException") {
                        return Ok(Vec::new());
                    }
                    return Err(e);
                }
            };
            for event in page.events() {
                let stream = event.log_stream_name().unwrap_or_default();
                if session.is_some_and(|s| !stream.ends_with(&format!("[runtime-logs]{s}"))) {
                    continue;
                }
                lines.push(RuntimeLogLine {
                    timestamp_ms: event.timestamp().unwrap_or(0),
                    stream: stream.to_owned(),
                    message: event.message().unwrap_or_default().to_owned(),
                });
            }
            match page.next_token() {
                Some(next) if !page.events().is_empty() => token = Some(next.to_owned()),
                _ => break,
            }
        }
        Ok(lines)
    }
}
