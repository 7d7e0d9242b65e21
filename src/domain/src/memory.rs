//! AgentCore Memory as the console shows it: memories and their
//! strategies, the short-term events of each actor's sessions (with their
//! branches), and the long-term records extracted from them.

use std::collections::BTreeMap;

use serde::Serialize;

/// A memory resource (GetMemory).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Memory {
    /// The memory id, `<name>-<10 alphanumerics>`.
    pub id: String,
    /// The memory's ARN.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// Its description, if any.
    pub description: Option<String>,
    /// CREATING, ACTIVE, FAILED, UPDATING or DELETING.
    pub status: String,
    /// Days events are kept (`eventExpiryDuration`).
    pub event_expiry_days: i32,
    /// Its long-term strategies.
    pub strategies: Vec<MemoryStrategy>,
    /// Record metadata keys that filters may use (`indexedKeys`).
    pub indexed_keys: Vec<String>,
    /// Why it failed, when it did.
    pub failure_reason: Option<String>,
    /// Created, milliseconds since the epoch.
    pub created_at_ms: i64,
}

/// A long-term memory strategy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemoryStrategy {
    /// `<name>-<10 alphanumerics>`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// SEMANTIC, SUMMARIZATION, USER_PREFERENCE, EPISODIC or CUSTOM.
    pub kind: String,
    /// Its status, when reported.
    pub status: String,
    /// Where its records go, e.g. `/strategies/{memoryStrategyId}/actors/{actorId}/`.
    pub namespace_templates: Vec<String>,
}

impl Memory {
    /// Its indexed keys as one line, `-` when it declares none.
    pub fn indexed_keys_text(&self) -> String {
        if self.indexed_keys.is_empty() {
            "-".into()
        } else {
            self.indexed_keys.join(", ")
        }
    }
}

impl MemoryStrategy {
    /// The namespace prefixes holding this strategy's records: each
    /// template up to its first placeholder, with `{memoryStrategyId}` filled.
    pub fn namespace_prefixes(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .namespace_templates
            .iter()
            .map(|t| {
                let filled = t.replace("{memoryStrategyId}", &self.id);
                match filled.find('{') {
                    Some(p) => filled[..p].to_owned(),
                    None => filled,
                }
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// How much a memory holds, counted up to a cap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemoryCounts {
    /// Actors with events.
    pub actors: usize,
    /// Sessions, over all actors.
    pub sessions: usize,
    /// Events, over all sessions.
    pub events: usize,
    /// Long-term records.
    pub records: usize,
    /// Some listing stopped at the cap: the counts are lower bounds.
    pub capped: bool,
}

impl MemoryCounts {
    /// `12` or `12+` when capped.
    pub fn show(&self, n: usize) -> String {
        if self.capped {
            format!("{n}+")
        } else {
            n.to_string()
        }
    }
}

/// A session of an actor (ListSessions).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemorySession {
    /// The session id.
    pub session_id: String,
    /// Its actor.
    pub actor_id: String,
    /// Created, milliseconds since the epoch.
    pub created_at_ms: i64,
}

/// One part of an event's payload.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum EventPayload {
    /// A conversational turn.
    Conversational {
        /// USER, ASSISTANT, TOOL or OTHER.
        role: String,
        /// Its text (Strands wraps messages as JSON here).
        text: String,
    },
    /// Any JSON document (Strands' session state, tool results).
    Blob {
        /// The document.
        value: serde_json::Value,
    },
}

impl EventPayload {
    /// Its role (`BLOB` for a blob).
    pub fn role(&self) -> &str {
        match self {
            EventPayload::Conversational { role, .. } => role,
            EventPayload::Blob { .. } => "BLOB",
        }
    }

    /// Its text as a person reads it: a JSON-wrapped message's texts, other
    /// JSON pretty-printed, plain text as is.
    pub fn readable(&self) -> String {
        match self {
            EventPayload::Conversational { text, .. } => match serde_json::from_str(text) {
                Ok(value @ serde_json::Value::Object(_)) => {
                    message_texts(&value).unwrap_or_else(|| pretty(&value))
                }
                _ => text.clone(),
            },
            EventPayload::Blob { value } => pretty(value),
        }
    }

