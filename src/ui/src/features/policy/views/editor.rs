//! The policy editor: Cedar with syntax highlighting, the problems of the
//! last validation marked in the gutter and written inline at their line,
//! and beside it the list ctrl-n walks through.

use acc_domain::cedar_model::checks::Severity;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::features::policy::cedar_highlight::highlighted_lines;
use crate::features::policy::editor::PolicyEditor;
use crate::shell::state::AppState;

/// Width of the line-number gutter: 4 digits, the marker, a space.
const GUTTER: u16 = 6;

pub(crate) fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let Some(editor) = state.policy.editor.as_ref() else {
        frame.render_widget(Paragraph::new("no policy is open (esc)"), area);
        return;
    };
    let [text_area, side] = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(68), Constraint::Percentage(32)])
        .areas(area);
    render_text(state, editor, frame, text_area);
    render_side(state, editor, frame, side);
}

fn render_text(state: &AppState, editor: &PolicyEditor, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let kind = if editor.existing { "edit" } else { "new" };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {kind} policy {} ", editor.name),
            theme.accent,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = editor.text.lines();
    let height = inner.height as usize;
    let cursor = editor.text.cursor();
    let (cursor_row, cursor_col) = (cursor.0, cursor.1);
    // Keep the cursor on screen: the top follows it down, never further.
    let top = (cursor_row + 1).saturating_sub(height);
    // Parse state flows from the first line, so highlight up to the last
    // visible one and no further: lines below cost nothing per frame.
    let highlighted = highlighted_lines(&lines[..lines.len().min(top + height)], theme);
    let mut out = Vec::with_capacity(height);
    for (row, line) in highlighted.into_iter().enumerate().skip(top).take(height) {
        let problems: Vec<_> = editor
            .diagnostics
            .iter()
            .filter(|d| d.line == row + 1)
            .collect();
        let worst = problems.iter().map(|d| d.severity).min_by_key(|s| match s {
            Severity::Error => 0,
            Severity::Warning => 1,
        });
        let (marker, marker_style) = match worst {
            Some(Severity::Error) => ("●", theme.error),
            Some(Severity::Warning) => ("▲", theme.warning),
            None => (" ", theme.muted),
        };
        let number_style = if row == cursor_row {
            theme.base.add_modifier(Modifier::BOLD)
        } else {
            theme.muted
        };
        let mut spans = vec![
            Span::styled(format!("{:>4}", row + 1), number_style),
            Span::styled(marker, marker_style),
            Span::raw(" "),
        ];
        spans.extend(line.spans);
        if let Some(first) = problems.first() {
            let style = match first.severity {
                Severity::Error => theme.error,
                Severity::Warning => theme.warning,
            };
            spans.push(Span::styled(
                format!("  ◂ {}", first.message),
                style.add_modifier(Modifier::ITALIC),
            ));
        }
        out.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(out), inner);
    // The cursor: a reversed cell (the terminal's own cursor stays hidden).
    let x = inner.x + GUTTER + cursor_col as u16;
    let y = inner.y + (cursor_row - top) as u16;
    if x < inner.right() && y < inner.bottom() {
        let style = Style::default().add_modifier(Modifier::REVERSED);
        if let Some(cell) = frame.buffer_mut().cell_mut(Position::new(x, y)) {
            cell.set_style(style);
        }
    }
}

fn render_side(state: &AppState, editor: &PolicyEditor, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" problems ", theme.accent));
    let mut lines = Vec::new();
    let schema = match state.policy.studio_of(&editor.gateway_id) {
        Some(d) => format!(
            "schema of {} ({} actions)",
            state.gateway.name_of(&editor.gateway_id),
            d.tools.len()
        ),
        None => "parse only: the schema is loading".into(),
    };
    let errors = editor.errors();
    let warnings = editor.diagnostics.len() - errors;
    let status = match (editor.validate_at_tick, editor.validation_us) {
        (Some(_), _) => Line::styled("validating…", theme.muted),
        (None, Some(us)) if errors == 0 && warnings == 0 => Line::styled(
            format!(
                "✓ valid against the {schema} · {:.1} ms",
                us as f64 / 1000.0
            ),
            theme.success,
        ),
        (None, Some(us)) => Line::styled(
            format!(
                "{errors} error(s), {warnings} warning(s) · {schema} · {:.1} ms",
                us as f64 / 1000.0
            ),
            if errors > 0 {
                theme.error
            } else {
                theme.warning
            },
        ),
        (None, None) => Line::raw(""),
    };
    lines.push(status);
    if let Some(problem) = &editor.format_problem {
        lines.push(Line::styled(problem.clone(), theme.error));
    }
    for (i, d) in editor.diagnostics.iter().enumerate() {
        let style = match d.severity {
            Severity::Error => theme.error,
            Severity::Warning => theme.warning,
        };
        let pointer = if i == editor.selected { "▶ " } else { "  " };
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(pointer, theme.accent),
            Span::styled(format!("{}:{} ", d.line, d.column), theme.muted),
            Span::styled(d.message.clone(), style),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
