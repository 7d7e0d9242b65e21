//! What `:ctx` knows: the contexts it offers (the current one, the named
//! endpoints of `contexts.toml`, every AWS profile).

/// A context the user can switch to from `:ctx`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextChoice {
    /// How it is named.
    pub label: String,
    /// Its endpoint, or how it connects.
    pub detail: String,
    /// How to connect to it (`None`: it cannot be switched to, e.g. the
    /// current one, or a `contexts.toml` that does not parse).
    pub target: Option<acc_backend::ConnectTarget>,
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
