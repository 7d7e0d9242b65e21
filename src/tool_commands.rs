//! `acc tools list|search|call GATEWAY …`: the tool catalog and tool calls,
//! headless, through the gateway's MCP endpoint.

use std::io::Read as _;

use acc_backend::Backend;
use acc_domain::json_schema_validation::validate;
use serde_json::Value;

use crate::cli::{Output, ToolsAction};
use crate::headless::{
    EXIT_FAILED, EXIT_NOT_FOUND, Failure, print, refused, resolve_gateway, tools_text,
};

/// Bad arguments: the same code as any usage error.
const EXIT_USAGE: u8 = 2;

pub(crate) async fn run(
    backend: &Backend,
    action: ToolsAction,
    output: Output,
    readonly: bool,
) -> Result<(), Failure> {
    match action {
        ToolsAction::List { gateway, schema } => {
            let gw = resolve_gateway(backend, &gateway).await?;
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
        }
        ToolsAction::Search { gateway, query } => {
            let gw = resolve_gateway(backend, &gateway).await?;
            let catalog = backend.mcp_catalog(&gw).await?;
            let hits: Vec<Value> = if catalog.has_search_tool {
                backend
                    .search_tools(&gw, &query)
                    .await?
                    .into_iter()
                    .map(|h| serde_json::json!({ "name": h.name, "description": h.description }))
                    .collect()
            } else {
                eprintln!(
                    "acc: gateway {} has no search tool (search type is not SEMANTIC): matching names and descriptions locally",
                    gw.name
                );
                let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
                catalog
                    .tools
                    .iter()
                    .filter(|t| {
                        let text = format!("{} {}", t.qualified_name, t.description).to_lowercase();
                        words.iter().any(|w| text.contains(w.as_str()))
                    })
                    .map(|t| serde_json::json!({ "name": t.qualified_name, "description": t.description }))
                    .collect()
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
        }
        ToolsAction::Call {
            gateway,
            tool,
            args,
            args_file,
        } => {
            if readonly {
                return Err(refused(
                    "tool call refused: --readonly is set, and tool calls can change things",
                ));
            }
            let arguments = read_arguments(&args, args_file.as_deref())?;
            let gw = resolve_gateway(backend, &gateway).await?;
            let catalog = backend.mcp_catalog(&gw).await?;
            let Some(found) = catalog.tools.iter().find(|t| t.qualified_name == tool) else {
                return Err(Failure {
                    code: EXIT_NOT_FOUND,
                    message: format!(
                        "gateway {} has no tool `{tool}`; `acc tools list {}` lists them",
                        gw.name, gw.name
                    ),
                });
            };
            let violations = validate(&found.input_schema, &arguments);
            if !violations.is_empty() {
                let lines: Vec<String> = violations
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
                    .collect();
                return Err(Failure {
                    code: EXIT_USAGE,
                    message: format!(
                        "the arguments do not match {tool}'s input schema; nothing was sent:\n{}",
                        lines.join("\n")
                    ),
                });
            }
            let report = backend.call_tool(&gw, &tool, arguments).await?;
            print(output, &report, || {
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
                text.push_str(&format!("({:.1} ms)", report.latency_ms));
                text
            });
            if let Some(e) = &report.rpc_error {
                return Err(Failure {
                    code: EXIT_FAILED,
                    message: format!(
                        "{tool}: the gateway answered error {}: {}",
                        e.code, e.message
                    ),
                });
            }
            if report.is_error {
                return Err(Failure {
                    code: EXIT_FAILED,
                    message: format!("{tool} reported an error (isError)"),
                });
            }
        }
    }
    Ok(())
}

fn read_arguments(args: &str, file: Option<&std::path::Path>) -> Result<Value, Failure> {
    let usage = |message: String| Failure {
        code: EXIT_USAGE,
        message,
    };
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
