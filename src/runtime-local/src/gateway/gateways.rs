//! Gateway operations: CreateGateway, GetGateway, ListGateways, UpdateGateway,
//! DeleteGateway. These service functions are what the HTTP handlers and the
//! demo workspace call alike.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::{Value, json};

use crate::platform::ids;
use crate::platform::lifecycle::{effective_status, settles_at};
use crate::platform::pagination::{ListKind, PageRequest, encode_token};
use crate::platform::rest_json::input_document;
use crate::platform::state::PlatformState;
use crate::platform::timestamps::{iso8601, now_ms};
use crate::platform::validation::{
    NAME_PATTERN, Object, Violations, is_client_token, is_policy_engine_arn, is_resource_name,
    is_role_arn,
};
use crate::platform::wire_errors::ApiError;

const AUTHORIZER_TYPES: &[&str] = &["CUSTOM_JWT", "AWS_IAM", "NONE", "AUTHENTICATE_ONLY"];
const PROTOCOL_TYPES: &[&str] = &["MCP"];
const SEARCH_TYPES: &[&str] = &["SEMANTIC"];
const EXCEPTION_LEVELS: &[&str] = &["DEBUG"];
const POLICY_ENGINE_MODES: &[&str] = &["LOG_ONLY", "ENFORCE"];
const INTERCEPTION_POINTS: &[&str] = &["REQUEST", "RESPONSE"];

/// Output members the platform computes; a request cannot set them.
const COMPUTED_MEMBERS: &[&str] = &[
    "gatewayId",
    "gatewayArn",
    "gatewayUrl",
    "gatewayIdentifier",
    "status",
    "statusReasons",
    "createdAt",
    "updatedAt",
    "workloadIdentityDetails",
    "clientToken",
];

/// A gateway as stored.
pub(crate) struct GatewayRow {
    pub(crate) gateway_id: String,
    name: String,
    status: String,
    settles_at_ms: i64,
    created_at_ms: i64,
    updated_at_ms: i64,
    document: String,
}

const ROW_COLUMNS: &str =
    "gateway_id, name, status, settles_at_ms, created_at_ms, updated_at_ms, document";

impl GatewayRow {
    /// The gateway's name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The stored document (the gateway's input members: authorizer,
    /// protocol configuration, policy engine, …).
    pub(crate) fn document(&self) -> Result<Value, ApiError> {
        serde_json::from_str(&self.document).map_err(|e| {
            ApiError::internal(format_args!(
                "the stored document of gateway {} is corrupt: {e}",
                self.gateway_id
            ))
        })
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            gateway_id: row.get(0)?,
            name: row.get(1)?,
            status: row.get(2)?,
            settles_at_ms: row.get(3)?,
            created_at_ms: row.get(4)?,
            updated_at_ms: row.get(5)?,
            document: row.get(6)?,
        })
    }

    /// The full gateway as GetGateway (and Create/Update) answer it.
    fn to_wire(&self, ctx: &PlatformState) -> Result<Value, ApiError> {
        let mut doc: Object = serde_json::from_str(&self.document).map_err(|e| {
            ApiError::internal(format_args!(
                "the stored document of gateway {} is corrupt: {e}",
                self.gateway_id
            ))
        })?;
        // Tags are read through ListTagsForResource, not GetGateway.
        doc.remove("tags");
        let id = &self.gateway_id;
        doc.insert("gatewayId".into(), json!(id));
        doc.insert(
            "gatewayArn".into(),
            json!(ids::gateway_arn(&ctx.region, &ctx.account_id, id)),
        );
        doc.insert(
            "gatewayUrl".into(),
            json!(format!("{}/gateways/{id}/mcp", ctx.endpoint_url)),
        );
        doc.insert("name".into(), json!(self.name));
        doc.insert(
            "status".into(),
            json!(effective_status(&self.status, self.settles_at_ms, now_ms())),
        );
        doc.insert("createdAt".into(), json!(iso8601(self.created_at_ms)));
        doc.insert("updatedAt".into(), json!(iso8601(self.updated_at_ms)));
        doc.insert(
            "workloadIdentityDetails".into(),
            json!({ "workloadIdentityArn": ids::workload_identity_arn(&ctx.region, &ctx.account_id, id) }),
        );
        Ok(Value::Object(doc))
    }
}

