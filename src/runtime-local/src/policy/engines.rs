//! Policy engine operations: CreatePolicyEngine, GetPolicyEngine,
//! ListPolicyEngines, UpdatePolicyEngine, DeletePolicyEngine. An engine is a
//! named collection of Cedar policies that gateways attach by ARN.

use rusqlite::params;
use serde_json::{Value, json};

use crate::platform::client_token::ClientToken;
use crate::platform::ids;
use crate::platform::lifecycle::settles_at;
use crate::platform::pagination::{ListKind, PageRequest, page_body};
use crate::platform::resource::{find, page_of};
use crate::platform::rest_json::input_document;
use crate::platform::timestamps::now_ms;
use crate::platform::validation::{Object, Violations};
use crate::platform::wire_errors::ApiError;
use crate::policy::engine_row::{EngineRow, require_engine};
use crate::policy::state::PolicyState;

pub(crate) use acc_domain::policy_resource::{POLICY_NAME_PATTERN, is_policy_name};

/// Output members the platform computes.
const COMPUTED_MEMBERS: &[&str] = &[
    "policyEngineId",
    "policyEngineArn",
    "status",
    "statusReasons",
    "createdAt",
    "updatedAt",
    "clientToken",
];

fn validate(input: &Object) -> Result<(), ApiError> {
    let mut v = Violations::new();
    if let Some(name) = v.required_str(input, "", "name") {
        v.pattern("name", name, is_policy_name(name), POLICY_NAME_PATTERN);
    }
    v.optional_len(input, "", "description", 1, 4096);
    v.optional_len(input, "", "encryptionKeyArn", 1, 2048);
    v.client_token(input);
    v.finish()
}

/// CreatePolicyEngine.
pub(crate) async fn create_policy_engine(
    ctx: &PolicyState,
    input: Object,
) -> Result<Value, ApiError> {
    create_policy_engine_as(ctx, input, None).await
}

/// CreatePolicyEngine with a chosen id (the demo workspace's engine keeps
/// the id its gateway's configuration names).
pub(crate) async fn create_policy_engine_as(
    ctx: &PolicyState,
    input: Object,
    fixed_id: Option<String>,
) -> Result<Value, ApiError> {
    validate(&input)?;
    let token = ClientToken::of(&input);
    let doc = input_document(input, COMPUTED_MEMBERS);
    let name = doc
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let document = serde_json::to_string(&doc)?;
    let row = ctx
        .store
        .write(move |tx| {
            if let Some(earlier) = token.earlier::<EngineRow>(tx, &[])? {
                return Ok(earlier);
            }
            if let Some(other) = find::<EngineRow>(tx, &[("name", &name)])? {
                return Err(ApiError::conflict(format!(
                    "A policy engine named '{name}' already exists (policyEngineId {}).",
                    other.policy_engine_id
                )));
            }
            let id = fixed_id.unwrap_or_else(|| ids::new_policy_resource_id(&name));
            let now = now_ms();
            tx.prepare_cached(
                "INSERT INTO policy_engines (policy_engine_id, name, client_token, status, \
                 settles_at_ms, created_at_ms, updated_at_ms, document) \
                 VALUES (?1, ?2, ?3, 'CREATING', ?4, ?5, ?5, ?6)",
            )?
            .execute(params![
                id,
                name,
                token.as_deref(),
                settles_at(now),
                now,
                document
            ])?;
            require_engine(tx, &id)
        })
        .await?;
    tracing::info!(policy_engine_id = %row.policy_engine_id, "created policy engine");
    row.to_wire(&ctx.account)
}

/// GetPolicyEngine.
pub(crate) async fn get_policy_engine(
    ctx: &PolicyState,
    engine_id: String,
) -> Result<Value, ApiError> {
    ctx.store
        .read(move |conn| require_engine(conn, &engine_id))
        .await?
        .to_wire(&ctx.account)
}

