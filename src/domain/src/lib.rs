//! Domain types shared by the console, its backend and the local platform.
//!
//! Nothing here knows about HTTP, AWS SDKs, SQL or terminals: these are the
//! nouns of AgentCore (gateways, targets, tools) as the console shows them.

pub mod agent_runtime;
pub mod capture;
pub mod cedar_model;
pub mod curl_command;
pub mod gateway;
pub mod json_schema;
pub mod json_schema_refs;
pub mod json_schema_validation;
pub mod loopback;
pub mod memory;
pub mod memory_scan;
pub mod openapi;
pub mod policy_resource;
pub mod secret_masking;
pub mod sensitive_scan;
pub mod sse;
pub mod tool;
pub mod tool_call;
pub mod traces;

pub use agent_runtime::{
    AgentRuntime, RUNTIME_LOG_PREFIX, RuntimeEndpoint, RuntimeSession, SPANS_LOG_GROUP,
    SessionEvent, SessionInvocation, SessionSpan, parse_runtime_log_group, runtime_log_group,
};
pub use capture::{
    CaptureFilter, CaptureOutcome, CapturedCall, CapturedCaller, CapturedPolicy, gateway_log_group,
};
pub use gateway::{Gateway, PolicyEngineAttachment, Target, TargetType};
pub use json_schema::{SchemaNode, schema_tree};
pub use policy_resource::{Policy, PolicyEngine};
pub use secret_masking::mask_secrets;
pub use tool::{Tool, ToolSource, qualified_tool_name, tools_from_list};
pub use tool_call::{CallerIdentity, HttpExchange, HttpHeader, RpcError, ToolCallReport};
