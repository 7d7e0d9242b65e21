//! Agent runtime endpoints: CreateAgentRuntimeEndpoint,
//! GetAgentRuntimeEndpoint, ListAgentRuntimeEndpoints. Every runtime has a
//! DEFAULT endpoint from its creation on, and it follows the latest
//! version; other endpoints stay on the version they name.

use rusqlite::{Connection, params};
use serde_json::{Value, json};

use crate::platform::account::Account;
use crate::platform::ids;
use crate::platform::lifecycle::{effective_status, settles_at};
use crate::platform::pagination::{ListKind, PageRequest, page_body};
use crate::platform::resource::{page_of, require, stored_resource};
use crate::platform::timestamps::{iso8601, now_ms};
use crate::platform::validation::{Object, Violations};
use crate::platform::wire_errors::ApiError;
use crate::runtime::runtime_row::{RUNTIME_NAME_PATTERN, is_runtime_name, require_runtime};
use crate::runtime::state::RuntimeState;

/// The endpoint every runtime has.
pub(crate) const DEFAULT_ENDPOINT: &str = "DEFAULT";

stored_resource! {
    /// An endpoint of a runtime as stored.
    pub(crate) struct EndpointRow in "agent_runtime_endpoints" {
        agent_runtime_id: String,
        pub(crate) name: String,
        endpoint_id: String,
        pub(crate) target_version: i64,
        status: String,
        description: Option<String>,
        settles_at_ms: i64,
        created_at_ms: i64,
        updated_at_ms: i64,
    }
}

impl EndpointRow {
    /// The endpoint as GetAgentRuntimeEndpoint answers it.
    fn to_wire(&self, account: &Account) -> Value {
        let status = effective_status(&self.status, self.settles_at_ms, now_ms());
        let (region, account_id) = (&account.region, &account.account_id);
        let runtime = &self.agent_runtime_id;
        let mut out = json!({
            "agentRuntimeArn": ids::agent_runtime_arn(region, account_id, runtime),
            "agentRuntimeEndpointArn": ids::runtime_endpoint_arn(region, account_id, runtime, &self.name),
            "id": self.endpoint_id,
            "name": self.name,
            "targetVersion": self.target_version.to_string(),
            "status": status,
            "createdAt": iso8601(self.created_at_ms),
            "lastUpdatedAt": iso8601(self.updated_at_ms),
        });
        // The live version is the target once the endpoint has settled.
        if status == "READY" {
            out["liveVersion"] = json!(self.target_version.to_string());
        }
        if let Some(d) = &self.description {
            out["description"] = json!(d);
        }
        out
    }
}

/// The endpoint of a runtime by name, or ResourceNotFoundException.
pub(crate) fn require_endpoint(
    conn: &Connection,
    runtime_id: &str,
    name: &str,
) -> Result<EndpointRow, ApiError> {
    require(
        conn,
        &[("agent_runtime_id", runtime_id), ("name", name)],
        || {
            ApiError::not_found(format!(
                "Endpoint '{name}' of agent runtime '{runtime_id}' was not found."
            ))
        },
    )
}

/// The DEFAULT endpoint of a new runtime, on version 1.
pub(crate) fn insert_default(
    conn: &Connection,
    runtime_id: &str,
    now: i64,
) -> Result<(), ApiError> {
    conn.prepare_cached(
        "INSERT INTO agent_runtime_endpoints (agent_runtime_id, name, endpoint_id, target_version, \
         status, settles_at_ms, created_at_ms, updated_at_ms) \
         VALUES (?1, ?2, ?2, 1, 'CREATING', ?3, ?4, ?4)",
    )?
    .execute(params![runtime_id, DEFAULT_ENDPOINT, settles_at(now), now])?;
    Ok(())
}

/// DEFAULT moves to a runtime's new version.
pub(crate) fn follow_latest(
    conn: &Connection,
    runtime_id: &str,
    version: i64,
    now: i64,
) -> Result<(), ApiError> {
    conn.prepare_cached(
        "UPDATE agent_runtime_endpoints SET target_version = ?3, status = 'UPDATING', \
         settles_at_ms = ?4, updated_at_ms = ?5 WHERE agent_runtime_id = ?1 AND name = ?2",
    )?
    .execute(params![
        runtime_id,
        DEFAULT_ENDPOINT,
        version,
        settles_at(now),
        now
    ])?;
    Ok(())
}

