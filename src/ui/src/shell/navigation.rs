//! The stack of screens: going in and back, moving the selection, keeping
//! each list's rows up to date, and starting the loads a screen needs.

use crate::features::gateway;
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::route::Route;
use crate::shell::state::{AppState, ListCursor, PollSchedule, Screen};

/// Opens `route` on top of the stack and starts its loads.
pub(crate) fn push(state: &mut AppState, route: Route) -> Vec<Effect> {
    state.stack.push(Screen::new(route));
    let top = state.stack.len() - 1;
    refresh(state, top);
    load_for_current(state)
}

/// Opens `route` right above the root, as `:` commands do.
pub(crate) fn jump(state: &mut AppState, route: Route) -> Vec<Effect> {
    state.stack.truncate(1);
    push(state, route)
}

/// [`jump`], the new screen's list narrowed by `filter` (`:rt NAME`).
pub(crate) fn jump_filtered(
    state: &mut AppState,
    route: Route,
    filter: Option<String>,
) -> Vec<Effect> {
    let effects = jump(state, route);
    if let Some(text) = filter {
        let top = state.stack.len() - 1;
        state.stack[top].cursor.filter = FilterQuery::new(text);
        refresh_from_top(state);
    }
    effects
}

/// Back to the root screen alone, reloading what it needs.
pub(crate) fn home(state: &mut AppState) -> Vec<Effect> {
    state.stack.truncate(1);
    state.stack[0].route = Route::home();
    refresh(state, 0);
    load_for_current(state)
}

/// esc: dismiss the message, else what the screen clears itself, else the
/// filter, else go back one screen.
pub(crate) fn back(state: &mut AppState) {
    if state.message.is_some() {
        state.message = None;
        return;
    }
    let top = state.stack.len() - 1;
    let route = state.stack[top].route.clone();
    if route.screens().on_back(state) {
        return;
    }
    if !state.stack[top].cursor.filter.text.is_empty() {
        state.stack[top].cursor.filter = FilterQuery::default();
        refresh(state, top);
        return;
    }
    if state.stack.len() > 1
        && let Some(screen) = state.stack.pop()
    {
        screen.route.screens().on_close(state);
    }
}

/// Starts the loads the current screen needs and marks them in progress.
/// The gateways load on every screen: breadcrumbs and `:` commands name them.
pub(crate) fn load_for_current(state: &mut AppState) -> Vec<Effect> {
    let mut effects = gateway::load_gateways(state);
    let route = state.screen().route.clone();
    effects.extend(route.screens().load(state));
    effects
}

/// ctrl-r: reload everything the current screen shows, keeping what is
/// displayed until the new data arrives.
pub(crate) fn reload(state: &mut AppState) -> Vec<Effect> {
    let route = state.screen().route.clone();
    let mut effects = gateway::reload_gateways(route.gateway_id());
    effects.extend(route.screens().reload(state));
    effects
}

/// Moves the selection by `delta` rows.
pub(crate) fn move_by(state: &mut AppState, delta: isize) {
    let top = state.stack.len() - 1;
    let cursor = &mut state.stack[top].cursor;
    let len = cursor.visible.len();
    if len == 0 {
        return;
    }
    let next = (cursor.selected as isize)
        .saturating_add(delta)
        .clamp(0, len as isize - 1);
    cursor.selected = next as usize;
    clamp_cursor(state, top);
}

/// Recomputes every screen's rows (data arrived).
pub(crate) fn refresh_all(state: &mut AppState) {
    for i in 0..state.stack.len() {
        refresh(state, i);
    }
}

/// Recomputes the shown screen's rows from its first one (the filter or
/// the order changed).
pub(crate) fn refresh_from_top(state: &mut AppState) {
    let top = state.stack.len() - 1;
    state.stack[top].cursor.selected = 0;
    refresh(state, top);
}

/// Recomputes the shown screen's rows.
pub(crate) fn refresh_top(state: &mut AppState) {
    let top = state.stack.len() - 1;
    refresh(state, top);
}

/// Recomputes a screen's filtered rows and keeps its selection valid.
pub(crate) fn refresh(state: &mut AppState, index: usize) {
    let screen = &state.stack[index];
    let visible = screen
        .route
        .screens()
        .visible_rows(state, &screen.cursor.filter);
    let cursor = &mut state.stack[index].cursor;
    // Keep the same item selected when it survives the refresh.
    let previously = cursor.selected_item();
    cursor.visible = visible;
    if let Some(item) = previously
        && let Some(pos) = cursor.visible.iter().position(|&i| i == item)
    {
        cursor.selected = pos;
    }
    clamp_cursor(state, index);
}

/// Keeps `selected` in range and on screen.
pub(crate) fn clamp_cursor(state: &mut AppState, index: usize) {
    let height = state.list_height().max(1);
    let cursor: &mut ListCursor = &mut state.stack[index].cursor;
    let len = cursor.visible.len();
    cursor.selected = cursor.selected.min(len.saturating_sub(1));
    if cursor.selected < cursor.offset {
        cursor.offset = cursor.selected;
    } else if cursor.selected >= cursor.offset + height {
        cursor.offset = cursor.selected + 1 - height;
    }
    cursor.offset = cursor.offset.min(len.saturating_sub(height));
}

/// A tick: the shown screen's data again when its poll is due. A screen
/// shown anew waits one interval first (it has just loaded); the interval
/// is asked every tick, so a screen whose data starts or stops moving
/// changes pace at once.
pub(crate) fn poll_due(state: &mut AppState) -> Vec<Effect> {
    let route = state.screen().route.clone();
    let Some(every) = route.screens().poll_every(state) else {
        state.poll = None;
        return Vec::new();
    };
    let due = match &state.poll {
        Some(poll) if poll.route == route => state.tick >= poll.since + every.max(1),
        _ => {
            state.poll = Some(PollSchedule {
                route,
                since: state.tick,
            });
            return Vec::new();
        }
    };
    if !due {
        return Vec::new();
    }
    state.poll = Some(PollSchedule {
        route: route.clone(),
        since: state.tick,
    });
    route.screens().poll(state)
}
