//! Masking of secrets in what is stored, logged or shown: tool-call
//! arguments, error details and token claims can carry passwords, API keys
//! and tokens, as JSON values under telling keys or embedded in free text
//! (`Authorization: Bearer …`, `postgres://admin:pw@…`, `api_key=…`, a JWT,
//! an AWS key pair pasted into a message). Captures must never keep them.
//!
//! Free text is scanned in one left-to-right pass. Each rule either looks at
//! a bounded window or starts only at a boundary its own run cannot contain,
//! so no byte is examined more than a few times: masking is linear in the
//! text's length, whatever the input (no backtracking, no regex engine).
//! A masked secret keeps what tells a reader what was there: the key
//! (`api_key=****`), the scheme (`Bearer ****`), the URL around a password
//! (`postgres://admin:****@db`), the prefix of a key id (`AKIA****`).

use std::borrow::Cow;
use std::ops::Range;

use serde_json::Value;

/// What a masked secret is replaced with.
pub const MASK: &str = "****";

/// Key names (lowercased, `-`/`_` removed) whose values are secrets, beyond
/// those the suffix rules of [`is_secret_key`] catch.
const SECRET_KEYS: &[&str] = &[
    "passwd",
    "pwd",
    "passcode",
    "authorization",
    "proxyauthorization",
    "auth",
    "bearer",
    "credential",
    "credentials",
    "privatekey",
    "cookie",
    "setcookie",
    "otp",
    "pin",
    "cvv",
    "cvc",
];

/// Keys ending in `token` that hold no secret: pagination, idempotency, limits.
const PUBLIC_TOKENS: &[&str] = &[
    "nexttoken",
    "pagetoken",
    "nextpagetoken",
    "continuationtoken",
    "paginationtoken",
    "synctoken",
    "clienttoken",
    "idempotencytoken",
    "cancellationtoken",
    "maxtoken",
];

/// A key name longer than this is no secret's name (and bounds the scan).
const MAX_KEY_LEN: usize = 64;
/// Secrets remembered per record, to mask where the record repeats them.
const MAX_SEEN: usize = 32;
/// Shorter secrets are not searched for elsewhere (a CVV has three digits).
const MIN_SEEN: usize = 3;
/// How far past an AWS access key id its 40-character secret is looked for.
const AWS_PAIR_WINDOW: usize = 128;

/// Vendor token prefixes, and how many token characters must follow.
const TOKEN_PREFIXES: &[(&str, usize)] = &[
    ("github_pat_", 30),
    ("ghp_", 30),
    ("gho_", 30),
    ("ghu_", 30),
    ("ghs_", 30),
    ("ghr_", 30),
    ("glpat-", 20),
    ("xoxb-", 20),
    ("xoxp-", 20),
    ("xapp-", 20),
    ("sk_live_", 20),
    ("sk_test_", 20),
    ("rk_live_", 20),
    ("sk-", 20),
    ("npm_", 30),
    ("hf_", 30),
    ("AIza", 30),
];

/// Whether values under `key` are secrets, by the key's name alone. Names
/// are compared lowercased with `-` and `_` removed, without allocating:
/// the scanner asks this of every word followed by a separator.
fn is_secret_key(key: &str) -> bool {
    let mut buffer = [0u8; MAX_KEY_LEN];
    let Some(n) = normalized_key(key, &mut buffer) else {
        return false;
    };
    let is = |names: &[&str]| names.iter().any(|k| k.as_bytes() == n);
    is(SECRET_KEYS)
        || PASSWORD_SUFFIXES
            .iter()
            .any(|suffix| n.ends_with(suffix.as_bytes()))
        || (n.ends_with(b"token") && !is(PUBLIC_TOKENS))
}

/// Key name endings that say the value is a password or key, not a word
/// (`auth: required` and `token: none` may be prose; `password:` is not).
const PASSWORD_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "apikey",
    "secretkey",
    "secretaccesskey",
    "passphrase",
];

/// Whether `key` names a password or key (see [`PASSWORD_SUFFIXES`]).
fn is_password_key(key: &str) -> bool {
    let mut buffer = [0u8; MAX_KEY_LEN];
    normalized_key(key, &mut buffer)
        .is_some_and(|n| PASSWORD_SUFFIXES.iter().any(|s| n.ends_with(s.as_bytes())))
}

