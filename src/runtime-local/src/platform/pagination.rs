//! `maxResults` / `nextToken` pagination. Lists are ordered by creation
//! (the row's sequence number) and paged by keyset, so a page is one indexed
//! range scan however deep the caller is. The token is opaque to callers: a
//! hex encoding of which list it belongs to and the last sequence number seen.

use crate::platform::wire_errors::ApiError;

/// Page size when the caller does not say.
pub(crate) const DEFAULT_MAX_RESULTS: usize = 50;
/// The model's bound on `maxResults` (`GatewayMaxResults`, `TargetMaxResults`).
pub(crate) const MAX_MAX_RESULTS: usize = 1000;

/// Which list a token belongs to, so a token from one list is refused by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    Gateways,
    GatewayTargets,
    PolicyEngines,
    Policies,
    AgentRuntimes,
    RuntimeVersions,
    RuntimeEndpoints,
}

impl ListKind {
    fn tag(self) -> &'static str {
        match self {
            Self::Gateways => "gw",
            Self::GatewayTargets => "tg",
            Self::PolicyEngines => "pe",
            Self::Policies => "po",
            Self::AgentRuntimes => "rt",
            Self::RuntimeVersions => "rv",
            Self::RuntimeEndpoints => "re",
        }
    }
}

/// One page to read: up to `limit` rows with a sequence number above `after_seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageRequest {
    pub(crate) limit: usize,
    pub(crate) after_seq: i64,
}

impl PageRequest {
    /// Read the page from the query string's `maxResults` and `nextToken`.
    pub(crate) fn from_query(query: &[(String, String)], kind: ListKind) -> Result<Self, ApiError> {
        let mut page = PageRequest {
            limit: DEFAULT_MAX_RESULTS,
            after_seq: 0,
        };
        for (key, value) in query {
            match key.as_str() {
                "maxResults" => page.limit = parse_max_results(value)?,
                "nextToken" => page.after_seq = decode_token(value, kind)?,
                _ => {}
            }
        }
        Ok(page)
    }
}

fn parse_max_results(value: &str) -> Result<usize, ApiError> {
    let parsed: i64 = value.parse().map_err(|_| {
        ApiError::cannot_parse(format!("maxResults must be an integer, got '{value}'"))
    })?;
    if (1..=MAX_MAX_RESULTS as i64).contains(&parsed) {
        Ok(parsed as usize)
    } else {
        Err(ApiError::invalid_fields(
            format!(
                "1 validation error detected: Value '{parsed}' at 'maxResults' failed to satisfy \
                 constraint: Member must have value between 1 and {MAX_MAX_RESULTS}"
            ),
            vec![(
                "maxResults".into(),
                format!("Member must have value between 1 and {MAX_MAX_RESULTS}"),
            )],
        ))
    }
}

/// A page from `limit + 1` rows (each with its `seq`) read after the
/// caller's position: the rows that fit, and the token to continue after
/// them when more follow.
pub(crate) fn finish_page<T>(
    mut rows: Vec<(i64, T)>,
    limit: usize,
    kind: ListKind,
) -> (Vec<T>, Option<String>) {
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = more
        .then(|| rows.last().map(|(seq, _)| encode_token(kind, *seq)))
        .flatten();
    (rows.into_iter().map(|(_, row)| row).collect(), next)
}

/// The body of a list answer: `{ "<key>": [...], "nextToken"?: "..." }`.
pub(crate) fn page_body(
    key: &str,
    items: Vec<serde_json::Value>,
    next: Option<String>,
) -> serde_json::Value {
    let mut body = serde_json::json!({ key: items });
    if let Some(next) = next {
        body["nextToken"] = serde_json::json!(next);
    }
    body
}

/// The token that continues a list after the row with `last_seq`.
pub(crate) fn encode_token(kind: ListKind, last_seq: i64) -> String {
    encode_position(kind.tag(), &last_seq.to_string())
}

fn decode_token(token: &str, kind: ListKind) -> Result<i64, ApiError> {
    decode_position(token, kind.tag())?
        .parse::<i64>()
        .ok()
        .filter(|seq| *seq > 0)
        .ok_or_else(|| invalid_token(token))
}

/// A token for the list tagged `tag` that continues after `position` (a
/// list's own keyset position: a sequence number, an id, a pair of them).
pub(crate) fn encode_position(tag: &str, position: &str) -> String {
    crate::platform::ids::hex(format!("acc1:{tag}:{position}").as_bytes())
}

/// The position a token of the list tagged `tag` holds, or the
/// `ValidationException` for a token that is not one of that list's.
pub(crate) fn decode_position(token: &str, tag: &str) -> Result<String, ApiError> {
    if !token.len().is_multiple_of(2) || token.len() > 2048 {
        return Err(invalid_token(token));
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
        .collect();
    let text = bytes
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| invalid_token(token))?;
    text.strip_prefix("acc1:")
        .and_then(|r| r.strip_prefix(tag))
        .and_then(|r| r.strip_prefix(':'))
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| invalid_token(token))
}

fn invalid_token(token: &str) -> ApiError {
    ApiError::invalid_fields(
        format!(
            "The nextToken '{token}' is not valid for this list. Pass the nextToken from \
             the previous response unchanged, or omit it to start from the beginning."
        ),
        vec![("nextToken".into(), "Invalid pagination token".into())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn tokens_round_trip_and_are_list_specific() {
        let token = encode_token(ListKind::Gateways, 42);
        let page = PageRequest::from_query(
            &q(&[("nextToken", &token), ("maxResults", "7")]),
            ListKind::Gateways,
        )
        .unwrap();
        assert_eq!(
            page,
            PageRequest {
                limit: 7,
                after_seq: 42
            }
        );
        assert!(
            PageRequest::from_query(&q(&[("nextToken", &token)]), ListKind::GatewayTargets)
                .is_err()
        );
    }

    #[test]
    fn bad_input_is_refused() {
        for bad in ["", "zz", "abc", "6163633a67773a2d31"] {
            assert!(
                PageRequest::from_query(&q(&[("nextToken", bad)]), ListKind::Gateways).is_err(),
                "{bad}"
            );
        }
        for bad in ["0", "1001", "-1", "ten"] {
            assert!(
                PageRequest::from_query(&q(&[("maxResults", bad)]), ListKind::Gateways).is_err(),
                "{bad}"
            );
        }
        assert_eq!(
            PageRequest::from_query(&[], ListKind::Gateways)
                .unwrap()
                .limit,
            DEFAULT_MAX_RESULTS
        );
    }
}
