//! The demo workspace seeded into a fresh state: Northwind Group, an
//! enterprise whose agent teams all reach their tools through one central
//! gateway, plus a second gateway for one of its hosted tenants.
//!
//! It is created through the same service functions the HTTP API uses, so it
//! is exactly what a client could have created. It is seeded only into a
//! fresh state, once: a flag in the database records it, so demo resources a
//! user deletes stay deleted across restarts.

use std::sync::Arc;

use rusqlite::Connection;
use serde_json::{Value, json};

use crate::demo::identity_provider::discovery_url;
use crate::demo::seed::{gateway_id, object, seed_token, seeded_id};
use crate::demo::services::knowledge_base_tools;
use crate::demo::target_tools::{
    acme_order_tools, acme_support_tools, crm_tools, inventory_openapi, messaging_tools,
    ticketing_tools,
};
use crate::gateway::gateway_row::gateway_url;
use crate::gateway::state::GatewayState;
use crate::gateway::{gateways, targets};
use crate::platform::account::Account;
use crate::platform::store::{Store, get_meta, set_meta};
use crate::platform::validation::Object;
use crate::platform::wire_errors::ApiError;
use crate::policy::engines as policy_engines;
use crate::policy::policies;
use crate::policy::state::PolicyState;

/// The `meta` key recording the demo's fate in this state.
const DEMO_FLAG: &str = "demo_workspace";
const IN_PROGRESS: &str = "seeding";
const DONE: &str = "seeded";

/// Seed the demo workspace into a fresh state (one without gateways), once.
/// A seed that a crash interrupted is completed on the next start.
pub(crate) async fn seed_once(
    gateways: &GatewayState,
    policy: &PolicyState,
) -> Result<(), ApiError> {
    let store = &gateways.store;
    let (flag, existing) = store
        .read(|conn| {
            let gateways: i64 =
                conn.query_row("SELECT count(*) FROM gateways", [], |r| r.get(0))?;
            Ok((get_meta(conn, DEMO_FLAG)?, gateways))
        })
        .await?;
    let resume = flag.as_deref() == Some(IN_PROGRESS);
    if !resume && (flag.is_some() || existing > 0) {
        return Ok(());
    }
    store
        .write(|tx| set_meta(tx, DEMO_FLAG, IN_PROGRESS))
        .await?;
    seed(gateways, policy).await?;
    store.write(|tx| set_meta(tx, DEMO_FLAG, DONE)).await?;
    tracing::info!("seeded the demo workspace");
    Ok(())
}

