//! Who stands behind a control-plane request. `native:` artifacts run
//! commands on the host, so only the operator may make them: from this
//! machine, not through a session's relay, and not through the platform's
//! own outbound HTTP made for one of its callers.

use axum::http::{HeaderMap, HeaderValue};

/// A request that came from inside a session, through its relay: served
/// like any other, but what only the operator may do (create `native:`
/// artifacts, which run host commands) is refused to it.
#[derive(Debug, Clone)]
pub(crate) struct SessionCaller {
    /// The session's id.
    pub(crate) session: String,
}

/// Who asks for a runtime version. `native:` artifacts run commands on
/// the host, so only the operator may make them: from this machine, not
/// through a session's relay.
#[derive(Debug, Clone)]
pub(crate) enum Requester {
    /// The platform itself (seeding the demo workspace it was told to).
    Platform,
    /// A client of the API on the platform's own listener.
    Client,
    /// An agent inside this session, through its relay.
    Session(String),
    /// The platform's own outbound HTTP, made for one of its callers (a
    /// gateway target or another URL pointing back at the platform).
    Itself,
}

impl Requester {
    /// Whether a session may stand behind the request: it came through a
    /// relay, or the platform made it for one of its callers.
    pub(crate) fn may_be_a_session(&self) -> bool {
        matches!(self, Requester::Session(_) | Requester::Itself)
    }
}

/// Marks every request the platform's outbound HTTP client sends. Only its
/// presence counts, so a caller who sets it too (an OpenAPI header
/// parameter) gains nothing; none can remove it.
pub(crate) const PLATFORM_OUTBOUND_HEADER: &str = "x-acc-local-platform-outbound";

/// The default headers of the platform's outbound HTTP client.
pub(crate) fn platform_outbound_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(PLATFORM_OUTBOUND_HEADER, HeaderValue::from_static("1"));
    headers
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Requester {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(match parts.extensions.get::<SessionCaller>() {
            Some(caller) => Requester::Session(caller.session.clone()),
            None if parts.headers.contains_key(PLATFORM_OUTBOUND_HEADER) => Requester::Itself,
            None => Requester::Client,
        })
    }
}