    /// Every text it carries, for search and the sensitive scan.
    pub fn raw_text(&self) -> String {
        match self {
            EventPayload::Conversational { text, .. } => text.clone(),
            EventPayload::Blob { value } => value.to_string(),
        }
    }
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The texts of a Strands-style message: `{"message": {"content":
/// [{"text": …}]}}` or `{"content": [...]}`; None when it is not one.
fn message_texts(value: &serde_json::Value) -> Option<String> {
    let message = value.get("message").unwrap_or(value);
    let content = message.get("content")?;
    let texts: Vec<String> = match content {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(parts) => parts
            .iter()
            .map(|p| match p.get("text").and_then(|t| t.as_str()) {
                Some(t) => t.to_owned(),
                None => pretty(p),
            })
            .collect(),
        _ => return None,
    };
    Some(texts.join("\n"))
}

/// An event's branch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventBranch {
    /// The branch's name.
    pub name: String,
    /// The event it forked from, if any.
    pub root_event_id: Option<String>,
}

/// A short-term memory event.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemoryEvent {
    /// The event id (`<epoch ms>#<hex>`, sorts by time).
    pub event_id: String,
    /// Its actor.
    pub actor_id: String,
    /// Its session.
    pub session_id: String,
    /// When, milliseconds since the epoch.
    pub timestamp_ms: i64,
    /// Its payload parts.
    pub payload: Vec<EventPayload>,
    /// Its branch; None on the main line.
    pub branch: Option<EventBranch>,
    /// Its metadata (string values).
    pub metadata: BTreeMap<String, String>,
}

impl MemoryEvent {
    /// The branch it is on; `main` when none is named.
    pub fn branch_name(&self) -> &str {
        self.branch.as_ref().map_or("main", |b| b.name.as_str())
    }
}

/// A branch of a session's conversation, with where it forks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BranchNode {
    /// Its name (`main` for the unnamed line).
    pub name: String,
    /// The event it forks from; None for the main line.
    pub fork_event_id: Option<String>,
    /// The branch it forks from (the fork event's branch).
    pub parent: Option<String>,
    /// Its depth in the tree (main is 0).
    pub depth: usize,
    /// Its events.
    pub events: usize,
}

/// The branches of a session's events as a tree, depth first, each after
/// its parent (at most 32 deep; deeper forks hang at depth 32).
pub fn branch_tree(events: &[MemoryEvent]) -> Vec<BranchNode> {
    let mut nodes: BTreeMap<String, (Option<String>, usize)> = BTreeMap::new();
    nodes.insert("main".into(), (None, 0));
    for e in events {
        let entry = nodes.entry(e.branch_name().to_owned()).or_insert((None, 0));
        entry.1 += 1;
        if let Some(root) = e.branch.as_ref().and_then(|b| b.root_event_id.clone()) {
            entry.0 = Some(root);
        }
    }
    if nodes["main"].1 == 0 && nodes.len() > 1 {
        nodes.remove("main");
    }
    let branch_of = |event_id: &str| {
        events
            .iter()
            .find(|e| e.event_id == event_id)
            .map(|e| e.branch_name().to_owned())
    };
    let parents: BTreeMap<String, Option<String>> = nodes
        .iter()
        .map(|(name, (fork, _))| {
            let parent = fork.as_deref().and_then(branch_of).filter(|p| p != name);
            (name.clone(), parent)
        })
        .collect();
    let mut out = Vec::new();
    let roots: Vec<&String> = parents
        .iter()
        .filter(|(_, p)| p.as_ref().is_none_or(|p| !nodes.contains_key(p)))
        .map(|(n, _)| n)
        .collect();
    let mut stack: Vec<(&String, usize)> = roots.into_iter().rev().map(|n| (n, 0)).collect();
    while let Some((name, depth)) = stack.pop() {
        if out.iter().any(|n: &BranchNode| &n.name == name) {
            continue;
        }
        let (fork, count) = &nodes[name];
        out.push(BranchNode {
            name: name.clone(),
            fork_event_id: fork.clone(),
            parent: parents[name].clone(),
            depth,
            events: *count,
        });
        for (child, _) in parents
            .iter()
            .rev()
            .filter(|(_, p)| p.as_ref() == Some(name))
        {
            stack.push((child, (depth + 1).min(32)));
        }
    }
    out
}

/// A long-term memory record.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemoryRecord {
    /// `mem-<uuid>`.
    pub id: String,
    /// Its text.
    pub text: String,
    /// The strategy that wrote it.
    pub strategy_id: String,
    /// Its namespace (the first of `namespaces`).
    pub namespace: String,
    /// Created, milliseconds since the epoch.
    pub created_at_ms: i64,
    /// Its relevance (RetrieveMemoryRecords only; higher is better).
    pub score: Option<f64>,
    /// Its metadata, as text.
    pub metadata: BTreeMap<String, String>,
}

