//! Everything the console knows. Views read it; only `update` changes it.
//! The shell keeps the stack of screens, the input line and the overlays;
//! each feature keeps its own state in a field here.

use acc_backend::ContextInfo;

use crate::features::{context, gateway, memory, policy, runtime, traces};
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::layout;
use crate::shell::message::Message;
use crate::shell::route::Route;
use crate::theme::Theme;

/// Selection, scroll and filter of one list screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListCursor {
    /// Index into `visible`.
    pub selected: usize,
    /// First visible row (index into `visible`).
    pub offset: usize,
    /// The filter typed after `/`.
    pub filter: FilterQuery,
    /// Indices into the screen's underlying items that pass the filter, in
    /// display order. Recomputed by `update` whenever data or filter change,
    /// so drawing never filters.
    pub visible: Vec<usize>,
}

impl ListCursor {
    /// The selected item's index in the underlying collection.
    pub fn selected_item(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }
}

/// A screen on the breadcrumb stack with its own cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    /// Which screen.
    pub route: Route,
    /// Where its list stands.
    pub cursor: ListCursor,
}

impl Screen {
    /// A screen with nothing selected or filtered yet.
    pub fn new(route: Route) -> Screen {
        Screen {
            route,
            cursor: ListCursor::default(),
        }
    }
}

/// What the bottom line is being used for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputMode {
    /// Key hints or the message.
    Normal,
    /// Editing the current list's filter; the text lives in the cursor.
    Filter,
    /// Typing a `:` command.
    Palette {
        /// What is typed so far.
        text: String,
        /// The highlighted suggestion.
        selected: usize,
    },
    /// Typing a query for the gateway's search tool.
    Search {
        /// What is typed so far.
        text: String,
    },
    /// Typing a name for the new policy in the editor.
    PolicyName {
        /// What is typed so far.
        text: String,
    },
}

/// A modal layer over the current screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// The key bindings of the screen.
    Help,
    /// A question before a destructive action.
    Confirm(Confirm),
}

/// A pending destructive action waiting for `y`.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    /// The dialog's title.
    pub title: String,
    /// What is asked: its first line, then optional detail lines; a detail
    /// line starting `+ ` or `- ` is an added or removed line of a diff.
    pub question: String,
    /// The effect a yes starts.
    pub on_yes: Effect,
}

/// When the shown screen last polled its data.
#[derive(Debug, Clone, PartialEq)]
pub struct PollSchedule {
    /// The screen it was scheduled for; another screen starts over.
    pub route: Route,
    /// The tick it was last polled at (or first shown at); it is due once
    /// its interval, as it stands at each tick, has passed since.
    pub since: u64,
}

/// The whole console state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Where the console is connected.
    pub context: ContextInfo,
    /// Whether changes to the platform are refused.
    pub readonly: bool,
    /// The colours.
    pub theme: Theme,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Breadcrumbs; the last screen is the one shown.
    pub stack: Vec<Screen>,
    /// What the bottom line is used for.
    pub input: InputMode,
    /// A `:` command naming a gateway, typed before the gateways loaded.
    pub deferred_palette: Option<String>,
    /// The modal layer shown, if any.
    pub overlay: Option<Overlay>,
    /// The first line of help shown (j/k scroll it); 0 when it opens.
    pub help_scroll: usize,
    /// The message on the bottom line, if any.
    pub message: Option<Message>,
    /// Messages of screens not shown, until their screen is shown again.
    pub parked_messages: Vec<Message>,
    /// How many messages were raised (each message's `seq`).
    pub message_seq: u64,
    /// The shown screen's next poll.
    pub poll: Option<PollSchedule>,
    /// Advances while something loads; drives the spinner.
    pub tick: u64,
    /// Set when the user quits.
    pub should_quit: bool,
    /// Gateways, targets, tools, tool calls and captures.
    pub gateway: gateway::GatewayState,
    /// The policy studio: engines, the editor and dry-runs.
    pub policy: policy::PolicyState,
    /// Agent runtimes, sessions and the invoke console.
    pub runtime: runtime::RuntimeState,
    /// The contexts `:ctx` offers.
    pub contexts: context::ContextState,
    /// AgentCore Memory: memories, conversations, records, scans.
    pub memory: memory::MemoryState,
    /// The trace explorer: traces, waterfalls, span details and diffs.
    pub traces: traces::TracesState,
    /// Tables show every column, however narrow (`W` toggles).
    pub wide: bool,
}

impl AppState {
    /// The state at start: the gateways screen, nothing loaded.
    pub fn new(context: ContextInfo, readonly: bool, theme: Theme, size: (u16, u16)) -> AppState {
        AppState {
            context,
            readonly,
            theme,
            size,
            stack: vec![Screen::new(Route::home())],
            input: InputMode::Normal,
            deferred_palette: None,
            overlay: None,
            help_scroll: 0,
            message: None,
            parked_messages: Vec::new(),
            message_seq: 0,
            poll: None,
            tick: 0,
            should_quit: false,
            gateway: Default::default(),
            policy: Default::default(),
            runtime: Default::default(),
            contexts: Default::default(),
            memory: Default::default(),
            traces: Default::default(),
            wide: false,
        }
    }

    /// Forgets every feature's data and the messages parked with screens
    /// (the context switched).
    pub(crate) fn reset_features(&mut self) {
        self.parked_messages.clear();
        self.poll = None;
        self.gateway.reset();
        self.policy.reset();
        self.runtime.reset();
        self.contexts.reset();
        self.memory.reset();
        self.traces.reset();
    }

    /// The screen shown.
    pub fn screen(&self) -> &Screen {
        self.stack
            .last()
            .expect("the stack always holds the root screen")
    }

    /// The screen shown, to change.
    pub fn screen_mut(&mut self) -> &mut Screen {
        self.stack
            .last_mut()
            .expect("the stack always holds the root screen")
    }

    /// Whether the loop must keep sending ticks (progress or something due).
    pub fn needs_ticks(&self) -> bool {
        self.gateway.needs_ticks()
            || self.policy.needs_ticks()
            || self.runtime.needs_ticks()
            || self.memory.needs_ticks()
            || self.traces.needs_ticks()
            || self.screen().route.screens().poll_every(self).is_some()
    }

    /// Rows available to the current list.
    pub fn list_height(&self) -> usize {
        layout::list_body_height(self.size.1)
    }
}
