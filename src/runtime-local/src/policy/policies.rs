//! Policy operations: CreatePolicy, GetPolicy, ListPolicies, UpdatePolicy,
//! DeletePolicy. A policy holds exactly one Cedar statement. A statement that
//! does not parse is refused with a ValidationException naming the line and
//! column; one that parses but fails strict validation against the schema
//! of a gateway using the engine becomes CREATE_FAILED (UPDATE_FAILED) with
//! the located errors in `statusReasons`, as AgentCore reports it. Under
//! `FAIL_ON_ANY_FINDINGS` (the default) a policy that validates is also
//! analysed with the rest of its engine, symbolically, and its findings
//! (allow-all, allow-none, deny-all, deny-none) fail it the same way.

use acc_domain::cedar_model::cedar_policy::PolicySet;
use acc_domain::cedar_model::checks::{Severity, check_policies, parse_statement};
use acc_domain::cedar_model::findings::policy_findings;
use acc_domain::cedar_model::schema::gateway_schema;
use rusqlite::{Connection, params};
use serde_json::{Value, json};

use crate::gateway::tool_catalog;
use crate::platform::client_token::ClientToken;
use crate::platform::ids;
use crate::platform::lifecycle::settles_at;
use crate::platform::pagination::{ListKind, PageRequest, page_body};
use crate::platform::resource::{find, page_of};
use crate::platform::rest_json::input_document;
use crate::platform::timestamps::now_ms;
use crate::platform::validation::{Object, Violations};
use crate::platform::wire_errors::ApiError;
use crate::policy::engine_row::require_engine;
use crate::policy::engines::{
    POLICY_NAME_PATTERN, apply_description, is_policy_name, updated_description,
};
use crate::policy::policy_row::{
    PolicyRow, engine_policies, require_inserted, require_policy, statement_of,
};
use crate::policy::state::PolicyState;

const VALIDATION_MODES: &[&str] = &["FAIL_ON_ANY_FINDINGS", "IGNORE_ALL_FINDINGS"];
/// AgentCore's default when a request names no validation mode.
const DEFAULT_VALIDATION_MODE: &str = "FAIL_ON_ANY_FINDINGS";
const ENFORCEMENT_MODES: &[&str] = &["ACTIVE", "LOG_ONLY"];

const COMPUTED_MEMBERS: &[&str] = &[
    "policyId",
    "policyArn",
    "policyEngineId",
    "status",
    "statusReasons",
    "createdAt",
    "updatedAt",
    "clientToken",
];

fn validate(input: &Object, creating: bool) -> Result<(), ApiError> {
    let mut v = Violations::new();
    if creating {
        if let Some(name) = v.required_str(input, "", "name") {
            v.pattern("name", name, is_policy_name(name), POLICY_NAME_PATTERN);
        }
        v.optional_len(input, "", "description", 1, 4096);
    }
    match v.union(input, "", "definition", creating) {
        Some(("cedar" | "policy", Value::Object(body))) => {
            v.required_str(body, "definition", "statement");
        }
        Some(("policyGeneration", _)) => v.add(
            "definition.policyGeneration",
            None,
            "Policy generation is not available on the acc local platform; \
             pass definition.cedar.statement",
        ),
        Some((variant, _)) => v.add(
            &format!("definition.{variant}"),
            None,
            "Member must be a structure with a statement",
        ),
        None => {}
    }
    v.enum_value(input, "", "validationMode", VALIDATION_MODES, false);
    v.enum_value(input, "", "enforcementMode", ENFORCEMENT_MODES, false);
    v.client_token(input);
    v.finish()
}

