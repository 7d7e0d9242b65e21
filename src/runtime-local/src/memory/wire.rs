//! What AgentCore Memory's wire shapes need beyond the shared restJson
//! plumbing: epoch-second timestamps (its model gives no other format),
//! memory ids that may arrive as ARNs, and the data plane's page sizes.

use serde_json::{Value, json};

use crate::platform::validation::{Object, Violations, join};
use crate::platform::wire_errors::ApiError;

/// Page size of the data plane's lists when the caller does not say.
pub(crate) const DEFAULT_PAGE: usize = 20;
/// The data plane's bound on `maxResults`.
pub(crate) const MAX_PAGE: usize = 100;

/// A timestamp on the wire: epoch seconds, with milliseconds as a fraction.
pub(crate) fn epoch_seconds(ms: i64) -> Value {
    if ms % 1000 == 0 {
        json!(ms / 1000)
    } else {
        json!(ms as f64 / 1000.0)
    }
}

/// A required timestamp member in epoch seconds, integer (boto3) or
/// fractional (the AgentCore SDK's session manager), as milliseconds.
pub(crate) fn timestamp_ms(
    v: &mut Violations,
    obj: &Object,
    parent: &str,
    key: &str,
    required: bool,
) -> Option<i64> {
    let path = join(parent, key);
    match obj.get(key) {
        None | Some(Value::Null) => {
            if required {
                v.add(&path, None, "Member must not be null");
            }
            None
        }
        Some(Value::Number(n)) => match n.as_f64() {
            // Year 1970 to 9999: anything else is not a time AWS would take.
            Some(s) if (0.0..253_402_300_800.0).contains(&s) => Some((s * 1000.0).round() as i64),
            _ => {
                v.add(
                    &path,
                    obj.get(key),
                    "Member must be a timestamp in epoch seconds between 1970 and 9999",
                );
                None
            }
        },
        Some(other) => {
            v.add(
                &path,
                Some(other),
                "Member must be a timestamp (a number of epoch seconds)",
            );
            None
        }
    }
}

/// The memory id a `memoryId` label names: the id itself, or the id at the
/// end of the memory's ARN (already checked against the label's pattern).
pub(crate) fn memory_id_of(label: &str) -> String {
    match label.rsplit_once(":memory/") {
        Some((_, id)) => id.to_owned(),
        None => label.to_owned(),
    }
}

/// `maxResults` of a data-plane list body (1–`max`, `default` when absent).
pub(crate) fn max_results(v: &mut Violations, obj: &Object, default: usize, max: usize) -> usize {
    match obj.get("maxResults") {
        None | Some(Value::Null) => default,
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| (1..=max as u64).contains(&n)) => {
            n.as_u64().map_or(default, |n| n as usize)
        }
        Some(other) => {
            v.add(
                "maxResults",
                Some(other),
                format!("Member must have value between 1 and {max}"),
            );
            default
        }
    }
}

/// An optional boolean member.
pub(crate) fn optional_bool(
    v: &mut Violations,
    obj: &Object,
    parent: &str,
    key: &str,
) -> Option<bool> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => {
            v.add(&join(parent, key), Some(other), "Member must be a boolean");
            None
        }
    }
}

/// The `ResourceNotFoundException` of a memory that does not exist.
pub(crate) fn memory_not_found(memory_id: &str) -> ApiError {
    ApiError::not_found(format!(
        "Memory {memory_id} not found. ListMemories lists the memories that exist."
    ))
}

/// A JSON object member as stored text, or `None` when absent.
pub(crate) fn stored_json(value: Option<&Value>) -> Option<String> {
    value.filter(|v| !v.is_null()).map(Value::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_arrive_as_integer_or_fractional_seconds() {
        let body = json!({"a": 1_700_000_000, "b": 1_700_000_000.25, "c": "yesterday", "d": -1});
        let obj = body.as_object().unwrap();
        let mut v = Violations::new();
        assert_eq!(
            timestamp_ms(&mut v, obj, "", "a", true),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            timestamp_ms(&mut v, obj, "", "b", true),
            Some(1_700_000_000_250)
        );
        assert_eq!(timestamp_ms(&mut v, obj, "", "c", true), None);
        assert_eq!(timestamp_ms(&mut v, obj, "", "d", true), None);
        assert!(v.finish().is_err());
        assert_eq!(epoch_seconds(1_700_000_000_250), json!(1_700_000_000.25));
        assert_eq!(epoch_seconds(1_700_000_000_000), json!(1_700_000_000));
    }

    #[test]
    fn memory_ids_may_be_arns() {
        assert_eq!(memory_id_of("demo-abcdefghij"), "demo-abcdefghij");
        assert_eq!(
            memory_id_of("arn:aws:bedrock-agentcore:us-east-1:000000000000:memory/demo-abcdefghij"),
            "demo-abcdefghij"
        );
    }
}
