//! The traces list: root span, service, session, start, duration, spans,
//! errors and tokens; the sort, window and errors-only in its title; a bad
//! filter named on a line above it; a list cut at the backend's read
//! bound says so in its bottom border.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::features::traces::views::format::{clock, duration};
use crate::features::traces::waterfall::parsed_filter;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line, filter_of};

/// At 80 columns the root, duration, errors and start stay; the session,
/// the trace id and the tokens go first.
const COLUMNS: &[Column] = &[
    Column::new("", 1, 0),
    Column::new("ROOT", 24, 0),
    Column::new("SERVICE", 10, 3),
    Column::new("SESSION", 12, 4).id(),
    Column::new("START", 12, 1),
    Column::new("DURATION", 8, 0),
    Column::new("SPANS", 5, 3),
    Column::new("ERR", 3, 0),
    Column::new("IN", 5, 2),
    Column::new("OUT", 5, 2),
    Column::new("TRACE", 12, 5).id(),
];

/// The list's title: its order, window and errors-only.
fn title(state: &AppState) -> String {
    let tr = &state.traces;
    let mut title = format!(
        "traces · last {} · sort: {} {}",
        tr.window.label(),
        tr.sort.label(),
        if tr.reversed { "↑" } else { "↓" }
    );
    if tr.errors_only {
        title.push_str(" · errors only");
    }
    if let Some(session) = &tr.session {
        title.push_str(&format!(" · session {session}"));
    }
    title
}

/// The line under a list the backend cut at its read bound.
fn partial_note(state: &AppState) -> Option<String> {
    let tr = &state.traces;
    let shown = tr.list.loaded()?.len();
    tr.truncated.then(|| {
        format!(" newest {shown} traces; older ones not read: narrow the window (w) or filter (/) ")
    })
}

pub(crate) fn render(state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let area = match parsed_filter(&cursor.filter.text) {
        Some(Err(e)) => {
            let [line, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
            frame.render_widget(
                Paragraph::new(Line::styled(format!(" filter: {e}"), theme.error)),
                line,
            );
            rest
        }
        _ => area,
    };
    let traces = state
        .traces
        .list
        .loaded()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let marked = state.traces.marked.as_deref();
    let list = ListView {
        title: title(state),
        columns: COLUMNS,
        cursor,
        total: traces.len(),
        wide: state.wide,
        empty: empty_line(
            state,
            Some(&state.traces.list),
            "traces",
            Some("invoke an agent (:rt, enter) and its spans arrive here"),
            filter_of(cursor),
        ),
    };
    list.render(frame, area, theme, |i, theme| {
        let Some(t) = traces.get(i) else {
            return Vec::new();
        };
        let errors = if t.error_count > 0 {
            Cell::from(t.error_count.to_string()).style(theme.error)
        } else {
            Cell::from("0").style(theme.muted)
        };
        let mark = if marked == Some(t.trace_id.as_str()) {
            Cell::from("◆").style(theme.warning)
        } else {
            Cell::from("")
        };
        vec![
            mark,
            Cell::from(t.root_name.clone()),
            Cell::from(t.service.clone()),
            Cell::from(t.session_id.clone()),
            Cell::from(clock(t.start_unix_nano)),
            Cell::from(duration(t.duration_nano)),
            Cell::from(t.span_count.to_string()),
            errors,
            Cell::from(t.input_tokens.to_string()),
            Cell::from(t.output_tokens.to_string()),
            Cell::from(t.trace_id.clone()),
        ]
    });
    if let Some(note) = partial_note(state) {
        footer(frame, area, Line::styled(note, theme.warning));
    }
}

/// `line` over the box's bottom border, after its corner: the rows keep
/// their height.
fn footer(frame: &mut Frame, area: Rect, line: Line<'static>) {
    if area.height < 2 || area.width < 3 {
        return;
    }
    let at = Rect {
        x: area.x + 1,
        y: area.bottom() - 1,
        width: (line.width() as u16).min(area.width - 2),
        height: 1,
    };
    frame.render_widget(Paragraph::new(line), at);
}