/// Parse the statement (a ValidationException when it does not parse or
/// holds more than one statement) and validate it against the schema of
/// every gateway attached to the engine, then (when `validation_mode`
/// asks for it) look for findings; returns the located errors and
/// findings.
async fn check_statement(
    ctx: &PolicyState,
    engine_id: &str,
    name: &str,
    statement: &str,
    validation_mode: &str,
) -> Result<Vec<String>, ApiError> {
    let policy = match parse_statement(name, statement) {
        Ok(policy) => policy,
        Err(errors) => {
            let fields = errors
                .iter()
                .map(|e| {
                    (
                        "definition.cedar.statement".to_owned(),
                        format!("{}:{}: {}", e.line, e.column, e.message),
                    )
                })
                .collect::<Vec<_>>();
            let first = fields.first().map(|(_, m)| m.clone()).unwrap_or_default();
            return Err(ApiError::invalid_fields(
                format!("The Cedar statement of policy {name} does not parse: {first}"),
                fields,
            ));
        }
    };
    let arn = ids::policy_engine_arn(&ctx.account.region, &ctx.account.account_id, engine_id);
    let gateways: Vec<(String, String)> = ctx
        .store
        .read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT gateway_id, name FROM gateways \
                     WHERE json_extract(document, '$.policyEngineConfiguration.arn') = ?1 ORDER BY seq",
                )?
                .query_map([&arn], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?)
        })
        .await?;
    let analyse = validation_mode == "FAIL_ON_ANY_FINDINGS";
    let others = if analyse && !gateways.is_empty() {
        let (engine, name) = (engine_id.to_owned(), name.to_owned());
        ctx.store
            .read(move |conn| deciding_policies(conn, &engine, &name))
            .await?
    } else {
        PolicySet::new()
    };
    let mut reasons = Vec::new();
    for (gateway_id, gateway_name) in gateways {
        let tools = tool_catalog::all_tools(&ctx.catalog, &gateway_id).await?;
        let schema = gateway_schema(&tools).map_err(ApiError::internal)?;
        let policies = [(name.to_owned(), statement.to_owned())];
        let before = reasons.len();
        for diagnostic in check_policies(&policies, Some(&schema.schema)) {
            if diagnostic.severity == Severity::Error {
                reasons.push(format!(
                    "Schema of gateway {gateway_name}: {}:{}: {}",
                    diagnostic.line, diagnostic.column, diagnostic.message
                ));
            }
        }
        // Symbolic analysis needs a well-typed policy.
        if !analyse || reasons.len() > before {
            continue;
        }
        match policy_findings(&schema.schema, &others, &policy).await {
            Ok(findings) => reasons.extend(
                findings
                    .iter()
                    .map(|f| format!("Finding on gateway {gateway_name}: {f}")),
            ),
            Err(e) => reasons.push(format!("Gateway {gateway_name}: {e}")),
        }
    }
    Ok(reasons)
}

/// The engine's deciding policies other than `name`: what a new or
/// changed policy is analysed together with.
fn deciding_policies(
    conn: &Connection,
    engine_id: &str,
    name: &str,
) -> Result<PolicySet, ApiError> {
    let now = now_ms();
    let mut set = PolicySet::new();
    for row in engine_policies(conn, engine_id)? {
        if row.name == name
            || !matches!(row.status(now), "ACTIVE" | "CREATING" | "UPDATING")
            || row.enforcement_mode() != "ACTIVE"
        {
            continue;
        }
        let Some(statement) = row.statement() else {
            continue;
        };
        // Stored statements parsed when they were accepted.
        if let Ok(policy) = parse_statement(&row.name, &statement) {
            set.add(policy).map_err(ApiError::internal)?;
        }
    }
    Ok(set)
}

/// CreatePolicy.
pub(crate) async fn create_policy(
    ctx: &PolicyState,
    engine_id: String,
    input: Object,
) -> Result<Value, ApiError> {
    validate(&input, true)?;
    let lookup = engine_id.clone();
    ctx.store
        .read(move |conn| require_engine(conn, &lookup).map(|_| ()))
        .await?;
    let name = input
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let statement = input
        .get("definition")
        .and_then(statement_of)
        .unwrap_or_default()
        .to_owned();
    let mode = input
        .get("validationMode")
        .and_then(Value::as_str)
        .unwrap_or(DEFAULT_VALIDATION_MODE)
        .to_owned();
    let reasons = check_statement(ctx, &engine_id, &name, &statement, &mode).await?;
    let token = ClientToken::of(&input);
    let doc = input_document(input, COMPUTED_MEMBERS);
    let document = serde_json::to_string(&doc)?;
    let row = ctx
        .store
        .write(move |tx| {
            require_engine(tx, &engine_id)?;
            // Client tokens are unique among all policies, names within an engine.
            if let Some(earlier) = token.earlier::<PolicyRow>(tx, &[])? {
                return Ok(earlier);
            }
            let duplicate =
                find::<PolicyRow>(tx, &[("policy_engine_id", &engine_id), ("name", &name)])?;
            if let Some(other) = duplicate {
                return Err(ApiError::conflict(format!(
                    "A policy named '{name}' already exists in policy engine '{engine_id}' (policyId {}).",
                    other.policy_id
                )));
            }
            let id = ids::new_policy_resource_id(&name);
            let now = now_ms();
            let status = if reasons.is_empty() { "CREATING" } else { "CREATE_FAILED" };
            tx.prepare_cached(
                "INSERT INTO policies (policy_id, policy_engine_id, name, client_token, status, \
                 status_reasons, settles_at_ms, created_at_ms, updated_at_ms, document) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
            )?
            .execute(params![
                id,
                engine_id,
                name,
                token.as_deref(),
                status,
                serde_json::to_string(&reasons)?,
                settles_at(now),
                now,
                document
            ])?;
            require_inserted(tx, &id)
        })
        .await?;
    ctx.enforcement.policies_changed();
    tracing::info!(policy_id = %row.policy_id, status = %row.status, "created policy");
    row.to_wire(&ctx.account)
}

