//! Gateways in the console: the gateways list (the root screen) and its
//! describe view, targets, the tool catalog (MCP listing, target schemas,
//! the search tool), the call dialog, and captured calls.

pub mod call_form;
pub mod call_history;
pub mod capture_list;
pub(crate) mod describe;
pub mod form_fields;
mod job;
pub(crate) mod keys;
mod msg;
mod route;
mod screens;
mod state;
mod tool_calls;
pub(crate) mod tool_catalog;
mod update;
mod views;

pub use job::Job;
pub use keys::Command;
pub use msg::Msg;
pub(crate) use route::PALETTE;
pub use route::{Jump, Route};
pub use state::{GatewayState, ToolRef, ToolSearch, is_transitional};
pub use update::GATEWAYS_POLL_TICKS;
pub(crate) use update::{argument_names, jump, load_gateways, on_tick, reload_gateways, update};
