//! The trace explorer's hot paths on a 100 000-span trace (an agent turn
//! with 1 000 model calls of 99 tool and sub-spans each, a realistic
//! fan-out): building the tree (with the critical path), the visible rows
//! with nothing folded and with every LLM call folded, summarising, and a
//! filter over every span.
//!
//! Run: `cargo bench -p acc-domain --bench traces`.

use std::collections::HashSet;
use std::time::Duration;

use acc_domain::traces::{TraceFilter, TraceSpan, TraceTree, summarize};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Map, json};

const SPANS: usize = 100_000;
const FAN_OUT: usize = 100;

/// A root, 999 `chat` children, and 99 `execute_tool` spans under each.
fn trace() -> Vec<TraceSpan> {
    let span = |i: usize, parent: String, name: &str, op: &str| {
        let mut attributes = Map::new();
        attributes.insert("gen_ai.operation.name".into(), json!(op));
        if op == "chat" {
            attributes.insert(
                "gen_ai.request.model".into(),
                json!("us.anthropic.claude-sonnet-4"),
            );
            attributes.insert("gen_ai.usage.input_tokens".into(), json!(100 + i % 50));
            attributes.insert("gen_ai.usage.output_tokens".into(), json!(20 + i % 7));
        }
        TraceSpan {
            trace_id: "0af7651916cd43dd8448eb211c80319c".into(),
            span_id: format!("{i:016x}"),
            parent_span_id: parent,
            name: name.into(),
            kind: "INTERNAL".into(),
            start_unix_nano: (i as i64) * 1_000,
            end_unix_nano: (i as i64) * 1_000 + 50_000 + (i as i64 % 13) * 1_000,
            status_code: if i.is_multiple_of(997) { 2 } else { 1 },
            service: "bench.DEFAULT".into(),
            attributes,
            ..TraceSpan::default()
        }
    };
    let mut spans = vec![span(0, String::new(), "invoke_agent bench", "invoke_agent")];
    let mut i = 1;
    while spans.len() < SPANS {
        let chat = i;
        spans.push(span(chat, format!("{:016x}", 0), "chat", "chat"));
        i += 1;
        for _ in 1..FAN_OUT {
            if spans.len() == SPANS {
                break;
            }
            spans.push(span(
                i,
                format!("{chat:016x}"),
                "execute_tool lookup",
                "execute_tool",
            ));
            i += 1;
        }
    }
    spans
}

fn bench(c: &mut Criterion) {
    let spans = trace();
    let mut group = c.benchmark_group("trace 100 000 spans");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("TraceTree::build", |b| {
        b.iter_batched(
            || spans.clone(),
            TraceTree::build,
            criterion::BatchSize::LargeInput,
        )
    });
    let tree = TraceTree::build(spans.clone());
    group.bench_function("visible_rows (all open)", |b| {
        b.iter(|| tree.visible_rows(&HashSet::new(), None).len())
    });
    let folded: HashSet<usize> = tree.rows[0].children.iter().copied().collect();
    group.bench_function("visible_rows (every chat folded)", |b| {
        b.iter(|| tree.visible_rows(&folded, None).len())
    });
    group.bench_function("summarize", |b| b.iter(|| summarize(&spans).len()));
    let filter =
        TraceFilter::parse("gen_ai.request.model~sonnet duration>40us status=error").unwrap();
    group.bench_function("filter every span", |b| {
        b.iter(|| spans.iter().filter(|s| filter.matches_span(s)).count())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
