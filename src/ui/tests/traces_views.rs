//! The `:traces` screens on ratatui's TestBackend, each at 80×24 and
//! 200×50, driven through `update` with the actions the runtime sends:
//! the list (sorted, windowed, filtered, refreshed live), a waterfall
//! (folded, collapsed to a depth, its critical path), a span's detail
//! (its conversation, its gateway call and the decision), and a diff.

mod common;

use acc_backend::{ContextInfo, ContextKind, TraceList};
use acc_domain::capture::{CaptureOutcome, CapturedCall, CapturedCaller, CapturedPolicy};
use acc_domain::cedar_model::evaluation::PolicyDecision;
use acc_domain::traces::{
    SpanCall, SpanEvent, TraceDetail, TraceLogRecord, TraceSpan, TraceSummary,
};
use acc_ui::features::traces::{Job, ListQuery, Msg, Window};
use acc_ui::shell::{Action, AppState, Effect, update};
use acc_ui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Map, Value, json};

const T0: i64 = 1_764_662_400_000_000_000;
const MS: i64 = 1_000_000;
const TRACE: &str = "5b8efff798038103d269b633813fc60c";
const OTHER: &str = "0af7651916cd43dd8448eb211c80319c";

fn context() -> ContextInfo {
    ContextInfo {
        kind: ContextKind::Local,
        name: "local".into(),
        region: Some("us-east-1".into()),
        endpoint: "http://127.0.0.1:4577".into(),
    }
}

fn summary(id: &str, root: &str, start_ms: i64, dur_ms: i64, errors: usize) -> TraceSummary {
    TraceSummary {
        trace_id: id.into(),
        root_name: root.into(),
        service: "concierge_agent".into(),
        session_id: "sess-7f3a9c21-0b4d-4e8a-9d61-2c5b8a0e4f13".into(),
        start_unix_nano: T0 + start_ms * MS,
        duration_nano: dur_ms * MS,
        span_count: 6,
        error_count: errors,
        input_tokens: 1200 + dur_ms,
        output_tokens: 340,
    }
}

fn summaries() -> Vec<TraceSummary> {
    vec![
        summary(TRACE, "invoke_agent concierge_agent", 60_000, 2_480, 1),
        summary(OTHER, "invoke_agent concierge_agent", 0, 1_910, 0),
        summary(
            "9c1e2f3a4b5c6d7e8f90a1b2c3d4e5f6",
            "invoke_agent triage_agent",
            30_000,
            640,
            0,
        ),
    ]
}

