//! The demo workspace seeded into a fresh state: Northwind Group, an
//! enterprise whose agent teams all reach their tools through one central
//! gateway, plus a second gateway for one of its hosted tenants.
//!
//! It is created through the same service functions the HTTP API uses, so it
//! is exactly what a client could have created. It is seeded only into a
//! fresh state, once: a flag in the database records it, so demo resources a
//! user deletes stay deleted across restarts.

use serde_json::{Value, json};

use crate::gateway::{gateways, targets};
use crate::platform::state::PlatformState;
use crate::platform::store::{get_meta, set_meta};
use crate::platform::validation::Object;
use crate::platform::wire_errors::ApiError;
use crate::policy::engines as policy_engines;
use crate::policy::policies;

/// The `meta` key recording the demo's fate in this state.
const DEMO_FLAG: &str = "demo_workspace";
const IN_PROGRESS: &str = "seeding";
const DONE: &str = "seeded";

/// Seed the demo workspace into a fresh state (one without gateways), once.
/// A seed that a crash interrupted is completed on the next start.
pub(crate) async fn seed_once(ctx: &PlatformState) -> Result<(), ApiError> {
    let (flag, gateways) = ctx
        .store
        .read(|conn| {
            let gateways: i64 =
                conn.query_row("SELECT count(*) FROM gateways", [], |r| r.get(0))?;
            Ok((get_meta(conn, DEMO_FLAG)?, gateways))
        })
        .await?;
    let resume = flag.as_deref() == Some(IN_PROGRESS);
    if !resume && (flag.is_some() || gateways > 0) {
        return Ok(());
    }
    ctx.store
        .write(|tx| set_meta(tx, DEMO_FLAG, IN_PROGRESS))
        .await?;
    seed(ctx).await?;
    ctx.store.write(|tx| set_meta(tx, DEMO_FLAG, DONE)).await?;
    tracing::info!("seeded the demo workspace");
    Ok(())
}

