//! The `:mem` screens on ratatui's TestBackend, each at 80×24 and 200×50,
//! driven through `update` with the actions the runtime sends: the
//! memories, a memory, actors → sessions → a conversation, the namespace
//! tree, records, a record, the retrieve console, the scan, and the erasure.

mod common;

use std::collections::BTreeMap;

use acc_backend::{ContextInfo, ContextKind, ErasePlan};
use acc_domain::memory::{
    EventBranch, EventPayload, ExtractionJob, Memory, MemoryCounts, MemoryEvent, MemoryRecord,
    MemorySession, MemoryStrategy,
};
use acc_domain::memory_scan::scan_memory;
use acc_ui::features::memory::{self, Job, Msg};
use acc_ui::shell::{Action, AppState, Effect, update};
use acc_ui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const MEM: &str = "concierge_memory-a1b2c3d4e5";
const T0: i64 = 1_764_662_400_000;

fn context() -> ContextInfo {
    ContextInfo {
        kind: ContextKind::Local,
        name: "local".into(),
        region: Some("us-east-1".into()),
        endpoint: "http://127.0.0.1:4577".into(),
    }
}

fn strategies() -> Vec<MemoryStrategy> {
    vec![
        MemoryStrategy {
            id: "facts-k9x8y7z6w5".into(),
            name: "facts".into(),
            kind: "SEMANTIC".into(),
            status: "ACTIVE".into(),
            namespace_templates: vec!["/strategies/{memoryStrategyId}/actors/{actorId}/".into()],
        },
        MemoryStrategy {
            id: "summaries-q1w2e3r4t5".into(),
            name: "summaries".into(),
            kind: "SUMMARIZATION".into(),
            status: "ACTIVE".into(),
            namespace_templates: vec![
                "/strategies/{memoryStrategyId}/actors/{actorId}/sessions/{sessionId}/".into(),
            ],
        },
    ]
}

fn memories() -> Vec<Memory> {
    vec![
        Memory {
            id: MEM.into(),
            arn: format!("arn:aws:bedrock-agentcore:us-east-1:000000000000:memory/{MEM}"),
            name: "concierge_memory".into(),
            description: Some("What the concierge remembers about guests".into()),
            status: "ACTIVE".into(),
            event_expiry_days: 30,
            strategies: strategies(),
            indexed_keys: vec!["topic".into()],
            failure_reason: None,
            created_at_ms: T0,
        },
        Memory {
            id: "scratch-zz00yy11xx".into(),
            name: "scratch".into(),
            status: "CREATING".into(),
            event_expiry_days: 7,
            ..Memory::default()
        },
    ]
}

fn turn(id: u32, role: &str, text: &str, branch: Option<(&str, &str)>) -> MemoryEvent {
    MemoryEvent {
        event_id: format!("{:019}#{id:08x}", T0 + i64::from(id) * 1000),
        actor_id: "guest/alice".into(),
        session_id: "stay-2025-12".into(),
        timestamp_ms: T0 + i64::from(id) * 61_000,
        payload: vec![EventPayload::Conversational {
            role: role.into(),
            text: text.into(),
        }],
        branch: branch.map(|(name, root)| EventBranch {
            name: name.into(),
            root_event_id: Some(format!(
                "{:019}#{:08x}",
                T0 + root.parse::<i64>().unwrap() * 1000,
                root.parse::<u32>().unwrap()
            )),
        }),
        metadata: BTreeMap::new(),
    }
}

fn events() -> Vec<MemoryEvent> {
    let mut strands = turn(
        3,
        "USER",
        r#"{"message":{"role":"user","content":[{"text":"Charge my card 4111 1111 1111 1111 for the spa."}]},"message_id":2}"#,
        None,
    );
    strands
        .metadata
        .insert("stateType".into(), "MESSAGE".into());
    vec![
        turn(
            1,
            "USER",
            "Hi, I'm Alice. My room number is 412 and my email is alice@example.com.",
            None,
        ),
        turn(
            2,
            "ASSISTANT",
            "Welcome back, Alice! How can I help with room 412?",
            None,
        ),
        strands,
        turn(4, "ASSISTANT", "Done: the spa is booked for 4 pm.", None),
        turn(
            5,
            "ASSISTANT",
            "Sorry, the spa is full; shall I book the pool?",
            Some(("spa-full", "3")),
        ),
        MemoryEvent {
            payload: vec![EventPayload::Blob {
                value: serde_json::json!({"tool": "book_spa", "result": {"slot": "16:00"}}),
            }],
            ..turn(6, "TOOL", "", None)
        },
    ]
}