/// GetPolicy.
pub(crate) async fn get_policy(
    ctx: &PolicyState,
    engine_id: String,
    policy_id: String,
) -> Result<Value, ApiError> {
    ctx.store
        .read(move |conn| {
            require_engine(conn, &engine_id)?;
            require_policy(conn, &engine_id, &policy_id)
        })
        .await?
        .to_wire(&ctx.account)
}

/// ListPolicies (`targetResourceScope` is accepted; every policy of the
/// engine applies to every gateway that attaches it).
pub(crate) async fn list_policies(
    ctx: &PolicyState,
    engine_id: String,
    page: PageRequest,
) -> Result<Value, ApiError> {
    let (rows, next) = ctx
        .store
        .read(move |conn| {
            require_engine(conn, &engine_id)?;
            let scope = [("policy_engine_id", engine_id.as_str())];
            page_of::<PolicyRow>(conn, &scope, page, ListKind::Policies)
        })
        .await?;
    let policies = rows
        .iter()
        .map(|row| row.to_wire(&ctx.account))
        .collect::<Result<_, _>>()?;
    Ok(page_body("policies", policies, next))
}

/// UpdatePolicy: a new statement is checked as on create.
pub(crate) async fn update_policy(
    ctx: &PolicyState,
    engine_id: String,
    policy_id: String,
    input: Object,
) -> Result<Value, ApiError> {
    validate(&input, false)?;
    let description = updated_description(&input)?;
    let (lookup_engine, lookup_policy) = (engine_id.clone(), policy_id.clone());
    let current = ctx
        .store
        .read(move |conn| require_policy(conn, &lookup_engine, &lookup_policy))
        .await?;
    let new_statement = input
        .get("definition")
        .and_then(statement_of)
        .map(str::to_owned);
    let stored_mode = current
        .document()?
        .get("validationMode")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mode = input
        .get("validationMode")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or(stored_mode)
        .unwrap_or_else(|| DEFAULT_VALIDATION_MODE.to_owned());
    let reasons = match &new_statement {
        Some(statement) => {
            Some(check_statement(ctx, &engine_id, &current.name, statement, &mode).await?)
        }
        None => None,
    };
    let row = ctx
        .store
        .write(move |tx| {
            let mut doc = require_policy(tx, &engine_id, &policy_id)?.document()?;
            for key in ["definition", "validationMode", "enforcementMode"] {
                if let Some(value) = input.get(key).filter(|v| !v.is_null()) {
                    doc.insert(key.into(), value.clone());
                }
            }
            apply_description(&mut doc, description);
            let (status, reasons) = match reasons {
                Some(reasons) if !reasons.is_empty() => ("UPDATE_FAILED", reasons),
                _ => ("UPDATING", Vec::new()),
            };
            let now = now_ms();
            tx.prepare_cached(
                "UPDATE policies SET document = ?2, status = ?3, status_reasons = ?4, \
                 settles_at_ms = ?5, updated_at_ms = ?6 WHERE policy_id = ?1",
            )?
            .execute(params![
                policy_id,
                serde_json::to_string(&doc)?,
                status,
                serde_json::to_string(&reasons)?,
                settles_at(now),
                now
            ])?;
            require_policy(tx, &engine_id, &policy_id)
        })
        .await?;
    ctx.enforcement.policies_changed();
    row.to_wire(&ctx.account)
}

/// DeletePolicy.
pub(crate) async fn delete_policy(
    ctx: &PolicyState,
    engine_id: String,
    policy_id: String,
) -> Result<Value, ApiError> {
    let row = ctx
        .store
        .write(move |tx| {
            let row = require_policy(tx, &engine_id, &policy_id)?;
            tx.execute("DELETE FROM policies WHERE policy_id = ?1", [&policy_id])?;
            Ok(row)
        })
        .await?;
    ctx.enforcement.policies_changed();
    let mut out = row.to_wire(&ctx.account)?;
    out["status"] = json!("DELETING");
    Ok(out)
}
