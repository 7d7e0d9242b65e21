//! The `describe` view's content: a gateway as labelled lines.

use acc_domain::Gateway;

/// Label/value pairs describing a gateway, in reading order.
pub fn gateway_lines(g: &Gateway) -> Vec<(&'static str, String)> {
    let or_dash = |v: Option<&String>| v.cloned().unwrap_or_else(|| "-".into());
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    let mut lines = vec![
        ("Name", g.name.clone()),
        ("Id", g.id.clone()),
        ("ARN", or_dash(g.arn.as_ref())),
        ("Description", or_dash(g.description.as_ref())),
        ("Status", g.status.clone()),
    ];
    if !g.status_reasons.is_empty() {
        lines.push(("Status reasons", g.status_reasons.join("; ")));
    }
    lines.extend([
        ("MCP URL", or_dash(g.url.as_ref())),
        ("Protocol", g.protocol_type.clone()),
        ("MCP versions", list(&g.supported_versions)),
        ("Search", or_dash(g.search_type.as_ref())),
        ("Authorizer", g.authorizer_type.clone()),
    ]);
    if g.discovery_url.is_some() {
        lines.extend([
            ("  Discovery URL", or_dash(g.discovery_url.as_ref())),
            ("  Audiences", list(&g.allowed_audiences)),
            ("  Clients", list(&g.allowed_clients)),
        ]);
    }
    match &g.policy_engine {
        Some(p) => lines.extend([("Policy engine", p.arn.clone()), ("  Mode", p.mode.clone())]),
        None => lines.push(("Policy engine", "none".into())),
    }
    lines.extend([
        ("Role ARN", or_dash(g.role_arn.as_ref())),
        (
            "Targets",
            g.target_count
                .map(|c| c.to_string())
                .unwrap_or_else(|| "?".into()),
        ),
        ("Created", or_dash(g.created_at.as_ref())),
        ("Updated", or_dash(g.updated_at.as_ref())),
    ]);
    lines
}
