//! Contexts: where the console can connect (the current context and each
//! AWS profile), listed by `:ctx`; choosing one asks the shell to switch.

use acc_backend::Backend;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::shell::effect::{Effect, Reply};
use crate::shell::filter::FilterQuery;
use crate::shell::keymap::{Binding, Command};
use crate::shell::message::info;
use crate::shell::navigation::{self, refresh_all};
use crate::shell::palette::{Entry, PaletteCommand};
use crate::shell::screens::{Clip, Screens};
use crate::shell::state::{AppState, ListCursor};

pub(crate) mod keys;
mod view;

/// A context the user can switch to from `:ctx`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextChoice {
    /// How it is named.
    pub label: String,
    /// Its endpoint, or how it connects.
    pub detail: String,
    /// The AWS profile that connects to it (`None`: the current one).
    pub profile: Option<String>,
    /// Whether the console is connected to it.
    pub current: bool,
}

/// The `:ctx` screen's state.
#[derive(Debug, Clone, Default)]
pub struct ContextState {
    /// The contexts offered, the current one first.
    pub choices: Vec<ContextChoice>,
}

impl ContextState {
    /// Forgets the list (the context switched: the current one changed).
    pub fn reset(&mut self) {
        *self = ContextState::default();
    }
}

/// The `:ctx` screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The contexts list.
    Contexts,
}

/// Where the `:ctx` command leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    /// The contexts list.
    Contexts,
}

/// The `:ctx` command.
pub(crate) const PALETTE: &[Entry] = &[Entry {
    command: PaletteCommand::Context(Jump::Contexts),
    name: "ctx",
    aliases: &["context", "contexts"],
    about: "switch context (local, endpoint, AWS profiles)",
}];

/// A result for the `:ctx` screen.
#[derive(Debug, Clone)]
pub enum Msg {
    /// The contexts offered.
    ContextsLoaded(Vec<ContextChoice>),
}

/// Work for the `:ctx` screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// The current context and the AWS profiles.
    LoadContexts,
}

impl Job {
    /// Runs on its own task; the result comes back through `reply`.
    pub(crate) fn run(self, backend: Backend, reply: Reply) {
        let Job::LoadContexts = self;
        let current = backend.context().clone();
        tokio::spawn(async move {
            let mut choices = vec![ContextChoice {
                label: current.label(),
                detail: current.endpoint.clone(),
                profile: None,
                current: true,
            }];
            choices.extend(
                acc_backend::aws_profiles()
                    .into_iter()
                    .map(|p| ContextChoice {
                        label: format!("aws:{p}"),
                        detail: "live AWS via the profile's credentials".into(),
                        profile: Some(p),
                        current: false,
                    }),
            );
            reply.send(Msg::ContextsLoaded(choices));
        });
    }
}

/// A result for the `:ctx` screen.
pub(crate) fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let Msg::ContextsLoaded(choices) = msg;
    state.contexts.choices = choices;
    refresh_all(state);
    Vec::new()
}

/// The `:ctx` command.
pub(crate) fn jump(state: &mut AppState, jump: Jump) -> Vec<Effect> {
    let Jump::Contexts = jump;
    navigation::jump(state, Route::Contexts.into())
}

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

    /// enter: switch to the context, unless it is the current one.
    fn open(&self, state: &mut AppState, index: usize) -> Vec<Effect> {
        let Some(choice) = state.contexts.choices.get(index).cloned() else {
            return Vec::new();
        };
        match choice.profile {
            Some(p) if !choice.current => vec![Effect::SwitchProfile(p)],
            _ => {
                info(state, format!("already on {}", choice.label));
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
