//! The tool-call dialog's argument editor: a form generated from the tool's
//! input schema (one input per leaf property, nested models' inputs under
//! their label: see `form_fields`), or the raw JSON in a text editor.
//! Either way the arguments are checked against the schema before anything
//! is sent.

use acc_domain::json_schema_refs::inlined;
use acc_domain::json_schema_validation::validate;
use acc_domain::{CallerIdentity, Gateway, Tool, ToolCallReport};
use ratatui_textarea::TextArea;
use serde_json::{Map, Value};

pub use super::form_fields::{
    FieldKind, FormField, FormGroup, MAX_FORM_DEPTH, MAX_FORM_FIELDS, as_field_text,
};
use super::form_fields::{assemble, fill, layout};

/// Which editor is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorMode {
    /// One line per top-level property.
    Form,
    /// The arguments as JSON text.
    Raw,
}

/// Which page of the result panel is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultTab {
    /// The tool's content items.
    Content,
    /// The raw exchange: HTTP headers and the JSON-RPC request and response.
    Exchange,
    /// The tool's last calls this session (ctrl-n/ctrl-p choose, ctrl-g re-runs).
    History,
    /// The call as a curl command (ctrl-x).
    Curl,
}

/// Where a call stands.
#[derive(Debug, Clone, PartialEq)]
pub enum CallState {
    /// Not sent yet.
    Editing,
    /// Sent; waiting for the answer.
    InFlight,
    /// Answered: the exchange.
    Done(Box<ToolCallReport>),
    /// No answer, and why.
    Failed(String),
}

/// The whole dialog.
#[derive(Debug, Clone)]
pub struct CallForm {
    /// The gateway called through.
    pub gateway_id: String,
    /// The qualified tool name.
    pub tool: String,
    /// The tool's description.
    pub description: String,
    /// The tool's input schema, which the arguments are checked against.
    pub schema: Value,
    /// The form's inputs, one per leaf property, in display order.
    pub fields: Vec<FormField>,
    /// The nested models whose inputs are shown under their label.
    pub groups: Vec<FormGroup>,
    /// Index of the focused field.
    pub focus: usize,
    /// Which editor shows.
    pub mode: EditorMode,
    /// The raw JSON editor.
    pub raw: TextArea<'static>,
    /// Why the arguments can't be sent (parse errors, schema violations).
    pub problems: Vec<String>,
    /// Where the call stands.
    pub call: CallState,
    /// Which half of the result panel shows.
    pub tab: ResultTab,
    /// First line of the result panel shown.
    pub scroll: u16,
    /// Who the call can be made as: as configured, each OAuth client the
    /// gateway's authorizer allows, and a token the user types (CUSTOM_JWT
    /// gateways); as configured alone otherwise.
    pub callers: Vec<CallerIdentity>,
    /// Index of the chosen caller.
    pub caller: usize,
    /// Typed keys go to the token (the token caller was just chosen).
    pub token_focus: bool,
    /// The history entry chosen, newest first.
    pub history_selected: usize,
    /// The curl command last made (ctrl-x).
    pub curl: Option<String>,
    /// What the call in flight was sent with, for the history.
    pub sent: Option<(Value, CallerIdentity)>,
}

impl PartialEq for CallForm {
    // The text area has no equality; its text is what matters.
    fn eq(&self, other: &Self) -> bool {
        self.gateway_id == other.gateway_id
            && self.tool == other.tool
            && self.fields == other.fields
            && self.groups == other.groups
            && self.focus == other.focus
            && self.mode == other.mode
            && self.raw.lines() == other.raw.lines()
            && self.problems == other.problems
            && self.call == other.call
            && self.tab == other.tab
            && self.scroll == other.scroll
            && self.callers == other.callers
            && self.caller == other.caller
            && self.token_focus == other.token_focus
            && self.history_selected == other.history_selected
            && self.curl == other.curl
            && self.sent == other.sent
    }
}

impl CallForm {
    /// A dialog for `tool`, its form built from the input schema.
    pub fn new(gateway_id: &str, tool: &Tool) -> CallForm {
        let (fields, groups) = layout(&inlined(&tool.input_schema));
        // A schema the form can't represent (no properties) opens as raw JSON.
        let mode = if fields.is_empty() {
            EditorMode::Raw
        } else {
            EditorMode::Form
        };
        let mut form = CallForm {
            gateway_id: gateway_id.to_owned(),
            tool: tool.qualified_name.clone(),
            description: tool.description.clone(),
            schema: tool.input_schema.clone(),
            fields,
            groups,
            focus: 0,
            mode,
            raw: TextArea::default(),
            problems: Vec::new(),
            call: CallState::Editing,
            tab: ResultTab::Content,
            scroll: 0,
            callers: vec![CallerIdentity::Configured],
            caller: 0,
            token_focus: false,
            history_selected: 0,
            curl: None,
            sent: None,
        };
        form.set_raw(&Value::Object(Map::new()));
        form
    }

