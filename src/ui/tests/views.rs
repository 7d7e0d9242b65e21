//! Snapshots of the main views on ratatui's TestBackend. State is driven
//! through `update` with the same actions the runtime sends, so these also
//! pin navigation, filtering and overlays.

mod common;

use acc_backend::{ContextInfo, ContextKind};
use acc_domain::{Gateway, PolicyEngineAttachment, Target, TargetType, Tool};
use acc_ui::features::{context, gateway, policy, runtime};
use acc_ui::shell::{Action, AppState, Effect, start, update};
use acc_ui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

const W: u16 = 120;
const H: u16 = 30;

fn context() -> ContextInfo {
    ContextInfo {
        kind: ContextKind::Local,
        name: "local".into(),
        region: Some("us-east-1".into()),
        endpoint: "http://127.0.0.1:4577".into(),
    }
}

fn gateways() -> Vec<Gateway> {
    vec![
        Gateway {
            id: "orbit-hub-k3j9x0a1b2".into(),
            name: "orbit-hub".into(),
            arn: Some(
                "arn:aws:bedrock-agentcore:us-east-1:000000000000:gateway/orbit-hub-k3j9x0a1b2"
                    .into(),
            ),
            description: Some("Front door for the support agents".into()),
            status: "READY".into(),
            authorizer_type: "CUSTOM_JWT".into(),
            discovery_url: Some("http://127.0.0.1:9999/.well-known/openid-configuration".into()),
            allowed_audiences: vec!["orbit-agents".into()],
            protocol_type: "MCP".into(),
            search_type: Some("SEMANTIC".into()),
            url: Some("http://127.0.0.1:4577/gateways/orbit-hub-k3j9x0a1b2/mcp".into()),
            policy_engine: Some(PolicyEngineAttachment {
                arn: "arn:aws:bedrock-agentcore:us-east-1:000000000000:policy-engine/orbit-guard"
                    .into(),
                mode: "LOG_ONLY".into(),
            }),
            target_count: Some(2),
            ..Gateway::default()
        },
        Gateway {
            id: "lab-tenant-zz0011aabb".into(),
            name: "lab-tenant".into(),
            status: "CREATING".into(),
            authorizer_type: "NONE".into(),
            protocol_type: "MCP".into(),
            target_count: Some(0),
            ..Gateway::default()
        },
    ]
}

fn targets() -> Vec<Target> {
    let lookup = Tool::from_target(
        "billing",
        "lookup_invoice",
        "Find an invoice by number",
        json!({"type": "object", "required": ["number"], "properties": {
            "number": {"type": "string", "description": "Invoice number"},
            "include": {"type": "array", "items": {"type": "string", "enum": ["lines", "payments"]}},
            "currency": {"type": "string", "enum": ["EUR", "USD"]},
            "window": {"type": "object", "properties": {"from": {"type": "string", "format": "date"}}}
        }}),
    );
    let refund = Tool::from_target(
        "billing",
        "issue_refund",
        "Refund part of an invoice",
        json!({"type": "object"}),
    );
    let page = Tool::from_target(
        "pager",
        "page_oncall",
        "Page the on-call engineer",
        json!({"type": "object"}),
    );
    vec![
        Target {
            id: "BILL000001".into(),
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            name: "billing".into(),
            description: None,
            status: "READY".into(),
            status_reasons: vec![],
            target_type: TargetType::Lambda,
            endpoint: Some("arn:aws:lambda:us-east-1:000000000000:function:billing".into()),
            tools: vec![lookup, refund],
            tools_note: None,
            created_at: None,
            updated_at: None,
        },
        Target {
            id: "PAGE000001".into(),
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            name: "pager".into(),
            description: None,
            status: "READY".into(),
            status_reasons: vec![],
            target_type: TargetType::OpenApi,
            endpoint: None,
            tools: vec![page],
            tools_note: None,
            created_at: None,
            updated_at: None,
        },
    ]
}

/// A state that has loaded the demo data, as the runtime would.
fn loaded(readonly: bool) -> AppState {
    loaded_in(readonly, Theme::dark())
}

/// [`loaded`] in `theme`.
fn loaded_in(readonly: bool, theme: Theme) -> AppState {
    let mut state = AppState::new(context(), readonly, theme, (W, H));
    let effects = start(&mut state);
    assert_eq!(effects, vec![Effect::Gateway(gateway::Job::LoadGateways)]);
    update(
        &mut state,
        Action::Gateway(gateway::Msg::GatewaysLoaded(Ok(gateways()))),
    );
    state
}

fn key(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn keys(state: &mut AppState, text: &str) {
    for c in text.chars() {
        key(state, KeyCode::Char(c));
    }
}

fn render(state: &AppState) -> String {
    render_at(state, W, H)
}

/// The screen drawn at `width`×`height`, as text.
fn render_at(state: &AppState, width: u16, height: u16) -> String {
    common::screen_text(state, width, height)
}

fn open_tools(state: &mut AppState) {
    let effects = key(state, KeyCode::Char('t'));
    assert_eq!(effects.len(), 2, "{effects:?}");
    assert_eq!(
        effects[0],
        Effect::Gateway(gateway::Job::LoadTargets {
            gateway_id: "orbit-hub-k3j9x0a1b2".into()
        })
    );
    assert!(
        matches!(&effects[1], Effect::Gateway(gateway::Job::LoadMcpCatalog { gateway }) if gateway.id == "orbit-hub-k3j9x0a1b2"),
        "the catalog is listed through MCP: {effects:?}"
    );
    update(
        state,
        Action::Gateway(gateway::Msg::TargetsLoaded {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            result: Ok(targets()),
        }),
    );
}

#[test]
fn gateways_list() {
    insta::assert_snapshot!(render(&loaded(false)));
}

#[test]
fn loading_shows_progress() {
    let mut state = AppState::new(context(), true, Theme::dark(), (W, H));
    start(&mut state);
    for _ in 0..12 {
        update(&mut state, Action::Tick);
    }
    let screen = render(&state);
    assert!(screen.contains("loading gateways… 1.2s"), "{screen}");
    assert!(screen.contains("READ-ONLY"));
}

#[test]
fn gateway_describe() {
    let mut state = loaded(false);
    key(&mut state, KeyCode::Char('d'));
    insta::assert_snapshot!(render(&state));
}

#[test]
fn targets_list() {
    let mut state = loaded(false);
    key(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Action::Gateway(gateway::Msg::TargetsLoaded {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            result: Ok(targets()),
        }),
    );
    insta::assert_snapshot!(render(&state));
}

#[test]
fn tool_catalog_and_schema_tree() {
    let mut state = loaded(false);
    open_tools(&mut state);
    insta::assert_snapshot!("tool_catalog", render(&state));
    keys(&mut state, "j");
    key(&mut state, KeyCode::Enter);
    insta::assert_snapshot!("tool_schema", render(&state));
}

#[test]
fn filter_narrows_and_inverts_then_esc_clears() {
    let mut state = loaded(false);
    open_tools(&mut state);
    key(&mut state, KeyCode::Char('/'));
    keys(&mut state, "refund");
    key(&mut state, KeyCode::Enter);
    let screen = render(&state);
    assert!(
        screen.contains("billing___issue_refund") && !screen.contains("pager___page_oncall"),
        "{screen}"
    );
    assert!(screen.contains("[1/3]"));
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Char('/'));
    keys(&mut state, "!refund");
    key(&mut state, KeyCode::Enter);
    let screen = render(&state);
    assert!(
        !screen.contains("billing___issue_refund") && screen.contains("pager___page_oncall"),
        "{screen}"
    );
    key(&mut state, KeyCode::Esc);
    assert!(render(&state).contains("[3]"));
    key(&mut state, KeyCode::Esc);
    assert!(
        render(&state).contains("gateways [2]"),
        "esc goes back along the breadcrumbs"
    );
}

#[test]
fn palette_suggests_and_navigates() {
    let mut state = loaded(false);
    key(&mut state, KeyCode::Char(':'));
    keys(&mut state, "t");
    insta::assert_snapshot!(render(&state));
    keys(&mut state, "ools orbit-hub");
    let effects = key(&mut state, KeyCode::Enter);
    assert_eq!(
        effects[..1],
        vec![Effect::Gateway(gateway::Job::LoadTargets {
            gateway_id: "orbit-hub-k3j9x0a1b2".into()
        })]
    );
    assert!(render(&state).contains("gateways › orbit-hub › tools"));
    key(&mut state, KeyCode::Char(':'));
    keys(&mut state, "nope");
    key(&mut state, KeyCode::Enter);
    assert!(render(&state).contains("error: unknown command `nope`"));
}

#[test]
fn help_is_generated_from_bindings() {
    let mut state = loaded(false);
    key(&mut state, KeyCode::Char('?'));
    insta::assert_snapshot!(render(&state));
}

#[test]
fn delete_asks_first_and_readonly_refuses() {
    let mut state = loaded(false);
    let ctrl_d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
    assert!(update(&mut state, Action::Key(ctrl_d)).is_empty());
    insta::assert_snapshot!(render(&state));
    let effects = key(&mut state, KeyCode::Char('y'));
    assert_eq!(
        effects,
        vec![Effect::Gateway(gateway::Job::DeleteGateway {
            id: "orbit-hub-k3j9x0a1b2".into(),
            name: "orbit-hub".into()
        })]
    );

    let mut ro = loaded(true);
    assert!(update(&mut ro, Action::Key(ctrl_d)).is_empty());
    let screen = render(&ro);
    assert!(
        screen.contains("read-only mode: delete refused"),
        "{screen}"
    );
    let after = key(&mut ro, KeyCode::Char('y'));
    assert!(
        after.iter().all(|e| !e.is_write()),
        "no dialog was opened, so y only copies: {after:?}"
    );
    assert!(ro.overlay.is_none());
}

