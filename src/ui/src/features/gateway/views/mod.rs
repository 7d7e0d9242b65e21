//! Drawing the gateway screens.

pub(crate) mod capture_detail;
pub(crate) mod captures;
pub(crate) mod gateway_detail;
pub(crate) mod gateways;
pub(crate) mod targets;
pub(crate) mod tool_call;
pub(crate) mod tool_detail;
pub(crate) mod tools;
