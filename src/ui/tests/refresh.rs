//! Views refresh themselves while shown (polling on the tick, one request
//! in flight per listing), show the truth of a streaming session, and keep
//! each message with the screen that raised it; a session's own keys (stop,
//! logs, continue).

use acc_backend::{ContextInfo, ContextKind};
use acc_domain::{AgentRuntime, Gateway, PolicyEngineAttachment, RuntimeSession};
use acc_ui::features::runtime::sessions::{
    RUNTIMES_POLL_TICKS, SESSIONS_REFRESH_TICKS, TRANSITIONAL_POLL_TICKS,
};
use acc_ui::features::{gateway, policy, runtime};
use acc_ui::shell::{Action, AppState, Effect, start, update, view};
use acc_ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const W: u16 = 120;
const H: u16 = 30;
const GATEWAY: &str = "orbit-hub-k3j9x0a1b2";
const SESSION: &str = "fresh-0123456789-0123456789-0123456789";

fn loaded() -> AppState {
    let context = ContextInfo {
        kind: ContextKind::Local,
        name: "local".into(),
        region: Some("us-east-1".into()),
        endpoint: "http://127.0.0.1:4577".into(),
    };
    let mut state = AppState::new(context, false, Theme::dark(), (W, H));
    start(&mut state);
    let gateway = Gateway {
        id: GATEWAY.into(),
        name: "orbit-hub".into(),
        arn: Some(format!(
            "arn:aws:bedrock-agentcore:us-east-1:000000000000:gateway/{GATEWAY}"
        )),
        status: "READY".into(),
        authorizer_type: "CUSTOM_JWT".into(),
        protocol_type: "MCP".into(),
        policy_engine: Some(PolicyEngineAttachment {
            arn: "arn:aws:bedrock-agentcore:us-east-1:000000000000:policy-engine/orbit-guard"
                .into(),
            mode: "LOG_ONLY".into(),
        }),
        ..Gateway::default()
    };
    update(
        &mut state,
        Action::Gateway(gateway::Msg::GatewaysLoaded(Ok(vec![gateway]))),
    );
    state
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

fn command(state: &mut AppState, text: &str) -> Vec<Effect> {
    for c in text.chars() {
        key(state, KeyCode::Char(c));
    }
    key(state, KeyCode::Enter)
}

fn render(state: &AppState) -> String {
    let mut terminal = Terminal::new(TestBackend::new(W, H)).unwrap();
    terminal.draw(|f| view(state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..H)
        .map(|y| (0..W).map(|x| buffer[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The effects of `n` ticks.
fn ticks(state: &mut AppState, n: u64) -> Vec<Effect> {
    (0..n).flat_map(|_| update(state, Action::Tick)).collect()
}

fn count(effects: &[Effect], effect: &Effect) -> usize {
    effects.iter().filter(|e| *e == effect).count()
}

const LOAD_RUNTIMES: Effect = Effect::Runtime(runtime::Job::LoadRuntimes);
const LOAD_SESSIONS: Effect = Effect::Runtime(runtime::Job::LoadSessions);

fn runtime_with(status: &str) -> AgentRuntime {
    AgentRuntime {
        id: "concierge_agent-k2j4h6g8f0".into(),
        arn: "arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/concierge_agent-k2j4h6g8f0"
            .into(),
        name: "concierge_agent".into(),
        latest_version: "1".into(),
        status: status.into(),
        artifact: "native:python3 agent.py".into(),
        ..AgentRuntime::default()
    }
}

fn session(state: &str, age: i64, idle: i64) -> RuntimeSession {
    RuntimeSession {
        runtime_session_id: SESSION.into(),
        agent_runtime_id: "concierge_agent-k2j4h6g8f0".into(),
        endpoint: "DEFAULT".into(),
        execution: "native".into(),
        state: state.into(),
        age_seconds: age,
        idle_seconds: idle,
        invocations: 1,
        ..RuntimeSession::default()
    }
}

fn runtimes_arrive(state: &mut AppState, runtimes: Vec<AgentRuntime>) {
    update(
        state,
        Action::Runtime(runtime::Msg::RuntimesLoaded(Ok(runtimes))),
    );
}

fn sessions_arrive(state: &mut AppState, sessions: Vec<RuntimeSession>) {
    update(
        state,
        Action::Runtime(runtime::Msg::SessionsLoaded(Ok(sessions))),
    );
}

/// `:rt` with one ready runtime and no session yet.
fn on_runtimes(state: &mut AppState) {
    let effects = command(state, ":rt");
    assert_eq!(count(&effects, &LOAD_RUNTIMES), 1, "{effects:?}");
    runtimes_arrive(state, vec![runtime_with("READY")]);
    sessions_arrive(state, Vec::new());
}

/// The SESSIONS cell of the runtime's row.
fn sessions_count(state: &AppState) -> String {
    let screen = render(state);
    let header = screen.lines().find(|l| l.contains("SESSIONS")).unwrap();
    let column = header.find("SESSIONS").unwrap();
    let row = screen
        .lines()
        .find(|l| l.contains("concierge_agent"))
        .unwrap();
    row[column..].split_whitespace().next().unwrap().to_owned()
}

#[test]
fn the_shown_runtimes_poll_themselves_one_request_at_a_time() {
    let mut state = loaded();
    on_runtimes(&mut state);
    assert_eq!(sessions_count(&state), "0");
    // Nothing before the interval; then one of each.
    let early = ticks(&mut state, RUNTIMES_POLL_TICKS - 1);
    assert!(early.is_empty(), "{early:?}");
    let due = ticks(&mut state, 2);
    assert_eq!(count(&due, &LOAD_RUNTIMES), 1, "{due:?}");
    assert_eq!(count(&due, &LOAD_SESSIONS), 1, "{due:?}");
    // A slow answer is not stacked upon, however long it takes.
    let waiting = ticks(&mut state, 5 * RUNTIMES_POLL_TICKS);
    assert_eq!(count(&waiting, &LOAD_RUNTIMES), 0, "{waiting:?}");
    assert_eq!(count(&waiting, &LOAD_SESSIONS), 0, "{waiting:?}");
    // The answers show without ctrl-r: a session started elsewhere counts.
    runtimes_arrive(&mut state, vec![runtime_with("READY")]);
    sessions_arrive(&mut state, vec![session("HEALTHY", 2, 1)]);
    assert_eq!(sessions_count(&state), "1");
    let next = ticks(&mut state, RUNTIMES_POLL_TICKS);
    assert_eq!(count(&next, &LOAD_RUNTIMES), 1, "{next:?}");
    assert_eq!(count(&next, &LOAD_SESSIONS), 1, "{next:?}");
}

#[test]
fn a_screen_not_shown_does_not_poll() {
    let mut state = loaded();
    on_runtimes(&mut state);
    // Back to the gateways: the runtimes are not shown any more.
    key(&mut state, KeyCode::Esc);
    let away = ticks(&mut state, 10 * RUNTIMES_POLL_TICKS);
    assert_eq!(count(&away, &LOAD_RUNTIMES), 0, "{away:?}");
    assert_eq!(count(&away, &LOAD_SESSIONS), 0, "{away:?}");
    // The invoke console shows neither list.
    on_runtimes(&mut state);
    key(&mut state, KeyCode::Enter);
    assert!(render(&state).contains("payload → concierge_agent"));
    let typing = ticks(&mut state, 10 * RUNTIMES_POLL_TICKS);
    assert_eq!(count(&typing, &LOAD_RUNTIMES), 0, "{typing:?}");
    assert_eq!(count(&typing, &LOAD_SESSIONS), 0, "{typing:?}");
    assert!(!state.needs_ticks(), "nothing to animate or poll");
}

#[test]
fn a_runtime_between_states_is_polled_faster_until_it_settles() {
    let mut state = loaded();
    command(&mut state, ":rt");
    runtimes_arrive(&mut state, vec![runtime_with("UPDATING")]);
    sessions_arrive(&mut state, Vec::new());
    let fast = ticks(&mut state, TRANSITIONAL_POLL_TICKS + 1);
    assert_eq!(count(&fast, &LOAD_RUNTIMES), 1, "{fast:?}");
    runtimes_arrive(&mut state, vec![runtime_with("READY")]);
    sessions_arrive(&mut state, Vec::new());
    assert!(render(&state).contains("READY"));
    // Settled: back to the slower pace.
    let settled = ticks(&mut state, RUNTIMES_POLL_TICKS - 1);
    assert_eq!(count(&settled, &LOAD_RUNTIMES), 0, "{settled:?}");
}

#[test]
fn the_sessions_poll_at_their_own_pace() {
    let mut state = loaded();
    command(&mut state, ":sessions");
    runtimes_arrive(&mut state, vec![runtime_with("READY")]);
    sessions_arrive(&mut state, vec![session("HEALTHY", 2, 1)]);
    let due = ticks(&mut state, SESSIONS_REFRESH_TICKS + 1);
    assert_eq!(count(&due, &LOAD_SESSIONS), 1, "{due:?}");
    // The runtimes are not shown here: they are not polled.
    assert_eq!(count(&due, &LOAD_RUNTIMES), 0, "{due:?}");
}

fn studio(status: &str) -> policy::studio::StudioData {
    use acc_domain::cedar_model::schema::gateway_schema;
    policy::studio::StudioData {
        engine_id: "orbit-guard".into(),
        engine_name: "orbit_guard".into(),
        mode: "LOG_ONLY".into(),
        schema: gateway_schema(&[]).unwrap(),
        templates: Vec::new(),
        policies: vec![acc_domain::Policy {
            id: "small_refunds-a1b2c3d4e5".into(),
            name: "small_refunds".into(),
            engine_id: "orbit-guard".into(),
            status: status.into(),
            enforcement_mode: "ACTIVE".into(),
            statement: "permit (principal, action, resource);".into(),
            status_reasons: Vec::new(),
            description: None,
        }],
        tools: Vec::new(),
    }
}

fn studio_arrives(state: &mut AppState, status: &str) {
    update(
        state,
        Action::Policy(policy::Msg::PolicyStudioLoaded {
            gateway_id: GATEWAY.into(),
            result: Ok(Box::new(studio(status))),
        }),
    );
}

fn studio_loads(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::Policy(policy::Job::LoadPolicyStudio { .. })))
        .count()
}

#[test]
fn a_pushed_policy_shows_updating_then_active_without_ctrl_r() {
    let mut state = loaded();
    let effects = key(&mut state, KeyCode::Char('p'));
    assert_eq!(studio_loads(&effects), 1, "{effects:?}");
    // Just pushed: the policy is being updated.
    studio_arrives(&mut state, "UPDATING");
    assert!(render(&state).contains("UPDATING"));
    let polled = ticks(&mut state, policy_transitional_ticks() + 1);
    assert_eq!(studio_loads(&polled), 1, "{polled:?}");
    // What is shown stays while the poll is under way, and is not stacked.
    let waiting = ticks(&mut state, 100);
    assert_eq!(studio_loads(&waiting), 0, "{waiting:?}");
    assert!(render(&state).contains("UPDATING"));
    studio_arrives(&mut state, "ACTIVE");
    let screen = render(&state);
    assert!(screen.contains("small_refunds") && !screen.contains("UPDATING"));
    // Settled: polled at the slower pace.
    let calm = ticks(&mut state, policy_transitional_ticks() + 1);
    assert_eq!(studio_loads(&calm), 0, "{calm:?}");
}

fn policy_transitional_ticks() -> u64 {
    10
}

/// The row of our session on the screen.
fn session_row(state: &AppState) -> String {
    render(state)
        .lines()
        .find(|l| l.contains("fresh-"))
        .unwrap_or_default()
        .to_owned()
}

/// ctrl-s in the invoke console, answered in `SESSION`; the run's id.
fn stream_in_session(state: &mut AppState) -> u64 {
    let effects = ctrl(state, 's');
    let run_id = match effects.as_slice() {
        [Effect::Runtime(runtime::Job::Invoke { run_id, .. })] => *run_id,
        _ => panic!("{effects:?}"),
    };
    let started = runtime::Msg::InvokeStarted {
        run_id,
        session_id: SESSION.into(),
        content_type: "text/event-stream".into(),
    };
    update(state, Action::Runtime(started));
    run_id
}

#[test]
fn the_session_the_console_streams_from_is_busy_not_idle() {
    let mut state = loaded();
    on_runtimes(&mut state);
    key(&mut state, KeyCode::Enter);
    let run_id = stream_in_session(&mut state);
    // A listing taken as the stream started (or derived from logs) says
    // the session idles: the console knows better while it streams.
    key(&mut state, KeyCode::Esc);
    command(&mut state, ":sessions");
    assert!(render(&state).contains("sessions · sort"));
    sessions_arrive(&mut state, vec![session("HEALTHY", 20, 16)]);
    let row = session_row(&state);
    assert!(row.contains("BUSY") && !row.contains("HEALTHY"), "{row}");
    assert!(row.contains(" 0s ") && !row.contains("16s"), "{row}");
    // Once the answer has ended, the listing is believed again.
    let finished = runtime::Msg::InvokeFinished {
        run_id,
        at_ms: 900.0,
        result: Ok(()),
    };
    update(&mut state, Action::Runtime(finished));
    sessions_arrive(&mut state, vec![session("HEALTHY", 21, 1)]);
    let row = session_row(&state);
    assert!(row.contains("HEALTHY"), "{row}");
}

#[test]
fn a_stopped_session_shows_the_age_and_idle_it_stopped_at() {
    let mut state = loaded();
    command(&mut state, ":sessions");
    sessions_arrive(&mut state, vec![session("STOPPED", 8, 3)]);
    let first = session_row(&state);
    assert!(first.contains("STOPPED") && first.contains(" 8s ") && first.contains(" 3s "));
    // Time passes and the listing is polled: the platform froze its clock.
    ticks(&mut state, SESSIONS_REFRESH_TICKS + 1);
    sessions_arrive(&mut state, vec![session("STOPPED", 8, 3)]);
    assert_eq!(session_row(&state), first);
}

/// `:sessions` with our session listed, then enter on it.
fn on_session_detail(state: &mut AppState, readonly: bool) {
    state.readonly = readonly;
    command(state, ":sessions");
    runtimes_arrive(state, vec![runtime_with("READY")]);
    sessions_arrive(state, vec![session("HEALTHY", 30, 4)]);
    let effects = key(state, KeyCode::Enter);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Runtime(runtime::Job::LoadSessionLogs { .. }))),
        "{effects:?}"
    );
    assert!(render(state).contains(&format!("session {SESSION}")));
}

#[test]
fn a_session_is_stopped_from_its_own_screen_after_asking() {
    let mut state = loaded();
    on_session_detail(&mut state, false);
    assert!(render(&state).contains("stop"), "the footer offers ctrl-d");
    assert!(ctrl(&mut state, 'd').is_empty());
    assert!(render(&state).contains(" Stop session "));
    let effects = key(&mut state, KeyCode::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::Runtime(runtime::Job::StopSession { session_id, .. })] if session_id == SESSION),
        "{effects:?}"
    );
    // Read-only refuses, without asking.
    let mut ro = loaded();
    on_session_detail(&mut ro, true);
    assert!(ctrl(&mut ro, 'd').is_empty());
    assert!(ro.overlay.is_none());
    assert!(render(&ro).contains("read-only mode: stopping a session is refused"));
}

