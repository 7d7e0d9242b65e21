//! `acc demo-agent`: a deterministic agent that implements the AgentCore
//! runtime contract, for the demo workspace and the tests.
//!
//! - `GET /ping`: `{"status": "Healthy" | "HealthyBusy", "time_of_last_update": <unix s>}`;
//!   HealthyBusy while background work runs.
//! - `POST /invocations`: streams its answer as SSE the way the AgentCore
//!   Python SDK does (`data: <json>\n\n` per chunk, no `event:` lines, no
//!   `[DONE]`), or one JSON document when the caller accepts only JSON.
//!
//! The payload is `{"prompt": "..."}` plus knobs for rehearsing failure
//! modes: `delay_ms` between chunks, `background_ms` of HealthyBusy work
//! after answering, `fail_after` chunks (then a mid-stream error frame),
//! `repeat` the answer N times (long streams), and `probe: {"write":
//! path, "read": path}` to look at the sandbox. Every delta frame carries
//! `at_us`, the Unix time it was written, for latency measurements.
//!
//! With `"tool": "<target>___<tool>"` (and `"arguments"`), it first calls
//! that tool through its gateway (see `tools`), streaming a
//! `tool_use` and a `tool_result` frame, and answers with what it got.
//!
//! With a memory (`MEMORY_ID`, see `memory`), it recalls what it knows
//! about the user (the start frame's `memory`, and the answer's first
//! words) and writes the turn as events before its `done` frame.

mod client;
mod genai_events;
mod memory;
mod spans;
mod tools;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use spans::{Invocation, ToolSpan, now_ns, random_hex, tokens};

#[derive(Default)]
struct AgentState {
    /// Background tasks still running (HealthyBusy while > 0).
    busy: AtomicU64,
    last_update: AtomicI64,
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Serve the contract on `addr` until the process is stopped.
pub async fn serve(addr: SocketAddr) -> anyhow::Result<()> {
    let state = Arc::new(AgentState::default());
    state.last_update.store(unix_now(), Ordering::SeqCst);
    let app = Router::new()
        .route("/ping", get(ping))
        .route("/invocations", post(invocations))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!("acc demo agent listening on {addr}");
    axum::serve(listener, app).await?;
    Ok(())
}

async fn ping(axum::extract::State(state): axum::extract::State<Arc<AgentState>>) -> Response {
    let status = if state.busy.load(Ordering::SeqCst) > 0 {
        "HealthyBusy"
    } else {
        "Healthy"
    };
    axum::Json(json!({
        "status": status,
        "time_of_last_update": state.last_update.load(Ordering::SeqCst),
    }))
    .into_response()
}

/// The deterministic answer to a prompt, word by word.
fn answer(prompt: &str) -> Vec<String> {
    let text = format!(
        "You asked: {prompt}. The acc demo agent answers deterministically, one word per frame, so streams can be watched and tested."
    );
    text.split(' ').map(|w| format!("{w} ")).collect()
}

fn header(headers: &HeaderMap, name: &str) -> Value {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map_or(Value::Null, |v| json!(v))
}

/// What the sandbox lets the agent do: files, its limits, and the network
/// (`fetch`: a GET through the environment's proxy settings, as any HTTP
/// client in an agent would).
async fn probe(spec: &Value) -> Value {
    let mut out = json!({});
    if let Some(path) = spec.get("write").and_then(Value::as_str) {
        out["write"] = match std::fs::write(path, "written by the acc demo agent") {
            Ok(()) => json!("ok"),
            Err(e) => json!(format!("error: {e}")),
        };
    }
    if let Some(path) = spec.get("read").and_then(Value::as_str) {
        out["read"] = match std::fs::read_to_string(path) {
            Ok(text) => json!(text),
            Err(e) => json!(format!("error: {e}")),
        };
    }
    if let Some(url) = spec.get("fetch").and_then(Value::as_str) {
        let fetched = match reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
        {
            Ok(client) => client.get(url).send().await,
            Err(e) => {
                out["fetch"] = json!(format!("error: {e}"));
                return out;
            }
        };
        out["fetch"] = match fetched {
            Ok(response) => json!(format!("HTTP {}", response.status().as_u16())),
            Err(e) => json!(format!("error: {e:?}")),
        };
    }
    // The address-space limits the sandbox set (RLIMIT_DATA, RLIMIT_AS).
    out["limits"] = json!(std::fs::read_to_string("/proc/self/limits").ok().map(|s| {
        s.lines()
            .filter(|l| l.starts_with("Max data size") || l.starts_with("Max address space"))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
    }));
    out["uid"] = json!(
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(str::to_owned))
    );
    out
}

