//! Outbound access for PUBLIC sessions. A session's network namespace has
//! only loopback (agents reach the platform through a relay); AgentCore's
//! PUBLIC network mode gives agents the internet, so a PUBLIC session gets
//! an HTTP proxy listening inside at [`PROXY_ADDR`], announced through
//! `HTTP(S)_PROXY`, whose connections leave from the host: `CONNECT` for
//! TLS, absolute-form requests for plain HTTP. It refuses this machine
//! itself (loopback, link-local, and any address of its own interfaces),
//! so a session stays isolated from the host's services. VPC sessions get
//! no proxy and no way out.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Where the proxy listens inside a PUBLIC session.
pub(crate) const PROXY_ADDR: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 3128);
/// A request head larger than this is refused.
const MAX_HEAD: usize = 16 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The environment that points an agent's HTTP clients at the proxy; the
/// platform (on 127.0.0.1) stays direct.
pub(crate) fn proxy_env() -> Vec<(String, String)> {
    let url = format!("http://{PROXY_ADDR}");
    [
        ("HTTPS_PROXY", url.as_str()),
        ("HTTP_PROXY", url.as_str()),
        ("https_proxy", url.as_str()),
        ("http_proxy", url.as_str()),
        ("NO_PROXY", "127.0.0.1,localhost"),
        ("no_proxy", "127.0.0.1,localhost"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// Serve every connection the session makes to the proxy.
pub(crate) async fn serve(listener: TcpListener) {
    loop {
        let Ok((inside, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let _ = handle(inside).await;
        });
    }
}

async fn handle(mut inside: TcpStream) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(1024);
    let head_end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if buf.len() > MAX_HEAD {
            return refuse(&mut inside, 431, "the request head is too large").await;
        }
        let mut chunk = [0u8; 4096];
        let n = inside.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let rest = buf[head_end..].to_vec();
    let mut line = head.lines().next().unwrap_or_default().split_whitespace();
    let (method, target, version) = (
        line.next().unwrap_or_default(),
        line.next().unwrap_or_default(),
        line.next().unwrap_or("HTTP/1.1"),
    );
    if method.eq_ignore_ascii_case("CONNECT") {
        let mut outside = match connect_public(target).await {
            Ok(s) => s,
            Err(why) => return refuse(&mut inside, 403, &why).await,
        };
        inside
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await?;
        outside.write_all(&rest).await?;
        tokio::io::copy_bidirectional(&mut inside, &mut outside).await?;
        return Ok(());
    }
    // Plain HTTP: `GET http://host[:port]/path HTTP/1.1`.
    let Some((authority, path)) = target.strip_prefix("http://").map(|t| {
        t.split_once('/')
            .map_or((t, "/".to_owned()), |(a, p)| (a, format!("/{p}")))
    }) else {
        return refuse(
            &mut inside,
            400,
            "this proxy takes CONNECT or absolute http:// requests",
        )
        .await;
    };
    let authority = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let mut outside = match connect_public(&authority).await {
        Ok(s) => s,
        Err(why) => return refuse(&mut inside, 403, &why).await,
    };
    let first_line_end = head.find("\r\n").unwrap_or(head.len());
    let rewritten = format!("{method} {path} {version}{}", &head[first_line_end..]);
    outside.write_all(rewritten.as_bytes()).await?;
    outside.write_all(&rest).await?;
    tokio::io::copy_bidirectional(&mut inside, &mut outside).await?;
    Ok(())
}

/// Whether `ip` is this machine or not routable off it. An IPv4-mapped
/// IPv6 address (`::ffff:127.0.0.2`) is judged as the IPv4 address it
/// reaches: a dual-stack socket connects to that.
fn is_local(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_unspecified() || v4.is_link_local(),
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_unicast_link_local()
                || v6 == EC2_METADATA_V6
        }
    }
}

/// The EC2 instance metadata service over IPv6 (over IPv4 it is
/// 169.254.169.254, link-local): the host's credentials, not the internet.
const EC2_METADATA_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);

/// Whether `ip` is this machine, before any connection: [`is_local`], or
/// an address of one of its interfaces (only those can be bound).
pub(crate) fn is_this_machine(ip: IpAddr) -> bool {
    is_local(ip) || std::net::UdpSocket::bind((ip.to_canonical(), 0)).is_ok()
}

/// A connection from the host to `authority`, unless it is this machine.
async fn connect_public(authority: &str) -> Result<TcpStream, String> {
    let addrs: Vec<SocketAddr> =
        tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::lookup_host(authority))
            .await
            .map_err(|_| format!("resolving {authority} timed out"))?
            .map_err(|e| format!("cannot resolve {authority}: {e}"))?
            .collect();
    let mut last = format!("{authority} has no address");
    for addr in addrs {
        if is_local(addr.ip()) {
            last = format!(
                "{authority} is this machine ({}); sessions are isolated from the host",
                addr.ip()
            );
            continue;
        }
        match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                // A connection to one of the host's own interface addresses
                // leaves from that same address.
                let own = stream
                    .local_addr()
                    .ok()
                    .zip(stream.peer_addr().ok())
                    .is_some_and(|(local, peer)| local.ip() == peer.ip());
                if own {
                    last = format!(
                        "{authority} is this machine ({}); sessions are isolated from the host",
                        addr.ip()
                    );
                    continue;
                }
                return Ok(stream);
            }
            Ok(Err(e)) => last = format!("cannot connect to {addr}: {e}"),
            Err(_) => last = format!("connecting to {addr} timed out"),
        }
    }
    Err(last)
}

async fn refuse(inside: &mut TcpStream, status: u16, why: &str) -> std::io::Result<()> {
    let reason = axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let body = format!("acc session proxy: {why}\n");
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    inside.write_all(response.as_bytes()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_is_local() {
        for ip in [
            "127.0.0.1",
            "0.0.0.0",
            "169.254.169.254",
            "::1",
            "fe80::1",
            "::ffff:127.0.0.2",
            "::ffff:169.254.169.254",
            "::ffff:0.0.0.0",
            "fd00:ec2::254",
        ] {
            assert!(is_local(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "10.1.2.3", "2606:4700::1"] {
            assert!(!is_local(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn this_machines_own_addresses_are_known_before_connecting() {
        for ip in ["127.0.0.2", "::ffff:127.0.0.1", "::1"] {
            assert!(is_this_machine(ip.parse().unwrap()), "{ip}");
        }
        // TEST-NET-1: no machine's own.
        assert!(!is_this_machine("192.0.2.1".parse().unwrap()));
    }
}