/// `key` lowercased with `-` and `_` removed, in `buffer`; `None` when it
/// is too long to be a secret's name.
fn normalized_key<'b>(key: &str, buffer: &'b mut [u8; MAX_KEY_LEN]) -> Option<&'b [u8]> {
    if key.len() > MAX_KEY_LEN {
        return None;
    }
    let mut len = 0;
    for b in key.bytes().filter(|b| *b != b'_' && *b != b'-') {
        buffer[len] = b.to_ascii_lowercase();
        len += 1;
    }
    Some(&buffer[..len])
}

/// Whether an unquoted value may be a word of prose rather than a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prose {
    /// After `=`: never.
    No,
    /// After `:`, a short lowercase word (`auth: required`).
    ShortWord,
    /// After a password's `:`, a short lowercase word with more words
    /// after it on its line (`password: see below`); alone on its line it
    /// is configuration (`POSTGRES_PASSWORD: example`).
    ShortWordInSentence,
}

/// Keys whose value is an HTTP credential header, masked to the end of its
/// line: `<scheme> <credentials>`, or a cookie list (`a=1; sid=…`), whose
/// `;` does not end the secret.
fn is_header_key(key: &str) -> bool {
    [
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
    ]
    .iter()
    .any(|k| key.eq_ignore_ascii_case(k))
}

/// Masks the secrets of one record (a captured call, a log line). Secrets it
/// finds are remembered, so the same secret is masked wherever else the
/// record repeats it: an error message quoting an argument, say.
#[derive(Debug, Default)]
pub struct SecretMasker {
    seen: Vec<String>,
}

impl SecretMasker {
    /// A copy of `value` with every secret masked: values under secret keys
    /// whole, and secrets inside strings (and inside keys) where they are.
    pub fn json(&mut self, value: &Value) -> Value {
        // Keyed secrets first, so a string earlier in the document that
        // repeats one is masked too.
        self.collect_keyed(value);
        self.mask_json(value)
    }

    /// `text` with every secret in it masked.
    pub fn text<'a>(&mut self, text: &'a str) -> Cow<'a, str> {
        let ranges = Scanner::new(text.as_bytes()).secret_ranges();
        for range in &ranges {
            if let Some(secret) = text.get(range.clone()) {
                self.remember(secret);
            }
        }
        let masked = replace_ranges(text, &ranges);
        self.mask_seen(masked)
    }

    fn mask_json(&mut self, value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, v)| {
                        let masked = match v {
                            Value::Null => Value::Null,
                            Value::String(s) if is_secret_key(key) => {
                                Value::String(masked_whole(s, is_header_key(key)))
                            }
                            _ if is_secret_key(key) => Value::String(MASK.to_owned()),
                            _ => self.mask_json(v),
                        };
                        (self.text(key).into_owned(), masked)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.mask_json(v)).collect()),
            Value::String(text) => Value::String(self.text(text).into_owned()),
            other => other.clone(),
        }
    }

    /// Remember the scalars held under secret keys anywhere in `value`.
    fn collect_keyed(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    if is_secret_key(key) {
                        self.remember_scalars(v);
                    } else {
                        self.collect_keyed(v);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.collect_keyed(v)),
            _ => {}
        }
    }

    fn remember_scalars(&mut self, value: &Value) {
        match value {
            Value::String(s) => self.remember(s),
            Value::Number(n) => self.remember(&n.to_string()),
            Value::Array(items) => items.iter().for_each(|v| self.remember_scalars(v)),
            Value::Object(map) => map.values().for_each(|v| self.remember_scalars(v)),
            _ => {}
        }
    }

    fn remember(&mut self, secret: &str) {
        let secret = secret.trim();
        if self.seen.len() < MAX_SEEN
            && secret.len() >= MIN_SEEN
            && !secret.bytes().all(|b| b == b'*')
            && !self.seen.iter().any(|s| s == secret)
        {
            self.seen.push(secret.to_owned());
            // Longest first: a secret containing another is masked whole.
            self.seen.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    fn mask_seen<'a>(&self, mut text: Cow<'a, str>) -> Cow<'a, str> {
        for secret in &self.seen {
            if text.contains(secret.as_str()) {
                text = Cow::Owned(text.replace(secret.as_str(), MASK));
            }
        }
        text
    }
}