async fn invocations(
    axum::extract::State(state): axum::extract::State<Arc<AgentState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let payload: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({ "error": format!("the payload is not JSON: {e}") })),
            )
                .into_response();
        }
    };
    let knobs = Knobs::of(&payload);
    let session = header(&headers, "x-amzn-bedrock-agentcore-runtime-session-id")
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let telemetry = Invocation::start(session.clone());
    let mut start = start_frame(&headers);
    if let Some(spec) = payload.get("probe") {
        start["probe"] = probe(spec).await;
    }
    let mut one = answer(&knobs.prompt);
    let remembering = memory::Memory::from_env().map(|m| {
        let user = header(&headers, "x-amzn-bedrock-agentcore-runtime-user-id");
        let actor = memory::actor(
            user.as_str()
                .or(payload.get("user").and_then(Value::as_str)),
        );
        (m, actor)
    });
    if let Some((m, actor)) = &remembering {
        let recalled = m.recall(actor, &knobs.prompt).await;
        if let Ok(records) = &recalled
            && let Some(best) = records.first().and_then(|r| r["text"].as_str())
        {
            one.insert(0, format!("(From memory: {best}) "));
        }
        start["memory"] = match recalled {
            Ok(records) => json!({ "actorId": actor, "recalled": records }),
            Err(e) => json!({ "actorId": actor, "error": e }),
        };
    }
    let words: Vec<String> = std::iter::repeat_n(one, knobs.repeat).flatten().collect();
    if let Some(ms) = knobs.background_ms {
        work_in_background(&state, ms);
    }
    let accepts_sse = headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|a| a.contains("text/event-stream") || a.contains("*/*"));
    let remember = remembering.and_then(|(m, actor)| {
        memory::memory_session(&session).map(|s| Remember {
            memory: m,
            actor,
            session: s,
        })
    });
    if !accepts_sse {
        let said = words.concat();
        answered_at_once(telemetry, &knobs.prompt, said.trim_end());
        let mut answer = json!({ "start": start, "answer": said.trim_end() });
        if let Some(r) = remember {
            answer["remembered"] = r.write(&knobs.prompt, said.trim_end()).await;
        }
        return axum::Json(answer).into_response();
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(16);
    tokio::spawn(stream_answer(
        Frames(tx),
        telemetry,
        start,
        knobs,
        words,
        remember,
    ));
    let stream = tokio_stream_from(rx);
    Response::builder()
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// What the payload asks of an invocation (see the module's documentation).
struct Knobs {
    prompt: String,
    delay: Duration,
    fail_after: Option<u64>,
    background_ms: Option<u64>,
    repeat: usize,
    /// A tool to call first, with its arguments.
    tool: Option<(String, Value)>,
}

impl Knobs {
    fn of(payload: &Value) -> Self {
        let number = |key: &str| payload.get(key).and_then(Value::as_u64);
        let arguments = payload.get("arguments").cloned().unwrap_or(json!({}));
        Self {
            prompt: payload
                .get("prompt")
                .and_then(Value::as_str)
                .unwrap_or("(no prompt)")
                .to_owned(),
            delay: Duration::from_millis(number("delay_ms").unwrap_or(20)),
            fail_after: number("fail_after"),
            background_ms: number("background_ms"),
            repeat: number("repeat").unwrap_or(1).clamp(1, 100_000) as usize,
            tool: payload
                .get("tool")
                .and_then(Value::as_str)
                .map(|name| (name.to_owned(), arguments)),
        }
    }
}

/// The first frame: the ids AgentCore forwarded, whether a token came and
/// whom it names (never the token), and every other `x-` header that
/// reached the agent (the custom prefix and the runtime's allowlist).
fn start_frame(headers: &HeaderMap) -> Value {
    json!({
        "type": "start",
        "sessionId": header(headers, "x-amzn-bedrock-agentcore-runtime-session-id"),
        "requestId": header(headers, "x-amzn-bedrock-agentcore-runtime-request-id"),
        "userId": header(headers, "x-amzn-bedrock-agentcore-runtime-user-id"),
        "authorization": headers.contains_key("authorization"),
        "caller": caller_claims(headers),
        "custom": headers
            .iter()
            .filter(|(k, _)| {
                let k = k.as_str();
                k.starts_with("x-")
                    && !matches!(
                        k,
                        "x-amzn-bedrock-agentcore-runtime-session-id"
                            | "x-amzn-bedrock-agentcore-runtime-request-id"
                            | "x-amzn-bedrock-agentcore-runtime-user-id"
                    )
            })
            .map(|(k, v)| (k.as_str().to_owned(), json!(v.to_str().unwrap_or_default())))
            .collect::<serde_json::Map<_, _>>(),
    })
}

/// HealthyBusy for `ms`, as an agent doing background work reports it.
fn work_in_background(state: &Arc<AgentState>, ms: u64) {
    state.busy.fetch_add(1, Ordering::SeqCst);
    let state = Arc::clone(state);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        state.busy.fetch_sub(1, Ordering::SeqCst);
        state.last_update.store(unix_now(), Ordering::SeqCst);
    });
}

