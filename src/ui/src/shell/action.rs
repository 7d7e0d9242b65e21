//! Everything that can happen to the console: input, and results of effects.

use acc_backend::ContextInfo;
use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use crate::features::{context, gateway, memory, policy, runtime, traces};

/// An event for `update`. Input arrives from the terminal thread; results
/// arrive from effect tasks; all through one channel.
#[derive(Debug, Clone)]
pub enum Action {
    /// A key was pressed (or repeated, or released).
    Key(KeyEvent),
    /// The mouse moved, clicked or scrolled.
    Mouse(MouseEvent),
    /// The terminal is now this many columns and rows.
    Resize(u16, u16),
    /// Periodic while something is loading, to animate progress.
    Tick,
    /// The connection now goes to another context.
    ContextSwitched(ContextInfo),
    /// Text went to the clipboard.
    Copied {
        /// How much.
        bytes: usize,
    },
    /// A local file was written (or not); `what` names its contents.
    FileSaved {
        /// What the file holds, for the message.
        what: String,
        /// The file's path, or why it was not written.
        result: Result<String, String>,
    },
    /// A result for the gateway screens.
    Gateway(gateway::Msg),
    /// A result for the policy studio.
    Policy(policy::Msg),
    /// A result for the runtime screens.
    Runtime(runtime::Msg),
    /// A result for the `:ctx` screen.
    Context(context::Msg),
    /// A result for the memory screens.
    Memory(memory::Msg),
    /// A result for the trace explorer.
    Traces(traces::Msg),
}

crate::shell::family!(Action::Gateway(gateway::Msg));
crate::shell::family!(Action::Policy(policy::Msg));
crate::shell::family!(Action::Runtime(runtime::Msg));
crate::shell::family!(Action::Context(context::Msg));
crate::shell::family!(Action::Memory(memory::Msg));
crate::shell::family!(Action::Traces(traces::Msg));