#[test]
fn copy_yields_the_selected_item_as_json() {
    let mut state = loaded(false);
    let effects = key(&mut state, KeyCode::Char('y'));
    let [Effect::Copy(text)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(value["name"], "orbit-hub");
}

#[test]
fn failures_show_and_dismiss() {
    let mut state = AppState::new(context(), false, Theme::dark(), (W, H));
    start(&mut state);
    update(
        &mut state,
        Action::Gateway(gateway::Msg::GatewaysLoaded(Err(
            "ListGateways failed: dispatch failure — is a platform listening?".into(),
        ))),
    );
    let screen = render(&state);
    assert!(screen.contains("error: ListGateways failed"), "{screen}");
    key(&mut state, KeyCode::Esc);
    assert!(!render(&state).contains("error: ListGateways"));
}

#[test]
fn ten_thousand_tools_scroll_to_the_end() {
    let mut state = loaded(false);
    let many: Vec<Tool> = (0..10_000)
        .map(|i| {
            Tool::from_target(
                "bulk",
                &format!("tool_{i:05}"),
                "generated",
                json!({"type": "object"}),
            )
        })
        .collect();
    let mut target = targets().remove(0);
    target.tools = many;
    key(&mut state, KeyCode::Char('t'));
    update(
        &mut state,
        Action::Gateway(gateway::Msg::TargetsLoaded {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            result: Ok(vec![target]),
        }),
    );
    key(&mut state, KeyCode::End);
    let screen = render(&state);
    assert!(screen.contains("bulk___tool_09999"), "{screen}");
    assert!(screen.contains("[10000]"));
    let mouse = ratatui::crossterm::event::MouseEvent {
        kind: ratatui::crossterm::event::MouseEventKind::ScrollUp,
        column: 5,
        row: 5,
        modifiers: KeyModifiers::NONE,
    };
    update(&mut state, Action::Mouse(mouse));
    assert_eq!(state.screen().cursor.selected, 9_996);
}

#[test]
fn transitional_statuses_are_polled_until_they_settle() {
    let mut state = loaded(false);
    // lab-tenant is CREATING: a reload is due after a second of ticks.
    let mut effects = Vec::new();
    for _ in 0..10 {
        effects = update(&mut state, Action::Tick);
    }
    assert_eq!(effects, vec![Effect::Gateway(gateway::Job::LoadGateways)]);
    let mut settled = gateways();
    settled[1].status = "READY".into();
    update(
        &mut state,
        Action::Gateway(gateway::Msg::GatewaysLoaded(Ok(settled))),
    );
    // Settled: back to the list's own pace, not every second.
    let quick: Vec<Effect> = (0..10)
        .flat_map(|_| update(&mut state, Action::Tick))
        .collect();
    assert!(quick.is_empty(), "{quick:?}");
    let paced: Vec<Effect> = (0..gateway::GATEWAYS_POLL_TICKS)
        .flat_map(|_| update(&mut state, Action::Tick))
        .collect();
    assert_eq!(paced, vec![Effect::Gateway(gateway::Job::LoadGateways)]);
}

#[test]
fn a_command_naming_a_gateway_waits_for_the_gateways_to_load() {
    let mut state = AppState::new(context(), false, Theme::dark(), (W, H));
    start(&mut state);
    key(&mut state, KeyCode::Char(':'));
    keys(&mut state, "targets lab-tenant");
    assert!(
        key(&mut state, KeyCode::Enter).is_empty(),
        "the gateway load is already in flight"
    );
    assert!(render(&state).contains("waiting for gateways to load"));
    let effects = update(
        &mut state,
        Action::Gateway(gateway::Msg::GatewaysLoaded(Ok(gateways()))),
    );
    assert_eq!(
        effects,
        vec![Effect::Gateway(gateway::Job::LoadTargets {
            gateway_id: "lab-tenant-zz0011aabb".into()
        })]
    );
    assert!(render(&state).contains("gateways › lab-tenant › targets"));
}

/// The gateway's MCP listing: the search tool plus every declared tool but
/// the last, which only the targets' schemas know.
fn mcp_listing(state: &AppState) -> acc_backend::McpCatalog {
    let declared: Vec<Tool> = state
        .gateway
        .catalog_tools("orbit-hub-k3j9x0a1b2")
        .cloned()
        .collect();
    let mut tools = vec![Tool {
        qualified_name: "x_amz_bedrock_agentcore_search".into(),
        target: String::new(),
        name: "x_amz_bedrock_agentcore_search".into(),
        description: "Find tools for a task (lexical ranking)".into(),
        input_schema: json!({"type": "object", "required": ["query"], "properties": {"query": {"type": "string"}}}),
        source: acc_domain::ToolSource::Mcp,
    }];
    tools.extend(declared[..declared.len() - 1].iter().cloned().map(|mut t| {
        t.source = acc_domain::ToolSource::Mcp;
        t
    }));
    acc_backend::McpCatalog {
        tools,
        pages: 1,
        has_search_tool: true,
    }
}

fn with_mcp_catalog() -> AppState {
    let mut state = loaded(false);
    open_tools(&mut state);
    let catalog = mcp_listing(&state);
    update(
        &mut state,
        Action::Gateway(gateway::Msg::McpCatalogLoaded {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            result: Ok(catalog),
        }),
    );
    state
}

#[test]
fn mcp_catalog_marks_sources_and_search_ranks() {
    let mut state = with_mcp_catalog();
    insta::assert_snapshot!("mcp_catalog", render(&state));
    key(&mut state, KeyCode::Char('s'));
    for c in "ticket".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    let effects = key(&mut state, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::Gateway(gateway::Job::SearchTools { query, .. })] if query == "ticket"),
        "{effects:?}"
    );
    let last = state
        .gateway
        .catalog_tools("orbit-hub-k3j9x0a1b2")
        .last()
        .unwrap()
        .qualified_name
        .clone();
    update(
        &mut state,
        Action::Gateway(gateway::Msg::ToolsFound {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            query: "ticket".into(),
            result: Ok(vec![last.clone()]),
        }),
    );
    let screen = render(&state);
    assert!(screen.contains("search \"ticket\": 1 hits"), "{screen}");
    assert!(screen.contains(&last), "{screen}");
}

#[test]
fn call_dialog_validates_then_shows_the_exchange() {
    let mut state = with_mcp_catalog();
    // The second tool after the search tool: billing___lookup_invoice.
    keys(&mut state, "jj");
    assert!(key(&mut state, KeyCode::Char('c')).is_empty());
    let before = render(&state);
    assert!(before.contains("arguments · form"), "{before}");
    // Sending with a required field empty is refused locally.
    let effects = update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    assert!(effects.is_empty(), "nothing is sent: {effects:?}");
    let form = state.gateway.call.clone().unwrap();
    assert!(!form.problems.is_empty(), "the problems are listed");
    insta::assert_snapshot!("call_dialog_problems", render(&state));

    let tool = form.tool.clone();
    // Fill every required string field through the form.
    let required: Vec<usize> = form
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.required)
        .map(|(i, _)| i)
        .collect();
    for i in required {
        state.gateway.call.as_mut().unwrap().focus = i;
        for c in "42".chars() {
            key(&mut state, KeyCode::Char(c));
        }
    }
    let effects = update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    let [Effect::Gateway(gateway::Job::CallTool { tool: sent, .. })] = &effects[..] else {
        panic!("one call is sent: {effects:?}");
    };
    assert_eq!(sent, &tool);
    update(
        &mut state,
        Action::Gateway(gateway::Msg::ToolCalled {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            tool: tool.clone(),
            result: Ok(Box::new(acc_domain::ToolCallReport {
                tool: tool.clone(),
                request: json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call"}),
                response: json!({"jsonrpc": "2.0", "id": 2, "result": {"content": [{"type": "text", "text": "{\"ok\":true}"}]}}),
                latency_ms: 3.25,
                content: vec![json!({"type": "text", "text": "{\"ok\":true}"})],
                structured_content: None,
                is_error: false,
                rpc_error: None,
                http: None,
            })),
        }),
    );
    insta::assert_snapshot!("call_dialog_result", render(&state));
    update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL)),
    );
    assert!(render(&state).contains("→ request"));
}

#[test]
fn calls_are_refused_read_only() {
    let mut state = loaded(true);
    open_tools(&mut state);
    let effects = key(&mut state, KeyCode::Char('c'));
    assert!(effects.is_empty());
    assert!(state.gateway.call.is_none());
    assert!(render(&state).contains("read-only mode: tool calls are refused"));
}

#[test]
fn captures_list_and_detail() {
    let mut state = loaded(false);
    let effects = key(&mut state, KeyCode::Char('c'));
    assert!(
        matches!(&effects[..], [Effect::Gateway(gateway::Job::LoadCaptures { gateway })] if gateway.id == "orbit-hub-k3j9x0a1b2"),
        "{effects:?}"
    );
    captures_loaded(&mut state);
    insta::assert_snapshot!("captures_list", render(&state));
    key(&mut state, KeyCode::Char('/'));
    for c in "denied".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    key(&mut state, KeyCode::Enter);
    let filtered = render(&state);
    assert!(
        filtered.contains("crm___delete_account") && !filtered.contains("crm___get_account"),
        "{filtered}"
    );
    key(&mut state, KeyCode::Enter);
    let detail = render(&state);
    assert!(detail.contains("\"sub\": \"support-triage\""), "{detail}");
    assert!(detail.contains("\"password\": \"****\""), "{detail}");
}

/// The rows' tools, top to bottom, as the captures list shows them.
fn capture_tools(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .filter_map(|l| l.split_whitespace().find(|w| w.contains("crm___")))
        .collect()
}

#[test]
fn captures_show_the_policy_decision_and_filter_by_outcome_and_decision() {
    let mut state = loaded(false);
    key(&mut state, KeyCode::Char('c'));
    captures_loaded(&mut state);
    let all = render(&state);
    assert!(all.contains("DECISION"), "{all}");
    let row = |screen: &str, tool: &str| {
        screen
            .lines()
            .find(|l| l.contains(tool))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        row(&all, "crm___get_account").contains("allow LOG_ONLY"),
        "{all}"
    );
    assert!(
        row(&all, "crm___delete_account").contains("deny ENFORCE"),
        "{all}"
    );
    assert!(
        row(&all, "crm___update_account").contains("deny LOG_ONLY"),
        "{all}"
    );
    assert!(
        row(&all, "crm___search_accounts").contains("  -  "),
        "{all}"
    );
    // o cycles the outcome: all → ok → tool_error → denied → all.
    key(&mut state, KeyCode::Char('o'));
    let ok = render(&state);
    assert!(ok.contains("<outcome:ok>"), "{ok}");
    assert_eq!(
        capture_tools(&ok),
        ["crm___get_account", "crm___update_account"]
    );
    key(&mut state, KeyCode::Char('o'));
    assert_eq!(capture_tools(&render(&state)), ["crm___search_accounts"]);
    key(&mut state, KeyCode::Char('o'));
    let denied = render(&state);
    assert!(denied.contains("<outcome:denied>"), "{denied}");
    assert_eq!(capture_tools(&denied), ["crm___delete_account"]);
    key(&mut state, KeyCode::Char('o'));
    let back = render(&state);
    assert!(!back.contains("<outcome:"), "{back}");
    assert_eq!(capture_tools(&back).len(), 4);
    // D cycles the decision: all → allow → deny → all; it combines with o.
    key(&mut state, KeyCode::Char('D'));
    assert_eq!(capture_tools(&render(&state)), ["crm___get_account"]);
    key(&mut state, KeyCode::Char('D'));
    let deny = render(&state);
    assert!(deny.contains("<decision:deny>"), "{deny}");
    assert_eq!(
        capture_tools(&deny),
        ["crm___delete_account", "crm___update_account"]
    );
    key(&mut state, KeyCode::Char('o'));
    let both = render(&state);
    assert!(
        both.contains("<outcome:ok>") && both.contains("<decision:deny>"),
        "{both}"
    );
    assert_eq!(capture_tools(&both), ["crm___update_account"]);
    // Nothing left: the list says which filters hide the calls.
    key(&mut state, KeyCode::Char('o'));
    let none = render(&state);
    assert!(
        none.contains("no captured calls match outcome:tool_error decision:deny"),
        "{none}"
    );
    // esc clears o and D first, then the screen is left as usual.
    key(&mut state, KeyCode::Esc);
    let cleared = render(&state);
    assert!(!cleared.contains("<outcome:") && !cleared.contains("<decision:"));
    assert_eq!(capture_tools(&cleared).len(), 4);
    // `/` matches the tool and the caller (and the other columns).
    keys(&mut state, "/support");
    key(&mut state, KeyCode::Enter);
    let by_caller = render(&state);
    assert_eq!(capture_tools(&by_caller).len(), 2, "{by_caller}");
    key(&mut state, KeyCode::Esc);
    keys(&mut state, "/search");
    key(&mut state, KeyCode::Enter);
    assert_eq!(capture_tools(&render(&state)), ["crm___search_accounts"]);
}

/// Four captured calls of orbit-hub arrive: allowed (LOG_ONLY), denied
/// (ENFORCE), one no engine decided, and one LOG_ONLY let through a deny.
fn captures_loaded(state: &mut AppState) {
    let call = |tool: &str, sub: &str, outcome: &str, ms: f64, policy: Option<(&str, &str)>| {
        let mut call = json!({"time": "2026-11-22T10:00:00.000Z", "captureId": format!("c-{tool}"), "gatewayId": "orbit-hub-k3j9x0a1b2",
               "target": "crm", "tool": tool, "caller": {"kind": "oauth_user", "sub": sub, "claims": {"department": "sales"}},
               "arguments": {"account_id": "acc-1", "password": "****"}, "outcome": outcome, "latencyMs": ms, "traceId": "1-abc"});
        if let Some((decision, mode)) = policy {
            call["policy"] = json!({"engineArn": "arn:aws:bedrock-agentcore:us-east-1:000000000000:policy-engine/orbit-guard",
                "mode": mode, "decision": decision, "determiningPolicies": []});
        }
        call
    };
    let calls = vec![
        call(
            "crm___get_account",
            "sales-copilot",
            "ok",
            4.2,
            Some(("allow", "LOG_ONLY")),
        ),
        call(
            "crm___delete_account",
            "support-triage",
            "denied",
            0.8,
            Some(("deny", "ENFORCE")),
        ),
        call(
            "crm___search_accounts",
            "sales-copilot",
            "tool_error",
            12.0,
            None,
        ),
        call(
            "crm___update_account",
            "support-triage",
            "ok",
            3.1,
            Some(("deny", "LOG_ONLY")),
        ),
    ];
    update(
        state,
        Action::Gateway(gateway::Msg::CapturesLoaded {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            result: Ok(acc_ui::features::gateway::capture_list::CaptureList::of(
                &calls, None,
            )),
        }),
    );
}

