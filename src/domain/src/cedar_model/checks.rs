//! Parsing and strict validation of Cedar policies, with every problem
//! located at a line and column of the policy's own text (what an editor
//! marks inline and a list jumps to).

use cedar_policy::{Policy, PolicyId, PolicySet, Schema, ValidationMode, Validator};
use serde::Serialize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a policy's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDiagnostic {
    pub severity: Severity,
    /// The policy it is in (its name), when checking several.
    pub policy: Option<String>,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for PolicyDiagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.policy {
            Some(p) => write!(
                f,
                "{p}:{}:{}: {kind}: {}",
                self.line, self.column, self.message
            ),
            None => write!(f, "{}:{}: {kind}: {}", self.line, self.column, self.message),
        }
    }
}

/// Line and column (1-based) of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A diagnostic located by the first label of `error` (or the start).
fn located(
    error: &dyn miette::Diagnostic,
    message: String,
    text: &str,
    severity: Severity,
    policy: Option<&str>,
) -> PolicyDiagnostic {
    let offset = error
        .labels()
        .and_then(|mut labels| labels.next())
        .map_or(0, |label| label.offset());
    let (line, column) = line_column(text, offset);
    let help = error.help().map(|h| format!(" ({h})")).unwrap_or_default();
    // The validator opens with "for policy `policy0`, " (Cedar's id for a
    // parsed text); the diagnostic already says which policy, by name.
    let message = match message.strip_prefix("for policy `") {
        Some(rest) => rest
            .split_once("`, ")
            .map_or(message.clone(), |(_, m)| m.to_owned()),
        None => message,
    };
    PolicyDiagnostic {
        severity,
        policy: policy.map(str::to_owned),
        line,
        column,
        message: format!("{message}{help}"),
    }
}

/// Parse `text` as exactly one Cedar statement named `id` (one policy
/// resource holds one statement, as AgentCore requires).
pub fn parse_statement(id: &str, text: &str) -> Result<Policy, Vec<PolicyDiagnostic>> {
    let set: PolicySet = match text.parse() {
        Ok(set) => set,
        Err(errors) => {
            let errors: cedar_policy::ParseErrors = errors;
            return Err(errors
                .iter()
                .map(|e| located(e, e.to_string(), text, Severity::Error, Some(id)))
                .collect());
        }
    };
    let count = set.policies().count() + set.templates().count();
    if count != 1 {
        return Err(vec![PolicyDiagnostic {
            severity: Severity::Error,
            policy: Some(id.to_owned()),
            line: 1,
            column: 1,
            message: format!(
                "a policy holds exactly one Cedar statement, and this text has {count}; split it into {count} policies"
            ),
        }]);
    }
    Policy::parse(Some(PolicyId::new(id)), text).map_err(|errors| {
        errors
            .iter()
            .map(|e| located(e, e.to_string(), text, Severity::Error, Some(id)))
            .collect()
    })
}

/// Validate named statements together against `schema` (strict mode):
/// parse errors first, then the validator's errors and warnings.
pub fn check_policies(
    policies: &[(String, String)],
    schema: Option<&Schema>,
) -> Vec<PolicyDiagnostic> {
    let mut diagnostics = Vec::new();
    let mut set = PolicySet::new();
    for (id, text) in policies {
        match parse_statement(id, text) {
            Ok(policy) => {
                if let Err(e) = set.add(policy) {
                    diagnostics.push(PolicyDiagnostic {
                        severity: Severity::Error,
                        policy: Some(id.clone()),
                        line: 1,
                        column: 1,
                        message: e.to_string(),
                    });
                }
            }
            Err(mut errors) => diagnostics.append(&mut errors),
        }
    }
    let Some(schema) = schema else {
        return diagnostics;
    };
    let text_of = |id: &PolicyId| {
        policies
            .iter()
            .find(|(name, _)| name.as_str() == AsRef::<str>::as_ref(id))
            .map(|(name, text)| (name.as_str(), text.as_str()))
    };
    let result = Validator::new(schema.clone()).validate(&set, ValidationMode::Strict);
    for error in result.validation_errors() {
        if let Some((name, text)) = text_of(error.policy_id()) {
            diagnostics.push(located(
                error,
                error.to_string(),
                text,
                Severity::Error,
                Some(name),
            ));
        }
    }
    for warning in result.validation_warnings() {
        if let Some((name, text)) = text_of(warning.policy_id()) {
            diagnostics.push(located(
                warning,
                warning.to_string(),
                text,
                Severity::Warning,
                Some(name),
            ));
        }
    }
    diagnostics
}

