//! Policy.

pub mod cedar_highlight;
pub(crate) mod policy_tasks;
pub mod studio;
pub mod views;
