//! Gateway-target operations: CreateGatewayTarget, GetGatewayTarget,
//! ListGatewayTargets, UpdateGatewayTarget, DeleteGatewayTarget and
//! SynchronizeGatewayTargets.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::{Value, json};

use super::gateways::require_gateway;
use crate::platform::ids;
use crate::platform::lifecycle::{effective_status, settles_at};
use crate::platform::pagination::{ListKind, PageRequest, encode_token};
use crate::platform::rest_json::input_document;
use crate::platform::state::PlatformState;
use crate::platform::timestamps::{iso8601, now_ms};
use crate::platform::validation::{
    NAME_PATTERN, Object, TARGET_ID, Violations, is_client_token, is_lambda_arn, is_resource_name,
};
use crate::platform::wire_errors::ApiError;

const CREDENTIAL_PROVIDER_TYPES: &[&str] = &[
    "GATEWAY_IAM_ROLE",
    "OAUTH",
    "API_KEY",
    "CALLER_IAM_CREDENTIALS",
    "JWT_PASSTHROUGH",
];
const SCHEMA_TYPES: &[&str] = &["string", "number", "object", "array", "boolean", "integer"];
const LISTING_MODES: &[&str] = &["DEFAULT", "DYNAMIC"];
/// Nesting deeper than this in a tool's JSON schema is refused rather than recursed into.
const MAX_SCHEMA_DEPTH: usize = 32;

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

/// A target as stored.
struct TargetRow {
    target_id: String,
    gateway_id: String,
    name: String,
    status: String,
    settles_at_ms: i64,
    created_at_ms: i64,
    updated_at_ms: i64,
    last_synchronized_at_ms: Option<i64>,
    document: String,
}

const ROW_COLUMNS: &str = "target_id, gateway_id, name, status, settles_at_ms, created_at_ms, \
     updated_at_ms, last_synchronized_at_ms, document";

impl TargetRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            target_id: row.get(0)?,
            gateway_id: row.get(1)?,
            name: row.get(2)?,
            status: row.get(3)?,
            settles_at_ms: row.get(4)?,
            created_at_ms: row.get(5)?,
            updated_at_ms: row.get(6)?,
            last_synchronized_at_ms: row.get(7)?,
            document: row.get(8)?,
        })
    }

    /// The full target (the model's GatewayTarget / GetGatewayTargetResponse).
    fn to_wire(&self, ctx: &PlatformState) -> Result<Value, ApiError> {
        let mut doc: Object = serde_json::from_str(&self.document).map_err(|e| {
            ApiError::internal(format_args!(
                "the stored document of target {} is corrupt: {e}",
                self.target_id
            ))
        })?;
        doc.insert(
            "gatewayArn".into(),
            json!(ids::gateway_arn(
                &ctx.region,
                &ctx.account_id,
                &self.gateway_id
            )),
        );
        // The platform's own note, not a member of the API.
        doc.remove(crate::gateway::target_calls::MADE_BY_A_SESSION);
        doc.insert("targetId".into(), json!(self.target_id));
        doc.insert("name".into(), json!(self.name));
        doc.insert(
            "status".into(),
            json!(effective_status(&self.status, self.settles_at_ms, now_ms())),
        );
        doc.insert("createdAt".into(), json!(iso8601(self.created_at_ms)));
        doc.insert("updatedAt".into(), json!(iso8601(self.updated_at_ms)));
        if let Some(at) = self.last_synchronized_at_ms {
            doc.insert("lastSynchronizedAt".into(), json!(iso8601(at)));
        }
        // Required in the output shape even when the target has none.
        doc.entry("credentialProviderConfigurations")
            .or_insert_with(|| json!([]));
        if let Some(protocol) = doc.get("targetConfiguration").and_then(protocol_type) {
            doc.insert("protocolType".into(), json!(protocol));
        }
        Ok(Value::Object(doc))
    }
}

