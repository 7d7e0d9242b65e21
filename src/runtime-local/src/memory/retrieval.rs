//! RetrieveMemoryRecords, ranked **lexically**: SQLite FTS5's BM25 over the
//! records' text, with the query's words as data (each quoted as an FTS
//! string, never FTS syntax). The `score` (0–1, higher is better) is mostly
//! the share of the query's words a record holds, with BM25 breaking ties;
//! AWS ranks by embedding similarity, so a paraphrase with no shared word
//! is found there and not here.

use std::sync::Arc;

use rusqlite::params_from_iter;
use rusqlite::types::Value as Sql;
use serde_json::{Value, json};

use crate::memory::memory_row::require_memory;
use crate::memory::record_filters::{self, RecordFilter};
use crate::memory::records::{RECORD_COLUMNS, record_answer};
use crate::memory::state::MemoryState;
use crate::memory::wire::{MAX_PAGE, max_results};
use crate::platform::pagination::{decode_position, encode_position, page_body};
use crate::platform::validation::{Object, Violations, join};
use crate::platform::wire_errors::ApiError;

/// Query words used, at most.
const MAX_TERMS: usize = 32;
const DEFAULT_TOP_K: usize = 10;
const LIST_TAG: &str = "rt";
/// Words too common to rank by.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for", "from", "has",
    "have", "how", "i", "in", "is", "it", "me", "my", "of", "on", "or", "s", "that", "the",
    "their", "this", "to", "was", "were", "what", "when", "where", "which", "who", "why", "with",
    "you", "your", "user", "users",
];

/// Which namespaces a request reaches.
#[derive(Debug, Clone)]
pub(crate) enum NamespaceScope {
    /// Every namespace of the memory.
    All,
    /// Exactly this namespace.
    Exact(String),
    /// This namespace and every one below it (on `/` boundaries).
    Path(String),
}

impl NamespaceScope {
    /// The `AND …` condition on `column`, its values appended to `values`.
    pub(crate) fn condition(&self, column: &str, values: &mut Vec<Sql>) -> String {
        match self {
            Self::All => String::new(),
            Self::Exact(ns) => {
                values.push(Sql::Text(ns.clone()));
                format!(" AND {column} = ?{}", values.len())
            }
            Self::Path(path) => {
                let base = path.trim_end_matches('/');
                if base.is_empty() {
                    return String::new();
                }
                values.push(Sql::Text(base.to_owned()));
                let exact = values.len();
                let prefix = format!("{base}/");
                values.push(Sql::Integer(prefix.len() as i64));
                values.push(Sql::Text(prefix));
                let (len, pre) = (values.len() - 1, values.len());
                format!(" AND ({column} = ?{exact} OR substr({column}, 1, ?{len}) = ?{pre})")
            }
        }
    }
}

/// A namespace member: 1–1024 characters, no control characters.
pub(crate) fn check_namespace(v: &mut Violations, at: &str, ns: &str) {
    v.length(at, ns, 1, 1024);
    v.pattern(
        at,
        ns,
        !ns.chars().any(char::is_control),
        "[a-zA-Z0-9/*][a-zA-Z0-9-_/*]*(?::[a-zA-Z0-9-_/*]+)*[a-zA-Z0-9-_/*]*",
    );
}

/// `namespace` (exact) or `namespacePath` (prefix) of a request.
pub(crate) fn check_scope(v: &mut Violations, input: &Object) -> NamespaceScope {
    let exact = v.optional_str(input, "", "namespace").map(str::to_owned);
    let path = v
        .optional_str(input, "", "namespacePath")
        .map(str::to_owned);
    for (member, value) in [("namespace", &exact), ("namespacePath", &path)] {
        if let Some(value) = value {
            check_namespace(v, member, value);
        }
    }
    match (exact, path) {
        (Some(ns), None) => NamespaceScope::Exact(ns),
        (None, Some(path)) => NamespaceScope::Path(path),
        (None, None) => NamespaceScope::All,
        (Some(ns), Some(_)) => {
            v.add(
                "namespacePath",
                None,
                "Give namespace or namespacePath, not both",
            );
            NamespaceScope::Exact(ns)
        }
    }
}

/// The query's words, lowercased, without stop words (unless that leaves none).
pub(crate) fn query_terms(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_lowercase();
        if !words.contains(&word) && words.len() < MAX_TERMS {
            words.push(word);
        }
    }
    let kept: Vec<String> = words
        .iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .cloned()
        .collect();
    if kept.is_empty() { words } else { kept }
}

/// The FTS5 query for `terms`: each a quoted string (data, never syntax), ORed.
fn fts_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// Whether a record word and a query word are the same word, lexically
/// (equal, or one a prefix of the other past four letters: order/orders).
fn same_word(a: &str, b: &str) -> bool {
    a == b || (a.len().min(b.len()) >= 4 && (a.starts_with(b) || b.starts_with(a)))
}

/// 0–1: the share of `terms` the text holds, BM25 (`rank`, lower is better) breaking ties.
pub(crate) fn score(terms: &[String], text: &str, rank: f64) -> f64 {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let held = terms
        .iter()
        .filter(|t| words.iter().any(|w| same_word(w, t)))
        .count();
    let coverage = if terms.is_empty() {
        0.0
    } else {
        held as f64 / terms.len() as f64
    };
    let strength = (-rank).max(0.0);
    let bm25 = strength / (strength + 1.0);
    ((0.9 * coverage + 0.1 * bm25) * 1000.0).round() / 1000.0
}

