//! The sensitive-data scan of a memory: every event and record scanned,
//! the findings counted per namespace and per actor, each flagged item
//! kept with where it is (to show masked, reveal, and erase).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::memory::{EventPayload, MemoryEvent, MemoryRecord, MemoryStrategy, record_origin};
use crate::sensitive_scan::{Finding, SensitiveKind, scan_text};

/// Where a flagged text lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "source")]
pub enum FlaggedSource {
    /// A short-term event's payload.
    Event {
        /// Its actor.
        actor_id: String,
        /// Its session.
        session_id: String,
        /// The event.
        event_id: String,
    },
    /// A long-term record.
    Record {
        /// The record.
        record_id: String,
        /// Its namespace.
        namespace: String,
        /// Its actor, when its namespace names one.
        actor_id: Option<String>,
    },
}

/// A text with sensitive data in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlaggedItem {
    /// Where it lives.
    #[serde(flatten)]
    pub source: FlaggedSource,
    /// The text (sensitive: show it masked unless revealed).
    #[serde(skip)]
    pub text: String,
    /// The text with every finding masked.
    pub masked: String,
    /// What was found.
    pub findings: Vec<Finding>,
}

impl FlaggedItem {
    /// The actor it belongs to, when known.
    pub fn actor(&self) -> Option<&str> {
        match &self.source {
            FlaggedSource::Event { actor_id, .. } => Some(actor_id),
            FlaggedSource::Record { actor_id, .. } => actor_id.as_deref(),
        }
    }
}

/// Counts of findings by kind.
pub type KindCounts = BTreeMap<SensitiveKind, usize>;

/// What the scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanReport {
    /// Events scanned.
    pub events_scanned: usize,
    /// Records scanned.
    pub records_scanned: usize,
    /// Findings in records, per namespace.
    pub by_namespace: BTreeMap<String, KindCounts>,
    /// Findings per actor (events, and records whose namespace names one).
    pub by_actor: BTreeMap<String, KindCounts>,
    /// Every flagged text.
    pub items: Vec<FlaggedItem>,
}

impl ScanReport {
    /// Findings in all.
    pub fn total(&self) -> usize {
        self.items.iter().map(|i| i.findings.len()).sum()
    }
}

fn count(into: &mut KindCounts, findings: &[Finding]) {
    for f in findings {
        *into.entry(f.kind).or_default() += 1;
    }
}

/// Scans `events` and `records` (whose actors are read through `strategies`).
pub fn scan_memory(
    events: &[MemoryEvent],
    records: &[MemoryRecord],
    strategies: &[MemoryStrategy],
) -> ScanReport {
    let mut report = ScanReport {
        events_scanned: events.len(),
        records_scanned: records.len(),
        ..ScanReport::default()
    };
    for e in events {
        let (text, findings) = event_text(e);
        if findings.is_empty() {
            continue;
        }
        count(
            report.by_actor.entry(e.actor_id.clone()).or_default(),
            &findings,
        );
        report.items.push(flagged(
            FlaggedSource::Event {
                actor_id: e.actor_id.clone(),
                session_id: e.session_id.clone(),
                event_id: e.event_id.clone(),
            },
            text,
            findings,
        ));
    }
    for r in records {
        let findings = scan_text(&r.text);
        if findings.is_empty() {
            continue;
        }
        let actor_id = record_origin(r, strategies).actor_id;
        count(
            report.by_namespace.entry(r.namespace.clone()).or_default(),
            &findings,
        );
        if let Some(actor) = &actor_id {
            count(report.by_actor.entry(actor.clone()).or_default(), &findings);
        }
        report.items.push(flagged(
            FlaggedSource::Record {
                record_id: r.id.clone(),
                namespace: r.namespace.clone(),
                actor_id,
            },
            r.text.clone(),
            findings,
        ));
    }
    report
}