/// The SSE frames of one answer, as the caller reads them.
struct Frames(tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>);

impl Frames {
    /// Send one `data:` frame; `false` once the caller has hung up.
    async fn send(&self, value: Value) -> bool {
        let frame = Ok(Bytes::from(format!("data: {value}\n\n")));
        self.0.send(frame).await.is_ok()
    }
}

/// Stream the answer: the start frame, the tool call when one is asked
/// for, the words (failing mid-stream when asked to), then `done`; and the
/// invocation's telemetry (`spans`).
async fn stream_answer(
    frames: Frames,
    mut telemetry: Invocation,
    start: Value,
    knobs: Knobs,
    mut words: Vec<String>,
    remember: Option<Remember>,
) {
    if !frames.send(start).await {
        return;
    }
    // What the model reads: the prompt, then what a tool answered.
    let mut read = tokens(&knobs.prompt);
    let mut messages = vec![genai_events::user_message(&knobs.prompt)];
    if let Some((name, arguments)) = knobs.tool {
        // The first model call decides on the tool.
        let decided = (telemetry.started_ns(), now_ns());
        let wrote = tokens(&arguments.to_string());
        telemetry.chat(decided, (read, wrote), std::mem::take(&mut messages));
        match use_tool(&frames, &name, arguments, &telemetry).await {
            ToolUse::Answered(said, span) => {
                telemetry.tool(&span);
                read += wrote + tokens(&said);
                messages.push(genai_events::tool_message(&span.span_id, &said));
                words.insert(0, said);
            }
            ToolUse::Failed(span) => {
                telemetry.tool(&span);
                let why = span.failed.clone();
                telemetry.finish(now_ns(), why);
                return;
            }
            ToolUse::HungUp => return,
        }
    }
    let answering = now_ns();
    for (i, word) in words.iter().enumerate() {
        if knobs.fail_after.is_some_and(|n| i as u64 >= n) {
            let why = "the demo agent failed mid-stream, as asked (fail_after)";
            frames.send(json!({ "error": why })).await;
            telemetry.finish(now_ns(), Some(why.to_owned()));
            return;
        }
        if !knobs.delay.is_zero() {
            tokio::time::sleep(knobs.delay).await;
        }
        let at_us = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_micros() as u64)
            .unwrap_or(0);
        let delta = json!({ "type": "delta", "text": word, "at_us": at_us });
        if !frames.send(delta).await {
            return;
        }
    }
    let said = words.concat();
    messages.push(genai_events::choice(said.trim_end()));
    telemetry.chat((answering, now_ns()), (read, tokens(&said)), messages);
    let mut done = json!({ "type": "done", "words": words.len() });
    if let Some(r) = remember {
        done["remembered"] = r.write(&knobs.prompt, said.trim_end()).await;
    }
    frames.send(done).await;
    telemetry.finish(now_ns(), None);
}