/// A copy of `value` with every secret replaced by [`MASK`].
pub fn mask_secrets(value: &Value) -> Value {
    SecretMasker::default().json(value)
}

/// `text` with every secret in it replaced by [`MASK`] (borrowed when there
/// was none): for free text that is logged or stored on its own.
pub fn mask_text(text: &str) -> Cow<'_, str> {
    SecretMasker::default().text(text)
}

/// Whether an HTTP header carries a credential by its name: `Authorization`,
/// `Proxy-Authorization`, `Cookie`, `Set-Cookie`, `X-Amz-Security-Token`,
/// `x-api-key` and the like.
pub fn is_secret_header(name: &str) -> bool {
    is_secret_key(name)
}

/// An HTTP header's value as it may be shown: a credential masked, keeping
/// its scheme (`Bearer ****`, `AWS4-HMAC-SHA256 ****`); other values with
/// any secret they carry masked.
pub fn mask_header(name: &str, value: &str) -> String {
    if !is_secret_header(name) {
        return mask_text(value).into_owned();
    }
    match value.split_once(' ') {
        Some((scheme, _))
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            format!("{scheme} {MASK}")
        }
        _ => MASK.to_owned(),
    }
}

/// The masked form of a whole value under a secret key: `Bearer ****` for
/// an HTTP credential (its scheme tells what it was), else [`MASK`].
fn masked_whole(value: &str, header: bool) -> String {
    let bytes = value.trim_start().as_bytes();
    let scheme = if header {
        scheme_word(bytes, 0)
    } else {
        auth_scheme_at(bytes, 0, true).map(|token| token.start)
    };
    match scheme {
        Some(end) if end > 0 && end < bytes.len() => {
            format!(
                "{} {MASK}",
                String::from_utf8_lossy(&bytes[..end]).trim_end()
            )
        }
        _ => MASK.to_owned(),
    }
}

