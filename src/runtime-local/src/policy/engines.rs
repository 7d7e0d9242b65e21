//! Policy engine operations: CreatePolicyEngine, GetPolicyEngine,
//! ListPolicyEngines, UpdatePolicyEngine, DeletePolicyEngine. An engine is a
//! named collection of Cedar policies that gateways attach by ARN.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::{Value, json};

use crate::platform::ids;
use crate::platform::lifecycle::{settled_status, settles_at};
use crate::platform::pagination::{ListKind, PageRequest, finish_page, page_body};
use crate::platform::rest_json::input_document;
use crate::platform::state::PlatformState;
use crate::platform::timestamps::{iso8601, now_ms};
use crate::platform::validation::{Object, Violations, is_client_token};
use crate::platform::wire_errors::ApiError;

/// What AgentCore allows as a policy engine or policy name.
pub(crate) const POLICY_NAME_PATTERN: &str = "[A-Za-z][A-Za-z0-9_]{0,47}";

/// [`POLICY_NAME_PATTERN`].
pub(crate) fn is_policy_name(s: &str) -> bool {
    s.len() <= 48
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

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

/// A policy engine as stored.
pub(crate) struct EngineRow {
    pub(crate) policy_engine_id: String,
    name: String,
    status: String,
    settles_at_ms: i64,
    created_at_ms: i64,
    updated_at_ms: i64,
    document: String,
}

const ROW_COLUMNS: &str =
    "policy_engine_id, name, status, settles_at_ms, created_at_ms, updated_at_ms, document";

impl EngineRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            policy_engine_id: row.get(0)?,
            name: row.get(1)?,
            status: row.get(2)?,
            settles_at_ms: row.get(3)?,
            created_at_ms: row.get(4)?,
            updated_at_ms: row.get(5)?,
            document: row.get(6)?,
        })
    }

    fn to_wire(&self, ctx: &PlatformState) -> Result<Value, ApiError> {
        let mut doc: Object = serde_json::from_str(&self.document)?;
        doc.remove("tags");
        let id = &self.policy_engine_id;
        doc.insert("policyEngineId".into(), json!(id));
        doc.insert(
            "policyEngineArn".into(),
            json!(ids::policy_engine_arn(&ctx.region, &ctx.account_id, id)),
        );
        doc.insert("name".into(), json!(self.name));
        doc.insert(
            "status".into(),
            json!(settled_status(
                &self.status,
                self.settles_at_ms,
                now_ms(),
                "ACTIVE"
            )),
        );
        doc.insert("statusReasons".into(), json!([]));
        doc.insert("createdAt".into(), json!(iso8601(self.created_at_ms)));
        doc.insert("updatedAt".into(), json!(iso8601(self.updated_at_ms)));
        Ok(Value::Object(doc))
    }
}

fn find_by(conn: &Connection, column: &str, value: &str) -> Result<Option<EngineRow>, ApiError> {
    let sql = format!("SELECT {ROW_COLUMNS} FROM policy_engines WHERE {column} = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([value], EngineRow::from_row)
        .optional()?)
}

/// The engine with this id, or ResourceNotFoundException.
pub(crate) fn require_engine(conn: &Connection, engine_id: &str) -> Result<EngineRow, ApiError> {
    find_by(conn, "policy_engine_id", engine_id)?
        .ok_or_else(|| ApiError::not_found(format!("Policy engine '{engine_id}' was not found.")))
}

/// The engine id in a policy engine ARN.
pub(crate) fn engine_id_of_arn(arn: &str) -> Option<&str> {
    arn.split_once(":policy-engine/").map(|(_, id)| id)
}

fn validate(input: &Object) -> Result<(), ApiError> {
    let mut v = Violations::new();
    if let Some(name) = v.required_str(input, "", "name") {
        v.pattern("name", name, is_policy_name(name), POLICY_NAME_PATTERN);
    }
    v.optional_len(input, "", "description", 1, 4096);
    v.optional_len(input, "", "encryptionKeyArn", 1, 2048);
    if let Some(token) = v.optional_str(input, "", "clientToken") {
        v.pattern(
            "clientToken",
            token,
            is_client_token(token),
            "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256} (33 to 256 characters)",
        );
    }
    v.finish()
}

/// CreatePolicyEngine.
pub(crate) async fn create_policy_engine(
    ctx: &PlatformState,
    input: Object,
) -> Result<Value, ApiError> {
    create_policy_engine_as(ctx, input, None).await
}

/// CreatePolicyEngine with a chosen id (the demo workspace's engine keeps
/// the id its gateway's configuration names).
pub(crate) async fn create_policy_engine_as(
    ctx: &PlatformState,
    input: Object,
    fixed_id: Option<String>,
) -> Result<Value, ApiError> {
    validate(&input)?;
    let client_token = input
        .get("clientToken")
        .and_then(Value::as_str)
        .map(str::to_owned);
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
            if let Some(token) = &client_token
                && let Some(existing) = find_by(tx, "client_token", token)?
            {
                return Ok(existing);
            }
            if let Some(other) = find_by(tx, "name", &name)? {
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
                client_token,
                settles_at(now),
                now,
                document
            ])?;
            require_engine(tx, &id)
        })
        .await?;
    tracing::info!(policy_engine_id = %row.policy_engine_id, "created policy engine");
    row.to_wire(ctx)
}

/// GetPolicyEngine.
pub(crate) async fn get_policy_engine(
    ctx: &PlatformState,
    engine_id: String,
) -> Result<Value, ApiError> {
    ctx.store
        .read(move |conn| require_engine(conn, &engine_id))
        .await?
        .to_wire(ctx)
}

/// ListPolicyEngines.
pub(crate) async fn list_policy_engines(
    ctx: &PlatformState,
    page: PageRequest,
) -> Result<Value, ApiError> {
    let (rows, next) = ctx
        .store
        .read(move |conn| {
            let sql = format!(
                "SELECT {ROW_COLUMNS}, seq FROM policy_engines WHERE seq > ?1 ORDER BY seq LIMIT ?2"
            );
            let rows: Vec<(i64, EngineRow)> = conn
                .prepare_cached(&sql)?
                .query_map(params![page.after_seq, page.limit as i64 + 1], |row| {
                    Ok((row.get(7)?, EngineRow::from_row(row)?))
                })?
                .collect::<Result<_, _>>()?;
            Ok(finish_page(rows, page.limit, ListKind::PolicyEngines))
        })
        .await?;
    let engines = rows
        .iter()
        .map(|row| row.to_wire(ctx))
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
    ctx: &PlatformState,
    engine_id: String,
    input: Object,
) -> Result<Value, ApiError> {
    let description = updated_description(&input)?;
    ctx.store
        .write(move |tx| {
            let row = require_engine(tx, &engine_id)?;
            let mut doc: Object = serde_json::from_str(&row.document)?;
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
        .to_wire(ctx)
}

/// DeletePolicyEngine: refused while it holds policies or a gateway uses it.
pub(crate) async fn delete_policy_engine(
    ctx: &PlatformState,
    engine_id: String,
) -> Result<Value, ApiError> {
    let arn = ids::policy_engine_arn(&ctx.region, &ctx.account_id, &engine_id);
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
    let mut out = row.to_wire(ctx)?;
    out["status"] = json!("DELETING");
    Ok(out)
}
