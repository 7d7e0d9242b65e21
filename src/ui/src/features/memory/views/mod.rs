//! Drawing the memory screens.

pub(crate) mod memories;
pub(crate) mod records;
pub(crate) mod retrieve;
pub(crate) mod text;
