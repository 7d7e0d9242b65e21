//! CloudWatch Logs filter patterns, the subset the console and scripts use:
//!
//! - terms: `ERROR timeout` (every term), `"exact phrase"`, `-term`
//!   (excluded), `?a ?b` (any of);
//! - JSON: `{ $.outcome = "denied" && ($.tool = "crm___*" || $.latencyMs > 500) }`
//!   with `=`, `!=` (strings, `*` wildcards, numbers), `<`, `<=`, `>`, `>=`
//!   (numbers), `&&`, `||` and parentheses.
//!
//! Anything else is refused with a message, as CloudWatch refuses it.

use serde_json::Value;

/// CloudWatch's limit on a filter pattern, in characters. It also bounds
/// the depth of a JSON pattern's tree (a chain of `&&` nests one level a
/// term), which is walked and dropped recursively.
pub(crate) const MAX_PATTERN_LENGTH: usize = 1024;
/// Parentheses nest at most this deep in a JSON pattern. CloudWatch states
/// no limit; real patterns nest two or three levels. The parser recurses
/// three frames a level, so 64 levels stay far inside any thread's stack
/// (a unit test parses at the limit on a 256 KiB stack).
pub(crate) const MAX_NESTING: usize = 64;

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FilterPattern {
    /// The empty pattern: every event.
    All,
    Terms {
        required: Vec<String>,
        excluded: Vec<String>,
        any_of: Vec<String>,
    },
    Json(Expr),
}

/// A JSON pattern expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare {
        path: Vec<String>,
        op: Op,
        value: Literal,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Text(String),
    Number(f64),
}

impl FilterPattern {
    /// Parse `pattern`; the error says what is wrong, for the caller.
    pub(crate) fn parse(pattern: &str) -> Result<Self, String> {
        let trimmed = pattern.trim();
        if trimmed.is_empty() {
            return Ok(Self::All);
        }
        // Bounded before anything recursive runs on it.
        if trimmed.starts_with('{') {
            let depth = nesting(trimmed);
            if depth > MAX_NESTING {
                return Err(format!(
                    "parentheses nest {depth} levels deep; at most {MAX_NESTING} are allowed"
                ));
            }
        }
        let length = pattern.chars().count();
        if length > MAX_PATTERN_LENGTH {
            return Err(format!(
                "the pattern has {length} characters; at most {MAX_PATTERN_LENGTH} are allowed"
            ));
        }
        if let Some(inner) = trimmed.strip_prefix('{') {
            let inner = inner
                .strip_suffix('}')
                .ok_or("a JSON filter pattern must end with '}'")?;
            let tokens = tokenize(inner)?;
            let mut parser = Parser { tokens, at: 0 };
            let expr = parser.or()?;
            if parser.at != parser.tokens.len() {
                return Err(format!(
                    "unexpected {:?} in the JSON filter pattern",
                    parser.tokens[parser.at]
                ));
            }
            return Ok(Self::Json(expr));
        }
        let (mut required, mut excluded, mut any_of) = (Vec::new(), Vec::new(), Vec::new());
        for word in words(trimmed)? {
            if let Some(rest) = word.strip_prefix('-').filter(|r| !r.is_empty()) {
                excluded.push(rest.to_owned());
            } else if let Some(rest) = word.strip_prefix('?').filter(|r| !r.is_empty()) {
                any_of.push(rest.to_owned());
            } else {
                required.push(word);
            }
        }
        Ok(Self::Terms {
            required,
            excluded,
            any_of,
        })
    }

    /// The trace id every matching message has, when the pattern requires
    /// `$.traceId` to equal a text without wildcards (alone, or as one side
    /// of an `&&`): such messages' [`trace_id_of`] is that text, so they
    /// can be looked up by it (the pattern is still applied to each).
    pub(crate) fn trace_id(&self) -> Option<&str> {
        match self {
            Self::Json(expr) => expr.trace_id(),
            _ => None,
        }
    }

    /// Whether the event `message` matches.
    pub(crate) fn matches(&self, message: &str) -> bool {
        match self {
            Self::All => true,
            Self::Terms {
                required,
                excluded,
                any_of,
            } => {
                required.iter().all(|t| message.contains(t.as_str()))
                    && !excluded.iter().any(|t| message.contains(t.as_str()))
                    && (any_of.is_empty() || any_of.iter().any(|t| message.contains(t.as_str())))
            }
            Self::Json(expr) => serde_json::from_str::<Value>(message)
                .map(|json| expr.eval(&json))
                .unwrap_or(false),
        }
    }
}

