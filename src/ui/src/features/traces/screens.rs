//! The trace explorer's screens as the shell sees them: titles, keys,
//! loads, rows, commands and drawing, per screen.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::features::traces::keys;
use crate::features::traces::route::Route;
use crate::features::traces::waterfall::parsed_filter;
use crate::features::traces::{commands, detail, diff, list, live, views};
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::keymap::{Binding, Command};
use crate::shell::loadable::start_load;
use crate::shell::navigation::push;
use crate::shell::screens::{Clip, Screens};
use crate::shell::state::{AppState, ListCursor};

/// The first characters of an id, for crumbs.
fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

impl Screens for Route {
    fn title(&self) -> &'static str {
        match self {
            Route::Traces => "traces",
            Route::Waterfall { .. } => "waterfall",
            Route::Span { .. } => "span",
            Route::Diff { .. } => "trace diff",
        }
    }

    fn crumb(&self, state: &AppState, _parent_gateway: Option<&str>) -> String {
        match self {
            Route::Traces => "traces".into(),
            Route::Waterfall { trace_id } => format!("trace {}", short(trace_id)),
            Route::Span { trace_id, span_id } => {
                let name = state
                    .traces
                    .trace(trace_id)
                    .and_then(|t| t.span(t.row_of(span_id)?))
                    .map_or(span_id.as_str(), |s| s.name.as_str());
                format!("span {name}")
            }
            Route::Diff { left, right } => format!("diff {} {}", short(left), short(right)),
        }
    }

    fn bindings(&self) -> &'static [Binding] {
        match self {
            Route::Traces => keys::TRACES,
            Route::Waterfall { .. } => keys::WATERFALL,
            Route::Span { .. } => keys::SPAN,
            Route::Diff { .. } => keys::DIFF,
        }
    }

    fn load(&self, state: &mut AppState) -> Vec<Effect> {
        match self {
            Route::Traces if state.traces.list.needs_load() => list::load(state),
            Route::Traces => Vec::new(),
            Route::Waterfall { trace_id } | Route::Span { trace_id, .. } => {
                if start_load(&mut state.traces.open, trace_id, state.tick) {
                    live::read(state, trace_id)
                } else {
                    Vec::new()
                }
            }
            Route::Diff { .. } => diff::load_both(state),
        }
    }

    fn reload(&self, state: &mut AppState) -> Vec<Effect> {
        match self {
            Route::Traces => return list::load(state),
            Route::Waterfall { trace_id } | Route::Span { trace_id, .. } => {
                state.traces.open.remove(trace_id);
            }
            Route::Diff { left, right } => {
                state.traces.open.remove(left);
                state.traces.open.remove(right);
                state.traces.diffs.remove(&(left.clone(), right.clone()));
            }
        }
        self.load(state)
    }

    fn poll_every(&self, state: &AppState) -> Option<u64> {
        match self {
            Route::Traces => Some(list::poll_every(state)),
            Route::Waterfall { trace_id } | Route::Span { trace_id, .. } => {
                live::poll_every(state, trace_id)
            }
            Route::Diff { .. } => None,
        }
    }

    fn poll(&self, state: &mut AppState) -> Vec<Effect> {
        match self {
            Route::Traces => list::load(state),
            Route::Waterfall { trace_id } | Route::Span { trace_id, .. } => {
                live::read(state, trace_id)
            }
            Route::Diff { .. } => Vec::new(),
        }
    }

    fn visible_rows(&self, state: &AppState, filter: &FilterQuery) -> Vec<usize> {
        let tr = &state.traces;
        match self {
            // The backend applies the filter: every trace it answers shows.
            Route::Traces => match tr.list.loaded() {
                Some(traces) => list::trace_order(traces, tr.sort, tr.reversed),
                None => Vec::new(),
            },
            Route::Waterfall { trace_id } => match tr.trace(trace_id) {
                Some(trace) => {
                    let parsed = parsed_filter(&filter.text).and_then(Result::ok);
                    trace.shown_rows(parsed.as_ref())
                }
                None => Vec::new(),
            },
            Route::Span { trace_id, span_id } => match tr.trace(trace_id) {
                Some(trace) => {
                    let lines = detail::span_lines(trace, span_id);
                    filter.apply(lines.iter().map(|l| l.text.as_str()))
                }
                None => Vec::new(),
            },
            Route::Diff { left, right } => tr
                .diffs
                .get(&(left.clone(), right.clone()))
                .map_or_else(Vec::new, |d| (0..d.rows.len()).collect()),
        }
    }

    fn on_command(&self, state: &mut AppState, command: Command) -> Option<Vec<Effect>> {
        match (self, command) {
            (Route::Waterfall { trace_id }, Command::Open) => {
                Some(commands::fold_or_open(state, trace_id))
            }
            (_, Command::Traces(command)) => Some(commands::on_command(state, self, command)),
            _ => None,
        }
    }

    fn open(&self, state: &mut AppState, index: usize) -> Vec<Effect> {
        match self {
            Route::Traces => match list::trace_at(state, index) {
                Some(t) => {
                    let route = Route::Waterfall {
                        trace_id: t.trace_id.clone(),
                    };
                    push(state, route.into())
                }
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn copy(&self, state: &AppState, selected: Option<usize>) -> Clip {
        let tr = &state.traces;
        match self {
            Route::Traces => Clip::json(selected.and_then(|i| list::trace_at(state, i))),
            Route::Waterfall { trace_id } => {
                Clip::json(selected.and_then(|row| tr.trace(trace_id)?.span(row)))
            }
            Route::Span { trace_id, span_id } => {
                Clip::json(tr.trace(trace_id).and_then(|t| t.span(t.row_of(span_id)?)))
            }
            Route::Diff { .. } => Clip::NOTHING_SELECTED,
        }
    }

    fn on_close(&self, state: &mut AppState) {
        commands::forget_unshown(state);
    }

    fn render(&self, state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
        match self {
            Route::Traces => views::list::render(state, cursor, frame, area),
            Route::Waterfall { trace_id } => {
                views::waterfall::render(state, trace_id, cursor, frame, area)
            }
            Route::Span { trace_id, span_id } => {
                views::detail::render(state, trace_id, span_id, cursor, frame, area)
            }
            Route::Diff { left, right } => {
                views::diff::render(state, left, right, cursor, frame, area)
            }
        }
    }
}
