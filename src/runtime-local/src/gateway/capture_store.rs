//! Request capture: every `tools/call` through a gateway is stored in SQLite
//! and written as a JSON line to the gateway's APPLICATION_LOGS log group, in
//! one transaction.
//!
//! Group commit: handlers hand their capture to one writer task and wait for
//! its acknowledgement; the writer drains whatever has queued up meanwhile
//! and commits it all in one transaction. A burst of concurrent calls costs
//! one fsync, not one each, and every acknowledged capture is durable.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use acc_domain::{
    CaptureOutcome, CapturedCall, CapturedCaller, CapturedPolicy, gateway_log_group, mask_secrets,
};
use rusqlite::{Connection, params};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use crate::gateway::tool_spans::{self, CallSpan};
use crate::identity::caller::CallerIdentity;
use crate::observability::cloudwatch_logs::log_store::{self, NewEvent};
use crate::observability::otlp::SpanRecord;
use crate::observability::otlp::span_store;
use crate::platform::store::Store;
use crate::platform::timestamps::{iso8601, now_ms};
use crate::platform::wire_errors::ApiError;

/// Captures waiting for the writer; a full queue makes handlers wait
/// (backpressure) rather than grow memory.
const QUEUE_DEPTH: usize = 4096;
/// Most captures committed in one transaction.
const BATCH_MAX: usize = 1024;
/// The meta key counting captures evicted by the cap, ever.
const EVICTED_KEY: &str = "captures_evicted";

/// One `tools/call`, as the gateway saw it.
#[derive(Debug, Clone)]
pub(crate) struct Capture {
    pub(crate) gateway_id: String,
    pub(crate) gateway_arn: String,
    pub(crate) target_name: String,
    /// Qualified: `<Target>___<tool>`.
    pub(crate) tool_name: String,
    pub(crate) caller: CallerIdentity,
    pub(crate) arguments: Value,
    pub(crate) outcome: CaptureOutcome,
    /// Why it failed or was denied.
    pub(crate) detail: Option<String>,
    pub(crate) latency: Duration,
    pub(crate) trace_id: String,
    /// When the call arrived (Unix ms).
    pub(crate) at_ms: i64,
    /// The policy engine's decision, when the gateway has one attached.
    pub(crate) policy: Option<CapturedPolicy>,
    /// Where the gateway's span of the call goes (none: no span).
    pub(crate) span: Option<CallSpan>,
}

/// The caller as captures record it (`masked`: secrets in claims hidden)
/// and as Cedar sees it (unmasked: policies decide on the real claims).
pub(crate) fn caller_record(identity: &CallerIdentity, masked: bool) -> CapturedCaller {
    match identity {
        CallerIdentity::Anonymous => CapturedCaller {
            kind: "anonymous".into(),
            sub: None,
            arn: None,
            claims: None,
        },
        CallerIdentity::OAuthUser { sub, claims } => CapturedCaller {
            kind: "oauth".into(),
            sub: Some(sub.clone()),
            arn: None,
            claims: Some(if masked {
                match mask_secrets(&Value::Object(claims.clone())) {
                    Value::Object(map) => map,
                    _ => claims.clone(),
                }
            } else {
                claims.clone()
            }),
        },
        CallerIdentity::IamEntity { arn } => CapturedCaller {
            kind: "iam".into(),
            sub: None,
            arn: Some(arn.clone()),
            claims: None,
        },
    }
}

impl Capture {
    /// The stored and logged form: secrets masked, the token never present.
    fn to_call(&self) -> CapturedCall {
        let caller = caller_record(&self.caller, true);
        CapturedCall {
            time: iso8601(self.at_ms),
            capture_id: uuid::Uuid::new_v4().to_string(),
            gateway_id: self.gateway_id.clone(),
            gateway_arn: self.gateway_arn.clone(),
            target: self.target_name.clone(),
            tool: self.tool_name.clone(),
            caller,
            arguments: self.arguments.clone(),
            outcome: self.outcome,
            detail: self.detail.clone(),
            latency_ms: (self.latency.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
            trace_id: self.trace_id.clone(),
            policy: self.policy.clone(),
        }
        .masked()
    }
}

struct Pending {
    call: CapturedCall,
    at_ms: i64,
    latency_us: i64,
    /// The gateway's span of the call, committed with it.
    span: Option<SpanRecord>,
    done: oneshot::Sender<()>,
}

/// Writes captures durably, batching concurrent calls into one transaction.
#[derive(Debug)]
pub(crate) struct CaptureRecorder {
    queue: mpsc::Sender<Pending>,
}

impl CaptureRecorder {
    /// Start the writer task. At most `cap` captures are kept; older ones
    /// are evicted (with their log lines) and counted. The calls' spans are
    /// kept with the received ones, at most `spans_kept` of all.
    pub(crate) fn start(store: Arc<Store>, cap: usize, spans_kept: i64) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(writer(store, cap.max(1), spans_kept, rx));
        Self { queue }
    }

    /// Store one capture; returns once it is committed (or failed, which is
    /// logged: the call itself already happened and is answered regardless).
    pub(crate) async fn record(&self, capture: Capture) {
        let (done, committed) = oneshot::channel();
        let call = capture.to_call();
        // The masked name: an unknown tool's name is whatever the caller sent.
        let tool = call.tool.clone();
        let latency_ns = capture.latency.as_nanos().min(i64::MAX as u128) as i64;
        let pending = Pending {
            span: capture
                .span
                .as_ref()
                .map(|at| tool_spans::span_of(&call, at, latency_ns)),
            call,
            at_ms: capture.at_ms,
            latency_us: capture.latency.as_micros().min(i64::MAX as u128) as i64,
            done,
        };
        if self.queue.send(pending).await.is_err() {
            tracing::error!(%tool, "capture writer is gone; a tool call was not captured");
            return;
        }
        let _ = committed.await;
    }
}