/// The only member set in a union object.
fn single_member(union: &Value) -> Option<(&str, &Value)> {
    let mut set = union.as_object()?.iter().filter(|(_, v)| !v.is_null());
    match (set.next(), set.next()) {
        (Some((name, value)), None) => Some((name.as_str(), value)),
        _ => None,
    }
}

/// TargetSummary's `targetType`, from the target configuration's union variants.
fn target_type(configuration: &Value) -> Option<&'static str> {
    let (family, inner) = single_member(configuration)?;
    let (variant, _) = single_member(inner)?;
    Some(match (family, variant) {
        ("mcp", "lambda") => "LAMBDA",
        ("mcp", "openApiSchema") => "OPEN_API_SCHEMA",
        ("mcp", "smithyModel") => "SMITHY_MODEL",
        ("mcp", "mcpServer") => "MCP_SERVER",
        ("mcp", "apiGateway") => "API_GATEWAY",
        ("mcp", "connector") => "CONNECTOR",
        ("http", "agentcoreRuntime") => "AGENTCORE_RUNTIME",
        ("http", "passthrough") => "PASSTHROUGH",
        ("http", "connector") => "HTTP_CONNECTOR",
        ("inference", "provider") => "PROVIDER",
        _ => return None,
    })
}

fn protocol_type(configuration: &Value) -> Option<&'static str> {
    match single_member(configuration)?.0 {
        "mcp" => Some("MCP"),
        "http" => Some("HTTP"),
        _ => None,
    }
}

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

fn find_target(
    conn: &Connection,
    gateway_id: &str,
    target_id: &str,
) -> Result<Option<TargetRow>, ApiError> {
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM gateway_targets WHERE gateway_id = ?1 AND target_id = ?2"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([gateway_id, target_id], TargetRow::from_row)
        .optional()?)
}

/// The target whose `column` (unique within a gateway) holds `value`.
fn find_by(
    conn: &Connection,
    gateway_id: &str,
    column: &'static str,
    value: &str,
) -> Result<Option<TargetRow>, ApiError> {
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM gateway_targets WHERE gateway_id = ?1 AND {column} = ?2"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([gateway_id, value], TargetRow::from_row)
        .optional()?)
}

/// The target, or ResourceNotFoundException naming what is missing.
fn require_target(
    conn: &Connection,
    gateway_id: &str,
    target_id: &str,
) -> Result<TargetRow, ApiError> {
    if let Some(row) = find_target(conn, gateway_id, target_id)? {
        return Ok(row);
    }
    require_gateway(conn, gateway_id)?;
    Err(ApiError::not_found(format!(
        "Target '{target_id}' was not found in gateway '{gateway_id}'."
    )))
}

/// Which request is being validated: a create must name the target, an
/// update may leave the name as it is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Request {
    Create,
    Update,
}