fn records() -> Vec<MemoryRecord> {
    let facts = "/strategies/facts-k9x8y7z6w5/actors/guest/alice/";
    let rec = |n: i64, strategy: &str, ns: &str, text: &str| MemoryRecord {
        id: format!("mem-0000000{n}-aaaa-bbbb-cccc-dddddddddddd"),
        text: text.into(),
        strategy_id: strategy.into(),
        namespace: ns.into(),
        created_at_ms: T0 + n * 3_600_000,
        score: None,
        metadata: BTreeMap::new(),
    };
    vec![
        rec(
            4,
            "summaries-q1w2e3r4t5",
            "/strategies/summaries-q1w2e3r4t5/actors/guest/alice/sessions/stay-2025-12/",
            "<topic name=\"spa\">Alice booked the spa for 4 pm.</topic>",
        ),
        rec(
            3,
            "facts-k9x8y7z6w5",
            facts,
            "The user's email is alice@example.com.",
        ),
        rec(
            2,
            "facts-k9x8y7z6w5",
            facts,
            "The user's room number is 412.",
        ),
        rec(
            1,
            "facts-k9x8y7z6w5",
            "/strategies/facts-k9x8y7z6w5/actors/bob/",
            "The user prefers a quiet room.",
        ),
    ]
}

fn key(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(state: &mut AppState, c: char) -> Vec<Effect> {
    update(
        state,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn palette(state: &mut AppState, line: &str) -> Vec<Effect> {
    key(state, KeyCode::Char(':'));
    for c in line.chars() {
        key(state, KeyCode::Char(c));
    }
    key(state, KeyCode::Enter)
}

fn msg(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    update(state, Action::Memory(msg))
}

/// `:mem` with the memories and their counts loaded.
/// The concierge memory's counts arrived: 2 actors, 3 sessions, 6 events
/// and `records` records.
fn counted(records: usize) -> Msg {
    Msg::CountsLoaded {
        memory_id: MEM.into(),
        result: Ok(MemoryCounts {
            actors: 2,
            sessions: 3,
            events: 6,
            records,
            capped: false,
        }),
    }
}

fn on_memories(readonly: bool) -> AppState {
    let mut state = AppState::new(context(), readonly, Theme::dark(), (80, 24));
    let effects = palette(&mut state, "mem");
    assert!(
        effects.contains(&Effect::Memory(Job::LoadMemories)),
        "{effects:?}"
    );
    let effects = msg(&mut state, Msg::MemoriesLoaded(Ok(memories())));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Memory(Job::LoadCounts(m)) if m.id == MEM)),
        "counts load for each memory: {effects:?}"
    );
    msg(&mut state, counted(4));
    state
}

fn render_at(state: &mut AppState, width: u16, height: u16) -> String {
    update(state, Action::Resize(width, height));
    common::screen_text(state, width, height)
}

/// Snapshots of the screen at 80×24 and 200×50.
fn snap(name: &str, state: &mut AppState) {
    insta::assert_snapshot!(format!("{name}_80x24"), render_at(state, 80, 24));
    insta::assert_snapshot!(format!("{name}_200x50"), render_at(state, 200, 50));
    update(state, Action::Resize(80, 24));
}

