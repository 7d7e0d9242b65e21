//! The demo workspace: what a fresh platform is seeded with (gateways,
//! targets, a policy engine, agent runtimes), the bulk catalog for
//! benchmarks, the backends its targets call, its identity provider, and
//! the demo agent (`acc demo-agent`) with its tool calls and spans.

pub(crate) mod agent;
pub(crate) mod bulk_catalog;
pub(crate) mod identity_provider;
pub(crate) mod services;
pub(crate) mod workspace;
