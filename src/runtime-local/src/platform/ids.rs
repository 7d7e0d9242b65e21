//! Identifiers and ARNs shaped like the ones AWS hands out, so that clients
//! which validate them (the SDKs' models carry patterns) accept ours.

use rand::Rng;

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// AWS's gateway ARN pattern allows at most 48 characters before the suffix.
const GATEWAY_ID_STEM_MAX: usize = 48;

/// Lowercase hex of `bytes` (trace and span ids, page tokens).
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

fn random_from(charset: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| charset[rng.random_range(0..charset.len())] as char)
        .collect()
}

/// `<name lowercased>-<10 random lowercase alphanumerics>`, e.g. `enterprise-hub-q3k9x0abcd`.
pub(crate) fn new_gateway_id(name: &str) -> String {
    let stem: String = name
        .to_ascii_lowercase()
        .chars()
        .take(GATEWAY_ID_STEM_MAX)
        .collect();
    let stem = stem.trim_end_matches('-');
    format!("{stem}-{}", random_from(LOWER_ALNUM, 10))
}

/// `<name>-<10 random lowercase alphanumerics>`: policy engine and policy
/// ids (their names allow letters, digits and underscores).
pub(crate) fn new_policy_resource_id(name: &str) -> String {
    format!("{name}-{}", random_from(LOWER_ALNUM, 10))
}

/// Ten random mixed-case alphanumerics: the suffix of memory and memory
/// strategy ids (`<name>-<suffix>`, as AWS issues them).
pub(crate) fn new_alnum_suffix() -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    random_from(ALNUM, 10)
}

/// `arn:aws:bedrock-agentcore:<region>:<account>:memory/<id>`.
pub(crate) fn memory_arn(region: &str, account_id: &str, memory_id: &str) -> String {
    format!("arn:aws:bedrock-agentcore:{region}:{account_id}:memory/{memory_id}")
}

/// `arn:aws:bedrock-agentcore:<region>:<account>:policy-engine/<id>`.
pub(crate) fn policy_engine_arn(region: &str, account_id: &str, engine_id: &str) -> String {
    format!("arn:aws:bedrock-agentcore:{region}:{account_id}:policy-engine/{engine_id}")
}

/// `<policy engine ARN>/policy/<policyId>`.
pub(crate) fn policy_arn(
    region: &str,
    account_id: &str,
    engine_id: &str,
    policy_id: &str,
) -> String {
    format!(
        "{}/policy/{policy_id}",
        policy_engine_arn(region, account_id, engine_id)
    )
}

/// Ten random uppercase alphanumerics, e.g. `7XKQ2M0PLA`.
pub(crate) fn new_target_id() -> String {
    random_from(UPPER_ALNUM, 10)
}

/// `arn:aws:bedrock-agentcore:<region>:<account>:gateway/<gatewayId>`.
pub(crate) fn gateway_arn(region: &str, account_id: &str, gateway_id: &str) -> String {
    format!("arn:aws:bedrock-agentcore:{region}:{account_id}:gateway/{gateway_id}")
}

/// The workload identity AWS creates for every gateway (it is how the gateway
/// obtains outbound credentials); reported in `workloadIdentityDetails`.
pub(crate) fn workload_identity_arn(region: &str, account_id: &str, gateway_id: &str) -> String {
    format!(
        "arn:aws:bedrock-agentcore:{region}:{account_id}:workload-identity-directory/default/workload-identity/{gateway_id}"
    )
}

/// `arn:aws:bedrock-agentcore:<region>:<account>:runtime/<agentRuntimeId>`.
pub(crate) fn agent_runtime_arn(region: &str, account_id: &str, runtime_id: &str) -> String {
    format!("arn:aws:bedrock-agentcore:{region}:{account_id}:runtime/{runtime_id}")
}

/// `<runtime ARN>/runtime-endpoint/<endpoint name>`.
pub(crate) fn runtime_endpoint_arn(
    region: &str,
    account_id: &str,
    runtime_id: &str,
    endpoint: &str,
) -> String {
    format!(
        "{}/runtime-endpoint/{endpoint}",
        agent_runtime_arn(region, account_id, runtime_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::validation::{is_gateway_id, is_target_id};

    #[test]
    fn generated_ids_match_the_aws_patterns() {
        for name in [
            "enterprise-hub",
            "Tenant-ACME",
            "x",
            &"a".repeat(100),
            "ends-",
        ] {
            let id = new_gateway_id(name);
            assert!(is_gateway_id(&id), "{id} from {name}");
        }
        assert!(is_target_id(&new_target_id()));
    }

    /// Ids the platform hands out pass the edge's own checks when they come back.
    #[test]
    fn generated_policy_and_runtime_ids_pass_the_edge() {
        use crate::platform::validation::{
            AGENT_RUNTIME_ID, POLICY_ENGINE_ID, POLICY_ID, check_id,
        };
        for name in ["guardrails", "A", &"n".repeat(48)] {
            let id = new_policy_resource_id(name);
            check_id("policyEngineId", &id, &POLICY_ENGINE_ID).unwrap();
            check_id("policyId", &id, &POLICY_ID).unwrap();
        }
        for name in ["demo_agent", "x", &"r".repeat(48)] {
            let id = new_policy_resource_id(name);
            check_id("agentRuntimeId", &id, &AGENT_RUNTIME_ID).unwrap();
        }
    }
}