fn conversation(state: &mut AppState) {
    let effects = key(state, KeyCode::Char('c'));
    assert!(
        effects.contains(&Effect::Memory(Job::LoadActors {
            memory_id: MEM.into()
        })),
        "{effects:?}"
    );
    msg(
        state,
        Msg::ActorsLoaded {
            memory_id: MEM.into(),
            result: Ok(vec!["bob".into(), "guest/alice".into()]),
        },
    );
    key(state, KeyCode::Char('j'));
    key(state, KeyCode::Enter);
    msg(
        state,
        Msg::SessionsLoaded {
            memory_id: MEM.into(),
            actor_id: "guest/alice".into(),
            result: Ok(vec![MemorySession {
                session_id: "stay-2025-12".into(),
                actor_id: "guest/alice".into(),
                created_at_ms: T0,
            }]),
        },
    );
    snap("mem_sessions", state);
    let effects = key(state, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Memory(Job::LoadEvents {
            memory_id: MEM.into(),
            actor_id: "guest/alice".into(),
            session_id: "stay-2025-12".into()
        })]
    );
    msg(
        state,
        Msg::EventsLoaded {
            session_id: "stay-2025-12".into(),
            result: Ok(events()),
        },
    );
}

fn with_records(state: &mut AppState) {
    let effects = key(state, KeyCode::Char('r'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Memory(Job::LoadRecords(m)) if m.id == MEM)),
        "{effects:?}"
    );
    msg(
        state,
        Msg::RecordsLoaded {
            memory_id: MEM.into(),
            result: Ok(records()),
        },
    );
}

#[test]
fn memories_list_shows_status_strategies_expiry_and_counts() {
    let mut state = on_memories(false);
    snap("mem_list", &mut state);
}

#[test]
fn a_memory_shows_strategies_templates_keys_and_jobs() {
    let mut state = on_memories(false);
    let effects = key(&mut state, KeyCode::Enter);
    assert!(
        effects.contains(&Effect::Memory(Job::LoadJobs {
            memory_id: MEM.into()
        })),
        "{effects:?}"
    );
    msg(
        &mut state,
        Msg::JobsLoaded {
            memory_id: MEM.into(),
            result: Ok(vec![ExtractionJob {
                job_id: "job-1".into(),
                status: "COMPLETED".into(),
                strategy_id: "facts-k9x8y7z6w5".into(),
                actor_id: "guest/alice".into(),
                session_id: "stay-2025-12".into(),
                failure_reason: None,
            }]),
        },
    );
    snap("mem_detail", &mut state);
}

#[test]
fn actors_sessions_and_a_conversation_with_branches() {
    let mut state = on_memories(false);
    let effects = key(&mut state, KeyCode::Char('c'));
    assert!(!effects.is_empty());
    msg(
        &mut state,
        Msg::ActorsLoaded {
            memory_id: MEM.into(),
            result: Ok(vec!["bob".into(), "guest/alice".into()]),
        },
    );
    snap("mem_actors", &mut state);
    let mut state = on_memories(false);
    conversation(&mut state);
    let screen = render_at(&mut state, 200, 50);
    assert!(
        screen.contains("[email]") && !screen.contains("alice@example.com"),
        "{screen}"
    );
    assert!(
        screen.contains("USER       Charge my card [card] for the spa."),
        "Strands' JSON reads as its text: {screen}"
    );
    assert!(
        screen.contains("└ spa-full  1 events · forks from main at"),
        "{screen}"
    );
    snap("mem_conversation", &mut state);
    // v reveals; v masks again.
    key(&mut state, KeyCode::Char('v'));
    assert!(render_at(&mut state, 200, 50).contains("alice@example.com"));
    key(&mut state, KeyCode::Char('v'));
    assert!(!render_at(&mut state, 200, 50).contains("alice@example.com"));
}

#[test]
fn a_followed_conversation_polls_and_filters() {
    let mut state = on_memories(false);
    conversation(&mut state);
    key(&mut state, KeyCode::Char('f'));
    let mut polled = Vec::new();
    for _ in 0..25 {
        polled.extend(update(&mut state, Action::Tick));
    }
    assert!(
        polled
            .iter()
            .any(|e| matches!(e, Effect::Memory(Job::LoadEvents { .. }))),
        "following polls for new events: {polled:?}"
    );
    let in_flight = (0..25)
        .flat_map(|_| update(&mut state, Action::Tick))
        .count();
    assert_eq!(in_flight, 0, "no second listing while one is on its way");
    key(&mut state, KeyCode::Char('/'));
    for c in "spa".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    key(&mut state, KeyCode::Enter);
    let screen = render_at(&mut state, 200, 50);
    assert!(screen.contains("following"), "{screen}");
    assert!(
        !screen.contains("Welcome back"),
        "the filter keeps only matching lines: {screen}"
    );
}

