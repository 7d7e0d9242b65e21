//! Gateway operations: CreateGateway, GetGateway, ListGateways, UpdateGateway,
//! DeleteGateway. These service functions are what the HTTP handlers and the
//! demo workspace call alike.

use rusqlite::params;
use serde_json::{Value, json};

use crate::gateway::gateway_row::{GatewayRow, require_gateway};
use crate::gateway::state::GatewayState;
use crate::platform::client_token::ClientToken;
use crate::platform::ids;
use crate::platform::lifecycle::settles_at;
use crate::platform::pagination::{ListKind, PageRequest, page_body};
use crate::platform::resource::{SUMMARY_COLUMNS, find, read_page, summary};
use crate::platform::rest_json::input_document;
use crate::platform::timestamps::now_ms;
use crate::platform::validation::{
    NAME_PATTERN, Object, Violations, is_policy_engine_arn, is_resource_name, is_role_arn,
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
    v.client_token(input);
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
pub(crate) async fn create_gateway(ctx: &GatewayState, input: Object) -> Result<Value, ApiError> {
    validate(&input)?;
    let token = ClientToken::of(&input);
    let doc = gateway_document(input);
    let columns = SummaryColumns::of(&doc);
    let document = serde_json::to_string(&doc)?;
    let row = ctx
        .store
        .write(move |tx| {
            // A retried request (same clientToken) gets the gateway it created.
            if let Some(earlier) = token.earlier::<GatewayRow>(tx, &[])? {
                return Ok(earlier);
            }
            if let Some(other) = find::<GatewayRow>(tx, &[("name", &columns.name)])? {
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
                token.as_deref(),
                columns.description,
                columns.authorizer_type,
                columns.protocol_type,
                document,
            ])?;
            require_gateway(tx, &gateway_id)
        })
        .await?;
    tracing::info!(gateway_id = %row.gateway_id, "created gateway");
    row.to_wire(&ctx.account, &ctx.endpoint_url)
}

/// GetGateway.
pub(crate) async fn get_gateway(ctx: &GatewayState, gateway_id: String) -> Result<Value, ApiError> {
    let row = ctx
        .store
        .read(move |conn| require_gateway(conn, &gateway_id))
        .await?;
    row.to_wire(&ctx.account, &ctx.endpoint_url)
}

/// ListGateways: GatewaySummary items in creation order.
pub(crate) async fn list_gateways(
    ctx: &GatewayState,
    page: PageRequest,
) -> Result<Value, ApiError> {
    let (items, next) = ctx
        .store
        .read(move |conn| {
            let now = now_ms();
            let columns = format!(
                "gateway_id, {SUMMARY_COLUMNS}, description, authorizer_type, protocol_type"
            );
            read_page(
                conn,
                "gateways",
                &columns,
                &[],
                page,
                ListKind::Gateways,
                |row| {
                    let mut item = summary(row, "gatewayId", now)?;
                    item["authorizerType"] = json!(row.get::<_, String>(7)?);
                    if let Some(description) = row.get::<_, Option<String>>(6)? {
                        item["description"] = json!(description);
                    }
                    // MCP is the only protocol, and the model defaults to it.
                    let protocol = row.get::<_, Option<String>>(8)?;
                    item["protocolType"] = json!(protocol.as_deref().unwrap_or("MCP"));
                    Ok(item)
                },
            )
        })
        .await?;
    Ok(page_body("items", items, next))
}

/// UpdateGateway. Like AWS's, it replaces the gateway's configuration with
/// the request's members (omitting an optional member removes it); `tags`,
/// which the update request cannot carry, are kept.
pub(crate) async fn update_gateway(
    ctx: &GatewayState,
    gateway_id: String,
    input: Object,
) -> Result<Value, ApiError> {
    validate(&input)?;
    let mut doc = gateway_document(input);
    doc.remove("tags");
    let row = ctx
        .store
        .write(move |tx| {
            let old = require_gateway(tx, &gateway_id)?.document()?;
            if let Some(tags) = old.get("tags") {
                doc.insert("tags".into(), tags.clone());
            }
            let columns = SummaryColumns::of(&doc);
            if let Some(other) = find::<GatewayRow>(tx, &[("name", &columns.name)])?
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
    row.to_wire(&ctx.account, &ctx.endpoint_url)
}

/// DeleteGateway. AWS refuses to delete a gateway that still has targets;
/// so do we. The row is removed at once; the answer says DELETING, as AWS's does.
pub(crate) async fn delete_gateway(
    ctx: &GatewayState,
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
