//! `acc memory`: AgentCore Memory headless, the twin of the `:mem` views:
//! memories, actors, sessions, a session's events as a conversation,
//! records by namespace, retrieval with scores, the sensitive-data scan
//! and the erasure of an actor.

use acc_backend::{Backend, RecordScope};
use acc_domain::memory::{
    LOCAL_EXTRACTION_NOTE, Memory, MemoryCounts, MemoryEvent, MemoryRecord, branch_tree, date_time,
};
use acc_domain::memory_scan::{KindCounts, ScanReport};
use acc_domain::sensitive_scan::mask_sensitive;

use super::args::{MemoryAction, Output};
use super::exit::{Failure, confirm, not_found, usage};
use super::output::{print, text_table};

/// `acc memory …`.
pub(crate) async fn run(
    backend: &Backend,
    action: Option<MemoryAction>,
    output: Output,
    readonly: bool,
) -> Result<(), Failure> {
    match action.unwrap_or(MemoryAction::List) {
        MemoryAction::List => list(backend, output).await,
        MemoryAction::Show { memory } => show(backend, &memory, output).await,
        MemoryAction::Actors { memory } => {
            let memory = resolve(backend, &memory).await?;
            let actors = backend.memory_actors(&memory.id).await?;
            print(output, &actors, || actors.join("\n"));
            Ok(())
        }
        MemoryAction::Sessions { memory, actor } => {
            let memory = resolve(backend, &memory).await?;
            let sessions = backend.memory_sessions(&memory.id, &actor).await?;
            print(output, &sessions, || {
                text_table(
                    &["SESSION", "CREATED"],
                    sessions
                        .iter()
                        .map(|s| vec![s.session_id.clone(), date_time(s.created_at_ms)]),
                )
            });
            Ok(())
        }
        MemoryAction::Events {
            memory,
            actor,
            session,
            branch,
        } => {
            let memory = resolve(backend, &memory).await?;
            let events = backend
                .memory_events(&memory.id, &actor, &session, branch.as_deref())
                .await?;
            print(output, &events, || conversation_text(&events));
            Ok(())
        }
        MemoryAction::Records {
            memory,
            namespace,
            namespace_path,
            strategy,
        } => {
            let memory = resolve(backend, &memory).await?;
            let scope = scope(namespace, namespace_path).unwrap_or(RecordScope::All);
            let records = backend
                .memory_records(&memory, &scope, strategy.as_deref())
                .await?;
            print(output, &records, || records_text(&records, false));
            Ok(())
        }
        MemoryAction::Retrieve {
            memory,
            query,
            namespace,
            namespace_path,
            strategy,
            top_k,
        } => {
            let memory = resolve(backend, &memory).await?;
            let scope = scope(namespace, namespace_path).ok_or_else(|| {
                usage("retrieve needs --namespace NS (exact) or --namespace-path P (prefix)".into())
            })?;
            let records = backend
                .retrieve_memory_records(&memory.id, &scope, &query, top_k, strategy.as_deref())
                .await?;
            print(output, &records, || records_text(&records, true));
            Ok(())
        }
        MemoryAction::Scan { memory } => {
            let memory = resolve(backend, &memory).await?;
            let report = backend.scan_memory(&memory).await?;
            print(output, &report, || scan_text(&report));
            Ok(())
        }
        MemoryAction::Erase { memory, actor, yes } => {
            erase(backend, &memory, &actor, yes, readonly, output).await
        }
    }
}

/// The memory with this id, name or ARN (exit 3 when none).
async fn resolve(backend: &Backend, key: &str) -> Result<Memory, Failure> {
    backend
        .memories()
        .await?
        .into_iter()
        .find(|m| m.id == key || m.name == key || m.arn == key)
        .ok_or_else(|| not_found(format!("no memory `{key}`; `acc memory list` lists them")))
}

fn scope(namespace: Option<String>, path: Option<String>) -> Option<RecordScope> {
    match (namespace, path) {
        (Some(ns), _) => Some(RecordScope::Namespace(ns)),
        (None, Some(p)) => Some(RecordScope::Path(p)),
        (None, None) => None,
    }
}

/// A memory and how much it holds, as `list` prints it.
#[derive(serde::Serialize)]
struct MemoryRow {
    #[serde(flatten)]
    memory: Memory,
    counts: MemoryCounts,
}

async fn list(backend: &Backend, output: Output) -> Result<(), Failure> {
    let mut rows = Vec::new();
    for memory in backend.memories().await? {
        let counts = backend.memory_counts(&memory).await?;
        rows.push(MemoryRow { memory, counts });
    }
    print(output, &rows, || {
        text_table(
            &[
                "NAME",
                "ID",
                "STATUS",
                "STRATEGIES",
                "EXPIRY",
                "ACTORS",
                "SESSIONS",
                "EVENTS",
                "RECORDS",
            ],
            rows.iter().map(
                |MemoryRow {
                     memory: m,
                     counts: c,
                 }| {
                    vec![
                        m.name.clone(),
                        m.id.clone(),
                        m.status.clone(),
                        m.strategies
                            .iter()
                            .map(|s| s.kind.as_str())
                            .collect::<Vec<_>>()
                            .join(","),
                        format!("{}d", m.event_expiry_days),
                        c.show(c.actors),
                        c.show(c.sessions),
                        c.show(c.events),
                        c.show(c.records),
                    ]
                },
            ),
        )
    });
    Ok(())
}

