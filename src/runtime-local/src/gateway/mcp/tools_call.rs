//! `tools/call`: the tool is looked up in the gateway's catalog, its
//! arguments checked against its input schema, the call judged by the
//! gateway's policy engine, then sent to the target's backend. Every call
//! is captured, however it ends.

use std::time::Instant;

use acc_domain::CaptureOutcome as Outcome;
use acc_domain::CapturedPolicy;
use acc_domain::cedar_model::evaluation::PolicyDecision;
use acc_domain::json_schema_validation::validate;
use serde_json::{Value, json};

use crate::gateway::capture_store::{Capture, caller_record};
use crate::gateway::mcp::context::CallContext;
use crate::gateway::mcp::rpc_error::{DENIED, RpcError};
use crate::gateway::mcp::search_tool;
use crate::gateway::target_calls::tool_result::{CallSite, ToolCallResult};
use crate::gateway::target_calls::{self};
use crate::gateway::tool_catalog::{self, CatalogTool, Resolved};
use crate::gateway::tool_spans::{CallSpan, now_unix_nano};
use crate::platform::timestamps::now_ms;
use crate::policy::enforcement::AttachedEngine;

/// Answer a `tools/call`.
pub(crate) async fn tools_call(
    context: &CallContext<'_>,
    params: &Value,
) -> Result<Value, RpcError> {
    let started = Instant::now();
    let at_ms = now_ms();
    let span = CallSpan {
        parent: context.trace.clone(),
        start_unix_nano: now_unix_nano(),
    };
    let (name, arguments) = call_params(params)?;
    let call = ToolCall {
        context,
        name,
        arguments,
        started,
        at_ms,
        span,
    };
    if name == search_tool::NAME && context.gateway.searchable() {
        return call.search().await;
    }
    let Resolved { tool, target } = call.resolve().await?;
    call.check_arguments(&tool).await?;
    let policy = call.decide(&tool).await?;
    let site = CallSite {
        gateway_id: &context.gateway.id,
        target_name: &tool.target_name,
        qualified_name: &tool.qualified_name,
    };
    let result = target_calls::call_tool(
        &context.state.backends,
        &site,
        &target,
        &tool.tool_name,
        call.arguments.clone(),
        context.caller,
    )
    .await;
    let (outcome, detail) = if result.is_error {
        (Outcome::ToolError, Some(first_text(&result)))
    } else {
        (Outcome::Ok, None)
    };
    let mut done = call.capture(&tool.target_name, outcome, detail);
    done.policy = policy;
    context.keep(done).await;
    Ok(call_result(result))
}

/// The tool's name and its arguments (an object; absent means `{}`).
fn call_params(params: &Value) -> Result<(&str, Value), RpcError> {
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
    Ok((name, arguments))
}

/// One `tools/call` while it is answered: what each of its captures records.
struct ToolCall<'a> {
    context: &'a CallContext<'a>,
    /// The name as the caller sent it (qualified, or the search tool's).
    name: &'a str,
    arguments: Value,
    started: Instant,
    /// When the call arrived (Unix ms).
    at_ms: i64,
    /// Where the gateway's span of the call goes.
    span: CallSpan,
}

