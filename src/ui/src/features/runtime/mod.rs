//! Runtime.

pub mod invocation;
pub mod views;