/// A RetrieveMemoryRecords request, checked.
struct Retrieval {
    scope: NamespaceScope,
    terms: Vec<String>,
    strategy: Option<String>,
    top_k: usize,
    filters: Vec<RecordFilter>,
    page: usize,
    offset: usize,
}

fn check_retrieval(input: &Object) -> Result<Retrieval, ApiError> {
    let mut v = Violations::new();
    let scope = check_scope(&mut v, input);
    let criteria = v
        .object(input, "", "searchCriteria", true)
        .cloned()
        .unwrap_or_default();
    let query = v
        .required_str(&criteria, "searchCriteria", "searchQuery")
        .unwrap_or_default()
        .to_owned();
    v.length("searchCriteria.searchQuery", &query, 1, 10_000);
    let strategy = v
        .optional_str(&criteria, "searchCriteria", "memoryStrategyId")
        .map(str::to_owned);
    let top_k = match criteria.get("topK") {
        None | Some(Value::Null) => DEFAULT_TOP_K,
        Some(n) => match n.as_u64().filter(|k| (1..=100).contains(k)) {
            Some(k) => k as usize,
            None => {
                v.add(
                    &join("searchCriteria", "topK"),
                    Some(n),
                    "Member must have value between 1 and 100",
                );
                DEFAULT_TOP_K
            }
        },
    };
    let filters = record_filters::check_filters(&mut v, &criteria, "searchCriteria");
    let page = max_results(&mut v, input, top_k.min(MAX_PAGE), MAX_PAGE);
    let token = v.optional_str(input, "", "nextToken").map(str::to_owned);
    v.finish()?;
    let offset = match token {
        Some(t) => decode_position(&t, LIST_TAG)?
            .parse()
            .map_err(|_| ApiError::cannot_parse("Invalid nextToken"))?,
        None => 0,
    };
    Ok(Retrieval {
        scope,
        terms: query_terms(&query),
        strategy,
        top_k,
        filters,
        page,
        offset,
    })
}

/// RetrieveMemoryRecords: the `topK` best records, a page at a time.
pub(crate) async fn retrieve(
    ctx: &Arc<MemoryState>,
    label: String,
    input: Object,
) -> Result<Value, ApiError> {
    let q = check_retrieval(&input)?;
    ctx.store
        .read(move |conn| {
            let memory = require_memory(conn, &label)?;
            record_filters::require_indexed(&q.filters, &memory.indexed_keys()?)?;
            let take = q.page.min(q.top_k.saturating_sub(q.offset));
            if q.terms.is_empty() || take == 0 {
                return Ok(json!({ "memoryRecordSummaries": [] }));
            }
            let mut values = vec![Sql::Text(fts_query(&q.terms)), Sql::Text(memory.memory_id)];
            let mut sql = format!(
                "SELECT {RECORD_COLUMNS}, bm25(memory_records_search) AS rank FROM memory_records_search \
                 JOIN memory_records r ON r.seq = memory_records_search.rowid \
                 WHERE memory_records_search MATCH ?1 AND r.memory_id = ?2"
            );
            sql.push_str(&q.scope.condition("r.namespace", &mut values));
            if let Some(strategy) = &q.strategy {
                values.push(Sql::Text(strategy.clone()));
                sql.push_str(&format!(" AND r.strategy_id = ?{}", values.len()));
            }
            sql.push_str(&record_filters::conditions("r.metadata", &q.filters, &mut values));
            values.push(Sql::Integer(q.top_k as i64));
            sql.push_str(&format!(" ORDER BY rank LIMIT ?{}", values.len()));
            let mut ranked: Vec<(Value, f64)> = conn
                .prepare_cached(&sql)?
                .query_map(params_from_iter(values), |r| {
                    let record = record_answer(r)?;
                    let rank: f64 = r.get(7)?;
                    let text = record["content"]["text"].as_str().unwrap_or_default().to_owned();
                    Ok((record, score(&q.terms, &text, rank)))
                })?
                .collect::<Result<_, _>>()?;
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
            let end = (q.offset + take).min(ranked.len());
            let next = (end < ranked.len() && end < q.top_k).then(|| encode_position(LIST_TAG, &end.to_string()));
            let page = ranked
                .into_iter()
                .take(end)
                .skip(q.offset)
                .map(|(mut record, score)| {
                    record["score"] = json!(score);
                    record
                })
                .collect();
            Ok(page_body("memoryRecordSummaries", page, next))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_words_never_fts_syntax() {
        let terms = query_terms("What is the user's ORDER number? NEAR(\"x\" OR y*) -- ;DROP");
        assert_eq!(terms, ["order", "number", "near", "x", "y", "drop"]);
        assert_eq!(fts_query(&terms[..2]), "\"order\" OR \"number\"");
        assert_eq!(query_terms("what is"), ["what", "is"]);
    }

    #[test]
    fn scores_reward_the_share_of_query_words_held() {
        let terms = query_terms("order number");
        let full = score(&terms, "The user's order number is 35476.", -2.0);
        let half = score(&terms, "Orders ship on Mondays.", -2.0);
        let none = score(&terms, "The user lives in Lyon.", 0.0);
        assert!(full > 0.9 && full <= 1.0, "{full}");
        assert!((0.4..0.6).contains(&half), "{half}");
        assert_eq!(none, 0.0);
    }
}
