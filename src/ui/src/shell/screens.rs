//! What the shell asks of a feature's screens. Each feature implements
//! [`Screens`] on its route enum; the shell reaches it through
//! [`Route::screens`](crate::shell::route::Route::screens) and never lists
//! the screens itself.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use serde::Serialize;

use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::keymap::{Binding, Command};
use crate::shell::state::{AppState, ListCursor};

/// The behaviour of one feature's screens.
pub(crate) trait Screens {
    /// The gateway the screen is about, if any.
    fn gateway_id(&self) -> Option<&str> {
        None
    }

    /// The resource word used in the help's title.
    fn title(&self) -> &'static str;

    /// How the screen reads in the breadcrumbs; `parent_gateway` is the
    /// gateway the previous crumb is about.
    fn crumb(&self, state: &AppState, parent_gateway: Option<&str>) -> String;

    /// The screen's own key bindings (the global ones come after).
    fn bindings(&self) -> &'static [Binding];

    /// Whether keys that can be text are typed into the screen.
    fn typing(&self) -> bool {
        false
    }

    /// A key typed into a typing screen.
    fn on_typed(&self, _state: &mut AppState, _key: KeyEvent) -> Vec<Effect> {
        Vec::new()
    }

    /// Starts the loads the screen needs and marks them in progress.
    fn load(&self, state: &mut AppState) -> Vec<Effect>;

    /// ctrl-r: the screen's data again, keeping what is shown meanwhile.
    fn reload(&self, state: &mut AppState) -> Vec<Effect>;

    /// Ticks (100 ms) between polls of the screen's data while it is
    /// shown; `None` when it does not poll.
    fn poll_every(&self, _state: &AppState) -> Option<u64> {
        None
    }

    /// A poll while shown: the screen's data again, keeping what is shown,
    /// and nothing that is still under way.
    fn poll(&self, _state: &mut AppState) -> Vec<Effect> {
        Vec::new()
    }

    /// Indices of the items that pass the filter, in display order.
    fn visible_rows(&self, state: &AppState, filter: &FilterQuery) -> Vec<usize>;

    /// A command for this screen; `None` leaves it to the shell.
    fn on_command(&self, state: &mut AppState, command: Command) -> Option<Vec<Effect>>;

    /// enter on the item `index`.
    fn open(&self, state: &mut AppState, index: usize) -> Vec<Effect>;

    /// What `y` copies, given the selected item.
    fn copy(&self, state: &AppState, selected: Option<usize>) -> Clip;

    /// esc, before the shell clears the filter or goes back; `true` when
    /// the screen used it.
    fn on_back(&self, _state: &mut AppState) -> bool {
        false
    }

    /// The screen leaves the stack.
    fn on_close(&self, _state: &mut AppState) {}

    /// Draws the screen's body.
    fn render(&self, state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect);
}

/// What `y` found to copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Clip {
    /// Text for the clipboard.
    Text(String),
    /// Nothing to copy; the message says why.
    Nothing(&'static str),
    /// The selection could not be written as JSON, and why.
    Unwritable(String),
}

impl Clip {
    /// A selected value as pretty JSON, or nothing selected.
    pub(crate) fn json<T: Serialize>(value: Option<&T>) -> Clip {
        match value.map(serde_json::to_string_pretty) {
            Some(Ok(text)) => Clip::Text(text),
            Some(Err(e)) => Clip::Unwritable(e.to_string()),
            None => Clip::NOTHING_SELECTED,
        }
    }

    /// The answer of screens without a selection to copy.
    pub(crate) const NOTHING_SELECTED: Clip = Clip::Nothing("nothing selected to copy");
}