fn attrs(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn span(id: &str, parent: &str, name: &str, start_ms: i64, end_ms: i64) -> TraceSpan {
    TraceSpan {
        trace_id: TRACE.into(),
        span_id: id.into(),
        parent_span_id: parent.into(),
        name: name.into(),
        kind: "INTERNAL".into(),
        start_unix_nano: T0 + start_ms * MS,
        end_unix_nano: T0 + end_ms * MS,
        status_code: 0,
        status_message: String::new(),
        service: "concierge_agent".into(),
        session_id: "sess-7f3a9c21-0b4d-4e8a-9d61-2c5b8a0e4f13".into(),
        attributes: Map::new(),
        resource: attrs(&[
            ("service.name", json!("concierge_agent")),
            ("cloud.region", json!("us-east-1")),
        ]),
        events: Vec::new(),
    }
}

fn llm(id: &str, parent: &str, start_ms: i64, end_ms: i64, tokens: (i64, i64)) -> TraceSpan {
    TraceSpan {
        attributes: attrs(&[
            ("gen_ai.operation.name", json!("chat")),
            ("gen_ai.request.model", json!("claude-sonnet-4")),
            ("gen_ai.usage.input_tokens", json!(tokens.0)),
            ("gen_ai.usage.output_tokens", json!(tokens.1)),
            ("gen_ai.system", json!("aws.bedrock")),
        ]),
        ..span(id, parent, "chat claude-sonnet-4", start_ms, end_ms)
    }
}

/// invoke_agent → chat → execute_tool → the gateway's tools/call → chat;
/// the tool failed once (an error span) and was retried.
fn spans(slow_tool: bool) -> Vec<TraceSpan> {
    let tool_end = if slow_tool { 1_900 } else { 1_300 };
    let mut failed = span("a5", "a1", "execute_tool get_weather", 200, 260);
    failed.status_code = 2;
    failed.status_message = "timeout after 50ms".into();
    failed.attributes = attrs(&[
        ("gen_ai.operation.name", json!("execute_tool")),
        ("gen_ai.tool.name", json!("get_weather")),
    ]);
    let mut tool = span("a3", "a1", "execute_tool search_articles", 900, tool_end);
    tool.attributes = attrs(&[
        ("gen_ai.operation.name", json!("execute_tool")),
        ("gen_ai.tool.name", json!("search_articles")),
        ("gen_ai.tool.call.id", json!("tooluse_Qm2x")),
    ]);
    tool.kind = "CLIENT".into();
    let mut gateway = span(
        "a4",
        "a3",
        "tools/call knowledge-base___search_articles",
        920,
        tool_end - 20,
    );
    gateway.kind = "SERVER".into();
    gateway.service = "enterprise-hub".into();
    gateway.attributes = attrs(&[
        ("gen_ai.operation.name", json!("execute_tool")),
        (
            "gen_ai.tool.name",
            json!("knowledge-base___search_articles"),
        ),
        ("aws.agentcore.gateway.capture_id", json!("cap-0001")),
        ("aws.agentcore.policy.decision", json!("allow")),
        (
            "http.request.header.authorization",
            json!("Bearer eyJhbGciOi.secret.sig"),
        ),
    ]);
    gateway.events = vec![SpanEvent {
        name: "policy.evaluated".into(),
        time_unix_nano: T0 + 925 * MS,
        attributes: attrs(&[("decision", json!("allow"))]),
    }];
    let mut root = span("a1", "", "invoke_agent concierge_agent", 0, tool_end + 580);
    root.kind = "SERVER".into();
    root.attributes = attrs(&[
        ("gen_ai.operation.name", json!("invoke_agent")),
        ("gen_ai.agent.name", json!("concierge_agent")),
    ]);
    vec![
        root,
        llm("a2", "a1", 20, 880, (1200, 96)),
        failed,
        tool,
        gateway,
        llm(
            "a6",
            "a1",
            tool_end + 10,
            tool_end + 560,
            (1460, if slow_tool { 310 } else { 244 }),
        ),
    ]
}

fn log(span_id: &str, event: &str, at_ms: i64, content: &str) -> TraceLogRecord {
    TraceLogRecord {
        time_unix_nano: T0 + at_ms * MS,
        severity: "INFO".into(),
        body: json!({ "content": content }),
        trace_id: TRACE.into(),
        span_id: span_id.into(),
        attributes: Map::new(),
        event_name: event.into(),
    }
}

fn capture() -> CapturedCall {
    CapturedCall {
        time: "2025-12-02T08:00:00.920Z".into(),
        capture_id: "cap-0001".into(),
        gateway_id: "enterprise-hub-a1b2c3d4e5".into(),
        gateway_arn:
            "arn:aws:bedrock-agentcore:us-east-1:000000000000:gateway/enterprise-hub-a1b2c3d4e5"
                .into(),
        target: "knowledge-base".into(),
        tool: "knowledge-base___search_articles".into(),
        caller: CapturedCaller {
            kind: "oauth".into(),
            sub: Some("concierge_agent".into()),
            arn: None,
            claims: None,
        },
        arguments: json!({ "query": "late checkout policy", "limit": 3 }),
        outcome: CaptureOutcome::Ok,
        detail: None,
        latency_ms: 361.4,
        trace_id: TRACE.into(),
        policy: Some(CapturedPolicy {
            engine_arn: "arn:aws:bedrock-agentcore:us-east-1:000000000000:policy-engine/hub-engine"
                .into(),
            mode: "ENFORCE".into(),
            decision: PolicyDecision::Allow,
            determining_policies: vec!["kb_read_for_agents".into()],
            errors: Vec::new(),
        }),
    }
}

fn detail(slow_tool: bool) -> TraceDetail {
    TraceDetail {
        spans: spans(slow_tool),
        logs: vec![
            log(
                "a2",
                "gen_ai.system.message",
                21,
                "You are the hotel concierge.",
            ),
            log(
                "a2",
                "gen_ai.user.message",
                22,
                "Can I check out late on Sunday?",
            ),
            log(
                "a2",
                "gen_ai.assistant.message",
                870,
                "Let me look up the late checkout policy.",
            ),
        ],
        calls: vec![SpanCall {
            span_id: "a4".into(),
            capture: capture(),
            matched_by: "capture_id".into(),
            decision: Some(PolicyDecision::Allow),
            determining_policies: vec!["kb_read_for_agents".into()],
        }],
        notes: vec!["no log records in /aws/vendedlogs/triage (log group missing)".into()],
    }
}

fn key(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn chars(state: &mut AppState, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| key(state, KeyCode::Char(c)))
        .collect()
}

fn msg(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    update(state, Action::Traces(msg))
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

/// `:traces` with the traces listed.
fn on_traces() -> AppState {
    let mut state = AppState::new(context(), false, Theme::dark(), (80, 24));
    key(&mut state, KeyCode::Char(':'));
    chars(&mut state, "traces");
    let effects = key(&mut state, KeyCode::Enter);
    let asked = ListQuery::default();
    assert!(
        effects.contains(&Effect::Traces(Job::ListTraces(asked.clone()))),
        "{effects:?}"
    );
    msg(
        &mut state,
        Msg::TracesLoaded {
            query: asked,
            result: Ok(summaries()),
        },
    );
    state
}

/// The first trace's waterfall, loaded.
fn on_waterfall() -> AppState {
    let mut state = on_traces();
    let effects = key(&mut state, KeyCode::Enter);
    assert!(
        effects.contains(&Effect::Traces(Job::GetTrace {
            trace_id: TRACE.into()
        })),
        "{effects:?}"
    );
    msg(
        &mut state,
        Msg::TraceLoaded {
            trace_id: TRACE.into(),
            result: Ok(Box::new(detail(false))),
        },
    );
    state
}

#[test]
fn the_list_shows_each_trace_newest_first_and_keeps_key_columns_at_80() {
    let mut state = on_traces();
    let narrow = render_at(&mut state, 80, 24);
    for column in ["ROOT", "START", "DURATION", "ERR"] {
        assert!(
            narrow.contains(column),
            "{column} survives 80 columns:\n{narrow}"
        );
    }
    let wide = render_at(&mut state, 200, 50);
    for column in ["SERVICE", "SESSION", "SPANS", "IN", "OUT", "TRACE"] {
        assert!(wide.contains(column), "{column} at 200 columns:\n{wide}");
    }
    snap("traces_list", &mut state);
}

#[test]
fn sort_reverse_errors_only_and_window_change_the_list_and_its_query() {
    let mut state = on_traces();
    let first_root = |s: &mut AppState| {
        let screen = render_at(s, 200, 50);
        screen
            .lines()
            .find(|l| l.contains("invoke_agent"))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    assert!(first_root(&mut state).contains("2.48s"), "newest first");
    key(&mut state, KeyCode::Char('s'));
    assert!(render_at(&mut state, 200, 50).contains("sort: duration ↓"));
    assert!(first_root(&mut state).contains("2.48s"), "longest first");
    key(&mut state, KeyCode::Char('S'));
    assert!(render_at(&mut state, 200, 50).contains("sort: duration ↑"));
    assert!(first_root(&mut state).contains("640.0ms"), "shortest first");
    let effects = key(&mut state, KeyCode::Char('e'));
    assert_eq!(
        effects,
        vec![Effect::Traces(Job::ListTraces(ListQuery {
            errors_only: true,
            ..ListQuery::default()
        }))]
    );
    msg(
        &mut state,
        Msg::TracesLoaded {
            query: ListQuery::default(),
            result: Ok(summaries()),
        },
    );
    let effects = key(&mut state, KeyCode::Char('w'));
    assert_eq!(
        effects,
        vec![Effect::Traces(Job::ListTraces(ListQuery {
            errors_only: true,
            window: Window::Hours6,
            ..ListQuery::default()
        }))]
    );
    assert!(render_at(&mut state, 200, 50).contains("last 6h"));
}

#[test]
fn a_bad_filter_is_named_inline_and_a_good_one_is_asked_of_the_backend() {
    let mut state = on_traces();
    key(&mut state, KeyCode::Char('/'));
    chars(&mut state, "=oops");
    let screen = render_at(&mut state, 80, 24);
    assert!(screen.contains("=oops"), "the bad term is named:\n{screen}");
    // Nothing is asked while the filter does not parse.
    let mut asked = Vec::new();
    for _ in 0..10 {
        asked.extend(update(&mut state, Action::Tick));
    }
    assert!(asked.is_empty(), "{asked:?}");
    for _ in 0..5 {
        key(&mut state, KeyCode::Backspace);
    }
    chars(&mut state, "gen_ai.request.model=claude-sonnet-4");
    key(&mut state, KeyCode::Enter);
    let mut asked = Vec::new();
    for _ in 0..5 {
        asked.extend(update(&mut state, Action::Tick));
    }
    assert_eq!(
        asked,
        vec![Effect::Traces(Job::ListTraces(ListQuery {
            filter: Some("gen_ai.request.model=claude-sonnet-4".into()),
            ..ListQuery::default()
        }))]
    );
}

#[test]
fn the_list_refreshes_live_and_keeps_the_selected_trace() {
    let mut state = on_traces();
    key(&mut state, KeyCode::Char('j'));
    let mut polled = Vec::new();
    for _ in 0..35 {
        polled.extend(update(&mut state, Action::Tick));
    }
    assert_eq!(
        polled,
        vec![Effect::Traces(Job::ListTraces(ListQuery::default()))],
        "one poll in 3.5 s"
    );
    let mut newer = summaries();
    newer.push(summary(
        "ffff0000ffff0000ffff0000ffff0000",
        "invoke_agent concierge_agent",
        90_000,
        120,
        0,
    ));
    msg(
        &mut state,
        Msg::TracesLoaded {
            query: ListQuery::default(),
            result: Ok(newer),
        },
    );
    let cursor = &state.screen().cursor;
    assert_eq!(cursor.selected, 2, "the same trace, one row lower");
    let effects = key(&mut state, KeyCode::Enter);
    assert!(
        effects.contains(&Effect::Traces(Job::GetTrace {
            trace_id: "9c1e2f3a4b5c6d7e8f90a1b2c3d4e5f6".into()
        })),
        "{effects:?}"
    );
}

#[test]
fn transaction_search_off_says_how_to_enable_it() {
    let mut state = AppState::new(context(), false, Theme::dark(), (80, 24));
    key(&mut state, KeyCode::Char(':'));
    chars(&mut state, "traces");
    key(&mut state, KeyCode::Enter);
    msg(
        &mut state,
        Msg::TracesLoaded {
            query: ListQuery::default(),
            result: Err("Transaction Search is off: enable it in CloudWatch → Settings → Transaction Search".into()),
        },
    );
    let screen = render_at(&mut state, 200, 50);
    assert!(
        screen.contains("Transaction Search is off: enable it in CloudWatch"),
        "{screen}"
    );
}

#[test]
fn the_waterfall_folds_collapses_and_marks_the_critical_path() {
    let mut state = on_waterfall();
    let screen = render_at(&mut state, 80, 24);
    assert!(
        screen.contains("▌"),
        "the critical path is marked:\n{screen}"
    );
    assert!(screen.contains("critical path"), "with a legend:\n{screen}");
    assert!(
        screen.contains("claude-sonnet-4")
            || render_at(&mut state, 200, 50).contains("claude-sonnet-4 · 1200→96 tok")
    );
    snap("traces_waterfall", &mut state);
    // The tool span (4th row) folds its gateway child away.
    chars(&mut state, "jjj");
    key(&mut state, KeyCode::Enter);
    let folded = render_at(&mut state, 200, 50);
    assert!(
        folded.contains("▸ execute_tool search_articles"),
        "{folded}"
    );
    assert!(!folded.contains("tools/call"), "{folded}");
    snap("traces_waterfall_folded", &mut state);
    key(&mut state, KeyCode::Enter);
    assert!(render_at(&mut state, 200, 50).contains("tools/call"));
    // 1: the root alone; 2: its children; 0: everything.
    key(&mut state, KeyCode::Char('1'));
    assert_eq!(state.screen().cursor.visible.len(), 1);
    key(&mut state, KeyCode::Char('2'));
    assert_eq!(state.screen().cursor.visible.len(), 5);
    key(&mut state, KeyCode::Char('0'));
    assert_eq!(state.screen().cursor.visible.len(), 6);
}

#[test]
fn search_narrows_the_waterfall_and_n_moves_between_matches() {
    let mut state = on_waterfall();
    key(&mut state, KeyCode::Char('/'));
    chars(&mut state, "status=error");
    key(&mut state, KeyCode::Enter);
    // The error span and its ancestor, the root.
    assert_eq!(state.screen().cursor.visible.len(), 2);
    key(&mut state, KeyCode::Char('n'));
    let screen = render_at(&mut state, 200, 50);
    assert_eq!(state.screen().cursor.selected, 1, "{screen}");
    key(&mut state, KeyCode::Char('N'));
    assert_eq!(
        state.screen().cursor.selected,
        1,
        "the only match, wrapping"
    );
}

#[test]
fn a_span_shows_its_conversation_and_its_gateway_call_with_the_decision() {
    let mut state = on_waterfall();
    // The model's conversation on the first chat span.
    key(&mut state, KeyCode::Char('j'));
    key(&mut state, KeyCode::Char('l'));
    let chat = render_at(&mut state, 200, 50);
    assert!(chat.contains("# conversation (3 turns"), "{chat}");
    assert!(
        chat.contains("USER       Can I check out late on Sunday?"),
        "{chat}"
    );
    assert!(
        chat.contains("gen_ai.request.model = claude-sonnet-4"),
        "{chat}"
    );
    key(&mut state, KeyCode::Esc);
    // The gateway's own span: the call in full, the decision, secrets masked.
    chars(&mut state, "jjj");
    key(&mut state, KeyCode::Enter);
    let call = render_at(&mut state, 200, 50);
    assert!(
        call.contains("decision   ALLOW by kb_read_for_agents"),
        "{call}"
    );
    assert!(
        call.contains("\"query\": \"late checkout policy\""),
        "{call}"
    );
    assert!(!call.contains("eyJhbGciOi.secret.sig"), "{call}");
    snap("traces_span", &mut state);
}

#[test]
fn two_traces_diff_with_added_spans_and_deltas() {
    let mut state = on_traces();
    key(&mut state, KeyCode::Char('m'));
    assert!(render_at(&mut state, 80, 24).contains("marked trace"));
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Char('G'));
    let effects: Vec<Effect> = key(&mut state, KeyCode::Char('d'))
        .into_iter()
        .filter(|e| matches!(e, Effect::Traces(_)))
        .collect();
    assert_eq!(
        effects,
        vec![
            Effect::Traces(Job::GetTrace {
                trace_id: TRACE.into()
            }),
            Effect::Traces(Job::GetTrace {
                trace_id: OTHER.into()
            }),
        ]
    );
    let mut before = detail(false);
    before.spans.retain(|s| s.span_id != "a5");
    let mut after = detail(true);
    for s in &mut after.spans {
        s.trace_id = OTHER.into();
    }
    msg(
        &mut state,
        Msg::TraceLoaded {
            trace_id: TRACE.into(),
            result: Ok(Box::new(before)),
        },
    );
    msg(
        &mut state,
        Msg::TraceLoaded {
            trace_id: OTHER.into(),
            result: Ok(Box::new(after)),
        },
    );
    let screen = render_at(&mut state, 200, 50);
    assert!(screen.contains("+ "), "an added span:\n{screen}");
    assert!(screen.contains("+600.0ms"), "the tool's delta:\n{screen}");
    assert!(
        screen.contains("Δ +66 tokens"),
        "the tokens' delta in total:\n{screen}"
    );
    snap("traces_diff", &mut state);
}

#[test]
fn help_lists_the_trace_keys() {
    let mut state = on_waterfall();
    key(&mut state, KeyCode::Char('?'));
    let help = render_at(&mut state, 200, 50);
    assert!(
        help.contains("1-9 collapse to that depth · 0 expands all"),
        "{help}"
    );
    assert!(
        help.contains("the next span the filter (/) matches"),
        "{help}"
    );
}

#[test]
fn p_explains_the_spans_decision_and_o_opens_its_session() {
    use acc_domain::gateway::{Gateway, PolicyEngineAttachment};
    use acc_ui::features::{gateway, policy, runtime};
    use acc_ui::shell::Route;
    let mut state = on_waterfall();
    update(
        &mut state,
        Action::Gateway(gateway::Msg::GatewaysLoaded(Ok(vec![Gateway {
            id: "enterprise-hub-a1b2c3d4e5".into(),
            name: "enterprise-hub".into(),
            status: "READY".into(),
            policy_engine: Some(PolicyEngineAttachment {
                arn: "arn:aws:bedrock-agentcore:us-east-1:000000000000:policy-engine/hub-engine"
                    .into(),
                mode: "ENFORCE".into(),
            }),
            ..Gateway::default()
        }]))),
    );
    // A span without a gateway call: nothing to explain.
    key(&mut state, KeyCode::Char('l'));
    assert!(key(&mut state, KeyCode::Char('p')).is_empty());
    assert!(render_at(&mut state, 200, 50).contains("this span made no gateway call"));
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Esc);
    // The gateway's span: the deployed policies dry-run over its captures.
    chars(&mut state, "jjjj");
    key(&mut state, KeyCode::Char('l'));
    let effects = key(&mut state, KeyCode::Char('p'));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Policy(policy::Job::DryRunPolicy { gateway, engine_id, .. })
                if gateway.id == "enterprise-hub-a1b2c3d4e5" && engine_id == "hub-engine"
        )),
        "{effects:?}"
    );
    assert!(render_at(&mut state, 200, 50).contains("deployed policies for capture cap-0001"));
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Char('o'));
    assert_eq!(
        state.screen().route,
        Route::Runtime(runtime::Route::SessionDetail {
            session_id: "sess-7f3a9c21-0b4d-4e8a-9d61-2c5b8a0e4f13".into()
        })
    );
}

