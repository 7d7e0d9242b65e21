//! Gateway-target operations: CreateGatewayTarget, GetGatewayTarget,
//! ListGatewayTargets, UpdateGatewayTarget, DeleteGatewayTarget and
//! SynchronizeGatewayTargets.

use rusqlite::params;
use serde_json::{Value, json};

use crate::gateway::gateway_row::require_gateway;
use crate::gateway::state::GatewayState;
use crate::gateway::target_row::{TargetRow, require_target, target_type};
use crate::gateway::target_validation::{Request, validate};
use crate::platform::client_token::ClientToken;
use crate::platform::ids;
use crate::platform::lifecycle::settles_at;
use crate::platform::pagination::{ListKind, PageRequest, page_body};
use crate::platform::resource::{SUMMARY_COLUMNS, find, read_page, summary};
use crate::platform::rest_json::input_document;
use crate::platform::timestamps::{iso8601, now_ms};
use crate::platform::validation::{Object, TARGET_ID, Violations};
use crate::platform::wire_errors::ApiError;

/// Output members the platform computes; a request cannot set them.
const COMPUTED_MEMBERS: &[&str] = &[
    "gatewayArn",
    "gatewayIdentifier",
    "targetId",
    "createdAt",
    "updatedAt",
    "status",
    "statusReasons",
    "lastSynchronizedAt",
    "clientToken",
    "privateEndpointManagedResources",
    "authorizationData",
    "protocolType",
];

/// The columns kept beside the document, for lists and uniqueness.
struct SummaryColumns {
    name: String,
    description: Option<String>,
    target_type: Option<&'static str>,
    resource_priority: Option<i64>,
    listing_mode: Option<String>,
}

impl SummaryColumns {
    fn of(doc: &Object) -> Self {
        let configuration = doc.get("targetConfiguration").unwrap_or(&Value::Null);
        let mcp_server = configuration.pointer("/mcp/mcpServer");
        Self {
            name: doc
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            description: doc
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned),
            target_type: target_type(configuration),
            resource_priority: mcp_server
                .and_then(|s| s.get("resourcePriority"))
                .and_then(Value::as_i64),
            listing_mode: mcp_server
                .and_then(|s| s.get("listingMode"))
                .and_then(Value::as_str)
                .map(str::to_owned),
        }
    }
}

/// The document stored for a target: its input members. Lambda and Smithy
/// targets call out with the gateway's IAM role unless told otherwise, and
/// AWS reports that default, so it is stored too.
fn target_document(input: Object) -> Object {
    let mut doc = input_document(input, COMPUTED_MEMBERS);
    let uses_gateway_role = matches!(
        doc.get("targetConfiguration").and_then(target_type),
        Some("LAMBDA" | "SMITHY_MODEL")
    );
    if uses_gateway_role {
        doc.entry("credentialProviderConfigurations")
            .or_insert_with(|| json!([{ "credentialProviderType": "GATEWAY_IAM_ROLE" }]));
    }
    doc
}

