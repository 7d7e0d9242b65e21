//! The MCP methods a gateway answers: `initialize`, `ping`, `tools/list`
//! (30 tools a page, `nextCursor`), and `tools/call` (validated against the
//! tool's input schema, sent to the target, captured).

use std::time::Instant;

use acc_domain::json_schema_validation::validate;
use acc_mcp::jsonrpc::{self, Message};
use acc_mcp::protocol::{self, error_code};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::search_tool;
use crate::gateway::capture_store::{Capture, caller_record};
use crate::gateway::target_calls::{self, ToolCallResult};
use crate::gateway::tool_catalog::{self, CatalogTool};
use crate::identity::inbound_auth::CallerIdentity;
use crate::platform::operations::{self, Access};
use crate::platform::state::PlatformState;
use crate::platform::timestamps::now_ms;
use crate::platform::wire_errors::ApiError;
use crate::policy::enforcement::{self, AttachedEngine};
use acc_domain::CaptureOutcome as Outcome;
use acc_domain::cedar_model::evaluation::PolicyDecision;

/// Tools per `tools/list` page, as AgentCore pages them.
pub(crate) const PAGE_SIZE: usize = 30;

/// JSON-RPC code for a call refused before reaching its target (read-only
/// platform, and policy denials once engines are enforced).
pub(crate) const DENIED: i64 = -32001;

/// The gateway a request addressed.
#[derive(Debug, Clone)]
pub(crate) struct Gateway {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) arn: String,
    /// The stored document: authorizer, protocol configuration, …
    pub(crate) document: Value,
}

impl Gateway {
    /// The gateway offers the built-in search tool.
    fn searchable(&self) -> bool {
        self.document
            .pointer("/protocolConfiguration/mcp/searchType")
            .and_then(Value::as_str)
            == Some("SEMANTIC")
    }
}

/// What every method handler needs.
pub(crate) struct CallContext<'a> {
    pub(crate) state: &'a PlatformState,
    pub(crate) gateway: &'a Gateway,
    pub(crate) caller: &'a CallerIdentity,
    pub(crate) trace_id: &'a str,
}

/// A JSON-RPC error answer.
pub(crate) struct RpcError {
    code: i64,
    message: String,
    data: Option<Value>,
}

impl RpcError {
    pub(crate) fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(error_code::INVALID_PARAMS, message)
    }
}

impl From<ApiError> for RpcError {
    fn from(e: ApiError) -> Self {
        Self::new(error_code::INTERNAL_ERROR, e.message)
    }
}

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