/// An event's text as a person reads it (a JSON-wrapped message's texts,
/// a blob pretty-printed) and what it holds; its raw payloads instead when
/// the readable text would leave out something they hold (a field the
/// message's text does not carry), so nothing found is hidden.
fn event_text(event: &MemoryEvent) -> (String, Vec<Finding>) {
    let joined = |text: fn(&EventPayload) -> String| {
        event
            .payload
            .iter()
            .map(text)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let readable = joined(EventPayload::readable);
    let found = scan_text(&readable);
    let raw = joined(EventPayload::raw_text);
    if raw == readable {
        return (readable, found);
    }
    let raw_found = scan_text(&raw);
    if raw_found.len() > found.len() {
        (raw, raw_found)
    } else {
        (readable, found)
    }
}

fn flagged(source: FlaggedSource, text: String, findings: Vec<Finding>) -> FlaggedItem {
    FlaggedItem {
        masked: crate::sensitive_scan::mask_findings(&text, &findings),
        source,
        text,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_counted_per_namespace_and_actor() {
        let events = [MemoryEvent {
            actor_id: "alice".into(),
            session_id: "s1".into(),
            event_id: "1#a".into(),
            payload: vec![EventPayload::Conversational {
                role: "USER".into(),
                text: "I'm alice@example.com, card 4111 1111 1111 1111".into(),
            }],
            ..MemoryEvent::default()
        }];
        let strategy = MemoryStrategy {
            id: "sem-1".into(),
            namespace_templates: vec!["/strategies/{memoryStrategyId}/actors/{actorId}/".into()],
            ..MemoryStrategy::default()
        };
        let records = [
            MemoryRecord {
                id: "mem-1".into(),
                text: "The user's email is alice@example.com.".into(),
                strategy_id: "sem-1".into(),
                namespace: "/strategies/sem-1/actors/alice/".into(),
                ..MemoryRecord::default()
            },
            MemoryRecord {
                id: "mem-2".into(),
                text: "The user's order number is 35476.".into(),
                strategy_id: "sem-1".into(),
                namespace: "/strategies/sem-1/actors/bob/".into(),
                ..MemoryRecord::default()
            },
        ];
        let report = scan_memory(&events, &records, &[strategy]);
        assert_eq!(report.total(), 3);
        assert_eq!(report.by_actor["alice"][&SensitiveKind::Email], 2);
        assert_eq!(report.by_actor["alice"][&SensitiveKind::PaymentCard], 1);
        assert_eq!(report.by_namespace.len(), 1);
        assert_eq!(report.items[1].masked, "The user's email is [email].");
        let json = serde_json::to_string(&report).unwrap();
        assert!(!json.contains("alice@example.com"), "{json}");
    }

    /// The scan of one event of alice's carrying `payload`.
    fn scan_one(payload: EventPayload) -> ScanReport {
        let event = MemoryEvent {
            actor_id: "alice".into(),
            session_id: "s1".into(),
            event_id: "1#a".into(),
            payload: vec![payload],
            ..MemoryEvent::default()
        };
        scan_memory(&[event], &[], &[])
    }

    fn user_says(text: &str) -> EventPayload {
        EventPayload::Conversational {
            role: "USER".into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_flagged_event_reads_as_its_message_text() {
        let wrapped = r#"{"message":{"role":"user","content":[{"text":"Mail me at ana@example.com"}]},"message_id":2}"#;
        let report = scan_one(user_says(wrapped));
        assert_eq!(report.items[0].text, "Mail me at ana@example.com");
        assert_eq!(report.items[0].masked, "Mail me at [email]");
        assert_eq!(report.total(), 1);
    }

    #[test]
    fn what_the_readable_text_leaves_out_is_still_flagged_and_shown() {
        // The email is in a field the message's text does not carry: the
        // raw payload is what is shown (masked), so nothing found is hidden.
        let wrapped =
            r#"{"message":{"role":"user","content":[{"text":"hello"}]},"from":"ana@example.com"}"#;
        let report = scan_one(user_says(wrapped));
        assert_eq!(report.total(), 1);
        assert!(
            report.items[0].masked.contains("[email]"),
            "{:?}",
            report.items[0]
        );
        // A blob is pretty-printed.
        let report = scan_one(EventPayload::Blob {
            value: serde_json::json!({"note": "card 4111 1111 1111 1111"}),
        });
        assert_eq!(report.items[0].masked, "{\n  \"note\": \"card [card]\"\n}");
    }
}