    /// The callers a call through `gateway` can be made as: as configured,
    /// then for a CUSTOM_JWT gateway each allowed OAuth client and a token.
    pub fn with_callers_of(mut self, gateway: &Gateway) -> CallForm {
        self.callers = vec![CallerIdentity::Configured];
        if gateway.authorizer_type == "CUSTOM_JWT" {
            let clients = gateway.allowed_clients.iter().cloned();
            self.callers.extend(clients.map(CallerIdentity::Client));
            self.callers.push(CallerIdentity::Token(String::new()));
        }
        self
    }

    /// The caller chosen.
    pub fn caller(&self) -> CallerIdentity {
        self.callers.get(self.caller).cloned().unwrap_or_default()
    }

    /// ctrl-o: the next caller; on the token, typing goes to it.
    pub fn next_caller(&mut self) {
        self.caller = (self.caller + 1) % self.callers.len().max(1);
        self.token_focus = matches!(self.caller(), CallerIdentity::Token(_));
        self.problems.clear();
    }

    /// The caller as shown: a typed token masked, its length alone said.
    pub fn caller_label(&self) -> String {
        match self.caller() {
            CallerIdentity::Token(token) if token.is_empty() => "token (type or paste it)".into(),
            CallerIdentity::Token(token) => {
                format!("token **** ({} characters)", token.chars().count())
            }
            other => other.label(),
        }
    }

    /// A key typed into the token: a character, backspace, or ctrl-u.
    pub fn edit_token(&mut self, edit: impl FnOnce(&mut String)) {
        if let Some(CallerIdentity::Token(token)) = self.callers.get_mut(self.caller) {
            edit(token);
        }
    }

    /// The call of `arguments` as `caller` back in the dialog (a re-run).
    pub fn load(&mut self, arguments: &Value, caller: &CallerIdentity) {
        self.set_raw(arguments);
        if arguments.is_object() {
            fill(&mut self.fields, arguments);
        }
        let found = self.callers.iter().position(|c| match (c, caller) {
            (CallerIdentity::Token(_), CallerIdentity::Token(_)) => true,
            (c, caller) => c == caller,
        });
        if let Some(index) = found {
            self.caller = index;
            self.callers[index] = caller.clone();
        }
        self.token_focus = false;
        self.problems.clear();
    }

    /// The arguments to send, checked against the schema; or every reason
    /// they can't be sent.
    pub fn arguments(&self) -> Result<Value, Vec<String>> {
        let value = match self.mode {
            EditorMode::Form => self.form_arguments()?,
            EditorMode::Raw => {
                let text = self.raw.lines().join("\n");
                let text = if text.trim().is_empty() { "{}" } else { &text };
                serde_json::from_str(text)
                    .map_err(|e| vec![format!("the arguments are not valid JSON: {e}")])?
            }
        };
        if !value.is_object() {
            return Err(vec!["the arguments must be a JSON object".into()]);
        }
        let violations = validate(&self.schema, &value);
        if violations.is_empty() {
            Ok(value)
        } else {
            Err(violations
                .into_iter()
                .map(|v| {
                    if v.path.is_empty() {
                        v.message
                    } else {
                        format!("{}: {}", v.path, v.message)
                    }
                })
                .collect())
        }
    }

    fn form_arguments(&self) -> Result<Value, Vec<String>> {
        assemble(&self.fields, &self.groups)
    }

    /// Switch between the form and the raw editor, carrying the arguments
    /// across. Refused (with the reason in `problems`) when what is typed
    /// can't be carried.
    pub fn toggle_mode(&mut self) {
        match self.mode {
            EditorMode::Form => match self.form_arguments() {
                Ok(value) => {
                    self.set_raw(&value);
                    self.mode = EditorMode::Raw;
                    self.problems.clear();
                }
                Err(problems) => self.problems = problems,
            },
            EditorMode::Raw => {
                if self.fields.is_empty() {
                    self.problems =
                        vec!["this tool's input has no properties to show as a form".into()];
                    return;
                }
                let text = self.raw.lines().join("\n");
                match serde_json::from_str::<Value>(if text.trim().is_empty() {
                    "{}"
                } else {
                    &text
                }) {
                    Ok(object @ Value::Object(_)) => {
                        fill(&mut self.fields, &object);
                        self.mode = EditorMode::Form;
                        self.problems.clear();
                    }
                    Ok(_) => self.problems = vec!["the arguments must be a JSON object".into()],
                    Err(e) => {
                        self.problems = vec![format!("the arguments are not valid JSON: {e}")]
                    }
                }
            }
        }
    }

