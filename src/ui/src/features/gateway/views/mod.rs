//! Gateway views.

pub mod capture_detail;
pub mod captures;
pub mod gateway_detail;
pub mod gateways;
pub mod targets;
pub mod tool_call;
pub mod tool_detail;
pub mod tools;
