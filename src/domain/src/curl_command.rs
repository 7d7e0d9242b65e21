//! A tool call as a `curl` command a user can run: the same request to the
//! gateway's MCP endpoint, with every credential left to the shell's
//! environment (`$ACC_TOKEN`, the AWS variables) so the command can be
//! shown, copied and pasted without carrying a secret.

use serde_json::Value;

/// The env var the command reads a bearer token from.
pub const TOKEN_ENV: &str = "ACC_TOKEN";

/// How the command authenticates, by the gateway's authorizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurlAuth<'a> {
    /// No authorizer: nothing to send.
    None,
    /// `CUSTOM_JWT`: `Authorization: Bearer $ACC_TOKEN`.
    Bearer,
    /// `AWS_IAM`: curl signs with SigV4 from the AWS env vars, for this
    /// region and the `bedrock-agentcore` service.
    SigV4 {
        /// The gateway's region.
        region: &'a str,
    },
}

impl<'a> CurlAuth<'a> {
    /// The authentication a gateway with `authorizer_type` wants.
    pub fn for_authorizer(authorizer_type: &str, region: &'a str) -> CurlAuth<'a> {
        match authorizer_type {
            "CUSTOM_JWT" => CurlAuth::Bearer,
            "AWS_IAM" => CurlAuth::SigV4 { region },
            _ => CurlAuth::None,
        }
    }
}

/// The JSON-RPC `tools/call` request for `tool` with `arguments`, as a
/// command sends it on its own.
pub fn tools_call_request(tool: &str, arguments: Value) -> Value {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": { "name": tool, "arguments": arguments }
    })
}

/// `text` as one single-quoted shell word.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The `curl` command that POSTs the JSON-RPC `request` to `url`, one
/// option a line.
pub fn curl_command(url: &str, auth: CurlAuth<'_>, request: &Value) -> String {
    let mut lines = vec![
        format!("curl -sS -X POST {}", quoted(url)),
        "  -H 'Content-Type: application/json'".to_owned(),
        "  -H 'Accept: application/json, text/event-stream'".to_owned(),
    ];
    match auth {
        CurlAuth::None => {}
        CurlAuth::Bearer => lines.push(format!("  -H \"Authorization: Bearer ${TOKEN_ENV}\"")),
        CurlAuth::SigV4 { region } => {
            lines.push(format!(
                "  --aws-sigv4 {}",
                quoted(&format!("aws:amz:{region}:bedrock-agentcore"))
            ));
            lines.push("  --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\"".to_owned());
            lines.push("  -H \"X-Amz-Security-Token: $AWS_SESSION_TOKEN\"".to_owned());
        }
    }
    lines.push(format!("  --data-raw {}", quoted(&request.to_string())));
    lines.join(" \\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_command_names_the_token_s_env_var_and_quotes_the_body() {
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "crm___get_account", "arguments": {"note": "it's"}}});
        let curl = curl_command("http://127.0.0.1:4577/gw/mcp", CurlAuth::Bearer, &request);
        assert!(
            curl.starts_with("curl -sS -X POST 'http://127.0.0.1:4577/gw/mcp' \\\n"),
            "{curl}"
        );
        assert!(
            curl.contains("-H \"Authorization: Bearer $ACC_TOKEN\""),
            "{curl}"
        );
        // A quote in the body survives the shell.
        assert!(curl.contains(r#""note":"it'\''s""#), "{curl}");
        let plain = curl_command("http://x/mcp", CurlAuth::None, &request);
        assert!(!plain.contains("Authorization"), "{plain}");
        let signed = curl_command(
            "http://x/mcp",
            CurlAuth::for_authorizer("AWS_IAM", "eu-west-1"),
            &request,
        );
        assert!(
            signed.contains("--aws-sigv4 'aws:amz:eu-west-1:bedrock-agentcore'"),
            "{signed}"
        );
        assert!(signed.contains("$AWS_SECRET_ACCESS_KEY"), "{signed}");
    }
}
