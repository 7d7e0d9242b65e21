//! A trace's waterfall: one row per span shown, its name indented under
//! its parent with a fold marker, its GenAI kind, its bar on the trace's
//! time axis, its duration, and its model and tokens. Only the rows in
//! view are built, so a 100 000-span trace draws like a 40-span one. The
//! critical path is marked `▌`, error spans take the error colour. From
//! 160 columns the selected span's detail shows beside it.

use acc_domain::traces::{GenAiKind, TraceFilter, TraceSpan};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState, Wrap,
};

use crate::features::traces::detail::span_lines;
use crate::features::traces::state::OpenTrace;
use crate::features::traces::views::format::{duration, gen_ai_label, model_tokens};
use crate::features::traces::waterfall::parsed_filter;
use crate::shell::state::{AppState, ListCursor};
use crate::theme::Theme;
use crate::widgets::list_view::{Cut, counter, empty_line, fit};

/// From this many columns the span's detail shows beside the waterfall.
pub const SPLIT_WIDTH: u16 = 160;

/// The widths of a row's parts, from the inner width.
#[derive(Debug, Clone, Copy)]
struct Widths {
    name: u16,
    bar: u16,
    info: u16,
}

impl Widths {
    /// Marker 1, name, kind 5, bar, duration 8, info; one space between.
    fn of(width: u16) -> Widths {
        let info = match width {
            w if w >= 110 => 30,
            w if w >= 90 => 16,
            _ => 0,
        };
        let name = (width * 2 / 5).clamp(14, 48);
        let fixed = 1 + name + 1 + 5 + 1 + 1 + 8 + if info > 0 { info + 1 } else { 0 };
        Widths {
            name,
            bar: width.saturating_sub(fixed).max(4),
            info,
        }
    }
}

pub(crate) fn render(
    state: &AppState,
    trace_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let Some(trace) = state.traces.trace(trace_id) else {
        let title = Line::raw(format!(" trace {trace_id} "));
        let inner = bordered(frame, area, &state.theme, title);
        let line = empty_line(
            state,
            state.traces.open.get(trace_id),
            "the trace",
            None,
            None,
        );
        // A failed read's reason wraps: it names the trace and what to do.
        let text = Paragraph::new(line).wrap(Wrap { trim: true });
        frame.render_widget(text, inner.inner(Margin::new(1, 1)));
        return;
    };
    if area.width >= SPLIT_WIDTH {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                .areas(area);
        render_rows(state, trace, cursor, frame, left);
        render_side(state, trace, cursor, frame, right);
    } else {
        render_rows(state, trace, cursor, frame, area);
    }
}

/// The block's title: the trace, its size, the filter, the legend.
fn title(state: &AppState, trace: &OpenTrace, cursor: &ListCursor) -> Line<'static> {
    let theme = &state.theme;
    let filtered = !cursor.filter.is_empty();
    let mut spans = vec![
        Span::styled(
            format!(
                " trace {} · {} ",
                trace.tree.spans.first().map_or("", |s| s.trace_id.as_str()),
                duration(trace.span_nano)
            ),
            theme.accent,
        ),
        Span::styled(
            counter(cursor.visible.len(), trace.tree.rows.len(), filtered),
            theme.muted,
        ),
    ];
    match parsed_filter(&cursor.filter.text) {
        Some(Ok(_)) => spans.push(Span::styled(
            format!(" </{}> n/N ", cursor.filter.text),
            theme.warning,
        )),
        Some(Err(e)) => spans.push(Span::styled(format!(" {e} "), theme.error)),
        None => {}
    }
    if let Some(depth) = trace.max_depth {
        spans.push(Span::styled(format!(" depth ≤{} ", depth + 1), theme.muted));
    }
    spans.push(Span::styled(" ▌", theme.warning));
    spans.push(Span::styled("critical path ", theme.muted));
    spans.push(Span::styled("█", theme.error));
    spans.push(Span::styled("error ", theme.muted));
    Line::from(spans)
}

/// The rows in view, with their header and scrollbar.
fn render_rows(
    state: &AppState,
    trace: &OpenTrace,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &state.theme;
    let inner = bordered(frame, area, theme, title(state, trace, cursor));
    let widths = Widths::of(inner.width);
    let height = inner.height.saturating_sub(1) as usize;
    let shown = cursor.visible.len();
    let end = (cursor.offset + height).min(shown);
    let filter = parsed_filter(&cursor.filter.text).and_then(Result::ok);
    let mut lines = vec![header(trace, widths, theme)];
    let selected_theme = theme.on_selection();
    for pos in cursor.offset.min(end)..end {
        let row = cursor.visible[pos];
        let selected = pos == cursor.selected;
        let t = if selected { &selected_theme } else { theme };
        let mut line = row_line(trace, row, widths, t, filter.as_ref());
        if selected {
            line = line.patch_style(theme.selection);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if shown > height {
        let mut bar = ScrollbarState::new(shown.saturating_sub(height)).position(cursor.offset);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight).style(theme.border),
            area.inner(Margin::new(0, 1)),
            &mut bar,
        );
    }
}

