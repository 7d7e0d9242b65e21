//! The local, rule-based stand-in for AgentCore's model-driven extraction
//! of facts and preferences from what the user said. Deterministic: the
//! same conversation always yields the same records.
//!
//! - Semantic: first-person statements become third-person facts ("My
//!   order number is 35476" → "The user's order number is 35476."), with
//!   ids, numbers, places and roles kept verbatim.
//! - User preference: like, love, prefer, hate, always, never and
//!   "favourite X is Y" become `{"context","preference","categories"}`.
//!
//! Each record carries a subject: a later statement about the same subject
//! replaces the earlier record (consolidation).

use serde_json::json;

/// One record the rules extracted: its consolidation subject and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Extracted {
    /// What the record is about; a newer record on it replaces the older.
    pub(crate) subject: String,
    /// The record's text.
    pub(crate) text: String,
}

/// Sentences of a turn (split on `.`, `!`, `?`, `;` and new lines, but not
/// inside numbers such as `3.5`).
fn sentences(text: &str) -> Vec<String> {
    let text = text.replace('\u{2019}', "'");
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // A full stop ends a sentence only before a space or the end, not
        // inside `3.50` or `maria.lopez@example.com`.
        let ends = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if matches!(c, '!' | '?' | ';' | '\n') || (c == '.' && ends) {
            push_sentence(&mut out, &current);
            current.clear();
        } else {
            current.push(c);
        }
    }
    push_sentence(&mut out, &current);
    out
}

fn push_sentence(out: &mut Vec<String>, s: &str) {
    let s = s.trim().trim_matches(|c: char| c == ',' || c == '"');
    if !s.is_empty() {
        out.push(s.to_owned());
    }
}

/// `s` with any of the (lowercase) `prefixes` removed, case-insensitively,
/// at a word boundary; what follows, trimmed.
fn after<'a>(s: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|prefix| {
        let head = s.get(..prefix.len())?;
        let rest = s.get(prefix.len()..)?;
        let boundary = !rest.starts_with(|c: char| c.is_alphanumeric() || c == '\'');
        (head.eq_ignore_ascii_case(prefix) && boundary)
            .then(|| rest.trim_start_matches([',', ' ']).trim())
            .filter(|rest| !rest.is_empty())
    })
}

/// Drop leading fillers ("Hi,", "Also", "Oh and") before the statement.
fn strip_fillers(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let Some(rest) = after(
            s,
            &[
                "hi",
                "hello",
                "hey",
                "also",
                "and",
                "oh",
                "well",
                "btw",
                "by the way",
                "actually",
                "so",
            ],
        ) else {
            return s;
        };
        s = rest.trim_start_matches(',').trim();
    }
}

/// The facts in one thing the user said.
pub(crate) fn semantic_facts(text: &str) -> Vec<Extracted> {
    let mut facts = Vec::new();
    for sentence in sentences(text) {
        let s = strip_fillers(&sentence);
        // A statement may also follow a clause: "Sorry, but my order number is …".
        let from_my = s
            .to_ascii_lowercase()
            .find(" my ")
            .and_then(|at| s.get(at + 1..));
        let fact = fact_of(s).or_else(|| from_my.and_then(fact_of));
        if let Some(fact) = fact
            && !facts.contains(&fact)
        {
            facts.push(fact);
        }
    }
    facts
}

/// The value of a statement up to the next clause ("58213 and it still
/// hasn't arrived" → "58213").
fn clause(value: &str) -> &str {
    const BREAKS: &[&str] = &[
        ", ",
        " and ",
        " but ",
        " so ",
        " if ",
        " because ",
        " which ",
        " when ",
        " though ",
    ];
    let lower = value.to_ascii_lowercase();
    let end = BREAKS
        .iter()
        .filter_map(|b| lower.find(b))
        .min()
        .unwrap_or(value.len());
    value.get(..end).unwrap_or(value).trim()
}

fn fact(subject: &str, text: String) -> Option<Extracted> {
    Some(Extracted {
        subject: subject.to_lowercase(),
        text,
    })
}

fn fact_of(s: &str) -> Option<Extracted> {
    if let Some(rest) = after(s, &["my"]) {
        for verb in [" is ", " are ", " was ", " were "] {
            if let Some((what, value)) = rest.split_once(verb) {
                let (what, value) = (what.trim(), clause(value));
                if !what.is_empty() && !value.is_empty() && what.split_whitespace().count() <= 5 {
                    return fact(what, format!("The user's {what}{verb}{value}."));
                }
            }
        }
        return None;
    }
    let patterns: &[(&[&str], &str, &str)] = &[
        (
            &["i'm from", "i am from", "i come from"],
            "origin",
            "The user is from",
        ),
        (
            &["i live in", "i'm living in", "i am living in"],
            "residence",
            "The user lives in",
        ),
        (
            &[
                "i work at",
                "i work for",
                "i'm working at",
                "i am working at",
            ],
            "employer",
            "The user works at",
        ),
        (
            &["i work as", "i'm working as"],
            "role",
            "The user works as",
        ),
        (&["call me"], "name", "The user's name is"),
        (
            &["i'm a", "i am a", "i'm an", "i am an"],
            "role",
            "The user is a",
        ),
        (&["i have", "i've got", "i own"], "", "The user has"),
        (
            &["i need", "i'm looking for", "i am looking for"],
            "",
            "The user needs",
        ),
    ];
    for (prefixes, subject, lead) in patterns {
        if let Some(rest) = after(s, prefixes).map(clause) {
            let lead = if lead.ends_with(" a") && starts_with_vowel(rest) {
                "The user is an"
            } else {
                lead
            };
            let text = format!("{lead} {rest}.");
            let subject = if subject.is_empty() { rest } else { subject };
            return fact(subject, text);
        }
    }
    None
}

