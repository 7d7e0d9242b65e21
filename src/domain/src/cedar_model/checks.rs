//! Parsing and strict validation of Cedar policies, with every problem
//! located at a line and column of the policy's own text (what an editor
//! marks inline and a list jumps to).

use cedar_policy::{Policy, PolicyId, PolicySet, Schema, ValidationMode, Validator};
use serde::Serialize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The policy cannot be parsed or fails strict validation; serialized as `error`.
    Error,
    /// A validator warning (e.g. a suspicious identifier); the policy still
    /// validates. Serialized as `warning`.
    Warning,
}

/// One problem in a policy's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDiagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The policy it is in (its name), when checking several.
    pub policy: Option<String>,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// What is wrong, with Cedar's help text in parentheses when it gives one.
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

/// Brackets (`(`, `[`, `{`) and `if … then … else` nest at most this deep
/// in policy text, counting a condition's own braces. Real policies nest a
/// handful of levels. Cedar's parser recurses through about ten grammar
/// rules per level (some 50 KiB of stack a level in a debug build: 40
/// levels overflowed a 2 MiB thread), so the text is measured before it is
/// parsed, and parsed on a stack of its own ([`PARSE_STACK`]) sized for
/// this depth with room to spare.
pub const MAX_NESTING: usize = 32;

/// AgentCore's limit on one statement, in characters. It also bounds the
/// chains (`a && b && …`, `1 + 1 + …`) that Cedar turns into trees one
/// level deep per term: at this length every later stage (validation,
/// evaluation, symbolic analysis) stays inside a 2 MiB stack.
pub const MAX_STATEMENT_LENGTH: usize = 10_000;

/// The stack Cedar's parser runs on, whatever thread asks.
const PARSE_STACK: usize = 16 * 1024 * 1024;

/// A statement-level problem, at `offset` of `text`.
fn refusal(text: &str, offset: usize, id: &str, message: String) -> Vec<PolicyDiagnostic> {
    let (line, column) = line_column(text, offset);
    vec![PolicyDiagnostic {
        severity: Severity::Error,
        policy: Some(id.to_owned()),
        line,
        column,
        message,
    }]
}

/// Where `text` first nests deeper than [`MAX_NESTING`] (a byte offset):
/// brackets, and `if`s (an `if` without brackets reaches to the end of
/// the bracket it is in), outside string literals and `//` comments.
fn too_deep_at(text: &str) -> Option<usize> {
    // The `if`s open in each open bracket, innermost last.
    let mut ifs: Vec<usize> = vec![0];
    let mut depth = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            chars.next();
                        }
                        _ => {}
                    }
                }
            }
            '/' if chars.peek().is_some_and(|&(_, c)| c == '/') => {
                chars.find(|&(_, c)| c == '\n');
            }
            '(' | '[' | '{' => {
                ifs.push(0);
                depth += 1;
            }
            ')' | ']' | '}' if ifs.len() > 1 => {
                depth -= 1 + ifs.pop().unwrap_or(0);
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut end = at + c.len_utf8();
                while let Some(&(next, c)) = chars.peek() {
                    if !(c.is_alphanumeric() || c == '_') {
                        break;
                    }
                    end = next + c.len_utf8();
                    chars.next();
                }
                if &text[at..end] == "if"
                    && let Some(open) = ifs.last_mut()
                {
                    *open += 1;
                    depth += 1;
                }
            }
            _ => {}
        }
        if depth > MAX_NESTING {
            return Some(at);
        }
    }
    None
}

/// Refuse text nesting deeper than [`MAX_NESTING`], before it is parsed.
fn check_nesting(id: &str, text: &str) -> Result<(), Vec<PolicyDiagnostic>> {
    match too_deep_at(text) {
        None => Ok(()),
        Some(at) => Err(refusal(
            text,
            at,
            id,
            format!(
                "brackets and if-then-else nest deeper than {MAX_NESTING} levels here; \
                 at most {MAX_NESTING} are allowed: flatten the condition (for example into \
                 several `&&` or `||` terms, or several policies)"
            ),
        )),
    }
}

/// Run Cedar's parser on a thread with [`PARSE_STACK`] of stack, so a
/// policy at [`MAX_NESTING`] parses on any caller's thread (a 2 MiB tokio
/// worker or test thread included). Where no thread can be started, it
/// parses here, still within the bound.
fn on_parse_stack<T: Send>(parse: impl Fn() -> T + Sync) -> T {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("cedar-parse".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(scope, &parse);
        match spawned {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => parse(),
        }
    })
}