/// Point the demo's resources at this run's demo backends: the port
/// changes from run to run, so the inventory API's server URL, the knowledge
/// base's MCP endpoint, the hub's and the triage agent's OIDC discovery URL
/// and the concierge's gateway URLs are rewritten at every start. Only the demo's own resources (found by their seed client
/// tokens) are touched, and only while they still point at a loopback
/// address: a user who re-pointed one elsewhere keeps their choice.
pub(crate) async fn refresh_demo_endpoints(ctx: &PlatformState) -> Result<(), ApiError> {
    let base = ctx.endpoint_url.clone();
    ctx.store
        .write(move |tx| {
            let rewrite = |table: &str, token: &str, edit: &dyn Fn(&mut Value) -> Option<()>| {
                let sql = format!("SELECT document FROM {table} WHERE client_token = ?1");
                let Ok(text) = tx.query_row(&sql, [seed_token(token)], |r| r.get::<_, String>(0))
                else {
                    return Ok::<(), ApiError>(());
                };
                let Ok(mut doc) = serde_json::from_str::<Value>(&text) else {
                    return Ok(());
                };
                if edit(&mut doc).is_some() {
                    tx.execute(
                        &format!("UPDATE {table} SET document = ?1 WHERE client_token = ?2"),
                        rusqlite::params![doc.to_string(), seed_token(token)],
                    )?;
                }
                Ok(())
            };
            rewrite("gateway_targets", "hub-inventory-api", &|doc| {
                let payload =
                    doc.pointer_mut("/targetConfiguration/mcp/openApiSchema/inlinePayload")?;
                let mut api: Value = serde_json::from_str(payload.as_str()?).ok()?;
                let url = api.pointer_mut("/servers/0/url")?;
                repoint(url, &format!("{base}/demo/inventory/v1"))?;
                *payload = Value::String(api.to_string());
                Some(())
            })?;
            rewrite("gateway_targets", "hub-knowledge-base", &|doc| {
                let url = doc.pointer_mut("/targetConfiguration/mcp/mcpServer/endpoint")?;
                repoint(url, &format!("{base}/demo/knowledge-base/mcp"))
            })?;
            let discovery = format!("{base}/demo/idp/.well-known/openid-configuration");
            rewrite("gateways", "enterprise-hub", &|doc| {
                let url =
                    doc.pointer_mut("/authorizerConfiguration/customJWTAuthorizer/discoveryUrl")?;
                repoint(url, &discovery)
            })?;
            // The demo runtimes, every version: the triage agent's issuer, and
            // the hub and issuer the concierge calls tools through.
            let rewrite_runtime = |token: &str, edit: &dyn Fn(&mut Value) -> Option<()>| {
                let Ok(id) = tx.query_row(
                    "SELECT agent_runtime_id FROM agent_runtimes WHERE client_token = ?1",
                    [seed_token(token)],
                    |r| r.get::<_, String>(0),
                ) else {
                    return Ok::<(), ApiError>(());
                };
                let versions: Vec<(i64, String)> = tx
                    .prepare(
                        "SELECT version, document FROM agent_runtime_versions \
                         WHERE agent_runtime_id = ?1",
                    )?
                    .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                for (version, text) in versions {
                    let Ok(mut doc) = serde_json::from_str::<Value>(&text) else {
                        continue;
                    };
                    if edit(&mut doc).is_some() {
                        tx.execute(
                            "UPDATE agent_runtime_versions SET document = ?1 \
                             WHERE agent_runtime_id = ?2 AND version = ?3",
                            rusqlite::params![doc.to_string(), id, version],
                        )?;
                    }
                }
                Ok(())
            };
            rewrite_runtime("runtime-triage-agent", &|doc| {
                let url =
                    doc.pointer_mut("/authorizerConfiguration/customJWTAuthorizer/discoveryUrl")?;
                repoint(url, &discovery)
            })?;
            let hub: Option<String> = tx
                .query_row(
                    "SELECT gateway_id FROM gateways WHERE client_token = ?1",
                    [seed_token("enterprise-hub")],
                    |r| r.get(0),
                )
                .ok();
            if let Some(hub) = hub {
                rewrite_runtime("runtime-concierge-agent", &|doc| {
                    let env = doc.pointer_mut("/environmentVariables")?;
                    let gateway = env
                        .get_mut("GATEWAY_URL")
                        .and_then(|u| repoint(u, &format!("{base}/gateways/{hub}/mcp")));
                    let issuer = env
                        .get_mut("GATEWAY_DISCOVERY_URL")
                        .and_then(|u| repoint(u, &discovery));
                    gateway.or(issuer)
                })?;
            }
            Ok(())
        })
        .await
}

/// Replace a loopback URL by `to`; `None` when nothing changes.
fn repoint(url: &mut Value, to: &str) -> Option<()> {
    let current = url.as_str()?;
    let loopback = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
        .iter()
        .any(|p| current.starts_with(p));
    (loopback && current != to).then(|| *url = Value::String(to.to_owned()))
}

/// A deterministic client token, so that re-running a seed interrupted by a
/// crash finds what it already created instead of failing on name conflicts.
pub(crate) fn seed_token(key: &str) -> String {
    format!("acc-seed-{key}-0000000000000000000000")
}

pub(crate) fn object(value: Value) -> Object {
    match value {
        Value::Object(object) => object,
        _ => Object::new(),
    }
}

