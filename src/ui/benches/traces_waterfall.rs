//! The waterfall of a 100 000-span trace at 200×50 (the split pane with
//! the selected span's detail included): the time to open it (the tree
//! built, the rows laid out) and the frame time scrolling a page per
//! frame (virtualised: only the rows on screen are built), with the
//! process's resident memory once it is open. The figures BENCHMARKS.md
//! reports. Run: `cargo bench -p acc-ui --bench traces_waterfall`.

use acc_backend::{ContextInfo, ContextKind};
use acc_domain::traces::{TraceDetail, TraceSpan, TraceSummary};
use acc_ui::features::traces::{ListQuery, Msg};
use acc_ui::shell::{Action, AppState, update, view};
use acc_ui::theme::Theme;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Map, Value, json};

const SPANS: usize = 100_000;
const TRACE: &str = "5b8efff798038103d269b633813fc60c";

fn key(state: &mut AppState, code: KeyCode) {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// An agent loop of 10 000 turns, each a chat span and, every other turn,
/// a tool span with a retrieval under it: 100 000 spans, 4 levels deep.
fn spans() -> Vec<TraceSpan> {
    let t0: i64 = 1_764_662_400_000_000_000;
    let attrs = |pairs: &[(&str, Value)]| -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    };
    let span = |id: usize, parent: Option<usize>, name: String, start: i64, end: i64| TraceSpan {
        trace_id: TRACE.into(),
        span_id: format!("{id:016x}"),
        parent_span_id: parent.map(|p| format!("{p:016x}")).unwrap_or_default(),
        name,
        kind: "INTERNAL".into(),
        start_unix_nano: t0 + start,
        end_unix_nano: t0 + end,
        service: "bench_agent".into(),
        session_id: "bench-session".into(),
        ..TraceSpan::default()
    };
    let mut out = vec![span(
        0,
        None,
        "invoke_agent bench_agent".into(),
        0,
        SPANS as i64 * 1_000_000,
    )];
    out[0].attributes = attrs(&[("gen_ai.operation.name", json!("invoke_agent"))]);
    let mut id = 1;
    let mut turn = 0i64;
    while out.len() < SPANS {
        let start = turn * 10_000_000;
        let mut step = span(
            id,
            Some(0),
            format!("cycle {turn}"),
            start,
            start + 9_000_000,
        );
        step.status_code = if turn % 97 == 0 { 2 } else { 0 };
        let step_id = id;
        out.push(step);
        id += 1;
        let mut chat = span(
            id,
            Some(step_id),
            "chat claude-sonnet-4".into(),
            start,
            start + 4_000_000,
        );
        chat.attributes = attrs(&[
            ("gen_ai.operation.name", json!("chat")),
            ("gen_ai.request.model", json!("claude-sonnet-4")),
            ("gen_ai.usage.input_tokens", json!(1200 + turn)),
            ("gen_ai.usage.output_tokens", json!(96)),
        ]);
        out.push(chat);
        id += 1;
        let mut tool = span(
            id,
            Some(step_id),
            format!("execute_tool search_{turn}"),
            start + 4_000_000,
            start + 8_000_000,
        );
        tool.attributes = attrs(&[("gen_ai.operation.name", json!("execute_tool"))]);
        let tool_id = id;
        out.push(tool);
        id += 1;
        for k in 0..7 {
            let mut r = span(
                id,
                Some(tool_id),
                format!("retrieve shard {k}"),
                start + 4_100_000 + k * 500_000,
                start + 4_500_000 + k * 500_000,
            );
            r.attributes = attrs(&[("gen_ai.operation.name", json!("retrieve"))]);
            out.push(r);
            id += 1;
        }
        turn += 1;
    }
    out.truncate(SPANS);
    out
}

/// `:traces`, the trace listed and entered (its load asked for).
fn listed_state() -> AppState {
    let ctx = ContextInfo {
        kind: ContextKind::Local,
        name: "local".into(),
        region: None,
        endpoint: "http://127.0.0.1:4577".into(),
    };
    let mut state = AppState::new(ctx, false, Theme::dark(), (200, 50));
    for c in ":traces".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    key(&mut state, KeyCode::Enter);
    let summary = TraceSummary {
        trace_id: TRACE.into(),
        root_name: "invoke_agent bench_agent".into(),
        span_count: SPANS,
        ..TraceSummary::default()
    };
    update(
        &mut state,
        Action::Traces(Msg::TracesLoaded {
            query: ListQuery::default(),
            result: Ok(vec![summary]),
        }),
    );
    key(&mut state, KeyCode::Enter);
    state
}

fn opened(state: &mut AppState, detail: TraceDetail) {
    update(
        state,
        Action::Traces(Msg::TraceLoaded {
            trace_id: TRACE.into(),
            result: Ok(Box::new(detail)),
        }),
    );
}

/// Resident memory of this process, in MiB (Linux).
fn rss_mib() -> Option<f64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096.0 / 1_048_576.0)
}

fn waterfall(c: &mut Criterion) {
    // Memory first, in a fresh process: before, and with the trace open
    // (its spans moved into the console's state, as GetTrace hands them).
    let before = rss_mib();
    let mut state = listed_state();
    opened(
        &mut state,
        TraceDetail {
            spans: spans(),
            ..TraceDetail::default()
        },
    );
    assert_eq!(
        state.screen().cursor.visible.len(),
        SPANS,
        "every span shows"
    );
    if let (Some(before), Some(open)) = (before, rss_mib()) {
        println!(
            "resident memory: {before:.0} MiB before, {open:.0} MiB with the 100k-span waterfall open"
        );
    }
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function(
        "waterfall frame, 100k spans, 200x50, a page per frame",
        |b| {
            b.iter(|| {
                // Scroll a page each frame, back to the top at the end.
                if state.screen().cursor.selected + 1 >= SPANS {
                    key(&mut state, KeyCode::Char('g'));
                }
                key(&mut state, KeyCode::PageDown);
                terminal.draw(|f| view(&state, f)).unwrap();
            })
        },
    );
    drop(state);
    let detail = TraceDetail {
        spans: spans(),
        ..TraceDetail::default()
    };
    let mut group = c.benchmark_group("waterfall 100k spans");
    group.sample_size(10);
    group.bench_function("open (tree, rows, first frame)", |b| {
        b.iter_batched(
            || (listed_state(), detail.clone()),
            |(mut state, detail)| {
                opened(&mut state, detail);
                terminal.draw(|f| view(&state, f)).unwrap();
                state
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, waterfall);
criterion_main!(benches);
