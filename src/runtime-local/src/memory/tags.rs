//! Tags on memory ARNs: ListTagsForResource, TagResource, UntagResource.
//! Only memories keep tags on the local platform; another resource's ARN
//! is not found.

use std::sync::Arc;

use rusqlite::params;
use serde_json::{Value, json};

use crate::memory::memory_row::require_memory;
use crate::memory::state::MemoryState;
use crate::platform::validation::{Object, Violations};
use crate::platform::wire_errors::ApiError;

const MAX_TAGS: usize = 50;

/// The memory id a tagged resource's ARN names, if it is a memory of this
/// platform's account and region.
fn memory_of(ctx: &MemoryState, arn: &str) -> Result<String, ApiError> {
    let prefix = format!(
        "arn:aws:bedrock-agentcore:{}:{}:memory/",
        ctx.account.region, ctx.account.account_id
    );
    arn.strip_prefix(&prefix).map(str::to_owned).ok_or_else(|| {
        ApiError::not_found(format!(
            "{arn} is not a memory of this platform; the local platform keeps tags on memories only."
        ))
    })
}

fn check_tags(v: &mut Violations, tags: &Object) {
    if tags.len() > MAX_TAGS {
        v.add(
            "tags",
            None,
            format!("Member must have at most {MAX_TAGS} entries"),
        );
    }
    for (key, value) in tags {
        v.length(&format!("tags.{key}"), key, 1, 128);
        match value.as_str() {
            Some(s) => v.length(&format!("tags.{key}"), s, 0, 256),
            None => v.add(
                &format!("tags.{key}"),
                Some(value),
                "Member must be a string",
            ),
        }
    }
}

/// ListTagsForResource.
pub(crate) async fn list_tags(ctx: &Arc<MemoryState>, arn: String) -> Result<Value, ApiError> {
    let id = memory_of(ctx, &arn)?;
    ctx.store
        .read(move |conn| {
            let row = require_memory(conn, &id)?;
            Ok(json!({ "tags": row.doc()?.get("tags").cloned().unwrap_or_else(|| json!({})) }))
        })
        .await
}

/// TagResource (and UntagResource, with `remove`).
pub(crate) async fn change_tags(
    ctx: &Arc<MemoryState>,
    arn: String,
    add: Object,
    remove: Vec<String>,
) -> Result<(), ApiError> {
    let id = memory_of(ctx, &arn)?;
    let mut v = Violations::new();
    check_tags(&mut v, &add);
    v.finish()?;
    ctx.store
        .write(move |tx| {
            let row = require_memory(tx, &id)?;
            let mut doc = row.doc()?;
            let tags = doc.entry("tags").or_insert_with(|| json!({}));
            let Some(tags) = tags.as_object_mut() else {
                return Err(ApiError::internal("stored tags are not a map"));
            };
            tags.extend(add);
            tags.retain(|k, _| !remove.contains(k));
            if tags.len() > MAX_TAGS {
                return Err(ApiError::quota_exceeded(format!(
                    "A resource holds at most {MAX_TAGS} tags."
                )));
            }
            tx.execute(
                "UPDATE memories SET document = ?2 WHERE memory_id = ?1",
                params![row.memory_id, Value::Object(doc).to_string()],
            )?;
            Ok(())
        })
        .await
}