async fn seed(ctx: &PlatformState) -> Result<(), ApiError> {
    let (region, account) = (ctx.region.as_str(), ctx.account_id.as_str());
    let lambda = |function: &str| format!("arn:aws:lambda:{region}:{account}:function:{function}");

    let hub = gateways::create_gateway(
        ctx,
        object(json!({
            "name": "enterprise-hub",
            "description": "Northwind's central tool gateway: CRM, service desk, messaging and internal APIs, shared by every agent team",
            "clientToken": seed_token("enterprise-hub"),
            "roleArn": format!("arn:aws:iam::{account}:role/NorthwindAgentGatewayRole"),
            "protocolType": "MCP",
            "protocolConfiguration": { "mcp": {
                "supportedVersions": ["2025-03-26", "2025-06-18"],
                "searchType": "SEMANTIC",
                "instructions": "Tools for Northwind's sales, support and operations agents. Every call is evaluated against the tenant policies of the platform team."
            }},
            "authorizerType": "CUSTOM_JWT",
            "authorizerConfiguration": { "customJWTAuthorizer": {
                "discoveryUrl": "http://localhost:8180/realms/northwind/.well-known/openid-configuration",
                "allowedAudience": ["enterprise-hub"],
                "allowedClients": ["sales-copilot", "support-triage", "ops-assistant"]
            }},
            "policyEngineConfiguration": {
                "arn": format!("arn:aws:bedrock-agentcore:{region}:{account}:policy-engine/{DEMO_ENGINE_ID}"),
                "mode": "LOG_ONLY"
            },
            "exceptionLevel": "DEBUG",
            "tags": { "owner": "platform-engineering", "tenancy": "multi-tenant", "environment": "local" }
        })),
    )
    .await?;
    let hub_id = gateway_id(&hub)?;

    let lambda_target = |key: &str, name: &str, description: &str, function: &str, tools: Value| {
        object(json!({
            "name": name,
            "description": description,
            "clientToken": seed_token(key),
            "targetConfiguration": { "mcp": { "lambda": {
                "lambdaArn": lambda(function),
                "toolSchema": { "inlinePayload": tools }
            }}}
        }))
    };
    for input in [
        lambda_target(
            "hub-crm",
            "crm",
            "Accounts, contacts and pipeline in Northwind's CRM",
            "northwind-crm-tools",
            crm_tools(),
        ),
        lambda_target(
            "hub-ticketing",
            "ticketing",
            "The customer service desk: tickets, comments and escalations",
            "northwind-servicedesk-tools",
            ticketing_tools(),
        ),
        lambda_target(
            "hub-messaging",
            "messaging",
            "Team chat channels and direct messages",
            "northwind-messaging-tools",
            messaging_tools(),
        ),
        object(json!({
            "name": "inventory-api",
            "description": "Warehouse stock and reservations (internal REST API)",
            "clientToken": seed_token("hub-inventory-api"),
            "targetConfiguration": { "mcp": { "openApiSchema": {
                "inlinePayload": inventory_openapi().to_string()
            }}},
            "credentialProviderConfigurations": [{
                "credentialProviderType": "API_KEY",
                "credentialProvider": { "apiKeyCredentialProvider": {
                    "providerArn": format!("arn:aws:bedrock-agentcore:{region}:{account}:token-vault/default/apikeycredentialprovider/northwind-inventory"),
                    "credentialParameterName": "X-Api-Key",
                    "credentialLocation": "HEADER"
                }}
            }]
        })),
        object(json!({
            "name": "knowledge-base",
            "description": "Product manuals and runbooks, served by an MCP server",
            "clientToken": seed_token("hub-knowledge-base"),
            "targetConfiguration": { "mcp": { "mcpServer": {
                "endpoint": "http://127.0.0.1:8000/mcp",
                "mcpToolSchema": { "inlinePayload": json!({ "tools": crate::demo::services::knowledge_base_tools() }).to_string() }
            }}}
        })),
    ] {
        targets::create_gateway_target(ctx, hub_id.clone(), input).await?;
    }

    seed_guardrails(ctx).await?;

    let acme = gateways::create_gateway(
        ctx,
        object(json!({
            "name": "tenant-acme",
            "description": "Acme Corp's tenant gateway: only Acme's records and support queue are reachable here",
            "clientToken": seed_token("tenant-acme"),
            "roleArn": format!("arn:aws:iam::{account}:role/AcmeTenantGatewayRole"),
            "protocolType": "MCP",
            "protocolConfiguration": { "mcp": { "supportedVersions": ["2025-06-18"] } },
            "authorizerType": "AWS_IAM",
            "tags": { "tenant": "acme", "environment": "local" }
        })),
    )
    .await?;
    let acme_id = gateway_id(&acme)?;
    for input in [
        lambda_target(
            "acme-orders",
            "orders",
            "Acme's orders and shipments",
            "acme-orders-tools",
            acme_order_tools(),
        ),
        lambda_target(
            "acme-support",
            "support",
            "Acme's support cases",
            "acme-support-tools",
            acme_support_tools(),
        ),
    ] {
        targets::create_gateway_target(ctx, acme_id.clone(), input).await?;
    }
    Ok(())
}

