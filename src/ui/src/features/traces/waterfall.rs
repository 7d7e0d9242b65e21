//! A trace's waterfall: the rows shown (folds, collapse to depth, the
//! filter's matches with their ancestors), moving between matches, and
//! where each span's bar falls on the trace's time axis.

use std::collections::HashSet;

use acc_domain::traces::TraceDetail;
use acc_domain::traces::{TraceFilter, TraceSpan, TraceTree};

use crate::features::traces::state::OpenTrace;

impl OpenTrace {
    /// A trace opened: its tree built, nothing folded.
    pub fn new(mut detail: TraceDetail) -> OpenTrace {
        let spans = std::mem::take(&mut detail.spans);
        let tree = TraceTree::build(spans);
        let (start_nano, end_nano) = tree.time_range();
        let rows_by_id = tree
            .rows
            .iter()
            .enumerate()
            .filter_map(|(row, r)| Some((tree.spans.get(r.span)?.span_id.clone(), row)))
            .collect();
        OpenTrace {
            detail,
            rows_by_id,
            tree,
            folded: HashSet::new(),
            max_depth: None,
            start_nano,
            span_nano: (end_nano - start_nano).max(1),
        }
    }

    /// This trace, read again, shown as `old` was: the same spans folded,
    /// the same depth.
    pub fn keeping_view_of(mut self, old: &OpenTrace) -> OpenTrace {
        self.folded = old
            .folded
            .iter()
            .filter_map(|&row| self.row_of(&old.span(row)?.span_id))
            .collect();
        self.max_depth = old.max_depth;
        self
    }

    /// The span of tree row `row`.
    pub fn span(&self, row: usize) -> Option<&TraceSpan> {
        let index = self.tree.rows.get(row)?.span;
        self.tree.spans.get(index)
    }

    /// The row of the span with this id.
    pub fn row_of(&self, span_id: &str) -> Option<usize> {
        self.rows_by_id.get(span_id).copied()
    }

    /// Whether row `row` has children.
    pub fn has_children(&self, row: usize) -> bool {
        self.tree
            .rows
            .get(row)
            .is_some_and(|r| !r.children.is_empty())
    }

    /// The rows shown, in order: those not folded away nor deeper than the
    /// depth, and, when `filter` is given, only the spans it matches and
    /// their ancestors.
    pub fn shown_rows(&self, filter: Option<&TraceFilter>) -> Vec<usize> {
        let rows = self.tree.visible_rows(&self.folded, self.max_depth);
        let Some(filter) = filter else {
            return rows;
        };
        let tree_rows = &self.tree.rows;
        let mut keep = vec![false; tree_rows.len()];
        for &r in &rows {
            if !self.span(r).is_some_and(|s| filter.matches_span(s)) {
                continue;
            }
            // The match and its ancestors, up to one already kept.
            let mut at = Some(r);
            while let Some(i) = at {
                if keep[i] {
                    break;
                }
                keep[i] = true;
                at = tree_rows[i].parent;
            }
        }
        rows.into_iter().filter(|&r| keep[r]).collect()
    }

    /// enter on `row`: its children hidden, or shown again.
    pub fn toggle_fold(&mut self, row: usize) {
        if !self.folded.remove(&row) {
            self.folded.insert(row);
        }
    }

    /// Digits: rows deeper than `depth` hidden; 0 shows everything (and
    /// unfolds).
    pub fn collapse_to(&mut self, depth: u8) {
        if depth == 0 {
            self.max_depth = None;
            self.folded.clear();
        } else {
            self.max_depth = Some(u16::from(depth) - 1);
        }
    }

    /// Where a span's bar falls in `width` cells: its first cell and how
    /// many (at least one).
    pub fn bar(&self, span: &TraceSpan, width: u16) -> (u16, u16) {
        if width == 0 {
            return (0, 0);
        }
        let scale = |nano: i64| {
            let at = (nano - self.start_nano).clamp(0, self.span_nano) as f64;
            (at / self.span_nano as f64 * f64::from(width)) as u16
        };
        let first = scale(span.start_unix_nano).min(width - 1);
        let last = scale(span.end_unix_nano).max(first + 1).min(width);
        (first, last - first)
    }
}

/// The filter typed on a waterfall, parsed; `None` when there is none.
pub fn parsed_filter(text: &str) -> Option<Result<TraceFilter, String>> {
    let text = text.trim();
    (!text.is_empty()).then(|| TraceFilter::parse(text).map_err(|e| e.to_string()))
}

/// From position `from` in `shown`, the position of the next (or, not
/// `forward`, the previous) row whose span `filter` matches, wrapping.
pub fn next_match(
    trace: &OpenTrace,
    shown: &[usize],
    from: usize,
    filter: &TraceFilter,
    forward: bool,
) -> Option<usize> {
    let len = shown.len();
    (1..=len)
        .map(|step| {
            if forward {
                (from + step) % len
            } else {
                (from + len - step % len) % len
            }
        })
        .find(|&pos| {
            trace
                .span(shown[pos])
                .is_some_and(|s| filter.matches_span(s))
        })
}