/// The first trace read (again), as the job answers.
fn trace_read(state: &mut AppState, result: Result<TraceDetail, String>) {
    msg(
        state,
        Msg::TraceLoaded {
            trace_id: TRACE.into(),
            result: result.map(Box::new),
        },
    );
}

/// The traces listed, the read stopped at its bound or not.
fn listed_page(state: &mut AppState, truncated: bool) {
    msg(
        state,
        Msg::TracesPage {
            query: ListQuery::default(),
            result: Ok(TraceList {
                traces: summaries(),
                spans_read: 18,
                truncated,
                ..TraceList::default()
            }),
        },
    );
}

#[test]
fn a_list_cut_at_its_read_bound_says_so_and_a_whole_one_does_not() {
    let mut state = on_traces();
    listed_page(&mut state, true);
    let note = "newest 3 traces; older ones not read: narrow the window (w) or filter (/)";
    for (w, h) in [(80, 24), (200, 50)] {
        let screen = render_at(&mut state, w, h);
        assert!(screen.contains(note), "at {w}x{h}:\n{screen}");
    }
    snap("traces_list_truncated", &mut state);
    // The next read is whole: the note goes.
    listed_page(&mut state, false);
    let screen = render_at(&mut state, 200, 50);
    assert!(!screen.contains("older ones not read"), "{screen}");
}