#[test]
fn namespaces_records_and_a_record_back_to_its_session() {
    let mut state = on_memories(false);
    with_records(&mut state);
    snap("mem_namespaces", &mut state);
    key(&mut state, KeyCode::Enter);
    snap("mem_records", &mut state);
    key(&mut state, KeyCode::Enter);
    snap("mem_record", &mut state);
    let effects = key(&mut state, KeyCode::Char('o'));
    assert_eq!(
        effects,
        vec![Effect::Memory(Job::LoadEvents {
            memory_id: MEM.into(),
            actor_id: "guest/alice".into(),
            session_id: "stay-2025-12".into()
        })],
        "the summary's namespace names its session"
    );
}

#[test]
fn retrieve_ranks_records_with_scores() {
    let mut state = on_memories(false);
    with_records(&mut state);
    key(&mut state, KeyCode::Char('j'));
    key(&mut state, KeyCode::Char('s'));
    for c in "room number".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    let effects = key(&mut state, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Memory(Job::Retrieve {
            memory_id: MEM.into(),
            namespace_path: "/strategies/".into(),
            query: "room number".into()
        })]
    );
    let mut ranked = records();
    ranked.truncate(3);
    ranked.reverse();
    for (r, s) in ranked.iter_mut().zip([0.91, 0.42, 0.12]) {
        r.score = Some(s);
    }
    msg(
        &mut state,
        Msg::Retrieved {
            query: "room number".into(),
            result: Ok(ranked),
        },
    );
    snap("mem_retrieve", &mut state);
}

#[test]
fn the_scan_counts_per_actor_and_namespace_and_masks_until_revealed() {
    let mut state = on_memories(false);
    let effects = key(&mut state, KeyCode::Char('x'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Memory(Job::Scan(_)))),
        "{effects:?}"
    );
    let report = scan_memory(&events(), &records(), &strategies());
    msg(
        &mut state,
        Msg::Scanned {
            memory_id: MEM.into(),
            result: Ok(report),
        },
    );
    snap("mem_scan", &mut state);
    // A Strands-wrapped message reads as its text, not its JSON.
    let masked = render_at(&mut state, 200, 50);
    assert!(
        masked.contains("Charge my card [card] for the spa.") && !masked.contains(r#"{"message""#),
        "{masked}"
    );
    key(&mut state, KeyCode::Char('v'));
    let screen = render_at(&mut state, 200, 50);
    assert!(
        screen.contains("REVEALED") && screen.contains("4111 1111 1111 1111"),
        "{screen}"
    );
    assert!(!screen.contains(r#"{"message""#), "{screen}");
}

fn plan() -> ErasePlan {
    ErasePlan {
        memory_id: MEM.into(),
        actor_id: "guest/alice".into(),
        record_ids: (0..250).map(|i| format!("mem-{i}")).collect(),
        namespaces: ["/strategies/facts-k9x8y7z6w5/actors/guest/alice/".to_string()].into(),
        events: vec![("stay-2025-12".into(), "1#a".into()); 6],
        sessions: 1,
    }
}

#[test]
fn erasing_an_actor_shows_the_counts_first() {
    let mut state = on_memories(false);
    key(&mut state, KeyCode::Char('c'));
    msg(
        &mut state,
        Msg::ActorsLoaded {
            memory_id: MEM.into(),
            result: Ok(vec!["bob".into(), "guest/alice".into()]),
        },
    );
    key(&mut state, KeyCode::Char('j'));
    let effects = ctrl(&mut state, 'd');
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Memory(Job::PlanErase { actor_id, .. }) if actor_id == "guest/alice")),
        "{effects:?}"
    );
    msg(&mut state, Msg::ErasePlanned(Ok(plan())));
    snap("mem_erase_confirm", &mut state);
    let screen = render_at(&mut state, 200, 50);
    assert!(
        screen.contains("250 records in 1 namespaces (3 delete calls of ≤100)"),
        "{screen}"
    );
    let effects = key(&mut state, KeyCode::Char('y'));
    assert_eq!(effects, vec![Effect::Memory(Job::Erase(Box::new(plan())))]);
    assert!(effects.iter().all(Effect::is_write));
}

