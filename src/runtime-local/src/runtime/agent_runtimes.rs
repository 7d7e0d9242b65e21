//! Agent runtime operations: CreateAgentRuntime, GetAgentRuntime,
//! ListAgentRuntimes, UpdateAgentRuntime (a new immutable version),
//! DeleteAgentRuntime and ListAgentRuntimeVersions. Every version keeps the
//! whole configuration it was made with; the DEFAULT endpoint follows the
//! latest version (see `runtime_endpoints`).
//!
//! The artifact is checked when the version is made: the containerUri must
//! be a local artifact, and its platform linux/arm64 (an amd64 image is
//! refused with the fix), so it does not fail later in the cloud.

use rusqlite::params;
use serde_json::{Value, json};

use crate::identity::requester::Requester;
use crate::platform::client_token::ClientToken;
use crate::platform::ids;
use crate::platform::lifecycle::settles_at;
use crate::platform::pagination::{ListKind, PageRequest, finish_page, page_body};
use crate::platform::resource::{StoredResource, find, read_page};
use crate::platform::rest_json::input_document;
use crate::platform::timestamps::now_ms;
use crate::platform::validation::{Object, Violations, is_role_arn};
use crate::platform::wire_errors::ApiError;
use crate::runtime::artifacts::{ArtifactSource, inspect, parse_uri};
use crate::runtime::endpoints::{follow_latest, insert_default};
use crate::runtime::runtime_row::{
    RUNTIME_NAME_PATTERN, RuntimeRow, is_runtime_name, require_runtime, version_document,
};
use crate::runtime::state::RuntimeState;

/// AgentCore's lifecycle defaults and bounds, in seconds (the lower bound
/// is the platform's `min_session_timeout_s`: AgentCore's 60 by default).
pub(crate) const DEFAULT_IDLE_TIMEOUT_S: i64 = 900;
pub(crate) const DEFAULT_MAX_LIFETIME_S: i64 = 28_800;
const LIFECYCLE_MAX_S: i64 = 28_800;

/// Members a version's document does not keep.
const COMPUTED_MEMBERS: &[&str] = &[
    "agentRuntimeId",
    "agentRuntimeArn",
    "agentRuntimeVersion",
    "status",
    "createdAt",
    "lastUpdatedAt",
    "clientToken",
    "failureReason",
    "workloadIdentityDetails",
];

fn validate_lifecycle(v: &mut Violations, input: &Object, floor: i64) {
    let Some(lifecycle) = input.get("lifecycleConfiguration") else {
        return;
    };
    let Some(lifecycle) = lifecycle.as_object() else {
        v.add(
            "lifecycleConfiguration",
            Some(lifecycle),
            "Member must be a structure",
        );
        return;
    };
    let mut seconds = |key: &str| {
        let value = lifecycle.get(key)?;
        match value.as_i64() {
            Some(n) if (floor..=LIFECYCLE_MAX_S).contains(&n) => Some(n),
            _ => {
                v.add(
                    &format!("lifecycleConfiguration.{key}"),
                    Some(value),
                    format!(
                        "Member must be an integer from {floor} to {LIFECYCLE_MAX_S} (seconds)"
                    ),
                );
                None
            }
        }
    };
    let idle = seconds("idleRuntimeSessionTimeout");
    let max = seconds("maxLifetime");
    if let (Some(idle), Some(max)) = (idle, max)
        && idle > max
    {
        v.add(
            "lifecycleConfiguration.idleRuntimeSessionTimeout",
            lifecycle.get("idleRuntimeSessionTimeout"),
            "Member must not exceed maxLifetime",
        );
    }
}

/// Headers AgentCore never lets through to an agent, whatever the allowlist.
const RESTRICTED_HEADERS: &[&str] = &[
    "proxy-authorization",
    "www-authenticate",
    "accept",
    "accept-charset",
    "accept-encoding",
    "accept-language",
    "content-type",
    "content-length",
    "content-encoding",
    "content-language",
    "content-location",
    "content-range",
    "cache-control",
    "etag",
    "expires",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "last-modified",
    "pragma",
    "vary",
    "connection",
    "keep-alive",
    "proxy-connection",
    "upgrade",
    "host",
    "referer",
    "user-agent",
    "from",
    "range",
    "accept-ranges",
    "transfer-encoding",
    "te",
    "trailer",
    "server",
    "date",
    "cookie",
    "set-cookie",
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
];

/// The prefix AgentCore always lets through (the original custom headers).
pub(crate) const CUSTOM_HEADER_PREFIX: &str = "x-amzn-bedrock-agentcore-runtime-custom-";

