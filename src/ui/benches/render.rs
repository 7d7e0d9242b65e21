//! Frame render time of the tool catalog with 10 000 tools at 200×50, and
//! the invoke console taking an SSE stream (events per second through
//! `update`, with a frame drawn every 16 ms of stream as the app does): the
//! figures BENCHMARKS.md reports. Run: `cargo bench -p acc-ui --bench render`.

use acc_backend::{ContextInfo, ContextKind};
use acc_domain::{Gateway, Target, TargetType, Tool};
use acc_ui::features::{gateway, runtime};
use acc_ui::shell::{Action, AppState, Effect, start, update, view};
use acc_ui::theme::Theme;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

const TOOLS: usize = 10_000;

fn catalog_state() -> AppState {
    let ctx = ContextInfo {
        kind: ContextKind::Local,
        name: "local".into(),
        region: None,
        endpoint: "http://127.0.0.1:4577".into(),
    };
    let mut state = AppState::new(ctx, false, Theme::dark(), (200, 50));
    start(&mut state);
    let gateway = Gateway {
        id: "bulk-0000000000".into(),
        name: "bulk".into(),
        status: "READY".into(),
        ..Gateway::default()
    };
    update(
        &mut state,
        Action::Gateway(gateway::Msg::GatewaysLoaded(Ok(vec![gateway]))),
    );
    let targets: Vec<Target> = (0..100)
        .map(|t| Target {
            id: format!("T{t:09}"),
            gateway_id: "bulk-0000000000".into(),
            name: format!("target{t:03}"),
            description: None,
            status: "READY".into(),
            status_reasons: vec![],
            target_type: TargetType::Lambda,
            endpoint: None,
            tools: (0..TOOLS / 100)
                .map(|i| {
                    Tool::from_target(
                        &format!("target{t:03}"),
                        &format!("operation_{i:03}"),
                        "Reads or updates one record of the bulk catalog by id, with paging",
                        json!({"type": "object", "properties": {"id": {"type": "string"}}}),
                    )
                })
                .collect(),
            tools_note: None,
            created_at: None,
            updated_at: None,
        })
        .collect();
    update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::NONE)),
    );
    update(
        &mut state,
        Action::Gateway(gateway::Msg::TargetsLoaded {
            gateway_id: "bulk-0000000000".into(),
            result: Ok(targets),
        }),
    );
    assert_eq!(state.screen().cursor.visible.len(), TOOLS);
    state
}

fn render(c: &mut Criterion) {
    let mut state = catalog_state();
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let down = Action::Key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE));
    c.bench_function("tool catalog frame, 10k tools, 200x50", |b| {
        b.iter(|| {
            // Scroll a page each frame so every frame draws new rows.
            update(&mut state, down.clone());
            terminal.draw(|f| view(&state, f)).unwrap();
        })
    });
    let mut filtered = catalog_state();
    c.bench_function("fuzzy filter keystroke over 10k tools", |b| {
        b.iter(|| {
            update(
                &mut filtered,
                Action::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE)),
            );
            update(
                &mut filtered,
                Action::Key(KeyEvent::new(KeyCode::Char('o'), KeyModifiers::NONE)),
            );
            update(
                &mut filtered,
                Action::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::NONE)),
            );
            update(
                &mut filtered,
                Action::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            );
        })
    });
}

/// The invoke console with an invocation under way.
fn streaming_state() -> (AppState, u64) {
    let mut state = catalog_state();
    let runtime = acc_domain::AgentRuntime {
        id: "bench-0000000000".into(),
        arn: "arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/bench-0000000000".into(),
        name: "bench".into(),
        status: "READY".into(),
        ..Default::default()
    };
    update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Char(':'), KeyModifiers::NONE)),
    );
    for c in "rt".chars() {
        update(
            &mut state,
            Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    update(
        &mut state,
        Action::Runtime(runtime::Msg::RuntimesLoaded(Ok(vec![runtime]))),
    );
    update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let effects = update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    let Some(Effect::Runtime(runtime::Job::Invoke { run_id, .. })) = effects.first() else {
        panic!("no invocation: {effects:?}");
    };
    update(
        &mut state,
        Action::Runtime(runtime::Msg::InvokeStarted {
            run_id: *run_id,
            session_id: "bench-session-0123456789-0123456789-012".into(),
            content_type: "text/event-stream".into(),
        }),
    );
    (state, *run_id)
}

/// 100 000 events (alternating text deltas and JSON frames, as agents
/// write them) in 4 KiB network chunks, with a frame drawn per 16 ms of
/// events at 20 000 events/s (every 320 events).
fn stream(c: &mut Criterion) {
    const EVENTS: usize = 100_000;
    let mut wire = Vec::new();
    for i in 0..EVENTS {
        if i % 2 == 0 {
            wire.extend_from_slice(format!("data: {{\"text\":\"token{i} \"}}\n\n").as_bytes());
        } else {
            wire.extend_from_slice(format!("data: {{\"type\":\"step\",\"n\":{i}}}\n\n").as_bytes());
        }
    }
    let chunks: Vec<Vec<u8>> = wire.chunks(4096).map(<[u8]>::to_vec).collect();
    let per_frame = chunks.len() * 320 / EVENTS;
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let mut group = c.benchmark_group("invoke stream");
    group.sample_size(10);
    group.throughput(criterion::Throughput::Elements(EVENTS as u64));
    group.bench_function("100k SSE events into the console, drawn at 60 fps", |b| {
        b.iter_batched(
            streaming_state,
            |(mut state, run_id)| {
                for (i, chunk) in chunks.iter().enumerate() {
                    update(
                        &mut state,
                        Action::Runtime(runtime::Msg::InvokeChunk {
                            run_id,
                            at_ms: i as f64,
                            bytes: chunk.clone(),
                        }),
                    );
                    if i % per_frame.max(1) == 0 {
                        terminal.draw(|f| view(&state, f)).unwrap();
                    }
                }
                let run = state.runtime.invoke.as_ref().unwrap().run.as_ref().unwrap();
                assert_eq!(run.events, EVENTS as u64, "events lost");
                assert!(run.raw.len() <= acc_ui::features::runtime::invocation::RAW_KEPT);
                assert!(run.frames.len() <= acc_ui::features::runtime::invocation::FRAMES_KEPT);
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, render, stream);
criterion_main!(benches);