/// `text` with each range replaced by [`MASK`]. Ranges start and end next to
/// ASCII bytes, so slicing never splits a character; should one not, the
/// bytes are converted lossily rather than panicking.
fn replace_ranges<'a>(text: &'a str, ranges: &[Range<usize>]) -> Cow<'a, str> {
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len());
    let mut copied = 0;
    for range in ranges {
        out.extend_from_slice(&bytes[copied..range.start]);
        out.extend_from_slice(MASK.as_bytes());
        copied = range.end;
    }
    out.extend_from_slice(&bytes[copied..]);
    Cow::Owned(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_key_byte(b: u8) -> bool {
    is_word(b) || b == b'-' || b == b'.'
}

fn is_base64url(b: u8) -> bool {
    is_word(b) || b == b'-'
}

/// RFC 7235 `token68`: what follows `Bearer ` or `Basic `.
fn is_token68(b: u8) -> bool {
    is_base64url(b) || matches!(b, b'.' | b'~' | b'+' | b'/')
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Where an unquoted value ends.
fn ends_value(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'&' | b',' | b';' | b'"' | b'\'' | b'`' | b')' | b']' | b'}' | b'<' | b'>' | b'|'
        )
}

fn run(bytes: &[u8], from: usize, accept: impl Fn(u8) -> bool) -> usize {
    bytes[from.min(bytes.len())..]
        .iter()
        .position(|b| !accept(*b))
        .map_or(bytes.len(), |n| from + n)
}

fn skip_blanks(bytes: &[u8], from: usize) -> usize {
    run(bytes, from, is_blank)
}

/// The end of an auth scheme word and the blanks after it (`Bearer `), when
/// a credential follows on the same line.
fn scheme_word(bytes: &[u8], at: usize) -> Option<usize> {
    let word_end = run(bytes, at, |b| b.is_ascii_alphanumeric() || b == b'-');
    let after = skip_blanks(bytes, word_end);
    (word_end > at
        && after > word_end
        && bytes.get(after).is_some_and(|b| !b.is_ascii_whitespace()))
    .then_some(after)
}

/// `Bearer <token>` or `Basic <token>` at `at`: the token's range. Unless
/// `forced` (the key already said it is a credential), prose is told apart:
/// "the bearer of this note" has a short, all-letter "token".
fn auth_scheme_at(bytes: &[u8], at: usize, forced: bool) -> Option<Range<usize>> {
    let rest = &bytes[at..];
    let scheme_len = [&b"bearer"[..], &b"basic"[..]]
        .into_iter()
        .find(|s| rest.len() > s.len() && rest[..s.len()].eq_ignore_ascii_case(s))?
        .len();
    let start = skip_blanks(bytes, at + scheme_len);
    if start == at + scheme_len {
        return None;
    }
    // `*` too, so an already masked `Bearer ****` masks to itself.
    let end = run(
        bytes,
        run(bytes, start, |b| is_token68(b) || b == b'*'),
        |b| b == b'=',
    );
    let token = &bytes[start..end];
    // A capitalised scheme proves nothing: "Missing Bearer token".
    let credential_like = token.len() >= 16 || token.iter().any(|b| !b.is_ascii_alphabetic());
    (!token.is_empty() && (forced || credential_like)).then_some(start..end)
}

/// One pass over a text, collecting the byte ranges of the secrets in it.
struct Scanner<'a> {
    bytes: &'a [u8],
    ranges: Vec<Range<usize>>,
    /// An AWS access key id was seen: its secret may follow before here.
    aws_pair_until: usize,
}

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            ranges: Vec::new(),
            aws_pair_until: 0,
        }
    }

    /// The secrets' ranges, in order and not overlapping.
    fn secret_ranges(mut self) -> Vec<Range<usize>> {
        let mut at = 0;
        while at < self.bytes.len() {
            match self.secret_at(at) {
                Some(range) => {
                    at = range.end.max(at + 1);
                    self.ranges.push(range);
                }
                None => at += 1,
            }
        }
        self.ranges
    }

    fn prev(&self, at: usize) -> Option<u8> {
        at.checked_sub(1).map(|p| self.bytes[p])
    }

    /// Whether a key may start at `at`: no key byte before it, or a
    /// percent-escape (`%3Fapi_key`, `%26token`: a query string encoded
    /// into another URL's parameter).
    fn key_starts(&self, at: usize) -> bool {
        let escaped = at >= 3
            && self.bytes[at - 3] == b'%'
            && self.bytes[at - 2..at].iter().all(u8::is_ascii_hexdigit);
        escaped || self.prev(at).is_none_or(|p| !is_key_byte(p))
    }

    /// A secret starting at (or, for keys and URLs, just after) `at`.
    fn secret_at(&mut self, at: usize) -> Option<Range<usize>> {
        let first = self.bytes[at];
        let prev = self.prev(at);
        if first == b'-' {
            return self.private_key_block(at).or_else(|| self.key_value(at));
        }
        if first == b':' {
            return self.url_password(at);
        }
        if !first.is_ascii_alphanumeric() && first != b'_' {
            return None;
        }
        if !self.key_starts(at) && prev.is_some_and(|p| is_word(p) || p == b'.') {
            // Inside a word: only an AWS secret's 40-character run (whose
            // own boundary is checked there) could start here.
            return self.aws_secret(at);
        }
        self.jwt(at)
            .or_else(|| self.access_key_id(at))
            .or_else(|| self.vendor_token(at))
            .or_else(|| auth_scheme_at(self.bytes, at, false))
            .or_else(|| self.key_value(at))
            .or_else(|| self.aws_secret(at))
    }

    /// `eyJ…`: three or more base64url segments, the first a JSON header.
    fn jwt(&self, at: usize) -> Option<Range<usize>> {
        let b = self.bytes;
        if !b[at..].starts_with(b"eyJ")
            || self.prev(at).is_some_and(|p| is_base64url(p) || p == b'.')
        {
            return None;
        }
        let segment = |from: usize| run(b, from, |c| is_base64url(c) || c == b'=');
        let header_end = segment(at);
        if header_end - at < 10 || b.get(header_end) != Some(&b'.') {
            return None;
        }
        let mut end = segment(header_end + 1);
        let mut segments = 2;
        while b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(|c| is_base64url(*c)) {
            end = segment(end + 1);
            segments += 1;
        }
        (segments >= 3).then_some(at..end)
    }

    /// `AKIA…`/`ASIA…` and 16 more: the id is masked after its prefix, and
    /// its 40-character secret is looked for in the text that follows.
    fn access_key_id(&mut self, at: usize) -> Option<Range<usize>> {
        let b = self.bytes;
        let id = b.get(at..at + 20)?;
        let valid = (id.starts_with(b"AKIA") || id.starts_with(b"ASIA"))
            && id[4..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && b.get(at + 20).is_none_or(|c| !c.is_ascii_alphanumeric());
        if !valid {
            return None;
        }
        self.aws_pair_until = at + 20 + AWS_PAIR_WINDOW;
        Some(at + 4..at + 20)
    }

    /// The 40-character secret of an AWS key pair, near its key id.
    fn aws_secret(&self, at: usize) -> Option<Range<usize>> {
        let b = self.bytes;
        let aws_byte = |c: u8| c.is_ascii_alphanumeric() || c == b'/' || c == b'+';
        if at >= self.aws_pair_until || self.prev(at).is_some_and(|p| aws_byte(p) || p == b'=') {
            return None;
        }
        let end = run(&b[..b.len().min(at + 41)], at, aws_byte);
        let secret = &b[at..end];
        let shaped = secret.len() == 40
            && b.get(end).is_none_or(|c| !aws_byte(*c) && *c != b'=')
            && secret.iter().any(u8::is_ascii_uppercase)
            && secret.iter().any(u8::is_ascii_lowercase)
            && secret.iter().any(u8::is_ascii_digit);
        shaped.then_some(at..end)
    }

    /// `ghp_…`, `sk-…`, `xoxb-…`: a vendor's token, masked after its prefix.
    fn vendor_token(&self, at: usize) -> Option<Range<usize>> {
        let b = self.bytes;
        if self.prev(at).is_some_and(is_base64url) {
            return None;
        }
        let (prefix, min) = TOKEN_PREFIXES
            .iter()
            .find(|(p, _)| b[at..].starts_with(p.as_bytes()))?;
        let start = at + prefix.len();
        let end = run(b, start, is_base64url);
        let token = &b[start..end];
        (token.len() >= *min && token.iter().any(u8::is_ascii_digit)).then_some(start..end)
    }

    /// `<secret key><sep><value>`: `password=…`, `"otp": "…"`, `api_key: …`,
    /// `Authorization: <scheme> …`. The value is masked, the key kept.
    fn key_value(&self, at: usize) -> Option<Range<usize>> {
        let b = self.bytes;
        if !self.key_starts(at) {
            return None;
        }
        let key_end = run(&b[..b.len().min(at + MAX_KEY_LEN + 1)], at, is_key_byte);
        let key = std::str::from_utf8(&b[at..key_end]).ok()?;
        let key = key.trim_end_matches(['.', '-']);
        if key_end - at > MAX_KEY_LEN || !is_secret_key(key) {
            return None;
        }
        let header = is_header_key(key.trim_start_matches('-'));
        // The closing quote of a quoted key (escaped, in JSON inside JSON).
        let mut next = key_end;
        if b[next..].starts_with(b"\\\"") {
            next += 2;
        } else if matches!(b.get(next), Some(b'"' | b'\'')) {
            next += 1;
        }
        next = skip_blanks(b, next);
        if b.get(next..next + 3)
            .is_some_and(|s| s.eq_ignore_ascii_case(b"%3d"))
        {
            // Encoded `=`: the value ends where an encoded `&` does.
            let value = self.value(next + 3, false, Prose::No)?;
            let end = b[value.clone()]
                .windows(3)
                .position(|w| w.eq_ignore_ascii_case(b"%26"))
                .map_or(value.end, |n| value.start + n);
            return (value.start < end).then_some(value.start..end);
        }
        let (separator, colon) = match (b.get(next), b.get(next + 1)) {
            (Some(b'='), Some(b'>')) | (Some(b':'), Some(b'=')) => (2, false),
            (Some(b'='), Some(b'=')) | (Some(b':'), Some(b':')) => return None,
            (Some(b'='), _) => (1, false),
            (Some(b':'), _) => (1, true),
            _ => return None,
        };
        let prose = match (colon, is_password_key(key)) {
            (false, _) => Prose::No,
            (true, false) => Prose::ShortWord,
            (true, true) => Prose::ShortWordInSentence,
        };
        self.value(skip_blanks(b, next + separator), header, prose)
    }

    /// The range to mask of a value starting at `at`.
    fn value(&self, at: usize, header: bool, prose: Prose) -> Option<Range<usize>> {
        let b = self.bytes;
        let content = match b.get(at)? {
            b'{' | b'[' => return None,
            b'\\' if b.get(at + 1) == Some(&b'"') => quoted(b, at + 2, b"\\\""),
            b'"' => quoted(b, at + 1, b"\""),
            b'\'' => quoted(b, at + 1, b"'"),
            b'`' => quoted(b, at + 1, b"`"),
            _ if header => {
                let end = run(b, at, |c| {
                    !matches!(c, b'\r' | b'\n' | b'"' | b'\'' | b'`' | b'\\')
                });
                let end = at + b[at..end].trim_ascii_end().len();
                at..end
            }
            _ => {
                if let Some(token) = auth_scheme_at(b, at, true) {
                    return Some(token);
                }
                let end = run(b, at, |c| !ends_value(c));
                let word = &b[at..end];
                let short_word = word.len() < 12 && word.iter().all(u8::is_ascii_lowercase);
                // Only the blanks after it are looked at: linear.
                let ends_line = || {
                    b.get(skip_blanks(b, end))
                        .is_none_or(|c| matches!(c, b'\n' | b'\r'))
                };
                let is_prose = match prose {
                    Prose::No => false,
                    Prose::ShortWord => short_word,
                    Prose::ShortWordInSentence => short_word && !ends_line(),
                };
                if is_prose {
                    return None;
                }
                at..end
            }
        };
        let start = if header {
            scheme_word(&b[..content.end], content.start).unwrap_or(content.start)
        } else {
            content.start
        };
        (start < content.end).then_some(start..content.end)
    }

    /// `scheme://user:<password>@host`: the password, up to the last `@`
    /// before the host's end.
    fn url_password(&self, at: usize) -> Option<Range<usize>> {
        let b = self.bytes;
        if !b[at..].starts_with(b"://") {
            return None;
        }
        let start = at + 3;
        let end = run(b, start, |c| {
            !(c.is_ascii_whitespace()
                || matches!(
                    c,
                    b'/' | b'?' | b'#' | b'"' | b'\'' | b'<' | b'>' | b'\\' | b'`'
                ))
        });
        let at_sign = start + b[start..end].iter().rposition(|c| *c == b'@')?;
        let colon = start + b[start..at_sign].iter().position(|c| *c == b':')?;
        (colon + 1 < at_sign).then_some(colon + 1..at_sign)
    }

    /// `-----BEGIN … PRIVATE KEY-----`: the body up to the END line (or the
    /// end of the text, when it was cut short).
    fn private_key_block(&self, at: usize) -> Option<Range<usize>> {
        let b = self.bytes;
        if !b[at..].starts_with(b"-----BEGIN ") {
            return None;
        }
        let header = &b[at + 11..b.len().min(at + 80)];
        let label_end = header.windows(5).position(|w| w == b"-----")?;
        if !header[..label_end].ends_with(b"PRIVATE KEY") {
            return None;
        }
        let start = at + 11 + label_end + 5;
        let end = b[start..]
            .windows(8)
            .position(|w| w == b"-----END")
            .map_or(b.len(), |n| start + n);
        (start < end).then_some(start..end)
    }
}

