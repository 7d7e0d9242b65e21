//! The demo workspace: what a fresh platform is seeded with (gateways,
//! targets, a policy engine, agent runtimes, a memory), the bulk catalog for
//! benchmarks, the backends its targets call, its identity provider, and
//! the demo agent (`acc demo-agent`) with its tool calls and spans.

use axum::Router;
use axum::extract::FromRef;

pub(crate) mod agent;
pub(crate) mod bulk_catalog;
pub(crate) mod identity_provider;
pub(crate) mod memory;
pub(crate) mod runtimes;
pub(crate) mod seed;
pub(crate) mod services;
pub(crate) mod target_tools;
pub(crate) mod workspace;

/// The demo's routes: its identity provider and the backends its targets call.
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    identity_provider::DemoIssuer: FromRef<S>,
{
    identity_provider::routes().merge(services::routes())
}
