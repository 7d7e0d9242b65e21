//! Two header lines: where we are connected, and the breadcrumbs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::shell::state::AppState;
use crate::widgets::list_view::{Cut, fit};

/// Draws the context line and the breadcrumbs.
pub(crate) fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let first = Line::from(context_spans(state, area.width)).style(theme.header);
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

/// The context line's parts that fit in `width`: the context and the
/// READ-ONLY marker always; the region, then the endpoint, while room is
/// left. The context's label is cut last.
fn context_spans(state: &AppState, width: u16) -> Vec<Span<'static>> {
    let theme = &state.theme;
    let ctx = &state.context;
    let bold = theme.header.add_modifier(Modifier::BOLD);
    let mode = if state.readonly {
        Span::styled(" READ-ONLY ", theme.readonly)
    } else {
        Span::styled(" read-write ", theme.header)
    };
    // (priority: lower stays longer, span); display order as listed.
    let mut parts: Vec<(u8, Span<'static>)> = vec![
        (0, Span::styled(" acc ", bold)),
        (
            0,
            Span::styled(format!(" ctx: {} ", ctx.label()), theme.header),
        ),
        (
            3,
            Span::styled(format!(" endpoint: {} ", ctx.endpoint), theme.header),
        ),
    ];
    if let Some(region) = &ctx.region {
        parts.push((2, Span::styled(format!(" region: {region} "), theme.header)));
    }
    parts.push((if state.readonly { 0 } else { 1 }, mode));
    let total = |parts: &[(u8, Span)]| parts.iter().map(|(_, s)| s.width()).sum::<usize>();
    while total(&parts) > usize::from(width) {
        let Some(pos) = (0..parts.len())
            .filter(|&p| parts[p].0 > 0)
            .max_by_key(|&p| (parts[p].0, p))
        else {
            break;
        };
        parts.remove(pos);
    }
    let over = total(&parts).saturating_sub(usize::from(width));
    if over > 0 {
        // Only the essentials are left: cut the context's label.
        let label = ctx.label();
        let room = Span::raw(label.as_str()).width().saturating_sub(over);
        let room = u16::try_from(room).unwrap_or(u16::MAX);
        parts[1].1 = Span::styled(
            format!(" ctx: {} ", fit(&label, room, Cut::End)),
            theme.header,
        );
    }
    parts.into_iter().map(|(_, s)| s).collect()
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
