//! The dry-run: per captured call the decision before and after the edit
//! (flips highlighted), the summary, and beside it the symbolic comparison
//! per action with counterexamples; and one call's "why".

use acc_domain::cedar_model::dry_run::Flip;
use acc_domain::cedar_model::findings::{Comparison, comparison_summary};
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::features::policy::dry_run::dry_run_detail_lines;
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::list_view::{Cell, Column, ListView, empty_line, filter_of};

const COLUMNS: &[Column] = &[
    Column::new("TIME", 8, 4),
    Column::new("TOOL", 12, 0),
    Column::new("CALLER", 8, 1),
    Column::new("BEFORE", 6, 2),
    Column::new("AFTER", 7, 1),
    Column::new("DECIDED BY (AFTER)", 10, 3),
];

/// From this width on, the symbolic comparison sits beside the table.
const SIDE_BY_SIDE: u16 = 120;

pub(crate) fn render(
    state: &AppState,
    gateway_id: &str,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &state.theme;
    let report = state.policy.dry_run_of(gateway_id);
    // Side by side when wide enough; else the comparison goes below.
    let direction = if area.width >= SIDE_BY_SIDE {
        Direction::Horizontal
    } else {
        Direction::Vertical
    };
    let [table_area, side] = Layout::default()
        .direction(direction)
        .constraints([Constraint::Percentage(64), Constraint::Percentage(36)])
        .areas(area);
    let [summary_area, table_area] = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(1), Constraint::Min(3)])
        .areas(table_area);
    let summary = match report {
        Some(r) => Line::from(vec![
            Span::styled(
                format!(" {} ", r.dry.run.summary()),
                theme.accent.add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!(
                    "· edit of {} · sort: {}{} · {} ms",
                    r.policy,
                    state.policy.dry_run_options.sort.label(),
                    if state.policy.dry_run_options.flips_only {
                        " · flips only"
                    } else {
                        ""
                    },
                    r.dry.elapsed_ms
                ),
                theme.muted,
            ),
        ]),
        None => Line::raw(""),
    };
    frame.render_widget(Paragraph::new(summary), summary_area);
    let rows = report
        .map(|r| r.dry.run.rows.as_slice())
        .unwrap_or_default();
    let list = ListView {
        title: format!("dry-run({})", state.gateway.name_of(gateway_id)),
        columns: COLUMNS,
        cursor,
        total: rows.len(),
        wide: state.wide,
        empty: empty_line(
            state,
            state.policy.dry_run.get(gateway_id),
            "captured calls",
            Some("call the gateway's tools first; the dry-run replays captures"),
            filter_of(cursor).or_else(|| {
                state
                    .policy
                    .dry_run_options
                    .flips_only
                    .then(|| "flips only (f shows all)".to_owned())
            }),
        ),
    };
    list.render(frame, table_area, theme, |i, theme| {
        let Some(r) = rows.get(i) else {
            return Vec::new();
        };
        let (mark, style) = match r.flip {
            Flip::AllowToDeny => (" ▼", theme.error.add_modifier(Modifier::BOLD)),
            Flip::DenyToAllow => (" ▲", theme.warning.add_modifier(Modifier::BOLD)),
            Flip::Unchanged => ("", theme.base),
        };
        let by = if r.after.determining_policies.is_empty() {
            "(default deny)".to_owned()
        } else {
            r.after.determining_policies.join(", ")
        };
        vec![
            Cell::from(r.time.clone()).style(theme.muted),
            Cell::from(r.tool.clone()).style(style),
            Cell::from(r.caller.clone()),
            Cell::from(r.before.decision.as_str()),
            Cell::from(format!("{}{mark}", r.after.decision.as_str())).style(style),
            Cell::from(by).style(theme.muted),
        ]
    });
    render_symbolic(state, gateway_id, frame, side);
}

fn render_symbolic(state: &AppState, gateway_id: &str, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" symbolic, per action ", theme.accent));
    let mut lines = Vec::new();
    match state.policy.dry_run_of(gateway_id) {
        Some(report) => match &report.dry.symbolic {
            Some(Ok(rows)) => {
                lines.push(Line::styled(comparison_summary(rows), theme.accent));
                for row in rows
                    .iter()
                    .filter(|r| r.comparison != Comparison::Equivalent)
                {
                    let style = match row.comparison {
                        Comparison::MorePermissive => theme.warning,
                        Comparison::LessPermissive => theme.error,
                        _ => theme.key,
                    };
                    lines.push(Line::raw(""));
                    lines.push(Line::from(vec![
                        Span::styled(row.action.clone(), theme.base.add_modifier(Modifier::BOLD)),
                        Span::styled(
                            format!(
                                " as {}",
                                row.principal_type.rsplit("::").next().unwrap_or("")
                            ),
                            theme.muted,
                        ),
                    ]));
                    lines.push(Line::styled(
                        format!("  {}", row.comparison.as_str()),
                        style,
                    ));
                    for (label, example) in [
                        ("now allowed", &row.newly_allowed),
                        ("now denied", &row.newly_denied),
                    ] {
                        if let Some(e) = example {
                            lines.push(Line::styled(format!("  {label}, e.g.:"), theme.muted));
                            // The whole request, with the principal's tags.
                            lines.extend(
                                e.text
                                    .lines()
                                    .map(|l| Line::styled(format!("    {l}"), theme.muted)),
                            );
                        }
                    }
                }
            }
            Some(Err(e)) => lines.push(Line::styled(format!("skipped: {e}"), theme.warning)),
            None => lines.push(Line::styled("skipped", theme.warning)),
        },
        None => lines.push(Line::styled("waiting for the dry-run…", theme.muted)),
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

const DETAIL_COLUMNS: &[Column] = &[Column::new("WHY", 10, 0)];

pub(crate) fn render_detail(
    state: &AppState,
    gateway_id: &str,
    index: usize,
    cursor: &ListCursor,
    frame: &mut Frame,
    area: Rect,
) {
    let lines = dry_run_detail_lines(state, gateway_id, index);
    let theme = &state.theme;
    let list = ListView {
        title: format!("why({})", state.gateway.name_of(gateway_id)),
        columns: DETAIL_COLUMNS,
        cursor,
        total: lines.len(),
        wide: state.wide,
        empty: Line::raw("this dry-run is no longer loaded (esc)"),
    };
    list.render(frame, area, theme, |i, theme| {
        let text = lines.get(i).cloned().unwrap_or_default();
        let style = if text.starts_with("# ") {
            theme.accent.add_modifier(Modifier::BOLD)
        } else if text.starts_with("// ") {
            theme.muted
        } else {
            theme.base
        };
        vec![Cell::from(text).style(style)]
    });
}
