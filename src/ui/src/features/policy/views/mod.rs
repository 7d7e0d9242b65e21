//! Drawing the policy studio's screens.

pub(crate) mod dry_run;
pub(crate) mod editor;
pub(crate) mod policies;
