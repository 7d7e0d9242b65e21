//! The built-in search tool of gateways whose search type is SEMANTIC.
//! AgentCore ranks with embeddings; the local gateway ranks lexically
//! (SQLite FTS5, BM25 over tool names, descriptions and schema words), and
//! says so in the tool's description.

use acc_mcp::protocol::error_code;
use serde_json::{Value, json};

use crate::gateway::mcp::rpc_error::RpcError;
use crate::gateway::tool_catalog::{self, CatalogTool, ToolCatalog};

/// The tool's name, as AgentCore names it.
pub(crate) const NAME: &str = acc_domain::tool::SEARCH_TOOL;

/// Tools returned per search.
const RESULTS: usize = 10;

/// The longest query taken, in characters. AgentCore documents no limit
/// for this tool; 10,000 is its limit on the other search queries it takes
/// (memory records' `searchQuery`), far more than a task description
/// needs. Only the first [`tool_catalog::MAX_SEARCH_TERMS`] distinct words
/// rank, so a query's cost is bounded whatever its length.
pub(crate) const MAX_QUERY_LENGTH: usize = 10_000;

/// The tool as `tools/list` shows it.
pub(crate) fn definition() -> Value {
    json!({
        "name": NAME,
        "description": "Find this gateway's tools that fit a task described in natural language. \
            Returns the best matches, best first, with their input schemas. On the local \
            platform the ranking is lexical (BM25 over tool names, descriptions and input-schema \
            words), not semantic: use words that appear in the tools.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "query": {
                    "type": "string",
                    "maxLength": MAX_QUERY_LENGTH,
                    "description": format!(
                        "What you want to do, e.g. \"open a support ticket\" (at most \
                         {MAX_QUERY_LENGTH} characters; the first {} distinct words rank)",
                        tool_catalog::MAX_SEARCH_TERMS
                    )
                }
            },
            "required": ["query"]
        }
    })
}

/// Run a search: the ranked tools as structured content and as text.
pub(crate) async fn call(
    catalog: &ToolCatalog,
    gateway_id: &str,
    arguments: &Value,
) -> Result<Value, RpcError> {
    let Some(query) = arguments.get("query").and_then(Value::as_str) else {
        return Err(RpcError::new(
            error_code::INVALID_PARAMS,
            format!("{NAME} needs {{\"query\": \"<what you want to do>\"}}"),
        ));
    };
    let length = query.chars().count();
    if length > MAX_QUERY_LENGTH {
        return Err(RpcError::new(
            error_code::INVALID_PARAMS,
            format!(
                "{NAME}: the query has {length} characters; at most {MAX_QUERY_LENGTH} are \
                 taken. Describe the task in a sentence or two."
            ),
        ));
    }
    tool_catalog::ensure(catalog, gateway_id).await?;
    let hits = tool_catalog::search(catalog, gateway_id, query, RESULTS).await?;
    let tools: Vec<Value> = hits.iter().map(CatalogTool::to_mcp).collect();
    let structured = json!({ "tools": tools });
    Ok(json!({
        "content": [{ "type": "text", "text": structured.to_string() }],
        "structuredContent": structured,
        "isError": false,
    }))
}