#[test]
fn l_shows_a_session_s_log_tail_from_the_list_and_from_its_screen() {
    let mut state = loaded();
    command(&mut state, ":sessions");
    sessions_arrive(&mut state, vec![session("HEALTHY", 30, 4)]);
    let effects = key(&mut state, KeyCode::Char('l'));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Runtime(runtime::Job::LoadSessionLogs { session_id, .. }) if session_id == SESSION)),
        "{effects:?}"
    );
    let log = runtime::Msg::SessionLogsLoaded {
        session_id: SESSION.into(),
        result: Ok(vec![acc_backend::RuntimeLogLine {
            timestamp_ms: 43_200_000,
            stream: format!("2026/01/01/[runtime-logs]{SESSION}"),
            message: "the agent's last words".into(),
        }]),
        spans: Ok(Vec::new()),
    };
    update(&mut state, Action::Runtime(log));
    let screen = render(&state);
    assert!(screen.contains(&format!("session {SESSION}")), "{screen}");
    assert!(screen.contains("the agent's last words"), "{screen}");
    // On the session's screen, `l` reads the log again.
    let again = key(&mut state, KeyCode::Char('l'));
    assert!(
        again
            .iter()
            .any(|e| matches!(e, Effect::Runtime(runtime::Job::LoadSessionLogs { .. }))),
        "{again:?}"
    );
}

