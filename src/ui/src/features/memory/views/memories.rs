//! The memories list (status, strategies, event expiry, counts), a
//! memory's actors and an actor's sessions.

use acc_domain::memory::date_time;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::features::memory::state::session_key;
use crate::shell::loadable::Loadable;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line, filter_of};

const COLUMNS: &[Column] = &[
    Column::new("NAME", 10, 0),
    Column::new("STATUS", 6, 1),
    Column::new("STRATEGIES", 10, 2),
    Column::new("EXPIRY", 6, 3),
    Column::new("ACTORS", 6, 2),
    Column::new("SESSIONS", 8, 2),
    Column::new("EVENTS", 6, 2),
    Column::new("RECORDS", 7, 2),
    Column::new("ID", 12, 4).id(),
];

/// Short names of strategy types, as the list shows them.
fn kind_label(kind: &str) -> &str {
    match kind {
        "SEMANTIC" => "semantic",
        "SUMMARIZATION" => "summary",
        "USER_PREFERENCE" => "preference",
        "EPISODIC" => "episodic",
        "CUSTOM" => "custom",
        other => other,
    }
}

pub(crate) fn render(state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let mem = &state.memory;
    let memories = mem.memories.loaded().map(Vec::as_slice).unwrap_or_default();
    let list = ListView {
        title: "memories".into(),
        columns: COLUMNS,
        cursor,
        total: memories.len(),
        wide: state.wide,
        empty: empty_line(
            state,
            Some(&mem.memories),
            "memories",
            Some("an agent using AgentCore Memory creates one (CreateMemory)"),
            filter_of(cursor),
        ),
    };
    list.render(frame, area, theme, |i, theme| {
        let Some(m) = memories.get(i) else {
            return Vec::new();
        };
        let status_style = match m.status.as_str() {
            "ACTIVE" => theme.success,
            "FAILED" => theme.error,
            _ => theme.warning,
        };
        let kinds: Vec<&str> = m.strategies.iter().map(|s| kind_label(&s.kind)).collect();
        let count = |pick: fn(&acc_domain::memory::MemoryCounts) -> usize| -> Cell {
            match mem.counts.get(&m.id) {
                Some(Loadable::Loaded(c)) => Cell::from(c.show(pick(c))),
                Some(Loadable::Failed(_)) => Cell::from("?").style(theme.error),
                _ => Cell::from("…").style(theme.muted),
            }
        };
        vec![
            Cell::from(m.name.clone()),
            Cell::from(m.status.clone()).style(status_style),
            Cell::from(if kinds.is_empty() {
                "-".into()
            } else {
                kinds.join(",")
            }),
            Cell::from(format!("{}d", m.event_expiry_days)),
            count(|c| c.actors),
            count(|c| c.sessions),
            count(|c| c.events),
            count(|c| c.records),
            Cell::from(m.id.clone()).style(theme.muted),
        ]
    });
}

const ACTOR_COLUMNS: &[Column] = &[Column::new("ACTOR", 10, 0)];

pub(crate) fn render_actors(
    state: &AppState,
    memory_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let loadable = state.memory.actors.get(memory_id);
    let actors = loadable
        .and_then(Loadable::loaded)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let list = ListView {
        title: format!("actors of {memory_id}"),
        columns: ACTOR_COLUMNS,
        cursor,
        total: actors.len(),
        wide: state.wide,
        empty: empty_line(
            state,
            loadable,
            "actors",
            Some("agents write events with CreateEvent"),
            filter_of(cursor),
        ),
    };
    list.render(frame, area, &state.theme, |i, _| {
        actors
            .get(i)
            .map(|a| vec![Cell::from(a.clone())])
            .unwrap_or_default()
    });
}

const SESSION_COLUMNS: &[Column] = &[Column::new("SESSION", 10, 0), Column::new("CREATED", 16, 1)];

pub(crate) fn render_sessions(
    state: &AppState,
    memory_id: &str,
    actor_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let loadable = state.memory.sessions.get(&session_key(memory_id, actor_id));
    let sessions = loadable
        .and_then(Loadable::loaded)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let list = ListView {
        title: format!("sessions of {actor_id}"),
        columns: SESSION_COLUMNS,
        cursor,
        total: sessions.len(),
        wide: state.wide,
        empty: empty_line(state, loadable, "sessions", None, filter_of(cursor)),
    };
    list.render(frame, area, &state.theme, |i, theme| {
        sessions
            .get(i)
            .map(|s| {
                vec![
                    Cell::from(s.session_id.clone()),
                    Cell::from(date_time(s.created_at_ms)).style(theme.muted),
                ]
            })
            .unwrap_or_default()
    });
}