/// The policy studio's data for orbit-hub: two tools, one policy.
fn studio_data() -> acc_ui::features::policy::studio::StudioData {
    use acc_domain::cedar_model::schema::gateway_schema;
    use acc_domain::cedar_model::templates::templates;
    let tools = vec![
        Tool {
            qualified_name: "billing___refund".into(),
            target: "billing".into(),
            name: "refund".into(),
            description: "Refund an order".into(),
            input_schema: json!({ "type": "object", "required": ["amount"], "properties": {
                "amount": { "type": "integer" }, "reason": { "type": "string" } } }),
            source: acc_domain::ToolSource::Mcp,
        },
        Tool {
            qualified_name: "billing___get_invoice".into(),
            target: "billing".into(),
            name: "get_invoice".into(),
            description: "Read an invoice".into(),
            input_schema: json!({ "type": "object", "properties": { "id": { "type": "string" } } }),
            source: acc_domain::ToolSource::Mcp,
        },
    ];
    let policy = acc_domain::Policy {
        id: "small_refunds-a1b2c3d4e5".into(),
        name: "small_refunds".into(),
        engine_id: "orbit-guard".into(),
        status: "ACTIVE".into(),
        status_reasons: Vec::new(),
        enforcement_mode: "ACTIVE".into(),
        statement: "// Support refunds small amounts\npermit (\n  principal is AgentCore::OAuthUser,\n  action == AgentCore::Action::\"billing___refund\",\n  resource\n)\nwhen {\n  principal.hasTag(\"role\") &&\n  principal.getTag(\"role\") == \"support\" &&\n  context.input.amount < 100\n};".into(),
        description: None,
    };
    acc_ui::features::policy::studio::StudioData {
        engine_id: "orbit-guard".into(),
        engine_name: "orbit_guard".into(),
        mode: "LOG_ONLY".into(),
        schema: gateway_schema(&tools).unwrap(),
        templates: templates(
            &tools,
            "arn:aws:bedrock-agentcore:us-east-1:000000000000:gateway/orbit-hub-k3j9x0a1b2",
        ),
        policies: vec![policy],
        tools,
    }
}

/// Validation timings vary run to run.
fn without_timings(screen: &str) -> String {
    let mut out = String::new();
    for line in screen.lines() {
        let mut line = line.to_owned();
        while let Some(ms) = line.find(" ms") {
            let start = line[..ms]
                .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
                .map_or(0, |i| i + 1);
            // Same width, so the padding after it does not depend on the
            // number of digits (a loaded machine takes longer).
            let width = line[start..ms + 3].chars().count();
            line.replace_range(start..ms + 3, &format!("#{}", " ".repeat(width - 1)));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The editor's text rows with their colours: runs of one foreground
/// colour as `[colour]text`, so highlighting and problem marks show.
fn styled_rows(state: &AppState, rows: std::ops::Range<u16>) -> String {
    let buffer = common::draw_at(state, W, H);
    let mut out = String::new();
    for y in rows {
        let mut current = None;
        let mut line = String::new();
        for x in 1..80 {
            let cell = &buffer[(x, y)];
            if current != Some(cell.fg) && !cell.symbol().trim().is_empty() {
                current = Some(cell.fg);
                line.push_str(&format!("[{:?}]", cell.fg));
            }
            line.push_str(cell.symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// orbit-hub's policy studio data arrives.
fn studio_loaded(state: &mut AppState) {
    update(
        state,
        Action::Policy(policy::Msg::PolicyStudioLoaded {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            result: Ok(Box::new(studio_data())),
        }),
    );
}

fn open_policy_editor(state: &mut AppState) {
    let effects = key(state, KeyCode::Char('p'));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Policy(policy::Job::LoadPolicyStudio { .. })]
        ),
        "{effects:?}"
    );
    studio_loaded(state);
    key(state, KeyCode::Enter);
    // The first validation runs on the next tick.
    update(state, Action::Tick);
}

#[test]
fn policy_editor_highlights_cedar() {
    let mut state = loaded(false);
    open_policy_editor(&mut state);
    insta::assert_snapshot!(without_timings(&render(&state)));
    insta::assert_snapshot!(styled_rows(&state, 3..14));
}

#[test]
fn policy_editor_marks_problems_inline_and_lists_them() {
    let mut state = loaded(false);
    open_policy_editor(&mut state);
    // Line 10: `context.input.amount < 100` → a misspelt attribute.
    for _ in 0..9 {
        key(&mut state, KeyCode::Down);
    }
    key(&mut state, KeyCode::End);
    for _ in 0..12 {
        key(&mut state, KeyCode::Backspace);
    }
    keys(&mut state, "amout < 100");
    // Debounced: nothing re-validates until the typing pauses.
    update(&mut state, Action::Tick);
    assert!(!render(&state).contains("error(s)"));
    for _ in 0..3 {
        update(&mut state, Action::Tick);
    }
    let screen = without_timings(&render(&state));
    assert!(screen.contains("1 error(s)"), "{screen}");
    insta::assert_snapshot!(screen);
    insta::assert_snapshot!(styled_rows(&state, 12..14));
    // ctrl-n jumps to the problem: typing lands there.
    key(&mut state, KeyCode::Up);
    key(&mut state, KeyCode::Up);
    update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)),
    );
    let editor = state.policy.editor.as_ref().unwrap();
    assert_eq!(editor.text.cursor().0 + 1, editor.diagnostics[0].line);
}

fn ctrl(state: &mut AppState, c: char) -> Vec<Effect> {
    update(
        state,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

#[test]
fn push_and_mode_ask_first_and_readonly_refuses() {
    let mut ro = loaded(true);
    open_policy_editor(&mut ro);
    assert!(ctrl(&mut ro, 'p').is_empty());
    assert!(ro.overlay.is_none());
    let refused = render(&ro);
    assert!(
        refused.contains("read-only mode: pushing a policy is refused"),
        "{refused}"
    );

    let mut rw = loaded(false);
    open_policy_editor(&mut rw);
    assert!(
        ctrl(&mut rw, 'p').is_empty(),
        "nothing is pushed before the answer"
    );
    let asked = render(&rw);
    assert!(
        asked.contains("UpdatePolicy small_refunds in engine orbit_guard"),
        "{asked}"
    );
    let effects = key(&mut rw, KeyCode::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::Policy(policy::Job::PushPolicy { name, statement, .. })]
            if name == "small_refunds" && statement.contains("context.input.amount < 100")),
        "{effects:?}"
    );

    // Back on the policies list, `m` switches the engine after a yes.
    key(&mut rw, KeyCode::Esc);
    assert!(key(&mut rw, KeyCode::Char('m')).is_empty());
    assert!(render(&rw).contains("switch orbit-hub to ENFORCE?"));
    assert!(key(&mut rw, KeyCode::Char('n')).is_empty());
    assert!(rw.overlay.is_none());
    key(&mut rw, KeyCode::Char('m'));
    let effects = key(&mut rw, KeyCode::Char('y'));
    assert_eq!(
        effects,
        vec![Effect::Policy(policy::Job::SetPolicyMode {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            mode: "ENFORCE".into()
        })]
    );
}

fn demo_runtimes() -> Vec<acc_domain::AgentRuntime> {
    vec![
        acc_domain::AgentRuntime {
            id: "concierge_agent-k2j4h6g8f0".into(),
            arn: "arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/concierge_agent-k2j4h6g8f0".into(),
            name: "concierge_agent".into(),
            latest_version: "2".into(),
            status: "READY".into(),
            artifact: "oci-archive:/images/concierge-arm64.tar".into(),
            idle_timeout_s: Some(900),
            max_lifetime_s: Some(28_800),
            endpoints: vec![
                acc_domain::RuntimeEndpoint {
                    name: "DEFAULT".into(),
                    target_version: Some("2".into()),
                    live_version: Some("2".into()),
                    status: "READY".into(),
                },
                acc_domain::RuntimeEndpoint {
                    name: "stable".into(),
                    target_version: Some("1".into()),
                    live_version: Some("1".into()),
                    status: "READY".into(),
                },
            ],
            inbound_auth: "CUSTOM_JWT".into(),
            discovery_url: Some("https://idp.example.com/.well-known/openid-configuration".into()),
            ..Default::default()
        },
        acc_domain::AgentRuntime {
            id: "dev_loop-a1a1a1a1a1".into(),
            arn: "arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/dev_loop-a1a1a1a1a1".into(),
            name: "dev_loop".into(),
            latest_version: "1".into(),
            status: "CREATING".into(),
            artifact: "native:python3 agent.py".into(),
            ..Default::default()
        },
    ]
}

fn demo_sessions() -> Vec<acc_domain::RuntimeSession> {
    let session =
        |id: &str, state: &str, age: i64, idle: i64, calls: u64| acc_domain::RuntimeSession {
            runtime_session_id: id.into(),
            agent_runtime_id: "concierge_agent-k2j4h6g8f0".into(),
            endpoint: "DEFAULT".into(),
            version: "2".into(),
            execution: "emulated".into(),
            state: state.into(),
            age_seconds: age,
            idle_seconds: idle,
            invocations: calls,
            cpu_seconds: Some(0.42),
            memory_bytes: Some(12 * 1_048_576),
            ..Default::default()
        };
    vec![
        session(
            "runaway-0123456789-0123456789-0123456789",
            "BUSY",
            4000,
            900,
            57,
        ),
        session(
            "fresh-0123456789-0123456789-0123456789",
            "HEALTHY",
            12,
            3,
            1,
        ),
        session(
            "ended-0123456789-0123456789-0123456789",
            "STOPPED",
            600,
            320,
            4,
        ),
    ]
}

/// `:rt`: the runtimes and their sessions are asked for.
fn open_runtimes(state: &mut AppState) {
    keys(state, ":rt");
    let effects = key(state, KeyCode::Enter);
    assert!(
        effects.contains(&Effect::Runtime(runtime::Job::LoadRuntimes)),
        "{effects:?}"
    );
    assert!(
        effects.contains(&Effect::Runtime(runtime::Job::LoadSessions)),
        "{effects:?}"
    );
}

fn on_runtimes(state: &mut AppState) {
    open_runtimes(state);
    update(
        state,
        Action::Runtime(runtime::Msg::RuntimesLoaded(Ok(demo_runtimes()))),
    );
    update(
        state,
        Action::Runtime(runtime::Msg::SessionsLoaded(Ok(demo_sessions()))),
    );
}

#[test]
fn runtimes_and_sessions() {
    let mut state = loaded(false);
    on_runtimes(&mut state);
    insta::assert_snapshot!(render(&state));
    keys(&mut state, ":sessions");
    key(&mut state, KeyCode::Enter);
    insta::assert_snapshot!(render(&state));
    // `s` sorts by idle time: the runaway first.
    key(&mut state, KeyCode::Char('s'));
    let screen = render(&state);
    let runaway = screen.find("runaway-").unwrap();
    let fresh = screen.find("fresh-").unwrap();
    assert!(runaway < fresh, "{screen}");
    // Stopping (the top row) asks first.
    key(&mut state, KeyCode::Char('g'));
    assert!(ctrl(&mut state, 'd').is_empty());
    assert!(render(&state).contains(" Stop session "));
    assert!(
        matches!(&state.overlay, Some(acc_ui::shell::Overlay::Confirm(c)) if c.question.contains("runaway-")),
        "{:?}",
        state.overlay
    );
    let effects = key(&mut state, KeyCode::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::Runtime(runtime::Job::StopSession { session_id, .. })] if session_id.starts_with("runaway-")),
        "{effects:?}"
    );
    // The list refreshes by itself while shown, once the listing it asked
    // for has arrived (a slow one is not stacked upon).
    let mut waiting = Vec::new();
    for _ in 0..acc_ui::features::runtime::sessions::SESSIONS_REFRESH_TICKS {
        waiting.extend(update(&mut state, Action::Tick));
    }
    assert!(
        !waiting.contains(&Effect::Runtime(runtime::Job::LoadSessions)),
        "{waiting:?}"
    );
    update(
        &mut state,
        Action::Runtime(runtime::Msg::SessionsLoaded(Ok(demo_sessions()))),
    );
    let mut refreshed = Vec::new();
    for _ in 0..acc_ui::features::runtime::sessions::SESSIONS_REFRESH_TICKS {
        refreshed.extend(update(&mut state, Action::Tick));
    }
    assert!(
        refreshed.contains(&Effect::Runtime(runtime::Job::LoadSessions)),
        "{refreshed:?}"
    );
}

