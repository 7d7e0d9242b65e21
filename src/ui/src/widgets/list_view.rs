//! A virtualized table: only the rows in the viewport are built, so a list of
//! 10 000 tools costs the same per frame as a list of 40.

use ratatui::Frame;
use ratatui::layout::{Constraint, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table, Wrap,
};

use crate::shell::loadable::Loadable;
use crate::shell::state::{AppState, ListCursor};
use crate::theme::Theme;

/// Blank columns between two table columns.
const SPACING: u16 = 2;

/// How a cell's text is cut when its column is narrower than the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Keep the start: `descript…`.
    End,
    /// Keep both ends, for ids: `abcd…wxyz`.
    Middle,
}

/// One column of a [`ListView`]: its heading, how narrow it may get, and
/// how important it is. It is never wider than its widest visible text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The heading.
    pub name: &'static str,
    /// Never narrower than this (unless its content is narrower).
    pub min: u16,
    /// 0 identifies the row: it gets its width first and is never dropped.
    /// Higher numbers are dropped first when the columns do not fit.
    pub priority: u8,
    /// How text too wide for the column is cut.
    pub cut: Cut,
}

impl Column {
    /// A column cut at the end.
    pub const fn new(name: &'static str, min: u16, priority: u8) -> Column {
        Column {
            name,
            min,
            priority,
            cut: Cut::End,
        }
    }

    /// The same column, cut in the middle (ids).
    pub const fn id(self) -> Column {
        Column {
            cut: Cut::Middle,
            ..self
        }
    }
}

/// One cell: its text and style. The table measures and cuts the text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    text: String,
    style: Style,
}

impl Cell {
    /// The same cell drawn with `style`.
    pub fn style(self, style: Style) -> Cell {
        Cell { style, ..self }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell {
            text,
            style: Style::default(),
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::from(text.to_owned())
    }
}

/// A table over `cursor.visible`, drawn from `cursor.offset`.
pub struct ListView<'a> {
    /// Said in the top border, before the counter.
    pub title: String,
    /// The columns, in display order.
    pub columns: &'a [Column],
    /// Which rows show and which is selected.
    pub cursor: &'a ListCursor,
    /// Items before filtering, for the counter.
    pub total: usize,
    /// Shown when no row is visible (loading, empty, all filtered out).
    pub empty: Line<'a>,
    /// Every column, however narrow (the wide toggle).
    pub wide: bool,
}

/// The list counter: `[total]`, or `[shown/total]` while a filter narrows
/// the list.
pub(crate) fn counter(shown: usize, total: usize, filtered: bool) -> String {
    if filtered {
        format!("[{shown}/{total}]")
    } else {
        format!("[{total}]")
    }
}

