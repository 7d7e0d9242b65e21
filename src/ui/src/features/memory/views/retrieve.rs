//! The retrieve console: the query line, where it searches, and the
//! ranked records with their scores.

use acc_domain::memory::LOCAL_EXTRACTION_NOTE;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::features::memory::text_screens::is_local;
use crate::features::memory::view_line::shown;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line};

const COLUMNS: &[Column] = &[
    Column::new("SCORE", 5, 0),
    Column::new("TEXT", 24, 0),
    Column::new("STRATEGY", 10, 2).id(),
    Column::new("NAMESPACE", 12, 1),
];

pub(crate) fn render(state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let Some(console) = state.memory.retrieve.as_ref() else {
        return;
    };
    let note_rows = u16::from(is_local(state));
    let [query, note, rest] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(note_rows),
        Constraint::Min(0),
    ])
    .areas(area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Line::from(vec![
            Span::styled(" retrieve ", theme.accent),
            Span::styled(
                format!(
                    "under {} · top {} ",
                    console.namespace_path,
                    crate::features::memory::job::TOP_K
                ),
                theme.muted,
            ),
        ]));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("query › ", theme.muted),
            Span::styled(format!("{}▏", console.query), theme.base),
        ]))
        .block(block),
        query,
    );
    if note_rows > 0 {
        frame.render_widget(
            Paragraph::new(format!(" {LOCAL_EXTRACTION_NOTE}")).style(theme.warning),
            note,
        );
    }
    let results = console
        .results
        .loaded()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let hint = if console.asked.is_empty() {
        "type a query, then enter".to_owned()
    } else {
        format!(
            "nothing under {} matches \"{}\"",
            console.namespace_path, console.asked
        )
    };
    let list = ListView {
        title: if console.asked.is_empty() {
            "results".into()
        } else {
            format!("results for \"{}\"", console.asked)
        },
        columns: COLUMNS,
        cursor,
        total: results.len(),
        wide: state.wide,
        empty: match &console.results {
            crate::shell::loadable::Loadable::NotLoaded => Line::raw(hint),
            crate::shell::loadable::Loadable::Loaded(_) => Line::raw(hint),
            other => empty_line(state, Some(other), "records", None, None),
        },
    };
    let revealed = state.memory.revealed;
    list.render(frame, rest, theme, |i, theme| {
        let Some(r) = results.get(i) else {
            return Vec::new();
        };
        let score = r.score.unwrap_or(0.0);
        // Strands drops records scoring under 0.2.
        let style = if score < 0.2 {
            theme.warning
        } else {
            theme.success
        };
        vec![
            Cell::from(format!("{score:.3}")).style(style),
            Cell::from(shown(&r.text, revealed).replace('\n', " ")),
            Cell::from(r.strategy_id.clone()).style(theme.muted),
            Cell::from(r.namespace.clone()).style(theme.muted),
        ]
    });
}