async fn show(backend: &Backend, key: &str, output: Output) -> Result<(), Failure> {
    let memory = resolve(backend, key).await?;
    let jobs = backend.extraction_jobs(&memory.id).await?;
    let value = serde_json::json!({ "memory": memory, "extractionJobs": jobs });
    print(output, &value, || {
        let mut lines = vec![
            format!("{}  {}  {}", memory.name, memory.id, memory.status),
            format!("arn: {}", memory.arn),
            format!("events expire after {} days", memory.event_expiry_days),
            format!("indexed keys: {}", memory.indexed_keys_text()),
            String::new(),
            "# strategies".into(),
        ];
        for s in &memory.strategies {
            lines.push(format!("{}  {}  {}", s.kind, s.id, s.status));
            lines.extend(s.namespace_templates.iter().map(|t| format!("  {t}")));
        }
        lines.push(String::new());
        lines.push("# extraction jobs".into());
        lines.extend(jobs.iter().map(|j| {
            format!(
                "{}  {}  {}  {}/{}",
                j.job_id, j.status, j.strategy_id, j.actor_id, j.session_id
            )
        }));
        lines.push(String::new());
        lines.push(format!("note: {LOCAL_EXTRACTION_NOTE}"));
        lines.join("\n")
    });
    Ok(())
}

/// A session as a conversation: branches as a tree, then each event.
fn conversation_text(events: &[MemoryEvent]) -> String {
    let mut lines = vec!["# branches".to_owned()];
    for b in branch_tree(events) {
        let fork = b
            .fork_event_id
            .map(|f| format!(" (forks at {f})"))
            .unwrap_or_default();
        lines.push(format!(
            "{}{}  {} events{fork}",
            "  ".repeat(b.depth),
            b.name,
            b.events
        ));
    }
    lines.push(String::new());
    for e in events {
        let meta: Vec<String> = e.metadata.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let meta = if meta.is_empty() {
            String::new()
        } else {
            format!("  [{}]", meta.join(" "))
        };
        lines.push(format!(
            "{}  {}  {}{meta}",
            date_time(e.timestamp_ms),
            e.event_id,
            e.branch_name()
        ));
        for p in &e.payload {
            for (k, line) in p.readable().lines().enumerate() {
                let role = if k == 0 { p.role() } else { "" };
                lines.push(format!("  {role:<9} {}", mask_sensitive(line)));
            }
        }
    }
    lines.join("\n")
}

fn records_text(records: &[MemoryRecord], scored: bool) -> String {
    let header: &[&str] = if scored {
        &["SCORE", "STRATEGY", "CREATED", "NAMESPACE", "TEXT"]
    } else {
        &["STRATEGY", "CREATED", "NAMESPACE", "TEXT"]
    };
    let table = text_table(
        header,
        records.iter().map(|r| {
            let mut row = vec![
                r.strategy_id.clone(),
                date_time(r.created_at_ms),
                r.namespace.clone(),
                mask_sensitive(&r.text),
            ];
            if scored {
                row.insert(0, format!("{:.3}", r.score.unwrap_or(0.0)));
            }
            row
        }),
    );
    format!("{table}\n\nnote: {LOCAL_EXTRACTION_NOTE}")
}

fn counts_cell(counts: &KindCounts) -> String {
    counts
        .iter()
        .map(|(k, n)| format!("{} {n}", k.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn scan_text(report: &ScanReport) -> String {
    let mut lines = vec![format!(
        "{} findings in {} events and {} records",
        report.total(),
        report.events_scanned,
        report.records_scanned
    )];
    lines.push(String::new());
    lines.push(text_table(
        &["ACTOR", "FINDINGS"],
        report
            .by_actor
            .iter()
            .map(|(a, c)| vec![a.clone(), counts_cell(c)]),
    ));
    lines.push(String::new());
    lines.push(text_table(
        &["NAMESPACE", "FINDINGS"],
        report
            .by_namespace
            .iter()
            .map(|(n, c)| vec![n.clone(), counts_cell(c)]),
    ));
    lines.push(String::new());
    for item in &report.items {
        let place = match &item.source {
            acc_domain::memory_scan::FlaggedSource::Event {
                actor_id,
                session_id,
                event_id,
            } => {
                format!("event {actor_id}/{session_id}/{event_id}")
            }
            acc_domain::memory_scan::FlaggedSource::Record { record_id, .. } => {
                format!("record {record_id}")
            }
        };
        lines.push(format!("{place}: {}", item.masked.replace('\n', " ")));
    }
    lines.join("\n")
}

async fn erase(
    backend: &Backend,
    key: &str,
    actor: &str,
    yes: bool,
    readonly: bool,
    output: Output,
) -> Result<(), Failure> {
    let memory = resolve(backend, key).await?;
    let plan = backend.erase_plan(&memory, actor).await?;
    let what = format!(
        "erase actor {actor} from {}: {} records in {} namespaces and {} events in {} sessions",
        memory.name,
        plan.record_ids.len(),
        plan.namespaces.len(),
        plan.events.len(),
        plan.sessions
    );
    confirm(readonly, yes, &what)?;
    let report = backend.erase(&plan).await?;
    print(output, &report, || {
        format!(
            "erased {actor}: {} records ({} batches), {} events",
            report.records_deleted, report.batches, report.events_deleted
        )
    });
    Ok(())
}