/// The span id selected on the shown waterfall.
fn selected_span(state: &AppState) -> String {
    let row = state
        .screen()
        .cursor
        .selected_item()
        .expect("a row selected");
    state
        .traces
        .trace(TRACE)
        .expect("the trace loaded")
        .span(row)
        .expect("its span")
        .span_id
        .clone()
}

/// Ticks until one is answered with effects; the effects of `n` ticks.
fn ticks(state: &mut AppState, n: usize) -> Vec<Effect> {
    (0..n).flat_map(|_| update(state, Action::Tick)).collect()
}

#[test]
fn the_open_waterfall_rereads_its_trace_keeping_selection_folds_and_scroll() {
    let mut state = on_waterfall();
    // Fold the tool span (4th row), select the last chat span after it.
    chars(&mut state, "jjj");
    key(&mut state, KeyCode::Enter);
    key(&mut state, KeyCode::Char('j'));
    assert_eq!(selected_span(&state), "a6");
    // One read every 3 s, never two at once.
    let get = Effect::Traces(Job::GetTrace {
        trace_id: TRACE.into(),
    });
    assert_eq!(
        ticks(&mut state, 35),
        vec![get.clone()],
        "one read in 3.5 s"
    );
    assert!(
        ticks(&mut state, 70).is_empty(),
        "none while one is on its way"
    );
    // The trace again, with a span before the selection and one under the
    // folded tool span.
    let mut grown = detail(false);
    grown
        .spans
        .push(span("a7", "a1", "retrieve kb_chunks", 100, 150));
    grown
        .spans
        .push(span("a8", "a3", "tools/list knowledge-base", 905, 915));
    trace_read(&mut state, Ok(grown));
    let screen = render_at(&mut state, 200, 50);
    assert!(
        screen.contains("retrieve kb_chunks"),
        "the new span:\n{screen}"
    );
    assert_eq!(selected_span(&state), "a6", "the same span selected");
    assert!(
        screen.contains("▸ execute_tool search_articles"),
        "still folded:\n{screen}"
    );
    assert!(
        !screen.contains("tools/list"),
        "its new child hidden:\n{screen}"
    );
    assert!(!screen.contains("tools/call"), "{screen}");
    snap("traces_waterfall_live", &mut state);
    // The reads go on; a failed one keeps what is shown and says why.
    assert_eq!(ticks(&mut state, 35), vec![get], "the next read");
    trace_read(&mut state, Err("the platform is unreachable".into()));
    let screen = render_at(&mut state, 200, 50);
    assert!(screen.contains("retrieve kb_chunks"), "{screen}");
    assert!(screen.contains("the platform is unreachable"), "{screen}");
    assert_eq!(selected_span(&state), "a6");
}