impl Expr {
    fn trace_id(&self) -> Option<&str> {
        match self {
            Self::And(a, b) => a.trace_id().or_else(|| b.trace_id()),
            Self::Or(..) => None,
            Self::Compare {
                path,
                op: Op::Eq,
                value: Literal::Text(text),
            } if path.len() == 1 && path[0] == TRACE_ID_KEY && !text.contains('*') => Some(text),
            Self::Compare { .. } => None,
        }
    }

    fn eval(&self, json: &Value) -> bool {
        match self {
            Self::And(a, b) => a.eval(json) && b.eval(json),
            Self::Or(a, b) => a.eval(json) || b.eval(json),
            Self::Compare { path, op, value } => {
                let mut at = json;
                for key in path {
                    let next = match at {
                        Value::Object(map) => map.get(key),
                        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
                        _ => None,
                    };
                    match next {
                        Some(next) => at = next,
                        None => return false,
                    }
                }
                compare(at, *op, value)
            }
        }
    }
}

fn compare(actual: &Value, op: Op, expected: &Literal) -> bool {
    match expected {
        Literal::Number(n) => {
            let Some(a) = actual.as_f64() else {
                return op == Op::Ne;
            };
            match op {
                Op::Eq => a == *n,
                Op::Ne => a != *n,
                Op::Lt => a < *n,
                Op::Le => a <= *n,
                Op::Gt => a > *n,
                Op::Ge => a >= *n,
            }
        }
        Literal::Text(t) => {
            let Some(text) = as_text(actual) else {
                return op == Op::Ne;
            };
            let equal = wildcard_match(t, &text);
            match op {
                Op::Eq => equal,
                Op::Ne => !equal,
                // Ordering on strings is refused when parsing.
                _ => false,
            }
        }
    }
}

/// A JSON value as a text literal compares with it: strings as they are,
/// booleans and numbers as written; nothing else has a text.
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The text a pattern's `$.traceId` compares against in `message` (see
/// [`FilterPattern::trace_id`]): stored beside a record so the trace's
/// records are found by index. `None` when the message has none.
pub(crate) fn trace_id_of(message: &str) -> Option<String> {
    let json: Value = serde_json::from_str(message).ok()?;
    as_text(json.as_object()?.get(TRACE_ID_KEY)?)
}

/// The JSON key of a span record's trace id.
const TRACE_ID_KEY: &str = "traceId";

/// How deep parentheses nest in a JSON pattern, outside quoted values
/// (read as [`tokenize`] reads them: a backslash escapes the next character).
fn nesting(pattern: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            chars.next();
                        }
                        _ => {}
                    }
                }
            }
            '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// `*` matches any run of characters.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// Words and quoted phrases of a term pattern.
fn words(pattern: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        // A prefix (`-`, `?`) may precede a quoted phrase.
        if c == '-' || c == '?' {
            word.push(c);
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => word.extend(chars.next()),
                    c => word.push(c),
                }
            }
            if !closed {
                return Err("a quoted term in the filter pattern is not closed".into());
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        out.push(word);
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Path(Vec<String>),
    Op(Op),
    Text(String),
    Number(f64),
    Bare(String),
    And,
    Or,
    Open,
    Close,
}

fn tokenize(input: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let (token, end) = match symbol(c, chars.get(i + 1).copied()) {
            Some((token, len)) => (token, i + len),
            None => match c {
                '"' => quoted(&chars, i + 1)?,
                '$' => selector(&chars, i)?,
                _ => bare(&chars, i)?,
            },
        };
        tokens.push(token);
        i = end;
    }
    Ok(tokens)
}

/// A parenthesis, `&&`, `||` or comparison starting with `c` (then
/// `next`), and how many characters it takes.
fn symbol(c: char, next: Option<char>) -> Option<(Token, usize)> {
    let eq = next == Some('=');
    Some(match c {
        '(' => (Token::Open, 1),
        ')' => (Token::Close, 1),
        '&' if next == Some('&') => (Token::And, 2),
        '|' if next == Some('|') => (Token::Or, 2),
        '=' => (Token::Op(Op::Eq), 1),
        '!' if eq => (Token::Op(Op::Ne), 2),
        '<' if eq => (Token::Op(Op::Le), 2),
        '<' => (Token::Op(Op::Lt), 1),
        '>' if eq => (Token::Op(Op::Ge), 2),
        '>' => (Token::Op(Op::Gt), 1),
        _ => return None,
    })
}

/// A quoted value whose text starts at `i` (after its `"`), with `\`
/// escaping the next character; and where the pattern goes on.
fn quoted(chars: &[char], mut i: usize) -> Result<(Token, usize), String> {
    let mut text = String::new();
    loop {
        match chars.get(i) {
            None => return Err("a quoted value in the JSON filter pattern is not closed".into()),
            Some('"') => return Ok((Token::Text(text), i + 1)),
            Some('\\') => {
                text.extend(chars.get(i + 1));
                i += 2;
            }
            Some(c) => {
                text.push(*c);
                i += 1;
            }
        }
    }
}

