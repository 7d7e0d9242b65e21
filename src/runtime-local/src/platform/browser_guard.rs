//! Refuses what only a web browser would send on someone else's behalf:
//! - a request naming a host other than the platform's own: a page on
//!   `evil.example` whose name now resolves to 127.0.0.1 (DNS rebinding)
//!   would otherwise be same-origin with the platform;
//! - a request from a page of a foreign origin: a cross-site form POST
//!   (`Content-Type: text/plain`) needs no CORS preflight.
//!
//! The MCP specification asks this of every server. Pages served from this
//! machine (`http://localhost:6274`, the MCP Inspector) are welcome, and get
//! the CORS answers that let them read the replies.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::platform::operations::{self, Api, Refusal};

/// Headers a page may read from a reply (MCP clients need the session id).
const EXPOSED: &str =
    "mcp-session-id, mcp-protocol-version, www-authenticate, x-amzn-requestid, x-amzn-errortype";
const ALLOWED_METHODS: &str = "GET, POST, PUT, PATCH, DELETE";

/// The address the platform is reached at: the main listener's, which
/// sessions' clients name too (their relay listens on the same address).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OwnAddress(pub(crate) SocketAddr);

/// The middleware: refuse foreign hosts and origins, answer loopback pages'
/// CORS preflights, and let the rest through.
pub(crate) async fn guard(State(own): State<OwnAddress>, request: Request, next: Next) -> Response {
    if let Some(host) = host_of(&request)
        && !own.is_own_host(host)
    {
        let message = format!(
            "The acc local platform answers requests addressed to itself (http://{}, or localhost:{}), \
             not to Host {host:?}: a web page whose name resolves to this machine is refused \
             (DNS rebinding). Address the platform by its own URL.",
            own.0,
            own.0.port()
        );
        return refuse(&request, message);
    }
    let Some(origin) = request.headers().get(header::ORIGIN).cloned() else {
        // Not sent by a browser page (or a same-origin GET): nothing to judge.
        return next.run(request).await;
    };
    if !is_loopback_origin(&origin) {
        let message = format!(
            "The acc local platform refuses requests from web pages of other origins \
             ({}): only pages served from this machine (http://localhost, 127.0.0.1 or [::1], \
             any port) may call it.",
            String::from_utf8_lossy(origin.as_bytes())
        );
        return refuse(&request, message);
    }
    if request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        return preflight(origin, request.headers());
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED),
    );
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    response
}

impl OwnAddress {
    /// `localhost`, a loopback address, the bound address, or (bound to
    /// every interface) any address literal; always with the bound port.
    /// A rebinding attack needs a DNS name, so an address literal is safe.
    fn is_own_host(self, host: &str) -> bool {
        let Some((name, port)) = split_authority(host) else {
            return false;
        };
        if port.unwrap_or(80) != self.0.port() {
            return false;
        }
        if name.eq_ignore_ascii_case("localhost") {
            return true;
        }
        match name.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback() || ip == self.0.ip() || self.0.ip().is_unspecified(),
            Err(_) => false,
        }
    }
}

/// The `Host` header, or the authority of an absolute-form target. `None`
/// when neither is given: no browser sends such a request.
fn host_of(request: &Request) -> Option<&str> {
    match request.headers().get(header::HOST) {
        Some(host) => Some(host.to_str().unwrap_or("\u{fffd}")),
        None => request.uri().authority().map(|a| a.as_str()),
    }
}

/// `http(s)://localhost|127.0.0.1|[::1]` with any port.
fn is_loopback_origin(origin: &HeaderValue) -> bool {
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let lower = origin.to_ascii_lowercase();
    let Some(authority) = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))
    else {
        return false;
    };
    match split_authority(authority) {
        Some((name, _)) => acc_domain::loopback::is_loopback_host(name),
        None => false,
    }
}

/// `name`, `name:port`, `[v6]` or `[v6]:port`; `None` for anything else.
fn split_authority(authority: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let (name, after) = rest.split_once(']')?;
            match after {
                "" => (name, None),
                after => (name, Some(after.strip_prefix(':')?)),
            }
        }
        None => match authority.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (authority, None),
        },
    };
    let bracketed = authority.starts_with('[');
    if name.is_empty() || (!bracketed && name.contains(['/', '@', ':', '[', ']'])) {
        return None;
    }
    let port = match port {
        Some(port) => Some(port.parse::<u16>().ok()?),
        None => None,
    };
    Some((name, port))
}

/// The answer to a loopback page's CORS preflight.
fn preflight(origin: HeaderValue, request: &HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(ALLOWED_METHODS),
    );
    if let Some(asked) = request.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static(
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        ),
    );
    response
}

/// A 403 in the shape of the API the request addressed.
fn refuse(request: &Request, message: String) -> Response {
    tracing::warn!(method = %request.method(), path = request.uri().path(), "refused a request from a browser page of another site");
    operations::judge(request)
        .map_or(Api::ControlPlane, |judged| judged.api)
        .refuse(
            Refusal::AccessDenied,
            message,
            request.headers().get(header::CONTENT_TYPE),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(addr: &str) -> OwnAddress {
        OwnAddress(addr.parse().unwrap())
    }

    #[test]
    fn own_hosts_are_loopback_names_and_the_bound_address_on_its_port() {
        let loopback = own("127.0.0.1:4577");
        for host in [
            "127.0.0.1:4577",
            "localhost:4577",
            "LOCALHOST:4577",
            "[::1]:4577",
        ] {
            assert!(loopback.is_own_host(host), "{host}");
        }
        for host in [
            "evil.example:4577",
            "localhost.evil.example:4577",
            "127.0.0.1:4578",
            "127.0.0.1",
            "10.0.0.5:4577",
            "127.0.0.1:4577@evil.example",
            "::1:4577",
            "",
        ] {
            assert!(!loopback.is_own_host(host), "{host}");
        }
        let lan = own("192.168.1.5:80");
        assert!(lan.is_own_host("192.168.1.5"));
        assert!(!lan.is_own_host("192.168.1.6"));
        let everywhere = own("0.0.0.0:4577");
        assert!(everywhere.is_own_host("10.1.2.3:4577"));
        assert!(everywhere.is_own_host("0.0.0.0:4577"));
        assert!(!everywhere.is_own_host("rebind.evil.example:4577"));
    }

    #[test]
    fn only_loopback_pages_are_trusted_origins() {
        for origin in [
            "http://localhost:6274",
            "http://127.0.0.1",
            "https://[::1]:8443",
            "HTTP://LOCALHOST:6274",
        ] {
            assert!(
                is_loopback_origin(&HeaderValue::from_static(origin)),
                "{origin}"
            );
        }
        for origin in [
            "https://evil.example",
            "null",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example:80",
            "file://",
            "http://localhost:6274/path",
            "http://user@localhost",
            "ws://localhost:6274",
        ] {
            assert!(
                !is_loopback_origin(&HeaderValue::from_static(origin)),
                "{origin}"
            );
        }
    }
}
