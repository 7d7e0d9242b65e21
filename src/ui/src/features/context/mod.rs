//! Context.

pub mod view;
