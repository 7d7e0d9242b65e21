//! The call form's inputs, laid out from a tool's input schema (its `$ref`s
//! already inlined by `acc_domain::json_schema_refs`): one input per leaf
//! property; a nested model is expanded into inputs indented under its
//! label, to a bounded depth and count (beyond them, and for a recursive
//! model past its first expansion, the model is one JSON input). The
//! arguments are assembled back into nested JSON.

use acc_domain::json_schema::type_label;
use serde_json::{Map, Value};

/// Levels of nested models expanded into inputs; a model deeper than this
/// is one JSON input.
pub const MAX_FORM_DEPTH: usize = 6;
/// Inputs a form holds at most when it expands models: a model that would
/// pass this is one JSON input instead.
pub const MAX_FORM_FIELDS: usize = 200;

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
    /// Arrays, models not expanded and anything else: typed as JSON.
    Json,
}

/// One input of the form: a leaf property of the tool's input.
#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    /// The property names from the input's top down to this one.
    pub path: Vec<String>,
    /// The path joined with dots (`order.ship_to.zip`), as messages name it.
    pub name: String,
    /// How it is typed in.
    pub kind: FieldKind,
    /// Whether its model requires it.
    pub required: bool,
    /// `string`, `integer`, `array<string>`, …
    pub type_label: String,
    /// The schema's description of it.
    pub description: String,
    /// What the user typed (or chose), as text. Empty means unset.
    pub value: String,
}

/// A nested model whose properties are inputs of their own: shown as a
/// label the inputs are indented under.
#[derive(Debug, Clone, PartialEq)]
pub struct FormGroup {
    /// The property names from the input's top down to the model.
    pub path: Vec<String>,
    /// Whether its parent requires it (then it is sent even when empty, so
    /// the schema check names what it lacks).
    pub required: bool,
    /// `object`, or `object|null` for an optional model.
    pub type_label: String,
}

/// The inputs and model labels for `schema`, in display order: required
/// properties first at each level, each model's inputs right after its label.
pub fn layout(schema: &Value) -> (Vec<FormField>, Vec<FormGroup>) {
    let mut walk = Walk::default();
    let members = schema
        .get("properties")
        .and_then(Value::as_object)
        .map_or(0, Map::len);
    walk.object(schema, &[], MAX_FORM_FIELDS.max(members));
    (walk.fields, walk.groups)
}

#[derive(Default)]
struct Walk {
    fields: Vec<FormField>,
    groups: Vec<FormGroup>,
}

impl Walk {
    /// The members of the model `schema` at `parent`, using at most
    /// `budget` inputs (at least one per member).
    fn object(&mut self, schema: &Value, parent: &[String], budget: usize) {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return;
        };
        let required = required_of(schema);
        let mut members: Vec<(&String, &Value)> = properties.iter().collect();
        members.sort_by_key(|(name, _)| !required.contains(&name.as_str()));
        let mut spare = budget.saturating_sub(members.len());
        for (name, property) in members {
            let mut path = parent.to_vec();
            path.push(name.clone());
            let is_required = required.contains(&name.as_str());
            let inputs = expanded_inputs(property, path.len());
            if inputs > 0 && inputs - 1 <= spare {
                spare -= inputs - 1;
                self.groups.push(FormGroup {
                    path: path.clone(),
                    required: is_required,
                    type_label: type_label(property),
                });
                self.object(property, &path, inputs);
            } else {
                self.fields.push(FormField {
                    name: path.join("."),
                    path,
                    kind: kind_of(property),
                    required: is_required,
                    type_label: type_label(property),
                    description: property
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    value: String::new(),
                });
            }
        }
    }
}

/// The names a model requires.
fn required_of(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// How many inputs `property` at `depth` (its path's length) takes when
/// expanded as far as the depth allows; 0 when it is not a model to expand.
fn expanded_inputs(property: &Value, depth: usize) -> usize {
    if depth > MAX_FORM_DEPTH || !is_model(property) {
        return 0;
    }
    let Some(properties) = property.get("properties").and_then(Value::as_object) else {
        return 0;
    };
    properties
        .values()
        .map(|inner| expanded_inputs(inner, depth + 1).max(1))
        .fold(0usize, usize::saturating_add)
}

/// An object with named properties (maybe `null` too), nothing else.
fn is_model(property: &Value) -> bool {
    let has_properties = property
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    has_properties
        && property.get("enum").is_none()
        && matches!(primary_type(property), None | Some("object"))
}

/// The one type a property has besides `null`, if it names one.
fn primary_type(property: &Value) -> Option<&str> {
    match property.get("type")? {
        Value::String(kind) => Some(kind),
        Value::Array(kinds) => {
            let mut others = kinds
                .iter()
                .filter_map(Value::as_str)
                .filter(|k| *k != "null");
            match (others.next(), others.next()) {
                (Some(kind), None) => Some(kind),
                _ => None,
            }
        }
        _ => None,
    }
}

fn kind_of(property: &Value) -> FieldKind {
    if let Some(options) = property.get("enum").and_then(Value::as_array) {
        return FieldKind::Choice(options.clone());
    }
    match primary_type(property) {
        Some("string") => FieldKind::Text,
        Some("integer") => FieldKind::Integer,
        Some("number") => FieldKind::Number,
        Some("boolean") => FieldKind::Boolean,
        _ => FieldKind::Json,
    }
}

/// How a JSON value is shown in a form field.
pub fn as_field_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The arguments the fields make, nested by their paths. Unset fields are
/// left out, and so is an optional model none of whose inputs is set; a
/// required model inside one that is sent is sent, empty if need be, so
/// the schema check names what it lacks. Each field that can't be read is
/// a problem naming its path.
pub fn assemble(fields: &[FormField], groups: &[FormGroup]) -> Result<Value, Vec<String>> {
    let mut root = Value::Object(Map::new());
    let mut problems = Vec::new();
    for field in fields {
        match field_value(field) {
            Ok(Some(value)) => insert_at(&mut root, &field.path, value),
            Ok(None) => {}
            Err(problem) => problems.push(format!("{}: {problem}", field.name)),
        }
    }
    // Labels come before their inner models, so a parent is settled first.
    for group in groups.iter().filter(|g| g.required) {
        let (name, parent) = group.path.split_last().expect("a group has a path");
        if let Some(Value::Object(members)) = value_at_mut(&mut root, parent) {
            members
                .entry(name.clone())
                .or_insert_with(|| Value::Object(Map::new()));
        }
    }
    if problems.is_empty() {
        Ok(root)
    } else {
        Err(problems)
    }
}

/// Each field's text from `arguments` (empty where it has no value).
pub fn fill(fields: &mut [FormField], arguments: &Value) {
    for field in fields {
        field.value = field
            .path
            .iter()
            .try_fold(arguments, |node, name| node.get(name))
            .map(as_field_text)
            .unwrap_or_default();
    }
}

/// Put `value` at `path` under `root`, making the models on the way.
fn insert_at(root: &mut Value, path: &[String], value: Value) {
    let Some((name, parents)) = path.split_last() else {
        return;
    };
    let mut node = root;
    for parent in parents {
        let Value::Object(members) = node else {
            return;
        };
        node = members
            .entry(parent.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(members) = node {
        members.insert(name.clone(), value);
    }
}

fn value_at_mut<'v>(root: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    path.iter().try_fold(root, |node, name| node.get_mut(name))
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