/// The gateway with this id, if any.
pub(crate) fn find_gateway(
    conn: &Connection,
    gateway_id: &str,
) -> Result<Option<GatewayRow>, ApiError> {
    find_by(conn, "gateway_id", gateway_id)
}

/// The gateway with this id, or ResourceNotFoundException.
pub(crate) fn require_gateway(conn: &Connection, gateway_id: &str) -> Result<GatewayRow, ApiError> {
    find_gateway(conn, gateway_id)?.ok_or_else(|| gateway_not_found(gateway_id))
}

fn gateway_not_found(gateway_id: &str) -> ApiError {
    ApiError::not_found(format!("Gateway '{gateway_id}' was not found."))
}

/// The gateway whose `column` (a unique column) holds `value`.
fn find_by(
    conn: &Connection,
    column: &'static str,
    value: &str,
) -> Result<Option<GatewayRow>, ApiError> {
    let sql = format!("SELECT {ROW_COLUMNS} FROM gateways WHERE {column} = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([value], GatewayRow::from_row)
        .optional()?)
}

/// Check the members of a CreateGateway or UpdateGateway request.
fn validate(input: &Object) -> Result<(), ApiError> {
    let mut v = Violations::new();
    if let Some(name) = v.required_str(input, "", "name") {
        v.pattern("name", name, is_resource_name(name), NAME_PATTERN);
    }
    v.optional_len(input, "", "description", 1, 200);
    if let Some(role) = v.required_str(input, "", "roleArn") {
        v.pattern(
            "roleArn",
            role,
            is_role_arn(role),
            "arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+",
        );
    }
    v.enum_value(input, "", "protocolType", PROTOCOL_TYPES, false);
    if let Some(("mcp", Value::Object(mcp))) = v.union(input, "", "protocolConfiguration", false) {
        let at = "protocolConfiguration.mcp";
        v.enum_value(mcp, at, "searchType", SEARCH_TYPES, false);
        v.optional_len(mcp, at, "instructions", 1, 2048);
        v.list(mcp, at, "supportedVersions", false, 0, usize::MAX);
        if let Some(session) = v.object(mcp, at, "sessionConfiguration", false)
            && let Some(timeout) = session
                .get("sessionTimeoutInSeconds")
                .filter(|t| !t.is_null())
            && !timeout
                .as_i64()
                .is_some_and(|t| (900..=28_800).contains(&t))
        {
            v.add(
                &format!("{at}.sessionConfiguration.sessionTimeoutInSeconds"),
                Some(timeout),
                "Member must be an integer between 900 and 28800",
            );
        }
    }
    let authorizer = v.enum_value(input, "", "authorizerType", AUTHORIZER_TYPES, true);
    let configuration = v.jwt_authorizer(input);
    if authorizer == Some("CUSTOM_JWT") && configuration.is_none() {
        v.add(
            "authorizerConfiguration",
            None,
            "Member must not be null when authorizerType is CUSTOM_JWT \
             (set authorizerConfiguration.customJWTAuthorizer.discoveryUrl)",
        );
    }
    v.optional_len(input, "", "kmsKeyArn", 1, 2048);
    if let Some(interceptors) = v.list(input, "", "interceptorConfigurations", false, 1, 2) {
        for (i, interceptor) in interceptors.iter().enumerate() {
            let at = format!("interceptorConfigurations.{i}");
            let Some(interceptor) = interceptor.as_object() else {
                v.add(&at, Some(interceptor), "Member must be a structure");
                continue;
            };
            v.union(interceptor, &at, "interceptor", true);
            if let Some(points) = v.list(interceptor, &at, "interceptionPoints", true, 1, 2) {
                for point in points {
                    if !point
                        .as_str()
                        .is_some_and(|p| INTERCEPTION_POINTS.contains(&p))
                    {
                        v.add(
                            &format!("{at}.interceptionPoints"),
                            Some(point),
                            "Member must satisfy enum value set: [REQUEST, RESPONSE]",
                        );
                    }
                }
            }
        }
    }
    if let Some(policy) = v.object(input, "", "policyEngineConfiguration", false) {
        let at = "policyEngineConfiguration";
        if let Some(arn) = v.required_str(policy, at, "arn") {
            v.pattern(
                "policyEngineConfiguration.arn",
                arn,
                is_policy_engine_arn(arn),
                "arn:aws:bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:policy-engine\\/[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9_]{10}",
            );
        }
        v.enum_value(policy, at, "mode", POLICY_ENGINE_MODES, true);
    }
    v.enum_value(input, "", "exceptionLevel", EXCEPTION_LEVELS, false);
    if let Some(tags) = v.object(input, "", "tags", false) {
        if tags.len() > 50 {
            v.add("tags", None, "Member must have at most 50 entries");
        }
        if let Some((key, value)) = tags.iter().find(|(_, value)| !value.is_string()) {
            v.add(
                &format!("tags.{key}"),
                Some(value),
                "Member must be a string",
            );
        }
    }
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

/// The document stored for a gateway: its input members, with protocolType
/// defaulting to MCP (the only protocol) as AWS reports it.
fn gateway_document(input: Object) -> Object {
    let mut doc = input_document(input, COMPUTED_MEMBERS);
    doc.entry("protocolType").or_insert_with(|| json!("MCP"));
    doc
}

/// The columns kept beside the document, for lists.
struct SummaryColumns {
    name: String,
    description: Option<String>,
    authorizer_type: String,
    protocol_type: Option<String>,
}

impl SummaryColumns {
    fn of(doc: &Object) -> Self {
        let text = |key: &str| doc.get(key).and_then(Value::as_str).map(str::to_owned);
        Self {
            name: text("name").unwrap_or_default(),
            description: text("description"),
            authorizer_type: text("authorizerType").unwrap_or_default(),
            protocol_type: text("protocolType"),
        }
    }
}

/// CreateGateway.
pub(crate) async fn create_gateway(ctx: &PlatformState, input: Object) -> Result<Value, ApiError> {
    validate(&input)?;
    let client_token = input
        .get("clientToken")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let doc = gateway_document(input);
    let columns = SummaryColumns::of(&doc);
    let document = serde_json::to_string(&doc)?;
    let row = ctx
        .store
        .write(move |tx| {
            // A retried request (same clientToken) gets the gateway it created.
            if let Some(token) = &client_token
                && let Some(existing) = find_by(tx, "client_token", token)? {
                    return Ok(existing);
                }
            if let Some(other) = find_by(tx, "name", &columns.name)? {
                return Err(ApiError::conflict(format!(
                    "A gateway named '{}' already exists (gatewayId {}). Gateway names are unique.",
                    columns.name, other.gateway_id
                )));
            }
            let gateway_id = ids::new_gateway_id(&columns.name);
            let now = now_ms();
            tx.prepare_cached(
                "INSERT INTO gateways (gateway_id, name, status, settles_at_ms, created_at_ms, \
                 updated_at_ms, client_token, description, authorizer_type, protocol_type, document) \
                 VALUES (?1, ?2, 'CREATING', ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                gateway_id,
                columns.name,
                settles_at(now),
                now,
                client_token,
                columns.description,
                columns.authorizer_type,
                columns.protocol_type,
                document,
            ])?;
            require_gateway(tx, &gateway_id)
        })
        .await?;
    tracing::info!(gateway_id = %row.gateway_id, "created gateway");
    row.to_wire(ctx)
}