impl ListView<'_> {
    /// Draws the table; `row(item_index, theme)` builds one row's cells
    /// with `theme`'s styles (the selection's variants on the selected row).
    pub fn render(
        self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        row: impl Fn(usize, &Theme) -> Vec<Cell>,
    ) {
        let shown = self.cursor.visible.len();
        let filtered = !self.cursor.filter.is_empty();
        let mut title = vec![
            Span::styled(format!(" {} ", self.title), theme.accent),
            Span::styled(counter(shown, self.total, filtered), theme.muted),
        ];
        if filtered {
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
        let selected_theme = theme.on_selection();
        let rows: Vec<(bool, Vec<Cell>)> = self.cursor.visible[self.cursor.offset.min(end)..end]
            .iter()
            .enumerate()
            .map(|(i, &item)| {
                let selected = self.cursor.offset + i == self.cursor.selected;
                let t = if selected { &selected_theme } else { theme };
                (selected, row(item, t))
            })
            .collect();
        let content: Vec<u16> = self
            .columns
            .iter()
            .enumerate()
            .map(|(c, col)| {
                rows.iter()
                    .filter_map(|(_, cells)| cells.get(c))
                    .map(|cell| text_width(&cell.text))
                    .chain([text_width(col.name)])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let widths = layout(self.columns, &content, inner.width, self.wide);
        let kept: Vec<(usize, u16)> = widths
            .iter()
            .enumerate()
            .filter_map(|(c, w)| w.map(|w| (c, w)))
            .collect();
        let cut_row = |cells: &[Cell]| -> Vec<ratatui::widgets::Cell<'static>> {
            kept.iter()
                .map(|&(c, w)| {
                    let cell = cells.get(c).cloned().unwrap_or_default();
                    ratatui::widgets::Cell::from(fit(&cell.text, w, self.columns[c].cut))
                        .style(cell.style)
                })
                .collect()
        };
        let body = rows.iter().map(|(selected, cells)| {
            let style = if *selected {
                theme.selection
            } else {
                Style::default()
            };
            Row::new(cut_row(cells)).style(style)
        });
        let headings: Vec<Cell> = self.columns.iter().map(|c| Cell::from(c.name)).collect();
        let header = Row::new(cut_row(&headings)).style(theme.muted);
        let table = Table::new(body, kept.iter().map(|&(_, w)| Constraint::Length(w)))
            .header(header)
            .column_spacing(SPACING);
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

/// The columns' widths in `width` cells, `None` for a dropped column.
/// `content` is each column's widest text (heading included). Columns are
/// dropped from the least important until the rest fit at their minimum
/// (in `wide` mode none is: the widest are narrowed instead); then, most
/// important first, each grows to its content.
pub(crate) fn layout(
    columns: &[Column],
    content: &[u16],
    width: u16,
    wide: bool,
) -> Vec<Option<u16>> {
    let want = |c: usize| content.get(c).copied().unwrap_or(0);
    let floor = |c: usize| columns[c].min.min(want(c));
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    let needed = |kept: &[usize]| {
        kept.iter().map(|&c| floor(c)).sum::<u16>()
            + SPACING.saturating_mul(kept.len().saturating_sub(1) as u16)
    };
    while !wide && kept.len() > 1 && needed(&kept) > width {
        // The least important; of equals, the rightmost.
        let Some(pos) = (0..kept.len()).max_by_key(|&p| (columns[kept[p]].priority, p)) else {
            break;
        };
        kept.remove(pos);
    }
    let needed_now = |widths: &[Option<u16>]| {
        let kept: Vec<u16> = widths.iter().flatten().copied().collect();
        kept.iter().sum::<u16>() + SPACING.saturating_mul(kept.len().saturating_sub(1) as u16)
    };
    let mut widths: Vec<Option<u16>> = vec![None; columns.len()];
    for &c in &kept {
        widths[c] = Some(floor(c));
    }
    if wide {
        // Every column stays: narrow the widest until they all fit.
        while needed_now(&widths) > width {
            let Some(c) = (0..widths.len()).max_by_key(|&c| (widths[c].unwrap_or(0), c)) else {
                break;
            };
            match widths[c] {
                Some(w) if w > 1 => widths[c] = Some(w - 1),
                _ => break,
            }
        }
    }
    let mut free = width.saturating_sub(needed_now(&widths));
    let mut by_priority = kept.clone();
    by_priority.sort_by_key(|&c| columns[c].priority);
    for c in by_priority {
        let current = widths[c].unwrap_or(0);
        let grow = want(c).saturating_sub(current).min(free);
        widths[c] = Some(current + grow);
        free -= grow;
    }
    widths
}

/// How many cells `text` takes.
fn text_width(text: &str) -> u16 {
    u16::try_from(Span::raw(text).width()).unwrap_or(u16::MAX)
}

/// `text` in at most `width` cells, cut with `…` as `cut` says.
pub(crate) fn fit(text: &str, width: u16, cut: Cut) -> String {
    if text_width(text) <= width {
        return text.to_owned();
    }
    let Some(room) = width.checked_sub(1) else {
        return String::new();
    };
    let char_width = |c: &char| text_width(c.encode_utf8(&mut [0; 4]));
    let take = |chars: &mut dyn Iterator<Item = char>, budget: u16| {
        let mut used = 0;
        let mut out = Vec::new();
        for c in chars {
            used += char_width(&c);
            if used > budget {
                break;
            }
            out.push(c);
        }
        out
    };
    match cut {
        Cut::End => {
            let head: String = take(&mut text.chars(), room).into_iter().collect();
            format!("{head}…")
        }
        Cut::Middle => {
            let front = room.div_ceil(2);
            let head: String = take(&mut text.chars(), front).into_iter().collect();
            let tail: String = take(&mut text.chars().rev(), room - front)
                .into_iter()
                .rev()
                .collect();
            format!("{head}…{tail}")
        }
    }
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// What an empty list says: progress while loading, the failure, or why
/// nothing shows: `no {what} match {filter} (esc clears it)` while a
/// filter hides rows, else `no {what} yet: {hint}` (or `no {what}`).
pub(crate) fn empty_line<'a, T>(
    state: &AppState,
    data: Option<&Loadable<T>>,
    what: &str,
    hint: Option<&str>,
    filter: Option<String>,
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
        _ => Line::raw(match (filter, hint) {
            (Some(f), _) => format!("no {what} match {f} (esc clears it)"),
            (None, Some(h)) => format!("no {what} yet: {h}"),
            (None, None) => format!("no {what}"),
        }),
    }
}

/// The cursor's filter as the user typed it (`/text`), if any.
pub(crate) fn filter_of(cursor: &ListCursor) -> Option<String> {
    (!cursor.filter.is_empty()).then(|| format!("/{}", cursor.filter.text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_cut_in_the_middle_and_text_at_the_end() {
        let id = "abcdefghijklmnopqrstuvwxyz";
        assert_eq!(fit(id, 9, Cut::Middle), "abcd…wxyz");
        assert_eq!(fit(id, 10, Cut::Middle), "abcde…wxyz");
        assert_eq!(fit(id, 9, Cut::End), "abcdefgh…");
        assert_eq!(fit(id, 26, Cut::Middle), id);
        assert_eq!(fit(id, 1, Cut::Middle), "…");
        assert_eq!(fit(id, 0, Cut::End), "");
        // By display width, never by bytes.
        assert_eq!(fit("ä→ö→ü→ß", 5, Cut::Middle), "ä→…→ß");
        assert_eq!(fit("名前名前", 5, Cut::End), "名前…");
    }

    const COLUMNS: &[Column] = &[
        Column::new("ID", 10, 0).id(),
        Column::new("STATE", 5, 1),
        Column::new("AGE", 4, 2),
        Column::new("NOTE", 8, 3),
    ];

    #[test]
    fn the_least_important_go_first_and_the_identifying_grow_first() {
        let content = [40, 7, 5, 30];
        // Everything fits: each column as wide as its content.
        assert_eq!(
            layout(COLUMNS, &content, 200, false),
            vec![Some(40), Some(7), Some(5), Some(30)]
        );
        // Less room: NOTE shrinks to its minimum, the id keeps its width.
        assert_eq!(
            layout(COLUMNS, &content, 66, false),
            vec![Some(40), Some(7), Some(5), Some(8)]
        );
        // Less: the others keep their minimums, the id takes what is left.
        assert_eq!(
            layout(COLUMNS, &content, 40, false),
            vec![Some(17), Some(5), Some(4), Some(8)]
        );
        // Too little for all minimums: NOTE, then AGE are dropped.
        assert_eq!(
            layout(COLUMNS, &content, 30, false),
            vec![Some(17), Some(5), Some(4), None]
        );
        assert_eq!(
            layout(COLUMNS, &content, 20, false),
            vec![Some(13), Some(5), None, None]
        );
        // The identifying column is never dropped.
        assert_eq!(layout(COLUMNS, &content, 4, false)[0], Some(10));
    }

    #[test]
    fn wide_keeps_every_column_within_the_width() {
        let content = [40, 7, 5, 30];
        let widths = layout(COLUMNS, &content, 30, true);
        assert!(widths.iter().all(Option::is_some), "{widths:?}");
        let used: u16 = widths.iter().flatten().sum::<u16>() + 3 * SPACING;
        assert!(used <= 30, "{widths:?}");
    }

    #[test]
    fn the_counter_says_shown_of_total_only_while_filtered() {
        assert_eq!(counter(3, 3, false), "[3]");
        assert_eq!(counter(3, 3, true), "[3/3]");
        assert_eq!(counter(0, 1, true), "[0/1]");
    }
}
