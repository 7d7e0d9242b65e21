//! The OTLP variables a session is given, as the OpenTelemetry SDKs'
//! configuration specifies them: `OTEL_EXPORTER_OTLP_PROTOCOL` chooses
//! the transport (`http/protobuf` unless the runtime's environment says
//! otherwise) and `OTEL_EXPORTER_OTLP_ENDPOINT` is the platform's endpoint
//! for that transport: its own address for OTLP/HTTP, its gRPC port for
//! `grpc` (both reached through the session's relays). A signal whose own
//! protocol variable (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, `…_LOGS_…`,
//! `…_METRICS_…`) differs gets its own endpoint variable too. Variables the
//! runtime's environment sets itself come later and win.

/// The signals with their own protocol and endpoint variables, and their
/// OTLP/HTTP paths.
const SIGNALS: [(&str, &str); 3] = [
    ("TRACES", "/v1/traces"),
    ("LOGS", "/v1/logs"),
    ("METRICS", "/v1/metrics"),
];

/// The last value `chosen` gives `name` (as the sandbox applies them).
fn chosen_value<'a>(chosen: &'a [(String, String)], name: &str) -> Option<&'a str> {
    chosen
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
}

/// The variables for a session whose platform serves OTLP/HTTP at `http`
/// and OTLP/gRPC at `grpc` (when its port is open), given what the image
/// and the runtime's environment set (`chosen`). A `grpc` choice without a
/// gRPC port keeps the HTTP endpoint, and says why in the platform's log.
pub(crate) fn otlp_env(
    http: &str,
    grpc: Option<&str>,
    chosen: &[(String, String)],
) -> Vec<(String, String)> {
    let endpoint_for = |protocol: &str, path: &str| match (protocol, grpc) {
        ("grpc", Some(grpc)) => grpc.to_owned(),
        ("grpc", None) => {
            tracing::warn!(
                "a session chose OTLP/gRPC but the platform's gRPC port is closed \
                 (see --otlp-grpc): it is given the OTLP/HTTP endpoint"
            );
            format!("{http}{path}")
        }
        _ => format!("{http}{path}"),
    };
    let general = chosen_value(chosen, "OTEL_EXPORTER_OTLP_PROTOCOL").unwrap_or("http/protobuf");
    let mut env = vec![
        (
            "OTEL_EXPORTER_OTLP_PROTOCOL".to_owned(),
            "http/protobuf".to_owned(),
        ),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT".to_owned(),
            endpoint_for(general, ""),
        ),
    ];
    for (signal, path) in SIGNALS {
        let name = format!("OTEL_EXPORTER_OTLP_{signal}_PROTOCOL");
        if let Some(protocol) = chosen_value(chosen, &name).filter(|p| *p != general) {
            env.push((
                format!("OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"),
                endpoint_for(protocol, path),
            ));
        }
    }
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_protocol_chooses_the_endpoint() {
        let (http, grpc) = ("http://127.0.0.1:8080", Some("http://127.0.0.1:4317"));
        assert_eq!(
            otlp_env(http, grpc, &[]),
            vars(&[
                ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:8080"),
            ])
        );
        let grpc_chosen = otlp_env(
            http,
            grpc,
            &vars(&[("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")]),
        );
        assert_eq!(grpc_chosen[1].1, "http://127.0.0.1:4317");
        // One signal over gRPC, the rest over HTTP; the last choice wins.
        let traces = otlp_env(
            http,
            grpc,
            &vars(&[
                ("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "grpc"),
                ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"),
                ("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/json"),
            ]),
        );
        assert_eq!(traces[1].1, http);
        assert!(traces.contains(&(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT".into(),
            "http://127.0.0.1:4317".into()
        )));
        assert!(traces.contains(&(
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT".into(),
            "http://127.0.0.1:8080/v1/logs".into()
        )));
        // gRPC over HTTP for one signal.
        let mixed = otlp_env(
            http,
            grpc,
            &vars(&[
                ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
                ("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/protobuf"),
            ]),
        );
        assert!(mixed.contains(&(
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT".into(),
            "http://127.0.0.1:8080/v1/metrics".into()
        )));
        // No gRPC port: HTTP still.
        assert_eq!(
            otlp_env(
                http,
                None,
                &vars(&[("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")])
            )[1]
            .1,
            http
        );
    }
}