/// CreateGatewayTarget.
pub(crate) async fn create_gateway_target(
    ctx: &GatewayState,
    gateway_id: String,
    input: Object,
) -> Result<Value, ApiError> {
    validate(&input, Request::Create)?;
    let token = ClientToken::of(&input);
    let doc = target_document(input);
    let columns = SummaryColumns::of(&doc);
    let document = serde_json::to_string(&doc)?;
    let row = ctx
        .store
        .write(move |tx| {
            require_gateway(tx, &gateway_id)?;
            // A retried request (same clientToken) gets the target it created.
            let scope = [("gateway_id", gateway_id.as_str())];
            if let Some(earlier) = token.earlier::<TargetRow>(tx, &scope)? {
                return Ok(earlier);
            }
            if let Some(other) =
                find::<TargetRow>(tx, &[("gateway_id", &gateway_id), ("name", &columns.name)])?
            {
                return Err(ApiError::conflict(format!(
                    "Gateway '{gateway_id}' already has a target named '{}' (targetId {}). \
                     Target names are unique within a gateway.",
                    columns.name, other.target_id
                )));
            }
            let target_id = ids::new_target_id();
            let now = now_ms();
            tx.prepare_cached(
                "INSERT INTO gateway_targets (target_id, gateway_id, name, status, settles_at_ms, \
                 created_at_ms, updated_at_ms, client_token, description, target_type, \
                 resource_priority, listing_mode, document) \
                 VALUES (?1, ?2, ?3, 'CREATING', ?4, ?5, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                target_id,
                gateway_id,
                columns.name,
                settles_at(now),
                now,
                token.as_deref(),
                columns.description,
                columns.target_type,
                columns.resource_priority,
                columns.listing_mode,
                document,
            ])?;
            require_target(tx, &gateway_id, &target_id)
        })
        .await?;
    tracing::info!(gateway_id = %row.gateway_id, target_id = %row.target_id, "created gateway target");
    row.to_wire(&ctx.account)
}

/// GetGatewayTarget.
pub(crate) async fn get_gateway_target(
    ctx: &GatewayState,
    gateway_id: String,
    target_id: String,
) -> Result<Value, ApiError> {
    let row = ctx
        .store
        .read(move |conn| require_target(conn, &gateway_id, &target_id))
        .await?;
    row.to_wire(&ctx.account)
}

/// ListGatewayTargets: TargetSummary items in creation order.
pub(crate) async fn list_gateway_targets(
    ctx: &GatewayState,
    gateway_id: String,
    page: PageRequest,
) -> Result<Value, ApiError> {
    let (items, next) = ctx
        .store
        .read(move |conn| {
            require_gateway(conn, &gateway_id)?;
            let now = now_ms();
            let columns = format!(
                "target_id, {SUMMARY_COLUMNS}, description, resource_priority, \
                 last_synchronized_at_ms, target_type, listing_mode"
            );
            let scope = [("gateway_id", gateway_id.as_str())];
            let kind = ListKind::GatewayTargets;
            read_page(
                conn,
                "gateway_targets",
                &columns,
                &scope,
                page,
                kind,
                |row| {
                    let mut item = summary(row, "targetId", now)?;
                    if let Some(description) = row.get::<_, Option<String>>(6)? {
                        item["description"] = json!(description);
                    }
                    if let Some(priority) = row.get::<_, Option<i64>>(7)? {
                        item["resourcePriority"] = json!(priority);
                    }
                    if let Some(at) = row.get::<_, Option<i64>>(8)? {
                        item["lastSynchronizedAt"] = json!(iso8601(at));
                    }
                    if let Some(kind) = row.get::<_, Option<String>>(9)? {
                        item["targetType"] = json!(kind);
                    }
                    if let Some(mode) = row.get::<_, Option<String>>(10)? {
                        item["listingMode"] = json!(mode);
                    }
                    Ok(item)
                },
            )
        })
        .await?;
    Ok(page_body("items", items, next))
}

/// UpdateGatewayTarget: replaces the target's configuration with the
/// request's members; a request without `name` keeps the current name.
pub(crate) async fn update_gateway_target(
    ctx: &GatewayState,
    gateway_id: String,
    target_id: String,
    input: Object,
) -> Result<Value, ApiError> {
    validate(&input, Request::Update)?;
    let mut doc = target_document(input);
    let row = ctx
        .store
        .write(move |tx| {
            let existing = require_target(tx, &gateway_id, &target_id)?;
            doc.entry("name").or_insert_with(|| json!(existing.name));
            let columns = SummaryColumns::of(&doc);
            if let Some(other) =
                find::<TargetRow>(tx, &[("gateway_id", &gateway_id), ("name", &columns.name)])?
                && other.target_id != target_id
            {
                return Err(ApiError::conflict(format!(
                    "Gateway '{gateway_id}' already has another target named '{}' (targetId {}).",
                    columns.name, other.target_id
                )));
            }
            let now = now_ms();
            tx.prepare_cached(
                "UPDATE gateway_targets SET name = ?3, status = 'UPDATING', settles_at_ms = ?4, \
                 updated_at_ms = ?5, description = ?6, target_type = ?7, resource_priority = ?8, \
                 listing_mode = ?9, document = ?10 WHERE gateway_id = ?1 AND target_id = ?2",
            )?
            .execute(params![
                gateway_id,
                target_id,
                columns.name,
                settles_at(now),
                now,
                columns.description,
                columns.target_type,
                columns.resource_priority,
                columns.listing_mode,
                serde_json::to_string(&doc)?,
            ])?;
            require_target(tx, &gateway_id, &target_id)
        })
        .await?;
    tracing::info!(gateway_id = %row.gateway_id, target_id = %row.target_id, "updated gateway target");
    row.to_wire(&ctx.account)
}

