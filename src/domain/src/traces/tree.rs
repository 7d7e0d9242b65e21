//! A trace's spans as a tree: depth-first rows (children by start time),
//! orphans and cycle members as extra roots, the critical path marked.
//! Built in O(n log n) without recursion, so a 100 000-span trace (or a
//! 100 000-deep chain) builds in milliseconds and cannot overflow a stack.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::traces::span::TraceSpan;

/// One row of the tree, in depth-first order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TreeRow {
    /// The span's index in [`TraceTree::spans`].
    pub span: usize,
    /// Depth below its root (0 for a root; saturates at `u16::MAX`).
    pub depth: u16,
    /// The parent's row, None for a root.
    pub parent: Option<usize>,
    /// The children's rows, by start time.
    pub children: Vec<usize>,
    /// One past the last row of this row's subtree (rows are depth-first,
    /// so a subtree is the range `row..subtree_end`).
    pub subtree_end: usize,
    /// Whether the row is on the critical path.
    pub critical: bool,
}

/// A trace's spans with their tree.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceTree {
    /// The spans, as given.
    pub spans: Vec<TraceSpan>,
    /// The rows, depth-first.
    pub rows: Vec<TreeRow>,
    /// The roots' rows: true roots and orphans (a parent not in the
    /// trace), by start time, then cycle members whose cycle has no root.
    pub roots: Vec<usize>,
}

/// Sort key of a span among its siblings: start, then id.
fn by_start(spans: &[TraceSpan]) -> impl Fn(&usize, &usize) -> std::cmp::Ordering + '_ {
    |a, b| {
        (spans[*a].start_unix_nano, &spans[*a].span_id)
            .cmp(&(spans[*b].start_unix_nano, &spans[*b].span_id))
    }
}

impl TraceTree {
    /// The tree of `spans`. A span whose parent is not in the trace (or is
    /// itself) is a root; spans in a parent cycle are reached from the
    /// earliest of them, once. Duplicate span ids: children attach to the
    /// first.
    pub fn build(spans: Vec<TraceSpan>) -> Self {
        let n = spans.len();
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(n);
        for (i, s) in spans.iter().enumerate() {
            index.entry(s.span_id.as_str()).or_insert(i);
        }
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut top = Vec::new();
        for (i, s) in spans.iter().enumerate() {
            match index.get(s.parent_span_id.as_str()) {
                Some(&p) if p != i && !s.parent_span_id.is_empty() => children[p].push(i),
                _ => top.push(i),
            }
        }
        drop(index);
        let order = by_start(&spans);
        children.iter_mut().for_each(|c| c.sort_by(&order));
        top.sort_by(&order);
        let mut tree = Self {
            rows: Vec::with_capacity(n),
            ..Self::default()
        };
        let mut visited = vec![false; n];
        for root in top {
            tree.walk(root, &children, &mut visited);
        }
        if tree.rows.len() < n {
            let mut rest: Vec<usize> = (0..n).filter(|i| !visited[*i]).collect();
            rest.sort_by(&order);
            for root in rest {
                tree.walk(root, &children, &mut visited);
            }
        }
        drop(order);
        for r in (0..tree.rows.len()).rev() {
            tree.rows[r].subtree_end = match tree.rows[r].children.last() {
                Some(&last) => tree.rows[last].subtree_end,
                None => r + 1,
            };
        }
        tree.spans = spans;
        for row in tree.critical_path() {
            tree.rows[row].critical = true;
        }
        tree
    }

    /// Depth-first from `root` (iterative), adding rows.
    fn walk(&mut self, root: usize, children: &[Vec<usize>], visited: &mut [bool]) {
        if visited[root] {
            return;
        }
        self.roots.push(self.rows.len());
        let mut stack: Vec<(usize, u16, Option<usize>)> = vec![(root, 0, None)];
        while let Some((span, depth, parent)) = stack.pop() {
            if visited[span] {
                continue;
            }
            visited[span] = true;
            let row = self.rows.len();
            self.rows.push(TreeRow {
                span,
                depth,
                parent,
                children: Vec::new(),
                subtree_end: row + 1,
                critical: false,
            });
            if let Some(p) = parent {
                self.rows[p].children.push(row);
            }
            for &child in children[span].iter().rev() {
                if !visited[child] {
                    stack.push((child, depth.saturating_add(1), Some(row)));
                }
            }
        }
    }