/// The demo's policy engine, attached to the hub in LOG_ONLY.
const DEMO_ENGINE_ID: &str = "northwind_tenant_guardrails-q7m2x9k4p1";

/// The hub's guardrails: Northwind's agents may use the hub, with a few
/// forbids on risky arguments that depend on the caller's token claims.
async fn seed_guardrails(ctx: &PlatformState) -> Result<(), ApiError> {
    policy_engines::create_policy_engine_as(
        ctx,
        object(json!({
            "name": "northwind_tenant_guardrails",
            "description": "Who may do what through Northwind's enterprise hub",
            "clientToken": seed_token("northwind-guardrails"),
        })),
        Some(DEMO_ENGINE_ID.to_owned()),
    )
    .await?;
    let policies = [
        (
            "northwind_agents",
            "Northwind's agents may call the hub's tools",
            "permit (\n  principal is AgentCore::OAuthUser,\n  action,\n  resource\n)\nwhen {\n  principal.hasTag(\"tenant\") &&\n  principal.getTag(\"tenant\") == \"northwind\"\n};",
        ),
        (
            "sev1_escalations_by_operations",
            "Only operations escalates at severity 1",
            "forbid (\n  principal,\n  action == AgentCore::Action::\"ticketing___escalate_ticket\",\n  resource\n)\nwhen {\n  context.input has severity &&\n  context.input.severity <= 1 &&\n  !(principal.hasTag(\"department\") && principal.getTag(\"department\") == \"operations\")\n};",
        ),
        (
            "large_reservations_need_operator",
            "Reserving more than 500 units needs an operator",
            "forbid (\n  principal,\n  action == AgentCore::Action::\"inventory-api___reserveStock\",\n  resource\n)\nwhen {\n  context.input.quantity > 500 &&\n  !(principal.hasTag(\"role\") && principal.getTag(\"role\") == \"operator\")\n};",
        ),
        (
            "sales_no_announcements",
            "Sales agents do not schedule company announcements",
            "forbid (\n  principal,\n  action == AgentCore::Action::\"messaging___schedule_announcement\",\n  resource\n)\nwhen {\n  principal.hasTag(\"department\") &&\n  principal.getTag(\"department\") == \"sales\"\n};",
        ),
    ];
    for (name, description, statement) in policies {
        policies::create_policy(
            ctx,
            DEMO_ENGINE_ID.to_owned(),
            object(json!({
                "name": name,
                "description": description,
                "clientToken": seed_token(&format!("guardrail-{}", name.replace('_', "-"))),
                "definition": { "cedar": { "statement": statement } },
                // The seed must not need an SMT solver on a fresh machine;
                // these statements are known to have no findings (a test
                // analyses them).
                "validationMode": "IGNORE_ALL_FINDINGS",
            })),
        )
        .await?;
    }
    Ok(())
}

pub(crate) fn gateway_id(gateway: &Value) -> Result<String, ApiError> {
    gateway["gatewayId"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| ApiError::internal("a created gateway has no gatewayId"))
}

// JSON-schema builders for the tool catalogs below (the model's SchemaDefinition).

