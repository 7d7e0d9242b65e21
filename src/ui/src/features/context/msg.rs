//! The result of the `:ctx` job.

use crate::features::context::state::ContextChoice;

/// A result for the `:ctx` screen.
#[derive(Debug, Clone)]
pub enum Msg {
    /// The contexts offered.
    ContextsLoaded(Vec<ContextChoice>),
}
