//! Key bindings of the `:ctx` screen.

use ratatui::crossterm::event::KeyCode;

use crate::shell::keymap::{Binding, Command, bind, plain};

/// The contexts list.
pub(crate) const CONTEXTS: &[Binding] = &[bind(
    &[plain(KeyCode::Enter)],
    Command::Open,
    "switch",
    "switch to the context",
)];

/// Every table, named, for the check that no key is bound twice.
#[cfg(test)]
pub(crate) const TABLES: &[(&str, &[Binding])] = &[("contexts", CONTEXTS)];
