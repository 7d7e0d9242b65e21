//! What every seed of the demo shares: deterministic client tokens (so a
//! seed a crash interrupted finds what it made), inputs as JSON objects,
//! and the ids its answers give back.

use rusqlite::Connection;
use serde_json::Value;

use crate::platform::store::Store;
use crate::platform::validation::Object;
use crate::platform::wire_errors::ApiError;

/// A deterministic client token, so that re-running a seed interrupted by a
/// crash finds what it already created instead of failing on name conflicts.
pub(crate) fn seed_token(key: &str) -> String {
    format!("acc-seed-{key}-0000000000000000000000")
}

/// A JSON value as an operation's input object (empty unless an object).
pub(crate) fn object(value: Value) -> Object {
    match value {
        Value::Object(object) => object,
        _ => Object::new(),
    }
}

/// The id of a gateway its create answered.
pub(crate) fn gateway_id(gateway: &Value) -> Result<String, ApiError> {
    gateway["gatewayId"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| ApiError::internal("a created gateway has no gatewayId"))
}

/// The id (its `id_column`) of the row of `table` the seed made under
/// `key`, if it is still there.
pub(crate) fn seeded_id(
    conn: &Connection,
    table: &str,
    id_column: &str,
    key: &str,
) -> Option<String> {
    let sql = format!("SELECT {id_column} FROM {table} WHERE client_token = ?1");
    conn.query_row(&sql, [seed_token(key)], |r| r.get(0)).ok()
}

/// The tables whose rows the seed makes under a seed client token and whose
/// status settles (constants: no request value reaches this SQL).
const SETTLING_TABLES: [&str; 7] = [
    "gateways",
    "gateway_targets",
    "policy_engines",
    "policies",
    "agent_runtimes",
    "agent_runtime_endpoints",
    "memories",
];

/// The demo workspace is already deployed when anyone first looks at it:
/// what the seed made starts settled (READY, ACTIVE), so a call made the
/// moment the platform is up meets every demo policy, not only those whose
/// 200 ms CREATING happened to be over.
pub(crate) async fn settle_seeded(store: &std::sync::Arc<Store>) -> Result<(), ApiError> {
    store
        .write(|tx| {
            for table in SETTLING_TABLES {
                tx.execute(
                    &format!(
                        "UPDATE {table} SET settles_at_ms = 0 \
                         WHERE client_token LIKE 'acc-seed-%' AND settles_at_ms > 0"
                    ),
                    [],
                )?;
            }
            Ok(())
        })
        .await
}
