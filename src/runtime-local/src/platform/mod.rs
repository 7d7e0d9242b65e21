//! What every service of the platform shares: the server and its state, the
//! SQLite store and its migrations, AWS's wire errors, request validation,
//! pagination, ids and timestamps, the operations table and the guards that
//! consult it, and the restJson plumbing of the control plane.

pub(crate) mod account;
pub(crate) mod body_limits;
pub(crate) mod browser_guard;
pub(crate) mod client_token;
pub mod config;
pub(crate) mod ids;
pub(crate) mod lifecycle;
pub(crate) mod migrations;
pub mod operations;
pub(crate) mod pagination;
pub(crate) mod resource;
pub(crate) mod rest_json;
pub mod server;
pub(crate) mod state;
pub(crate) mod store;
pub(crate) mod timestamps;
pub(crate) mod validation;
pub(crate) mod wire_errors;
