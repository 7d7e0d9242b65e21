//! Two traces side by side: their trees aligned by structure (kind, name
//! and order among same-named siblings), with added and removed spans and
//! latency and token deltas per aligned span and in total.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::traces::summary::token_totals;
use crate::traces::tree::TraceTree;

/// One row of a diff, depth-first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiffRow {
    /// The row in the left tree; None when the span was added.
    pub left: Option<usize>,
    /// The row in the right tree; None when the span was removed.
    pub right: Option<usize>,
    /// Depth in the aligned tree.
    pub depth: u16,
    /// Right duration minus left, for an aligned pair.
    pub latency_delta_nano: Option<i64>,
    /// Right tokens minus left (input plus output), for an aligned pair
    /// where either side has tokens.
    pub token_delta: Option<i64>,
}

/// Two traces aligned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceDiff {
    /// The rows, depth-first.
    pub rows: Vec<DiffRow>,
    /// Spans only on the right.
    pub added: usize,
    /// Spans only on the left.
    pub removed: usize,
    /// Right trace duration minus left.
    pub latency_delta_nano: i64,
    /// Right trace tokens minus left.
    pub token_delta: i64,
}

/// A work item: a pair (or one side) and its depth.
type Work = (Option<usize>, Option<usize>, u16);

/// The children of `row` (or the roots when None) in `tree`.
fn kids(tree: &TraceTree, row: Option<usize>) -> &[usize] {
    match row {
        Some(r) => &tree.rows[r].children,
        None => &tree.roots,
    }
}

/// Align two sibling lists: each keyed by (kind, name, nth among the
/// same-keyed), in the right's order with the unmatched left ones placed
/// before the next matched one.
fn align(left: &TraceTree, l: &[usize], right: &TraceTree, r: &[usize], depth: u16) -> Vec<Work> {
    let key = |tree: &TraceTree, row: usize| {
        let s = tree.span(row);
        (s.kind.clone(), s.name.clone())
    };
    let mut by_key: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, &row) in l.iter().enumerate().rev() {
        by_key.entry(key(left, row)).or_default().push(i);
    }
    let mut used = vec![false; l.len()];
    let mut next_left = 0;
    let mut out = Vec::with_capacity(l.len().max(r.len()));
    let mut added: Vec<Work> = Vec::new();
    for &rrow in r {
        match by_key.get_mut(&key(right, rrow)).and_then(Vec::pop) {
            Some(i) => {
                // Removed ones first, then added ones, as a diff reads.
                while next_left < i {
                    if !used[next_left] {
                        used[next_left] = true;
                        out.push((Some(l[next_left]), None, depth));
                    }
                    next_left += 1;
                }
                out.append(&mut added);
                used[i] = true;
                out.push((Some(l[i]), Some(rrow), depth));
            }
            None => added.push((None, Some(rrow), depth)),
        }
    }
    for (i, &row) in l.iter().enumerate() {
        if !used[i] {
            out.push((Some(row), None, depth));
        }
    }
    out.append(&mut added);
    out
}

