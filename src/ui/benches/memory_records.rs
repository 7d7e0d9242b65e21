//! Frame render time of the memory records view with 100 000 records at
//! 200×50, scrolling a page each frame (virtualised: only the rows on
//! screen are built), and one page-down step alone. The figure
//! BENCHMARKS.md reports. Run: `cargo bench -p acc-ui --bench memory_records`.

use std::collections::BTreeMap;

use acc_backend::{ContextInfo, ContextKind};
use acc_domain::memory::{Memory, MemoryRecord, MemoryStrategy};
use acc_ui::features::memory::Msg;
use acc_ui::shell::{Action, AppState, update, view};
use acc_ui::theme::Theme;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const RECORDS: usize = 100_000;
const MEM: &str = "bench_memory-0123456789";

fn key(state: &mut AppState, code: KeyCode) {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// `:mem` → records → `/ (all)`, with 100 000 records over 1 000 actors.
fn records_state() -> AppState {
    let ctx = ContextInfo {
        kind: ContextKind::Local,
        name: "local".into(),
        region: None,
        endpoint: "http://127.0.0.1:4577".into(),
    };
    let mut state = AppState::new(ctx, false, Theme::dark(), (200, 50));
    for c in ":mem".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    key(&mut state, KeyCode::Enter);
    let strategy = MemoryStrategy {
        id: "facts-0123456789".into(),
        name: "facts".into(),
        kind: "SEMANTIC".into(),
        status: "ACTIVE".into(),
        namespace_templates: vec!["/strategies/{memoryStrategyId}/actors/{actorId}/".into()],
    };
    let memory = Memory {
        id: MEM.into(),
        name: "bench_memory".into(),
        status: "ACTIVE".into(),
        event_expiry_days: 30,
        strategies: vec![strategy],
        ..Memory::default()
    };
    update(
        &mut state,
        Action::Memory(Msg::MemoriesLoaded(Ok(vec![memory]))),
    );
    key(&mut state, KeyCode::Char('r'));
    let records: Vec<MemoryRecord> = (0..RECORDS)
        .map(|i| MemoryRecord {
            id: format!("mem-{i:08}-0000-0000-0000-000000000000"),
            text: format!(
                "The user's order number is {i}; they prefer email at user{i}@example.com."
            ),
            strategy_id: "facts-0123456789".into(),
            namespace: format!("/strategies/facts-0123456789/actors/user-{:04}/", i % 1000),
            created_at_ms: 1_764_662_400_000 - i as i64 * 1000,
            score: None,
            metadata: BTreeMap::new(),
        })
        .collect();
    update(
        &mut state,
        Action::Memory(Msg::RecordsLoaded {
            memory_id: MEM.into(),
            result: Ok(records),
        }),
    );
    key(&mut state, KeyCode::Enter);
    assert_eq!(state.screen().cursor.visible.len(), RECORDS);
    state
}

fn frame(c: &mut Criterion) {
    let mut state = records_state();
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function("memory records frame, 100k records, 200x50", |b| {
        b.iter(|| {
            // Scroll a page each frame so every frame draws new rows.
            key(&mut state, KeyCode::PageDown);
            terminal.draw(|f| view(&state, f)).unwrap();
        })
    });
}

criterion_group!(benches, frame);
criterion_main!(benches);
