//! Frame render time of the tool catalog with 10 000 tools at 200×50, the
//! figure BENCHMARKS.md reports. Run: `cargo bench -p acc-ui --bench render`.

use acc_backend::{ContextInfo, ContextKind};
use acc_domain::{Gateway, Target, TargetType, Tool};
use acc_ui::action::Action;
use acc_ui::state::AppState;
use acc_ui::theme::Theme;
use acc_ui::update::{start, update};
use acc_ui::views::view;
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
    update(&mut state, Action::GatewaysLoaded(Ok(vec![gateway])));
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
        Action::TargetsLoaded {
            gateway_id: "bulk-0000000000".into(),
            result: Ok(targets),
        },
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

criterion_group!(benches, render);
criterion_main!(benches);
