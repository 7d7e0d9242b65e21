//! The Cedar model of AgentCore gateway policies, shared by the local
//! gateway's enforcement and the console's dry-run so both decide alike:
//!
//! - [`schema`]: the Cedar schema generated from a gateway's tool catalog
//!   (`AgentCore::OAuthUser` with claim tags, `AgentCore::IamEntity`,
//!   `AgentCore::Gateway`, one action per tool with `context.input` typed
//!   from the tool's JSON input schema);
//! - [`request`]: the Cedar request and entities of one tool call;
//! - [`checks`]: parsing and strict validation with line/column diagnostics;
//! - [`evaluation`]: the decision and the policies that determined it.

/// The Cedar library the model is built on, for callers that hold its types.
pub use cedar_policy;

pub mod checks;
pub mod dry_run;
pub mod evaluation;
pub mod findings;
pub mod policy_edit;
pub mod policy_tests;
pub mod request;
pub mod schema;
pub mod templates;

/// The namespace every AgentCore entity type and action lives in.
pub const NAMESPACE: &str = "AgentCore";