#[test]
fn erasing_is_refused_read_only_before_anything_is_counted() {
    let mut state = on_memories(true);
    key(&mut state, KeyCode::Char('c'));
    msg(
        &mut state,
        Msg::ActorsLoaded {
            memory_id: MEM.into(),
            result: Ok(vec!["bob".into()]),
        },
    );
    let effects = ctrl(&mut state, 'd');
    assert!(effects.is_empty(), "{effects:?}");
    assert!(state.overlay.is_none());
    let screen = render_at(&mut state, 80, 24);
    assert!(
        screen.contains("read-only mode: erasing an actor is refused"),
        "{screen}"
    );
}

#[test]
fn live_aws_is_not_labelled_rule_based() {
    let mut state = on_memories(false);
    with_records(&mut state);
    assert!(render_at(&mut state, 200, 50).contains("rule-based"));
    state.context.kind = ContextKind::Aws;
    assert!(!render_at(&mut state, 200, 50).contains("rule-based"));
    let _ = memory::session_key;
}

#[test]
fn a_settling_memory_is_polled_until_active() {
    let mut state = on_memories(false);
    let polled: Vec<Effect> = (0..25)
        .flat_map(|_| update(&mut state, Action::Tick))
        .collect();
    assert!(
        polled.contains(&Effect::Memory(Job::LoadMemories)),
        "scratch is CREATING: {polled:?}"
    );
    let mut settled = memories();
    settled[1].status = "ACTIVE".into();
    msg(&mut state, Msg::MemoriesLoaded(Ok(settled)));
    let polled: Vec<Effect> = (0..25)
        .flat_map(|_| update(&mut state, Action::Tick))
        .collect();
    assert!(
        !polled.contains(&Effect::Memory(Job::LoadMemories)),
        "{polled:?}"
    );
}

/// Extraction adds records a minute (locally a second) after events come:
/// once every memory is settled, the list still polls every 5 s, counting
/// each memory again without blanking the counts shown meanwhile.
#[test]
fn counts_keep_refreshing_after_settling() {
    let mut state = on_memories(false);
    let mut settled = memories();
    settled[1].status = "ACTIVE".into();
    msg(&mut state, Msg::MemoriesLoaded(Ok(settled)));
    msg(&mut state, counted(4));
    let polled: Vec<Effect> = (0..55)
        .flat_map(|_| update(&mut state, Action::Tick))
        .collect();
    assert!(
        polled
            .iter()
            .any(|e| matches!(e, Effect::Memory(Job::LoadCounts(m)) if m.id == MEM)),
        "settled memories are counted again within 5 s: {polled:?}"
    );
    let screen = render_at(&mut state, 200, 50);
    let row = screen
        .lines()
        .find(|l| l.contains("concierge_memory"))
        .unwrap();
    assert!(
        row.split_whitespace().any(|w| w == "4"),
        "the counts shown stay while counting again: {row}"
    );
    msg(&mut state, counted(9));
    let screen = render_at(&mut state, 200, 50);
    let row = screen
        .lines()
        .find(|l| l.contains("concierge_memory"))
        .unwrap();
    assert!(row.split_whitespace().any(|w| w == "9"), "{row}");
    // One count at a time per memory: a slow count is not asked again.
    let again: Vec<Effect> = (0..110)
        .flat_map(|_| update(&mut state, Action::Tick))
        .collect();
    let counted = again
        .iter()
        .filter(|e| matches!(e, Effect::Memory(Job::LoadCounts(m)) if m.id == MEM))
        .count();
    assert_eq!(counted, 1, "{again:?}");
}
