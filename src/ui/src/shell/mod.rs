//! The shell.

pub mod action;
pub mod app;
pub mod clipboard;
pub mod effect;
pub mod filter;
pub mod keymap;
pub mod layout;
pub mod palette;
pub mod route;
pub mod state;
pub mod update;
pub mod view;