/// Where a record came from: the actor and session its namespace (or its
/// metadata) names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordOrigin {
    /// The actor, when known.
    pub actor_id: Option<String>,
    /// The session, when known.
    pub session_id: Option<String>,
}

/// The actor and session of `record`, read from its namespace against the
/// strategies' templates, else its metadata (`actorId`, `sessionId`).
pub fn record_origin(record: &MemoryRecord, strategies: &[MemoryStrategy]) -> RecordOrigin {
    let mut origin = RecordOrigin::default();
    for s in strategies.iter().filter(|s| s.id == record.strategy_id) {
        for template in &s.namespace_templates {
            let template = template.replace("{memoryStrategyId}", &s.id);
            if let Some(found) = match_template(&template, &record.namespace) {
                origin = found;
                break;
            }
        }
    }
    let meta = |k: &str| record.metadata.get(k).cloned();
    RecordOrigin {
        actor_id: origin.actor_id.or_else(|| meta("actorId")),
        session_id: origin.session_id.or_else(|| meta("sessionId")),
    }
}

/// Fills `{actorId}` and `{sessionId}` from `namespace`. A placeholder
/// takes everything up to the next literal part of the template (actor
/// ids may hold `/`); the last one, up to the template's closing literal.
fn match_template(template: &str, namespace: &str) -> Option<RecordOrigin> {
    let mut origin = RecordOrigin::default();
    let mut rest = namespace;
    let mut tpl = template;
    // Literal, then `{name}`, alternately; bounded by the template's length.
    loop {
        let open = tpl.find('{').unwrap_or(tpl.len());
        rest = rest.strip_prefix(&tpl[..open])?;
        tpl = &tpl[open..];
        if tpl.is_empty() {
            return rest.is_empty().then_some(origin);
        }
        let close = tpl.find('}')?;
        let name = &tpl[1..close];
        tpl = &tpl[close + 1..];
        let next = tpl.find('{').unwrap_or(tpl.len());
        let literal = &tpl[..next];
        let value_len = if next == tpl.len() {
            rest.strip_suffix(literal)?.len()
        } else if literal.is_empty() {
            return None;
        } else {
            rest.find(literal)?
        };
        let value = &rest[..value_len];
        if value.is_empty() {
            return None;
        }
        match name {
            "actorId" => origin.actor_id = Some(value.to_owned()),
            "sessionId" => origin.session_id = Some(value.to_owned()),
            _ => {}
        }
        rest = &rest[value_len..];
    }
}

/// The namespaces holding records, with how many each holds, as a tree:
/// every `/`-separated prefix is a node (sorted; counts include descendants).
pub fn namespace_tree(records: &[MemoryRecord]) -> Vec<NamespaceNode> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in records {
        let trimmed = r.namespace.trim_matches('/');
        let mut path = String::from("/");
        *counts.entry(path.clone()).or_default() += 1;
        for segment in trimmed.split('/').filter(|s| !s.is_empty()) {
            path.push_str(segment);
            path.push('/');
            *counts.entry(path.clone()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|(path, records)| NamespaceNode {
            depth: path.matches('/').count() - 1,
            path,
            records,
        })
        .collect()
}

/// A namespace prefix and its record count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceNode {
    /// `/strategies/s-1/actors/alice/`.
    pub path: String,
    /// Its depth (`/` is 0).
    pub depth: usize,
    /// Records at or under it.
    pub records: usize,
}

/// Whether `namespace` lies at or under `path` on `/` boundaries.
pub fn under_namespace(namespace: &str, path: &str) -> bool {
    let norm = |s: &str| format!("/{}/", s.trim_matches('/')).replace("//", "/");
    norm(namespace).starts_with(&norm(path))
}

/// An extraction job (ListMemoryExtractionJobs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtractionJob {
    /// The job id.
    pub job_id: String,
    /// Its status.
    pub status: String,
    /// The strategy it runs.
    pub strategy_id: String,
    /// Its actor.
    pub actor_id: String,
    /// Its session.
    pub session_id: String,
    /// Why it failed, when it did.
    pub failure_reason: Option<String>,
}

/// `YYYY-MM-DD HH:MM` (UTC) of a Unix time in milliseconds.
pub fn date_time(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let minutes = ms.rem_euclid(86_400_000) / 60_000;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        minutes / 60,
        minutes % 60
    )
}

