//! Data that arrives asynchronously, as every feature holds it.

use std::collections::HashMap;

/// Data that arrives asynchronously.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Loadable<T> {
    /// Not asked for yet.
    #[default]
    NotLoaded,
    /// Asked for; `since_tick` is when, for the progress display.
    Loading {
        /// `tick` when the request started.
        since_tick: u64,
    },
    /// Arrived.
    Loaded(T),
    /// The request failed, and why.
    Failed(String),
}

impl<T> Loadable<T> {
    /// Under way since `tick`.
    pub fn loading(tick: u64) -> Self {
        Loadable::Loading { since_tick: tick }
    }

    /// The data, once arrived.
    pub fn loaded(&self) -> Option<&T> {
        match self {
            Loadable::Loaded(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the request is under way.
    pub fn is_loading(&self) -> bool {
        matches!(self, Loadable::Loading { .. })
    }

    /// Whether a load must start: nothing arrived and nothing under way.
    pub fn needs_load(&self) -> bool {
        matches!(self, Loadable::NotLoaded | Loadable::Failed(_))
    }
}

/// Marks the entry for `key` loading since `tick` when it must start
/// (missing, not asked for, or failed); whether it did.
pub fn start_load<T>(by_key: &mut HashMap<String, Loadable<T>>, key: &str, tick: u64) -> bool {
    if !by_key.get(key).is_none_or(Loadable::needs_load) {
        return false;
    }
    by_key.insert(key.to_owned(), Loadable::loading(tick));
    true
}
