//! The call dialog: the argument editor (form or raw JSON) on the left, the
//! outcome on the right: the tool's content, or the raw JSON-RPC exchange,
//! with the latency the client measured.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use serde_json::Value;

use crate::features::gateway::call_form::{CallForm, CallState, EditorMode, FieldKind, ResultTab};
use crate::features::gateway::call_history;
use crate::shell::state::AppState;

pub(crate) fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let Some(form) = &state.gateway.call else {
        frame.render_widget(
            Paragraph::new("no call dialog open").style(theme.muted),
            area,
        );
        return;
    };
    let [about, panes] = Layout::vertical([Constraint::Length(2), Constraint::Min(4)]).areas(area);
    let mut caller = vec![
        Span::styled(" · as: ", theme.muted),
        Span::styled(form.caller_label(), theme.accent),
    ];
    if form.token_focus {
        caller.push(Span::styled(
            "▏ typing the token (enter: done)",
            theme.muted,
        ));
    } else if form.callers.len() > 1 {
        caller.push(Span::styled(" (ctrl-o)", theme.muted));
    }
    let mut title = vec![
        Span::styled(format!(" {} ", form.tool), theme.accent),
        Span::styled(
            format!("on {}", state.gateway.name_of(&form.gateway_id)),
            theme.muted,
        ),
    ];
    title.extend(caller);
    let head = vec![
        Line::from(title),
        Line::styled(format!(" {}", form.description), theme.muted),
    ];
    frame.render_widget(Paragraph::new(head), about);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(panes);
    render_editor(state, form, frame, left);
    render_outcome(state, form, frame, right);
}

fn render_editor(state: &AppState, form: &CallForm, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let title = match form.mode {
        EditorMode::Form => " arguments · form (ctrl-e: json) ",
        EditorMode::Raw => " arguments · json (ctrl-e: form) ",
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title, theme.header));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let problems_height = (form.problems.len() as u16).min(inner.height / 2);
    let [editor, problems] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(problems_height)]).areas(inner);
    match form.mode {
        EditorMode::Form => {
            let (lines, focused) = form_lines(state, form);
            // Keep the focused input (and its description) in view.
            let shown = usize::from(editor.height.max(1));
            let scroll = (focused + 2).saturating_sub(shown);
            let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
            frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), editor);
        }
        EditorMode::Raw => frame.render_widget(&form.raw, editor),
    }
    let lines: Vec<Line> = form
        .problems
        .iter()
        .map(|p| Line::styled(format!("✗ {p}"), theme.error))
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), problems);
}

/// The form's lines: each nested model's label, the inputs indented under
/// it; and the index of the focused input's line.
fn form_lines(state: &AppState, form: &CallForm) -> (Vec<Line<'static>>, usize) {
    let theme = &state.theme;
    let mut lines = Vec::new();
    let mut focused_line = 0;
    let mut labelled: &[String] = &[];
    for (i, field) in form.fields.iter().enumerate() {
        let (leaf, parent) = field.path.split_last().expect("a field has a path");
        let common = labelled
            .iter()
            .zip(parent)
            .take_while(|(a, b)| a == b)
            .count();
        for depth in common + 1..=parent.len() {
            lines.push(group_line(state, form, &parent[..depth]));
        }
        labelled = parent;
        let indent = "  ".repeat(parent.len());
        let focused = i == form.focus;
        let name_style = if focused {
            theme.selection
        } else if field.required {
            theme.accent
        } else {
            theme.base
        };
        let hint = match &field.kind {
            FieldKind::Boolean | FieldKind::Choice(_) if field.value.is_empty() => {
                "(space to choose)"
            }
            _ if field.value.is_empty() && field.required => "(required)",
            _ => "",
        };
        let mut spans = vec![
            Span::styled(if focused { "▸ " } else { "  " }, theme.accent),
            Span::raw(indent.clone()),
            Span::styled(
                format!("{leaf}{}", if field.required { "*" } else { "" }),
                name_style,
            ),
            Span::styled(format!(" {} ", field.type_label), theme.muted),
            Span::raw(field.value.clone()),
        ];
        if focused {
            focused_line = lines.len();
            spans.push(Span::styled("▏", theme.accent));
        }
        spans.push(Span::styled(hint, theme.muted));
        lines.push(Line::from(spans));
        let about = match (parent.is_empty(), field.description.is_empty()) {
            (true, true) => None,
            (true, false) => Some(field.description.clone()),
            (false, true) => Some(field.name.clone()),
            (false, false) => Some(format!("{} · {}", field.name, field.description)),
        };
        if let (true, Some(about)) = (focused, about) {
            lines.push(Line::styled(format!("    {indent}{about}"), theme.muted));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled("this tool takes no arguments", theme.muted));
    }
    (lines, focused_line)
}

/// A nested model's label: its name (starred when required) and type.
fn group_line(state: &AppState, form: &CallForm, path: &[String]) -> Line<'static> {
    let theme = &state.theme;
    let group = form.groups.iter().find(|g| g.path == path);
    let required = group.is_some_and(|g| g.required);
    let kind = group.map_or("object", |g| g.type_label.as_str());
    let name = path.last().map_or("", String::as_str);
    Line::from(vec![
        Span::raw(format!("  {}", "  ".repeat(path.len() - 1))),
        Span::styled(
            format!("{name}{}", if required { "*" } else { "" }),
            if required { theme.accent } else { theme.base },
        ),
        Span::styled(format!(" {kind}"), theme.muted),
    ])
}