/// The content of a quoted value from `start` to its `closer` (escapes
/// skipped), or to the end of the line when it is never closed.
fn quoted(bytes: &[u8], start: usize, closer: &[u8]) -> Range<usize> {
    let mut at = start;
    while at < bytes.len() {
        if bytes[at..].starts_with(closer) || matches!(bytes[at], b'\n' | b'\r') {
            break;
        }
        at += if bytes[at] == b'\\' && closer.len() == 1 {
            2
        } else {
            1
        };
    }
    start..at.min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn credential_headers_are_masked_keeping_their_scheme() {
        let jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzYWxlcy1jb3BpbG90In0.c2lnbmF0dXJlc2lnbmF0dXJl";
        assert_eq!(
            mask_header("Authorization", &format!("Bearer {jwt}")),
            "Bearer ****"
        );
        assert_eq!(
            mask_header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261202/us-east-1/bedrock-agentcore/aws4_request, Signature=abc"
            ),
            "AWS4-HMAC-SHA256 ****"
        );
        for name in [
            "X-Amz-Security-Token",
            "Cookie",
            "set-cookie",
            "x-api-key",
            "Proxy-Authorization",
        ] {
            assert!(is_secret_header(name), "{name}");
            assert_eq!(
                mask_header(name, "s3cr3t-value=xyz; other=1"),
                "****",
                "{name}"
            );
        }
        for name in [
            "content-type",
            "x-amz-date",
            "mcp-session-id",
            "x-amz-content-sha256",
        ] {
            assert!(!is_secret_header(name), "{name}");
        }
        assert_eq!(
            mask_header("content-type", "application/json"),
            "application/json"
        );
        // A token in a header with an innocent name is still caught.
        assert!(!mask_header("x-debug", &format!("Bearer {jwt}")).contains(jwt));
    }

    fn masked(text: &str) -> String {
        mask_text(text).into_owned()
    }

    #[test]
    fn secrets_are_masked_by_key_and_by_shape() {
        let input = json!({
            "query": "reset password",
            "api_key": "sk-123",
            "nested": [{ "Client-Secret": "x", "dbPassword": "y", "count": 3 }],
            "header": "Bearer abc.def",
            "Authorization": "Token abc123",
            "jwt": "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
            "pin": 1234,
            "auth": { "user": "u", "pass": "p" },
            "token": null
        });
        let masked = mask_secrets(&input);
        assert_eq!(
            masked,
            json!({
                "query": "reset password",
                "api_key": MASK,
                "nested": [{ "Client-Secret": MASK, "dbPassword": MASK, "count": 3 }],
                "header": "Bearer ****",
                "Authorization": "Token ****",
                "jwt": MASK,
                "pin": MASK,
                "auth": MASK,
                "token": null
            })
        );
    }

    #[test]
    fn ordinary_values_are_kept() {
        let input = json!({ "tokens_used": 12, "version": "1.2.3", "passwordless": false,
            "nextToken": "page-2", "spin": 3, "author": "ann", "clientToken": "idem-1" });
        assert_eq!(mask_secrets(&input), input);
    }

    #[test]
    fn secrets_inside_text_are_masked_keeping_their_context() {
        let cases = [
            (
                "Authorization: Bearer abcDEF123",
                "Authorization: Bearer ****",
            ),
            (
                "authorization: AWS4-HMAC-SHA256 Credential=x, Signature=y\nok",
                "authorization: AWS4-HMAC-SHA256 ****\nok",
            ),
            (
                "-H 'Authorization: Basic dXNlcjpwYXNz' -v",
                "-H 'Authorization: Basic ****' -v",
            ),
            (
                "use Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature now",
                "use Bearer **** now",
            ),
            (
                "postgres://admin:pw@db:5432/x",
                "postgres://admin:****@db:5432/x",
            ),
            ("redis://:p@ss@cache/0", "redis://:****@cache/0"),
            ("?api_key=abc123&limit=5", "?api_key=****&limit=5"),
            (
                "TOKEN=xyz; PASSWORD = 'two words'",
                "TOKEN=****; PASSWORD = '****'",
            ),
            (
                r#"{"otp": "123456", "cvv":"737"}"#,
                r#"{"otp": "****", "cvv":"****"}"#,
            ),
            (
                r#"{\"password\":\"hunter2\"}"#,
                r#"{\"password\":\"****\"}"#,
            ),
            ("db.password=s3cret", "db.password=****"),
            ("--password=s3cret --user bob", "--password=**** --user bob"),
            ("X-Api-Key: 9f8e7d6c", "X-Api-Key: ****"),
            ("pin: 4821", "pin: ****"),
            ("token => 'abc'", "token => '****'"),
            ("token: Bearer abc", "token: Bearer ****"),
            (
                "key AKIAIOSFODNN7EXAMPLE and secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.",
                "key AKIA**** and secret ****.",
            ),
            (
                "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "aws_secret_access_key = ****",
            ),
            ("ASIAY34FZKBOKMUTVV7A", "ASIA****"),
            (
                "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln.",
                "jwt ****.",
            ),
            (
                "gh ghp_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8 ok",
                "gh ghp_**** ok",
            ),
            ("key: sk-proj-Ab3dEf6hIj9kLm2nOp5q", "key: sk-****"),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
                "-----BEGIN RSA PRIVATE KEY-----****-----END RSA PRIVATE KEY-----",
            ),
            (
                "-----BEGIN PRIVATE KEY-----\nMIIE cut short",
                "-----BEGIN PRIVATE KEY-----****",
            ),
            ("password: ünïcödé-pässwörd", "password: ****"),
        ];
        for (text, expected) in cases {
            assert_eq!(masked(text), expected, "masking {text:?}");
            assert_eq!(masked(expected), expected, "re-masking {expected:?}");
        }
    }

    #[test]
    fn ordinary_text_is_not_masked() {
        for text in [
            "Please pin the version to 3f786850e387550fdab836ed7e6dc881de23001b.",
            "The bearer of this note knows the password policy: see below.",
            "Basic authentication is off; token limits apply (max_tokens=100).",
            "next_token=abc&page_token=def and clientToken=idem-1",
            "fn check(token: &str) -> bool { token == expected }",
            "https://example.com/a:b@c/path and https://host:8080/@user",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
            "eyJust.some.words and sk-learn is a library; AKIA is four letters",
            "the passwordless flow, a pinned tab, authority and author",
            "Src/Components/Button2Abc/Index/Helper12 is a 40-char mixed path",
            "ünïcödé text with an → arrow",
        ] {
            assert_eq!(masked(text), text);
            assert!(matches!(mask_text(text), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn a_secret_is_masked_wherever_the_record_repeats_it() {
        let mut masker = SecretMasker::default();
        let arguments = masker.json(&json!({ "note": "cvv is 737", "card": { "cvv": "737" } }));
        assert_eq!(
            arguments,
            json!({ "note": "cvv is ****", "card": { "cvv": MASK } })
        );
        let detail = masker.text("/card/cvv: expected integer, got string \"737\"");
        assert_eq!(detail, "/card/cvv: expected integer, got string \"****\"");
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        let _ = masker.text(&format!("t {token}"));
        assert_eq!(masker.text("sig c2lnbmF0dXJl"), "sig c2lnbmF0dXJl");
        assert_eq!(
            masker.text(&format!("again {token} and {token}")),
            "again **** and ****"
        );
    }

    #[test]
    fn masking_is_linear_on_hostile_input() {
        // Each shape repeated so a backtracking matcher would go quadratic.
        let hostile = [
            "eyJ".repeat(100_000),
            "eyJaaaaaaaaaaa.".repeat(20_000),
            "a.".repeat(100_000),
            "://a:".repeat(50_000),
            "password=".repeat(30_000),
            "Bearer ".repeat(50_000),
            "-----BEGIN ".repeat(20_000),
            format!("AKIAIOSFODNN7EXAMPLE {}", "A1b/".repeat(100_000)),
            format!("password: \"{}", "\\".repeat(200_000)),
            "ordinary words: a key: value, token limits; ".repeat(20_000),
        ];
        for text in hostile {
            let started = std::time::Instant::now();
            let _ = mask_text(&text);
            assert!(
                started.elapsed() < std::time::Duration::from_secs(2),
                "{} bytes took {:?}",
                text.len(),
                started.elapsed()
            );
        }
    }
}
