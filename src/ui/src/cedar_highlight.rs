//! Cedar syntax highlighting for the policy editor, through syntect with a
//! syntax definition of our own (`themes/cedar.sublime-syntax`). Scopes map
//! to a few token kinds, and token kinds to the console theme, so every
//! theme (and NO_COLOR) colours Cedar consistently.

use std::ops::Range;
use std::sync::LazyLock;

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use syntect::parsing::{
    ParseState, Scope, ScopeStack, SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder,
};

use crate::theme::Theme;

/// What a span of Cedar text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CedarToken {
    Plain,
    Keyword,
    Variable,
    EntityType,
    EntityId,
    String,
    Number,
    Annotation,
    Comment,
    Method,
    Operator,
}

/// One highlighted line: tokens with their byte ranges, covering the line
/// in order.
pub type HighlightedLine = Vec<(CedarToken, Range<usize>)>;

/// Highlights whole documents (parse state carries across lines).
pub struct CedarHighlighter {
    syntaxes: SyntaxSet,
}

const SYNTAX: &str = include_str!("../../../themes/cedar.sublime-syntax");

/// Scope prefixes, most specific first, and what they mean.
const SCOPES: &[(&str, CedarToken)] = &[
    ("comment", CedarToken::Comment),
    ("meta.annotation", CedarToken::Annotation),
    ("punctuation.definition.annotation", CedarToken::Annotation),
    ("string.quoted.entity-id", CedarToken::EntityId),
    ("string", CedarToken::String),
    ("constant.character.escape", CedarToken::String),
    ("constant.numeric", CedarToken::Number),
    ("keyword.operator", CedarToken::Operator),
    ("keyword", CedarToken::Keyword),
    ("variable.language", CedarToken::Variable),
    ("entity.name.type", CedarToken::EntityType),
    ("punctuation.separator", CedarToken::EntityType),
    ("entity.name.function", CedarToken::Method),
    ("support.function", CedarToken::Method),
];

impl CedarHighlighter {
    /// Loads the embedded syntax. It is part of the binary, so failing to
    /// load it is a bug (a unit test loads it).
    pub fn new() -> Self {
        let definition = SyntaxDefinition::load_from_str(SYNTAX, true, Some("cedar"))
            .expect("themes/cedar.sublime-syntax is a valid syntax definition");
        let mut builder = SyntaxSetBuilder::new();
        builder.add(definition);
        CedarHighlighter {
            syntaxes: builder.build(),
        }
    }

    fn syntax(&self) -> &SyntaxReference {
        self.syntaxes
            .find_syntax_by_scope(Scope::new("source.cedar").expect("a valid scope"))
            .expect("the Cedar syntax is in its own set")
    }

    /// Tokens of every line.
    pub fn highlight(&self, lines: &[String]) -> Vec<HighlightedLine> {
        let mut state = ParseState::new(self.syntax());
        let mut stack = ScopeStack::new();
        let mut out = Vec::with_capacity(lines.len());
        for line in lines {
            // syntect expects the newline, and anchors `$` on it.
            let text = format!("{line}\n");
            let ops = state.parse_line(&text, &self.syntaxes).unwrap_or_default();
            let mut tokens: HighlightedLine = Vec::new();
            let mut at = 0;
            let push = |token: CedarToken, range: Range<usize>, tokens: &mut HighlightedLine| {
                if range.is_empty() {
                    return;
                }
                match tokens.last_mut() {
                    Some((last, r)) if *last == token && r.end == range.start => r.end = range.end,
                    _ => tokens.push((token, range)),
                }
            };
            for (offset, op) in ops {
                let end = offset.min(line.len());
                if end > at {
                    push(token_of(&stack), at..end, &mut tokens);
                    at = end;
                }
                // A malformed op (never from our syntax) only loses colour.
                let _ = stack.apply(&op);
            }
            if at < line.len() {
                push(token_of(&stack), at..line.len(), &mut tokens);
            }
            out.push(tokens);
        }
        out
    }
}

impl Default for CedarHighlighter {
    fn default() -> Self {
        Self::new()
    }
}

/// The innermost scope that means something decides the token.
fn token_of(stack: &ScopeStack) -> CedarToken {
    for scope in stack.as_slice().iter().rev() {
        let name = scope.build_string();
        if let Some((_, token)) = SCOPES.iter().find(|(prefix, _)| name.starts_with(prefix)) {
            return *token;
        }
    }
    CedarToken::Plain
}