/// Store a capture, unless the platform is read-only: a capture is a write.
async fn keep(state: &PlatformState, capture: Capture) {
    if !state.read_only {
        state.captures.record(capture).await;
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
    tool_catalog::ensure(state, &gateway.id).await?;
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
        let read = tool_catalog::page(state, &gateway.id, cursor, chunk).await?;
        let exhausted = read.len() < chunk;
        if let Some(last) = read.last() {
            cursor = last.seq;
        }
        match &engine {
            Some(engine) => {
                let names: Vec<&str> = read.iter().map(|t| t.qualified_name.as_str()).collect();
                let visible =
                    enforcement::listable(state, engine, &caller, &gateway.arn, &names).await?;
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

async fn tools_call(context: &CallContext<'_>, params: &Value) -> Result<Value, RpcError> {
    let started = Instant::now();
    let at_ms = now_ms();
    let Some(name) = params.get("name").and_then(Value::as_str) else {
        return Err(RpcError::invalid_params(
            "tools/call needs \"name\": the tool's name as tools/list gives it (<Target>___<tool>).",
        ));
    };
    let arguments = match params.get("arguments") {
        None | Some(Value::Null) => json!({}),
        Some(arguments @ Value::Object(_)) => arguments.clone(),
        Some(_) => {
            return Err(RpcError::invalid_params(
                "\"arguments\" must be a JSON object",
            ));
        }
    };
    let capture = |target: &str, outcome, detail: Option<String>| Capture {
        gateway_id: context.gateway.id.clone(),
        gateway_arn: context.gateway.arn.clone(),
        target_name: target.to_owned(),
        tool_name: name.to_owned(),
        caller: context.caller.clone(),
        arguments: arguments.clone(),
        outcome,
        detail,
        latency: started.elapsed(),
        trace_id: context.trace_id.to_owned(),
        at_ms,
        policy: None,
    };
    let state = context.state;
    if name == search_tool::NAME && context.gateway.searchable() {
        let outcome = search_tool::call(state, &context.gateway.id, &arguments).await;
        let (kind, detail) = match &outcome {
            Ok(_) => (Outcome::Ok, None),
            Err(e) => (Outcome::ToolError, Some(e.message.clone())),
        };
        keep(state, capture("", kind, detail)).await;
        return outcome;
    }
    let Some(tool_catalog::Resolved { tool, target }) =
        tool_catalog::resolve(state, &context.gateway.id, name).await?
    else {
        let mut message = format!(
            "Unknown tool '{name}' on gateway {}. Tool names are <Target>___<tool>; tools/list gives them.",
            context.gateway.name
        );
        // A target whose tools could not be discovered explains the miss.
        let target = name.split_once("___").map(|(t, _)| t).unwrap_or_default();
        if let Some((_, problem)) = tool_catalog::problems(state, &context.gateway.id)
            .await?
            .into_iter()
            .find(|(t, _)| t == target)
        {
            message.push_str(&format!(
                " Target {target} offers no tools right now: {problem}"
            ));
        }
        keep(
            state,
            capture("", Outcome::ToolError, Some(message.clone())),
        )
        .await;
        return Err(RpcError::invalid_params(message));
    };
    let violations = validate(&tool.input_schema, &arguments);
    if !violations.is_empty() {
        let listed: Vec<String> = violations
            .iter()
            .map(|v| {
                if v.path.is_empty() {
                    v.message.clone()
                } else {
                    format!("{}: {}", v.path, v.message)
                }
            })
            .collect();
        let message = format!(
            "The arguments for {name} do not match its inputSchema: {}",
            listed.join("; ")
        );
        keep(
            state,
            capture(&tool.target_name, Outcome::ToolError, Some(message.clone())),
        )
        .await;
        let mut error = RpcError::invalid_params(message);
        error.data = Some(json!({
            "violations": violations
                .iter()
                .map(|v| json!({ "path": v.path, "message": v.message }))
                .collect::<Vec<_>>()
        }));
        return Err(error);
    }
    let policy = match AttachedEngine::of(&context.gateway.document) {
        Some(engine) => Some(
            enforcement::decide(
                state,
                &engine,
                &caller_record(context.caller, false),
                name,
                &context.gateway.arn,
                &arguments,
                &tool.input_schema,
            )
            .await?,
        ),
        None => None,
    };
    if let Some(decided) = &policy
        && decided.mode == "ENFORCE"
        && decided.decision == PolicyDecision::Deny
    {
        let why = if decided.determining_policies.is_empty() {
            "no policy permits it".to_owned()
        } else {
            format!("forbidden by {}", decided.determining_policies.join(", "))
        };
        let message = format!("Tool call {name} not allowed by policy: {why}.");
        let mut denied = capture(&tool.target_name, Outcome::Denied, Some(message.clone()));
        denied.policy = policy.clone();
        keep(state, denied).await;
        let mut error = RpcError::new(DENIED, message);
        error.data = Some(json!({
            "decision": "deny",
            "determiningPolicies": decided.determining_policies,
            "policyEngineArn": decided.engine_arn,
        }));
        return Err(error);
    }
    let site = target_calls::CallSite {
        gateway_id: &context.gateway.id,
        target_name: &tool.target_name,
        qualified_name: &tool.qualified_name,
    };
    let result = target_calls::call_tool(
        state,
        &site,
        &target,
        &tool.tool_name,
        arguments.clone(),
        context.caller,
    )
    .await;
    let (outcome, detail) = if result.is_error {
        (Outcome::ToolError, Some(first_text(&result)))
    } else {
        (Outcome::Ok, None)
    };
    let mut done = capture(&tool.target_name, outcome, detail);
    done.policy = policy;
    keep(state, done).await;
    Ok(call_result(result))
}

fn first_text(result: &ToolCallResult) -> String {
    result
        .content
        .iter()
        .find_map(|c| c.get("text").and_then(Value::as_str))
        .unwrap_or("the tool reported an error")
        .to_owned()
}

/// The MCP `CallToolResult`.
pub(crate) fn call_result(result: ToolCallResult) -> Value {
    let mut value = json!({ "content": result.content, "isError": result.is_error });
    if let Some(structured) = result.structured_content {
        value["structuredContent"] = structured;
    }
    value
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