#[test]
fn a_session_shows_its_lifecycle_invocations_and_log() {
    let mut state = loaded(false);
    on_runtimes(&mut state);
    let mut sessions = demo_sessions();
    let sessions_ids = || demo_sessions().into_iter().map(|s| s.runtime_session_id);
    let events = vec![
        acc_domain::SessionEvent {
            at_ms: 43_200_000,
            event: "starting (emulated)".into(),
        },
        acc_domain::SessionEvent {
            at_ms: 43_200_024,
            event: "healthy".into(),
        },
    ];
    let history = vec![
        acc_domain::SessionInvocation {
            request_id: "r1".into(),
            started_at_ms: 43_200_030,
            user_id: Some("alice@example.com".into()),
            caller: Some("support-triage".into()),
            status: Some(200),
            first_byte_ms: Some(3.2),
            duration_ms: Some(1_250.0),
            bytes: 2_048,
            outcome: "completed".into(),
        },
        acc_domain::SessionInvocation {
            request_id: "r2".into(),
            started_at_ms: 43_260_000,
            status: Some(200),
            first_byte_ms: Some(2.0),
            bytes: 120,
            outcome: "streaming".into(),
            ..Default::default()
        },
    ];
    for session in &mut sessions {
        session.events = events.clone();
        session.invocation_history = history.clone();
    }
    keys(&mut state, ":sessions");
    key(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Action::Runtime(runtime::Msg::SessionsLoaded(Ok(sessions))),
    );
    key(&mut state, KeyCode::Enter);
    for id in sessions_ids() {
        update(
            &mut state,
            Action::Runtime(runtime::Msg::SessionLogsLoaded {
                session_id: id,
                result: Ok(vec![acc_backend::RuntimeLogLine {
                    timestamp_ms: 43_200_010,
                    stream: "2026/11/23/[runtime-logs]session".into(),
                    message: "acc demo agent listening on 0.0.0.0:8080".into(),
                }]),
                spans: Ok(vec![
                    acc_domain::SessionSpan {
                        trace_id: "t1".into(),
                        span_id: "root".into(),
                        name: "demo_agent.invoke".into(),
                        start_unix_nano: 43_200_030_000_000,
                        end_unix_nano: 43_201_280_000_000,
                        status_code: 1,
                        ..Default::default()
                    },
                    acc_domain::SessionSpan {
                        trace_id: "t1".into(),
                        span_id: "tool".into(),
                        parent_span_id: "root".into(),
                        name: "tools/call crm___search_accounts".into(),
                        start_unix_nano: 43_200_040_000_000,
                        end_unix_nano: 43_200_090_000_000,
                        status_code: 2,
                        status_message: "refused".into(),
                        ..Default::default()
                    },
                ]),
            }),
        );
    }
    let screen = render(&state);
    assert!(screen.contains("jwt support-triage"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn sessions_stop_is_refused_read_only() {
    let mut state = loaded(true);
    keys(&mut state, ":sessions");
    key(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Action::Runtime(runtime::Msg::RuntimesLoaded(Ok(demo_runtimes()))),
    );
    update(
        &mut state,
        Action::Runtime(runtime::Msg::SessionsLoaded(Ok(demo_sessions()))),
    );
    assert!(ctrl(&mut state, 'd').is_empty());
    assert!(state.overlay.is_none());
    assert!(render(&state).contains("read-only mode: stopping a session is refused"));
}

#[test]
fn invoke_console_streams_parsed_and_raw() {
    let mut state = loaded(false);
    on_runtimes(&mut state);
    key(&mut state, KeyCode::Enter);
    let effects = ctrl(&mut state, 's');
    let [
        Effect::Runtime(runtime::Job::Invoke {
            run_id, session, ..
        }),
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(session, &None);
    let run_id = *run_id;
    update(
        &mut state,
        Action::Runtime(runtime::Msg::InvokeStarted {
            run_id,
            session_id: "conversation-0123456789-0123456789-0123".into(),
            content_type: "text/event-stream".into(),
        }),
    );
    for (at, bytes) in [
        (
            42.0,
            &b"data: {\"type\":\"start\",\"model\":\"demo\"}\n\ndata: {\"text\":\"Hello \"}\n"[..],
        ),
        (60.0, &b"\ndata: {\"text\":\"there.\"}\n\n"[..]),
        (
            75.0,
            &b"data: {\"error\": \"tool budget exhausted\"}\n\n"[..],
        ),
    ] {
        update(
            &mut state,
            Action::Runtime(runtime::Msg::InvokeChunk {
                run_id,
                at_ms: at,
                bytes: bytes.to_vec(),
            }),
        );
    }
    update(
        &mut state,
        Action::Runtime(runtime::Msg::InvokeFinished {
            run_id,
            at_ms: 80.0,
            result: Ok(()),
        }),
    );
    insta::assert_snapshot!(render(&state));
    ctrl(&mut state, 't');
    insta::assert_snapshot!(render(&state));
    // The next turn continues the session, unless ctrl-n starts over.
    let next = ctrl(&mut state, 's');
    assert!(
        matches!(next.as_slice(), [Effect::Runtime(runtime::Job::Invoke { session: Some(s), .. })] if s.starts_with("conversation-")),
        "{next:?}"
    );
}

/// One turn of the invoke console: `prompt` sent (ctrl-s), the runtime
/// answers in `session` with the `frames` given, and the stream ends.
fn invoke_turn(state: &mut AppState, prompt: &str, frames: &[&str]) {
    let payload = format!("{{\"prompt\": \"{prompt}\"}}");
    let lines: Vec<String> = vec![payload];
    if let Some(console) = state.runtime.invoke.as_mut() {
        console.payload = ratatui_textarea::TextArea::new(lines);
    }
    let effects = ctrl(state, 's');
    let [Effect::Runtime(runtime::Job::Invoke { run_id, .. })] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let run_id = *run_id;
    update(
        state,
        Action::Runtime(runtime::Msg::InvokeStarted {
            run_id,
            session_id: "conversation-transcript".into(),
            content_type: "text/event-stream".into(),
        }),
    );
    for (i, frame) in frames.iter().enumerate() {
        update(
            state,
            Action::Runtime(runtime::Msg::InvokeChunk {
                run_id,
                at_ms: 10.0 + i as f64,
                bytes: format!("data: {frame}\n\n").into_bytes(),
            }),
        );
    }
    update(
        state,
        Action::Runtime(runtime::Msg::InvokeFinished {
            run_id,
            at_ms: 50.0,
            result: Ok(()),
        }),
    );
}

/// The row of the invoke console's stream panel (right of the request
/// panel) holding `text`, if any.
fn row_of(screen: &str, text: &str) -> Option<usize> {
    screen.lines().position(|l| {
        l.split_once("││")
            .is_some_and(|(_, right)| right.contains(text))
    })
}

/// The invoke console of the first runtime, nothing sent yet.
fn on_invoke_console() -> AppState {
    let mut state = loaded(false);
    on_runtimes(&mut state);
    key(&mut state, KeyCode::Enter);
    state
}

#[test]
fn invoke_console_keeps_a_transcript_of_the_session() {
    let mut state = on_invoke_console();
    invoke_turn(
        &mut state,
        "first question",
        &[r#"{"text":"first answer"}"#],
    );
    invoke_turn(
        &mut state,
        "second question",
        &[r#"{"text":"second answer"}"#],
    );
    let screen = render(&state);
    // Both turns, each its prompt then its answer, the newest at the bottom.
    let rows: Vec<Option<usize>> = [
        "first question",
        "first answer",
        "second question",
        "second answer",
    ]
    .iter()
    .map(|t| row_of(&screen, t))
    .collect();
    assert!(rows.iter().all(Option::is_some), "{rows:?}\n{screen}");
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "{rows:?}\n{screen}");
    // ctrl-n: a new session, a fresh transcript.
    ctrl(&mut state, 'n');
    let screen = render(&state);
    assert!(!screen.contains("first answer"), "{screen}");
    assert!(!screen.contains("second answer"), "{screen}");
    invoke_turn(
        &mut state,
        "third question",
        &[r#"{"text":"third answer"}"#],
    );
    let screen = render(&state);
    assert!(screen.contains("third answer"), "{screen}");
    assert!(!screen.contains("second answer"), "{screen}");
}

#[test]
fn continuing_another_session_starts_a_fresh_transcript() {
    let mut state = on_invoke_console();
    invoke_turn(
        &mut state,
        "first question",
        &[r#"{"text":"first answer"}"#],
    );
    key(&mut state, KeyCode::Esc);
    keys(&mut state, ":sessions");
    key(&mut state, KeyCode::Enter);
    let continued = state.runtime.invoke.as_ref().map(|c| c.runtime.id.clone());
    key(&mut state, KeyCode::Char('i'));
    let screen = render(&state);
    // The same runtime's console, on another session: none of its turns.
    assert_eq!(
        state.runtime.invoke.as_ref().map(|c| c.runtime.id.clone()),
        continued,
        "{screen}"
    );
    assert!(screen.contains("(continues)"), "{screen}");
    assert!(!screen.contains("conversation-transcript"), "{screen}");
    assert!(!screen.contains("first answer"), "{screen}");
}

#[test]
fn invoke_transcript_scrolls_and_keeps_its_last_turns() {
    let mut state = on_invoke_console();
    for i in 0..60 {
        invoke_turn(
            &mut state,
            &format!("question {i}"),
            &[&format!(r#"{{"text":"answer {i}"}}"#)],
        );
    }
    let console = state.runtime.invoke.as_ref().unwrap();
    assert_eq!(console.transcript.len() + 1, runtime::invoke::TURNS_KEPT);
    let screen = render(&state);
    assert!(screen.contains("answer 59"), "{screen}");
    assert!(!screen.contains("answer 50"), "{screen}");
    // Page up: older turns come into view, the newest leaves it.
    for _ in 0..3 {
        key(&mut state, KeyCode::PageUp);
    }
    let screen = render(&state);
    assert!(!screen.contains("answer 59"), "{screen}");
    // Ten lines a page, three lines a turn: ten turns back.
    assert!(screen.contains("answer 45"), "{screen}");
    // At the top: the oldest turn kept, the tenth (the first 10 are gone).
    for _ in 0..100 {
        key(&mut state, KeyCode::PageUp);
    }
    let screen = render(&state);
    assert!(screen.contains("\"question 10\""), "{screen}");
    assert!(!screen.contains("\"question 9\""), "{screen}");
    // Page down to the bottom again follows the newest, however far up it was.
    for _ in 0..20 {
        key(&mut state, KeyCode::PageDown);
    }
    assert!(render(&state).contains("answer 59"));
}

#[test]
fn invoke_text_after_the_done_frame_shows_in_order() {
    let mut state = on_invoke_console();
    invoke_turn(
        &mut state,
        "hello",
        &[
            r#"{"text":"before done"}"#,
            r#"{"type":"done"}"#,
            r#"{"text":"after done"}"#,
        ],
    );
    let screen = render(&state);
    let before = row_of(&screen, "before done");
    let done = row_of(&screen, r#""type": "done""#);
    let after = row_of(&screen, "after done");
    assert!(
        before.is_some() && done.is_some() && after.is_some(),
        "{screen}"
    );
    assert!(before < done && done < after, "{screen}");
}

#[test]
fn invoke_title_says_a_turn_ended_in_error() {
    let mut state = on_invoke_console();
    invoke_turn(
        &mut state,
        "hello",
        &[r#"{"text":"partial"}"#, r#"{"error":"model timed out"}"#],
    );
    let screen = render(&state);
    let title = screen
        .lines()
        .find(|l| l.contains("parsed ·"))
        .unwrap_or_default();
    assert!(title.contains("error"), "{screen}");
    assert!(
        !title.contains("done") && !title.contains("streaming"),
        "{screen}"
    );
}

/// Another profile's context, as `:ctx` switches to it.
fn other_context() -> ContextInfo {
    ContextInfo {
        kind: ContextKind::Aws,
        name: "staging".into(),
        region: Some("eu-west-1".into()),
        endpoint: "https://bedrock-agentcore.eu-west-1.amazonaws.com".into(),
    }
}

/// A console showing a bit of every feature: a gateway's catalog and
/// captures, the contexts, runtimes and sessions with an invoke stream and
/// a session's log and spans, and the policy editor with a dry-run under way.
fn with_every_feature_loaded() -> AppState {
    let mut state = with_mcp_catalog();
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Char('c'));
    update(
        &mut state,
        Action::Gateway(gateway::Msg::CapturesLoaded {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            result: Ok(acc_ui::features::gateway::capture_list::CaptureList::of(
                &[json!({"tool": "crm___get_account", "outcome": "ok"})],
                None,
            )),
        }),
    );
    key(&mut state, KeyCode::Esc);
    keys(&mut state, ":ctx");
    key(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Action::Context(context::Msg::ContextsLoaded(vec![context::ContextChoice {
            label: "aws:old-profile".into(),
            detail: String::new(),
            target: Some(acc_backend::ConnectTarget::Live {
                profile: Some("old-profile".into()),
                region: None,
            }),
            current: false,
        }])),
    );
    key(&mut state, KeyCode::Esc);
    on_runtimes(&mut state);
    key(&mut state, KeyCode::Enter);
    let effects = ctrl(&mut state, 's');
    let [Effect::Runtime(runtime::Job::Invoke { run_id, .. })] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let run_id = *run_id;
    update(
        &mut state,
        Action::Runtime(runtime::Msg::InvokeStarted {
            run_id,
            session_id: "old-conversation".into(),
            content_type: "text/event-stream".into(),
        }),
    );
    update(
        &mut state,
        Action::Runtime(runtime::Msg::InvokeChunk {
            run_id,
            at_ms: 5.0,
            bytes: b"data: {\"text\":\"an answer from before\"}\n\n".to_vec(),
        }),
    );
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Esc);
    for session_id in demo_sessions().into_iter().map(|s| s.runtime_session_id) {
        update(
            &mut state,
            Action::Runtime(runtime::Msg::SessionLogsLoaded {
                session_id,
                result: Ok(vec![acc_backend::RuntimeLogLine {
                    timestamp_ms: 1,
                    stream: "s".into(),
                    message: "a log line from before".into(),
                }]),
                spans: Ok(vec![acc_domain::SessionSpan {
                    trace_id: "t".into(),
                    span_id: "s".into(),
                    name: "a span from before".into(),
                    ..Default::default()
                }]),
            }),
        );
    }
    open_policy_editor(&mut state);
    let effects = ctrl(&mut state, 'd');
    assert!(
        matches!(
            effects.first(),
            Some(Effect::Policy(policy::Job::DryRunPolicy { .. }))
        ),
        "{effects:?}"
    );
    state
}

#[test]
fn a_context_switch_leaves_nothing_of_the_previous_context() {
    let mut state = with_every_feature_loaded();
    let effects = update(&mut state, Action::ContextSwitched(other_context()));
    assert_eq!(effects, vec![Effect::Gateway(gateway::Job::LoadGateways)]);
    assert!(
        state.policy.editor.is_none(),
        "the editor of before is closed"
    );
    assert!(
        state.policy.dry_run.is_empty(),
        "the dry-run of before is gone"
    );
    assert!(state.gateway.call.is_none());
    let screen = render(&state);
    assert!(screen.contains("ctx: aws:staging/eu-west-1"), "{screen}");
    assert!(!screen.contains("orbit-hub"), "{screen}");

    // The new context has a gateway, a runtime and a session of the same
    // ids: each is loaded again, and nothing of before shows meanwhile.
    update(
        &mut state,
        Action::Gateway(gateway::Msg::GatewaysLoaded(Ok(gateways()))),
    );
    key(&mut state, KeyCode::Esc);
    gateway_screens_load_again(&mut state);
    runtime_screens_load_again(&mut state);
    key(&mut state, KeyCode::Esc);
    keys(&mut state, ":ctx");
    let effects = key(&mut state, KeyCode::Enter);
    assert!(
        effects.contains(&Effect::Context(context::Job::LoadContexts)),
        "{effects:?}"
    );
    assert!(!render(&state).contains("aws:old-profile"));
}

/// After a switch: the policy studio, captures and catalog of a gateway
/// are asked for again, and none of the old shows while they come.
fn gateway_screens_load_again(state: &mut AppState) {
    let effects = key(state, KeyCode::Char('p'));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Policy(policy::Job::LoadPolicyStudio { .. })]
        ),
        "the studio is loaded again: {effects:?}"
    );
    let screen = render(state);
    assert!(!screen.contains("small_refunds"), "{screen}");
    key(state, KeyCode::Esc);
    let effects = key(state, KeyCode::Char('c'));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Gateway(gateway::Job::LoadCaptures { .. })]
        ),
        "the captures are loaded again: {effects:?}"
    );
    assert!(!render(state).contains("crm___get_account"));
    key(state, KeyCode::Esc);
    let effects = key(state, KeyCode::Char('t'));
    assert!(
        effects.contains(&Effect::Gateway(gateway::Job::LoadTargets {
            gateway_id: "orbit-hub-k3j9x0a1b2".into()
        })) && effects
            .iter()
            .any(|e| matches!(e, Effect::Gateway(gateway::Job::LoadMcpCatalog { .. }))),
        "the catalog is loaded again: {effects:?}"
    );
    assert!(!render(state).contains("billing___"));
    key(state, KeyCode::Esc);
}

/// After a switch: runtimes and sessions are asked for again, and neither
/// the old lists, the old stream nor an old session's log and spans show.
fn runtime_screens_load_again(state: &mut AppState) {
    open_runtimes(state);
    let screen = render(state);
    assert!(!screen.contains("concierge_agent"), "{screen}");
    update(
        state,
        Action::Runtime(runtime::Msg::RuntimesLoaded(Ok(demo_runtimes()))),
    );
    key(state, KeyCode::Enter);
    let screen = render(state);
    assert!(
        !screen.contains("an answer from before") && !screen.contains("old-conversation"),
        "{screen}"
    );
    key(state, KeyCode::Esc);
    keys(state, ":sessions");
    key(state, KeyCode::Enter);
    assert!(!render(state).contains("runaway-"));
    update(
        state,
        Action::Runtime(runtime::Msg::SessionsLoaded(Ok(demo_sessions()))),
    );
    key(state, KeyCode::Enter);
    let screen = render(state);
    assert!(
        !screen.contains("a log line from before") && !screen.contains("a span from before"),
        "{screen}"
    );
}

/// The three editors, each opened on the demo data: the call dialog, the
/// policy editor and the invoke console.
fn each_editor() -> Vec<(&'static str, AppState)> {
    let mut call = with_mcp_catalog();
    keys(&mut call, "jj");
    key(&mut call, KeyCode::Char('c'));
    let mut policy = loaded(false);
    open_policy_editor(&mut policy);
    let mut invoke = loaded(false);
    on_runtimes(&mut invoke);
    key(&mut invoke, KeyCode::Enter);
    vec![
        ("tool call", call),
        ("edit policy", policy),
        ("invoke", invoke),
    ]
}

fn footer(state: &AppState) -> String {
    render(state).lines().last().unwrap_or("").to_string()
}

fn f1(state: &mut AppState) -> Vec<Effect> {
    key(state, KeyCode::F(1))
}

#[test]
fn editors_show_their_own_keys_only() {
    for (name, state) in each_editor() {
        let footer = footer(&state);
        assert!(footer.contains("<ctrl-s>"), "{name}: {footer}");
        assert!(
            footer.contains("<f1> help") && footer.contains("<esc> back"),
            "{name}: {footer}"
        );
        for text_key in ["</>", "<:>", "<?>", "<q>"] {
            assert!(!footer.contains(text_key), "{name}: {footer}");
        }
    }
    let lists = footer(&loaded(false));
    assert!(
        lists.contains("</> filter") && lists.contains("<:> command"),
        "{lists}"
    );
}

#[test]
fn editors_type_command_keys_as_text_and_f1_opens_help() {
    for (name, mut state) in each_editor() {
        let before = render(&state);
        for c in [':', '/', '?'] {
            assert!(key(&mut state, KeyCode::Char(c)).is_empty(), "{name}");
            assert_eq!(
                state.input,
                acc_ui::shell::state::InputMode::Normal,
                "{name}"
            );
            assert!(state.overlay.is_none(), "{name}: {c} opened an overlay");
        }
        let typed = render(&state);
        assert_ne!(before, typed, "{name}: the keys were typed");
        assert!(typed.contains(":/?"), "{name}: {typed}");
        f1(&mut state);
        assert_eq!(state.overlay, Some(acc_ui::shell::Overlay::Help), "{name}");
        let help = render(&state);
        assert!(help.contains("in this editor"), "{name}: {help}");
        assert!(!help.contains("command palette"), "{name}: {help}");
        f1(&mut state);
        assert!(state.overlay.is_none(), "{name}: f1 closes help again");
        let depth = state.stack.len();
        key(&mut state, KeyCode::Esc);
        assert!(
            state.stack.len() < depth || state.overlay.is_some(),
            "{name}: esc leaves the editor (or asks first)"
        );
    }
}

fn editor_text(state: &AppState) -> String {
    state
        .policy
        .editor
        .as_ref()
        .map(|e| e.contents())
        .unwrap_or_default()
}

fn on_editor(state: &AppState) -> bool {
    matches!(
        state.screen().route,
        acc_ui::shell::Route::Policy(policy::Route::PolicyEditor { .. })
    )
}

#[test]
fn unsaved_policy_edits_ask_before_esc_discards_them() {
    let mut state = loaded(false);
    open_policy_editor(&mut state);
    // Leaving an untouched policy asks nothing.
    key(&mut state, KeyCode::Esc);
    assert!(state.overlay.is_none() && !on_editor(&state));
    key(&mut state, KeyCode::Enter);
    keys(&mut state, "XY");
    assert!(key(&mut state, KeyCode::Esc).is_empty());
    let asked = render(&state);
    assert!(
        asked.contains("discard your edits to small_refunds?"),
        "{asked}"
    );
    // n: back in the editor, the edit kept.
    key(&mut state, KeyCode::Char('n'));
    assert!(state.overlay.is_none() && on_editor(&state));
    assert!(editor_text(&state).starts_with("XY// Support"));
    // y: the edit is gone, and so is the editor.
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Esc);
    assert!(state.overlay.is_some(), "esc asks again");
    let effects = key(&mut state, KeyCode::Char('y'));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(!on_editor(&state));
    key(&mut state, KeyCode::Enter);
    assert!(editor_text(&state).starts_with("// Support"));
    key(&mut state, KeyCode::Esc);
    assert!(state.overlay.is_none() && !on_editor(&state));
}

#[test]
fn a_kept_draft_comes_back_until_it_is_pushed() {
    let mut state = loaded(false);
    open_policy_editor(&mut state);
    keys(&mut state, "XY");
    // Away through the dry-run and the palette: the draft stays.
    ctrl(&mut state, 'd');
    keys(&mut state, ":gw");
    key(&mut state, KeyCode::Enter);
    assert_eq!(state.stack.len(), 1);
    key(&mut state, KeyCode::Char('p'));
    key(&mut state, KeyCode::Enter);
    assert!(on_editor(&state));
    assert!(
        editor_text(&state).starts_with("XY// Support"),
        "the draft is restored: {}",
        editor_text(&state)
    );
    // ctrl-c asks while a draft is unsaved; n stays.
    ctrl(&mut state, 'c');
    assert!(!state.should_quit);
    let asked = render(&state);
    assert!(asked.contains("small_refunds"), "{asked}");
    key(&mut state, KeyCode::Char('n'));
    assert!(!state.should_quit && on_editor(&state));
    // A push clears the draft: esc and ctrl-c no longer ask.
    ctrl(&mut state, 'p');
    let effects = key(&mut state, KeyCode::Char('y'));
    let [Effect::Policy(policy::Job::PushPolicy { statement, .. })] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let mut pushed = studio_data().policies[0].clone();
    pushed.statement = statement.clone();
    update(
        &mut state,
        Action::Policy(policy::Msg::PolicyPushed {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            result: Ok(pushed),
        }),
    );
    assert!(state.policy.drafts.is_empty());
    key(&mut state, KeyCode::Esc); // the "pushed" message
    key(&mut state, KeyCode::Esc);
    assert!(state.overlay.is_none() && !on_editor(&state));
    ctrl(&mut state, 'c');
    assert!(state.should_quit);
}

#[test]
fn quitting_with_a_draft_asks_and_yes_quits() {
    let mut state = loaded(false);
    open_policy_editor(&mut state);
    keys(&mut state, "XY");
    ctrl(&mut state, 'c');
    assert!(!state.should_quit);
    let asked = render(&state);
    assert!(
        asked.contains("discard your edits to small_refunds?"),
        "{asked}"
    );
    let effects = key(&mut state, KeyCode::Char('y'));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(state.should_quit);
}

fn palette_text(state: &AppState) -> String {
    match &state.input {
        acc_ui::shell::state::InputMode::Palette { text, .. } => text.clone(),
        other => panic!("not typing a command: {other:?}"),
    }
}

fn enter_loads_targets_of(state: &mut AppState, gateway_id: &str) {
    let effects = key(state, KeyCode::Enter);
    assert_eq!(
        effects.first(),
        Some(&Effect::Gateway(gateway::Job::LoadTargets {
            gateway_id: gateway_id.into()
        }))
    );
}

#[test]
fn palette_tab_keeps_and_completes_the_argument() {
    let mut state = loaded(false);
    keys(&mut state, ":targets lab-tenant");
    key(&mut state, KeyCode::Tab);
    assert_eq!(
        palette_text(&state),
        "targets lab-tenant",
        "tab erased nothing"
    );
    enter_loads_targets_of(&mut state, "lab-tenant-zz0011aabb");
    // A prefix of a loaded gateway's name completes; the command word too.
    keys(&mut state, ":tar");
    key(&mut state, KeyCode::Tab);
    assert_eq!(palette_text(&state), "targets ");
    let hint = render(&state);
    assert!(hint.contains("tab: lab-tenant · orbit-hub"), "{hint}");
    keys(&mut state, "orb");
    key(&mut state, KeyCode::Tab);
    assert_eq!(palette_text(&state), "targets orbit-hub");
    enter_loads_targets_of(&mut state, "orbit-hub-k3j9x0a1b2");
    // Enter on an unfinished command word keeps the argument.
    keys(&mut state, ":tar lab-tenant");
    key(&mut state, KeyCode::Enter);
    assert_eq!(
        state.screen().route,
        acc_ui::shell::Route::Gateway(gateway::Route::Targets {
            gateway_id: "lab-tenant-zz0011aabb".into()
        })
    );
}

// Issue 14: looks. Readable selections, layouts at 80×24 and 200×50,
// counts and empty states said one way.

/// The cells of row `y` whose text spells `word`, first occurrence.
fn cells_of(buffer: &ratatui::buffer::Buffer, y: u16, word: &str) -> Vec<ratatui::buffer::Cell> {
    let width = buffer.area.width;
    let row: Vec<&str> = (0..width).map(|x| buffer[(x, y)].symbol()).collect();
    let letters: Vec<String> = word.chars().map(String::from).collect();
    let start = (0..row.len().saturating_sub(letters.len()))
        .find(|&x| (0..letters.len()).all(|i| row[x + i] == letters[i]))
        .unwrap_or_else(|| panic!("{word} not on row {y}: {}", row.concat()));
    (start..start + letters.len())
        .map(|x| buffer[(x as u16, y)].clone())
        .collect()
}

#[test]
fn a_selected_ready_row_shows_its_status_readably_in_every_theme() {
    for name in acc_ui::theme::built_in_names() {
        let theme = Theme::resolve_with(Some(name), None).unwrap();
        let required = if name == "high-contrast" { 7.0 } else { 4.5 };
        let state = loaded_in(false, theme.clone());
        let buffer = common::draw_at(&state, W, H);
        let text = render(&state);
        let y = text
            .lines()
            .position(|l| l.contains("orbit-hub-k3j9x0a1b2"))
            .unwrap() as u16;
        assert_eq!(state.screen().cursor.selected, 0, "orbit-hub is selected");
        for cell in cells_of(&buffer, y, "READY") {
            assert_eq!(
                cell.bg,
                theme.selection.bg.unwrap(),
                "{name}: on the selection"
            );
            let ratio = acc_ui::theme::contrast_ratio(cell.fg, cell.bg).unwrap();
            assert!(
                ratio >= required,
                "{name}: READY on the selection is {:?} on {:?}, {ratio:.2}:1",
                cell.fg,
                cell.bg
            );
        }
        // Unselected, READY keeps the success colour.
        let lab = text
            .lines()
            .position(|l| l.contains("lab-tenant-"))
            .unwrap() as u16;
        let creating = cells_of(&buffer, lab, "CREATING");
        assert_eq!(Some(creating[0].fg), theme.warning.fg, "{name}");
    }
}

/// A dry-run of orbit-hub's policies over two captured calls, one flipping.
fn dry_run_report() -> acc_ui::features::policy::dry_run::DryRunReport {
    use acc_domain::cedar_model::dry_run::{DryRun, DryRunRow, Flip};
    use acc_domain::cedar_model::evaluation::{Evaluation, PolicyDecision};
    let eval = |decision, by: &[&str]| Evaluation {
        decision,
        determining_policies: by.iter().map(|s| s.to_string()).collect(),
        errors: Vec::new(),
    };
    let row = |tool: &str, caller: &str, after, flip| DryRunRow {
        capture_id: format!("c-{tool}"),
        time: "2026-11-22T10:00:00.000Z".into(),
        tool: tool.into(),
        caller: caller.into(),
        before: eval(PolicyDecision::Allow, &["small_refunds"]),
        after: eval(after, &["small_refunds"]),
        flip,
    };
    acc_ui::features::policy::dry_run::DryRunReport {
        policy: "small_refunds".into(),
        dry: acc_backend::policy::workflow::PolicyDryRun {
            run: DryRun {
                rows: vec![
                    row(
                        "billing___refund",
                        "support-triage-agent",
                        PolicyDecision::Deny,
                        Flip::AllowToDeny,
                    ),
                    row(
                        "billing___get_invoice",
                        "sales-copilot",
                        PolicyDecision::Allow,
                        Flip::Unchanged,
                    ),
                ],
                allow_to_deny: 1,
                deny_to_allow: 0,
                unchanged: 1,
                skipped: Vec::new(),
            },
            requests: vec![None, None],
            calls: Vec::new(),
            symbolic: None,
            note: None,
            elapsed_ms: 0,
        },
    }
}

/// Every main view, named, each in a read-only console that shows it.
fn main_views() -> Vec<(&'static str, AppState)> {
    let mut views = Vec::new();
    views.push(("gateways", loaded(true)));
    let mut targets_view = loaded(true);
    key(&mut targets_view, KeyCode::Enter);
    update(
        &mut targets_view,
        Action::Gateway(gateway::Msg::TargetsLoaded {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            result: Ok(targets()),
        }),
    );
    views.push(("targets", targets_view));
    let mut tools = with_mcp_catalog();
    tools.readonly = true;
    views.push(("tools", tools));
    let mut captures = loaded(true);
    key(&mut captures, KeyCode::Char('c'));
    captures_loaded(&mut captures);
    views.push(("captures", captures));
    let mut policies = loaded(true);
    key(&mut policies, KeyCode::Char('p'));
    studio_loaded(&mut policies);
    views.push(("policies", policies));
    let mut dry_run = loaded(true);
    open_policy_editor(&mut dry_run);
    ctrl(&mut dry_run, 'd');
    update(
        &mut dry_run,
        Action::Policy(policy::Msg::DryRunDone {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            result: Ok(Box::new(dry_run_report())),
        }),
    );
    views.push(("dry-run", dry_run));
    let mut runtimes = loaded(true);
    on_runtimes(&mut runtimes);
    views.push(("runtimes", runtimes));
    let mut sessions = loaded(true);
    on_runtimes(&mut sessions);
    keys(&mut sessions, ":sessions");
    key(&mut sessions, KeyCode::Enter);
    views.push(("sessions", sessions));
    let mut invoke = loaded(true);
    on_runtimes(&mut invoke);
    key(&mut invoke, KeyCode::Enter);
    views.push(("invoke", invoke));
    views
}

#[test]
fn every_main_view_at_80x24_and_200x50() {
    for (name, state) in main_views() {
        for (w, h) in [(80, 24), (200, 50)] {
            let screen = without_timings(&render_at(&state, w, h));
            // The header keeps the context and READ-ONLY at any width.
            let header = screen.lines().next().unwrap_or_default();
            assert!(
                header.contains("ctx: local") && header.contains("READ-ONLY"),
                "{name} {w}x{h}: {header}"
            );
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
        }
    }
}

#[test]
fn narrow_tables_keep_what_identifies_a_row() {
    let views = main_views();
    let at_80 = |name: &str| {
        let (_, state) = views.iter().find(|(n, _)| *n == name).unwrap();
        render_at(state, 80, 24)
    };
    let rt = at_80("runtimes");
    assert!(
        rt.contains("NAME") && rt.contains("concierge_agent"),
        "{rt}"
    );
    let se = at_80("sessions");
    for id in demo_sessions().iter().map(|s| s.runtime_session_id.clone()) {
        let head: String = id.chars().take(5).collect();
        let shown = se
            .lines()
            .find_map(|l| {
                l.trim_start_matches('│')
                    .split_whitespace()
                    .find(|w| w.starts_with(&head))
            })
            .unwrap_or_else(|| panic!("{id}: {se}"));
        // The whole id, or both its ends around a middle ellipsis.
        let (front, back) = shown.split_once('…').unwrap_or((shown, ""));
        assert!(
            shown == id
                || (id.starts_with(front) && id.ends_with(back) && back.chars().count() >= 8),
            "{id} shows as {shown}"
        );
    }
    let dry = at_80("dry-run");
    assert!(
        dry.contains("TOOL") && dry.contains("CALLER") && dry.contains("billing___refund"),
        "{dry}"
    );
    let header = at_80("gateways");
    assert!(
        header.lines().next().unwrap().contains("region: us-east-1"),
        "{header}"
    );
}

#[test]
fn the_header_keeps_the_context_and_read_only_at_any_width() {
    let state = loaded(true);
    for w in [30, 40, 60, 80, 120] {
        let screen = render_at(&state, w, 24);
        let header = screen.lines().next().unwrap();
        assert!(header.contains("READ-ONLY"), "{w}: {header}");
        assert!(header.contains("ctx: "), "{w}: {header}");
    }
}

#[test]
fn wide_shows_every_column_and_toggles_back() {
    let (_, mut state) = main_views()
        .into_iter()
        .find(|(n, _)| *n == "sessions")
        .unwrap();
    let narrow = render_at(&state, 80, 24);
    assert!(!narrow.contains("MEMORY"), "{narrow}");
    key(&mut state, KeyCode::Char('W'));
    let wide = render_at(&state, 80, 24);
    for column in [
        "SESSION", "RUNTIME", "STATE", "EXEC", "AGE", "IDLE", "CALLS", "CPU", "MEM",
    ] {
        assert!(wide.contains(column), "{column}: {wide}");
    }
    key(&mut state, KeyCode::Char('W'));
    assert_eq!(render_at(&state, 80, 24), narrow);
}

#[test]
fn counts_and_empty_states_read_one_way() {
    let mut state = loaded(false);
    // Unfiltered: [total], set off from the title.
    assert!(render(&state).contains("gateways [2]"));
    // Filtered, even when every row matches: [shown/total].
    key(&mut state, KeyCode::Char('/'));
    keys(&mut state, "orbit");
    key(&mut state, KeyCode::Enter);
    assert!(
        render(&state).contains("gateways [1/2]"),
        "{}",
        render(&state)
    );
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Char('/'));
    keys(&mut state, "-");
    key(&mut state, KeyCode::Enter);
    assert!(
        render(&state).contains("gateways [2/2]"),
        "{}",
        render(&state)
    );
    key(&mut state, KeyCode::Esc);
    // Sessions: a sort label is not glued to the count, and the empty
    // states say "nothing yet: hint" or "no X match /filter".
    on_runtimes(&mut state);
    keys(&mut state, ":sessions");
    key(&mut state, KeyCode::Enter);
    let screen = render(&state);
    assert!(screen.contains("sort: newest ["), "{screen}");
    key(&mut state, KeyCode::Char('/'));
    keys(&mut state, "zzzz");
    key(&mut state, KeyCode::Enter);
    let screen = render(&state);
    assert!(
        screen.contains("no sessions match /zzzz (esc clears it)"),
        "{screen}"
    );
    assert!(!screen.contains("invoke a runtime"), "{screen}");
    key(&mut state, KeyCode::Esc);
    update(
        &mut state,
        Action::Runtime(runtime::Msg::SessionsLoaded(Ok(Vec::new()))),
    );
    let screen = render(&state);
    assert!(
        screen.contains("no sessions yet: invoke a runtime (enter on :rt) to start one"),
        "{screen}"
    );
}

#[test]
fn palette_columns_are_set_apart() {
    let mut state = loaded(false);
    keys(&mut state, ":ca");
    let screen = render(&state);
    let row = screen
        .lines()
        .find(|l| l.contains("captures"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.contains("captures  cap requests req  "), "{row}");
}

#[test]
fn help_lists_every_palette_command() {
    let mut state = loaded(false);
    key(&mut state, KeyCode::Char('?'));
    let screen = render_at(&state, 80, 24);
    for command in [
        ":gateways",
        ":targets",
        ":tools",
        ":captures",
        ":runtimes",
        ":sessions",
        ":ctx",
    ] {
        assert!(screen.contains(command), "{command}: {screen}");
    }
}

/// Issue 14, security reviewers: a new policy can be named (F2 in the
/// editor) before it is pushed; the name must be a valid policy name no
/// policy of the engine has, and a pushed policy keeps its name.
#[test]
fn a_new_policy_is_named_before_it_is_pushed() {
    let mut state = loaded(false);
    key(&mut state, KeyCode::Char('p'));
    studio_loaded(&mut state);
    key(&mut state, KeyCode::Char('n'));
    key(&mut state, KeyCode::Enter);
    let template_name = state.policy.editor.as_ref().unwrap().name.clone();
    let rename = |state: &mut AppState, to: &str| {
        key(state, KeyCode::F(2));
        assert!(footer(state).contains("name: "), "{}", footer(state));
        for _ in 0..80 {
            key(state, KeyCode::Backspace);
        }
        keys(state, to);
        key(state, KeyCode::Enter);
        state.policy.editor.as_ref().unwrap().name.clone()
    };
    assert_eq!(rename(&mut state, "not a name"), template_name);
    assert!(
        render(&state).contains("is not a policy name"),
        "{}",
        render(&state)
    );
    assert_eq!(rename(&mut state, "small_refunds"), template_name);
    assert!(render(&state).contains("has a policy named small_refunds"));
    assert_eq!(rename(&mut state, "refund_cap"), "refund_cap");
    ctrl(&mut state, 'p');
    let effects = key(&mut state, KeyCode::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::Policy(policy::Job::PushPolicy { name, .. })] if name == "refund_cap"),
        "{effects:?}"
    );

    // A policy the engine has keeps its name.
    let mut existing = loaded(false);
    open_policy_editor(&mut existing);
    key(&mut existing, KeyCode::F(2));
    assert!(
        !footer(&existing).contains("name: "),
        "{}",
        footer(&existing)
    );
    assert!(render(&existing).contains("keeps its name"));
}