/// `requestHeaderConfiguration.requestHeaderAllowlist`: at most 20 valid,
/// unrestricted, distinct header names; `Authorization` only with a JWT
/// authorizer (it carries the caller's token to the agent).
fn validate_header_allowlist(v: &mut Violations, input: &Object, jwt: bool) {
    let Some(("requestHeaderAllowlist", _)) =
        v.union(input, "", "requestHeaderConfiguration", false)
    else {
        return;
    };
    let Some(config) = input
        .get("requestHeaderConfiguration")
        .and_then(Value::as_object)
    else {
        return;
    };
    let at = "requestHeaderConfiguration";
    let Some(names) = v.list(config, at, "requestHeaderAllowlist", false, 1, 20) else {
        return;
    };
    let path = "requestHeaderConfiguration.requestHeaderAllowlist";
    let mut seen = std::collections::HashSet::new();
    for name in names {
        let Some(text) = name.as_str() else {
            v.add(path, Some(name), "Member must be a list of strings");
            continue;
        };
        let lower = text.to_ascii_lowercase();
        let valid = !text.is_empty()
            && text.len() <= 256
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let why = if !valid {
            Some("is not a valid header name (letters, digits, '-' and '_')")
        } else if RESTRICTED_HEADERS.contains(&lower.as_str()) {
            Some("is restricted and cannot be passed to an agent")
        } else if lower.starts_with("x-amz-") {
            Some("starts with x-amz-, which is reserved for SigV4")
        } else if lower.starts_with("x-amzn-") && !lower.starts_with(CUSTOM_HEADER_PREFIX) {
            Some("starts with x-amzn-; only X-Amzn-Bedrock-AgentCore-Runtime-Custom-* may")
        } else if lower == "authorization" && !jwt {
            Some("needs the runtime to have a customJWTAuthorizer (authorizerConfiguration)")
        } else if !seen.insert(lower.clone()) {
            Some("is listed twice (names are case-insensitive)")
        } else {
            None
        };
        if let Some(why) = why {
            v.add(path, Some(name), format!("Header {text} {why}"));
        }
    }
}

fn validate(input: &Object, creating: bool, floor: i64) -> Result<(), ApiError> {
    let mut v = Violations::new();
    if creating && let Some(name) = v.required_str(input, "", "agentRuntimeName") {
        v.pattern(
            "agentRuntimeName",
            name,
            is_runtime_name(name),
            RUNTIME_NAME_PATTERN,
        );
    }
    if let Some(role) = v.required_str(input, "", "roleArn") {
        v.pattern("roleArn", role, is_role_arn(role), "an IAM role ARN");
    }
    match input.get("agentRuntimeArtifact") {
        None => v.add("agentRuntimeArtifact", None, "Member must not be null"),
        Some(artifact) => {
            let uri = artifact
                .get("containerConfiguration")
                .and_then(|c| c.get("containerUri"));
            if uri.and_then(Value::as_str).is_none() {
                v.add(
                    "agentRuntimeArtifact.containerConfiguration.containerUri",
                    uri,
                    "Member must not be null (the local platform runs container artifacts)",
                );
            }
        }
    }
    match input
        .get("networkConfiguration")
        .and_then(|n| n.get("networkMode"))
    {
        Some(Value::String(mode)) if mode == "PUBLIC" || mode == "VPC" => {}
        other => v.add(
            "networkConfiguration.networkMode",
            other,
            "Member must satisfy enum value set: [PUBLIC, VPC]",
        ),
    }
    v.optional_len(input, "", "description", 1, 4096);
    validate_lifecycle(&mut v, input, floor);
    let jwt = matches!(v.jwt_authorizer(input), Some(("customJWTAuthorizer", _)));
    validate_header_allowlist(&mut v, input, jwt);
    v.client_token(input);
    v.finish()
}

/// AccessDeniedException when `requester` may not name this artifact. Every
/// local artifact names a host path (images) or a host command (`native:`),
/// so a session, or the platform calling itself for one, names none: it is
/// refused before the platform so much as looks at the path, since even a
/// parse error would tell whether a host file exists. Beyond loopback,
/// clients may not name host commands unless the operator allowed it.
fn check_requester(ctx: &RuntimeState, requester: &Requester, uri: &str) -> Result<(), ApiError> {
    const ONLY_THE_OPERATOR: &str = "artifacts name host paths and host commands, which only the \
         operator may do, from this machine";
    let why = match requester {
        Requester::Platform => None,
        Requester::Session(session) => Some(format!(
            "this request came from inside runtime session {session}, through its relay to the \
             platform, and {ONLY_THE_OPERATOR}"
        )),
        Requester::Itself => Some(format!(
            "this request was made by the platform itself, for one of its callers (a gateway \
             target or another URL pointing back at the platform), and {ONLY_THE_OPERATOR}"
        )),
        Requester::Client if is_native(uri) => ctx.sessions.native_refused_to_clients(),
        Requester::Client => None,
    };
    match why {
        None => Ok(()),
        Some(why) => Err(ApiError::access_denied(format!(
            "containerUri {uri} is refused: {why}."
        ))),
    }
}

