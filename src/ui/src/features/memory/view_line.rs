//! The memory screens that read as text (a memory, a conversation, a
//! record, the scan) are lists of lines: each with a tone the view colours,
//! and, for the scan, the actor it is about (what ctrl-d erases).

use acc_domain::sensitive_scan::mask_sensitive;
use ratatui::style::{Modifier, Style};

use crate::theme::Theme;

/// How a line is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// A section heading.
    Heading,
    /// Ordinary text.
    Plain,
    /// Secondary text (timestamps, ids, metadata).
    Muted,
    /// Something to look at (an honest note, a flag).
    Warning,
    /// A user's turn.
    User,
    /// The assistant's turn.
    Assistant,
    /// A tool's turn.
    Tool,
    /// Any other role, and blobs.
    Other,
}

impl Tone {
    /// The tone of a payload's role.
    pub fn of_role(role: &str) -> Tone {
        match role {
            "USER" => Tone::User,
            "ASSISTANT" => Tone::Assistant,
            "TOOL" => Tone::Tool,
            _ => Tone::Other,
        }
    }

    /// Its style in `theme`.
    pub fn style(self, theme: &Theme) -> Style {
        match self {
            Tone::Heading => theme.accent.add_modifier(Modifier::BOLD),
            Tone::Plain => theme.base,
            Tone::Muted | Tone::Other => theme.muted,
            Tone::Warning | Tone::Tool => theme.warning,
            Tone::User => theme.accent,
            Tone::Assistant => theme.success,
        }
    }
}

/// One line of a text screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewLine {
    /// What it says.
    pub text: String,
    /// How it is coloured.
    pub tone: Tone,
    /// The actor it is about, when ctrl-d can erase one from it.
    pub actor: Option<String>,
}

impl ViewLine {
    /// A line of `text` in `tone`.
    pub fn new(text: impl Into<String>, tone: Tone) -> ViewLine {
        ViewLine {
            text: text.into(),
            tone,
            actor: None,
        }
    }

    /// A heading.
    pub fn heading(text: impl Into<String>) -> ViewLine {
        ViewLine::new(format!("# {}", text.into()), Tone::Heading)
    }

    /// A blank line.
    pub fn blank() -> ViewLine {
        ViewLine::new("", Tone::Plain)
    }
}

/// `text` as shown: masked unless `revealed`.
pub fn shown(text: &str, revealed: bool) -> String {
    if revealed {
        text.to_owned()
    } else {
        mask_sensitive(text)
    }
}

/// Lines of `text` (masked as a whole first, so a block spanning lines is
/// masked whole), each indented by `indent` and prefixed by `first` on the
/// first line.
pub fn text_lines(
    text: &str,
    revealed: bool,
    first: &str,
    indent: usize,
    tone: Tone,
) -> Vec<ViewLine> {
    let shown = shown(text, revealed);
    let pad = " ".repeat(indent);
    // Continuation lines align under the text after a lead.
    let width = if first.is_empty() { 0 } else { 11 };
    let mut out: Vec<ViewLine> = shown
        .lines()
        .enumerate()
        .map(|(k, line)| {
            let lead = if k == 0 { first } else { "" };
            ViewLine::new(format!("{pad}{lead:<width$}{line}"), tone)
        })
        .collect();
    if out.is_empty() {
        out.push(ViewLine::new(format!("{pad}{first}"), tone));
    }
    out
}