/// Issue 14, security reviewers: undo in the policy editor. ctrl-z takes
/// back an edit (the draft goes with it), ctrl-y makes it again.
#[test]
fn the_policy_editor_undoes_and_redoes() {
    let mut state = loaded(false);
    open_policy_editor(&mut state);
    let original = state.policy.editor.as_ref().unwrap().contents();
    keys(&mut state, "// reviewed ");
    assert_ne!(state.policy.editor.as_ref().unwrap().contents(), original);
    for _ in 0.."// reviewed ".len() {
        ctrl(&mut state, 'z');
    }
    assert_eq!(state.policy.editor.as_ref().unwrap().contents(), original);
    assert!(
        state
            .policy
            .draft_of("orbit-hub-k3j9x0a1b2", "small_refunds")
            .is_none(),
        "an edit undone is no draft"
    );
    ctrl(&mut state, 'y');
    assert_ne!(state.policy.editor.as_ref().unwrap().contents(), original);
}

/// Issue 14, security reviewers: before a push, the confirmation shows what
/// the edit changes against the deployed statement.
#[test]
fn a_push_shows_the_diff_against_what_is_deployed() {
    let mut state = loaded(false);
    open_policy_editor(&mut state);
    keys(&mut state, "// capped ");
    ctrl(&mut state, 'p');
    let asked = render_at(&state, 200, 50);
    assert!(asked.contains("UpdatePolicy small_refunds"), "{asked}");
    assert!(
        asked.contains("- // Support refunds small amounts"),
        "{asked}"
    );
    assert!(
        asked.contains("+ // capped // Support refunds small amounts"),
        "{asked}"
    );
    assert!(asked.contains("· permit ("), "one line of context: {asked}");
    assert!(
        !asked.contains("· when {"),
        "unchanged lines beyond the context are left out: {asked}"
    );
}

