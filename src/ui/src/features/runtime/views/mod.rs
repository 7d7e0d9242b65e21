//! Drawing the runtime screens.

pub(crate) mod invoke;
pub(crate) mod runtimes;
pub(crate) mod sessions;
