//! One mechanism for the control plane's stored resources. Each resource
//! (gateway, target, policy engine, policy, agent runtime, endpoint) is a
//! row of its own table, declared once with [`stored_resource!`]: the
//! struct, its table and the columns it is read from. Finding, requiring
//! and paging rows, and the members every answer computes from a row, are
//! written here once for all of them.

use rusqlite::{Connection, OptionalExtension as _, Row, params_from_iter};
use serde_json::{Value, json};

use crate::platform::lifecycle::effective_status;
use crate::platform::pagination::{ListKind, PageRequest, finish_page};
use crate::platform::timestamps::iso8601;
use crate::platform::validation::Object;
use crate::platform::wire_errors::ApiError;

/// A control-plane resource kept as one row of one table.
pub(crate) trait StoredResource: Sized {
    /// The table holding it.
    const TABLE: &'static str;
    /// The columns [`StoredResource::from_row`] reads, in its order.
    const COLUMNS: &'static [&'static str];
    /// The resource read from a row that starts with [`StoredResource::COLUMNS`].
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self>;
}

/// Declare a stored resource: a struct whose fields are its table's
/// columns (named alike, in the order they are read), and its
/// [`StoredResource`] implementation.
macro_rules! stored_resource {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident in $table:literal {
            $($(#[$field_meta:meta])* $field_vis:vis $field:ident: $ty:ty),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $($(#[$field_meta])* $field_vis $field: $ty),+
        }

        impl $crate::platform::resource::StoredResource for $name {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];

            fn from_row(row: &::rusqlite::Row<'_>) -> ::rusqlite::Result<Self> {
                // Fields are initialised in the order written: the columns' order.
                let mut column = 0..;
                Ok(Self {
                    $($field: row.get(column.next().unwrap_or_default())?),+
                })
            }
        }
    };
}
pub(crate) use stored_resource;

/// `a = ?1 AND b = ?2 …` for the columns of `key`.
fn conditions(key: &[(&str, &str)]) -> String {
    key.iter()
        .enumerate()
        .map(|(i, (column, _))| format!("{column} = ?{}", i + 1))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The row of `R` whose `key` columns hold these values (together unique), if any.
pub(crate) fn find<R: StoredResource>(
    conn: &Connection,
    key: &[(&str, &str)],
) -> Result<Option<R>, ApiError> {
    let sql = format!(
        "SELECT {} FROM {} WHERE {}",
        R::COLUMNS.join(", "),
        R::TABLE,
        conditions(key)
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(
            params_from_iter(key.iter().map(|(_, value)| value)),
            R::from_row,
        )
        .optional()?)
}

/// The row of `R` with this `key`, or the error `missing` makes
/// (ResourceNotFoundException, naming what is missing).
pub(crate) fn require<R: StoredResource>(
    conn: &Connection,
    key: &[(&str, &str)],
    missing: impl FnOnce() -> ApiError,
) -> Result<R, ApiError> {
    find(conn, key)?.ok_or_else(missing)
}

/// One page of rows of `table` within `scope` (columns and values), in
/// creation order: `columns` of each row, read by `read`; and the token
/// that continues after the page when more follow.
pub(crate) fn read_page<T>(
    conn: &Connection,
    table: &str,
    columns: &str,
    scope: &[(&str, &str)],
    page: PageRequest,
    kind: ListKind,
    mut read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let after = scope.len() + 1;
    let mut condition = conditions(scope);
    if !condition.is_empty() {
        condition.push_str(" AND ");
    }
    let sql = format!(
        "SELECT {columns}, seq FROM {table} WHERE {condition}seq > ?{after} ORDER BY seq LIMIT ?{}",
        after + 1
    );
    let mut values: Vec<rusqlite::types::Value> = scope
        .iter()
        .map(|(_, value)| rusqlite::types::Value::Text((*value).to_owned()))
        .collect();
    values.push(page.after_seq.into());
    values.push((page.limit as i64 + 1).into());
    let rows: Vec<(i64, T)> = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(values), |row| {
            // `seq` is the last column, after whatever `columns` names.
            let seq = row.get(row.as_ref().column_count() - 1)?;
            Ok((seq, read(row)?))
        })?
        .collect::<Result<_, _>>()?;
    Ok(finish_page(rows, page.limit, kind))
}

