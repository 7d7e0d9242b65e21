//! Cedar syntax highlighting for the policy editor, through syntect with a
//! syntax definition of our own (`themes/cedar.sublime-syntax`). Scopes map
//! to a few token kinds, and token kinds to the console theme, so every
//! theme (and NO_COLOR) colours Cedar consistently without syntect themes.

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
    /// Anything else: whitespace, punctuation, identifiers, attributes.
    Plain,
    /// `permit`, `forbid`, `when`, `unless`, `in`, `has`, `like`, `is`,
    /// `if`, `then`, `else`, `true`, `false`.
    Keyword,
    /// `principal`, `action`, `resource`, `context`.
    Variable,
    /// An entity type path such as `AgentCore::OAuthUser` (with its `::`).
    EntityType,
    /// The quoted id of an entity reference, `"alice"` in `User::"alice"`.
    EntityId,
    /// Any other string literal, escapes included.
    String,
    /// An integer literal.
    Number,
    /// An annotation such as `@id("refunds")`, value included.
    Annotation,
    /// A `//` line comment.
    Comment,
    /// A method or extension function name: `hasTag` in `.hasTag(`, `ip(`.
    Method,
    /// `==`, `!=`, `<=`, `&&`, `||`, `!`, `+` and the like.
    Operator,
}

/// One highlighted line: (token, byte range in the line), covering the
/// whole line in order with no gaps or overlaps.
pub type HighlightedLine = Vec<(CedarToken, Range<usize>)>;

/// The syntax, embedded so the binary needs no files at run time.
const SYNTAX: &str = include_str!("../../../../../themes/cedar.sublime-syntax");

/// Scope prefixes and what they mean. Within one scope the first match
/// wins, so the more specific prefixes come first.
const SCOPES: &[(&str, CedarToken)] = &[
    ("comment", CedarToken::Comment),
    ("meta.annotation", CedarToken::Annotation),
    ("punctuation.definition.annotation", CedarToken::Annotation),
    ("storage.type.annotation", CedarToken::Annotation),
    ("string.quoted.double.annotation", CedarToken::Annotation),
    ("string.quoted.double.entity-id", CedarToken::EntityId),
    ("string", CedarToken::String),
    ("constant.character.escape", CedarToken::String),
    ("constant.numeric", CedarToken::Number),
    ("constant.language", CedarToken::Keyword),
    // `in`, `has`, `like`, `is` read as keywords, not as symbols.
    ("keyword.operator.word", CedarToken::Keyword),
    ("keyword.operator", CedarToken::Operator),
    ("keyword", CedarToken::Keyword),
    ("variable.language", CedarToken::Variable),
    ("entity.name.type", CedarToken::EntityType),
    ("punctuation.separator.namespace", CedarToken::EntityType),
    ("entity.name.function", CedarToken::Method),
    ("support.function", CedarToken::Method),
];

/// Highlights whole documents; built once (see [`highlighter`]).
pub struct CedarHighlighter {
    syntaxes: SyntaxSet,
    /// The Cedar syntax of `syntaxes`; a clone, since it cannot borrow
    /// from the set stored beside it.
    syntax: SyntaxReference,
    /// [`SCOPES`] parsed once, so matching a token compares atoms only.
    scopes: Vec<(Scope, CedarToken)>,
}

impl CedarHighlighter {
    /// Loads the embedded syntax. It is part of the binary, so failing to
    /// load it is a bug, which the unit tests would catch.
    pub fn new() -> Self {
        let definition = SyntaxDefinition::load_from_str(SYNTAX, true, Some("cedar"))
            .expect("themes/cedar.sublime-syntax is a valid syntax definition");
        let mut builder = SyntaxSetBuilder::new();
        builder.add(definition);
        let syntaxes = builder.build();
        let syntax = syntaxes
            .find_syntax_by_scope(Scope::new("source.cedar").expect("a valid scope"))
            .expect("the Cedar syntax is in its own set")
            .clone();
        let scopes = SCOPES
            .iter()
            .map(|(prefix, token)| (Scope::new(prefix).expect("a valid scope prefix"), *token))
            .collect();
        CedarHighlighter {
            syntaxes,
            syntax,
            scopes,
        }
    }

    /// The tokens of every line, parse state carried from line to line.
    pub fn highlight(&self, lines: &[String]) -> Vec<HighlightedLine> {
        let mut state = ParseState::new(&self.syntax);
        let mut stack = ScopeStack::new();
        let mut text = String::new();
        let mut out = Vec::with_capacity(lines.len());
        for line in lines {
            // The syntax was loaded for lines with their newline, which
            // anchors `$` (ending unterminated strings at the line's end).
            text.clear();
            text.push_str(line);
            text.push('\n');
            // A parse error (never from our syntax) only loses colour.
            let ops = state.parse_line(&text, &self.syntaxes).unwrap_or_default();
            let mut tokens = HighlightedLine::new();
            let mut at = 0;
            for (offset, op) in ops {
                let end = offset.min(line.len());
                if end > at {
                    push_token(&mut tokens, self.token_of(&stack), at..end);
                    at = end;
                }
                let _ = stack.apply(&op);
            }
            if at < line.len() {
                push_token(&mut tokens, self.token_of(&stack), at..line.len());
            }
            out.push(tokens);
        }
        out
    }