#[test]
fn i_continues_a_session_in_the_invoke_console() {
    let mut state = loaded();
    on_session_detail(&mut state, false);
    key(&mut state, KeyCode::Char('i'));
    let screen = render(&state);
    assert!(screen.contains("payload → concierge_agent"), "{screen}");
    assert!(screen.contains(SESSION), "{screen}");
    // Sending continues it.
    let effects = ctrl(&mut state, 's');
    assert!(
        matches!(effects.as_slice(), [Effect::Runtime(runtime::Job::Invoke { session: Some(s), .. })] if s == SESSION),
        "{effects:?}"
    );
}

#[test]
fn an_error_stays_with_the_screen_that_raised_it() {
    let mut state = loaded();
    command(&mut state, ":rt");
    let denied = "AccessDeniedException: ListAgentRuntimes is not allowed";
    update(
        &mut state,
        Action::Runtime(runtime::Msg::RuntimesLoaded(Err(denied.into()))),
    );
    sessions_arrive(&mut state, Vec::new());
    assert!(render(&state).contains(denied));
    // It does not follow the user to the sessions, nor to the gateways.
    command(&mut state, ":sessions");
    assert!(!render(&state).contains(denied), "{}", render(&state));
    command(&mut state, ":gw");
    assert!(!render(&state).contains(denied), "{}", render(&state));
    // Back on the runtimes it is still the runtimes' problem …
    command(&mut state, ":rt");
    assert!(render(&state).contains(denied));
    // … until the runtimes list again.
    runtimes_arrive(&mut state, vec![runtime_with("READY")]);
    let screen = render(&state);
    assert!(!screen.contains(denied), "{screen}");
    assert!(screen.contains("concierge_agent"));
}

