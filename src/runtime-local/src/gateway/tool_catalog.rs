//! Each gateway's tool catalog, as its MCP endpoint serves it.
//!
//! The catalog is materialised in SQLite (`gateway_tools`, plus the FTS5
//! index `gateway_tools_search` behind the built-in search tool) and kept in
//! step with the targets lazily: before answering, the endpoint asks
//! [`ensure`] to rebuild the tools of every target whose version (its
//! `updatedAt`, or `lastSynchronizedAt` when later) differs from the one the
//! catalog holds. That one rule covers creates, updates, deletes,
//! SynchronizeGatewayTargets (which re-lists an MCP server), restarts and
//! demo re-pointing, with no hooks in the control plane.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use acc_domain::openapi::tools_from_openapi_text;
use acc_domain::{Tool, tools_from_list};
use rusqlite::{Connection, OptionalExtension as _, params};
use serde_json::Value;

use crate::gateway::target_calls::{self, outbound::TargetBackends};
use crate::platform::store::Store;
use crate::platform::timestamps::now_ms;
use crate::platform::wire_errors::ApiError;

/// After listing an MCP server failed, try again no sooner than this.
const RETRY_FAILED_AFTER: Duration = Duration::from_secs(15);

/// Rebuilds are serialised so concurrent requests don't list a server twice.
static REBUILD: LazyLock<tokio::sync::Mutex<()>> = LazyLock::new(|| tokio::sync::Mutex::new(()));

/// What a catalog is built from: the store it lives in, and the target
/// backends an MCP server target's tools are listed through.
#[derive(Debug, Clone)]
pub(crate) struct ToolCatalog {
    /// The database holding the catalogs.
    pub(crate) store: Arc<Store>,
    /// How MCP server targets are reached to list their tools.
    pub(crate) backends: Arc<TargetBackends>,
}

/// One tool of a gateway's catalog.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CatalogTool {
    /// Position in the catalog; pages continue after it.
    pub(crate) seq: i64,
    pub(crate) target_id: String,
    pub(crate) target_name: String,
    /// The name the target's backend knows.
    pub(crate) tool_name: String,
    /// `<Target>___<tool>`.
    pub(crate) qualified_name: String,
    pub(crate) description: Option<String>,
    pub(crate) input_schema: Value,
}

impl CatalogTool {
    /// The domain tool (as the console and the Cedar schema see it).
    pub(crate) fn into_tool(self) -> Tool {
        Tool {
            qualified_name: self.qualified_name,
            target: self.target_name,
            name: self.tool_name,
            description: self.description.unwrap_or_default(),
            input_schema: self.input_schema,
            source: acc_domain::ToolSource::Mcp,
        }
    }

    /// The MCP `Tool` object.
    pub(crate) fn to_mcp(&self) -> Value {
        let mut tool = serde_json::json!({
            "name": self.qualified_name,
            "inputSchema": self.input_schema,
        });
        if let Some(description) = &self.description {
            tool["description"] = Value::String(description.clone());
        }
        tool
    }
}

/// A target as the catalog needs it.
struct TargetVersion {
    target_id: String,
    name: String,
    version_ms: i64,
    document: String,
}

/// What the catalog holds for a target.
struct BuiltState {
    target_id: String,
    version_ms: i64,
    built_ms: i64,
    failed: bool,
}

/// Bring the gateway's catalog up to date with its targets.
pub(crate) async fn ensure(catalog: &ToolCatalog, gateway_id: &str) -> Result<(), ApiError> {
    if stale_targets(catalog, gateway_id).await?.is_none() {
        return Ok(());
    }
    let _guard = REBUILD.lock().await;
    // Another request may have rebuilt it while we waited.
    let Some((stale, removed)) = stale_targets(catalog, gateway_id).await? else {
        return Ok(());
    };
    let mut built = Vec::with_capacity(stale.len());
    for target in stale {
        let (tools, problem) = tools_of(catalog, &target).await;
        if let Some(problem) = &problem {
            tracing::warn!(gateway_id, target = %target.name, %problem, "the target's tools could not be listed");
        }
        built.push((target, tools, problem));
    }
    let gateway_id = gateway_id.to_owned();
    catalog
        .store
        .write(move |tx| {
            for target_id in &removed {
                forget_target(tx, target_id)?;
            }
            let now = now_ms();
            for (target, tools, problem) in &built {
                forget_target(tx, &target.target_id)?;
                for tool in tools {
                    insert_tool(tx, &gateway_id, &target.target_id, tool)?;
                }
                tx.execute(
                    "INSERT INTO gateway_catalog_state (target_id, gateway_id, version_ms, built_ms, problem) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![target.target_id, gateway_id, target.version_ms, now, problem],
                )?;
            }
            Ok(())
        })
        .await
}

