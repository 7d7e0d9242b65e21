//! The memory screens that read as text (a memory, a conversation, a
//! record, the scan): their lines in a list, coloured by tone.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::features::memory::route::Route;
use crate::features::memory::text_screens::lines_of;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line};

const COLUMNS: &[Column] = &[Column::new("", 20, 0)];

/// What the screen is waiting for, to say while it loads or failed.
fn pending<'a>(state: &'a AppState, route: &Route) -> ratatui::text::Line<'a> {
    let mem = &state.memory;
    match route {
        Route::Conversation { .. } => empty_line(
            state,
            mem.conversation.as_ref().map(|c| &c.events),
            "events",
            None,
            None,
        ),
        Route::Scan { memory_id } => {
            empty_line(state, mem.scans.get(memory_id), "the scan", None, None)
        }
        Route::Record { memory_id, .. } => {
            empty_line(state, mem.records.get(memory_id), "the record", None, None)
        }
        _ => empty_line(state, Some(&mem.memories), "the memory", None, None),
    }
}

pub(crate) fn render(
    state: &AppState,
    route: &Route,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let lines = lines_of(state, route).unwrap_or_default();
    let mut title = match route {
        Route::Conversation {
            actor_id,
            session_id,
            ..
        } => format!("{actor_id} · {session_id}"),
        Route::Scan { memory_id } => format!("sensitive data in {memory_id}"),
        Route::Record { record_id, .. } => format!("record {record_id}"),
        Route::Memory { memory_id } => format!("memory {memory_id}"),
        _ => String::new(),
    };
    if matches!(route, Route::Conversation { .. })
        && state.memory.conversation.as_ref().is_some_and(|c| c.follow)
    {
        title.push_str(" · following");
    }
    let list = ListView {
        title,
        columns: COLUMNS,
        cursor,
        total: lines.len(),
        wide: state.wide,
        empty: pending(state, route),
    };
    list.render(frame, area, &state.theme, |i, theme| {
        lines
            .get(i)
            .map(|l| vec![Cell::from(l.text.clone()).style(l.tone.style(theme))])
            .unwrap_or_default()
    });
}
