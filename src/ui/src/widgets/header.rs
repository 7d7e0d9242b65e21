//! Two header lines: where we are connected, and the breadcrumbs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::shell::state::AppState;

/// Draws the context line and the breadcrumbs.
pub(crate) fn render(state: &AppState, frame: &mut Frame, area: Rect) {
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
            screen.route.screens().crumb(state, parent_gateway),
            style,
        ));
    }
    let second = Line::from(crumbs);
    frame.render_widget(Paragraph::new(vec![first, second]).style(theme.base), area);
}

/// A crumb about a gateway: `what`, after the gateway's name unless the
/// previous crumb already names it.
pub(crate) fn under(
    state: &AppState,
    parent_gateway: Option<&str>,
    gateway_id: &str,
    what: &str,
) -> String {
    if parent_gateway == Some(gateway_id) {
        what.to_string()
    } else {
        format!("{} › {what}", state.gateway.name_of(gateway_id))
    }
}
