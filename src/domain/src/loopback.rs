//! Whether a host names this machine's loopback: the one test the platform
//! (issuers, browser origins) and the CLI (where an artifact can be read)
//! share.

/// `localhost`, or a loopback address (IPv6 with or without brackets).
pub fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn loopback_names_and_addresses() {
        for host in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in ["example.com", "10.0.0.1", "0.0.0.0", "[2001:db8::1]", ""] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