/// Issue 14, item 4: at 80 columns every main view's footer still ends
/// with help and back; the view's own last hints give way first (help
/// lists them all).
#[test]
fn footers_keep_help_and_back_at_80_columns() {
    for (name, state) in main_views() {
        let screen = render_at(&state, 80, 24);
        let footer = screen
            .lines()
            .last()
            .unwrap_or_default()
            .trim_end()
            .to_owned();
        assert!(footer.ends_with("help  <esc> back"), "{name}: {footer}");
    }
}

#[test]
fn captures_keep_their_whole_time_at_80_columns() {
    let (_, state) = main_views()
        .into_iter()
        .find(|(n, _)| *n == "captures")
        .unwrap();
    let screen = render_at(&state, 80, 24);
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("crm___")).collect();
    assert_eq!(rows.len(), 4, "{screen}");
    for row in rows {
        // The time of day, uncut; the detail keeps the whole timestamp.
        assert!(row.contains("│10:00:00  crm___"), "{row}");
        assert!(
            row.contains("sales-copilot") || row.contains("support-triage"),
            "{row}"
        );
        // What identifies the call stays whole too.
        assert!(row.contains("crm___"), "{row}");
    }
}

#[test]
fn palette_tab_completes_runtime_session_and_policy_names() {
    let mut state = loaded(false);
    on_runtimes(&mut state);
    keys(&mut state, ":rt conc");
    key(&mut state, KeyCode::Tab);
    assert_eq!(palette_text(&state), "rt concierge_agent");
    // :rt NAME shows the runtimes list narrowed to that runtime.
    key(&mut state, KeyCode::Enter);
    let screen = render(&state);
    assert!(screen.contains("concierge_agent"), "{screen}");
    assert!(!screen.contains("dev_loop"), "{screen}");
    keys(&mut state, ":sessions fre");
    key(&mut state, KeyCode::Tab);
    assert_eq!(
        palette_text(&state),
        "sessions fresh-0123456789-0123456789-0123456789"
    );
    key(&mut state, KeyCode::Enter);
    let screen = render(&state);
    assert!(screen.contains("fresh-"), "{screen}");
    assert!(!screen.contains("ended-"), "{screen}");
    // :policies POLICY, in the studio of the gateway the user is in.
    key(&mut state, KeyCode::Esc);
    let mut state = loaded(false);
    studio_loaded(&mut state);
    keys(&mut state, ":policies sm");
    key(&mut state, KeyCode::Tab);
    assert_eq!(palette_text(&state), "policies small_refunds");
    key(&mut state, KeyCode::Enter);
    assert_eq!(
        state.screen().route,
        acc_ui::shell::Route::Policy(policy::Route::Policies {
            gateway_id: "orbit-hub-k3j9x0a1b2".into()
        })
    );
    assert_eq!(state.screen().cursor.filter.text, "small_refunds");
}