    fn set_raw(&mut self, value: &Value) {
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
        self.raw = TextArea::new(text.lines().map(str::to_owned).collect());
    }

    /// Move the focus by `delta` fields, wrapping.
    pub fn move_focus(&mut self, delta: isize) {
        if self.fields.is_empty() {
            return;
        }
        let len = self.fields.len() as isize;
        self.focus = (self.focus as isize + delta).rem_euclid(len) as usize;
    }

    /// Type a character into the focused field (space cycles choices).
    pub fn type_char(&mut self, c: char) {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        match &field.kind {
            FieldKind::Boolean if c == ' ' => {
                field.value = match field.value.as_str() {
                    "" => "true",
                    "true" => "false",
                    _ => "",
                }
                .into();
            }
            FieldKind::Choice(options) if c == ' ' => {
                let texts: Vec<String> = options.iter().map(as_field_text).collect();
                let next = texts
                    .iter()
                    .position(|t| *t == field.value)
                    .map_or(0, |i| i + 1);
                field.value = texts.get(next).cloned().unwrap_or_default();
            }
            // Choices are chosen, not typed.
            FieldKind::Boolean | FieldKind::Choice(_) => return,
            _ => field.value.push(c),
        }
        self.problems.clear();
    }

    /// Delete the last character of the focused field.
    pub fn backspace(&mut self) {
        if let Some(field) = self.fields.get_mut(self.focus) {
            field.value.pop();
        }
        self.problems.clear();
    }

    /// Clear the focused field.
    pub fn clear_field(&mut self) {
        if let Some(field) = self.fields.get_mut(self.focus) {
            field.value.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tool() -> Tool {
        Tool::from_target(
            "crm",
            "create_contact",
            "Add a contact",
            json!({
                "type": "object",
                "properties": {
                    "age": { "type": "integer" },
                    "email": { "type": "string", "description": "Work e-mail" },
                    "tier": { "enum": ["gold", "silver"] },
                    "vip": { "type": "boolean" },
                    "tags": { "type": "array", "items": { "type": "string" } }
                },
                "required": ["email"]
            }),
        )
    }

    fn typed(form: &mut CallForm, name: &str, text: &str) {
        form.focus = form.fields.iter().position(|f| f.name == name).unwrap();
        for c in text.chars() {
            form.type_char(c);
        }
    }

    /// The input schema a real FastMCP server (tests/fastmcp_server/shop.py)
    /// publishes for `place_order`: models behind `$ref`s, one recursive.
    fn shop() -> Tool {
        let schema = serde_json::from_str(include_str!(
            "../../../../../tests/fastmcp_server/place_order.input_schema.json"
        ))
        .unwrap();
        Tool::from_target("shop", "place_order", "Place an order.", schema)
    }

    #[test]
    fn nested_models_get_one_input_per_inner_field() {
        let form = CallForm::new("gw", &shop());
        let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "order.lines",
                "order.ship_to.street",
                "order.ship_to.zip",
                "order.gift_tags",
                "order.category.name",
                "order.category.parent",
                "priority"
            ]
        );
        let field = |name: &str| form.fields.iter().find(|f| f.name == name).unwrap();
        assert_eq!(field("order.ship_to.zip").kind, FieldKind::Text);
        assert!(field("order.ship_to.zip").required);
        assert!(field("order.category.name").required);
        assert!(!field("order.gift_tags").required);
        assert_eq!(field("order.gift_tags").kind, FieldKind::Json);
        // The recursive model, expanded once, is a JSON leaf.
        assert_eq!(field("order.category.parent").kind, FieldKind::Json);
        assert!(matches!(field("priority").kind, FieldKind::Choice(_)));
        let groups: Vec<(String, bool)> = form
            .groups
            .iter()
            .map(|g| (g.path.join("."), g.required))
            .collect();
        assert_eq!(
            groups,
            [
                ("order".to_owned(), true),
                ("order.ship_to".to_owned(), true),
                ("order.category".to_owned(), false)
            ]
        );
    }

    #[test]
    fn inner_fields_assemble_nested_arguments_without_empty_optional_members() {
        let mut form = CallForm::new("gw", &shop());
        typed(
            &mut form,
            "order.lines",
            r#"[{"sku": "ABC-123", "size": "large", "quantity": 2}]"#,
        );
        typed(&mut form, "order.ship_to.street", "1 Quay St");
        typed(&mut form, "order.ship_to.zip", "12345");
        typed(&mut form, "priority", " ");
        let sent = json!({
            "order": {
                "lines": [{"sku": "ABC-123", "size": "large", "quantity": 2}],
                "ship_to": {"street": "1 Quay St", "zip": "12345"}
            },
            "priority": "small"
        });
        assert_eq!(form.arguments().unwrap(), sent);

        typed(&mut form, "order.category.name", "tea");
        let with_category = form.arguments().unwrap();
        assert_eq!(with_category["order"]["category"], json!({"name": "tea"}));

        // Back and forth through the raw editor, and a re-run, keep them.
        form.toggle_mode();
        form.toggle_mode();
        assert_eq!(form.arguments().unwrap(), with_category);
        let mut again = CallForm::new("gw", &shop());
        again.load(&with_category, &CallerIdentity::Configured);
        assert_eq!(again.arguments().unwrap(), with_category);
    }

