//! The console's features, one folder per AgentCore service: each owns its
//! state (with a `reset()` for context switches), routes and messages, jobs
//! and the backend calls behind them, update, key bindings and views. The
//! shell knows each by one line per family.

pub mod context;
pub mod gateway;
pub mod memory;
pub mod policy;
pub mod runtime;
pub mod traces;