/// Parse `text` as exactly one Cedar statement named `id` (one policy
/// resource holds one statement, as AgentCore requires). Text over
/// [`MAX_STATEMENT_LENGTH`] or nesting past [`MAX_NESTING`] is refused
/// unparsed.
pub fn parse_statement(id: &str, text: &str) -> Result<Policy, Vec<PolicyDiagnostic>> {
    let length = text.chars().count();
    if length > MAX_STATEMENT_LENGTH {
        return Err(refusal(
            text,
            0,
            id,
            format!(
                "the statement has {length} characters; a Cedar statement holds at most \
                 {MAX_STATEMENT_LENGTH}: split it into several policies"
            ),
        ));
    }
    check_nesting(id, text)?;
    on_parse_stack(|| parse_one(id, text))
}

/// [`parse_statement`] once the text is known to be within bounds.
fn parse_one(id: &str, text: &str) -> Result<Policy, Vec<PolicyDiagnostic>> {
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
    check_nesting(label, text)?;
    let parsed: PolicySet = on_parse_stack(|| {
        text.parse().map_err(|errors: cedar_policy::ParseErrors| {
            errors
                .iter()
                .map(|e| located(e, e.to_string(), text, Severity::Error, Some(label)))
                .collect::<Vec<_>>()
        })
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

    fn statement(condition: &str) -> String {
        format!("permit(principal, action, resource) when {{ {condition} }};")
    }

    fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
        format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
    }

    #[test]
    fn nesting_past_the_limit_is_refused_unparsed_and_located() {
        for (what, text) in [
            ("parentheses", statement(&nested("(", "true", ")", 40))),
            (
                "sets",
                statement(&format!("{}.isEmpty()", nested("[", "1", "]", 40))),
            ),
            (
                "records",
                statement(&format!("{}.a", nested("{a:", "1", "}", 40))),
            ),
            (
                "ifs",
                statement(&format!("{}true", "if true then true else ".repeat(40))),
            ),
            (
                "ifs in brackets",
                statement(&nested("(if true then true else ", "true", ")", 40)),
            ),
        ] {
            let found = parse_statement("deep", &text).unwrap_err();
            assert!(found[0].message.contains("at most 32"), "{what}: {found:?}");
            assert_eq!(found[0].line, 1, "{what}");
            assert!(found[0].column > 40, "{what}: {found:?}");
            let found = parse_text("deep.cedar", &text).unwrap_err();
            assert!(found[0].message.contains("at most 32"), "{what}: {found:?}");
        }
        // Brackets in strings and comments, and closed ifs, are not nesting.
        let text = format!(
            "// {}\n{}",
            "(".repeat(100),
            statement(&format!(
                "\"{}\\\"\" == \"x\" && {}",
                "([{".repeat(100),
                vec!["(if true then true else false)"; 100].join(" && ")
            ))
        );
        parse_statement("flat", &text).unwrap();
        let found = parse_statement("long", &statement(&vec!["1"; 6_000].join("+"))).unwrap_err();
        assert!(found[0].message.contains("at most 10000"), "{found:?}");
    }

    #[test]
    fn statements_at_the_limits_go_through_every_stage_on_a_2_mib_thread() {
        let tools = [tool(
            "billing___refund",
            json!({ "type": "object", "required": ["amount"], "properties": {
                "amount": { "type": "integer" } } }),
        )];
        let schema = gateway_schema(&tools).unwrap().schema;
        let chain = |term: &str| {
            let terms = (MAX_STATEMENT_LENGTH - statement("").len()) / (term.len() + 4);
            statement(&vec![term; terms].join(" && "))
        };
        // `when { … }` is the first level.
        let inside = MAX_NESTING - 1;
        let texts = [
            statement(&nested("(", "true", ")", inside)),
            statement(&format!("{}.isEmpty()", nested("[", "1", "]", inside))),
            statement(&format!("{}.a == 1", nested("{a:", "1", "}", inside))),
            statement(&format!("{}true", "if true then true else ".repeat(inside))),
            chain("context.input.amount == 1"),
            statement(&format!("{}1 == 1", "1+".repeat(4_900))),
        ];
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                for text in texts {
                    assert!(text.len() <= MAX_STATEMENT_LENGTH);
                    let policy = parse_statement("edge", &text).unwrap();
                    let _ = check_policies(&[("edge".into(), text.clone())], Some(&schema));
                    let _ = check_text("edge.cedar", &text, Some(&schema));
                    assert!(!policy.to_string().is_empty());
                }
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
    }

    #[test]
    fn offsets_become_lines_and_columns() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx", 3), (2, 1));
    }
}
