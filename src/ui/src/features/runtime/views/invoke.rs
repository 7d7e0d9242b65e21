//! The invoke console: the JSON payload, the session (new, or the last one
//! continued), the user id, and the session's transcript: each turn its
//! payload and its stream, newest at the bottom, parsed (JSON frames
//! pretty-printed, text deltas concatenated, mid-stream errors in red, in
//! the order they came) or raw (the exact bytes), with the latest turn's
//! time to first byte, events per second and totals.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::features::runtime::invocation::{FrameLine, InvocationRun, RunState, StreamView};
use crate::features::runtime::invoke::{InvokeConsole, InvokeFocus};
use crate::shell::state::AppState;
use crate::theme::Theme;

pub(crate) fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let Some(console) = state.runtime.invoke.as_ref() else {
        frame.render_widget(Paragraph::new("no runtime is open (esc)"), area);
        return;
    };
    let [left, right] = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(38), Constraint::Percentage(62)])
        .areas(area);
    render_request(state, console, frame, left);
    render_stream(state, console, frame, right);
}

fn render_request(state: &AppState, console: &InvokeConsole, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let [payload_area, meta_area] = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Min(4), Constraint::Length(8)])
        .areas(area);
    let focused = |f: InvokeFocus| {
        if console.focus == f {
            theme.accent
        } else {
            theme.border
        }
    };
    let native = if console.runtime.artifact.starts_with("native:") {
        " · native (dev loop; AgentCore runs arm64 images)"
    } else {
        ""
    };
    let mut editor = console.payload.clone();
    editor.set_block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(focused(InvokeFocus::Payload))
            .title(Span::styled(
                format!(" payload → {}{native} ", console.runtime.name),
                theme.accent,
            )),
    );
    editor.set_style(theme.base);
    frame.render_widget(&editor, payload_area);
    let session = match &console.session {
        Some(id) => format!("{id} (continues)"),
        None => "new (ctrl-n after a turn starts over)".into(),
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled("session  ", theme.muted),
            Span::raw(session),
        ]),
        Line::from(vec![
            Span::styled("auth     ", theme.muted),
            Span::raw(if console.runtime.is_jwt() {
                "bearer JWT over HTTPS"
            } else {
                "SigV4 (AWS SDK)"
            }),
        ]),
        Line::from(vec![
            Span::styled("user id  ", theme.muted),
            Span::raw(if console.user.is_empty() {
                "(none: tab to type one)".to_owned()
            } else {
                console.user.clone()
            }),
        ]),
    ];
    if let Some(problem) = &console.problem {
        lines.push(Line::styled(problem.clone(), theme.error));
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(focused(InvokeFocus::User)),
        ),
        meta_area,
    );
}

fn render_stream(state: &AppState, console: &InvokeConsole, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let view = match console.view {
        StreamView::Parsed => "parsed",
        StreamView::Raw => "raw",
    };
    let Some(run) = &console.run else {
        frame.render_widget(
            Paragraph::new("ctrl-s invokes the runtime; its stream shows here as it arrives")
                .style(theme.muted)
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(theme.border),
                ),
            area,
        );
        return;
    };
    let (status, status_style) = status(run, theme);
    let stats = format!(
        " first byte {} · {} events · {:.0} events/s · {} bytes · {:.2} s ",
        run.first_byte_ms
            .map(|ms| format!("{ms:.0} ms"))
            .unwrap_or_else(|| "-".into()),
        run.events,
        run.rate(),
        run.bytes,
        run.elapsed_ms / 1e3
    );
    let height = area.height.saturating_sub(2) as usize;
    // Only the lines in view (and those scrolled past) are built: a frame
    // drawn during a fast stream costs the same at event 100 as at 100 000.
    let mut lines = transcript_tail(console, theme, height + console.scroll);
    let scrolled = console.scroll.min(lines.len().saturating_sub(height));
    lines.truncate(lines.len() - scrolled);
    let mut title = vec![
        Span::styled(format!(" {view} · "), theme.accent),
        Span::styled(status, status_style),
    ];
    if scrolled > 0 {
        title.push(Span::styled(
            format!(" · ↑ {scrolled} lines (pgdn)"),
            theme.muted,
        ));
    }
    title.push(Span::raw(" "));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Line::from(title))
        .title_bottom(Line::styled(stats, theme.muted));
    let first = lines.len().saturating_sub(height);
    frame.render_widget(
        Paragraph::new(lines.split_off(first))
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// Where the latest turn stands, for the title: an error frame mid-stream
/// ends it in error though the answer itself ended well.
fn status(run: &InvocationRun, theme: &Theme) -> (String, Style) {
    match (&run.state, run.stream_error()) {
        (RunState::Failed(e), _) => (format!("failed: {e}"), theme.error),
        (RunState::Starting, _) => ("waiting for the first byte…".to_owned(), theme.warning),
        (_, Some(e)) => (format!("ended in error: {e}"), theme.error),
        (RunState::Streaming, None) => ("streaming".to_owned(), theme.accent),
        (RunState::Done, None) => ("done".to_owned(), theme.success),
    }
}

/// The last `want` lines of the transcript: each turn its payload, then
/// its answer (parsed or raw), a blank line between turns.
fn transcript_tail(console: &InvokeConsole, theme: &Theme, want: usize) -> Vec<Line<'static>> {
    // Built newest first, then turned around.
    let mut tail: Vec<Line> = Vec::with_capacity(want);
    let turns = console.run.iter().chain(console.transcript.iter().rev());
    for (i, run) in turns.enumerate() {
        if tail.len() >= want {
            break;
        }
        if i > 0 {
            tail.push(Line::raw(""));
        }
        let left = want.saturating_sub(tail.len());
        let body = match console.view {
            StreamView::Raw => raw_tail(run, left),
            StreamView::Parsed => parsed_tail(run, theme, left),
        };
        tail.extend(body.into_iter().rev());
        let prompt = theme.accent.add_modifier(Modifier::BOLD);
        let payload: Vec<Line> = run
            .payload
            .lines()
            .enumerate()
            .map(|(n, l)| Line::styled(format!("{} {l}", if n == 0 { "›" } else { " " }), prompt))
            .collect();
        tail.extend(payload.into_iter().rev());
    }
    tail.truncate(want);
    tail.reverse();
    tail
}