fn render_outcome(state: &AppState, form: &CallForm, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let tab = |name: &str, on: bool| {
        Span::styled(
            format!(" {name} "),
            if on { theme.selection } else { theme.muted },
        )
    };
    let mut title = vec![
        tab("result", form.tab == ResultTab::Content),
        tab("raw", form.tab == ResultTab::Exchange),
        tab("history", form.tab == ResultTab::History),
    ];
    if form.curl.is_some() {
        title.push(tab("curl", form.tab == ResultTab::Curl));
    }
    let lines: Vec<Line> = match (&form.call, form.tab) {
        (_, ResultTab::History) => history_lines(state, form),
        (_, ResultTab::Curl) => form
            .curl
            .iter()
            .flat_map(|c| c.lines())
            .map(|l| Line::raw(l.to_owned()))
            .collect(),
        (call, _) => call_lines(state, form, call, &mut title),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Line::from(title));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((form.scroll, 0)),
        area,
    );
}

/// The call's state, content or raw exchange; its status and latency go
/// to the `title`.
fn call_lines(
    state: &AppState,
    form: &CallForm,
    call: &CallState,
    title: &mut Vec<Span<'static>>,
) -> Vec<Line<'static>> {
    let theme = &state.theme;
    match call {
        CallState::Editing => vec![Line::styled(
            "ctrl-s validates the arguments and sends tools/call; enter moves to the next field",
            theme.muted,
        )],
        CallState::InFlight => vec![Line::styled("calling…", theme.accent)],
        CallState::Failed(e) => vec![Line::styled(format!("call failed: {e}"), theme.error)],
        CallState::Done(report) => {
            let status = match (&report.rpc_error, report.is_error) {
                (Some(e), _) => Span::styled(format!(" JSON-RPC error {} ", e.code), theme.error),
                (None, true) => Span::styled(" tool error ", theme.error),
                (None, false) => Span::styled(" ok ", theme.success),
            };
            title.push(status);
            title.push(Span::styled(
                format!(" {:.1} ms ", report.latency_ms),
                theme.muted,
            ));
            match form.tab {
                ResultTab::Exchange => exchange_lines(report, theme.accent, theme.muted),
                _ => content_lines(report, theme.error, theme.muted),
            }
        }
    }
}

/// The raw exchange: the HTTP request line and headers (credentials were
/// masked when recorded), the JSON-RPC request, the status, the response
/// headers and the JSON-RPC response.
fn exchange_lines(
    report: &acc_domain::ToolCallReport,
    accent: Style,
    muted: Style,
) -> Vec<Line<'static>> {
    let headers = |headers: &[acc_domain::HttpHeader]| -> Vec<Line<'static>> {
        headers
            .iter()
            .map(|h| Line::styled(format!("  {}: {}", h.name, h.value), muted))
            .collect()
    };
    let mut lines = Vec::new();
    if let Some(http) = &report.http {
        lines.push(Line::styled(
            format!("→ {} {}", http.method, http.url),
            accent,
        ));
        lines.extend(headers(&http.request_headers));
    }
    lines.push(Line::styled("→ request", accent));
    lines.extend(json_lines(&report.request));
    if let Some(http) = &report.http {
        lines.push(Line::styled(format!("← HTTP {}", http.status), accent));
        lines.extend(headers(&http.response_headers));
    }
    lines.push(Line::styled("← response", accent));
    lines.extend(json_lines(&report.response));
    lines
}

/// The tool's last calls, newest first, the chosen one marked.
fn history_lines(state: &AppState, form: &CallForm) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let calls = call_history::of(&state.gateway, &form.gateway_id, &form.tool);
    if calls.is_empty() {
        return vec![Line::styled(
            "no calls of this tool yet (ctrl-s sends one)",
            theme.muted,
        )];
    }
    let mut lines = vec![Line::styled(
        "ctrl-n older · ctrl-p newer · ctrl-g sends the chosen call again",
        theme.muted,
    )];
    for (i, call) in calls.iter().enumerate() {
        let chosen = i == form.history_selected;
        let outcome = if call.outcome == "ok" {
            theme.success
        } else {
            theme.error
        };
        lines.push(Line::from(vec![
            Span::styled(if chosen { "▸ " } else { "  " }, theme.accent),
            Span::styled(format!("{}  ", call.at), theme.muted),
            Span::styled(
                format!("{:<16}", call.caller.label()),
                if chosen { theme.selection } else { theme.base },
            ),
            Span::styled(call.outcome.clone(), outcome),
        ]));
    }
    lines
}

/// What the tool answered: text items as text, others as JSON.
fn content_lines(
    report: &acc_domain::ToolCallReport,
    error: Style,
    muted: Style,
) -> Vec<Line<'static>> {
    if let Some(e) = &report.rpc_error {
        return vec![Line::styled(e.message.clone(), error)];
    }
    let mut lines = Vec::new();
    for item in &report.content {
        match item.get("text").and_then(Value::as_str) {
            Some(text) => {
                // JSON text reads better indented.
                match serde_json::from_str::<Value>(text) {
                    Ok(json @ (Value::Object(_) | Value::Array(_))) => {
                        lines.extend(json_lines(&json))
                    }
                    _ => lines.extend(text.lines().map(|l| Line::raw(l.to_owned()))),
                }
            }
            None => lines.extend(json_lines(item)),
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled("(no content)", muted));
    }
    lines
}

fn json_lines(value: &Value) -> Vec<Line<'static>> {
    serde_json::to_string_pretty(value)
        .unwrap_or_default()
        .lines()
        .map(|l| Line::raw(l.to_owned()))
        .collect()
}
