//! The tool-call dialog's argument editor: a form generated from the tool's
//! input schema (one line per top-level property), or the raw JSON in a
//! text editor. Either way the arguments are checked against the schema
//! before anything is sent.

use acc_domain::json_schema::type_label;
use acc_domain::json_schema_refs::inlined;
use acc_domain::json_schema_validation::validate;
use acc_domain::{CallerIdentity, Gateway, Tool, ToolCallReport};
use ratatui_textarea::TextArea;
use serde_json::{Map, Value};

/// How a form field is typed in and turned into JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// A string, as typed.
    Text,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// Cycles unset → true → false with space.
    Boolean,
    /// Cycles through the schema's `enum` with space.
    Choice(Vec<Value>),
    /// Objects, arrays and anything else: typed as JSON.
    Json,
}

/// One top-level property of the tool's input.
#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    /// The property's name.
    pub name: String,
    /// How it is typed in.
    pub kind: FieldKind,
    /// Whether the schema requires it.
    pub required: bool,
    /// `string`, `integer`, `array<string>`, …
    pub type_label: String,
    /// The schema's description of it.
    pub description: String,
    /// What the user typed (or chose), as text. Empty means unset.
    pub value: String,
}

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
    /// The form's fields, one per top-level property.
    pub fields: Vec<FormField>,
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
        let fields = fields(&inlined(&tool.input_schema));
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
        if let Value::Object(object) = arguments {
            self.fill_fields(object);
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

    /// The form's fields from a JSON object of arguments.
    fn fill_fields(&mut self, object: &Map<String, Value>) {
        for field in &mut self.fields {
            field.value = object
                .get(&field.name)
                .map(as_field_text)
                .unwrap_or_default();
        }
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
        let mut object = Map::new();
        let mut problems = Vec::new();
        for field in &self.fields {
            match field_value(field) {
                Ok(Some(value)) => {
                    object.insert(field.name.clone(), value);
                }
                Ok(None) => {}
                Err(problem) => problems.push(format!("{}: {problem}", field.name)),
            }
        }
        if problems.is_empty() {
            Ok(Value::Object(object))
        } else {
            Err(problems)
        }
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
                    Ok(Value::Object(object)) => {
                        self.fill_fields(&object);
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

/// The form's fields: the schema's top-level properties, required first.
fn fields(schema: &Value) -> Vec<FormField> {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields: Vec<FormField> = properties
        .iter()
        .map(|(name, property)| FormField {
            name: name.clone(),
            kind: kind_of(property),
            required: required.contains(&name.as_str()),
            type_label: type_label(property),
            description: property
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            value: String::new(),
        })
        .collect();
    fields.sort_by_key(|f| !f.required);
    fields
}

fn kind_of(property: &Value) -> FieldKind {
    if let Some(options) = property.get("enum").and_then(Value::as_array) {
        return FieldKind::Choice(options.clone());
    }
    match property.get("type").and_then(Value::as_str) {
        Some("string") => FieldKind::Text,
        Some("integer") => FieldKind::Integer,
        Some("number") => FieldKind::Number,
        Some("boolean") => FieldKind::Boolean,
        _ => FieldKind::Json,
    }
}

/// How a JSON value is shown in a form field.
fn as_field_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The JSON for a field; `None` when it is unset.
fn field_value(field: &FormField) -> Result<Option<Value>, String> {
    // Unset fields are left out (the raw JSON editor can send "").
    let text = field.value.trim();
    if field.value.is_empty() || (text.is_empty() && !matches!(field.kind, FieldKind::Text)) {
        return Ok(None);
    }
    match &field.kind {
        FieldKind::Text => Ok(Some(Value::String(field.value.clone()))),
        FieldKind::Integer => text
            .parse::<i64>()
            .map(|n| Some(Value::from(n)))
            .map_err(|_| format!("{text:?} is not an integer")),
        FieldKind::Number => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(|n| Some(Value::Number(n)))
            .ok_or_else(|| format!("{text:?} is not a number")),
        FieldKind::Boolean => match text {
            "true" => Ok(Some(Value::Bool(true))),
            "false" => Ok(Some(Value::Bool(false))),
            _ => Err(format!("{text:?} is not true or false (space toggles)")),
        },
        FieldKind::Choice(options) => options
            .iter()
            .find(|o| as_field_text(o) == text)
            .cloned()
            .map(Some)
            .ok_or_else(|| format!("{text:?} is not one of the choices (space cycles them)")),
        FieldKind::Json => serde_json::from_str(text)
            .map(Some)
            .map_err(|e| format!("not valid JSON: {e}")),
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