#[test]
fn a_listing_that_failed_is_not_polled_so_its_error_does_not_come_back() {
    let mut state = loaded();
    command(&mut state, ":rt");
    update(
        &mut state,
        Action::Runtime(runtime::Msg::RuntimesLoaded(Err("denied".into()))),
    );
    sessions_arrive(&mut state, Vec::new());
    assert!(state.message.is_some());
    key(&mut state, KeyCode::Esc);
    assert!(state.message.is_none(), "esc dismissed it");
    let later = ticks(&mut state, 10 * RUNTIMES_POLL_TICKS);
    assert_eq!(count(&later, &LOAD_RUNTIMES), 0, "{later:?}");
    assert!(state.message.is_none(), "{:?}", state.message);
    // ctrl-r asks again.
    let retried = ctrl(&mut state, 'r');
    assert_eq!(count(&retried, &LOAD_RUNTIMES), 1, "{retried:?}");
}

#[test]
fn a_later_success_of_the_same_load_clears_its_error_only() {
    let mut state = loaded();
    on_runtimes(&mut state);
    update(
        &mut state,
        Action::Runtime(runtime::Msg::SessionsLoaded(Err(
            "listing sessions: connection refused".into(),
        ))),
    );
    assert!(render(&state).contains("connection refused"));
    // The runtimes listing worked: that says nothing of the sessions.
    runtimes_arrive(&mut state, vec![runtime_with("READY")]);
    assert!(render(&state).contains("connection refused"));
    sessions_arrive(&mut state, Vec::new());
    assert!(!render(&state).contains("connection refused"));
}

