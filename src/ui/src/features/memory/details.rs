//! The text screens of a memory: its detail (strategies, namespace
//! templates, indexed keys, extraction jobs), a record's detail (with the
//! session it came from), and the sensitive-data scan.

use acc_domain::memory::{
    ExtractionJob, LOCAL_EXTRACTION_NOTE, Memory, MemoryRecord, date_time, record_origin,
};
use acc_domain::memory_scan::{FlaggedSource, KindCounts, ScanReport};

use crate::features::memory::view_line::{Tone, ViewLine, shown, text_lines};
use crate::shell::loadable::Loadable;

/// What `local` says about extraction, on every screen that shows records.
pub fn honesty_line(local: bool) -> Option<ViewLine> {
    local.then(|| ViewLine::new(format!("note: {LOCAL_EXTRACTION_NOTE}"), Tone::Warning))
}

/// A memory's detail.
pub fn memory_lines(
    memory: &Memory,
    jobs: Option<&Loadable<Vec<ExtractionJob>>>,
    local: bool,
) -> Vec<ViewLine> {
    let mut lines = vec![
        ViewLine::new(
            format!("{}  {}  {}", memory.name, memory.id, memory.status),
            Tone::Plain,
        ),
        ViewLine::new(format!("arn {}", memory.arn), Tone::Muted),
        ViewLine::new(
            format!("events expire after {} days", memory.event_expiry_days),
            Tone::Plain,
        ),
        ViewLine::new(
            format!("indexed keys: {}", memory.indexed_keys_text()),
            Tone::Plain,
        ),
    ];
    if let Some(d) = &memory.description {
        lines.push(ViewLine::new(d.clone(), Tone::Muted));
    }
    if let Some(f) = &memory.failure_reason {
        lines.push(ViewLine::new(format!("failed: {f}"), Tone::Warning));
    }
    lines.push(ViewLine::blank());
    lines.push(ViewLine::heading(format!(
        "strategies ({})",
        memory.strategies.len()
    )));
    for s in &memory.strategies {
        lines.push(ViewLine::new(
            format!("{}  {}  {}  {}", s.kind, s.name, s.id, s.status),
            Tone::Plain,
        ));
        for t in &s.namespace_templates {
            lines.push(ViewLine::new(format!("    {t}"), Tone::Muted));
        }
    }
    lines.push(ViewLine::blank());
    lines.push(ViewLine::heading("extraction jobs"));
    match jobs {
        Some(Loadable::Loaded(jobs)) if jobs.is_empty() => {
            lines.push(ViewLine::new("(none)", Tone::Muted))
        }
        Some(Loadable::Loaded(jobs)) => lines.extend(jobs.iter().map(|j| {
            let tone = if j.status == "FAILED" {
                Tone::Warning
            } else {
                Tone::Plain
            };
            let reason = j
                .failure_reason
                .as_deref()
                .map(|r| format!(" · {r}"))
                .unwrap_or_default();
            ViewLine::new(
                format!(
                    "{}  {}  {}  {}/{}{reason}",
                    j.job_id, j.status, j.strategy_id, j.actor_id, j.session_id
                ),
                tone,
            )
        })),
        Some(Loadable::Failed(e)) => {
            lines.push(ViewLine::new(format!("(unavailable: {e})"), Tone::Warning))
        }
        _ => lines.push(ViewLine::new("loading…", Tone::Muted)),
    }
    lines.extend(
        honesty_line(local)
            .into_iter()
            .flat_map(|l| [ViewLine::blank(), l]),
    );
    lines
}

/// A record's detail, and where it came from.
pub fn record_lines(
    record: &MemoryRecord,
    memory: Option<&Memory>,
    revealed: bool,
    local: bool,
) -> Vec<ViewLine> {
    let origin = record_origin(
        record,
        memory.map(|m| m.strategies.as_slice()).unwrap_or_default(),
    );
    let mut lines = vec![
        ViewLine::new(record.id.clone(), Tone::Plain),
        ViewLine::new(format!("strategy   {}", record.strategy_id), Tone::Muted),
        ViewLine::new(format!("namespace  {}", record.namespace), Tone::Muted),
        ViewLine::new(
            format!("created    {}", date_time(record.created_at_ms)),
            Tone::Muted,
        ),
    ];
    for (k, v) in &record.metadata {
        lines.push(ViewLine::new(
            format!("{k:<10} {}", shown(v, revealed)),
            Tone::Muted,
        ));
    }
    lines.push(ViewLine::blank());
    lines.push(ViewLine::heading("text"));
    lines.extend(text_lines(&record.text, revealed, "", 0, Tone::Plain));
    lines.push(ViewLine::blank());
    lines.push(ViewLine::heading("came from"));
    lines.push(match (&origin.actor_id, &origin.session_id) {
        (Some(a), Some(s)) => ViewLine::new(
            format!("actor {a} · session {s}  (o opens it)"),
            Tone::Plain,
        ),
        (Some(a), None) => ViewLine::new(
            format!("actor {a} (its namespace names no session; o lists their sessions)"),
            Tone::Plain,
        ),
        _ => ViewLine::new("(its namespace names no actor or session)", Tone::Muted),
    });
    lines.extend(
        honesty_line(local)
            .into_iter()
            .flat_map(|l| [ViewLine::blank(), l]),
    );
    lines
}

fn counts_text(counts: &KindCounts) -> String {
    counts
        .iter()
        .map(|(k, n)| format!("{} {n}", k.label()))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The scan: totals, per actor (ctrl-d erases the actor of the line),
/// per namespace, then each flagged text.
pub fn scan_lines(report: &ScanReport, revealed: bool) -> Vec<ViewLine> {
    let mut lines = vec![ViewLine::new(
        format!(
            "{} findings in {} events and {} records · {}",
            report.total(),
            report.events_scanned,
            report.records_scanned,
            if revealed {
                "REVEALED (v masks)"
            } else {
                "masked (v reveals)"
            }
        ),
        if revealed { Tone::Warning } else { Tone::Plain },
    )];
    lines.push(ViewLine::blank());
    lines.push(ViewLine::heading("by actor (ctrl-d erases the actor)"));
    for (actor, counts) in &report.by_actor {
        let mut line = ViewLine::new(
            format!("{actor:<24} {}", counts_text(counts)),
            Tone::Warning,
        );
        line.actor = Some(actor.clone());
        lines.push(line);
    }
    lines.push(ViewLine::blank());
    lines.push(ViewLine::heading("by namespace"));
    for (ns, counts) in &report.by_namespace {
        lines.push(ViewLine::new(
            format!("{ns}  {}", counts_text(counts)),
            Tone::Plain,
        ));
    }
    lines.push(ViewLine::blank());
    lines.push(ViewLine::heading("flagged"));
    for item in &report.items {
        let place = match &item.source {
            FlaggedSource::Event {
                actor_id,
                session_id,
                event_id,
            } => {
                format!("event {actor_id} / {session_id} / {event_id}")
            }
            FlaggedSource::Record {
                record_id,
                namespace,
                ..
            } => {
                format!("record {record_id} in {namespace}")
            }
        };
        let kinds: Vec<&str> = item.findings.iter().map(|f| f.kind.label()).collect();
        let mut head = ViewLine::new(format!("── {place} · {}", kinds.join(", ")), Tone::Muted);
        head.actor = item.actor().map(str::to_owned);
        lines.push(head);
        let text = if revealed { &item.text } else { &item.masked };
        for l in text_lines(text, true, "", 2, Tone::Plain) {
            lines.push(ViewLine {
                actor: item.actor().map(str::to_owned),
                ..l
            });
        }
    }
    lines
}