/// Align `left` and `right` (iteratively: any depth is safe).
pub fn diff_traces(left: &TraceTree, right: &TraceTree) -> TraceDiff {
    let mut diff = TraceDiff::default();
    let mut stack: Vec<Work> = align(left, &left.roots, right, &right.roots, 0);
    stack.reverse();
    while let Some((l, r, depth)) = stack.pop() {
        let (latency, tokens) = match (l, r) {
            (Some(l), Some(r)) => {
                let (ls, rs) = (left.span(l), right.span(r));
                let tokens = match (ls.total_tokens(), rs.total_tokens()) {
                    (None, None) => None,
                    (a, b) => Some(b.unwrap_or(0) - a.unwrap_or(0)),
                };
                (Some(rs.duration_nano() - ls.duration_nano()), tokens)
            }
            (None, _) => {
                diff.added += 1;
                (None, None)
            }
            (_, None) => {
                diff.removed += 1;
                (None, None)
            }
        };
        diff.rows.push(DiffRow {
            left: l,
            right: r,
            depth,
            latency_delta_nano: latency,
            token_delta: tokens,
        });
        let child_depth = depth.saturating_add(1);
        let mut children = match (l, r) {
            (Some(l), Some(r)) => align(
                left,
                kids(left, Some(l)),
                right,
                kids(right, Some(r)),
                child_depth,
            ),
            (Some(l), None) => kids(left, Some(l))
                .iter()
                .map(|&c| (Some(c), None, child_depth))
                .collect(),
            (None, Some(r)) => kids(right, Some(r))
                .iter()
                .map(|&c| (None, Some(c), child_depth))
                .collect(),
            (None, None) => Vec::new(),
        };
        children.reverse();
        stack.extend(children);
    }
    let duration = |t: &TraceTree| {
        let (start, end) = t.time_range();
        end - start
    };
    let tokens = |t: &TraceTree| {
        let (i, o) = token_totals(t.spans.iter());
        i + o
    };
    diff.latency_delta_nano = duration(right) - duration(left);
    diff.token_delta = tokens(right) - tokens(left);
    diff
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traces::span::TraceSpan;
    use serde_json::json;

    fn span(
        id: &str,
        name: &str,
        parent: &str,
        start: i64,
        end: i64,
        tokens: Option<i64>,
    ) -> TraceSpan {
        let mut s = TraceSpan {
            span_id: id.into(),
            parent_span_id: parent.into(),
            name: name.into(),
            kind: "INTERNAL".into(),
            start_unix_nano: start,
            end_unix_nano: end,
            ..TraceSpan::default()
        };
        if let Some(t) = tokens {
            s.attributes
                .insert("gen_ai.operation.name".into(), json!("chat"));
            s.attributes
                .insert("gen_ai.usage.input_tokens".into(), json!(t));
        }
        s
    }

    #[test]
    fn aligned_by_name_and_order_with_added_removed_and_deltas() {
        let left = TraceTree::build(vec![
            span("r", "invoke_agent", "", 0, 1000, None),
            span("c1", "chat", "r", 10, 200, Some(100)),
            span("t1", "execute_tool lookup", "r", 210, 400, None),
            span("c2", "chat", "r", 410, 900, Some(50)),
        ]);
        let right = TraceTree::build(vec![
            span("R", "invoke_agent", "", 0, 1500, None),
            span("C1", "chat", "R", 10, 300, Some(120)),
            span("T2", "execute_tool search", "R", 310, 500, None),
            span("C2", "chat", "R", 510, 1400, Some(40)),
            span("C3", "chat", "R", 1410, 1450, Some(5)),
        ]);
        let diff = diff_traces(&left, &right);
        let shown: Vec<String> = diff
            .rows
            .iter()
            .map(|row| {
                let name = match (row.left, row.right) {
                    (Some(l), Some(_)) => format!("= {}", left.span(l).name),
                    (Some(l), None) => format!("- {}", left.span(l).name),
                    (None, Some(r)) => format!("+ {}", right.span(r).name),
                    (None, None) => unreachable!(),
                };
                format!(
                    "{}{name} {:?} {:?}",
                    " ".repeat(row.depth.into()),
                    row.latency_delta_nano,
                    row.token_delta
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                "= invoke_agent Some(500) None",
                " = chat Some(100) Some(20)",
                " - execute_tool lookup None None",
                " + execute_tool search None None",
                " = chat Some(400) Some(-10)",
                " + chat None None",
            ]
        );
        assert_eq!((diff.added, diff.removed), (2, 1));
        assert_eq!(diff.latency_delta_nano, 500);
        assert_eq!(diff.token_delta, 165 - 150);
    }

    #[test]
    fn unmatched_subtrees_are_all_added_or_removed() {
        let left = TraceTree::build(vec![
            span("a", "a", "", 0, 1, None),
            span("a1", "x", "a", 0, 1, None),
        ]);
        let right = TraceTree::build(vec![
            span("b", "b", "", 0, 1, None),
            span("b1", "y", "b", 0, 1, None),
        ]);
        let diff = diff_traces(&left, &right);
        assert_eq!((diff.added, diff.removed), (2, 2));
        assert_eq!(
            diff.rows.iter().map(|r| r.depth).collect::<Vec<_>>(),
            [0, 1, 0, 1]
        );
        assert_eq!(
            (diff.rows[0].left, diff.rows[2].right),
            (Some(0), Some(0)),
            "removed, then added"
        );
    }
}
