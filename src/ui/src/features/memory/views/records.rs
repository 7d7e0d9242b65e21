//! The namespace tree with record counts, and the records under a
//! namespace (strategy, created, text), virtualised: a frame draws only
//! the rows on screen, whatever the number of records.

use acc_domain::memory::date_time;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;

use crate::features::memory::text_screens::is_local;
use crate::features::memory::view_line::shown;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line, filter_of};

/// The honest note above record lists, when the platform is local; the
/// area left for the list.
pub(crate) fn note_area(state: &AppState, frame: &mut Frame, area: Rect) -> Rect {
    if !is_local(state) {
        return area;
    }
    let [note, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(format!(" {}", acc_domain::memory::LOCAL_EXTRACTION_NOTE))
            .style(state.theme.warning),
        note,
    );
    rest
}

/// The list over a memory's records (or their tree): its title, columns
/// and rows counted; what it says while they load or when there are none.
fn records_list<'a>(
    state: &'a AppState,
    memory_id: &str,
    title: String,
    columns: &'a [Column],
    cursor: &'a ListCursor,
    total: usize,
) -> ListView<'a> {
    ListView {
        title,
        columns,
        cursor,
        total,
        wide: state.wide,
        empty: empty_line(
            state,
            state.memory.records.get(memory_id),
            "records",
            Some("strategies extract them from events"),
            filter_of(cursor),
        ),
    }
}

const TREE_COLUMNS: &[Column] = &[
    Column::new("NAMESPACE", 20, 0),
    Column::new("RECORDS", 7, 1),
];

pub(crate) fn render_namespaces(
    state: &AppState,
    memory_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let area = note_area(state, frame, area);
    let tree = state
        .memory
        .record_set(memory_id)
        .map(|s| s.tree.as_slice())
        .unwrap_or_default();
    let title = format!("namespaces of {memory_id}");
    let list = records_list(state, memory_id, title, TREE_COLUMNS, cursor, tree.len());
    list.render(frame, area, &state.theme, |i, theme| {
        let Some(n) = tree.get(i) else {
            return Vec::new();
        };
        let name = if n.depth == 0 {
            "/ (all)".to_owned()
        } else {
            let last = n
                .path
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default();
            format!("{}{last}/", "  ".repeat(n.depth))
        };
        vec![
            Cell::from(name),
            Cell::from(n.records.to_string()).style(theme.muted),
        ]
    });
}

const RECORD_COLUMNS: &[Column] = &[
    Column::new("TEXT", 24, 0),
    Column::new("STRATEGY", 10, 1).id(),
    Column::new("CREATED", 16, 2),
    Column::new("NAMESPACE", 12, 3),
];

pub(crate) fn render(
    state: &AppState,
    memory_id: &str,
    path: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let area = note_area(state, frame, area);
    let records = state
        .memory
        .record_set(memory_id)
        .map(|s| s.records.as_slice())
        .unwrap_or_default();
    let revealed = state.memory.revealed;
    let list = records_list(
        state,
        memory_id,
        format!("records {path}"),
        RECORD_COLUMNS,
        cursor,
        records.len(),
    );
    list.render(frame, area, &state.theme, |i, theme| {
        let Some(r) = records.get(i) else {
            return Vec::new();
        };
        vec![
            Cell::from(shown(&r.text, revealed).replace('\n', " ")),
            Cell::from(r.strategy_id.clone()).style(theme.muted),
            Cell::from(date_time(r.created_at_ms)).style(theme.muted),
            Cell::from(r.namespace.clone()).style(theme.muted),
        ]
    });
}