fn validate(input: &Object, request: Request) -> Result<(), ApiError> {
    let mut v = Violations::new();
    let name = match request {
        Request::Create => v.required_str(input, "", "name"),
        Request::Update => v.optional_str(input, "", "name"),
    };
    if let Some(name) = name {
        v.pattern("name", name, is_resource_name(name), NAME_PATTERN);
    }
    v.optional_len(input, "", "description", 1, 200);
    validate_target_configuration(&mut v, input);
    if let Some(providers) = v.list(input, "", "credentialProviderConfigurations", false, 1, 1) {
        for (i, provider) in providers.iter().enumerate() {
            let at = format!("credentialProviderConfigurations.{i}");
            let Some(provider) = provider.as_object() else {
                v.add(&at, Some(provider), "Member must be a structure");
                continue;
            };
            let kind = v.enum_value(
                provider,
                &at,
                "credentialProviderType",
                CREDENTIAL_PROVIDER_TYPES,
                true,
            );
            let needs_provider = matches!(kind, Some("OAUTH" | "API_KEY"));
            v.union(provider, &at, "credentialProvider", needs_provider);
        }
    }
    v.object(input, "", "metadataConfiguration", false);
    v.union(input, "", "privateEndpoint", false);
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

fn validate_target_configuration(v: &mut Violations, input: &Object) {
    let Some((family, _)) = v.union(input, "", "targetConfiguration", true) else {
        return;
    };
    let Some(configuration) = input.get("targetConfiguration").and_then(Value::as_object) else {
        return;
    };
    if family != "mcp" {
        // http / inference targets are stored as sent; they are not served locally yet.
        return;
    }
    let Some((variant, value)) = v.union(configuration, "targetConfiguration", "mcp", true) else {
        return;
    };
    let at = format!("targetConfiguration.mcp.{variant}");
    let Some(inner) = value.as_object() else {
        v.add(&at, Some(value), "Member must be a structure");
        return;
    };
    match variant {
        "lambda" => {
            if let Some(arn) = v.required_str(inner, &at, "lambdaArn") {
                v.pattern(
                    &format!("{at}.lambdaArn"),
                    arn,
                    is_lambda_arn(arn),
                    "arn:(aws[a-zA-Z-]*)?:lambda:<region>:<12-digit account>:function:<name>(:<qualifier>)?",
                );
            }
            match v.union(inner, &at, "toolSchema", true) {
                Some(("inlinePayload", tools)) => {
                    validate_tool_definitions(v, &format!("{at}.toolSchema.inlinePayload"), tools);
                }
                Some(("s3", s3)) => validate_s3(v, &format!("{at}.toolSchema.s3"), s3),
                _ => {}
            }
        }
        "openApiSchema" | "smithyModel" => {
            validate_api_schema(v, &at, inner, variant == "openApiSchema");
        }
        "mcpServer" => {
            if let Some(endpoint) = v.required_str(inner, &at, "endpoint") {
                // AWS requires https; locally, MCP servers on loopback speak plain http.
                let ok = endpoint.starts_with("https://") || endpoint.starts_with("http://");
                v.pattern(&format!("{at}.endpoint"), endpoint, ok, "https?://.*");
            }
            v.enum_value(inner, &at, "listingMode", LISTING_MODES, false);
            if let Some(priority) = inner.get("resourcePriority").filter(|p| !p.is_null())
                && !priority.as_i64().is_some_and(|p| (0..=1000).contains(&p))
            {
                v.add(
                    &format!("{at}.resourcePriority"),
                    Some(priority),
                    "Member must be an integer between 0 and 1000",
                );
            }
            v.union(inner, &at, "mcpToolSchema", false);
        }
        "apiGateway" => {
            v.required_str(inner, &at, "restApiId");
            v.required_str(inner, &at, "stage");
            v.object(inner, &at, "apiGatewayToolConfiguration", true);
        }
        // Variants from newer models are stored as sent.
        _ => {}
    }
}

fn validate_api_schema(v: &mut Violations, at: &str, schema: &Object, openapi: bool) {
    match v.union_members(at, schema) {
        Some(("inlinePayload", payload)) => {
            let path = format!("{at}.inlinePayload");
            match payload.as_str() {
                Some(text) if !text.trim().is_empty() => {
                    // JSON documents are checked here; YAML ones are taken as sent.
                    if openapi && text.trim_start().starts_with('{') {
                        match serde_json::from_str::<Value>(text) {
                            Ok(Value::Object(doc))
                                if doc.contains_key("openapi") || doc.contains_key("swagger") => {}
                            Ok(_) => v.add(
                                &path,
                                None,
                                "Member must be an OpenAPI document (no 'openapi' member found)",
                            ),
                            Err(e) => v.add(
                                &path,
                                None,
                                format!("Member must be a valid OpenAPI document: {e}"),
                            ),
                        }
                    }
                }
                _ => v.add(&path, Some(payload), "Member must be a non-empty string"),
            }
        }
        Some(("s3", s3)) => validate_s3(v, &format!("{at}.s3"), s3),
        _ => {}
    }
}

/// An `s3` schema location: an `s3://` URI, as AWS requires. The local
/// platform cannot read S3, and never reads a host path a request names
/// (`file://`), so the refusal says to send the schema inline.
fn validate_s3(v: &mut Violations, at: &str, s3: &Value) {
    match s3.as_object() {
        Some(s3) => {
            if let Some(uri) = v.optional_str(s3, at, "uri")
                && !(uri.len() > 5 && uri.starts_with("s3://"))
            {
                v.add(
                    &format!("{at}.uri"),
                    Some(&Value::String(uri.to_owned())),
                    "Member must satisfy regular expression pattern: s3://.{1,2043} \
                     (the local platform reads no files named by a request: send the schema \
                     itself as inlinePayload)",
                );
            }
        }
        None => v.add(at, Some(s3), "Member must be a structure"),
    }
}

fn validate_tool_definitions(v: &mut Violations, at: &str, tools: &Value) {
    let Some(tools) = tools.as_array() else {
        v.add(at, Some(tools), "Member must be a list of tool definitions");
        return;
    };
    let mut names = HashSet::new();
    for (i, tool) in tools.iter().enumerate() {
        let at = format!("{at}.{i}");
        let Some(tool) = tool.as_object() else {
            v.add(&at, Some(tool), "Member must be a structure");
            continue;
        };
        if let Some(name) = v.required_str(tool, &at, "name") {
            if name.is_empty() {
                v.add(&format!("{at}.name"), None, "Member must not be empty");
            } else if !names.insert(name) {
                v.add(
                    &format!("{at}.name"),
                    tool.get("name"),
                    "Tool names must be unique within a target",
                );
            }
        }
        v.required_str(tool, &at, "description");
        match tool.get("inputSchema") {
            None | Some(Value::Null) => v.add(
                &format!("{at}.inputSchema"),
                None,
                "Member must not be null",
            ),
            Some(schema) => validate_schema(v, &format!("{at}.inputSchema"), schema, 0),
        }
        if let Some(schema) = tool.get("outputSchema").filter(|s| !s.is_null()) {
            validate_schema(v, &format!("{at}.outputSchema"), schema, 0);
        }
    }
}

/// The model's SchemaDefinition: type, properties, required, items, description.
fn validate_schema(v: &mut Violations, at: &str, schema: &Value, depth: usize) {
    if depth > MAX_SCHEMA_DEPTH {
        v.add(
            at,
            None,
            format!("Schema must not nest deeper than {MAX_SCHEMA_DEPTH} levels"),
        );
        return;
    }
    let Some(schema) = schema.as_object() else {
        v.add(at, Some(schema), "Member must be a structure");
        return;
    };
    v.enum_value(schema, at, "type", SCHEMA_TYPES, true);
    v.optional_str(schema, at, "description");
    if let Some(properties) = v.object(schema, at, "properties", false) {
        for (name, property) in properties {
            validate_schema(v, &format!("{at}.properties.{name}"), property, depth + 1);
        }
    }
    if let Some(required) = v.list(schema, at, "required", false, 0, usize::MAX)
        && let Some(bad) = required.iter().find(|r| !r.is_string())
    {
        v.add(
            &format!("{at}.required"),
            Some(bad),
            "Member must be a list of strings",
        );
    }
    if let Some(items) = schema.get("items").filter(|i| !i.is_null()) {
        validate_schema(v, &format!("{at}.items"), items, depth + 1);
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
    ctx: &PlatformState,
    gateway_id: String,
    input: Object,
) -> Result<Value, ApiError> {
    validate(&input, Request::Create)?;
    let client_token = input
        .get("clientToken")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let doc = target_document(input);
    let columns = SummaryColumns::of(&doc);
    let document = serde_json::to_string(&doc)?;
    let row = ctx
        .store
        .write(move |tx| {
            require_gateway(tx, &gateway_id)?;
            // A retried request (same clientToken) gets the target it created.
            if let Some(token) = &client_token
                && let Some(existing) = find_by(tx, &gateway_id, "client_token", token)?
            {
                return Ok(existing);
            }
            if let Some(other) = find_by(tx, &gateway_id, "name", &columns.name)? {
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
                client_token,
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
    row.to_wire(ctx)
}

/// GetGatewayTarget.
pub(crate) async fn get_gateway_target(
    ctx: &PlatformState,
    gateway_id: String,
    target_id: String,
) -> Result<Value, ApiError> {
    let row = ctx
        .store
        .read(move |conn| require_target(conn, &gateway_id, &target_id))
        .await?;
    row.to_wire(ctx)
}

/// ListGatewayTargets: TargetSummary items in creation order.
pub(crate) async fn list_gateway_targets(
    ctx: &PlatformState,
    gateway_id: String,
    page: PageRequest,
) -> Result<Value, ApiError> {
    ctx.store
        .read(move |conn| {
            require_gateway(conn, &gateway_id)?;
            let now = now_ms();
            let mut statement = conn.prepare_cached(
                "SELECT seq, target_id, name, status, settles_at_ms, created_at_ms, updated_at_ms, \
                 description, resource_priority, last_synchronized_at_ms, target_type, listing_mode \
                 FROM gateway_targets WHERE gateway_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
            )?;
            let mut rows =
                statement.query(params![gateway_id, page.after_seq, page.limit as i64 + 1])?;
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
                    "targetId": row.get::<_, String>(1)?,
                    "name": row.get::<_, String>(2)?,
                    "status": effective_status(&status, row.get(4)?, now),
                    "createdAt": iso8601(row.get(5)?),
                    "updatedAt": iso8601(row.get(6)?),
                });
                if let Some(description) = row.get::<_, Option<String>>(7)? {
                    item["description"] = json!(description);
                }
                if let Some(priority) = row.get::<_, Option<i64>>(8)? {
                    item["resourcePriority"] = json!(priority);
                }
                if let Some(at) = row.get::<_, Option<i64>>(9)? {
                    item["lastSynchronizedAt"] = json!(iso8601(at));
                }
                if let Some(kind) = row.get::<_, Option<String>>(10)? {
                    item["targetType"] = json!(kind);
                }
                if let Some(mode) = row.get::<_, Option<String>>(11)? {
                    item["listingMode"] = json!(mode);
                }
                items.push(item);
            }
            let mut body = json!({ "items": items });
            if more {
                body["nextToken"] = json!(encode_token(ListKind::GatewayTargets, last_seq));
            }
            Ok(body)
        })
        .await
}

/// UpdateGatewayTarget: replaces the target's configuration with the
/// request's members; a request without `name` keeps the current name.
pub(crate) async fn update_gateway_target(
    ctx: &PlatformState,
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
            if let Some(other) = find_by(tx, &gateway_id, "name", &columns.name)?
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
    row.to_wire(ctx)
}

/// DeleteGatewayTarget: removed at once; the answer says DELETING, as AWS's does.
pub(crate) async fn delete_gateway_target(
    ctx: &PlatformState,
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
        "gatewayArn": ids::gateway_arn(&ctx.region, &ctx.account_id, &gateway_id),
        "targetId": target_id,
        "status": "DELETING",
    }))
}

/// SynchronizeGatewayTargets. Tool discovery from MCP servers is not built
/// yet (a later issue); for now a sync marks the targets SYNCHRONIZING (then
/// READY), stamps `lastSynchronizedAt`, and leaves their tool lists as they
/// are. Without `targetIdList`, every target of the gateway is synchronized.
pub(crate) async fn synchronize_gateway_targets(
    ctx: &PlatformState,
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
        .map(|row| row.to_wire(ctx))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({ "targets": targets }))
}