fn starts_with_vowel(s: &str) -> bool {
    s.starts_with(|c: char| "aeiouAEIOU".contains(c))
}

/// The preference statements in one thing the user said, as AWS's JSON.
pub(crate) fn preferences(text: &str) -> Vec<Extracted> {
    let mut out = Vec::new();
    for sentence in sentences(text) {
        let s = strip_fillers(&sentence);
        if let Some((subject, preference)) = preference_of(s) {
            let record = json!({
                "context": format!("The user said: \"{sentence}\""),
                "preference": preference,
                "categories": categories(&sentence),
            });
            out.push(Extracted {
                subject: subject.to_lowercase(),
                text: record.to_string(),
            });
        }
    }
    out
}

fn preference_of(s: &str) -> Option<(String, String)> {
    let lower = s.to_lowercase();
    for (marker, noun) in [("my favourite ", "favourite"), ("my favorite ", "favorite")] {
        if let Some(rest) = lower.strip_prefix(marker) {
            let offset = marker.len();
            if let Some(split) = rest.find(" is ") {
                // Offsets found in the lowercased text: read with `get`, as
                // lowercasing can change the length of non-ASCII text.
                let what = s.get(offset..offset + split)?;
                let value = s.get(offset + split + 4..)?.trim();
                return Some((
                    format!("{noun} {what}"),
                    format!("The user's {noun} {what} is {value}."),
                ));
            }
        }
    }
    let patterns: &[(&[&str], &str)] = &[
        (
            &[
                "i really like",
                "i like",
                "i love",
                "i enjoy",
                "i'm a fan of",
            ],
            "The user likes",
        ),
        (
            &["i'd prefer", "i would prefer", "i prefer"],
            "The user prefers",
        ),
        (
            &[
                "i hate",
                "i dislike",
                "i don't like",
                "i do not like",
                "i can't stand",
            ],
            "The user dislikes",
        ),
        (&["i always"], "The user always"),
        (&["i never"], "The user never"),
        (&["please always"], "The user wants the assistant to always"),
        (
            &["please never", "please don't", "please do not"],
            "The user wants the assistant never to",
        ),
    ];
    for (prefixes, lead) in patterns {
        if let Some(rest) = after(s, prefixes) {
            // "prefer aisle seats over window seats": the subject is what is preferred.
            let subject = clause(rest.split(" over ").next().unwrap_or(rest));
            return Some((subject.to_owned(), format!("{lead} {rest}.")));
        }
    }
    None
}

/// Categories by keyword (lexical, like everything here).
fn categories(s: &str) -> Vec<&'static str> {
    let lower = s.to_lowercase();
    let table: &[(&str, &[&str])] = &[
        (
            "food",
            &[
                "food",
                "eat",
                "vegetarian",
                "vegan",
                "coffee",
                "tea",
                "meal",
                "dish",
                "pizza",
                "sushi",
            ],
        ),
        (
            "travel",
            &[
                "flight", "seat", "aisle", "window", "hotel", "travel", "train", "trip",
            ],
        ),
        (
            "communication",
            &[
                "email", "call", "phone", "text", "sms", "message", "contact", "reply",
            ],
        ),
        (
            "shopping",
            &[
                "order", "delivery", "shipping", "brand", "size", "colour", "color", "price",
            ],
        ),
        (
            "technology",
            &[
                "laptop", "phone", "app", "linux", "mac", "windows", "software",
            ],
        ),
        (
            "scheduling",
            &[
                "morning", "evening", "weekend", "monday", "time", "schedule",
            ],
        ),
    ];
    let found: Vec<&str> = table
        .iter()
        .filter(|(_, words)| {
            words
                .iter()
                .any(|w| lower.split(|c: char| !c.is_alphanumeric()).any(|t| t == *w))
        })
        .map(|(c, _)| *c)
        .collect();
    if found.is_empty() {
        vec!["general"]
    } else {
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_person_facts_become_third_person() {
        let facts = semantic_facts(
            "Hi, my order number is 35476. I live in Lyon; I'm an engineer at Acme.",
        );
        let texts: Vec<_> = facts.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "The user's order number is 35476.",
                "The user lives in Lyon.",
                "The user is an engineer at Acme."
            ]
        );
        assert_eq!(facts[0].subject, "order number");
        assert!(semantic_facts("What time is it?").is_empty());
        assert_eq!(
            semantic_facts("My balance is 3.50 EUR")[0].text,
            "The user's balance is 3.50 EUR."
        );
    }

    #[test]
    fn preferences_are_json_with_context_and_categories() {
        let prefs =
            preferences("I prefer aisle seats over window seats. My favourite colour is teal!");
        assert_eq!(prefs.len(), 2);
        let first: serde_json::Value = serde_json::from_str(&prefs[0].text).unwrap();
        assert_eq!(
            first["preference"],
            "The user prefers aisle seats over window seats."
        );
        assert_eq!(first["categories"], json!(["travel"]));
        assert!(first["context"].as_str().unwrap().contains("aisle seats"));
        assert_eq!(prefs[0].subject, "aisle seats");
        assert_eq!(prefs[1].subject, "favourite colour");
        assert!(preferences("The weather is nice").is_empty());
    }
}
