//! The `:ctx` screen as the shell sees it.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::features::context::job::Job;
use crate::features::context::route::Route;
use crate::features::context::{keys, view};
use crate::features::policy;
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::keymap::{Binding, Command};
use crate::shell::message::{error, info};
use crate::shell::screens::{Clip, Screens};
use crate::shell::state::{AppState, ListCursor};

impl Screens for Route {
    fn title(&self) -> &'static str {
        "contexts"
    }

    fn crumb(&self, _state: &AppState, _parent_gateway: Option<&str>) -> String {
        "contexts".into()
    }

    fn bindings(&self) -> &'static [Binding] {
        keys::CONTEXTS
    }

    fn load(&self, _state: &mut AppState) -> Vec<Effect> {
        vec![Job::LoadContexts.into()]
    }

    fn reload(&self, _state: &mut AppState) -> Vec<Effect> {
        vec![Job::LoadContexts.into()]
    }

    fn visible_rows(&self, state: &AppState, filter: &FilterQuery) -> Vec<usize> {
        filter.apply(state.contexts.choices.iter().map(|c| c.label.as_str()))
    }

    fn on_command(&self, _state: &mut AppState, _command: Command) -> Option<Vec<Effect>> {
        None
    }

    /// enter: switch to the context, unless it is the current one; unsaved
    /// policy edits, which a switch drops, are asked about first.
    fn open(&self, state: &mut AppState, index: usize) -> Vec<Effect> {
        let Some(choice) = state.contexts.choices.get(index).cloned() else {
            return Vec::new();
        };
        match choice.target {
            Some(target) if !choice.current => {
                let switch = Effect::SwitchContext(target);
                if policy::ask_switch(state, &choice.label, switch.clone()) {
                    return Vec::new();
                }
                vec![switch]
            }
            Some(_) => {
                info(state, format!("already on {}", choice.label));
                Vec::new()
            }
            None if choice.current => {
                info(state, format!("already on {}", choice.label));
                Vec::new()
            }
            None => {
                error(state, format!("{}: {}", choice.label, choice.detail));
                Vec::new()
            }
        }
    }

    fn copy(&self, _state: &AppState, _selected: Option<usize>) -> Clip {
        Clip::NOTHING_SELECTED
    }

    fn render(&self, state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
        view::render(state, cursor, frame, area);
    }
}