fn text(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn integer(description: &str) -> Value {
    json!({ "type": "integer", "description": description })
}

fn number(description: &str) -> Value {
    json!({ "type": "number", "description": description })
}

fn boolean(description: &str) -> Value {
    json!({ "type": "boolean", "description": description })
}

fn list_of(items: Value, description: &str) -> Value {
    json!({ "type": "array", "items": items, "description": description })
}

fn record(properties: Value, required: &[&str]) -> Value {
    json!({ "type": "object", "properties": properties, "required": required })
}

fn tool(name: &str, description: &str, input: Value) -> Value {
    json!({ "name": name, "description": description, "inputSchema": input })
}

fn crm_tools() -> Value {
    json!([
        tool(
            "search_accounts",
            "Find customer accounts by name, industry or region",
            record(
                json!({
                    "query": text("Free text matched against account names and domains"),
                    "filters": record(json!({
                        "industry": text("Industry, e.g. retail, manufacturing, healthcare"),
                        "region": text("Sales region: EMEA, AMER or APAC"),
                        "min_annual_revenue": number("Lower bound of annual revenue in USD")
                    }), &[]),
                    "limit": integer("Maximum number of accounts to return (1-100)")
                }),
                &["query"]
            )
        ),
        json!({
            "name": "get_account",
            "description": "Read one account with its contacts, open opportunities and recent activities",
            "inputSchema": record(json!({
                "account_id": text("CRM account id, e.g. ACC-104233"),
                "include": list_of(text("contacts, opportunities or activities"), "Related records to embed")
            }), &["account_id"]),
            "outputSchema": record(json!({
                "account_id": text("CRM account id"),
                "name": text("Legal name"),
                "owner_email": text("Account owner"),
                "tier": text("strategic, growth or standard")
            }), &["account_id", "name"])
        }),
        tool(
            "list_opportunities",
            "List an account's opportunities, optionally by stage and close date",
            record(
                json!({
                    "account_id": text("CRM account id"),
                    "stage": text("prospecting, qualification, proposal, negotiation, closed_won or closed_lost"),
                    "closing_before": text("ISO-8601 date; only opportunities expected to close before it")
                }),
                &["account_id"]
            )
        ),
        tool(
            "update_opportunity_stage",
            "Move an opportunity to another pipeline stage",
            record(
                json!({
                    "opportunity_id": text("CRM opportunity id, e.g. OPP-88412"),
                    "stage": text("The new stage"),
                    "probability": number("Win probability between 0 and 1"),
                    "note": text("Why the stage changed; stored on the opportunity's history")
                }),
                &["opportunity_id", "stage"]
            )
        ),
        tool(
            "create_contact",
            "Add a contact person to an account",
            record(
                json!({
                    "account_id": text("CRM account id"),
                    "contact": record(json!({
                        "first_name": text("Given name"),
                        "last_name": text("Family name"),
                        "email": text("Work email address"),
                        "phone": text("Phone number in E.164 format"),
                        "title": text("Job title"),
                        "consent": record(json!({
                            "email_opt_in": boolean("Agreed to receive marketing email"),
                            "recorded_at": text("ISO-8601 timestamp of the consent")
                        }), &["email_opt_in"])
                    }), &["first_name", "last_name", "email"])
                }),
                &["account_id", "contact"]
            )
        ),
        tool(
            "log_activity",
            "Record a call, meeting or email against an account",
            record(
                json!({
                    "account_id": text("CRM account id"),
                    "kind": text("call, meeting or email"),
                    "subject": text("One-line summary"),
                    "occurred_at": text("ISO-8601 timestamp"),
                    "attendees": list_of(record(json!({
                        "email": text("Attendee email"),
                        "role": text("customer or northwind")
                    }), &["email"]), "Who took part")
                }),
                &["account_id", "kind", "subject"]
            )
        )
    ])
}

fn ticketing_tools() -> Value {
    json!([
        tool(
            "create_ticket",
            "Open a support ticket for a customer",
            record(
                json!({
                    "account_id": text("CRM account id of the customer"),
                    "title": text("Short description of the problem"),
                    "description": text("Full description, steps to reproduce"),
                    "priority": text("p1, p2, p3 or p4"),
                    "product": text("Affected product line"),
                    "labels": list_of(text("A label"), "Free-form labels")
                }),
                &["account_id", "title", "priority"]
            )
        ),
        tool(
            "get_ticket",
            "Read a ticket with its comments and history",
            record(
                json!({ "ticket_id": text("Ticket id, e.g. SD-20931") }),
                &["ticket_id"]
            )
        ),
        tool(
            "search_tickets",
            "Search tickets by status, priority, assignee or text",
            record(
                json!({
                    "query": text("Free text matched against titles and comments"),
                    "status": list_of(text("new, open, pending, resolved or closed"), "Statuses to include"),
                    "assignee": text("Agent or engineer email"),
                    "updated_since": text("ISO-8601 timestamp"),
                    "limit": integer("Maximum number of tickets (1-200)")
                }),
                &[]
            )
        ),
        tool(
            "add_comment",
            "Add a public reply or an internal note to a ticket",
            record(
                json!({
                    "ticket_id": text("Ticket id"),
                    "body": text("Comment text (Markdown)"),
                    "internal": boolean("True for a note the customer cannot see")
                }),
                &["ticket_id", "body"]
            )
        ),
        tool(
            "escalate_ticket",
            "Escalate a ticket to an engineering team's on-call",
            record(
                json!({
                    "ticket_id": text("Ticket id"),
                    "team": text("Engineering team slug, e.g. payments-core"),
                    "reason": text("Why support cannot resolve it"),
                    "severity": integer("Incident severity from 1 (highest) to 4")
                }),
                &["ticket_id", "team", "reason"]
            )
        ),
        tool(
            "set_ticket_status",
            "Change a ticket's status",
            record(
                json!({
                    "ticket_id": text("Ticket id"),
                    "status": text("open, pending, resolved or closed"),
                    "resolution": record(json!({
                        "code": text("fixed, workaround, duplicate or wont_fix"),
                        "summary": text("What resolved it")
                    }), &["code"])
                }),
                &["ticket_id", "status"]
            )
        )
    ])
}

fn messaging_tools() -> Value {
    json!([
        tool(
            "list_channels",
            "List the chat channels the calling agent may post to",
            record(
                json!({ "prefix": text("Only channels whose name starts with this") }),
                &[]
            )
        ),
        tool(
            "post_message",
            "Post a message to a channel",
            record(
                json!({
                    "channel": text("Channel name, e.g. #sales-emea"),
                    "text": text("Message text (Markdown)"),
                    "thread_id": text("Reply in this thread instead of the channel"),
                    "mentions": list_of(text("User email"), "People to notify")
                }),
                &["channel", "text"]
            )
        ),
        tool(
            "send_direct_message",
            "Send a direct message to one person",
            record(
                json!({
                    "recipient_email": text("Recipient's email"),
                    "text": text("Message text")
                }),
                &["recipient_email", "text"]
            )
        ),
        tool(
            "schedule_announcement",
            "Schedule a message for later delivery to several channels",
            record(
                json!({
                    "channels": list_of(text("Channel name"), "Where to post"),
                    "text": text("Announcement text"),
                    "send_at": text("ISO-8601 timestamp")
                }),
                &["channels", "text", "send_at"]
            )
        )
    ])
}

fn inventory_openapi() -> Value {
    let sku = json!({ "name": "sku", "in": "path", "required": true,
        "description": "Stock keeping unit, e.g. NW-CHR-0042", "schema": { "type": "string" } });
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Northwind Inventory API", "version": "1.4.0",
                  "description": "Stock levels, warehouses and reservations across Northwind's distribution centres." },
        "servers": [{ "url": "http://127.0.0.1:8085/inventory/v1" }],
        "paths": {
            "/warehouses": { "get": {
                "operationId": "listWarehouses",
                "summary": "List warehouses, optionally in one region",
                "parameters": [{ "name": "region", "in": "query", "required": false,
                    "schema": { "type": "string", "enum": ["emea", "amer", "apac"] } }],
                "responses": { "200": { "description": "Warehouses",
                    "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Warehouse" } } } } } }
            }},
            "/items": { "get": {
                "operationId": "searchItems",
                "summary": "Search catalogue items with their stock levels",
                "parameters": [
                    { "name": "q", "in": "query", "required": true, "schema": { "type": "string" } },
                    { "name": "category", "in": "query", "schema": { "type": "string",
                        "enum": ["furniture", "lighting", "textiles", "outdoor"] } },
                    { "name": "inStock", "in": "query", "schema": { "type": "boolean" } },
                    { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100 } }
                ],
                "responses": { "200": { "description": "Matching items",
                    "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Item" } } } } } }
            }},
            "/items/{sku}": { "get": {
                "operationId": "getItem",
                "summary": "Read one item with stock per warehouse",
                "parameters": [sku.clone()],
                "responses": { "200": { "description": "The item",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Item" } } } },
                    "404": { "description": "No such item" } }
            }},
            "/items/{sku}/reorder-point": { "put": {
                "operationId": "setReorderPoint",
                "summary": "Set the stock level below which an item is reordered",
                "parameters": [sku],
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["warehouseId", "quantity"],
                    "properties": { "warehouseId": { "type": "string" }, "quantity": { "type": "integer", "minimum": 0 } } } } } },
                "responses": { "204": { "description": "Updated" } }
            }},
            "/reservations": { "post": {
                "operationId": "reserveStock",
                "summary": "Reserve stock for a customer order",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["sku", "warehouseId", "quantity"],
                    "properties": {
                        "sku": { "type": "string" },
                        "warehouseId": { "type": "string" },
                        "quantity": { "type": "integer", "minimum": 1 },
                        "priority": { "type": "string", "enum": ["standard", "expedited"], "default": "standard" },
                        "orderReference": { "type": "string" }
                    } } } } },
                "responses": { "201": { "description": "Reserved",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Reservation" } } } },
                    "409": { "description": "Not enough stock" } }
            }},
            "/reservations/{reservationId}": { "delete": {
                "operationId": "releaseReservation",
                "summary": "Release a reservation that will not be fulfilled",
                "parameters": [{ "name": "reservationId", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": { "204": { "description": "Released" } }
            }}
        },
        "components": { "schemas": {
            "Warehouse": { "type": "object", "properties": {
                "id": { "type": "string" }, "name": { "type": "string" },
                "region": { "type": "string", "enum": ["emea", "amer", "apac"] } } },
            "Item": { "type": "object", "properties": {
                "sku": { "type": "string" }, "name": { "type": "string" },
                "category": { "type": "string", "enum": ["furniture", "lighting", "textiles", "outdoor"] },
                "stock": { "type": "object", "additionalProperties": { "type": "integer" } } } },
            "Reservation": { "type": "object", "properties": {
                "id": { "type": "string" }, "sku": { "type": "string" }, "quantity": { "type": "integer" },
                "status": { "type": "string", "enum": ["held", "fulfilled", "released"] } } }
        }}
    })
}