async fn writer(store: Arc<Store>, cap: usize, spans_kept: i64, mut rx: mpsc::Receiver<Pending>) {
    // Captures kept now; read once, then tracked here.
    let mut kept: Option<usize> = None;
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH_MAX {
            match rx.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let rows: Vec<(CapturedCall, i64, i64)> = batch
            .iter()
            .map(|p| (p.call.clone(), p.at_ms, p.latency_us))
            .collect();
        let spans: Vec<SpanRecord> = batch.iter().filter_map(|p| p.span.clone()).collect();
        let spans = span_store::SpanRows::new(spans, &HashMap::new());
        let known = kept;
        let result = store
            .write(move |tx| {
                let mut kept = match known {
                    Some(n) => n,
                    None => count(tx)?,
                };
                insert(tx, &rows)?;
                if !spans.spans().is_empty() {
                    span_store::keep_in(tx, &spans, now_ms(), spans_kept)?;
                }
                kept += rows.len();
                let evicted = if kept > cap {
                    let excess = kept - cap;
                    evict(tx, excess)?;
                    kept = cap;
                    excess
                } else {
                    0
                };
                Ok((kept, evicted))
            })
            .await;
        match result {
            Ok((now_kept, evicted)) => {
                kept = Some(now_kept);
                if evicted > 0 {
                    tracing::info!(
                        evicted,
                        cap,
                        "oldest captures evicted to stay within the cap"
                    );
                }
            }
            Err(e) => {
                kept = None;
                tracing::error!(error = %e, lost = batch.len(), "captures could not be stored");
            }
        }
        for pending in batch {
            let _ = pending.done.send(());
        }
    }
}

fn count(conn: &Connection) -> Result<usize, ApiError> {
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM captures", [], |row| row.get(0))?;
    Ok(n as usize)
}

fn insert(conn: &Connection, rows: &[(CapturedCall, i64, i64)]) -> Result<(), ApiError> {
    let now = crate::platform::timestamps::now_ms();
    let mut statement = conn.prepare_cached(
        "INSERT INTO captures (capture_id, at_ms, gateway_id, target_name, tool_name, caller, \
           outcome, latency_us, trace_id, document, log_event_seq) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for (call, at_ms, latency_us) in rows {
        let document = serde_json::to_string(call)?;
        let seq = log_store::append(
            conn,
            &gateway_log_group(&call.gateway_id),
            &log_stream(*at_ms),
            now,
            &[NewEvent {
                timestamp_ms: *at_ms,
                message: document.clone(),
                trace_id: None,
            }],
        )?;
        statement.execute(params![
            call.capture_id,
            at_ms,
            call.gateway_id,
            call.target,
            call.tool,
            call.caller.label(),
            call.outcome.as_str(),
            latency_us,
            call.trace_id,
            document,
            seq.first(),
        ])?;
    }
    Ok(())
}

/// Drop the `excess` oldest captures and their log lines; count them.
fn evict(conn: &Connection, excess: usize) -> Result<(), ApiError> {
    let mut select =
        conn.prepare_cached("SELECT seq, log_event_seq FROM captures ORDER BY seq LIMIT ?1")?;
    let victims: Vec<(i64, Option<i64>)> = select
        .query_map([excess as i64], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let Some(&(last, _)) = victims.last() else {
        return Ok(());
    };
    let lines: Vec<i64> = victims.iter().filter_map(|(_, line)| *line).collect();
    log_store::delete_events(conn, &lines)?;
    conn.prepare_cached("DELETE FROM captures WHERE seq <= ?1")?
        .execute([last])?;
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + ?2",
    )?
    .execute(params![EVICTED_KEY, victims.len().to_string()])?;
    Ok(())
}

/// One stream per UTC day, as vended logs roll.
fn log_stream(at_ms: i64) -> String {
    format!("tool-calls/{}", &iso8601(at_ms)[..10])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    #[test]
    fn captured_calls_never_keep_secrets() {
        let mut claims = Map::new();
        claims.insert("sub".into(), json!("agent-7"));
        claims.insert("department".into(), json!("sales"));
        // Distinctive: the call's random id could contain a short string.
        claims.insert("session_token".into(), json!("tok-never-stored"));
        let capture = Capture {
            gateway_id: "gw".into(),
            gateway_arn: "arn:gw".into(),
            target_name: "crm".into(),
            tool_name: "crm___login".into(),
            caller: CallerIdentity::OAuthUser {
                sub: "agent-7".into(),
                claims,
            },
            arguments: json!({ "user": "bob", "password": "hunter2" }),
            outcome: CaptureOutcome::Ok,
            // A target's error quoting the argument back.
            detail: Some("login rejected: bad credentials \"hunter2\"".into()),
            latency: Duration::from_micros(1500),
            trace_id: "t".into(),
            at_ms: 1_700_000_000_000,
            policy: None,
            span: None,
        };
        let call = capture.to_call();
        let text = serde_json::to_string(&call).unwrap();
        assert!(
            !text.contains("hunter2") && !text.contains("tok-never-stored"),
            "{text}"
        );
        assert_eq!(call.caller.label(), "agent-7");
        assert_eq!(call.caller.claims.unwrap()["department"], "sales");
        assert_eq!(call.latency_ms, 1.5);
        assert_eq!(log_stream(capture.at_ms), "tool-calls/2023-11-14");
    }
}