/// Targets whose tools must be (re)built, and targets gone from the gateway;
/// `None` when the catalog is current.
/// Targets to (re)build, and the ids of built targets since removed.
type Staleness = (Vec<TargetVersion>, Vec<String>);

async fn stale_targets(
    catalog: &ToolCatalog,
    gateway_id: &str,
) -> Result<Option<Staleness>, ApiError> {
    let gateway_id = gateway_id.to_owned();
    catalog
        .store
        .read(move |conn| stale_in(conn, &gateway_id))
        .await
}

/// Targets whose tools must be (re)built, and built targets since removed;
/// `None` when the catalog is current.
fn stale_in(conn: &Connection, gateway_id: &str) -> Result<Option<Staleness>, ApiError> {
    let targets = target_versions(conn, gateway_id)?;
    let built = built_states(conn, gateway_id)?;
    let now = now_ms();
    let retry_ms = RETRY_FAILED_AFTER.as_millis() as i64;
    let removed: Vec<String> = built
        .iter()
        .filter(|b| !targets.iter().any(|t| t.target_id == b.target_id))
        .map(|b| b.target_id.clone())
        .collect();
    let stale: Vec<TargetVersion> = targets
        .into_iter()
        .filter(
            |t| match built.iter().find(|b| b.target_id == t.target_id) {
                None => true,
                Some(b) => {
                    b.version_ms != t.version_ms || (b.failed && now - b.built_ms >= retry_ms)
                }
            },
        )
        .collect();
    Ok((!stale.is_empty() || !removed.is_empty()).then_some((stale, removed)))
}

/// A tool to call and its target's stored document (with `name`).
pub(crate) struct Resolved {
    pub(crate) tool: CatalogTool,
    pub(crate) target: Value,
}