/// GetGateway.
pub(crate) async fn get_gateway(
    ctx: &PlatformState,
    gateway_id: String,
) -> Result<Value, ApiError> {
    let row = ctx
        .store
        .read(move |conn| require_gateway(conn, &gateway_id))
        .await?;
    row.to_wire(ctx)
}

/// ListGateways: GatewaySummary items in creation order.
pub(crate) async fn list_gateways(
    ctx: &PlatformState,
    page: PageRequest,
) -> Result<Value, ApiError> {
    ctx.store
        .read(move |conn| {
            let now = now_ms();
            let mut statement = conn.prepare_cached(
                "SELECT seq, gateway_id, name, status, settles_at_ms, created_at_ms, updated_at_ms, \
                 description, authorizer_type, protocol_type \
                 FROM gateways WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let mut rows = statement.query(params![page.after_seq, page.limit as i64 + 1])?;
            let mut items = Vec::with_capacity(page.limit.min(64));
            let mut last_seq = 0;
            let mut more = false;
            while let Some(row) = rows.next()? {
                if items.len() == page.limit {
                    more = true;
                    break;
                }
                last_seq = row.get::<_, i64>(0)?;
                let status: String = row.get(3)?;
                let mut item = json!({
                    "gatewayId": row.get::<_, String>(1)?,
                    "name": row.get::<_, String>(2)?,
                    "status": effective_status(&status, row.get(4)?, now),
                    "createdAt": iso8601(row.get(5)?),
                    "updatedAt": iso8601(row.get(6)?),
                    "authorizerType": row.get::<_, String>(8)?,
                });
                if let Some(description) = row.get::<_, Option<String>>(7)? {
                    item["description"] = json!(description);
                }
                // MCP is the only protocol, and the model defaults to it.
                let protocol = row.get::<_, Option<String>>(9)?;
                item["protocolType"] = json!(protocol.as_deref().unwrap_or("MCP"));
                items.push(item);
            }
            let mut body = json!({ "items": items });
            if more {
                body["nextToken"] = json!(encode_token(ListKind::Gateways, last_seq));
            }
            Ok(body)
        })
        .await
}

/// UpdateGateway. Like AWS's, it replaces the gateway's configuration with
/// the request's members (omitting an optional member removes it); `tags`,
/// which the update request cannot carry, are kept.
pub(crate) async fn update_gateway(
    ctx: &PlatformState,
    gateway_id: String,
    input: Object,
) -> Result<Value, ApiError> {
    validate(&input)?;
    let mut doc = gateway_document(input);
    doc.remove("tags");
    let row = ctx
        .store
        .write(move |tx| {
            let existing = require_gateway(tx, &gateway_id)?;
            let old: Object = serde_json::from_str(&existing.document)?;
            if let Some(tags) = old.get("tags") {
                doc.insert("tags".into(), tags.clone());
            }
            let columns = SummaryColumns::of(&doc);
            if let Some(other) = find_by(tx, "name", &columns.name)?
                && other.gateway_id != gateway_id
            {
                return Err(ApiError::conflict(format!(
                    "Another gateway is already named '{}' (gatewayId {}).",
                    columns.name, other.gateway_id
                )));
            }
            let now = now_ms();
            tx.prepare_cached(
                "UPDATE gateways SET name = ?2, status = 'UPDATING', settles_at_ms = ?3, \
                 updated_at_ms = ?4, description = ?5, authorizer_type = ?6, protocol_type = ?7, \
                 document = ?8 WHERE gateway_id = ?1",
            )?
            .execute(params![
                gateway_id,
                columns.name,
                settles_at(now),
                now,
                columns.description,
                columns.authorizer_type,
                columns.protocol_type,
                serde_json::to_string(&doc)?,
            ])?;
            require_gateway(tx, &gateway_id)
        })
        .await?;
    tracing::info!(gateway_id = %row.gateway_id, "updated gateway");
    row.to_wire(ctx)
}

/// DeleteGateway. AWS refuses to delete a gateway that still has targets;
/// so do we. The row is removed at once; the answer says DELETING, as AWS's does.
pub(crate) async fn delete_gateway(
    ctx: &PlatformState,
    gateway_id: String,
) -> Result<Value, ApiError> {
    let id = gateway_id.clone();
    ctx.store
        .write(move |tx| {
            require_gateway(tx, &id)?;
            let targets: i64 = tx
                .prepare_cached("SELECT count(*) FROM gateway_targets WHERE gateway_id = ?1")?
                .query_row([&id], |row| row.get(0))?;
            if targets > 0 {
                return Err(ApiError::state_conflict(format!(
                    "Gateway '{id}' still has {targets} target(s). Delete its targets before \
                     deleting the gateway."
                )));
            }
            tx.prepare_cached("DELETE FROM gateways WHERE gateway_id = ?1")?
                .execute([&id])?;
            Ok(())
        })
        .await?;
    tracing::info!(%gateway_id, "deleted gateway");
    Ok(json!({ "gatewayId": gateway_id, "status": "DELETING" }))
}