/// Whether `uri` names a host command (parsing only: nothing is opened).
fn is_native(uri: &str) -> bool {
    matches!(parse_uri(uri), Ok(ArtifactSource::Native(_)))
}

/// The stored document of a new version: the input with the lifecycle
/// defaults filled in, and how it executes, after the artifact check.
fn version_of(
    ctx: &RuntimeState,
    requester: &Requester,
    input: Object,
) -> Result<(Object, String), ApiError> {
    let mut doc = input_document(input, COMPUTED_MEMBERS);
    doc.remove("agentRuntimeName");
    let uri = doc
        .get("agentRuntimeArtifact")
        .and_then(|a| a.get("containerConfiguration"))
        .and_then(|c| c.get("containerUri"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    check_requester(ctx, requester, &uri)?;
    let artifact = inspect(&uri, None).map_err(|reason| {
        ApiError::invalid_fields(
            reason.clone(),
            vec![(
                "agentRuntimeArtifact.containerConfiguration.containerUri".into(),
                reason,
            )],
        )
    })?;
    let lifecycle = doc
        .entry("lifecycleConfiguration")
        .or_insert_with(|| json!({}));
    if let Some(l) = lifecycle.as_object_mut() {
        l.entry("idleRuntimeSessionTimeout")
            .or_insert(json!(DEFAULT_IDLE_TIMEOUT_S));
        l.entry("maxLifetime")
            .or_insert(json!(DEFAULT_MAX_LIFETIME_S));
    }
    Ok((doc, artifact.execution.label().to_owned()))
}

/// CreateAgentRuntime: version 1, with the DEFAULT endpoint on it.
pub(crate) async fn create_agent_runtime(
    ctx: &RuntimeState,
    requester: &Requester,
    input: Object,
) -> Result<Value, ApiError> {
    validate(&input, true, ctx.min_session_timeout_s)?;
    let name = input
        .get("agentRuntimeName")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let token = ClientToken::of(&input);
    let (doc, execution) = version_of(ctx, requester, input)?;
    let document = serde_json::to_string(&doc)?;
    let row = ctx
        .store
        .write(move |tx| {
            if let Some(earlier) = token.earlier::<RuntimeRow>(tx, &[])? {
                return Ok(earlier);
            }
            if let Some(other) = find::<RuntimeRow>(tx, &[("name", &name)])? {
                return Err(ApiError::conflict(format!(
                    "An agent runtime named '{name}' already exists (agentRuntimeId {}).",
                    other.agent_runtime_id
                )));
            }
            let id = ids::new_policy_resource_id(&name);
            let now = now_ms();
            tx.prepare_cached(
                "INSERT INTO agent_runtimes (agent_runtime_id, name, client_token, latest_version, \
                 status, settles_at_ms, created_at_ms, updated_at_ms) \
                 VALUES (?1, ?2, ?3, 1, 'CREATING', ?4, ?5, ?5)",
            )?
            .execute(params![id, name, token.as_deref(), settles_at(now), now])?;
            tx.prepare_cached(
                "INSERT INTO agent_runtime_versions (agent_runtime_id, version, execution, \
                 created_at_ms, document) VALUES (?1, 1, ?2, ?3, ?4)",
            )?
            .execute(params![id, execution, now, document])?;
            insert_default(tx, &id, now)?;
            require_runtime(tx, &id)
        })
        .await?;
    tracing::info!(agent_runtime_id = %row.agent_runtime_id, "created agent runtime");
    Ok(row.written(&ctx.account, false))
}

/// GetAgentRuntime (`?version=N` for an older version).
pub(crate) async fn get_agent_runtime(
    ctx: &RuntimeState,
    id: String,
    version: Option<String>,
) -> Result<Value, ApiError> {
    let (row, version, document) = ctx
        .store
        .read(move |conn| {
            let row = require_runtime(conn, &id)?;
            let version = match version.as_deref() {
                None => row.latest_version,
                Some(v) => v.parse::<i64>().map_err(|_| {
                    ApiError::invalid_fields(
                        format!("version {v} is not a version number"),
                        vec![("version".into(), format!("Invalid value '{v}'"))],
                    )
                })?,
            };
            let (document, _) = version_document(conn, &id, version)?;
            Ok((row, version, document))
        })
        .await?;
    row.detail(&ctx.account, version, &document)
}

/// ListAgentRuntimes.
pub(crate) async fn list_agent_runtimes(
    ctx: &RuntimeState,
    page: PageRequest,
) -> Result<Value, ApiError> {
    let (rows, next) = ctx
        .store
        .read(move |conn| {
            // Each runtime with its latest version's description.
            let columns = format!(
                "{}, (SELECT json_extract(document, '$.description') FROM agent_runtime_versions v \
                 WHERE v.agent_runtime_id = r.agent_runtime_id AND v.version = r.latest_version)",
                RuntimeRow::COLUMNS.join(", ")
            );
            let description = RuntimeRow::COLUMNS.len();
            read_page(
                conn,
                "agent_runtimes r",
                &columns,
                &[],
                page,
                ListKind::AgentRuntimes,
                |row| {
                    Ok((
                        RuntimeRow::from_row(row)?,
                        row.get::<_, Option<String>>(description)?,
                    ))
                },
            )
        })
        .await?;
    let items = rows
        .iter()
        .map(|(row, description)| row.summary(&ctx.account, description.as_deref()))
        .collect();
    Ok(page_body("agentRuntimes", items, next))
}

/// UpdateAgentRuntime: a new version with the given configuration; the
/// DEFAULT endpoint moves to it.
pub(crate) async fn update_agent_runtime(
    ctx: &RuntimeState,
    requester: &Requester,
    id: String,
    input: Object,
) -> Result<Value, ApiError> {
    validate(&input, false, ctx.min_session_timeout_s)?;
    let (doc, execution) = version_of(ctx, requester, input)?;
    let document = serde_json::to_string(&doc)?;
    let row = ctx
        .store
        .write(move |tx| {
            let row = require_runtime(tx, &id)?;
            let version = row.latest_version + 1;
            let now = now_ms();
            tx.prepare_cached(
                "INSERT INTO agent_runtime_versions (agent_runtime_id, version, execution, \
                 created_at_ms, document) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![id, version, execution, now, document])?;
            tx.prepare_cached(
                "UPDATE agent_runtimes SET latest_version = ?2, status = 'UPDATING', \
                 settles_at_ms = ?3, updated_at_ms = ?4, failure_reason = NULL \
                 WHERE agent_runtime_id = ?1",
            )?
            .execute(params![id, version, settles_at(now), now])?;
            follow_latest(tx, &id, version, now)?;
            require_runtime(tx, &id)
        })
        .await?;
    Ok(row.written(&ctx.account, true))
}

/// DeleteAgentRuntime: the runtime, its versions and endpoints.
pub(crate) async fn delete_agent_runtime(
    ctx: &RuntimeState,
    id: String,
) -> Result<Value, ApiError> {
    let row = ctx
        .store
        .write(move |tx| {
            let row = require_runtime(tx, &id)?;
            for table in [
                "agent_runtime_endpoints",
                "agent_runtime_versions",
                "agent_runtimes",
            ] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE agent_runtime_id = ?1"),
                    [&id],
                )?;
            }
            Ok(row)
        })
        .await?;
    Ok(json!({
        "agentRuntimeId": row.agent_runtime_id,
        "agentRuntimeVersion": row.latest_version.to_string(),
        "status": "DELETING",
    }))
}

/// ListAgentRuntimeVersions, newest first.
pub(crate) async fn list_agent_runtime_versions(
    ctx: &RuntimeState,
    id: String,
    page: PageRequest,
) -> Result<Value, ApiError> {
    let (row, versions, next) = ctx
        .store
        .read(move |conn| {
            let row = require_runtime(conn, &id)?;
            // Pages count down from the newest version; the token's seq is
            // the last version returned.
            let below = if page.after_seq > 0 {
                page.after_seq
            } else {
                i64::MAX
            };
            let rows: Vec<(i64, (i64, String, i64))> = conn
                .prepare_cached(
                    "SELECT version, document, created_at_ms FROM agent_runtime_versions \
                     WHERE agent_runtime_id = ?1 AND version < ?2 ORDER BY version DESC LIMIT ?3",
                )?
                .query_map(params![id, below, page.limit as i64 + 1], |r| {
                    Ok((r.get(0)?, (r.get(0)?, r.get(1)?, r.get(2)?)))
                })?
                .collect::<Result<_, _>>()?;
            let (versions, next) = finish_page(rows, page.limit, ListKind::RuntimeVersions);
            Ok((row, versions, next))
        })
        .await?;
    let items = versions
        .iter()
        .map(|(version, document, created)| {
            let description = serde_json::from_str::<Value>(document)
                .ok()
                .and_then(|d| d.get("description").cloned());
            row.version_summary(&ctx.account, *version, *created, description)
        })
        .collect();
    Ok(page_body("agentRuntimes", items, next))
}