/// The tool named `qualified_name` and its target, with the catalog brought
/// up to date first. The common case (a current catalog) is one read, which
/// keeps a `tools/call` to a single trip to the database before the target.
pub(crate) async fn resolve(
    catalog: &ToolCatalog,
    gateway_id: &str,
    qualified_name: &str,
) -> Result<Option<Resolved>, ApiError> {
    // Targets can change between the rebuild and the read; a few rounds settle it.
    for _ in 0..3 {
        let (gateway, name) = (gateway_id.to_owned(), qualified_name.to_owned());
        let found = catalog
            .store
            .read(move |conn| {
                if stale_in(conn, &gateway)?.is_some() {
                    return Ok(None);
                }
                let Some(tool) = select_tools(
                    conn,
                    "WHERE gateway_id = ?1 AND qualified_name = ?2",
                    params![gateway, name],
                )?
                .pop() else {
                    return Ok(Some(None));
                };
                let row: Option<(String, String)> = conn
                    .prepare_cached(
                        "SELECT name, document FROM gateway_targets WHERE target_id = ?1",
                    )?
                    .query_row([&tool.target_id], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()?;
                let Some((target_name, document)) = row else {
                    return Ok(Some(None));
                };
                let mut target: Value = serde_json::from_str(&document)?;
                target["name"] = Value::String(target_name);
                Ok(Some(Some(Resolved { tool, target })))
            })
            .await?;
        match found {
            Some(resolved) => return Ok(resolved),
            None => ensure(catalog, gateway_id).await?,
        }
    }
    Err(ApiError::internal(format_args!(
        "the tool catalog of gateway {gateway_id} kept changing while {qualified_name} was looked up"
    )))
}

fn target_versions(conn: &Connection, gateway_id: &str) -> Result<Vec<TargetVersion>, ApiError> {
    let mut statement = conn.prepare_cached(
        "SELECT target_id, name, max(updated_at_ms, coalesce(last_synchronized_at_ms, 0)), document \
         FROM gateway_targets WHERE gateway_id = ?1 ORDER BY seq",
    )?;
    let rows = statement.query_map([gateway_id], |row| {
        Ok(TargetVersion {
            target_id: row.get(0)?,
            name: row.get(1)?,
            version_ms: row.get(2)?,
            document: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn built_states(conn: &Connection, gateway_id: &str) -> Result<Vec<BuiltState>, ApiError> {
    let mut statement = conn.prepare_cached(
        "SELECT target_id, version_ms, built_ms, problem IS NOT NULL \
         FROM gateway_catalog_state WHERE gateway_id = ?1",
    )?;
    let rows = statement.query_map([gateway_id], |row| {
        Ok(BuiltState {
            target_id: row.get(0)?,
            version_ms: row.get(1)?,
            built_ms: row.get(2)?,
            failed: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn forget_target(conn: &Connection, target_id: &str) -> Result<(), ApiError> {
    conn.execute(
        "DELETE FROM gateway_tools_search WHERE rowid IN \
         (SELECT seq FROM gateway_tools WHERE target_id = ?1)",
        [target_id],
    )?;
    conn.execute(
        "DELETE FROM gateway_tools WHERE target_id = ?1",
        [target_id],
    )?;
    conn.execute(
        "DELETE FROM gateway_catalog_state WHERE target_id = ?1",
        [target_id],
    )?;
    Ok(())
}

fn insert_tool(
    conn: &Connection,
    gateway_id: &str,
    target_id: &str,
    tool: &Tool,
) -> Result<(), ApiError> {
    let schema = tool.input_schema.to_string();
    let description = (!tool.description.is_empty()).then_some(tool.description.as_str());
    // Two tools with one qualified name (a target listing a name twice): the
    // first wins, as a client could only ever call one of them.
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO gateway_tools \
         (gateway_id, target_id, target_name, tool_name, qualified_name, description, input_schema) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![gateway_id, target_id, tool.target, tool.name, tool.qualified_name, description, schema],
    )?;
    if inserted == 1 {
        conn.execute(
            "INSERT INTO gateway_tools_search (rowid, gateway_id, qualified_name, description, schema_text) \
             VALUES (last_insert_rowid(), ?1, ?2, ?3, ?4)",
            params![gateway_id, tool.qualified_name, description, schema_words(&tool.input_schema)],
        )?;
    }
    Ok(())
}

/// The searchable words of an input schema: property names, descriptions,
/// enum values.
fn schema_words(schema: &Value) -> String {
    fn walk(value: &Value, out: &mut Vec<String>, depth: usize) {
        if depth > 16 {
            return;
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match key.as_str() {
                        "properties" => {
                            if let Value::Object(props) = child {
                                out.extend(props.keys().cloned());
                            }
                        }
                        "description" | "title" => {
                            if let Value::String(text) = child {
                                out.push(text.clone());
                            }
                        }
                        "enum" => {
                            if let Value::Array(items) = child {
                                out.extend(
                                    items.iter().filter_map(Value::as_str).map(str::to_owned),
                                );
                            }
                        }
                        _ => {}
                    }
                    walk(child, out, depth + 1);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, out, depth + 1)),
            _ => {}
        }
    }
    let mut words = Vec::new();
    walk(schema, &mut words, 0);
    words.join(" ")
}

/// The tools a target declares or its MCP server lists, and why there are
/// none when they could not be had.
async fn tools_of(catalog: &ToolCatalog, target: &TargetVersion) -> (Vec<Tool>, Option<String>) {
    let document: Value = match serde_json::from_str(&target.document) {
        Ok(document) => document,
        Err(e) => {
            return (
                Vec::new(),
                Some(format!("the stored target is corrupt: {e}")),
            );
        }
    };
    let Some(mcp) = document.pointer("/targetConfiguration/mcp") else {
        return (
            Vec::new(),
            Some("the target has no MCP target configuration".into()),
        );
    };
    let name = target.name.as_str();
    if let Some(lambda) = mcp.get("lambda") {
        return match lambda.pointer("/toolSchema/inlinePayload") {
            Some(list) => (tools_from_list(name, list), None),
            None => match lambda.pointer("/toolSchema/s3/uri").and_then(Value::as_str) {
                Some(uri) => (Vec::new(), Some(s3_unreadable(uri))),
                None => (
                    Vec::new(),
                    Some("the Lambda target declares no tool schema".into()),
                ),
            },
        };
    }
    if let Some(openapi) = mcp.get("openApiSchema") {
        let text = match openapi.get("inlinePayload").and_then(Value::as_str) {
            Some(text) => text.to_owned(),
            None => match openapi.pointer("/s3/uri").and_then(Value::as_str) {
                Some(uri) => return (Vec::new(), Some(s3_unreadable(uri))),
                None => return (Vec::new(), Some("the OpenAPI target has no schema".into())),
            },
        };
        return match tools_from_openapi_text(name, &text) {
            Ok(tools) => (tools, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
    }
    if let Some(server) = mcp.get("mcpServer") {
        if let Some(text) = server
            .pointer("/mcpToolSchema/inlinePayload")
            .and_then(Value::as_str)
        {
            return parse_list(name, text);
        }
        let Some(endpoint) = server.get("endpoint").and_then(Value::as_str) else {
            return (
                Vec::new(),
                Some("the MCP server target has no endpoint".into()),
            );
        };
        return match target_calls::discover_mcp_tools(&catalog.backends, &document, endpoint).await
        {
            Ok(found) => (
                found
                    .into_iter()
                    .map(|t| {
                        Tool::from_target(
                            name,
                            &t.name,
                            t.description.as_deref().unwrap_or(""),
                            t.input_schema,
                        )
                    })
                    .collect(),
                None,
            ),
            Err(problem) => (Vec::new(), Some(problem)),
        };
    }
    if mcp.get("smithyModel").is_some() {
        return (
            Vec::new(),
            Some("Smithy model targets are not served by the local gateway".into()),
        );
    }
    (
        Vec::new(),
        Some("the target's kind is not served by the local gateway".into()),
    )
}

fn parse_list(target: &str, text: &str) -> (Vec<Tool>, Option<String>) {
    match serde_json::from_str::<Value>(text) {
        Ok(list) => (tools_from_list(target, &list), None),
        Err(e) => (
            Vec::new(),
            Some(format!("the tool schema is not JSON: {e}")),
        ),
    }
}

/// Why a schema "in S3" has no tools locally. The platform cannot read S3,
/// and never reads a host file a request names.
fn s3_unreadable(uri: &str) -> String {
    format!("{uri}: the local platform cannot read S3; give the schema inline (inlinePayload)")
}

/// Up to `limit` tools after position `after`, in catalog order.
pub(crate) async fn page(
    catalog: &ToolCatalog,
    gateway_id: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<CatalogTool>, ApiError> {
    let gateway_id = gateway_id.to_owned();
    catalog
        .store
        .read(move |conn| {
            select_tools(
                conn,
                "WHERE gateway_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
                params![gateway_id, after, limit as i64],
            )
        })
        .await
}

/// The tools best matching `query`, best first, ranked by BM25 over names
/// (weighted highest), descriptions and schema words. Lexical, not semantic.
pub(crate) async fn search(
    catalog: &ToolCatalog,
    gateway_id: &str,
    query: &str,
    limit: usize,
) -> Result<Vec<CatalogTool>, ApiError> {
    let Some(expression) = match_expression(query) else {
        return Ok(Vec::new());
    };
    let gateway_id = gateway_id.to_owned();
    catalog
        .store
        .read(move |conn| {
            select_tools(
                conn,
                "JOIN (SELECT rowid AS hit, bm25(gateway_tools_search, 0.0, 8.0, 3.0, 1.0) AS rank \
                       FROM gateway_tools_search \
                       WHERE gateway_tools_search MATCH ?2 AND gateway_id = ?1) ON hit = seq \
                 WHERE gateway_id = ?1 ORDER BY rank, seq LIMIT ?3",
                params![gateway_id, expression, limit as i64],
            )
        })
        .await
}

/// Distinct words a search ranks by at most; later words are ignored.
/// FTS5's work grows with every OR'ed phrase (a 400 KB query kept a core
/// busy for minutes), so this bounds a search's cost.
pub(crate) const MAX_SEARCH_TERMS: usize = 64;

/// An FTS5 expression matching any of the first [`MAX_SEARCH_TERMS`]
/// distinct words of a natural-language query, each word quoted so
/// punctuation can't form FTS syntax.
fn match_expression(query: &str) -> Option<String> {
    let mut seen = std::collections::HashSet::new();
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| seen.insert(w.clone()))
        .take(MAX_SEARCH_TERMS)
        .map(|w| format!("\"{w}\""))
        .collect();
    (!words.is_empty()).then(|| words.join(" OR "))
}

/// Every tool of the gateway (its catalog brought up to date first), as
/// domain tools: what its Cedar schema is generated from.
pub(crate) async fn all_tools(
    catalog: &ToolCatalog,
    gateway_id: &str,
) -> Result<Vec<Tool>, ApiError> {
    ensure(catalog, gateway_id).await?;
    let gateway_id = gateway_id.to_owned();
    let tools = catalog
        .store
        .read(move |conn| {
            select_tools(
                conn,
                "WHERE gateway_id = ?1 ORDER BY seq",
                params![gateway_id],
            )
        })
        .await?;
    Ok(tools.into_iter().map(CatalogTool::into_tool).collect())
}

fn select_tools(
    conn: &Connection,
    rest: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<CatalogTool>, ApiError> {
    let sql = format!(
        "SELECT seq, target_id, target_name, tool_name, qualified_name, description, input_schema \
         FROM gateway_tools {rest}"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params, |row| {
        let schema: String = row.get(6)?;
        Ok(CatalogTool {
            seq: row.get(0)?,
            target_id: row.get(1)?,
            target_name: row.get(2)?,
            tool_name: row.get(3)?,
            qualified_name: row.get(4)?,
            description: row.get(5)?,
            input_schema: serde_json::from_str(&schema).unwrap_or(Value::Null),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Why targets of the gateway contribute no tools (target name, problem).
pub(crate) async fn problems(
    catalog: &ToolCatalog,
    gateway_id: &str,
) -> Result<Vec<(String, String)>, ApiError> {
    let gateway_id = gateway_id.to_owned();
    catalog
        .store
        .read(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT t.name, c.problem FROM gateway_catalog_state c \
                 JOIN gateway_targets t ON t.target_id = c.target_id \
                 WHERE c.gateway_id = ?1 AND c.problem IS NOT NULL ORDER BY t.seq",
            )?;
            let rows = statement.query_map([gateway_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_quoted_alternatives() {
        assert_eq!(
            match_expression("Find a customer's e-mail!").as_deref(),
            Some("\"find\" OR \"a\" OR \"customer\" OR \"s\" OR \"e\" OR \"mail\"")
        );
        assert_eq!(match_expression(" ?! "), None);
        // Repeats count once; words past the cap are ignored.
        assert_eq!(
            match_expression("Refund refund REFUND").as_deref(),
            Some("\"refund\"")
        );
        let many: Vec<String> = (0..1_000).map(|i| format!("w{i}")).collect();
        let expression = match_expression(&many.join(" ")).unwrap();
        assert_eq!(expression.matches(" OR ").count(), MAX_SEARCH_TERMS - 1);
    }

    #[test]
    fn schema_words_include_properties_descriptions_and_enums() {
        let schema = serde_json::json!({"type": "object", "properties": {
            "priority": {"type": "string", "enum": ["low", "urgent"], "description": "How soon"}}});
        let words = schema_words(&schema);
        for word in ["priority", "urgent", "How soon"] {
            assert!(words.contains(word), "{words}");
        }
    }
}