/// ListPolicyEngines.
pub(crate) async fn list_policy_engines(
    ctx: &PolicyState,
    page: PageRequest,
) -> Result<Value, ApiError> {
    let (rows, next) = ctx
        .store
        .read(move |conn| page_of::<EngineRow>(conn, &[], page, ListKind::PolicyEngines))
        .await?;
    let engines = rows
        .iter()
        .map(|row| row.to_wire(&ctx.account))
        .collect::<Result<_, _>>()?;
    Ok(page_body("policyEngines", engines, next))
}

/// The `{optionalValue}` wrapper of an update's description: `Some(None)`
/// clears it, `None` leaves it.
pub(crate) fn updated_description(input: &Object) -> Result<Option<Option<String>>, ApiError> {
    match input.get("description") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(wrapper)) => match wrapper.get("optionalValue") {
            None | Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(text)) if (1..=4096).contains(&text.chars().count()) => {
                Ok(Some(Some(text.clone())))
            }
            Some(other) => Err(ApiError::invalid_fields(
                "description.optionalValue must be a string of 1 to 4096 characters",
                vec![(
                    "description.optionalValue".into(),
                    format!("Invalid value {other}"),
                )],
            )),
        },
        Some(_) => Err(ApiError::invalid_fields(
            "description must be a structure {\"optionalValue\": \"...\"}",
            vec![("description".into(), "Member must be a structure".into())],
        )),
    }
}

/// Apply an update's description to a stored document.
pub(crate) fn apply_description(doc: &mut Object, description: Option<Option<String>>) {
    match description {
        Some(Some(text)) => {
            doc.insert("description".into(), json!(text));
        }
        Some(None) => {
            doc.remove("description");
        }
        None => {}
    }
}

/// UpdatePolicyEngine (its description only, as the model allows).
pub(crate) async fn update_policy_engine(
    ctx: &PolicyState,
    engine_id: String,
    input: Object,
) -> Result<Value, ApiError> {
    let description = updated_description(&input)?;
    ctx.store
        .write(move |tx| {
            let mut doc = require_engine(tx, &engine_id)?.document()?;
            apply_description(&mut doc, description);
            let now = now_ms();
            tx.prepare_cached(
                "UPDATE policy_engines SET document = ?2, status = 'UPDATING', settles_at_ms = ?3, \
                 updated_at_ms = ?4 WHERE policy_engine_id = ?1",
            )?
            .execute(params![
                engine_id,
                serde_json::to_string(&doc)?,
                settles_at(now),
                now
            ])?;
            require_engine(tx, &engine_id)
        })
        .await?
        .to_wire(&ctx.account)
}

/// DeletePolicyEngine: refused while it holds policies or a gateway uses it.
pub(crate) async fn delete_policy_engine(
    ctx: &PolicyState,
    engine_id: String,
) -> Result<Value, ApiError> {
    let arn = ids::policy_engine_arn(&ctx.account.region, &ctx.account.account_id, &engine_id);
    let row = ctx
        .store
        .write(move |tx| {
            let row = require_engine(tx, &engine_id)?;
            let policies: i64 = tx.query_row(
                "SELECT COUNT(*) FROM policies WHERE policy_engine_id = ?1",
                [&engine_id],
                |r| r.get(0),
            )?;
            if policies > 0 {
                return Err(ApiError::conflict(format!(
                    "Policy engine '{engine_id}' still holds {policies} policies; delete them first."
                )));
            }
            let users: Vec<String> = tx
                .prepare_cached(
                    "SELECT name FROM gateways \
                     WHERE json_extract(document, '$.policyEngineConfiguration.arn') = ?1",
                )?
                .query_map([&arn], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            if !users.is_empty() {
                return Err(ApiError::conflict(format!(
                    "Policy engine '{engine_id}' is attached to gateway(s) {}; detach it first.",
                    users.join(", ")
                )));
            }
            tx.execute(
                "DELETE FROM policy_engines WHERE policy_engine_id = ?1",
                [&engine_id],
            )?;
            Ok(row)
        })
        .await?;
    let mut out = row.to_wire(&ctx.account)?;
    out["status"] = json!("DELETING");
    Ok(out)
}
