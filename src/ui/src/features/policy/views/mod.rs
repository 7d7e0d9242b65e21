//! Policy views.

pub mod dry_run;
pub mod editor;
pub mod policies;