/// DeleteGatewayTarget: removed at once; the answer says DELETING, as AWS's does.
pub(crate) async fn delete_gateway_target(
    ctx: &GatewayState,
    gateway_id: String,
    target_id: String,
) -> Result<Value, ApiError> {
    let (gw, target) = (gateway_id.clone(), target_id.clone());
    ctx.store
        .write(move |tx| {
            require_target(tx, &gw, &target)?;
            tx.prepare_cached(
                "DELETE FROM gateway_targets WHERE gateway_id = ?1 AND target_id = ?2",
            )?
            .execute([&gw, &target])?;
            Ok(())
        })
        .await?;
    tracing::info!(%gateway_id, %target_id, "deleted gateway target");
    Ok(json!({
        "gatewayArn": ids::gateway_arn(&ctx.account.region, &ctx.account.account_id, &gateway_id),
        "targetId": target_id,
        "status": "DELETING",
    }))
}

/// SynchronizeGatewayTargets. Tool discovery from MCP servers is not built
/// yet (a later issue); for now a sync marks the targets SYNCHRONIZING (then
/// READY), stamps `lastSynchronizedAt`, and leaves their tool lists as they
/// are. Without `targetIdList`, every target of the gateway is synchronized.
pub(crate) async fn synchronize_gateway_targets(
    ctx: &GatewayState,
    gateway_id: String,
    input: Object,
) -> Result<Value, ApiError> {
    let mut v = Violations::new();
    let requested: Option<Vec<String>> =
        v.list(&input, "", "targetIdList", false, 1, 100)
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| match id.as_str() {
                        Some(text) if v.id("targetIdList", text, &TARGET_ID) => {
                            Some(text.to_owned())
                        }
                        Some(_) => None,
                        None => {
                            v.add("targetIdList", Some(id), "Member must be a string");
                            None
                        }
                    })
                    .collect()
            });
    v.finish()?;
    let rows = ctx
        .store
        .write(move |tx| {
            require_gateway(tx, &gateway_id)?;
            let target_ids = match requested {
                Some(ids) => ids,
                None => tx
                    .prepare_cached(
                        "SELECT target_id FROM gateway_targets WHERE gateway_id = ?1 ORDER BY seq",
                    )?
                    .query_map([&gateway_id], |row| row.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()?,
            };
            let now = now_ms();
            let mut rows = Vec::with_capacity(target_ids.len());
            for target_id in target_ids {
                require_target(tx, &gateway_id, &target_id)?;
                tx.prepare_cached(
                    "UPDATE gateway_targets SET status = 'SYNCHRONIZING', settles_at_ms = ?3, \
                     last_synchronized_at_ms = ?4 WHERE gateway_id = ?1 AND target_id = ?2",
                )?
                .execute(params![gateway_id, target_id, settles_at(now), now])?;
                rows.push(require_target(tx, &gateway_id, &target_id)?);
            }
            Ok(rows)
        })
        .await?;
    let targets = rows
        .iter()
        .map(|row| row.to_wire(&ctx.account))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({ "targets": targets }))
}
