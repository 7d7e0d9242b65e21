//! The local platform through real clients: the AWS SDKs, boto3 and the AWS
//! CLI, the AgentCore Python SDK, MCP and OpenTelemetry exporters, one module
//! per AgentCore service area (`gateway_*`, `policy_*`, `runtime_*`,
//! `observability_*`) plus the platform's own guarantees (`platform_*`).
//! One test binary, so the suite links once.

#[path = "../common/issuer.rs"]
mod issuer;
#[path = "../common/mcp.rs"]
mod mcp;
#[path = "../common/oci_image.rs"]
mod oci_image;
#[path = "../common/platform.rs"]
mod platform;

mod gateway_auth;
mod gateway_captures;
mod gateway_control_plane;
mod gateway_fastmcp;
mod gateway_mcp;
mod gateway_targets;
mod memory_conflicts;
mod memory_control_plane;
mod memory_demo;
mod memory_events;
mod memory_python_sdk;
mod memory_records;
mod observability_demo_agent;
mod observability_gateway_spans;
mod observability_insights;
mod observability_logs_scale;
mod observability_otlp;
mod observability_otlp_limits;
mod platform_botocore_compat;
mod platform_crash_safety;
mod platform_error_conformance;
mod platform_errors;
mod platform_fuzz_corpus;
mod platform_persistence;
mod policy_enforcement;
mod runtime_arm64;
mod runtime_arm64_python;
mod runtime_inbound_auth;
mod runtime_native_interpreters;
mod runtime_otlp_endpoints;
mod runtime_python_sdk_agent;
mod runtime_sessions;
mod runtime_versions_and_endpoints;
