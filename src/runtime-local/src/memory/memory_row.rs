//! A memory as stored: one row of `memories`, its input document beside
//! the columns lookups need, and its answered `Memory` shape.

use rusqlite::Connection;
use serde_json::{Value, json};

use crate::memory::strategies;
use crate::memory::wire::{epoch_seconds, memory_id_of, memory_not_found};
use crate::platform::account::Account;
use crate::platform::ids::memory_arn;
use crate::platform::lifecycle::settled_status;
use crate::platform::resource::{self, stored_document, stored_resource};
use crate::platform::validation::Object;
use crate::platform::wire_errors::ApiError;

stored_resource! {
    /// A row of `memories`.
    pub(crate) struct MemoryRow in "memories" {
        pub(crate) memory_id: String,
        pub(crate) name: String,
        pub(crate) status: String,
        pub(crate) settles_at_ms: i64,
        pub(crate) created_at_ms: i64,
        pub(crate) updated_at_ms: i64,
        pub(crate) event_expiry_days: i64,
        pub(crate) document: String,
    }
}

impl MemoryRow {
    /// Its stored document (description, strategies, indexed keys, tags…).
    pub(crate) fn doc(&self) -> Result<Object, ApiError> {
        stored_document("memory", &self.memory_id, &self.document)
    }

    /// Its strategies in their stored shape.
    pub(crate) fn strategies(&self) -> Result<Vec<Value>, ApiError> {
        Ok(self
            .doc()?
            .get("strategies")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    /// Its declared `indexedKeys`: `(key, type)`.
    pub(crate) fn indexed_keys(&self) -> Result<Vec<(String, String)>, ApiError> {
        let doc = self.doc()?;
        let keys = doc.get("indexedKeys").and_then(Value::as_array);
        Ok(keys
            .into_iter()
            .flatten()
            .filter_map(|k| {
                Some((
                    k.get("key")?.as_str()?.to_owned(),
                    k.get("type")?.as_str()?.to_owned(),
                ))
            })
            .collect())
    }

    /// The status reported at `now` (CREATING and UPDATING settle to ACTIVE).
    pub(crate) fn status_at(&self, now: i64) -> &str {
        settled_status(&self.status, self.settles_at_ms, now, "ACTIVE")
    }

    /// The `Memory` shape as answered at `now`.
    pub(crate) fn answer(&self, account: &Account, now: i64) -> Result<Value, ApiError> {
        let doc = self.doc()?;
        let mut memory = json!({
            "arn": memory_arn(&account.region, &account.account_id, &self.memory_id),
            "id": self.memory_id,
            "name": self.name,
            "eventExpiryDuration": self.event_expiry_days,
            "status": self.status_at(now),
            "createdAt": epoch_seconds(self.created_at_ms),
            "updatedAt": epoch_seconds(self.updated_at_ms),
            "strategies": self.strategies()?
                .iter()
                .map(|s| strategies::answered(s, now))
                .collect::<Vec<_>>(),
        });
        for key in [
            "description",
            "encryptionKeyArn",
            "memoryExecutionRoleArn",
            "indexedKeys",
            "streamDeliveryResources",
        ] {
            if let Some(value) = doc.get(key) {
                memory[key] = value.clone();
            }
        }
        Ok(memory)
    }
}

/// The memory a `memoryId` label (id or ARN) names, or ResourceNotFound.
pub(crate) fn require_memory(conn: &Connection, label: &str) -> Result<MemoryRow, ApiError> {
    let id = memory_id_of(label);
    resource::require(conn, &[("memory_id", &id)], || memory_not_found(&id))
}