    #[test]
    fn problems_in_inner_fields_name_their_path() {
        let mut form = CallForm::new("gw", &shop());
        typed(&mut form, "order.lines", "[]");
        typed(&mut form, "order.ship_to.zip", "1234");
        let problems = form.arguments().unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains("/order/ship_to/zip")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("/order/ship_to") && p.contains("street")),
            "a required inner field left empty is named: {problems:?}"
        );
        typed(&mut form, "order.category.parent", "{oops");
        let problems = form.arguments().unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("order.category.parent:")),
            "{problems:?}"
        );
    }

    #[test]
    fn deep_or_wide_models_stay_bounded() {
        // A chain 40 objects deep: the form expands a bounded depth, then
        // the rest is one JSON field.
        let mut deep = json!({ "type": "string" });
        for _ in 0..40 {
            deep = json!({ "type": "object", "properties": { "n": deep } });
        }
        let form = CallForm::new("gw", &Tool::from_target("t", "deep", "", deep));
        assert_eq!(form.fields.len(), 1);
        assert!(form.fields[0].path.len() <= MAX_FORM_DEPTH + 1);
        assert_eq!(form.fields[0].kind, FieldKind::Json);
        // 50 objects of 50 fields: inputs stop at the cap.
        let inner: Map<String, Value> = (0..50)
            .map(|i| (format!("f{i}"), json!({ "type": "string" })))
            .collect();
        let outer: Map<String, Value> = (0..50)
            .map(|i| {
                (
                    format!("o{i}"),
                    json!({ "type": "object", "properties": inner }),
                )
            })
            .collect();
        let wide = json!({ "type": "object", "properties": outer });
        let form = CallForm::new("gw", &Tool::from_target("t", "wide", "", wide));
        assert!(
            form.fields.len() <= MAX_FORM_FIELDS,
            "{}",
            form.fields.len()
        );
        assert!(form.fields.iter().any(|f| f.kind == FieldKind::Json));
    }

    #[test]
    fn the_form_follows_the_schema_with_required_fields_first() {
        let form = CallForm::new("gw", &tool());
        let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names[0], "email");
        assert!(form.fields[0].required);
        assert_eq!(form.mode, EditorMode::Form);
    }

    #[test]
    fn typed_values_become_typed_json_and_are_checked() {
        let mut form = CallForm::new("gw", &tool());
        typed(&mut form, "email", "ana@example.com");
        typed(&mut form, "age", "41");
        typed(&mut form, "tier", " ");
        typed(&mut form, "vip", " ");
        typed(&mut form, "tags", r#"["a","b"]"#);
        assert_eq!(
            form.arguments().unwrap(),
            json!({"email": "ana@example.com", "age": 41, "tier": "gold", "vip": true, "tags": ["a", "b"]})
        );

        let mut bad = CallForm::new("gw", &tool());
        typed(&mut bad, "age", "forty");
        let problems = bad.arguments().unwrap_err();
        assert!(
            problems[0].contains("age") && problems[0].contains("integer"),
            "{problems:?}"
        );
    }

    #[test]
    fn schema_violations_are_reported_before_sending() {
        let form = CallForm::new("gw", &tool());
        let problems = form.arguments().unwrap_err();
        assert!(problems.iter().any(|p| p.contains("email")), "{problems:?}");
    }

    #[test]
    fn the_raw_editor_carries_the_arguments_both_ways() {
        let mut form = CallForm::new("gw", &tool());
        typed(&mut form, "email", "x@y.z");
        form.toggle_mode();
        assert_eq!(form.mode, EditorMode::Raw);
        assert!(form.raw.lines().join("\n").contains("x@y.z"));
        form.raw = TextArea::new(vec![r#"{"email": "q@r.s", "age": 7}"#.into()]);
        form.toggle_mode();
        assert_eq!(form.mode, EditorMode::Form);
        let age = form.fields.iter().find(|f| f.name == "age").unwrap();
        assert_eq!(age.value, "7");

        form.toggle_mode();
        form.raw = TextArea::new(vec!["{oops".into()]);
        assert!(form.arguments().unwrap_err()[0].contains("not valid JSON"));
        form.toggle_mode();
        assert_eq!(
            form.mode,
            EditorMode::Raw,
            "unparsable JSON stays in the editor"
        );
    }
}
