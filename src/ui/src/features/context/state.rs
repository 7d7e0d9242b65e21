//! What `:ctx` knows: the contexts it offers.

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