impl ToolCall<'_> {
    /// The call's capture, ending at `target` with `outcome`.
    fn capture(&self, target: &str, outcome: Outcome, detail: Option<String>) -> Capture {
        let (context, gateway) = (self.context, self.context.gateway);
        Capture {
            gateway_id: gateway.id.clone(),
            gateway_arn: gateway.arn.clone(),
            target_name: target.to_owned(),
            tool_name: self.name.to_owned(),
            caller: context.caller.clone(),
            arguments: self.arguments.clone(),
            outcome,
            detail,
            latency: self.started.elapsed(),
            trace_id: context.trace_id.to_owned(),
            at_ms: self.at_ms,
            policy: None,
            span: Some(self.span.clone()),
        }
    }

    /// The built-in search tool, answered by the gateway itself.
    async fn search(&self) -> Result<Value, RpcError> {
        let state = self.context.state;
        let outcome =
            search_tool::call(&state.catalog, &self.context.gateway.id, &self.arguments).await;
        let (kind, detail) = match &outcome {
            Ok(_) => (Outcome::Ok, None),
            Err(e) => (Outcome::ToolError, Some(e.message.clone())),
        };
        self.context.keep(self.capture("", kind, detail)).await;
        outcome
    }

    /// The tool and its target; an unknown tool is refused (and captured),
    /// with why its target offers no tools when it is known.
    async fn resolve(&self) -> Result<Resolved, RpcError> {
        let (catalog, gateway) = (&self.context.state.catalog, self.context.gateway);
        if let Some(resolved) = tool_catalog::resolve(catalog, &gateway.id, self.name).await? {
            return Ok(resolved);
        }
        let name = self.name;
        let mut message = format!(
            "Unknown tool '{name}' on gateway {}. Tool names are <Target>___<tool>; tools/list gives them.",
            gateway.name
        );
        // A target whose tools could not be discovered explains the miss.
        let target = name.split_once("___").map(|(t, _)| t).unwrap_or_default();
        if let Some((_, problem)) = tool_catalog::problems(catalog, &gateway.id)
            .await?
            .into_iter()
            .find(|(t, _)| t == target)
        {
            message.push_str(&format!(
                " Target {target} offers no tools right now: {problem}"
            ));
        }
        let capture = self.capture("", Outcome::ToolError, Some(message.clone()));
        self.context.keep(capture).await;
        Err(RpcError::invalid_params(message))
    }

    /// Arguments that do not match the tool's input schema are refused
    /// (and captured), each violation named.
    async fn check_arguments(&self, tool: &CatalogTool) -> Result<(), RpcError> {
        let violations = validate(&tool.input_schema, &self.arguments);
        if violations.is_empty() {
            return Ok(());
        }
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
            "The arguments for {} do not match its inputSchema: {}",
            self.name,
            listed.join("; ")
        );
        let capture = self.capture(&tool.target_name, Outcome::ToolError, Some(message.clone()));
        self.context.keep(capture).await;
        let mut error = RpcError::invalid_params(message);
        error.data = Some(json!({
            "violations": violations
                .iter()
                .map(|v| json!({ "path": v.path, "message": v.message }))
                .collect::<Vec<_>>()
        }));
        Err(error)
    }

    /// The policy engine's decision, when the gateway attaches one. A deny
    /// the engine enforces refuses the call (captured) before its target
    /// is touched.
    async fn decide(&self, tool: &CatalogTool) -> Result<Option<CapturedPolicy>, RpcError> {
        let (state, gateway) = (self.context.state, self.context.gateway);
        let Some(engine) = AttachedEngine::of(&gateway.document) else {
            return Ok(None);
        };
        let decided = state
            .enforcement
            .decide(
                &engine,
                &caller_record(self.context.caller, false),
                self.name,
                &gateway.arn,
                &self.arguments,
                &tool.input_schema,
            )
            .await?;
        if decided.mode != "ENFORCE" || decided.decision != PolicyDecision::Deny {
            return Ok(Some(decided));
        }
        let why = if decided.determining_policies.is_empty() {
            "no policy permits it".to_owned()
        } else {
            format!("forbidden by {}", decided.determining_policies.join(", "))
        };
        let message = format!("Tool call {} not allowed by policy: {why}.", self.name);
        let mut denied = self.capture(&tool.target_name, Outcome::Denied, Some(message.clone()));
        denied.policy = Some(decided.clone());
        self.context.keep(denied).await;
        let mut error = RpcError::new(DENIED, message);
        error.data = Some(json!({
            "decision": "deny",
            "determiningPolicies": decided.determining_policies,
            "policyEngineArn": decided.engine_arn,
        }));
        Err(error)
    }
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
fn call_result(result: ToolCallResult) -> Value {
    let mut value = json!({ "content": result.content, "isError": result.is_error });
    if let Some(structured) = result.structured_content {
        value["structuredContent"] = structured;
    }
    value
}
