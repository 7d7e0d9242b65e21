//! Finding personal data and secrets in free text: what an agent's memory
//! must not keep (emails, phone numbers, payment cards, IBANs, national ids,
//! AWS access keys, JWTs, private key blocks), so a reviewer can see it
//! masked, reveal it on purpose, and erase it.
//!
//! The scan is hand-written, one left-to-right pass with bounded look-ahead
//! (no regex engine): linear in the text's length whatever the input.
//! Checksums keep look-alikes out: a card number must pass Luhn, an IBAN
//! mod-97; a phone number needs a `+` or grouped digits, so an order number
//! is not a phone number.

use std::ops::Range;

use serde::Serialize;

/// A kind of sensitive data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SensitiveKind {
    /// An email address.
    Email,
    /// A phone number (international `+…`, or grouped like `555-123-4567`).
    Phone,
    /// A payment card number (13–19 digits, Luhn-checked).
    PaymentCard,
    /// An IBAN (mod-97 checked).
    Iban,
    /// A national id: the US Social Security number pattern.
    NationalId,
    /// An AWS access key id (`AKIA…`, `ASIA…`).
    AwsAccessKey,
    /// A JSON Web Token.
    Jwt,
    /// A PEM private key block.
    PrivateKey,
}

impl SensitiveKind {
    /// Every kind, in report order.
    pub const ALL: [SensitiveKind; 8] = [
        SensitiveKind::Email,
        SensitiveKind::Phone,
        SensitiveKind::PaymentCard,
        SensitiveKind::Iban,
        SensitiveKind::NationalId,
        SensitiveKind::AwsAccessKey,
        SensitiveKind::Jwt,
        SensitiveKind::PrivateKey,
    ];

    /// A short label, e.g. `email`, `card`.
    pub fn label(self) -> &'static str {
        match self {
            SensitiveKind::Email => "email",
            SensitiveKind::Phone => "phone",
            SensitiveKind::PaymentCard => "card",
            SensitiveKind::Iban => "iban",
            SensitiveKind::NationalId => "national id",
            SensitiveKind::AwsAccessKey => "aws key",
            SensitiveKind::Jwt => "jwt",
            SensitiveKind::PrivateKey => "private key",
        }
    }

    /// What masked text shows in its place, e.g. `[email]`.
    pub fn mask(self) -> String {
        format!("[{}]", self.label())
    }
}

/// One piece of sensitive data found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What it is.
    pub kind: SensitiveKind,
    /// Where it is, in bytes of the text.
    pub range: Range<usize>,
}

/// Longest span any rule looks at (a PEM block is the longest).
const MAX_PEM: usize = 16 * 1024;

/// Every piece of sensitive data in `text`, in order, not overlapping.
pub fn scan_text(text: &str) -> Vec<Finding> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_boundary = i == 0 || !is_word(bytes[i - 1]);
        // A run of digits that is nothing is skipped whole (linear time).
        let mut skip_to = i + utf8_len(bytes[i]);
        let hit = if at_boundary {
            private_key(text, i)
                .or_else(|| jwt(bytes, i))
                .or_else(|| aws_key(bytes, i))
                .or_else(|| iban(bytes, i))
                .or_else(|| {
                    let (hit, end) = numeric(bytes, i);
                    skip_to = skip_to.max(end);
                    hit
                })
        } else {
            None
        };
        let hit = hit.or_else(|| (bytes[i] == b'@').then(|| email(bytes, i)).flatten());
        match hit {
            Some(f) => {
                // An email's local part started before `i`: drop what it covers.
                while found
                    .last()
                    .is_some_and(|l: &Finding| l.range.end > f.range.start)
                {
                    found.pop();
                }
                i = f.range.end;
                found.push(f);
            }
            None => i = skip_to,
        }
    }
    found
}

