//! How the gateway reaches its targets' backends: the platform's outbound
//! HTTP client, and the Lambda ARNs bound to local commands. A target a
//! session may have made is called as the session's own traffic would be.

use serde_json::Value;

use crate::gateway::function_bindings::FunctionBinding;
use crate::identity::requester::platform_outbound_headers;
use crate::runtime::session_host::egress_proxy::is_this_machine;

/// What target calls go out with.
#[derive(Debug)]
pub(crate) struct TargetBackends {
    /// Outbound HTTP: OpenAPI and MCP targets (and tool discovery).
    pub(crate) http: reqwest::Client,
    /// Lambda ARNs bound to local commands.
    pub(crate) functions: Vec<FunctionBinding>,
}

/// The member of a stored target that says a session may have made it
/// (through its relay, or through the platform's own outbound HTTP).
pub(crate) const MADE_BY_A_SESSION: &str = "accLocalMadeByASession";

impl TargetBackends {
    /// The HTTP client for a call to `url` of `target`. The operator's targets
    /// reach whatever the platform does (their local services too); a target a
    /// session made is held to the session's egress rules: never this machine
    /// (loopback, link-local, its own addresses; the name resolved once, here,
    /// and pinned), and no redirects, which could lead back to it.
    pub(crate) async fn http_for(
        &self,
        target: &Value,
        url: &str,
    ) -> Result<reqwest::Client, String> {
        if target.get(MADE_BY_A_SESSION).is_none() {
            return Ok(self.http.clone());
        }
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url} is not a URL: {e}"))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| format!("{url} names no host"))?;
        let port = parsed.port_or_known_default().unwrap_or(80);
        let name = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((name, port))
            .await
            .map_err(|e| format!("cannot resolve {host}: {e}"))?
            .collect();
        let Some(public) = addrs.iter().find(|a| !is_this_machine(a.ip())) else {
            return Err(format!(
                "{url} is this machine: a target made from inside a runtime session is called as \
                 the session's own traffic would be, and sessions are isolated from the host"
            ));
        };
        reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(5))
            .default_headers(platform_outbound_headers())
            .redirect(reqwest::redirect::Policy::none())
            .resolve(name, *public)
            .build()
            .map_err(|e| format!("cannot build an HTTP client for {url}: {e}"))
    }
}