fn acme_order_tools() -> Value {
    json!([
        tool(
            "lookup_order",
            "Read one of Acme's orders with its shipments",
            record(
                json!({ "order_number": text("Acme order number, e.g. AC-2024-11873") }),
                &["order_number"]
            )
        ),
        tool(
            "list_open_orders",
            "List Acme's orders that are not yet delivered",
            record(
                json!({
                    "placed_after": text("ISO-8601 date"),
                    "limit": integer("Maximum number of orders")
                }),
                &[]
            )
        ),
        tool(
            "request_return",
            "Open a return for items of a delivered order",
            record(
                json!({
                    "order_number": text("Acme order number"),
                    "lines": list_of(record(json!({
                        "sku": text("Item SKU"),
                        "quantity": integer("Units to return")
                    }), &["sku", "quantity"]), "Items to return"),
                    "reason": text("damaged, wrong_item or no_longer_needed")
                }),
                &["order_number", "lines", "reason"]
            )
        )
    ])
}

fn acme_support_tools() -> Value {
    json!([
        tool(
            "open_case",
            "Open a support case for Acme",
            record(
                json!({
                    "subject": text("Short description"),
                    "details": text("What happened"),
                    "urgent": boolean("Needs an answer within the hour")
                }),
                &["subject"]
            )
        ),
        tool(
            "get_case_status",
            "Read the status of an Acme support case",
            record(
                json!({ "case_id": text("Case id, e.g. ACME-5521") }),
                &["case_id"]
            )
        )
    ])
}