static HIGHLIGHTER: LazyLock<CedarHighlighter> = LazyLock::new(CedarHighlighter::new);

/// The shared highlighter: loading the syntax costs milliseconds, once.
pub fn highlighter() -> &'static CedarHighlighter {
    &HIGHLIGHTER
}

/// The style of a token in a theme.
pub fn token_style(token: CedarToken, theme: &Theme) -> Style {
    match token {
        CedarToken::Plain | CedarToken::Operator => theme.base,
        CedarToken::Keyword => theme.key.add_modifier(Modifier::BOLD),
        CedarToken::Variable => theme.accent,
        CedarToken::EntityType => theme.success,
        CedarToken::EntityId => theme.warning,
        CedarToken::String => theme.success.add_modifier(Modifier::ITALIC),
        CedarToken::Number => theme.warning,
        CedarToken::Annotation | CedarToken::Comment => theme.muted.add_modifier(Modifier::ITALIC),
        CedarToken::Method => theme.accent.add_modifier(Modifier::BOLD),
    }
}

/// The lines, styled for the theme.
pub fn highlighted_lines(text_lines: &[String], theme: &Theme) -> Vec<Line<'static>> {
    highlighter()
        .highlight(text_lines)
        .into_iter()
        .zip(text_lines)
        .map(|(tokens, line)| {
            Line::from(
                tokens
                    .into_iter()
                    .map(|(token, range)| {
                        Span::styled(line[range].to_owned(), token_style(token, theme))
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const POLICY: &str = r#"// Support may refund small amounts
@id("refunds")
permit (principal is AgentCore::OAuthUser, action == AgentCore::Action::"Billing___refund", resource)
when {
  principal.hasTag("role") && principal.getTag("role") == "support" &&
  context.input.amount < 100
};"#;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    fn token_at(text: &str, needle: &str) -> CedarToken {
        let lines = lines(text);
        let highlighted = highlighter().highlight(&lines);
        for (line, tokens) in lines.iter().zip(&highlighted) {
            if let Some(at) = line.find(needle) {
                return tokens
                    .iter()
                    .find(|(_, r)| r.contains(&at))
                    .map(|(t, _)| *t)
                    .unwrap();
            }
        }
        panic!("{needle} not in the text");
    }

    #[test]
    fn each_kind_of_token_is_recognised() {
        for (needle, token) in [
            ("// Support", CedarToken::Comment),
            ("@id", CedarToken::Annotation),
            ("\"refunds\"", CedarToken::Annotation),
            ("permit", CedarToken::Keyword),
            ("principal is", CedarToken::Variable),
            (" is ", CedarToken::Plain),
            ("AgentCore::OAuthUser", CedarToken::EntityType),
            ("\"Billing___refund\"", CedarToken::EntityId),
            ("when", CedarToken::Keyword),
            ("hasTag", CedarToken::Method),
            ("getTag", CedarToken::Method),
            ("\"role\"", CedarToken::String),
            ("&&", CedarToken::Operator),
            ("100", CedarToken::Number),
            ("context", CedarToken::Variable),
        ] {
            let needle_at = if needle == " is " { "is " } else { needle };
            let found = token_at(POLICY, needle_at);
            if needle == " is " {
                assert_eq!(found, CedarToken::Keyword, "is");
            } else {
                assert_eq!(found, token, "{needle}");
            }
        }
    }

    #[test]
    fn tokens_cover_each_line_exactly() {
        let lines = lines(POLICY);
        for (line, tokens) in lines.iter().zip(highlighter().highlight(&lines)) {
            let mut at = 0;
            for (_, range) in &tokens {
                assert_eq!(range.start, at, "{line}");
                at = range.end;
            }
            assert_eq!(at, line.len(), "{line}");
        }
    }

    #[test]
    fn malformed_text_highlights_without_panicking() {
        for text in [
            "permit(principal, action == A::\"unterminated",
            "}}} ))) \"",
            "@",
            "\u{1F600} permit",
        ] {
            let lines = lines(text);
            let highlighted = highlighter().highlight(&lines);
            assert_eq!(highlighted.len(), lines.len());
        }
        // An unterminated string ends with its line.
        assert_eq!(
            token_at("when { \"open\nprincipal", "principal"),
            CedarToken::Variable
        );
    }
}
