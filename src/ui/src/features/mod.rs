//! Features.

pub mod context;
pub mod gateway;
pub mod policy;
pub mod runtime;