#[test]
fn a_message_raised_by_moving_goes_with_the_move() {
    let mut state = loaded();
    on_runtimes(&mut state);
    // An error parked with the runtimes of this context …
    let failed = runtime::Msg::SessionsLoaded(Err("old context's error".into()));
    update(&mut state, Action::Runtime(failed));
    command(&mut state, ":gw");
    update(
        &mut state,
        Action::ContextSwitched(ContextInfo {
            kind: ContextKind::Local,
            name: "other".into(),
            region: None,
            endpoint: "http://127.0.0.1:4578".into(),
        }),
    );
    assert!(render(&state).contains("switched to"));
    // … is forgotten with it.
    command(&mut state, ":rt");
    assert!(!render(&state).contains("old context's error"));
}

#[test]
fn a_runtime_is_deleted_after_asking_and_read_only_refuses() {
    let mut state = loaded();
    on_runtimes(&mut state);
    assert!(ctrl(&mut state, 'd').is_empty());
    assert!(render(&state).contains(" Delete runtime "));
    let effects = key(&mut state, KeyCode::Char('y'));
    let delete = Effect::Runtime(runtime::Job::DeleteRuntime {
        runtime_id: "concierge_agent-k2j4h6g8f0".into(),
    });
    assert_eq!(effects, vec![delete], "{effects:?}");
    // Deleted: the list is read again.
    let deleted = runtime::Msg::RuntimeDeleted {
        runtime_id: "concierge_agent-k2j4h6g8f0".into(),
        result: Ok(()),
    };
    let effects = update(&mut state, Action::Runtime(deleted));
    assert_eq!(count(&effects, &LOAD_RUNTIMES), 1, "{effects:?}");
    assert!(render(&state).contains("deleting runtime concierge_agent-k2j4h6g8f0"));
    // Read-only refuses, without asking.
    let mut ro = loaded();
    ro.readonly = true;
    on_runtimes(&mut ro);
    assert!(ctrl(&mut ro, 'd').is_empty());
    assert!(ro.overlay.is_none());
    assert!(render(&ro).contains("read-only mode: deleting a runtime is refused"));
}

