//! `acc tools list|search|call GATEWAY …`: the tool catalog and tool calls,
//! headless, through the gateway's MCP endpoint.

use std::io::Read as _;

use acc_backend::Backend;
use acc_domain::curl_command::{CurlAuth, curl_command, tools_call_request};
use acc_domain::json_schema_validation::{SchemaViolation, validate};
use acc_domain::{CallerIdentity, Gateway, Tool, ToolCallReport, schema_tree};
use serde_json::Value;

use super::args::{Output, ToolsAction};
use super::exit::{Failure, failed, not_found, refused, usage};
use super::output::print;
use super::resolve;

/// `acc tools list|search|call`.
pub(crate) async fn run(
    backend: &Backend,
    action: ToolsAction,
    output: Output,
    readonly: bool,
) -> Result<(), Failure> {
    match action {
        ToolsAction::List { gateway, schema } => list(backend, &gateway, schema, output).await,
        ToolsAction::Search { gateway, query } => search(backend, &gateway, &query, output).await,
        ToolsAction::Call {
            gateway,
            tool,
            args,
            args_file,
            caller,
            curl,
        } => {
            let arguments = read_arguments(&args, args_file.as_deref())?;
            if curl {
                return print_curl(backend, &gateway, &tool, arguments).await;
            }
            if readonly {
                return Err(refused(
                    "tool call refused: --readonly is set, and tool calls can change things",
                ));
            }
            let caller = caller.map_or(CallerIdentity::Configured, CallerIdentity::Client);
            call(backend, &gateway, &tool, arguments, &caller, output).await
        }
    }
}

async fn list(
    backend: &Backend,
    gateway: &str,
    schema: bool,
    output: Output,
) -> Result<(), Failure> {
    let gw = resolve::gateway(backend, gateway).await?;
    let tools = match backend.mcp_catalog(&gw).await {
        Ok(catalog) => catalog.tools,
        Err(e) => {
            eprintln!(
                "acc: listing through MCP failed ({e}); showing the tools the targets declare"
            );
            backend.list_tools(&gw.id).await?
        }
    };
    print(output, &tools, || tools_text(&tools, schema));
    Ok(())
}