    /// The innermost scope that means something decides the token, so a
    /// method name inside an expression is a method, not plain text.
    fn token_of(&self, stack: &ScopeStack) -> CedarToken {
        stack
            .as_slice()
            .iter()
            .rev()
            .find_map(|scope| {
                self.scopes
                    .iter()
                    .find(|(prefix, _)| prefix.is_prefix_of(*scope))
                    .map(|(_, token)| *token)
            })
            .unwrap_or(CedarToken::Plain)
    }
}

/// Appends a token, merging it into the previous one of the same kind so
/// callers get few, long spans.
fn push_token(tokens: &mut HighlightedLine, token: CedarToken, range: Range<usize>) {
    match tokens.last_mut() {
        Some((last, r)) if *last == token && r.end == range.start => r.end = range.end,
        _ => tokens.push((token, range)),
    }
}

impl Default for CedarHighlighter {
    fn default() -> Self {
        Self::new()
    }
}

static HIGHLIGHTER: LazyLock<CedarHighlighter> = LazyLock::new(CedarHighlighter::new);

/// A shared instance: loading and linking the syntax costs milliseconds,
/// so it happens once, on first use.
pub fn highlighter() -> &'static CedarHighlighter {
    &HIGHLIGHTER
}

/// The ratatui style for a token in a theme.
pub fn token_style(token: CedarToken, theme: &Theme) -> Style {
    match token {
        CedarToken::Plain | CedarToken::Operator => theme.base,
        CedarToken::Keyword => theme.key.add_modifier(Modifier::BOLD),
        CedarToken::Variable => theme.accent,
        CedarToken::EntityType => theme.success,
        CedarToken::EntityId => theme.warning,
        // Italic tells a string from an entity type of the same colour.
        CedarToken::String => theme.success.add_modifier(Modifier::ITALIC),
        CedarToken::Number => theme.warning,
        CedarToken::Annotation | CedarToken::Comment => theme.muted.add_modifier(Modifier::ITALIC),
        CedarToken::Method => theme.accent.add_modifier(Modifier::BOLD),
    }
}

/// Convenience: ratatui lines for the text, styled by [`token_style`].
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

    /// The realistic policy of the brief, `when` on one line.
    const POLICY: &str = r#"// Support may refund small amounts
