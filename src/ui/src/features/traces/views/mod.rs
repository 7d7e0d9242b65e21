//! The trace explorer's screens, drawn from state.

pub(crate) mod detail;
pub(crate) mod diff;
pub(crate) mod format;
pub(crate) mod list;
pub(crate) mod waterfall;