/// `text` with each finding replaced by its kind's mask.
pub fn mask_findings(text: &str, findings: &[Finding]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in findings {
        if f.range.start < at || f.range.end > text.len() {
            continue;
        }
        out.push_str(&text[at..f.range.start]);
        out.push_str(&f.kind.mask());
        at = f.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// `text` with every piece of sensitive data masked.
pub fn mask_sensitive(text: &str) -> String {
    mask_findings(text, &scan_text(text))
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn ends_word(bytes: &[u8], end: usize) -> bool {
    end >= bytes.len() || !is_word(bytes[end])
}

fn finding(kind: SensitiveKind, range: Range<usize>) -> Option<Finding> {
    Some(Finding { kind, range })
}

/// Where `needle` first occurs in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `-----BEGIN … PRIVATE KEY-----` through its END line (or, unterminated,
/// as far as a PEM block can reach).
fn private_key(text: &str, i: usize) -> Option<Finding> {
    let rest = &text.as_bytes()[i..];
    if !rest.starts_with(b"-----BEGIN ") {
        return None;
    }
    let header = &rest[11..rest.len().min(80)];
    let header_end = find(header, b"-----")?;
    if !header[..header_end].ends_with(b"PRIVATE KEY") {
        return None;
    }
    let window = &rest[..rest.len().min(MAX_PEM)];
    let end = find(window, b"-----END ")
        .and_then(|p| find(&window[p + 9..], b"-----").map(|q| p + 9 + q + 5));
    let mut end = i + end.unwrap_or(window.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    finding(SensitiveKind::PrivateKey, i..end)
}

/// Base64url characters.
fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// `eyJ….eyJ….sig`: a JWS compact serialization with a JSON header.
fn jwt(bytes: &[u8], i: usize) -> Option<Finding> {
    if !bytes[i..].starts_with(b"eyJ") {
        return None;
    }
    let mut end = i;
    let mut lengths = [0usize; 3];
    for (n, len) in lengths.iter_mut().enumerate() {
        let start = end;
        while end < bytes.len() && is_b64url(bytes[end]) && end - i < 8192 {
            end += 1;
        }
        *len = end - start;
        if n < 2 {
            if bytes.get(end) != Some(&b'.') {
                return None;
            }
            end += 1;
        }
    }
    let payload_is_json = bytes[i + lengths[0] + 1..].starts_with(b"eyJ");
    (lengths[0] >= 10 && lengths[1] >= 10 && lengths[2] >= 16 && payload_is_json)
        .then_some(())
        .and_then(|()| finding(SensitiveKind::Jwt, i..end))
}

/// `AKIA`/`ASIA`/`ABIA`/`ACCA` and 16 uppercase letters or digits, a word.
fn aws_key(bytes: &[u8], i: usize) -> Option<Finding> {
    let word = bytes.get(i..i + 20)?;
    let prefix_ok = [b"AKIA", b"ASIA", b"ABIA", b"ACCA"]
        .iter()
        .any(|p| word.starts_with(*p));
    let body_ok = word[4..]
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    (prefix_ok && body_ok && ends_word(bytes, i + 20))
        .then_some(())
        .and_then(|()| finding(SensitiveKind::AwsAccessKey, i..i + 20))
}

/// Two letters, two check digits, 11–30 letters or digits (spaces allowed
/// between groups of four), whose mod-97 is 1.
fn iban(bytes: &[u8], i: usize) -> Option<Finding> {
    let head = bytes.get(i..i + 4)?;
    if !(head[0].is_ascii_uppercase()
        && head[1].is_ascii_uppercase()
        && head[2].is_ascii_digit()
        && head[3].is_ascii_digit())
    {
        return None;
    }
    let mut chars: Vec<u8> = head.to_vec();
    let mut end = i + 4;
    let mut last_good = None;
    while end < bytes.len() && chars.len() < 34 {
        let b = bytes[end];
        if b.is_ascii_uppercase() || b.is_ascii_digit() {
            chars.push(b);
            end += 1;
            if chars.len() >= 15 && ends_word(bytes, end) && mod97(&chars) == 1 {
                last_good = Some(end);
            }
        } else if b == b' ' && bytes.get(end + 1).is_some_and(u8::is_ascii_alphanumeric) {
            end += 1;
        } else {
            break;
        }
    }
    last_good.and_then(|end| finding(SensitiveKind::Iban, i..end))
}

/// The IBAN checksum: the first four characters moved to the end, letters
/// as 10–35, the number mod 97.
fn mod97(chars: &[u8]) -> u32 {
    let rotated = chars[4..].iter().chain(&chars[..4]);
    let mut rem = 0u32;
    for &c in rotated {
        let value = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        rem = if value >= 10 {
            (rem * 100 + value) % 97
        } else {
            (rem * 10 + value) % 97
        };
    }
    rem
}

/// local@domain.tld around the `@` at `at`.
fn email(bytes: &[u8], at: usize) -> Option<Finding> {
    let local_char = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    let mut start = at;
    while start > 0 && local_char(bytes[start - 1]) && at - start < 64 {
        start -= 1;
    }
    while start < at && bytes[start] == b'.' {
        start += 1;
    }
    let mut end = at + 1;
    while end < bytes.len()
        && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'.' || bytes[end] == b'-')
        && end - at < 255
    {
        end += 1;
    }
    while end > at + 1 && (bytes[end - 1] == b'.' || bytes[end - 1] == b'-') {
        end -= 1;
    }
    let domain = &bytes[at + 1..end];
    let tld = domain.rsplit(|&b| b == b'.').next().unwrap_or_default();
    let ok = start < at
        && domain.contains(&b'.')
        && !domain.starts_with(b".")
        && !domain.windows(2).any(|w| w == b"..")
        && tld.len() >= 2
        && tld.iter().all(u8::is_ascii_alphabetic);
    ok.then_some(())
        .and_then(|()| finding(SensitiveKind::Email, start..end))
}

/// A run of digits and separators starting at `i`, classified as a
/// national id, a card, or a phone number (else nothing), and where it ends.
fn numeric(bytes: &[u8], i: usize) -> (Option<Finding>, usize) {
    let first = bytes[i];
    let starts = first.is_ascii_digit()
        || (first == b'+' || first == b'(') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
    if !starts {
        return (None, i);
    }
    let run = numeric_run(bytes, i);
    if !ends_word(bytes, run.end) {
        return (None, run.end);
    }
    let hit = ssn(bytes, &run)
        .or_else(|| card(bytes, &run))
        .or_else(|| phone(bytes, &run));
    (hit, run.end)
}

/// Digits joined by single separators (`) ` counts as one), at most 40 bytes.
fn numeric_run(bytes: &[u8], i: usize) -> Range<usize> {
    let mut end = i + 1;
    let mut last_digit = if bytes[i].is_ascii_digit() { i + 1 } else { i };
    while end < bytes.len() && end - i < 40 {
        let b = bytes[end];
        if b.is_ascii_digit() {
            end += 1;
            last_digit = end;
            continue;
        }
        let sep_len = match (b, bytes.get(end + 1)) {
            (b')', Some(b' ')) => 2,
            (b' ' | b'-' | b'.' | b')', _) => 1,
            (b'(', _) => 1,
            _ => 0,
        };
        let next = bytes.get(end + sep_len);
        if sep_len == 0 || !next.is_some_and(|n| n.is_ascii_digit() || *n == b'(') {
            break;
        }
        end += sep_len;
    }
    i..last_digit.max(i + 1)
}

fn digits_of(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .filter(|b| b.is_ascii_digit())
        .map(|b| b - b'0')
        .collect()
}

/// `ddd-dd-dddd`, with the numbers the SSA never issues left out.
fn ssn(bytes: &[u8], run: &Range<usize>) -> Option<Finding> {
    let s = bytes.get(run.start..run.start + 11)?;
    let shape = s.iter().enumerate().all(|(k, b)| {
        if k == 3 || k == 6 {
            *b == b'-'
        } else {
            b.is_ascii_digit()
        }
    });
    if !shape {
        return None;
    }
    let area = &s[..3];
    let valid = area != b"000"
        && area != b"666"
        && area[0] != b'9'
        && &s[4..6] != b"00"
        && &s[7..] != b"0000";
    let end = run.start + 11;
    (valid && ends_word(bytes, end) && bytes.get(end) != Some(&b'-'))
        .then_some(())
        .and_then(|()| finding(SensitiveKind::NationalId, run.start..end))
}

/// The Luhn checksum holds.
fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &d)| {
            let d = u32::from(d);
            if !k.is_multiple_of(2) {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// 13–19 digits, grouped by spaces or dashes, Luhn-valid: the longest
/// prefix of the run (ending at a group) that is one.
fn card(bytes: &[u8], run: &Range<usize>) -> Option<Finding> {
    let text = &bytes[run.clone()];
    if !text[0].is_ascii_digit() || text.iter().any(|b| matches!(b, b'(' | b')' | b'.')) {
        return None;
    }
    let mut count = 0;
    let mut group = 0;
    let mut ends = Vec::new();
    for (k, b) in text.iter().enumerate() {
        if !b.is_ascii_digit() {
            continue;
        }
        count += 1;
        group += 1;
        if text.get(k + 1).is_none_or(|n| !n.is_ascii_digit()) {
            if (13..=19).contains(&count) {
                ends.push(k + 1);
            }
            // Inner groups are 4–6 digits (`4111 1111 …`, Amex `3782 822463 10005`).
            if !(4..=6).contains(&group) && k + 1 < text.len() {
                break;
            }
            group = 0;
        }
    }
    ends.into_iter().rev().find_map(|e| {
        let digits = digits_of(&text[..e]);
        let plausible = digits.iter().any(|&d| d != digits[0]) && luhn(&digits);
        plausible
            .then_some(())
            .and_then(|()| finding(SensitiveKind::PaymentCard, run.start..run.start + e))
    })
}

/// `+` and 8–15 digits, or 10–11 digits in groups (`555-123-4567`,
/// `(555) 123-4567`, `1 555 123 4567`). A bare run of digits is not one.
fn phone(bytes: &[u8], run: &Range<usize>) -> Option<Finding> {
    let text = &bytes[run.clone()];
    let digits = digits_of(text).len();
    let groups: Vec<usize> = text
        .split(|b| !b.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(<[u8]>::len)
        .collect();
    let international = text[0] == b'+' && (8..=15).contains(&digits);
    // `555-123-4567`, `(555) 123-4567`, `1 555 123 4567`, `020 7946 0958`.
    let grouped = (10..=11).contains(&digits)
        && groups.len() >= 3
        && groups.last() == Some(&4)
        && groups[1..].iter().all(|g| (3..=4).contains(g));
    (international || grouped)
        .then_some(())
        .and_then(|()| finding(SensitiveKind::Phone, run.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(SensitiveKind, &str)> {
        scan_text(text)
            .into_iter()
            .map(|f| (f.kind, &text[f.range]))
            .collect()
    }

    use SensitiveKind::*;

    #[test]
    fn emails_are_found_and_look_alikes_are_not() {
        assert_eq!(
            kinds("write to jane.doe+acc@example.co.uk, please."),
            [(Email, "jane.doe+acc@example.co.uk")]
        );
        assert!(kinds("ping @channel, user@localhost, a@b.c1, x@.com").is_empty());
    }

    #[test]
    fn cards_must_pass_luhn() {
        assert_eq!(
            kinds("card 4111 1111 1111 1111 exp 12/27"),
            [(PaymentCard, "4111 1111 1111 1111")]
        );
        assert_eq!(
            kinds("4539-1488-0343-6467"),
            [(PaymentCard, "4539-1488-0343-6467")]
        );
        assert_eq!(kinds("card 4111 1111 1111 1112"), []);
        assert_eq!(kinds("0000000000000000"), []);
        // The expiry after the number does not spoil it.
        assert_eq!(
            kinds("4111111111111111 12 27"),
            [(PaymentCard, "4111111111111111")]
        );
    }

    #[test]
    fn ibans_must_pass_mod_97() {
        assert_eq!(
            kinds("IBAN: GB82 WEST 1234 5698 7654 32."),
            [(Iban, "GB82 WEST 1234 5698 7654 32")]
        );
        assert_eq!(
            kinds("DE89370400440532013000"),
            [(Iban, "DE89370400440532013000")]
        );
        assert_eq!(kinds("GB83 WEST 1234 5698 7654 32"), []);
        assert_eq!(kinds("AB12 is a model number"), []);
    }

    #[test]
    fn national_ids_follow_the_ssn_pattern() {
        assert_eq!(kinds("SSN 123-45-6789."), [(NationalId, "123-45-6789")]);
        assert_eq!(kinds("000-12-3456 666-12-3456 923-45-6789 123-00-6789"), []);
        assert_eq!(kinds("part 123-45-67890"), []);
    }

    #[test]
    fn phones_need_a_plus_or_groups() {
        assert_eq!(
            kinds("call +44 20 7946 0958 now"),
            [(Phone, "+44 20 7946 0958")]
        );
        assert_eq!(kinds("(555) 123-4567"), [(Phone, "(555) 123-4567")]);
        assert_eq!(kinds("555-123-4567"), [(Phone, "555-123-4567")]);
        assert_eq!(
            kinds("order 35476 and 1234567890, on 2024-01-15, v1.2.3"),
            []
        );
    }

    #[test]
    fn aws_keys_jwts_and_private_keys() {
        assert_eq!(
            kinds("key AKIAIOSFODNN7EXAMPLE in env"),
            [(AwsAccessKey, "AKIAIOSFODNN7EXAMPLE")]
        );
        assert_eq!(kinds("AKIAIOSFODNN7EXAMPLEX AKIAlower0000000000"), []);
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(kinds(&format!("Bearer {jwt}")), [(Jwt, jwt)]);
        assert_eq!(kinds("eyJhbGciOi.short.x"), []);
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----";
        assert_eq!(kinds(&format!("here:\n{pem}\nthanks")), [(PrivateKey, pem)]);
        assert_eq!(
            kinds("-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----"),
            []
        );
    }

    #[test]
    fn masking_hides_each_finding_and_keeps_the_rest() {
        assert_eq!(
            mask_sensitive("mail bob@example.com or call +1 415 555 0100; order 35476"),
            "mail [email] or call [phone]; order 35476"
        );
        // Unicode around findings survives.
        assert_eq!(mask_sensitive("é bob@example.com ü"), "é [email] ü");
    }

    #[test]
    fn hostile_input_scans_in_linear_time() {
        let long = "1-".repeat(200_000) + &"@a".repeat(100_000) + &"eyJ.".repeat(50_000);
        let started = std::time::Instant::now();
        let _ = scan_text(&long);
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
    }
}
