//! The MCP methods a gateway answers: `initialize`, `ping`, `tools/list`
//! (30 tools a page, `nextCursor`), and `tools/call` (see `tools_call`).

use acc_mcp::jsonrpc::{self, Message};
use acc_mcp::protocol::{self, error_code};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::gateway::capture_store::caller_record;
use crate::gateway::mcp::context::{CallContext, Gateway};
use crate::gateway::mcp::rpc_error::{DENIED, RpcError};
use crate::gateway::mcp::search_tool;
use crate::gateway::mcp::tools_call::tools_call;
use crate::gateway::tool_catalog::{self, CatalogTool};
use crate::platform::operations::{self, Access};
use crate::policy::enforcement::AttachedEngine;

/// Tools per `tools/list` page, as AgentCore pages them.
pub(crate) const PAGE_SIZE: usize = 30;

/// Answer one message; notifications get no answer.
pub(crate) async fn dispatch(context: &CallContext<'_>, message: Message) -> Option<Value> {
    let Message { id, method, params } = message;
    if context.state.read_only && operations::mcp_access(&method, &params) != Access::Read {
        // Refused before anything runs, so nothing is captured either.
        return id.map(|id| jsonrpc::error(id, DENIED, read_only_refusal(&method, &params), None));
    }
    let result = match method.as_str() {
        "initialize" => Ok(initialize(context.gateway, &params)),
        "ping" => Ok(json!({})),
        "tools/list" => tools_list(context, &params).await,
        "tools/call" => tools_call(context, &params).await,
        notification if notification.starts_with("notifications/") => Ok(Value::Null),
        other => Err(RpcError::new(
            error_code::METHOD_NOT_FOUND,
            format!(
                "Method '{other}' is not served by this gateway. It answers initialize, ping, \
                 tools/list and tools/call."
            ),
        )),
    };
    // A notification gets no response, not even an error.
    let id = id?;
    Some(match result {
        Ok(result) => jsonrpc::success(id, result),
        Err(e) => jsonrpc::error(id, e.code, e.message, e.data),
    })
}

fn read_only_refusal(method: &str, params: &Value) -> String {
    match params.get("name").and_then(Value::as_str) {
        Some(name) if method == "tools/call" => format!(
            "Tool call {name} refused: the local platform was started read-only, and tool calls \
             can change things (only the built-in search tool, {}, is served read-only).",
            search_tool::NAME
        ),
        _ => format!(
            "Method {method} refused: the local platform was started read-only and serves only \
             methods known to change nothing (initialize, ping, tools/list, and tools/call of {}).",
            search_tool::NAME
        ),
    }
}

fn initialize(gateway: &Gateway, params: &Value) -> Value {
    let requested = params
        .get("protocolVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    json!({
        "protocolVersion": protocol::negotiate(requested),
        "capabilities": { "tools": { "listChanged": false } },
        "serverInfo": { "name": gateway.name, "version": env!("CARGO_PKG_VERSION") },
        "instructions": format!(
            "AgentCore gateway {} (local). Tool names are <Target>___<tool>.",
            gateway.name
        ),
    })
}

async fn tools_list(context: &CallContext<'_>, params: &Value) -> Result<Value, RpcError> {
    let after = match params.get("cursor") {
        None | Some(Value::Null) => None,
        Some(Value::String(cursor)) => Some(decode_cursor(cursor).ok_or_else(|| {
            RpcError::invalid_params(format!(
                "The cursor {cursor:?} is not one this gateway issued. Start again without a cursor."
            ))
        })?),
        Some(_) => return Err(RpcError::invalid_params("\"cursor\" must be a string")),
    };
    let (state, gateway) = (context.state, context.gateway);
    tool_catalog::ensure(&state.catalog, &gateway.id).await?;
    let mut tools = Vec::with_capacity(PAGE_SIZE);
    // The built-in search tool leads the first page.
    if after.is_none() && gateway.searchable() {
        tools.push(search_tool::definition());
    }
    let room = PAGE_SIZE - tools.len();
    let engine = AttachedEngine::of(&gateway.document).filter(AttachedEngine::enforcing);
    let caller = caller_record(context.caller, false);
    // One more than fits tells whether another page follows. With a policy
    // engine enforcing, tools the caller could never call are skipped, so
    // read on until the page is full.
    let chunk = if engine.is_some() { 200 } else { room + 1 };
    let mut page = Vec::with_capacity(room + 1);
    let mut cursor = after.unwrap_or(0);
    loop {
        let read = tool_catalog::page(&state.catalog, &gateway.id, cursor, chunk).await?;
        let exhausted = read.len() < chunk;
        if let Some(last) = read.last() {
            cursor = last.seq;
        }
        match &engine {
            Some(engine) => {
                let names: Vec<&str> = read.iter().map(|t| t.qualified_name.as_str()).collect();
                let visible = state
                    .enforcement
                    .listable(engine, &caller, &gateway.arn, &names)
                    .await?;
                page.extend(
                    read.into_iter()
                        .zip(visible)
                        .filter_map(|(tool, shown)| shown.then_some(tool)),
                );
            }
            None => page.extend(read),
        }
        if exhausted || page.len() > room {
            break;
        }
    }
    let more = page.len() > room;
    page.truncate(room);
    let next = more
        .then(|| page.last().map(|t| encode_cursor(t.seq)))
        .flatten();
    tools.extend(page.iter().map(CatalogTool::to_mcp));
    let mut result = json!({ "tools": tools });
    if let Some(next) = next {
        result["nextCursor"] = Value::String(next);
    }
    Ok(result)
}

fn encode_cursor(seq: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("after:{seq}"))
}

fn decode_cursor(cursor: &str) -> Option<i64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("after:")?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operations_table_knows_the_search_tool_as_a_read() {
        assert_eq!(operations::SEARCH_TOOL, search_tool::NAME);
        let call = json!({ "name": search_tool::NAME, "arguments": { "query": "refund" } });
        assert_eq!(operations::mcp_access("tools/call", &call), Access::Read);
    }

    #[test]
    fn cursors_round_trip_and_strangers_are_refused() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("not-a-cursor"), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("before:1")), None);
    }
}