#[test]
fn the_open_waterfall_keeps_its_scroll_as_spans_arrive() {
    let mut state = on_waterfall();
    let mut many = detail(false);
    for i in 0..40 {
        many.spans.push(span(
            &format!("b{i:02}"),
            "a1",
            &format!("step {i:02}"),
            1_400 + i,
            1_401 + i,
        ));
    }
    trace_read(&mut state, Ok(many.clone()));
    render_at(&mut state, 80, 24);
    // Down past the first screen.
    chars(&mut state, &"j".repeat(30));
    let (selected, offset) = {
        let c = &state.screen().cursor;
        (c.selected, c.offset)
    };
    assert!(offset > 0, "scrolled");
    let kept = selected_span(&state);
    ticks(&mut state, 35);
    many.spans.push(span("c0", "a1", "retrieve first", 5, 6));
    trace_read(&mut state, Ok(many));
    let c = &state.screen().cursor;
    assert_eq!(selected_span(&state), kept);
    assert_eq!(
        (c.selected, c.offset),
        (selected + 1, offset + 1),
        "the selection stays where it was on screen"
    );
}

#[test]
fn a_big_trace_is_read_again_less_often() {
    let mut state = on_waterfall();
    let mut big = detail(false);
    for i in 0..20_000 {
        big.spans
            .push(span(&format!("c{i:05}"), "a1", "step", 1_400, 1_401));
    }
    trace_read(&mut state, Ok(big));
    let get = Effect::Traces(Job::GetTrace {
        trace_id: TRACE.into(),
    });
    // 20 006 spans: every 9 s rather than every 3 s.
    assert!(ticks(&mut state, 85).is_empty(), "not within 8.5 s");
    assert_eq!(ticks(&mut state, 10), vec![get], "one read by 9.5 s");
}