/// One page of `R` within `scope`, in creation order (see [`read_page`]).
pub(crate) fn page_of<R: StoredResource>(
    conn: &Connection,
    scope: &[(&str, &str)],
    page: PageRequest,
    kind: ListKind,
) -> Result<(Vec<R>, Option<String>), ApiError> {
    read_page(
        conn,
        R::TABLE,
        &R::COLUMNS.join(", "),
        scope,
        page,
        kind,
        R::from_row,
    )
}

/// The columns every summary in a list starts with, read by [`summary`].
pub(crate) const SUMMARY_COLUMNS: &str =
    "name, status, settles_at_ms, created_at_ms, updated_at_ms";

/// A list item's first members: the id (`id_member`, column 0), then
/// [`SUMMARY_COLUMNS`] (name, status as reported at `now`, times).
pub(crate) fn summary(row: &Row<'_>, id_member: &str, now: i64) -> rusqlite::Result<Value> {
    let status: String = row.get(2)?;
    Ok(json!({
        id_member: row.get::<_, String>(0)?,
        "name": row.get::<_, String>(1)?,
        "status": effective_status(&status, row.get(3)?, now),
        "createdAt": iso8601(row.get(4)?),
        "updatedAt": iso8601(row.get(5)?),
    }))
}

/// A resource's stored document: its input members as last created or
/// updated. Corrupt JSON is an internal error naming the resource.
pub(crate) fn stored_document(what: &str, id: &str, text: &str) -> Result<Object, ApiError> {
    serde_json::from_str(text).map_err(|e| {
        ApiError::internal(format_args!(
            "the stored document of {what} {id} is corrupt: {e}"
        ))
    })
}

/// The members every resource's answer computes from its row: its name,
/// its status as reported now (with its reasons, for resources that give
/// them), and when it was created and last updated.
pub(crate) fn stamp(
    doc: &mut Object,
    name: &str,
    status: &str,
    status_reasons: Option<Value>,
    created_at_ms: i64,
    updated_at_ms: i64,
) {
    doc.insert("name".into(), json!(name));
    doc.insert("status".into(), json!(status));
    if let Some(reasons) = status_reasons {
        doc.insert("statusReasons".into(), reasons);
    }
    doc.insert("createdAt".into(), json!(iso8601(created_at_ms)));
    doc.insert("updatedAt".into(), json!(iso8601(updated_at_ms)));
}

#[cfg(test)]
mod tests {
    use super::*;

    stored_resource! {
        /// A row of the test table.
        struct Thing in "things" {
            id: String,
            parent: String,
            size: i64,
        }
    }

    fn things() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE things (seq INTEGER PRIMARY KEY, id TEXT, parent TEXT, size INTEGER);
             INSERT INTO things (id, parent, size) VALUES
                 ('a', 'p', 1), ('b', 'p', 2), ('c', 'q', 3), ('d', 'p', 4);",
        )
        .unwrap();
        conn
    }

    #[test]
    fn rows_are_found_by_their_key_and_paged_in_creation_order() {
        let conn = things();
        let b: Thing = find(&conn, &[("parent", "p"), ("id", "b")])
            .unwrap()
            .unwrap();
        assert_eq!((b.id.as_str(), b.parent.as_str(), b.size), ("b", "p", 2));
        assert!(
            find::<Thing>(&conn, &[("id", "b"), ("parent", "q")])
                .unwrap()
                .is_none()
        );
        let page = PageRequest {
            limit: 2,
            after_seq: 0,
        };
        let (first, next) =
            page_of::<Thing>(&conn, &[("parent", "p")], page, ListKind::Policies).unwrap();
        assert_eq!(first.iter().map(|t| t.size).collect::<Vec<_>>(), [1, 2]);
        let next =
            PageRequest::from_query(&[("nextToken".into(), next.unwrap())], ListKind::Policies)
                .unwrap();
        let (rest, more) =
            page_of::<Thing>(&conn, &[("parent", "p")], next, ListKind::Policies).unwrap();
        assert_eq!(rest.iter().map(|t| t.size).collect::<Vec<_>>(), [4]);
        assert!(more.is_none());
    }
}