/// The column headings, with the time axis's ends over the bars.
fn header(trace: &OpenTrace, w: Widths, theme: &Theme) -> Line<'static> {
    let total = duration(trace.span_nano);
    let axis = format!(
        "0{:>width$}",
        total,
        width = usize::from(w.bar).saturating_sub(1)
    );
    let mut text = format!(
        " {:<name$} {:<5} {} {:>8}",
        "SPAN",
        "KIND",
        fit(&axis, w.bar, Cut::End),
        "DURATION",
        name = usize::from(w.name)
    );
    if w.info > 0 {
        text.push_str(&format!(" {}", fit("MODEL · TOKENS", w.info, Cut::End)));
    }
    Line::styled(text, theme.muted)
}

/// One span's row.
fn row_line(
    trace: &OpenTrace,
    row: usize,
    w: Widths,
    theme: &Theme,
    filter: Option<&TraceFilter>,
) -> Line<'static> {
    let (Some(span), Some(tree_row)) = (trace.span(row), trace.tree.rows.get(row)) else {
        return Line::raw("");
    };
    let marker = if tree_row.critical {
        Span::styled("▌", theme.warning)
    } else {
        Span::raw(" ")
    };
    let closed =
        trace.folded.contains(&row) || trace.max_depth.is_some_and(|d| tree_row.depth >= d);
    let fold = match (trace.has_children(row), closed) {
        (false, _) => "  ",
        (true, true) => "▸ ",
        (true, false) => "▾ ",
    };
    let depth = usize::from(tree_row.depth).min(usize::from(w.name) / 3);
    let name = format!("{}{fold}{}", "  ".repeat(depth), span.name);
    let matched = filter.is_none_or(|f| f.matches_span(span));
    let name_style = match (span.is_error(), matched) {
        (true, _) => theme.error,
        (false, false) => theme.muted,
        (false, true) => theme.base,
    };
    let (first, len) = trace.bar(span, w.bar);
    let bar_style = bar_style(span, tree_row.critical, theme);
    let mut spans = vec![
        marker,
        Span::styled(
            format!(
                "{:<width$}",
                fit(&name, w.name, Cut::End),
                width = usize::from(w.name)
            ),
            name_style,
        ),
        Span::styled(
            format!(" {:<5} ", gen_ai_label(span)),
            kind_style(span, theme),
        ),
        Span::raw(" ".repeat(usize::from(first))),
        Span::styled("█".repeat(usize::from(len)), bar_style),
        Span::raw(" ".repeat(usize::from(w.bar - first - len))),
        Span::styled(
            format!(" {:>8}", duration(span.duration_nano())),
            theme.base,
        ),
    ];
    if w.info > 0 {
        spans.push(Span::styled(
            format!(" {}", fit(&model_tokens(span), w.info, Cut::End)),
            theme.muted,
        ));
    }
    Line::from(spans)
}

/// A bar's colour: errors first, then the critical path, then its kind.
fn bar_style(span: &TraceSpan, critical: bool, theme: &Theme) -> Style {
    if span.is_error() {
        theme.error
    } else if critical {
        theme.warning
    } else {
        kind_style(span, theme)
    }
}

/// A GenAI kind's colour.
fn kind_style(span: &TraceSpan, theme: &Theme) -> Style {
    match span.kind_gen_ai() {
        GenAiKind::Agent => theme.accent.add_modifier(Modifier::BOLD),
        GenAiKind::Llm => theme.accent,
        GenAiKind::Tool => theme.success,
        GenAiKind::Retrieval => theme.key,
        GenAiKind::Other => theme.muted,
    }
}

/// The selected span's detail, beside the waterfall.
fn render_side(
    state: &AppState,
    trace: &OpenTrace,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &state.theme;
    let title = Line::styled(" span (l opens it) ", theme.accent);
    let inner = bordered(frame, area, theme, title);
    let lines: Vec<Line> = cursor
        .selected_item()
        .and_then(|row| trace.span(row))
        .map(|span| span_lines(trace, &span.span_id))
        .unwrap_or_default()
        .into_iter()
        .take(usize::from(area.height))
        .map(|l| Line::styled(l.text, l.tone.style(theme)))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A bordered box titled `title` drawn over `area`; the area inside it.
fn bordered(frame: &mut Frame, area: Rect, theme: &Theme, title: Line<'static>) -> Rect {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}
