//! The targets of one gateway.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line, filter_of};

const COLUMNS: &[Column] = &[
    Column::new("NAME", 10, 0),
    Column::new("ID", 8, 2).id(),
    Column::new("TYPE", 6, 3),
    Column::new("STATUS", 6, 1),
    Column::new("TOOLS", 5, 2),
    Column::new("ENDPOINT", 10, 4),
];

pub(crate) fn render(
    state: &AppState,
    gateway_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let data = state.gateway.targets.get(gateway_id);
    let targets = data
        .and_then(|d| d.loaded())
        .map(Vec::as_slice)
        .unwrap_or_default();
    let list = ListView {
        title: format!("targets({})", state.gateway.name_of(gateway_id)),
        columns: COLUMNS,
        cursor,
        total: targets.len(),
        wide: state.wide,
        empty: empty_line(state, data, "targets", None, filter_of(cursor)),
    };
    let theme = &state.theme;
    list.render(frame, area, theme, |i, theme| {
        let t = &targets[i];
        let tools = match (&t.tools_note, t.tools.len()) {
            (Some(_), 0) => "-".to_string(),
            (_, n) => n.to_string(),
        };
        let endpoint = t
            .endpoint
            .clone()
            .or_else(|| t.tools_note.clone())
            .unwrap_or_default();
        vec![
            Cell::from(t.name.clone()),
            Cell::from(t.id.clone()),
            Cell::from(t.target_type.label().to_string()),
            Cell::from(t.status.clone()).style(if t.status == "READY" {
                theme.success
            } else {
                theme.warning
            }),
            Cell::from(tools),
            Cell::from(endpoint).style(theme.muted),
        ]
    });
}