#[test]
fn switching_context_with_a_draft_asks_first() {
    let target = acc_backend::ConnectTarget::Live {
        profile: Some("staging".into()),
        region: None,
    };
    let on_contexts = |state: &mut AppState| {
        keys(state, ":ctx");
        key(state, KeyCode::Enter);
        update(
            state,
            Action::Context(context::Msg::ContextsLoaded(vec![context::ContextChoice {
                label: "aws:staging".into(),
                detail: String::new(),
                target: Some(target.clone()),
                current: false,
            }])),
        );
    };
    // Without drafts, enter switches at once.
    let mut clean = loaded(false);
    on_contexts(&mut clean);
    assert_eq!(
        key(&mut clean, KeyCode::Enter),
        vec![Effect::SwitchContext(target.clone())]
    );
    let mut state = loaded(false);
    open_policy_editor(&mut state);
    key(&mut state, KeyCode::Enter);
    keys(&mut state, "XY");
    // Out of the editor through the dry-run, the draft kept.
    ctrl(&mut state, 'd');
    on_contexts(&mut state);
    assert!(key(&mut state, KeyCode::Enter).is_empty(), "it asks first");
    let asked = render(&state);
    assert!(
        asked.contains("discard your edits to small_refunds?"),
        "{asked}"
    );
    // n keeps the draft and the context.
    key(&mut state, KeyCode::Char('n'));
    assert!(state.overlay.is_none());
    assert_eq!(state.policy.drafts.len(), 1);
    // y switches; the new context starts without the draft.
    key(&mut state, KeyCode::Enter);
    assert_eq!(
        key(&mut state, KeyCode::Char('y')),
        vec![Effect::SwitchContext(target)]
    );
}