/// Point the demo's resources at this run's demo backends: the port
/// changes from run to run, so the inventory API's server URL, the knowledge
/// base's MCP endpoint, the hub's and the triage agent's OIDC discovery URL
/// and the concierge's gateway URLs are rewritten at every start. Only the demo's own resources (found by their seed client
/// tokens) are touched, and only while they still point at a loopback
/// address: a user who re-pointed one elsewhere keeps their choice.
pub(crate) async fn refresh_demo_endpoints(
    store: &Arc<Store>,
    endpoint_url: &str,
) -> Result<(), ApiError> {
    let base = endpoint_url.to_owned();
    store
        .write(move |tx| {
            rewrite(tx, "gateway_targets", "hub-inventory-api", &|doc| {
                let payload =
                    doc.pointer_mut("/targetConfiguration/mcp/openApiSchema/inlinePayload")?;
                let mut api: Value = serde_json::from_str(payload.as_str()?).ok()?;
                let url = api.pointer_mut("/servers/0/url")?;
                repoint(url, &format!("{base}/demo/inventory/v1"))?;
                *payload = Value::String(api.to_string());
                Some(())
            })?;
            rewrite(tx, "gateway_targets", "hub-knowledge-base", &|doc| {
                let url = doc.pointer_mut("/targetConfiguration/mcp/mcpServer/endpoint")?;
                repoint(url, &format!("{base}/demo/knowledge-base/mcp"))
            })?;
            let discovery = discovery_url(&base);
            let issuer_of = |doc: &mut Value| {
                let url =
                    doc.pointer_mut("/authorizerConfiguration/customJWTAuthorizer/discoveryUrl")?;
                repoint(url, &discovery)
            };
            rewrite(tx, "gateways", "enterprise-hub", &issuer_of)?;
            // The demo runtimes, every version: the triage agent's issuer, and
            // the hub and issuer the concierge calls tools through.
            rewrite_runtime(tx, "runtime-triage-agent", &issuer_of)?;
            // The concierge remembers with the demo memory, on this run's port.
            if let Some(memory) = seeded_id(tx, "memories", "memory_id", crate::demo::memory::KEY) {
                rewrite_runtime(tx, "runtime-concierge-agent", &|doc| {
                    let env = doc.pointer_mut("/environmentVariables")?.as_object_mut()?;
                    let wanted = [
                        ("MEMORY_ID", memory.as_str()),
                        ("MEMORY_ENDPOINT", base.as_str()),
                    ];
                    let changed = wanted
                        .iter()
                        .any(|(k, v)| env.get(*k).and_then(Value::as_str) != Some(v));
                    for (k, v) in wanted {
                        env.insert(k.to_owned(), json!(v));
                    }
                    changed.then_some(())
                })?;
            }
            if let Some(hub) = seeded_id(tx, "gateways", "gateway_id", "enterprise-hub") {
                rewrite_runtime(tx, "runtime-concierge-agent", &|doc| {
                    let env = doc.pointer_mut("/environmentVariables")?;
                    let gateway = env
                        .get_mut("GATEWAY_URL")
                        .and_then(|u| repoint(u, &gateway_url(&base, &hub)));
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

/// Edit the stored document of the row of `table` the seed made under
/// `key`; `edit` says whether it changed anything.
fn rewrite(
    tx: &Connection,
    table: &str,
    key: &str,
    edit: &dyn Fn(&mut Value) -> Option<()>,
) -> Result<(), ApiError> {
    let sql = format!("SELECT document FROM {table} WHERE client_token = ?1");
    let Ok(text) = tx.query_row(&sql, [seed_token(key)], |r| r.get::<_, String>(0)) else {
        return Ok(());
    };
    let Ok(mut doc) = serde_json::from_str::<Value>(&text) else {
        return Ok(());
    };
    if edit(&mut doc).is_some() {
        tx.execute(
            &format!("UPDATE {table} SET document = ?1 WHERE client_token = ?2"),
            rusqlite::params![doc.to_string(), seed_token(key)],
        )?;
    }
    Ok(())
}

/// Edit every version's document of the runtime the seed made under `key`.
fn rewrite_runtime(
    tx: &Connection,
    key: &str,
    edit: &dyn Fn(&mut Value) -> Option<()>,
) -> Result<(), ApiError> {
    let Some(id) = seeded_id(tx, "agent_runtimes", "agent_runtime_id", key) else {
        return Ok(());
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
}

/// Replace a loopback URL by `to`; `None` when nothing changes.
fn repoint(url: &mut Value, to: &str) -> Option<()> {
    let current = url.as_str()?;
    let loopback = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
        .iter()
        .any(|p| current.starts_with(p));
    (loopback && current != to).then(|| *url = Value::String(to.to_owned()))
}

async fn seed(gateways: &GatewayState, policy: &PolicyState) -> Result<(), ApiError> {
    seed_hub(gateways).await?;
    seed_guardrails(policy).await?;
    seed_acme(gateways).await
}

/// The input of a demo Lambda target (the demo functions answer it).
fn lambda_target(
    account: &Account,
    key: &str,
    name: &str,
    description: &str,
    function: &str,
    tools: Value,
) -> Object {
    let (region, account) = (&account.region, &account.account_id);
    object(json!({
        "name": name,
        "description": description,
        "clientToken": seed_token(key),
        "targetConfiguration": { "mcp": { "lambda": {
            "lambdaArn": format!("arn:aws:lambda:{region}:{account}:function:{function}"),
            "toolSchema": { "inlinePayload": tools }
        }}}
    }))
}

/// Northwind's enterprise hub: a JWT-authorized gateway with Lambda,
/// OpenAPI and MCP server targets, its policy engine attached in LOG_ONLY.
async fn seed_hub(ctx: &GatewayState) -> Result<(), ApiError> {
    let (region, account) = (ctx.account.region.as_str(), ctx.account.account_id.as_str());
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
    for input in [
        lambda_target(
            &ctx.account,
            "hub-crm",
            "crm",
            "Accounts, contacts and pipeline in Northwind's CRM",
            "northwind-crm-tools",
            crm_tools(),
        ),
        lambda_target(
            &ctx.account,
            "hub-ticketing",
            "ticketing",
            "The customer service desk: tickets, comments and escalations",
            "northwind-servicedesk-tools",
            ticketing_tools(),
        ),
        lambda_target(
            &ctx.account,
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
                "mcpToolSchema": { "inlinePayload": json!({ "tools": knowledge_base_tools() }).to_string() }
            }}}
        })),
    ] {
        targets::create_gateway_target(ctx, hub_id.clone(), input).await?;
    }

    Ok(())
}

/// Acme's tenant gateway: IAM-authorized, two Lambda targets.
async fn seed_acme(ctx: &GatewayState) -> Result<(), ApiError> {
    let account = ctx.account.account_id.as_str();
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
            &ctx.account,
            "acme-orders",
            "orders",
            "Acme's orders and shipments",
            "acme-orders-tools",
            acme_order_tools(),
        ),
        lambda_target(
            &ctx.account,
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
async fn seed_guardrails(ctx: &PolicyState) -> Result<(), ApiError> {
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
