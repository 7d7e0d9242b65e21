//! Starting points for a new policy, written from the gateway's real tool
//! catalog so they validate as they are: "permit this tenant to these
//! tools", "forbid when argument X equals Y", "read-only role".

use serde_json::Value;

use super::NAMESPACE;
use crate::Tool;
use crate::json_schema_refs::inlined;

/// One template: what it is for, a suggested policy name, and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyTemplate {
    /// What it is for, e.g. `read-only role (4 reading tools)`.
    pub title: String,
    /// A suggested policy name, e.g. `tenant_tools`.
    pub name: String,
    /// The Cedar statement, with a comment line and placeholders to change.
    pub text: String,
}

fn action(tool: &Tool) -> String {
    format!("{NAMESPACE}::Action::\"{}\"", tool.qualified_name)
}

fn action_list(tools: &[&Tool]) -> String {
    let items: Vec<String> = tools.iter().map(|t| format!("    {}", action(t))).collect();
    format!("[\n{}\n  ]", items.join(",\n"))
}

/// Words that mark a tool as reading rather than changing anything.
const READ_PREFIXES: [&str; 6] = ["get", "list", "search", "describe", "read", "find"];

/// A string property of the tool's input, preferring required ones.
fn string_argument(tool: &Tool) -> Option<(String, bool)> {
    let view = inlined(&tool.input_schema);
    let properties = view.get("properties")?.as_object()?;
    let required: Vec<&str> = view
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let strings = properties
        .iter()
        .filter(|(_, p)| p.get("type").and_then(Value::as_str) == Some("string"));
    let mut best = None;
    for (name, _) in strings {
        let is_required = required.contains(&name.as_str());
        if is_required {
            return Some((name.clone(), true));
        }
        best.get_or_insert((name.clone(), false));
    }
    best
}

/// The templates for a gateway with these tools (and this ARN).
pub fn templates(tools: &[Tool], gateway_arn: &str) -> Vec<PolicyTemplate> {
    let mut sorted: Vec<&Tool> = tools.iter().collect();
    sorted.sort_by(|a, b| a.qualified_name.cmp(&b.qualified_name));
    let mut out = Vec::new();
    let resource = format!("{NAMESPACE}::Gateway::\"{gateway_arn}\"");
    if let Some(first) = sorted.first() {
        let same_target: Vec<&Tool> = sorted
            .iter()
            .copied()
            .filter(|t| t.target == first.target)
            .take(3)
            .collect();
        out.push(PolicyTemplate {
            title: format!("permit this tenant to these tools ({} tools)", first.target),
            name: "tenant_tools".into(),
            text: format!(
                "// Callers of one tenant may use these {target} tools.\npermit (\n  principal is {NAMESPACE}::OAuthUser,\n  action in {actions},\n  resource == {resource}\n)\nwhen {{\n  principal.hasTag(\"tenant\") &&\n  principal.getTag(\"tenant\") == \"northwind\"\n}};\n",
                target = first.target,
                actions = action_list(&same_target),
            ),
        });
    }
    if let Some((tool, (argument, required))) = sorted
        .iter()
        .find_map(|t| string_argument(t).map(|a| (*t, a)))
    {
        let guard = if required {
            String::new()
        } else {
            format!("context.input has {argument} &&\n  ")
        };
        out.push(PolicyTemplate {
            title: format!("forbid when argument {argument} of {} equals a value", tool.qualified_name),
            name: format!("forbid_{}", argument.to_lowercase()),
            text: format!(
                "// Refuse {tool} when {argument} is this value.\nforbid (\n  principal,\n  action == {action},\n  resource\n)\nwhen {{\n  {guard}context.input.{argument} == \"CHANGE-ME\"\n}};\n",
                tool = tool.qualified_name,
                action = action(tool),
            ),
        });
    }
    let reads: Vec<&Tool> = sorted
        .iter()
        .copied()
        .filter(|t| {
            let name = t.name.to_lowercase();
            READ_PREFIXES.iter().any(|p| name.starts_with(p))
        })
        .collect();
    if !reads.is_empty() {
        out.push(PolicyTemplate {
            title: format!("read-only role ({} reading tools)", reads.len()),
            name: "read_only_role".into(),
            text: format!(
                "// The read-only role may use the tools that only read.\npermit (\n  principal is {NAMESPACE}::OAuthUser,\n  action in {actions},\n  resource\n)\nwhen {{\n  principal.hasTag(\"role\") &&\n  principal.getTag(\"role\") == \"read-only\"\n}};\n",
                actions = action_list(&reads),
            ),
        });
    }
    out
}

/// Cedar's own formatter (what `cedar format` does), or why it cannot.
pub fn format_policies(text: &str) -> Result<String, String> {
    let config = cedar_policy_formatter::Config {
        line_width: 80,
        indent_width: 2,
    };
    cedar_policy_formatter::policies_str_to_pretty(text, &config)
        .map_err(|e| format!("cannot format: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cedar_model::checks::check_text;
    use crate::cedar_model::schema::gateway_schema;
    use crate::cedar_model::schema::tests::tool;
    use serde_json::json;

    #[test]
    fn every_template_validates_against_the_schema_it_came_from() {
        let tools = [
            tool(
                "crm___get_account",
                json!({ "type": "object", "required": ["account_id"], "properties": {
                    "account_id": { "type": "string" } } }),
            ),
            tool(
                "crm___update_stage",
                json!({ "type": "object", "properties": { "stage": { "type": "string" } } }),
            ),
            tool("crm___list_accounts", json!({ "type": "object" })),
        ];
        let schema = gateway_schema(&tools).unwrap();
        let all = templates(&tools, "arn:aws:bedrock-agentcore:us-east-1:1:gateway/g");
        assert_eq!(all.len(), 3);
        for template in &all {
            let problems = check_text(&template.name, &template.text, Some(&schema.schema));
            assert!(problems.is_empty(), "{}: {problems:?}", template.title);
        }
        assert!(
            all[1]
                .text
                .contains("context.input.account_id == \"CHANGE-ME\"")
        );
        assert!(all[2].text.contains("crm___list_accounts") && !all[2].text.contains("update"));
    }

    #[test]
    fn formatting_is_cedars_and_refuses_broken_text() {
        let pretty =
            format_policies("permit(principal,action,resource) when {principal.hasTag(\"a\")};")
                .unwrap();
        assert!(pretty.starts_with("permit ("), "{pretty}");
        assert!(format_policies("permit(principal").is_err());
    }
}
