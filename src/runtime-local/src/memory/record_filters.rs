//! Metadata filters over memory records (ListMemoryRecords and
//! RetrieveMemoryRecords), on the keys a memory declares in `indexedKeys`,
//! as SQL conditions with bound parameters.

use rusqlite::types::Value as Sql;
use serde_json::Value;

use crate::memory::events::is_metadata_text;
use crate::platform::validation::{Violations, join};
use crate::platform::wire_errors::ApiError;

const OPERATORS: &[&str] = &[
    "EQUALS_TO",
    "EXISTS",
    "NOT_EXISTS",
    "BEFORE",
    "AFTER",
    "CONTAINS",
    "GREATER_THAN",
    "GREATER_THAN_OR_EQUALS",
    "LESS_THAN",
    "LESS_THAN_OR_EQUALS",
];

/// One checked filter: the key, the operator, the compared value.
#[derive(Debug, Clone)]
pub(crate) struct RecordFilter {
    key: String,
    operator: String,
    value: Option<Value>,
}

/// The `metadataFilters` list at `parent`, checked (1–5 expressions).
pub(crate) fn check_filters(
    v: &mut Violations,
    obj: &crate::platform::validation::Object,
    parent: &str,
) -> Vec<RecordFilter> {
    let Some(list) = v.list(obj, parent, "metadataFilters", false, 1, 5) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let at = format!("{}[{i}]", join(parent, "metadataFilters"));
        let Some(item) = item.as_object() else {
            v.add(&at, Some(item), "Member must be a structure");
            continue;
        };
        let Some(left) = v.object(item, &at, "left", true) else {
            continue;
        };
        let Some(key) = v.required_str(left, &join(&at, "left"), "metadataKey") else {
            continue;
        };
        v.pattern(
            &join(&at, "left.metadataKey"),
            key,
            is_metadata_text(key),
            "[a-zA-Z0-9\\s._:/=+@-]*",
        );
        let Some(operator) = v.enum_value(item, &at, "operator", OPERATORS, true) else {
            continue;
        };
        let value = item
            .get("right")
            .and_then(|r| r.get("metadataValue"))
            .cloned();
        if !matches!(operator, "EXISTS" | "NOT_EXISTS") && value.is_none() {
            v.add(
                &join(&at, "right"),
                None,
                format!("{operator} needs right.metadataValue"),
            );
            continue;
        }
        out.push(RecordFilter {
            key: key.to_owned(),
            operator: operator.to_owned(),
            value,
        });
    }
    out
}

/// Each filter's key must be one of the memory's `indexedKeys`.
pub(crate) fn require_indexed(
    filters: &[RecordFilter],
    indexed: &[(String, String)],
) -> Result<(), ApiError> {
    for filter in filters {
        if !indexed.iter().any(|(k, _)| *k == filter.key) {
            return Err(ApiError::invalid_fields(
                format!(
                    "The metadata key {} is not an indexed key of this memory; records are \
                     filtered only on the keys declared in indexedKeys (UpdateMemory's addIndexedKeys adds one).",
                    filter.key
                ),
                vec![(
                    "metadataFilters".into(),
                    "Metadata key is not indexed".into(),
                )],
            ));
        }
    }
    Ok(())
}

/// `AND …` conditions on `column` (a records table's `metadata`) for the
/// filters; their values appended to `values` (the key is bound too).
pub(crate) fn conditions(column: &str, filters: &[RecordFilter], values: &mut Vec<Sql>) -> String {
    let mut sql = String::new();
    for f in filters {
        let mut bind = |value: Sql| {
            values.push(value);
            format!("?{}", values.len())
        };
        let at = |member: &str, bind: &mut dyn FnMut(Sql) -> String| {
            let path = bind(Sql::Text(format!("$.\"{}\"{member}", f.key)));
            format!("json_extract({column}, {path})")
        };
        let value = f.value.as_ref();
        let string = value
            .and_then(|v| v.get("stringValue"))
            .and_then(Value::as_str);
        let number = value
            .and_then(|v| v.get("numberValue"))
            .and_then(Value::as_f64);
        let date = value
            .and_then(|v| v.get("dateTimeValue"))
            .and_then(Value::as_f64);
        let condition = match f.operator.as_str() {
            "EXISTS" => format!("{} IS NOT NULL", at("", &mut bind)),
            "NOT_EXISTS" => format!("{} IS NULL", at("", &mut bind)),
            "EQUALS_TO" => match (string, number) {
                (Some(s), _) => format!(
                    "{} = {}",
                    at(".stringValue", &mut bind),
                    bind(Sql::Text(s.to_owned()))
                ),
                (None, Some(n)) => {
                    format!("{} = {}", at(".numberValue", &mut bind), bind(Sql::Real(n)))
                }
                _ => "0".to_owned(),
            },
            "CONTAINS" => {
                let s = string.unwrap_or_default().to_owned();
                let list = bind(Sql::Text(format!("$.\"{}\".stringListValue", f.key)));
                let needle = bind(Sql::Text(s));
                let scalar = at(".stringValue", &mut bind);
                format!(
                    "(EXISTS (SELECT 1 FROM json_each({column}, {list}) WHERE value = {needle}) \
                     OR instr({scalar}, {needle}) > 0)"
                )
            }
            op => {
                let (member, operand) = match (op, number, date) {
                    ("BEFORE" | "AFTER", _, Some(d)) => (".dateTimeValue", d),
                    (_, Some(n), _) => (".numberValue", n),
                    _ => (".numberValue", f64::NAN),
                };
                let cmp = match op {
                    "BEFORE" | "LESS_THAN" => "<",
                    "AFTER" | "GREATER_THAN" => ">",
                    "GREATER_THAN_OR_EQUALS" => ">=",
                    _ => "<=",
                };
                if operand.is_nan() {
                    "0".to_owned()
                } else {
                    format!(
                        "{} {cmp} {}",
                        at(member, &mut bind),
                        bind(Sql::Real(operand))
                    )
                }
            }
        };
        sql.push_str(" AND ");
        sql.push_str(&condition);
    }
    sql
}
