//! `lambda` targets, rehearsed by a local command bound to the function's
//! ARN: the event (the tool's arguments, as AgentCore sends them) on stdin,
//! the function's JSON result on stdout. The tool's name and the gateway
//! reach it as `ACC_TOOL_NAME`, `ACC_TARGET_NAME` and `ACC_GATEWAY_ID`
//! (AgentCore passes them in the Lambda context).

use std::process::Stdio;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use super::outbound::TargetBackends;
use super::tool_result::{CallSite, ToolCallResult, json_result};

/// Output beyond this is refused rather than buffered.
const MAX_OUTPUT: u64 = 10 * 1024 * 1024;

pub(super) async fn call(
    backends: &TargetBackends,
    site: &CallSite<'_>,
    arn: &str,
    arguments: Value,
) -> ToolCallResult {
    let Some(binding) = backends.functions.iter().find(|f| f.arn == arn) else {
        return ToolCallResult::error(format!(
            "Lambda {arn} is not bound to a local command. Add it to the functions file \
             ($XDG_CONFIG_HOME/acc/functions.toml, or --functions PATH):\n\
             [[function]]\narn = \"{arn}\"\ncommand = [\"python3\", \"/path/to/handler.py\"]"
        ));
    };
    let Some((program, args)) = binding.command.split_first() else {
        return ToolCallResult::error(format!("the binding of {arn} has an empty command"));
    };
    let mut child = match Command::new(program)
        .args(args)
        .env("ACC_TOOL_NAME", site.qualified_name)
        .env("ACC_TARGET_NAME", site.target_name)
        .env("ACC_GATEWAY_ID", site.gateway_id)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            return ToolCallResult::error(format!("cannot start {program} (bound to {arn}): {e}"));
        }
    };
    let event = arguments.to_string();
    let mut stdin = child.stdin.take();
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let run = async {
        if let Some(stdin) = stdin.as_mut() {
            // A function that ignores its input may close stdin early.
            let _ = stdin.write_all(event.as_bytes()).await;
        }
        drop(stdin.take());
        let mut out = Vec::new();
        let mut err = Vec::new();
        let read_out = async {
            if let Some(s) = stdout.as_mut() {
                let _ = s.take(MAX_OUTPUT + 1).read_to_end(&mut out).await;
            }
        };
        let read_err = async {
            if let Some(s) = stderr.as_mut() {
                let _ = s.take(64 * 1024).read_to_end(&mut err).await;
            }
        };
        tokio::join!(read_out, read_err);
        let status = child.wait().await;
        (status, out, err)
    };
    let (status, out, err) = match tokio::time::timeout(binding.timeout, run).await {
        Ok(done) => done,
        Err(_) => {
            return ToolCallResult::error(format!(
                "Lambda {arn} ({program}) timed out after {:?} and was stopped",
                binding.timeout
            ));
        }
    };
    let tail = last_lines(&String::from_utf8_lossy(&err), 5);
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => {
            return ToolCallResult::error(format!(
                "Lambda {arn} ({program}) failed ({status}){tail}"
            ));
        }
        Err(e) => return ToolCallResult::error(format!("Lambda {arn} ({program}): {e}")),
    }
    if out.len() as u64 > MAX_OUTPUT {
        return ToolCallResult::error(format!(
            "Lambda {arn} answered more than {MAX_OUTPUT} bytes"
        ));
    }
    match serde_json::from_slice::<Value>(&out) {
        Ok(Value::Object(o)) if o.contains_key("errorMessage") => ToolCallResult::error(format!(
            "Lambda {arn} reported an error: {}",
            o["errorMessage"].as_str().unwrap_or_default()
        )),
        Ok(value) => json_result(value),
        Err(e) => ToolCallResult::error(format!(
            "Lambda {arn} ({program}) did not answer JSON on stdout ({e}): {}{tail}",
            String::from_utf8_lossy(&out[..out.len().min(200)])
        )),
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return String::new();
    }
    format!(
        "; stderr: {}",
        lines[lines.len().saturating_sub(n)..].join(" | ")
    )
}