    /// The span of a row.
    pub fn span(&self, row: usize) -> &TraceSpan {
        &self.spans[self.rows[row].span]
    }

    /// The main root's row: the earliest true root (no parent id), else
    /// the first root.
    pub fn main_root(&self) -> Option<usize> {
        self.roots
            .iter()
            .copied()
            .find(|&r| self.span(r).parent_span_id.is_empty())
            .or_else(|| self.roots.first().copied())
    }

    /// The critical path, as rows: from the main root, the child that ends
    /// last, recursively.
    pub fn critical_path(&self) -> Vec<usize> {
        let mut path = Vec::new();
        let mut at = self.main_root();
        while let Some(row) = at {
            path.push(row);
            at = self.rows[row]
                .children
                .iter()
                .copied()
                .max_by_key(|&c| (self.span(c).end_unix_nano, std::cmp::Reverse(c)));
        }
        path
    }

    /// The rows shown when the rows in `folded` are folded (their subtree
    /// hidden) and rows deeper than `max_depth` are hidden; O(rows shown).
    pub fn visible_rows(&self, folded: &HashSet<usize>, max_depth: Option<u16>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut row = 0;
        while row < self.rows.len() {
            out.push(row);
            let r = &self.rows[row];
            let closed = folded.contains(&row) || max_depth.is_some_and(|d| r.depth >= d);
            row = if closed { r.subtree_end } else { row + 1 };
        }
        out
    }

