//! A virtualized table: only the rows in the viewport are built, so a list of
//! 10 000 tools costs the same per frame as a list of 40.

use ratatui::Frame;
use ratatui::layout::{Constraint, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table,
    Wrap,
};

use crate::shell::loadable::Loadable;
use crate::shell::state::{AppState, ListCursor};
use crate::theme::Theme;

/// A table over `cursor.visible`, drawn from `cursor.offset`.
pub struct ListView<'a> {
    /// Said in the top border, before the counter.
    pub title: String,
    /// Column headings and widths.
    pub columns: &'a [(&'a str, Constraint)],
    /// Which rows show and which is selected.
    pub cursor: &'a ListCursor,
    /// Items before filtering, for the `[shown/total]` counter.
    pub total: usize,
    /// Shown when no row is visible (loading, empty, all filtered out).
    pub empty: Line<'a>,
}

impl ListView<'_> {
    /// Draws the table; `row(item_index)` builds one row's cells.
    pub fn render<'r>(
        self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        row: impl Fn(usize) -> Vec<Cell<'r>>,
    ) {
        let shown = self.cursor.visible.len();
        let counter = if shown == self.total {
            format!("[{}]", self.total)
        } else {
            format!("[{shown}/{}]", self.total)
        };
        let mut title = vec![
            Span::styled(format!(" {}", self.title), theme.accent),
            Span::styled(counter, theme.muted),
        ];
        if !self.cursor.filter.text.is_empty() {
            title.push(Span::styled(
                format!(" </{}>", self.cursor.filter.text),
                theme.warning,
            ));
        }
        title.push(Span::raw(" "));
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Line::from(title));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if shown == 0 {
            frame.render_widget(
                Paragraph::new(self.empty)
                    .style(theme.muted)
                    .wrap(Wrap { trim: true }),
                inner.inner(Margin::new(1, 1)),
            );
            return;
        }
        let height = inner.height.saturating_sub(1) as usize;
        let end = (self.cursor.offset + height).min(shown);
        let rows = self.cursor.visible[self.cursor.offset.min(end)..end]
            .iter()
            .enumerate()
            .map(|(i, &item)| {
                let style = if self.cursor.offset + i == self.cursor.selected {
                    theme.selection
                } else {
                    Style::default()
                };
                Row::new(row(item)).style(style)
            });
        let header =
            Row::new(self.columns.iter().map(|(name, _)| Cell::from(*name))).style(theme.muted);
        let table = Table::new(rows, self.columns.iter().map(|(_, w)| *w))
            .header(header)
            .column_spacing(2);
        frame.render_widget(table, inner);
        if shown > height {
            let mut bar =
                ScrollbarState::new(shown.saturating_sub(height)).position(self.cursor.offset);
            frame.render_stateful_widget(
                Scrollbar::new(ScrollbarOrientation::VerticalRight).style(theme.border),
                area.inner(Margin::new(0, 1)),
                &mut bar,
            );
        }
    }
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// What an empty list says: progress while loading, the failure, or why
/// nothing shows.
pub(crate) fn empty_line<'a, T>(
    state: &AppState,
    data: Option<&Loadable<T>>,
    what: &str,
    filtered: bool,
) -> Line<'a> {
    match data {
        Some(Loadable::Loading { since_tick }) => {
            let elapsed = state.tick.saturating_sub(*since_tick) as f64 / 10.0;
            let frame = SPINNER[(state.tick as usize) % SPINNER.len()];
            Line::from(vec![
                Span::styled(format!("{frame} "), state.theme.accent),
                Span::raw(format!("loading {what}… {elapsed:.1}s")),
            ])
        }
        Some(Loadable::Failed(e)) => Line::styled(
            format!("could not load {what}: {e}  (ctrl-r retries)"),
            state.theme.error,
        ),
        _ if filtered => Line::raw(format!("no {what} match the filter (esc clears it)")),
        _ => Line::raw(format!("no {what}")),
    }
}