@id("refunds")
permit (principal is AgentCore::OAuthUser, action == AgentCore::Action::"Billing___refund", resource == AgentCore::Gateway::"arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/hub")
when { principal.hasTag("role") && principal.getTag("role") == "support" && context.input.amount < 100 };"#;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    /// The token kinds over `needle` inside the first occurrence of
    /// `context` (which disambiguates, e.g. `in` inside `principal`).
    fn tokens_over(text: &str, context: &str, needle: &str) -> Vec<CedarToken> {
        let lines = lines(text);
        let highlighted = highlighter().highlight(&lines);
        for (line, tokens) in lines.iter().zip(&highlighted) {
            if let Some(at) = line.find(context) {
                let start = at + context.find(needle).expect("needle inside context");
                let end = start + needle.len();
                return tokens
                    .iter()
                    .filter(|(_, r)| r.start < end && start < r.end)
                    .map(|(t, _)| *t)
                    .collect();
            }
        }
        panic!("{context:?} is not in the text");
    }

    /// Asserts that `needle`, found inside `context`, is exactly one token
    /// of kind `token`.
    fn assert_at(text: &str, context: &str, needle: &str, token: CedarToken) {
        assert_eq!(
            tokens_over(text, context, needle),
            vec![token],
            "{needle:?} in {context:?}"
        );
    }

    /// Asserts that the first `needle` is exactly one token of kind `token`.
    fn assert_token(text: &str, needle: &str, token: CedarToken) {
        assert_at(text, needle, needle, token);
    }

    fn assert_covers(text: &str) {
        let lines = lines(text);
        let highlighted = highlighter().highlight(&lines);
        assert_eq!(highlighted.len(), lines.len());
        for (line, tokens) in lines.iter().zip(&highlighted) {
            let mut at = 0;
            for (_, range) in tokens {
                assert_eq!(range.start, at, "gap or overlap in {line:?}");
                assert!(range.end > range.start, "empty token in {line:?}");
                assert!(line.is_char_boundary(range.end), "{line:?}");
                at = range.end;
            }
            assert_eq!(at, line.len(), "{line:?} not covered");
        }
    }

    #[test]
    fn the_embedded_syntax_loads() {
        let highlighter = CedarHighlighter::new();
        assert_eq!(highlighter.syntax.name, "Cedar");
    }

    #[test]
    fn each_kind_of_token_is_recognised() {
        use CedarToken::*;
        for (needle, token) in [
            ("// Support may refund small amounts", Comment),
            ("@id(\"refunds\")", Annotation),
            ("permit", Keyword),
            ("principal", Variable),
            ("AgentCore::OAuthUser", EntityType),
            ("==", Operator),
            ("AgentCore::Action::", EntityType),
            ("\"Billing___refund\"", EntityId),
            ("resource", Variable),
            (
                "\"arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/hub\"",
                EntityId,
            ),
            ("when", Keyword),
            ("hasTag", Method),
            ("getTag", Method),
            ("\"role\"", String),
            ("\"support\"", String),
            ("&&", Operator),
            ("context", Variable),
            ("<", Operator),
            ("100", Number),
        ] {
            assert_token(POLICY, needle, token);
        }
        assert_at(POLICY, "principal is", "is", Keyword);
        // The `.` of a call and the attributes of context are plain.
        assert_token(POLICY, ".input.amount", Plain);
    }

    #[test]
    fn other_constructs_are_recognised() {
        use CedarToken::*;
        let text = r#"forbid (principal is User, action in [A::"a", A::"b"], resource)
unless { context.ok == true || !(resource has owner) || ip("10.0.0.1").isInRange(ip("10.0.0.0/8")) }
when { context.path like "a\*b\"c" && [1, 2].containsAll([1]) && context.action == false };"#;
        assert_token(text, "forbid", Keyword);
        assert_token(text, "User", EntityType);
        assert_at(text, "action in", "in", Keyword);
        assert_token(text, "unless", Keyword);
        assert_token(text, "true", Keyword);
        assert_token(text, "false", Keyword);
        assert_token(text, "||", Operator);
        assert_token(text, "has", Keyword);
        assert_token(text, "like", Keyword);
        assert_at(text, "|| ip(", "ip", Method);
        assert_token(text, "isInRange", Method);
        assert_token(text, "containsAll", Method);
        assert_token(text, r#""a\*b\"c""#, String);
        assert_at(text, "[1, 2]", "2", Number);
        // An attribute named like a variable is an attribute.
        assert_token(text, ".action", Plain);
    }

    #[test]
    fn tokens_cover_each_line_exactly() {
        assert_covers(POLICY);
        assert_covers("\n\n   \n");
        assert_covers("permit(principal == User::\"caf\u{e9} \u{1F600}\", action, resource);");
    }

    #[test]
    fn state_carries_across_lines() {
        let text = r#"permit (
  principal,
  action == AgentCore::Action::"Billing___refund",
  resource
)
when {
  principal.hasTag("role") &&
  principal.getTag("role") == "support" &&
  context.input.amount < 100
};"#;
        assert_covers(text);
        assert_token(text, "\"Billing___refund\"", CedarToken::EntityId);
        assert_token(text, "hasTag", CedarToken::Method);
        assert_token(text, "\"support\"", CedarToken::String);
        assert_token(text, "100", CedarToken::Number);
        // An annotation's value on the next line belongs to it, which only
        // the carried state knows: highlighted alone, it is a plain string.
        let split = "@id\n(\"x\")\npermit (principal, action, resource);";
        assert_token(split, "(\"x\")", CedarToken::Annotation);
        assert_token("(\"x\")", "\"x\"", CedarToken::String);
        assert_token(split, "permit", CedarToken::Keyword);
    }

    #[test]
    fn malformed_text_highlights_without_panicking() {
        for text in [
            "permit(principal, action == A::\"unterminated",
            "}}} ))) \"",
            "@",
            "@id(\"open",
            "A::",
            "\\",
            "\u{1F600} permit \u{1F600}",
            "when { principal.hasTag( ",
        ] {
            assert_covers(text);
        }
        // An unterminated string ends with its line.
        assert_token(
            "when { \"open\nprincipal",
            "principal",
            CedarToken::Variable,
        );
        assert_token("@id(\"open\npermit", "permit", CedarToken::Keyword);
    }

    #[test]
    fn styled_lines_keep_the_text() {
        let theme = crate::theme::Theme::dark();
        let lines = lines(POLICY);
        let styled = highlighted_lines(&lines, &theme);
        for (line, styled) in lines.iter().zip(&styled) {
            let text: std::string::String =
                styled.spans.iter().map(|s| s.content.as_ref()).collect();
            assert_eq!(&text, line);
        }
        assert_ne!(
            token_style(CedarToken::Keyword, &theme),
            token_style(CedarToken::Plain, &theme)
        );
    }
}
