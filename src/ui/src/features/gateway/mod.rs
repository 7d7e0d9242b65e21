//! Gateway.

pub mod call_form;
pub mod capture_list;
pub mod describe;
pub mod tool_calls;
pub mod tool_catalog;
pub mod views;
