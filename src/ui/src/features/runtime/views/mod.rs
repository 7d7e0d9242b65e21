//! Runtime views.

pub mod invoke;
pub mod runtimes;
pub mod sessions;