const LOAD_GATEWAYS: Effect = Effect::Gateway(gateway::Job::LoadGateways);

fn load_targets() -> Effect {
    Effect::Gateway(gateway::Job::LoadTargets {
        gateway_id: GATEWAY.into(),
    })
}

#[test]
fn the_gateway_screens_show_changes_made_behind_the_console_s_back() {
    let mut state = loaded();
    let every = gateway::GATEWAYS_POLL_TICKS;
    // The gateways list asks again by itself, one listing at a time.
    let effects = ticks(&mut state, every + 1);
    assert_eq!(count(&effects, &LOAD_GATEWAYS), 1, "{effects:?}");
    let effects = ticks(&mut state, 3 * every);
    assert_eq!(count(&effects, &LOAD_GATEWAYS), 0, "one in flight");
    // A gateway created elsewhere (the CLI, the AWS console) shows.
    let mut made_elsewhere = state.gateway.list.loaded().unwrap().clone();
    made_elsewhere.push(Gateway {
        id: "made-elsewhere-0000000000".into(),
        name: "made-elsewhere".into(),
        status: "READY".into(),
        authorizer_type: "NONE".into(),
        ..Gateway::default()
    });
    update(
        &mut state,
        Action::Gateway(gateway::Msg::GatewaysLoaded(Ok(made_elsewhere.clone()))),
    );
    assert!(render(&state).contains("made-elsewhere"));
    // Its describe view asks again too.
    key(&mut state, KeyCode::Char('d'));
    let effects = ticks(&mut state, every + 1);
    assert_eq!(count(&effects, &LOAD_GATEWAYS), 1, "{effects:?}");
    update(
        &mut state,
        Action::Gateway(gateway::Msg::GatewaysLoaded(Ok(made_elsewhere))),
    );
    // The targets of a gateway: a target added elsewhere shows.
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Enter);
    let targets = |names: &[&str]| -> Vec<acc_domain::Target> {
        names
            .iter()
            .map(|n| acc_domain::Target {
                id: format!("{n}-id"),
                gateway_id: GATEWAY.into(),
                name: (*n).into(),
                description: None,
                status: "READY".into(),
                status_reasons: Vec::new(),
                target_type: acc_domain::TargetType::Lambda,
                endpoint: None,
                tools: Vec::new(),
                tools_note: None,
                created_at: None,
                updated_at: None,
            })
            .collect()
    };
    let arrive = |state: &mut AppState, names: &[&str]| {
        update(
            state,
            Action::Gateway(gateway::Msg::TargetsLoaded {
                gateway_id: GATEWAY.into(),
                result: Ok(targets(names)),
            }),
        );
    };
    arrive(&mut state, &["crm"]);
    let effects = ticks(&mut state, every + 1);
    assert_eq!(count(&effects, &load_targets()), 1, "{effects:?}");
    let effects = ticks(&mut state, 3 * every);
    assert_eq!(count(&effects, &load_targets()), 0, "one in flight");
    arrive(&mut state, &["crm", "added-later"]);
    assert!(render(&state).contains("added-later"));
}