/// What local extraction and ranking are, said wherever records are shown.
pub const LOCAL_EXTRACTION_NOTE: &str = "local platform: extraction is rule-based and ranking lexical (BM25); AWS extracts with a model and ranks semantically";

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, branch: Option<(&str, &str)>) -> MemoryEvent {
        MemoryEvent {
            event_id: id.into(),
            branch: branch.map(|(n, r)| EventBranch {
                name: n.into(),
                root_event_id: Some(r.into()),
            }),
            ..MemoryEvent::default()
        }
    }

    #[test]
    fn branches_hang_under_the_branch_of_their_fork_event() {
        let events = [
            event("1", None),
            event("2", None),
            event("3", Some(("alt", "2"))),
            event("4", Some(("alt2", "3"))),
            event("5", Some(("other", "1"))),
        ];
        let tree: Vec<(String, usize, Option<String>)> = branch_tree(&events)
            .into_iter()
            .map(|n| (n.name, n.depth, n.fork_event_id))
            .collect();
        assert_eq!(
            tree,
            [
                ("main".into(), 0, None),
                ("alt".into(), 1, Some("2".into())),
                ("alt2".into(), 2, Some("3".into())),
                ("other".into(), 1, Some("1".into())),
            ]
        );
    }

    #[test]
    fn a_branch_cycle_does_not_loop() {
        let events = [event("1", Some(("a", "2"))), event("2", Some(("b", "1")))];
        assert!(branch_tree(&events).len() <= 2);
    }

    #[test]
    fn strands_messages_read_as_their_text() {
        let wrapped =
            r#"{"message":{"role":"user","content":[{"text":"hi there"}]},"message_id":0}"#;
        let p = EventPayload::Conversational {
            role: "USER".into(),
            text: wrapped.into(),
        };
        assert_eq!(p.readable(), "hi there");
        let blob = EventPayload::Blob {
            value: serde_json::json!({"a": 1}),
        };
        assert_eq!(blob.readable(), "{\n  \"a\": 1\n}");
    }

    #[test]
    fn a_record_names_its_actor_and_session_through_its_template() {
        let strategy = MemoryStrategy {
            id: "sum-1".into(),
            namespace_templates: vec![
                "/strategies/{memoryStrategyId}/actors/{actorId}/sessions/{sessionId}/".into(),
            ],
            ..MemoryStrategy::default()
        };
        let record = MemoryRecord {
            strategy_id: "sum-1".into(),
            namespace: "/strategies/sum-1/actors/alice/sessions/s1/".into(),
            ..MemoryRecord::default()
        };
        let origin = record_origin(&record, std::slice::from_ref(&strategy));
        assert_eq!(origin.actor_id.as_deref(), Some("alice"));
        assert_eq!(origin.session_id.as_deref(), Some("s1"));
        // Actor ids may hold `/` and `:`.
        let record = MemoryRecord {
            namespace: "/strategies/sum-1/actors/guest/a:1/sessions/s2/".into(),
            ..record
        };
        let origin = record_origin(&record, std::slice::from_ref(&strategy));
        assert_eq!(origin.actor_id.as_deref(), Some("guest/a:1"));
        assert_eq!(origin.session_id.as_deref(), Some("s2"));
        let elsewhere = MemoryRecord {
            namespace: "/other/alice/".into(),
            ..record
        };
        assert_eq!(
            record_origin(&elsewhere, &[strategy]),
            RecordOrigin::default()
        );
    }

    #[test]
    fn dates_read_as_calendar_dates() {
        assert_eq!(date_time(0), "1970-01-01 00:00");
        assert_eq!(date_time(1_764_662_400_000 + 90_000), "2025-12-02 08:01");
        assert_eq!(date_time(951_782_400_000), "2000-02-29 00:00");
    }

    #[test]
    fn namespaces_form_a_counted_tree() {
        let rec = |ns: &str| MemoryRecord {
            namespace: ns.into(),
            ..MemoryRecord::default()
        };
        let tree = namespace_tree(&[rec("/a/x/"), rec("/a/y"), rec("/b/")]);
        let flat: Vec<(&str, usize)> = tree.iter().map(|n| (n.path.as_str(), n.records)).collect();
        assert_eq!(
            flat,
            [("/", 3), ("/a/", 2), ("/a/x/", 1), ("/a/y/", 1), ("/b/", 1)]
        );
        assert!(under_namespace("/a/x/", "/a"));
        assert!(!under_namespace("/ab/", "/a/"));
    }
}