    /// The rows whose span matches `pred`, in row order.
    pub fn find_rows(&self, pred: impl Fn(&TraceSpan) -> bool) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|&r| pred(self.span(r)))
            .collect()
    }

    /// One row as a line of text:
    /// `12:00:00.030      250.0 ms  ··name  [llm m1 12→30 tok]  ERROR msg`
    /// (indented by depth, at most 32 levels; the GenAI part only for
    /// GenAI spans). The session view and `acc traces show` print these.
    pub fn row_line(&self, row: usize) -> String {
        let s = self.span(row);
        let ms = s.duration_nano() as f64 / 1e6;
        let depth = usize::from(self.rows[row].depth).min(32);
        let mut line = format!(
            "{}  {ms:>9.1} ms  {}{}",
            crate::agent_runtime::clock(s.start_unix_nano / 1_000_000),
            "  ".repeat(depth),
            s.name
        );
        let kind = s.kind_gen_ai();
        if kind != crate::traces::GenAiKind::Other {
            let mut gen_ai = vec![kind.label().to_owned()];
            gen_ai.extend(s.model().map(str::to_owned));
            gen_ai.extend(s.tool_name().map(str::to_owned));
            if s.input_tokens().is_some() || s.output_tokens().is_some() {
                let tokens = |t: Option<i64>| t.map_or("-".to_owned(), |t| t.to_string());
                gen_ai.push(format!(
                    "{}→{} tok",
                    tokens(s.input_tokens()),
                    tokens(s.output_tokens())
                ));
            }
            line.push_str(&format!("  [{}]", gen_ai.join(" ")));
        }
        if s.is_error() {
            line.push_str(&format!("  ERROR {}", s.status_message));
        }
        line
    }

    /// The earliest start and the latest end over all spans (0, 0 when empty).
    pub fn time_range(&self) -> (i64, i64) {
        let start = self
            .spans
            .iter()
            .map(|s| s.start_unix_nano)
            .min()
            .unwrap_or(0);
        let end = self
            .spans
            .iter()
            .map(|s| s.end_unix_nano)
            .max()
            .unwrap_or(0);
        (start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn span(id: &str, parent: &str, start: i64, end: i64) -> TraceSpan {
        TraceSpan {
            trace_id: "t".into(),
            span_id: id.into(),
            parent_span_id: parent.into(),
            name: id.into(),
            start_unix_nano: start,
            end_unix_nano: end,
            ..TraceSpan::default()
        }
    }

    fn names(tree: &TraceTree, rows: &[usize]) -> Vec<String> {
        rows.iter()
            .map(|&r| {
                format!(
                    "{}{}",
                    " ".repeat(tree.rows[r].depth as usize),
                    tree.span(r).name
                )
            })
            .collect()
    }

    #[test]
    fn depth_first_by_start_with_orphans_as_roots() {
        let tree = TraceTree::build(vec![
            span("b", "root", 20, 50),
            span("a", "root", 10, 90),
            span("a1", "a", 11, 30),
            span("root", "", 0, 100),
            span("orphan", "missing", 5, 6),
        ]);
        let all: Vec<usize> = (0..tree.rows.len()).collect();
        assert_eq!(names(&tree, &all), ["root", " a", "  a1", " b", "orphan"]);
        assert_eq!(tree.roots, [0, 4]);
        assert_eq!(tree.rows[0].children, [1, 3]);
        assert_eq!(tree.rows[0].subtree_end, 4);
        assert_eq!(tree.rows[2].parent, Some(1));
        // The critical path: root, then a (ends at 90, after b), then a1.
        assert_eq!(tree.critical_path(), [0, 1, 2]);
        assert!(tree.rows[1].critical && !tree.rows[3].critical);
    }

    #[test]
    fn folding_and_max_depth_hide_subtrees() {
        let tree = TraceTree::build(vec![
            span("root", "", 0, 100),
            span("a", "root", 10, 90),
            span("a1", "a", 11, 30),
            span("b", "root", 20, 50),
        ]);
        let folded: HashSet<usize> = [1].into_iter().collect();
        assert_eq!(
            names(&tree, &tree.visible_rows(&folded, None)),
            ["root", " a", " b"]
        );
        assert_eq!(
            names(&tree, &tree.visible_rows(&HashSet::new(), Some(0))),
            ["root"]
        );
        assert_eq!(
            names(&tree, &tree.visible_rows(&HashSet::new(), Some(1))),
            ["root", " a", " b"]
        );
        assert_eq!(tree.visible_rows(&HashSet::new(), None).len(), 4);
    }

    #[test]
    fn cycles_and_self_parents_are_reached_once() {
        let tree = TraceTree::build(vec![
            span("x", "y", 1, 2),
            span("y", "x", 0, 2),
            span("self", "self", 3, 4),
            span("dup", "", 5, 6),
            span("dup", "", 7, 8),
        ]);
        assert_eq!(tree.rows.len(), 5, "every span once");
        let all: Vec<usize> = (0..5).collect();
        // `self` is its own parent: a root; y starts first in the x/y cycle.
        assert_eq!(names(&tree, &all), ["self", "dup", "dup", "y", " x"]);
    }

    #[test]
    fn a_hundred_thousand_spans_build_fast_even_as_a_chain() {
        let wide: Vec<TraceSpan> = (0..100_000)
            .map(|i| {
                let parent = if i == 0 {
                    String::new()
                } else {
                    format!("s{}", (i - 1) / 10)
                };
                span(&format!("s{i}"), &parent, i, i + 1000)
            })
            .collect();
        let started = std::time::Instant::now();
        let tree = TraceTree::build(wide);
        let visible = tree.visible_rows(&HashSet::new(), None);
        let took = started.elapsed();
        assert_eq!(visible.len(), 100_000);
        assert_eq!(tree.roots.len(), 1);
        // Debug build on a shared machine: generous, yet an O(n²) build fails it.
        assert!(took.as_millis() < 3_000, "{took:?}");
        let chain: Vec<TraceSpan> = (0..100_000)
            .map(|i| {
                let parent = if i == 0 {
                    String::new()
                } else {
                    format!("s{}", i - 1)
                };
                span(&format!("s{i}"), &parent, i, 200_000 - i)
            })
            .collect();
        let tree = TraceTree::build(chain);
        assert_eq!(tree.rows[99_999].depth, u16::MAX, "depth saturates");
        assert_eq!(tree.critical_path().len(), 100_000);
    }
}