async fn search(
    backend: &Backend,
    gateway: &str,
    query: &str,
    output: Output,
) -> Result<(), Failure> {
    let gw = resolve::gateway(backend, gateway).await?;
    let catalog = backend.mcp_catalog(&gw).await?;
    let hits: Vec<Value> = if catalog.has_search_tool {
        backend
            .search_tools(&gw, query)
            .await?
            .into_iter()
            .map(|h| serde_json::json!({ "name": h.name, "description": h.description }))
            .collect()
    } else {
        eprintln!(
            "acc: gateway {} has no search tool (search type is not SEMANTIC): matching names and descriptions locally",
            gw.name
        );
        local_matches(&catalog.tools, query)
    };
    print(output, &hits, || {
        hits.iter()
            .map(|h| {
                format!(
                    "{}\t{}",
                    h["name"].as_str().unwrap_or_default(),
                    h["description"].as_str().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// The tools whose name or description holds any word of `query`.
fn local_matches(tools: &[Tool], query: &str) -> Vec<Value> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    tools
        .iter()
        .filter(|t| {
            let text = format!("{} {}", t.qualified_name, t.description).to_lowercase();
            words.iter().any(|w| text.contains(w.as_str()))
        })
        .map(|t| serde_json::json!({ "name": t.qualified_name, "description": t.description }))
        .collect()
}

async fn call(
    backend: &Backend,
    gateway: &str,
    tool: &str,
    arguments: Value,
    caller: &CallerIdentity,
    output: Output,
) -> Result<(), Failure> {
    let gw = resolve::gateway(backend, gateway).await?;
    check_arguments(backend, &gw, tool, &arguments).await?;
    let report = backend.call_tool_as(&gw, tool, arguments, caller).await?;
    print(output, &report, || report_text(&report));
    // The timing is about the call, not its result: stdout stays pipeable.
    if output == Output::Text {
        eprintln!("acc: {tool} answered in {:.1} ms", report.latency_ms);
    }
    if let Some(e) = &report.rpc_error {
        return Err(failed(format!(
            "{tool}: the gateway answered error {}: {}",
            e.code, e.message
        )));
    }
    if report.is_error {
        return Err(failed(format!("{tool} reported an error (isError)")));
    }
    Ok(())
}

/// `--curl`: the call as a curl command, sent nowhere (so allowed
/// read-only); the arguments are checked as for a call.
async fn print_curl(
    backend: &Backend,
    gateway: &str,
    tool: &str,
    arguments: Value,
) -> Result<(), Failure> {
    let gw = resolve::gateway(backend, gateway).await?;
    check_arguments(backend, &gw, tool, &arguments).await?;
    let url = gw
        .url
        .as_deref()
        .ok_or_else(|| failed(format!("gateway {} has no gatewayUrl to call", gw.name)))?;
    let region = backend.context().region.clone().unwrap_or_default();
    let auth = CurlAuth::for_authorizer(&gw.authorizer_type, &region);
    println!(
        "{}",
        curl_command(url, auth, &tools_call_request(tool, arguments))
    );
    Ok(())
}

/// The tool must exist and the arguments fit its input schema; nothing is
/// sent otherwise.
async fn check_arguments(
    backend: &Backend,
    gw: &Gateway,
    tool: &str,
    arguments: &Value,
) -> Result<(), Failure> {
    let catalog = backend.mcp_catalog(gw).await?;
    let Some(found) = catalog.tools.iter().find(|t| t.qualified_name == tool) else {
        return Err(not_found(format!(
            "gateway {} has no tool `{tool}`; `acc tools list {}` lists them",
            gw.name, gw.name
        )));
    };
    let violations = validate(&found.input_schema, arguments);
    if violations.is_empty() {
        return Ok(());
    }
    Err(usage(format!(
        "the arguments do not match {tool}'s input schema; nothing was sent:\n{}",
        violations_text(&violations)
    )))
}

fn violations_text(violations: &[SchemaViolation]) -> String {
    violations
        .iter()
        .map(|v| {
            format!(
                "  {}: {}",
                if v.path.is_empty() {
                    "(arguments)"
                } else {
                    &v.path
                },
                v.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn report_text(report: &ToolCallReport) -> String {
    let mut text = String::new();
    for item in &report.content {
        match item["text"].as_str() {
            Some(t) => text.push_str(t),
            None => text.push_str(&item.to_string()),
        }
        text.push('\n');
    }
    if let Some(e) = &report.rpc_error {
        text.push_str(&format!("JSON-RPC error {}: {}\n", e.code, e.message));
    }
    text.trim_end().to_owned()
}

/// `--args` (JSON text, or `-` for stdin) or `--args-file`: a JSON object.
fn read_arguments(args: &str, file: Option<&std::path::Path>) -> Result<Value, Failure> {
    let (text, origin) = match file {
        Some(path) => (
            std::fs::read_to_string(path)
                .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?,
            path.display().to_string(),
        ),
        None if args == "-" => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| usage(format!("cannot read the arguments from stdin: {e}")))?;
            (text, "stdin".into())
        }
        None => (args.to_owned(), "--args".into()),
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(usage(format!(
            "the arguments from {origin} must be a JSON object"
        ))),
        Err(e) => Err(usage(format!(
            "the arguments from {origin} are not valid JSON: {e}"
        ))),
    }
}

fn tools_text(tools: &[Tool], with_schema: bool) -> String {
    let mut out = String::new();
    for tool in tools {
        let source = match tool.source {
            acc_domain::ToolSource::Mcp => "mcp",
            acc_domain::ToolSource::TargetSchema => "schema",
        };
        out.push_str(&format!(
            "{}\t[{source}]\t{}\n",
            tool.qualified_name, tool.description
        ));
        if with_schema {
            for node in schema_tree(&tool.input_schema) {
                let indent = "  ".repeat(node.depth + 1);
                let req = if node.required { "*" } else { "" };
                let enums = if node.enum_values.is_empty() {
                    String::new()
                } else {
                    format!(" one of {}", node.enum_values.join(", "))
                };
                out.push_str(&format!(
                    "{indent}{}{req}: {}{enums}\n",
                    node.name, node.type_label
                ));
            }
        }
    }
    out.trim_end().to_string()
}