/// The help's lines between its borders, as drawn at 80×24 (the help is
/// 72 columns wide, centered: columns 4 to 75).
fn help_body(state: &AppState) -> Vec<String> {
    let boxed = |l: &str| l.chars().skip(4).take(72).collect::<String>();
    render_at(state, 80, 24)
        .lines()
        .map(boxed)
        .skip_while(|l| !l.starts_with("┌ help"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .collect()
}

#[test]
fn help_scrolls_at_80x24() {
    let mut state = loaded(false);
    update(&mut state, Action::Resize(80, 24));
    key(&mut state, KeyCode::Char('?'));
    let top = help_body(&state);
    assert!(top.iter().any(|l| l.contains("gateways view")), "{top:?}");
    insta::assert_snapshot!("help_80x24_top", render_at(&state, 80, 24));
    // The end is out of sight at first; G shows it, g the top again.
    let end = "esc, ? or f1 closes";
    assert!(!top.iter().any(|l| l.contains(end)), "{top:?}");
    key(&mut state, KeyCode::Char('G'));
    let bottom = help_body(&state);
    assert!(bottom.iter().any(|l| l.contains(end)), "{bottom:?}");
    assert!(!bottom.iter().any(|l| l.contains("gateways view")));
    insta::assert_snapshot!("help_80x24_bottom", render_at(&state, 80, 24));
    // Past the end it stays put: k moves up one line at once.
    key(&mut state, KeyCode::Char('j'));
    assert_eq!(help_body(&state), bottom);
    key(&mut state, KeyCode::Char('k'));
    let up_one = help_body(&state);
    assert_eq!(up_one[1..], bottom[..bottom.len() - 1]);
    key(&mut state, KeyCode::Char('g'));
    assert_eq!(help_body(&state), top);
    key(&mut state, KeyCode::PageDown);
    assert_ne!(help_body(&state), top);
    key(&mut state, KeyCode::PageUp);
    assert_eq!(help_body(&state), top);
    // The mouse wheel scrolls the help, not the list under it.
    let wheel = |kind| {
        Action::Mouse(ratatui::crossterm::event::MouseEvent {
            kind,
            column: 10,
            row: 10,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(
        &mut state,
        wheel(ratatui::crossterm::event::MouseEventKind::ScrollDown),
    );
    assert_eq!(help_body(&state), bottom);
    update(
        &mut state,
        wheel(ratatui::crossterm::event::MouseEventKind::ScrollUp),
    );
    assert_eq!(help_body(&state), top);
    // Moving keys stay in the help; esc closes it, and it opens at the top.
    assert!(state.overlay.is_some());
    key(&mut state, KeyCode::Char('G'));
    key(&mut state, KeyCode::Esc);
    assert!(state.overlay.is_none());
    assert_eq!(state.screen().cursor.selected, 0, "the list did not move");
    key(&mut state, KeyCode::Char('?'));
    assert_eq!(help_body(&state), top);
}

// Issue 14, MCP Inspector users: the caller, the HTTP exchange, the call
// history with re-run, and copy as curl.

/// The call dialog of billing___lookup_invoice on orbit-hub, whose
/// authorizer allows two OAuth clients.
fn on_call_dialog() -> AppState {
    let mut state = with_mcp_catalog();
    let mut listed = gateways();
    listed[0].allowed_clients = vec!["sales-copilot".into(), "ops-assistant".into()];
    update(
        &mut state,
        Action::Gateway(gateway::Msg::GatewaysLoaded(Ok(listed))),
    );
    keys(&mut state, "jj");
    key(&mut state, KeyCode::Char('c'));
    keys(&mut state, "INV-7");
    state
}

/// ctrl-s: the one call sent, its arguments and caller.
fn send_call(state: &mut AppState) -> (serde_json::Value, acc_domain::CallerIdentity) {
    let effects = ctrl(state, 's');
    let [
        Effect::Gateway(gateway::Job::CallTool {
            arguments, caller, ..
        }),
    ] = &effects[..]
    else {
        panic!("one call is sent: {effects:?}");
    };
    (arguments.clone(), caller.clone())
}

/// The call comes back: ok, or a tool error.
fn call_answers(state: &mut AppState, is_error: bool) {
    let header = |name: &str, value: &str| acc_domain::HttpHeader {
        name: name.into(),
        value: value.into(),
    };
    update(
        state,
        Action::Gateway(gateway::Msg::ToolCalled {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            tool: "billing___lookup_invoice".into(),
            result: Ok(Box::new(acc_domain::ToolCallReport {
                tool: "billing___lookup_invoice".into(),
                request: json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call"}),
                response: json!({"jsonrpc": "2.0", "id": 2, "result": {"content": []}}),
                latency_ms: 3.0,
                content: vec![json!({"type": "text", "text": "done"})],
                structured_content: None,
                is_error,
                rpc_error: None,
                http: Some(acc_domain::HttpExchange {
                    method: "POST".into(),
                    url: "http://127.0.0.1:4577/gateways/orbit-hub-k3j9x0a1b2/mcp".into(),
                    request_headers: vec![
                        header("content-type", "application/json"),
                        header("authorization", "Bearer ****"),
                    ],
                    status: 200,
                    response_headers: vec![header("mcp-session-id", "s-1")],
                }),
            })),
        }),
    );
}

#[test]
fn the_call_dialog_calls_as_the_chosen_caller_and_masks_a_typed_token() {
    let mut state = on_call_dialog();
    assert!(render(&state).contains("as: configured"));
    let (_, caller) = send_call(&mut state);
    assert_eq!(caller, acc_domain::CallerIdentity::Configured);
    call_answers(&mut state, false);
    // ctrl-o: the gateway's clients, then a token of the user's.
    ctrl(&mut state, 'o');
    assert!(render(&state).contains("as: sales-copilot"));
    let (_, caller) = send_call(&mut state);
    assert_eq!(
        caller,
        acc_domain::CallerIdentity::Client("sales-copilot".into())
    );
    call_answers(&mut state, true);
    ctrl(&mut state, 'o');
    ctrl(&mut state, 'o');
    let token = "eyJhbGciOiJFUzI1NiJ9.c2VjcmV0.c2ln";
    keys(&mut state, token);
    let screen = render(&state);
    assert!(screen.contains("as: token"), "{screen}");
    assert!(
        !screen.contains("c2VjcmV0"),
        "the token is masked: {screen}"
    );
    let (arguments, caller) = send_call(&mut state);
    assert_eq!(caller, acc_domain::CallerIdentity::Token(token.into()));
    assert_eq!(
        arguments,
        json!({"number": "INV-7"}),
        "the token is not an argument"
    );
}

#[test]
fn the_raw_exchange_shows_the_http_headers() {
    let mut state = on_call_dialog();
    send_call(&mut state);
    call_answers(&mut state, false);
    ctrl(&mut state, 't');
    let screen = render(&state);
    for line in [
        "→ POST http://127.0.0.1:4577/gateways/orbit-hub-k3j9x0a1b2/mcp",
        "authorization: Bearer ****",
        "← HTTP 200",
        "mcp-session-id: s-1",
        "→ request",
    ] {
        assert!(screen.contains(line), "{line}: {screen}");
    }
    update(&mut state, Action::Resize(80, 24));
    insta::assert_snapshot!("call_dialog_raw_80x24", render_at(&state, 80, 24));
}

#[test]
fn each_tool_keeps_its_call_history_and_reruns_an_entry() {
    let mut state = on_call_dialog();
    send_call(&mut state);
    call_answers(&mut state, false);
    ctrl(&mut state, 'o');
    send_call(&mut state);
    call_answers(&mut state, true);
    // ctrl-n: the history, newest first, and the entry chosen.
    ctrl(&mut state, 'n');
    let screen = render(&state);
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| !l.contains("as: "))
        .filter(|l| l.contains("configured") || l.contains("sales-copilot"))
        .collect();
    assert_eq!(rows.len(), 2, "{screen}");
    assert!(
        rows[0].contains("sales-copilot") && rows[0].contains("tool error"),
        "{screen}"
    );
    assert!(
        rows[1].contains("configured") && rows[1].contains("ok"),
        "{screen}"
    );
    // ctrl-n again chooses the older; ctrl-g sends it again as it was.
    ctrl(&mut state, 'n');
    let effects = ctrl(&mut state, 'g');
    let [
        Effect::Gateway(gateway::Job::CallTool {
            arguments, caller, ..
        }),
    ] = &effects[..]
    else {
        panic!("the entry is sent again: {effects:?}");
    };
    assert_eq!(arguments, &json!({"number": "INV-7"}));
    assert_eq!(caller, &acc_domain::CallerIdentity::Configured);
    // The history is the tool's: another tool's dialog starts without it.
    key(&mut state, KeyCode::Esc);
    keys(&mut state, "k");
    key(&mut state, KeyCode::Char('c'));
    ctrl(&mut state, 'n');
    assert!(render(&state).contains("no calls of this tool yet"));
}

#[test]
fn copy_as_curl_names_the_token_s_env_var() {
    let mut state = on_call_dialog();
    ctrl(&mut state, 'o');
    ctrl(&mut state, 'o');
    ctrl(&mut state, 'o');
    keys(&mut state, "s3cr3t-token-text");
    let effects = ctrl(&mut state, 'x');
    let [Effect::Copy(curl)] = &effects[..] else {
        panic!("the command is copied: {effects:?}");
    };
    assert!(
        curl.contains(r#"-H "Authorization: Bearer $ACC_TOKEN""#),
        "{curl}"
    );
    assert!(
        curl.contains("billing___lookup_invoice") && curl.contains("INV-7"),
        "{curl}"
    );
    assert!(!curl.contains("s3cr3t"), "{curl}");
    let screen = render(&state);
    assert!(screen.contains("curl -sS -X POST"), "{screen}");
    assert!(!screen.contains("s3cr3t"), "{screen}");
}

/// A tool as a real FastMCP server publishes it (tests/fastmcp_server/shop.py):
/// its models behind `$ref`s, one recursive, an enum, patterns and an
/// optional list. The form has a typed field for each argument and the
/// schema tree shows every nested field.
#[test]
fn fastmcp_tool_form_and_schema_tree_follow_refs() {
    let mut state = loaded(false);
    open_tools(&mut state);
    let schema = serde_json::from_str(include_str!(
        "../../../tests/fastmcp_server/place_order.input_schema.json"
    ))
    .unwrap();
    let mut tool = Tool::from_target("shop", "place_order", "Place an order.", schema);
    tool.source = acc_domain::ToolSource::Mcp;
    update(
        &mut state,
        Action::Gateway(gateway::Msg::McpCatalogLoaded {
            gateway_id: "orbit-hub-k3j9x0a1b2".into(),
            result: Ok(acc_backend::McpCatalog {
                tools: vec![tool],
                pages: 1,
                has_search_tool: false,
            }),
        }),
    );
    assert!(key(&mut state, KeyCode::Char('c')).is_empty());
    let form = state.gateway.call.clone().unwrap();
    let fields: Vec<(&str, &str)> = form
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.type_label.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("order.lines", "array<object>"),
            ("order.ship_to.street", "string"),
            ("order.ship_to.zip", "string"),
            ("order.gift_tags", "array|null"),
            ("order.category.name", "string"),
            ("order.category.parent", "any"),
            ("priority", "string")
        ]
    );
    assert!(matches!(
        &form.fields[6].kind,
        gateway::call_form::FieldKind::Choice(options) if options.len() == 2
    ));
    // Each inner field is indented under its model's label, required ones
    // marked; the focused one shows its whole path.
    let screen = render(&state);
    for line in [
        "order* object",
        "  ship_to* object",
        "    zip* string",
        "  category object|null",
        "    name* string",
        "order.lines",
    ] {
        assert!(screen.contains(line), "{line:?} missing from\n{screen}");
    }
    insta::assert_snapshot!("fastmcp_call_form", screen);
    insta::assert_snapshot!("fastmcp_call_form_80x24", render_at(&state, 80, 24));
    insta::assert_snapshot!("fastmcp_call_form_200x50", render_at(&state, 200, 50));
    // Typing into the inner fields through the keys sends nested arguments.
    keys(
        &mut state,
        r#"[{"sku":"ABC-123","size":"small","quantity":1}]"#,
    );
    key(&mut state, KeyCode::Tab);
    keys(&mut state, "1 Quay St");
    key(&mut state, KeyCode::Tab);
    keys(&mut state, "12345");
    let effects = ctrl(&mut state, 's');
    let [Effect::Gateway(gateway::Job::CallTool { arguments, .. })] = &effects[..] else {
        panic!("one call is sent: {effects:?}");
    };
    assert_eq!(
        arguments,
        &serde_json::json!({"order": {
            "lines": [{"sku": "ABC-123", "size": "small", "quantity": 1}],
            "ship_to": {"street": "1 Quay St", "zip": "12345"}
        }})
    );
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Enter);
    let tree = render(&state);
    for field in [
        "order",
        "lines",
        "sku",
        "size",
        "quantity",
        "ship_to",
        "street",
        "zip",
        "gift_tags",
        "category",
        "name",
        "parent",
        "priority",
    ] {
        assert!(
            tree.lines().any(|l| l
                .split_whitespace()
                .any(|w| w.trim_start_matches(['│', '└']) == field)),
            "{field} missing from\n{tree}"
        );
    }
    insta::assert_snapshot!("fastmcp_schema_tree", render_at(&state, W, 40));
}