/// A `$.a.b[0]` selector starting at `start`, as its steps.
fn selector(chars: &[char], start: usize) -> Result<(Token, usize), String> {
    let mut i = start;
    while i < chars.len()
        && (chars[i].is_alphanumeric() || matches!(chars[i], '$' | '.' | '_' | '-' | '[' | ']'))
    {
        i += 1;
    }
    let raw: String = chars[start..i].iter().collect();
    let path = raw
        .strip_prefix("$.")
        .ok_or_else(|| format!("selector {raw} must start with '$.'"))?
        .replace('[', ".")
        .replace(']', "")
        .split('.')
        .map(str::to_owned)
        .collect::<Vec<_>>();
    if path.iter().any(String::is_empty) {
        return Err(format!("selector {raw} has an empty step"));
    }
    Ok((Token::Path(path), i))
}

/// An unquoted value starting at `start`: a number, or a bare word.
fn bare(chars: &[char], start: usize) -> Result<(Token, usize), String> {
    let mut i = start;
    while i < chars.len()
        && !chars[i].is_whitespace()
        && !matches!(chars[i], '(' | ')' | '=' | '!' | '<' | '>' | '&' | '|')
    {
        i += 1;
    }
    if i == start {
        // A lone `!`, `&` or `|`: no operator, and no value either
        // (left unread, it would be tokenized forever).
        return Err(format!(
            "unexpected {:?} in the JSON filter pattern",
            chars[start]
        ));
    }
    let raw: String = chars[start..i].iter().collect();
    let token = match raw.parse::<f64>() {
        Ok(n) => Token::Number(n),
        Err(_) => Token::Bare(raw),
    };
    Ok((token, i))
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.primary()?;
        while self.peek() == Some(&Token::And) {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.primary()?));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err("a '(' in the JSON filter pattern is not closed".into()),
                }
            }
            Some(Token::Path(path)) => {
                let Some(Token::Op(op)) = self.next() else {
                    return Err(format!(
                        "$.{} must be followed by =, !=, <, <=, > or >=",
                        path.join(".")
                    ));
                };
                let value = match self.next() {
                    Some(Token::Text(t)) => Literal::Text(t),
                    Some(Token::Bare(t)) => Literal::Text(t),
                    Some(Token::Number(n)) => Literal::Number(n),
                    other => {
                        return Err(format!(
                            "$.{} {op:?} needs a value, found {other:?}",
                            path.join(".")
                        ));
                    }
                };
                if matches!(value, Literal::Text(_)) && !matches!(op, Op::Eq | Op::Ne) {
                    return Err(format!(
                        "$.{}: <, <=, > and >= compare numbers only",
                        path.join(".")
                    ));
                }
                Ok(Expr::Compare { path, op, value })
            }
            other => Err(format!(
                "expected a $.selector or '(' in the JSON filter pattern, found {other:?}"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"tool":"crm___get_customer","outcome":"denied","latencyMs":812.5,"caller":{"sub":"alice"},"tags":["a","b"]}"#;

    fn hits(pattern: &str) -> bool {
        FilterPattern::parse(pattern).unwrap().matches(LINE)
    }

    /// Only patterns every match of which has one `traceId` text are sought
    /// by it; the text stored is the one such a pattern compares with.
    #[test]
    fn a_trace_pattern_names_its_trace() {
        let trace = |p: &str| {
            FilterPattern::parse(p)
                .unwrap()
                .trace_id()
                .map(str::to_owned)
        };
        assert_eq!(trace(r#"{ $.traceId = "ab12" }"#).as_deref(), Some("ab12"));
        assert_eq!(
            trace(r#"{ $.name = "x" && $.traceId = "ab12" }"#).as_deref(),
            Some("ab12")
        );
        for other in [
            r#"{ $.traceId = "ab*" }"#,
            r#"{ $.traceId != "ab12" }"#,
            r#"{ $.traceId = "ab12" || $.name = "x" }"#,
            r#"{ $.span.traceId = "ab12" }"#,
            r#"{ $.traceId = 12 }"#,
            "ab12",
            "",
        ] {
            assert_eq!(trace(other), None, "{other}");
        }
        assert_eq!(
            trace_id_of(r#"{"traceId":"ab12"}"#).as_deref(),
            Some("ab12")
        );
        assert_eq!(trace_id_of(r#"{"traceId":12}"#).as_deref(), Some("12"));
        assert_eq!(trace_id_of(r#"{"traceId":{"a":1}}"#), None);
        assert_eq!(trace_id_of(r#"["traceId"]"#), None);
        assert_eq!(trace_id_of("traceId ab12"), None);
        assert!(
            FilterPattern::parse(r#"{ $.traceId = "12" }"#)
                .unwrap()
                .matches(r#"{"traceId":12}"#)
        );
    }

    #[test]
    fn json_patterns() {
        assert!(hits(r#"{ $.outcome = "denied" }"#));
        assert!(!hits(r#"{ $.outcome = "ok" }"#));
        assert!(hits(r#"{ $.tool = "crm___*" && $.caller.sub = alice }"#));
        assert!(hits(
            r#"{ $.outcome = "ok" || ($.latencyMs > 500 && $.latencyMs <= 812.5) }"#
        ));
        assert!(!hits(r#"{ $.latencyMs < 100 }"#));
        assert!(hits(r#"{ $.tags[1] = "b" }"#));
        // A missing property matches no comparison, as in CloudWatch.
        assert!(!hits(r#"{ $.missing != "x" }"#));
        assert!(!hits(r#"{ $.missing = "x" }"#));
        assert!(
            hits(r#"{ $.caller != "x" }"#),
            "an object is not the string"
        );
        assert!(
            !FilterPattern::parse(r#"{ $.outcome = "denied" }"#)
                .unwrap()
                .matches("not json")
        );
    }

    #[test]
    fn term_patterns() {
        assert!(hits("denied crm___get_customer"));
        assert!(!hits("denied timeout"));
        assert!(hits(r#""outcome":"denied" -timeout"#));
        assert!(!hits("-alice"));
        assert!(hits("?timeout ?alice"));
        assert!(FilterPattern::parse("").unwrap().matches("anything"));
    }

    #[test]
    fn bad_patterns_say_why() {
        for (pattern, why) in [
            (r#"{ $.a = "x" "#, "must end with '}'"),
            (r#"{ $.a > "x" }"#, "compare numbers only"),
            (r#"{ ($.a = 1 }"#, "not closed"),
            (r#"{ a = 1 }"#, "expected a $.selector"),
            (r#"{ $.a = "x }"#, "not closed"),
            (r#"{ $.a = 1 ! }"#, "unexpected '!'"),
            (r#"{ $.a = 1 & $.b = 2 }"#, "unexpected '&'"),
            (r#"{ $.a = 1 |` $.b = 2 }"#, "unexpected '|'"),
        ] {
            let e = FilterPattern::parse(pattern).unwrap_err();
            assert!(e.contains(why), "{pattern}: {e}");
        }
    }

    /// `f` on a thread with a 256 KiB stack, an eighth of a tokio worker's
    /// (or a test thread's): the bounds leave that much margin.
    fn on_a_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .expect("no stack overflow");
    }

    #[test]
    fn nesting_and_length_are_bounded_before_parsing() {
        let nested =
            |depth: usize| format!("{{ {}$.a = 1{} }}", "(".repeat(depth), ")".repeat(depth));
        let e = FilterPattern::parse(&nested(650)).unwrap_err();
        assert!(e.contains("650 levels") && e.contains("at most 64"), "{e}");
        let e = FilterPattern::parse(&nested(65)).unwrap_err();
        assert!(e.contains("at most 64"), "{e}");
        let chain = format!("{{ {} }}", vec!["$.a = 1"; 200_000].join(" && "));
        let e = FilterPattern::parse(&chain).unwrap_err();
        assert!(e.contains("at most 1024"), "{e}");
        // Parentheses inside quoted values are text.
        let quoted = format!(r#"{{ $.a = "{}\"" }}"#, "(".repeat(300));
        assert!(FilterPattern::parse(&quoted).is_ok());
        assert!(
            FilterPattern::parse(&"(".repeat(1000)).is_ok(),
            "terms are text"
        );
    }

    #[test]
    fn patterns_at_the_limits_parse_match_and_drop_on_a_small_stack() {
        on_a_small_stack(|| {
            let deep = format!(
                "{{ {}$.outcome = \"denied\"{} }}",
                "(".repeat(MAX_NESTING),
                ")".repeat(MAX_NESTING)
            );
            assert!(FilterPattern::parse(&deep).unwrap().matches(LINE));
            // The longest chain the length allows: one tree level a term.
            let terms = (MAX_PATTERN_LENGTH - 4) / "$.a=1&&".len();
            let chain = format!("{{ {} }}", vec!["$.a=1"; terms].join("&&"));
            assert!(chain.len() <= MAX_PATTERN_LENGTH);
            assert!(!FilterPattern::parse(&chain).unwrap().matches(LINE));
        });
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("a*c", "abbc"));
        assert!(wildcard_match("*c", "abc"));
        assert!(wildcard_match("a*b*c", "a-b-c"));
        assert!(!wildcard_match("a*b*c", "a-c"));
        assert!(!wildcard_match("ab*ba", "aba"));
    }
}