#[test]
fn the_span_detail_rereads_its_trace_too() {
    let mut state = on_waterfall();
    key(&mut state, KeyCode::Char('j'));
    key(&mut state, KeyCode::Char('l'));
    let get = Effect::Traces(Job::GetTrace {
        trace_id: TRACE.into(),
    });
    assert_eq!(ticks(&mut state, 35), vec![get]);
    let mut grown = detail(false);
    grown
        .logs
        .push(log("a2", "gen_ai.user.message", 23, "And breakfast?"));
    trace_read(&mut state, Ok(grown));
    let screen = render_at(&mut state, 200, 50);
    assert!(screen.contains("And breakfast?"), "{screen}");
}

#[test]
fn tab_after_traces_completes_the_sessions_the_console_knows() {
    use acc_domain::agent_runtime::RuntimeSession;
    use acc_ui::features::runtime;
    let mut state = on_traces();
    update(
        &mut state,
        Action::Runtime(runtime::Msg::SessionsLoaded(Ok(vec![RuntimeSession {
            runtime_session_id: "sess-0b1c2d3e-runtime-only".into(),
            agent_runtime_id: "concierge_agent-abc123".into(),
            state: "HEALTHY".into(),
            ..RuntimeSession::default()
        }]))),
    );
    key(&mut state, KeyCode::Char(':'));
    chars(&mut state, "traces ");
    key(&mut state, KeyCode::Tab);
    let palette = render_at(&mut state, 200, 50);
    assert!(
        palette.contains("sess-0b1c2d3e-runtime-only · sess-7f3a9c21-0b4d-4e8a-9d61-2c5b8a0e4f13"),
        "both sessions offered:\n{palette}"
    );
    assert!(
        palette.contains(":traces sess-▏"),
        "completed as far as they agree:\n{palette}"
    );
    chars(&mut state, "7");
    key(&mut state, KeyCode::Tab);
    let line = render_at(&mut state, 200, 50);
    assert!(
        line.contains(":traces sess-7f3a9c21-0b4d-4e8a-9d61-2c5b8a0e4f13"),
        "the list's session completed:\n{line}"
    );
    let effects = key(&mut state, KeyCode::Enter);
    assert!(
        effects.contains(&Effect::Traces(Job::ListTraces(ListQuery {
            session: Some("sess-7f3a9c21-0b4d-4e8a-9d61-2c5b8a0e4f13".into()),
            ..ListQuery::default()
        }))),
        "{effects:?}"
    );
}

#[test]
fn enter_on_a_trace_that_cannot_be_read_shows_why() {
    let mut state = on_traces();
    key(&mut state, KeyCode::Enter);
    // What the backend says of a trace evicted since it was listed.
    trace_read(
        &mut state,
        Err(format!(
            "GetTrace failed: ResourceNotFoundException: no trace {TRACE} in aws/spans over the last 7 days"
        )),
    );
    for (w, h) in [(80, 24), (200, 50)] {
        let screen = render_at(&mut state, w, h);
        // The lines inside the box, joined: the message may wrap.
        let flat = screen
            .lines()
            .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
            .collect::<Vec<_>>()
            .join(" ");
        for part in [
            "ResourceNotFoundException",
            "over the last 7 days",
            "ctrl-r",
        ] {
            assert!(flat.contains(part), "{part} at {w}x{h}:\n{screen}");
        }
    }
    snap("traces_waterfall_failed", &mut state);
}
