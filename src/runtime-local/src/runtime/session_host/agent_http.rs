//! HTTP/1.1 to an agent inside its session, over a socket opened in the
//! session's network namespace: `/ping` for health, `/invocations` with the
//! response body streamed back as it arrives (no buffering of SSE).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;

use super::session::Session;

/// What an agent answered: its status, headers and the live body.
pub(crate) type AgentResponse = hyper::Response<Incoming>;

async fn send(
    session: &Session,
    request: hyper::Request<Full<Bytes>>,
) -> Result<AgentResponse, String> {
    let stream = session
        .connect()
        .await
        .map_err(|e| format!("cannot connect to the agent's port: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("the agent did not speak HTTP/1.1: {e}"))?;
    // The connection task lives as long as the response body is read.
    tokio::spawn(async move {
        let _ = connection.await;
    });
    sender
        .send_request(request)
        .await
        .map_err(|e| format!("the agent closed the connection: {e}"))
}

/// How long one `/ping` may take. A first SYN can be lost while a fresh
/// namespace settles, and TCP would wait a whole second to resend it; a
/// new attempt is cheaper.
const PING_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(200);

/// `GET /ping`: `Healthy` or `HealthyBusy` (an error otherwise).
pub(crate) async fn ping(session: &Session) -> Result<String, String> {
    tokio::time::timeout(PING_TIMEOUT, ping_once(session))
        .await
        .map_err(|_| format!("/ping did not answer within {PING_TIMEOUT:?}"))?
}

async fn ping_once(session: &Session) -> Result<String, String> {
    let request = hyper::Request::get("/ping")
        .header("host", "localhost:8080")
        .body(Full::new(Bytes::new()))
        .map_err(|e| e.to_string())?;
    let response = send(session, request).await?;
    if !response.status().is_success() {
        return Err(format!("/ping answered {}", response.status()));
    }
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let status = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("status").and_then(|s| s.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "Healthy".into());
    Ok(status)
}

/// `POST /invocations` with these headers and payload.
pub(crate) async fn invoke(
    session: &Session,
    headers: &[(String, String)],
    payload: Bytes,
) -> Result<AgentResponse, String> {
    let mut request = hyper::Request::post("/invocations")
        .header("host", "localhost:8080")
        .header("content-length", payload.len());
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(Full::new(payload))
        .map_err(|e| e.to_string())?;
    send(session, request).await
}