/// Check a text holding any number of statements (a `.cedar` file, an
/// editor buffer) against `schema`: every problem located in that text.
/// Statements are named `policy0`, `policy1`, … in order (or by an `@id("…")`
/// annotation).
pub fn check_text(label: &str, text: &str, schema: Option<&Schema>) -> Vec<PolicyDiagnostic> {
    let set = match parse_text(label, text) {
        Ok(set) => set,
        Err(errors) => return errors,
    };
    let Some(schema) = schema else {
        return Vec::new();
    };
    let result = Validator::new(schema.clone()).validate(&set, ValidationMode::Strict);
    let mut out: Vec<PolicyDiagnostic> = result
        .validation_errors()
        .map(|e| located(e, e.to_string(), text, Severity::Error, Some(label)))
        .chain(
            result
                .validation_warnings()
                .map(|w| located(w, w.to_string(), text, Severity::Warning, Some(label))),
        )
        .collect();
    out.sort_by_key(|d| (d.line, d.column));
    out
}

/// Parse a text of statements into a policy set, each statement named by its
/// `@id("…")` annotation or else `policy<N>`; parse errors are located in
/// the text (`label` names it).
pub fn parse_text(label: &str, text: &str) -> Result<PolicySet, Vec<PolicyDiagnostic>> {
    let parsed: PolicySet = text.parse().map_err(|errors: cedar_policy::ParseErrors| {
        errors
            .iter()
            .map(|e| located(e, e.to_string(), text, Severity::Error, Some(label)))
            .collect::<Vec<_>>()
    })?;
    let mut named = PolicySet::new();
    for policy in parsed.policies() {
        let id = policy
            .annotation("id")
            .map(str::to_owned)
            .unwrap_or_else(|| policy.id().to_string());
        // Ids are unique in `parsed`; an `@id` clash keeps the first.
        let _ = named.add(policy.new_id(PolicyId::new(id)));
    }
    Ok(named)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cedar_model::schema::gateway_schema;
    use crate::cedar_model::schema::tests::tool;
    use serde_json::json;

    fn schema() -> Schema {
        let refund = tool(
            "billing___refund",
            json!({ "type": "object", "required": ["amount"], "properties": {
                "amount": { "type": "number" }, "reason": { "type": "string" } } }),
        );
        gateway_schema(&[refund]).unwrap().schema
    }

    #[test]
    fn a_good_policy_passes_strict_validation() {
        let text = "permit(principal, action == AgentCore::Action::\"billing___refund\", resource)\n\
                    when { context.input.amount.lessThan(decimal(\"500.0\")) && principal.hasTag(\"role\") && principal.getTag(\"role\") == \"agent\" };";
        let found = check_policies(&[("small_refunds".into(), text.into())], Some(&schema()));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn problems_carry_line_and_column() {
        let syntax = "permit(principal, action, resource)\nwhen { context.input.amount < };";
        let found = check_policies(&[("broken".into(), syntax.into())], None);
        assert_eq!(
            (found[0].line, found[0].policy.as_deref()),
            (2, Some("broken")),
            "{found:?}"
        );

        let typo = "permit(principal, action == AgentCore::Action::\"billing___refund\", resource)\n\
                    when {\n  context.input.amount_typo == 1\n};";
        let found = check_policies(&[("typo".into(), typo.into())], Some(&schema()));
        let error = found
            .iter()
            .find(|d| d.severity == Severity::Error)
            .expect("an error");
        assert_eq!((error.line, error.column), (3, 3), "{error}");
        assert!(error.message.contains("amount_typo"), "{error}");

        let two = "permit(principal, action, resource);\nforbid(principal, action, resource);";
        let found = check_policies(&[("two".into(), two.into())], None);
        assert!(
            found[0].message.contains("exactly one Cedar statement"),
            "{found:?}"
        );
    }

    #[test]
    fn texts_of_several_statements_are_checked_in_place() {
        let text = "@id(\"ok\")\npermit(principal, action, resource);\n\nforbid(principal, action == AgentCore::Action::\"billing___refund\", resource)\nwhen { context.input.nope };";
        let found = check_text("edit.cedar", text, Some(&schema()));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].line, found[0].policy.as_deref()),
            (5, Some("edit.cedar"))
        );
        let ids: Vec<String> = parse_text("edit.cedar", text)
            .unwrap()
            .policies()
            .map(|p| p.id().to_string())
            .collect();
        assert_eq!(ids, ["ok", "policy1"]);
    }

    #[test]
    fn offsets_become_lines_and_columns() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx", 3), (2, 1));
    }
}