/// The demo agent runtimes: the built-in demo agent (`acc demo-agent`,
/// given as `command`) hosted natively three times with different
/// lifecycles; the triage agent is JWT-authorized by the demo identity
/// provider, as a runtime called from a web front end would be. Created
/// when missing; at every start their artifact is pointed at this run's
/// executable, which moves between builds (their issuer and hub URLs follow
/// this run's port in `refresh_demo_endpoints`).
pub(crate) async fn ensure_demo_runtimes(
    ctx: &PlatformState,
    command: &[String],
) -> Result<(), ApiError> {
    let uri = format!("native:{}", command.join(" "));
    let discovery = format!(
        "{}/demo/idp/.well-known/openid-configuration",
        ctx.endpoint_url
    );
    let jwt = json!({
        "authorizerConfiguration": { "customJWTAuthorizer": {
            "discoveryUrl": discovery,
            "allowedClients": ["support-triage", "sales-copilot"],
        }},
        "requestHeaderConfiguration": { "requestHeaderAllowlist": [
            "Authorization", "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant",
        ]},
    });
    // The concierge calls the hub's tools as the sales copilot client.
    let hub: Option<String> = ctx
        .store
        .read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT gateway_id FROM gateways WHERE client_token = ?1",
                    [seed_token("enterprise-hub")],
                    |r| r.get(0),
                )
                .ok())
        })
        .await?;
    let hub_url = hub.map(|id| format!("{}/gateways/{id}/mcp", ctx.endpoint_url));
    let mut concierge_env = json!({ "AGENT_ROLE": "concierge" });
    if let Some(url) = &hub_url {
        concierge_env["GATEWAY_URL"] = json!(url);
        concierge_env["GATEWAY_DISCOVERY_URL"] = json!(discovery);
        concierge_env["GATEWAY_CLIENT_ID"] = json!("sales-copilot");
        concierge_env["GATEWAY_CLIENT_SECRET"] =
            json!(crate::demo::identity_provider::DEMO_CLIENT_SECRET);
    }
    let runtimes = [
        (
            "concierge_agent",
            "Answers Northwind staff questions with the hub's tools, streaming its answer",
            900,
            28_800,
            concierge_env,
            json!({}),
        ),
        (
            "triage_agent",
            "Sorts incoming service-desk tickets",
            300,
            28_800,
            json!({ "AGENT_ROLE": "triage" }),
            jwt,
        ),
        (
            "research_agent",
            "Long-running research with background work",
            120,
            3_600,
            json!({ "AGENT_ROLE": "research" }),
            json!({}),
        ),
    ];
    for (name, description, idle, lifetime, env, inbound) in runtimes {
        let token = seed_token(&format!("runtime-{}", name.replace('_', "-")));
        let existing: Option<String> = {
            let token = token.clone();
            ctx.store
                .read(move |conn| {
                    Ok(conn
                        .query_row(
                            "SELECT agent_runtime_id FROM agent_runtimes WHERE client_token = ?1",
                            [&token],
                            |r| r.get(0),
                        )
                        .ok())
                })
                .await?
        };
        match existing {
            None => {
                let mut document = json!({
                        "agentRuntimeName": name,
                        "description": description,
                        "clientToken": token,
                        "roleArn": format!("arn:aws:iam::{}:role/NorthwindAgentRuntimeRole", ctx.account_id),
                        "agentRuntimeArtifact": { "containerConfiguration": { "containerUri": uri } },
                        "networkConfiguration": { "networkMode": "PUBLIC" },
                        "protocolConfiguration": { "serverProtocol": "HTTP" },
                        "lifecycleConfiguration": { "idleRuntimeSessionTimeout": idle, "maxLifetime": lifetime },
                        "environmentVariables": env,
                });
                if let (Some(doc), Value::Object(extra)) = (document.as_object_mut(), inbound) {
                    doc.extend(extra);
                }
                crate::runtime::agent_runtimes::create_agent_runtime(
                    ctx,
                    &crate::runtime::agent_runtimes::Requester::Platform,
                    object(document),
                )
                .await?;
            }
            Some(id) => {
                // The executable moves between builds; the endpoints this
                // run's port changes are repointed by `refresh_demo_endpoints`.
                let uri = uri.clone();
                ctx.store
                    .write(move |tx| {
                        tx.execute(
                            "UPDATE agent_runtime_versions SET document = json_set(document, \
                             '$.agentRuntimeArtifact.containerConfiguration.containerUri', ?2) \
                             WHERE agent_runtime_id = ?1",
                            rusqlite::params![id, uri],
                        )?;
                        Ok(())
                    })
                    .await?;
            }
        }
    }
    Ok(())
}