/// The last `want` lines of the raw bytes.
fn raw_tail(run: &InvocationRun, want: usize) -> Vec<Line<'static>> {
    // Start after the (want + 1)-th newline from the end: enough lines even
    // when the bytes end with a newline.
    let start = run
        .raw
        .iter()
        .rev()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(want)
        .map_or(0, |(from_end, _)| run.raw.len() - from_end);
    let bytes: Vec<u8> = run.raw.range(start..).copied().collect();
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(want)..]
        .iter()
        .map(|l| Line::raw((*l).to_owned()))
        .collect()
}

/// The last `want` lines of the parsed view: the text, the frames
/// (pretty JSON, other data) and the errors, in the order they came.
fn parsed_tail(run: &InvocationRun, theme: &Theme, want: usize) -> Vec<Line<'static>> {
    let mut tail: Vec<Line> = Vec::with_capacity(want);
    for frame_line in run.frames.iter().rev() {
        if tail.len() >= want {
            break;
        }
        let left = want - tail.len();
        match frame_line {
            FrameLine::Text(text) => tail.extend(
                text.lines()
                    .rev()
                    .take(left)
                    .map(|l| Line::raw(l.to_owned())),
            ),
            FrameLine::Json(text) | FrameLine::Raw(text) => tail.extend(
                text.lines()
                    .rev()
                    .take(left)
                    .map(|l| Line::styled(l.to_owned(), theme.muted)),
            ),
            FrameLine::Error(e) => tail.push(Line::styled(
                format!("error in stream: {e}"),
                theme.error.add_modifier(Modifier::BOLD),
            )),
        }
    }
    tail.reverse();
    tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    /// The tails are exactly the last lines of everything, built in full.
    #[test]
    fn tails_are_the_last_lines_of_the_whole_stream() {
        let mut run = InvocationRun::new(1, String::new());
        run.content_type = "text/event-stream".into();
        let mut body = String::new();
        for i in 0..40 {
            body.push_str(&format!("data: {{\"type\":\"step\",\"n\":{i}}}\n\n"));
            body.push_str(&format!("data: {{\"delta\":\"line {i}\\n\"}}\n\n"));
            if i % 13 == 0 {
                body.push_str("data: {\"error\":\"upstream hiccup\"}\n\n");
            }
        }
        run.on_chunk(1.0, body.as_bytes());
        let theme = Theme::dark();
        let mut full: Vec<String> = Vec::new();
        for frame_line in &run.frames {
            match frame_line {
                FrameLine::Text(t) | FrameLine::Json(t) | FrameLine::Raw(t) => {
                    full.extend(t.lines().map(str::to_owned))
                }
                FrameLine::Error(e) => full.push(format!("error in stream: {e}")),
            }
        }
        let raw: Vec<String> = body.lines().map(str::to_owned).collect();
        assert!(run.text().lines().count() >= 40, "{:?}", run.text());
        assert!(run.frames.iter().any(|f| matches!(f, FrameLine::Error(_))));
        for want in [1, 5, 39, 41, 200, 5_000] {
            let parsed = texts(&parsed_tail(&run, &theme, want));
            assert_eq!(
                parsed,
                full[full.len().saturating_sub(want)..],
                "parsed, {want}"
            );
            let raw_lines = texts(&raw_tail(&run, want));
            assert_eq!(
                raw_lines,
                raw[raw.len().saturating_sub(want)..],
                "raw, {want}"
            );
        }
    }
}
