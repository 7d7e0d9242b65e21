//! The demo agent runtimes: the demo agent hosted three times, with
//! different lifecycles and inbound authorization.

use serde_json::{Value, json};

use crate::demo::identity_provider::{DEMO_CLIENT_SECRET, discovery_url};
use crate::demo::seed::{object, seed_token, seeded_id};
use crate::gateway::gateway_row::gateway_url;
use crate::identity::requester::Requester;
use crate::platform::wire_errors::ApiError;
use crate::runtime::agent_runtimes::create_agent_runtime;
use crate::runtime::state::RuntimeState;

/// The demo agent runtimes: the built-in demo agent (`acc demo-agent`,
/// given as `command`) hosted natively three times with different
/// lifecycles; the triage agent is JWT-authorized by the demo identity
/// provider, as a runtime called from a web front end would be. Created
/// when missing; at every start their artifact is pointed at this run's
/// executable, which moves between builds (their issuer and hub URLs follow
/// this run's port in `refresh_demo_endpoints`).
pub(crate) async fn ensure_demo_runtimes(
    ctx: &RuntimeState,
    endpoint_url: &str,
    command: &[String],
) -> Result<(), ApiError> {
    let uri = format!("native:{}", command.join(" "));
    let hub = ctx
        .store
        .read(|conn| Ok(seeded_id(conn, "gateways", "gateway_id", "enterprise-hub")))
        .await?;
    for runtime in demo_runtimes(endpoint_url, hub.as_deref()) {
        ensure(ctx, runtime, &uri).await?;
    }
    Ok(())
}

/// One demo runtime, as CreateAgentRuntime is asked for it.
struct DemoRuntime {
    name: &'static str,
    description: &'static str,
    idle_s: i64,
    lifetime_s: i64,
    env: Value,
    /// Inbound members (a JWT authorizer and its header allowlist), if any.
    inbound: Value,
}

/// The concierge (streaming, calling the hub's tools as the sales copilot
/// client when `hub` is seeded), the JWT-authorized triage agent, and the
/// research agent with background work.
fn demo_runtimes(endpoint_url: &str, hub: Option<&str>) -> [DemoRuntime; 3] {
    let discovery = discovery_url(endpoint_url);
    let jwt = json!({
        "authorizerConfiguration": { "customJWTAuthorizer": {
            "discoveryUrl": discovery,
            "allowedClients": ["support-triage", "sales-copilot"],
        }},
        "requestHeaderConfiguration": { "requestHeaderAllowlist": [
            "Authorization", "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant",
        ]},
    });
    let mut concierge_env = json!({ "AGENT_ROLE": "concierge" });
    if let Some(hub) = hub {
        concierge_env["GATEWAY_URL"] = json!(gateway_url(endpoint_url, hub));
        concierge_env["GATEWAY_DISCOVERY_URL"] = json!(discovery);
        concierge_env["GATEWAY_CLIENT_ID"] = json!("sales-copilot");
        concierge_env["GATEWAY_CLIENT_SECRET"] = json!(DEMO_CLIENT_SECRET);
    }
    [
        DemoRuntime {
            name: "concierge_agent",
            description: "Answers Northwind staff questions with the hub's tools, streaming its answer",
            idle_s: 900,
            lifetime_s: 28_800,
            env: concierge_env,
            inbound: json!({}),
        },
        DemoRuntime {
            name: "triage_agent",
            description: "Sorts incoming service-desk tickets",
            idle_s: 300,
            lifetime_s: 28_800,
            env: json!({ "AGENT_ROLE": "triage" }),
            inbound: jwt,
        },
        DemoRuntime {
            name: "research_agent",
            description: "Long-running research with background work",
            idle_s: 120,
            lifetime_s: 3_600,
            env: json!({ "AGENT_ROLE": "research" }),
            inbound: json!({}),
        },
    ]
}

/// Create `runtime` running `uri` when it is missing; otherwise point its
/// versions at `uri` (the executable moves between builds; the endpoints
/// this run's port changes are repointed by `refresh_demo_endpoints`).
async fn ensure(ctx: &RuntimeState, runtime: DemoRuntime, uri: &str) -> Result<(), ApiError> {
    let key = format!("runtime-{}", runtime.name.replace('_', "-"));
    let existing = {
        let key = key.clone();
        ctx.store
            .read(move |conn| Ok(seeded_id(conn, "agent_runtimes", "agent_runtime_id", &key)))
            .await?
    };
    if let Some(id) = existing {
        let uri = uri.to_owned();
        return ctx
            .store
            .write(move |tx| {
                tx.execute(
                    "UPDATE agent_runtime_versions SET document = json_set(document, \
                     '$.agentRuntimeArtifact.containerConfiguration.containerUri', ?2) \
                     WHERE agent_runtime_id = ?1",
                    rusqlite::params![id, uri],
                )?;
                Ok(())
            })
            .await;
    }
    let mut document = json!({
        "agentRuntimeName": runtime.name,
        "description": runtime.description,
        "clientToken": seed_token(&key),
        "roleArn": format!("arn:aws:iam::{}:role/NorthwindAgentRuntimeRole", ctx.account.account_id),
        "agentRuntimeArtifact": { "containerConfiguration": { "containerUri": uri } },
        "networkConfiguration": { "networkMode": "PUBLIC" },
        "protocolConfiguration": { "serverProtocol": "HTTP" },
        "lifecycleConfiguration": {
            "idleRuntimeSessionTimeout": runtime.idle_s,
            "maxLifetime": runtime.lifetime_s
        },
        "environmentVariables": runtime.env,
    });
    if let (Some(doc), Value::Object(extra)) = (document.as_object_mut(), runtime.inbound) {
        doc.extend(extra);
    }
    create_agent_runtime(ctx, &Requester::Platform, object(document)).await?;
    Ok(())
}