/// The telemetry of an answer given at once (one JSON document): one model
/// call that read the prompt and wrote `said`.
fn answered_at_once(mut telemetry: Invocation, prompt: &str, said: &str) {
    let messages = vec![
        genai_events::user_message(prompt),
        genai_events::choice(said),
    ];
    let times = (telemetry.started_ns(), now_ns());
    telemetry.chat(times, (tokens(prompt), tokens(said)), messages);
    telemetry.finish(now_ns(), None);
}

/// Where the turn is written once answered.
struct Remember {
    memory: memory::Memory,
    actor: String,
    session: String,
}

impl Remember {
    /// Write the turn: `true`, or why it could not be written.
    async fn write(&self, prompt: &str, answer: &str) -> Value {
        match self
            .memory
            .remember(&self.actor, &self.session, prompt, answer)
            .await
        {
            Ok(()) => json!(true),
            Err(e) => json!(e),
        }
    }
}

/// How a tool call within an invocation went.
enum ToolUse {
    /// The gateway answered (a tool error too): what the agent says about
    /// it, and its span.
    Answered(String, ToolSpan),
    /// The call failed; the error frame is sent and the answer ends.
    Failed(ToolSpan),
    /// The caller hung up.
    HungUp,
}

/// Call `name` through the gateway within the invocation's trace,
/// streaming `tool_use` and then `tool_result` (or an error frame).
async fn use_tool(frames: &Frames, name: &str, arguments: Value, trace: &Invocation) -> ToolUse {
    let used = json!({ "type": "tool_use", "name": name, "input": arguments });
    if !frames.send(used).await {
        return ToolUse::HungUp;
    }
    let span_id = random_hex(8);
    let tool_started = now_ns();
    let called = tools::call_tool(name, arguments, &trace.traceparent(&span_id)).await;
    let span = ToolSpan {
        span_id,
        name: name.to_owned(),
        start_ns: tool_started,
        end_ns: now_ns(),
        failed: match &called {
            Ok(answer) if answer.is_error => Some("the tool reported an error".into()),
            Ok(_) => None,
            Err(e) => Some(e.clone()),
        },
    };
    match called {
        Ok(answer) => {
            let verb = if answer.is_error {
                "failed"
            } else {
                "answered"
            };
            let said = format!("{name} {verb}: {} ", answer.text_excerpt(200));
            let result = json!({
                "type": "tool_result",
                "name": name,
                "isError": answer.is_error,
                "content": answer.content,
            });
            if !frames.send(result).await {
                return ToolUse::HungUp;
            }
            ToolUse::Answered(said, span)
        }
        Err(e) => {
            let failed =
                json!({ "error": format!("calling {name} through the gateway failed: {e}") });
            frames.send(failed).await;
            ToolUse::Failed(span)
        }
    }
}

/// A receiver as a stream of body chunks.
fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// The `client_id`, `sub` and `department` of a forwarded bearer JWT. The
/// runtime verified the token before forwarding it, so the agent only
/// decodes its payload, as agents behind a JWT authorizer do.
fn caller_claims(headers: &HeaderMap) -> Value {
    use base64::Engine as _;
    let payload = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|token| token.split('.').nth(1))
        .and_then(|part| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    match payload {
        Some(claims) => json!({
            "client_id": claims.get("client_id"),
            "sub": claims.get("sub"),
            "department": claims.get("department"),
        }),
        None => Value::Null,
    }
}
