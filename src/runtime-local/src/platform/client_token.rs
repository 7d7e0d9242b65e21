//! Idempotent creates. A create request may carry a `clientToken`; a retry
//! with the same token gets what the first request created, not a conflict
//! or a second resource, as AWS's creates do. The token is stored with the
//! resource, in a column unique within the resource's scope.

use rusqlite::Connection;
use serde_json::Value;

use crate::platform::resource::{StoredResource, find};
use crate::platform::validation::Object;
use crate::platform::wire_errors::ApiError;

/// The `clientToken` of a create request, if it has one.
#[derive(Debug, Clone)]
pub(crate) struct ClientToken(Option<String>);

impl ClientToken {
    /// The token `input` carries (checked by [`Violations::client_token`]).
    ///
    /// [`Violations::client_token`]: crate::platform::validation::Violations::client_token
    pub(crate) fn of(input: &Object) -> Self {
        Self(
            input
                .get("clientToken")
                .and_then(Value::as_str)
                .map(str::to_owned),
        )
    }

    /// The token, as stored with the resource it creates.
    pub(crate) fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// What an earlier request with this token created, if any. `scope`
    /// holds the columns within which tokens are unique (none: the table).
    pub(crate) fn earlier<R: StoredResource>(
        &self,
        conn: &Connection,
        scope: &[(&str, &str)],
    ) -> Result<Option<R>, ApiError> {
        let Some(token) = &self.0 else {
            return Ok(None);
        };
        let mut key = scope.to_vec();
        key.push(("client_token", token));
        find(conn, &key)
    }
}
