//! Two header lines: where we are connected, and the breadcrumbs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::shell::route::Route;
use crate::shell::state::AppState;

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let ctx = &state.context;
    let mut spans = vec![
        Span::styled(
            " acc ",
            theme.header.add_modifier(ratatui::style::Modifier::BOLD),
        ),
        Span::styled(format!(" ctx: {} ", ctx.label()), theme.header),
        Span::styled(format!(" endpoint: {} ", ctx.endpoint), theme.header),
    ];
    if let Some(region) = &ctx.region {
        spans.push(Span::styled(format!(" region: {region} "), theme.header));
    }
    spans.push(if state.readonly {
        Span::styled(
            " READ-ONLY ",
            theme
                .warning
                .add_modifier(ratatui::style::Modifier::REVERSED),
        )
    } else {
        Span::styled(" read-write ", theme.header)
    });
    let first = Line::from(spans).style(theme.header);
    let mut crumbs = vec![Span::raw(" ")];
    for (i, screen) in state.stack.iter().enumerate() {
        if i > 0 {
            crumbs.push(Span::styled(" › ", theme.muted));
        }
        let last = i + 1 == state.stack.len();
        let style = if last { theme.accent } else { theme.muted };
        let parent_gateway = i
            .checked_sub(1)
            .and_then(|p| state.stack[p].route.gateway_id());
        crumbs.push(Span::styled(
            crumb(state, &screen.route, parent_gateway),
            style,
        ));
    }
    let second = Line::from(crumbs);
    frame.render_widget(Paragraph::new(vec![first, second]).style(theme.base), area);
}

/// How a route reads in the breadcrumbs; the gateway's name is left out
/// when the previous crumb already names it.
pub fn crumb(state: &AppState, route: &Route, parent_gateway: Option<&str>) -> String {
    let under = |gateway_id: &str, what: &str| {
        if parent_gateway == Some(gateway_id) {
            what.to_string()
        } else {
            format!("{} › {what}", state.gateway_name(gateway_id))
        }
    };
    match route {
        Route::Gateways => "gateways".into(),
        Route::GatewayDetail { gateway_id } => under(gateway_id, "describe"),
        Route::Targets { gateway_id } => under(gateway_id, "targets"),
        Route::Tools { gateway_id } => under(gateway_id, "tools"),
        Route::ToolDetail { tool, .. } => tool.clone(),
        Route::ToolCall { .. } => "call".into(),
        Route::Captures { gateway_id } => under(gateway_id, "captures"),
        Route::CaptureDetail { index, .. } => format!("capture {}", index + 1),
        Route::Contexts => "contexts".into(),
        Route::Policies { gateway_id } => under(gateway_id, "policies"),
        Route::PolicyTemplates { .. } => "new policy".into(),
        Route::PolicyEditor { .. } => match &state.editor {
            Some(editor) => format!("edit {}", editor.name),
            None => "edit".into(),
        },
        Route::DryRun { .. } => "dry-run".into(),
        Route::DryRunDetail { index, .. } => format!("why {}", index + 1),
        Route::Runtimes => "runtimes".into(),
        Route::Invoke { runtime_id } => format!("invoke {runtime_id}"),
        Route::Sessions => "sessions".into(),
        Route::SessionDetail { session_id } => format!("session {session_id}"),
    }
}