/// CreateAgentRuntimeEndpoint: on `agentRuntimeVersion`, or the latest.
pub(crate) async fn create_runtime_endpoint(
    ctx: &RuntimeState,
    runtime_id: String,
    input: Object,
) -> Result<Value, ApiError> {
    let mut v = Violations::new();
    if let Some(name) = v.required_str(&input, "", "name") {
        v.pattern("name", name, is_runtime_name(name), RUNTIME_NAME_PATTERN);
    }
    v.optional_len(&input, "", "description", 1, 256);
    v.client_token(&input);
    v.finish()?;
    let text = |key: &str| input.get(key).and_then(Value::as_str).map(str::to_owned);
    let (name, description, version) = (
        text("name").unwrap_or_default(),
        text("description"),
        text("agentRuntimeVersion"),
    );
    let lookup = runtime_id.clone();
    let row = ctx
        .store
        .write(move |tx| {
            let runtime = require_runtime(tx, &lookup)?;
            let target = match version.as_deref() {
                None => runtime.latest_version,
                Some(v) => match v.parse::<i64>() {
                    Ok(n) if (1..=runtime.latest_version).contains(&n) => n,
                    _ => {
                        return Err(ApiError::invalid_fields(
                            format!(
                                "agentRuntimeVersion {v} does not exist; the runtime's versions are 1 to {}",
                                runtime.latest_version
                            ),
                            vec![("agentRuntimeVersion".into(), format!("Invalid value '{v}'"))],
                        ));
                    }
                },
            };
            if require_endpoint(tx, &lookup, &name).is_ok() {
                return Err(ApiError::conflict(format!(
                    "Agent runtime '{lookup}' already has an endpoint named '{name}'."
                )));
            }
            let now = now_ms();
            tx.prepare_cached(
                "INSERT INTO agent_runtime_endpoints (agent_runtime_id, name, endpoint_id, \
                 target_version, status, description, settles_at_ms, created_at_ms, updated_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, 'CREATING', ?5, ?6, ?7, ?7)",
            )?
            .execute(params![
                lookup,
                name,
                format!("{name}-{}", ids::new_target_id().to_lowercase()),
                target,
                description,
                settles_at(now),
                now
            ])?;
            require_endpoint(tx, &lookup, &name)
        })
        .await?;
    let wire = row.to_wire(&ctx.account);
    Ok(json!({
        "agentRuntimeArn": wire["agentRuntimeArn"],
        "agentRuntimeEndpointArn": wire["agentRuntimeEndpointArn"],
        "agentRuntimeId": runtime_id,
        "endpointName": row.name,
        "targetVersion": wire["targetVersion"],
        "status": wire["status"],
        "createdAt": wire["createdAt"],
    }))
}

/// GetAgentRuntimeEndpoint.
pub(crate) async fn get_runtime_endpoint(
    ctx: &RuntimeState,
    runtime_id: String,
    name: String,
) -> Result<Value, ApiError> {
    let row = ctx
        .store
        .read(move |conn| {
            require_runtime(conn, &runtime_id)?;
            require_endpoint(conn, &runtime_id, &name)
        })
        .await?;
    Ok(row.to_wire(&ctx.account))
}

/// ListAgentRuntimeEndpoints.
pub(crate) async fn list_runtime_endpoints(
    ctx: &RuntimeState,
    runtime_id: String,
    page: PageRequest,
) -> Result<Value, ApiError> {
    let (rows, next) = ctx
        .store
        .read(move |conn| {
            require_runtime(conn, &runtime_id)?;
            let scope = [("agent_runtime_id", runtime_id.as_str())];
            page_of::<EndpointRow>(conn, &scope, page, ListKind::RuntimeEndpoints)
        })
        .await?;
    let items = rows.iter().map(|row| row.to_wire(&ctx.account)).collect();
    Ok(page_body("runtimeEndpoints", items, next))
}
