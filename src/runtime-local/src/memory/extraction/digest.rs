//! Session-level records, by rule: one summary per session (rewritten as
//! the session grows) in AWS's `<topic name=…>` form, and one episode per
//! session (situation, what was done, outcome). Tool and other turns are
//! counted as steps, never quoted as the user's words.

use serde_json::json;

/// One turn of a conversation, as extraction reads it.
#[derive(Debug, Clone)]
pub(crate) struct Turn {
    /// USER, ASSISTANT, TOOL or OTHER.
    pub(crate) role: String,
    /// What was said.
    pub(crate) text: String,
}

/// Turns quoted in a summary, at most.
const SUMMARY_TURNS: usize = 12;
/// Characters kept of each quoted turn.
const QUOTE_CHARS: usize = 160;

fn clip(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= QUOTE_CHARS {
        text
    } else {
        let cut: String = text.chars().take(QUOTE_CHARS).collect();
        format!("{cut}…")
    }
}

/// A short topic name: the first user turn's first words.
fn topic(turns: &[Turn]) -> String {
    let first = turns
        .iter()
        .find(|t| t.role == "USER")
        .map_or("Conversation", |t| t.text.as_str());
    let words: Vec<&str> = first.split_whitespace().take(6).collect();
    let name = words.join(" ").replace(['"', '<', '>'], "");
    if name.is_empty() {
        "Conversation".to_owned()
    } else {
        name
    }
}

/// The session's summary (the latest turns when it is long).
pub(crate) fn summary(turns: &[Turn]) -> Option<String> {
    let spoken: Vec<&Turn> = turns
        .iter()
        .filter(|t| t.role == "USER" || t.role == "ASSISTANT")
        .collect();
    if spoken.is_empty() {
        return None;
    }
    let start = spoken.len().saturating_sub(SUMMARY_TURNS);
    let mut lines = Vec::new();
    if start > 0 {
        lines.push(format!("({start} earlier turns not shown.)"));
    }
    for turn in &spoken[start..] {
        let who = if turn.role == "USER" {
            "The user said"
        } else {
            "The assistant replied"
        };
        lines.push(format!("{who}: {}", clip(&turn.text)));
    }
    let tools = turns.iter().filter(|t| t.role == "TOOL").count();
    if tools > 0 {
        lines.push(format!("{tools} tool result(s) were used."));
    }
    Some(format!(
        "<topic name=\"{}\">\n{}\n</topic>",
        topic(turns),
        lines.join("\n")
    ))
}

/// The session's episode: the situation, the steps taken, the outcome.
pub(crate) fn episode(turns: &[Turn]) -> Option<String> {
    let first_user = turns.iter().find(|t| t.role == "USER")?;
    let last_assistant = turns.iter().rev().find(|t| t.role == "ASSISTANT");
    let count = |role: &str| turns.iter().filter(|t| t.role == role).count();
    let record = json!({
        "situation": clip(&first_user.text),
        "intent": topic(turns),
        "steps": {
            "userTurns": count("USER"),
            "assistantTurns": count("ASSISTANT"),
            "toolTurns": count("TOOL"),
            "otherTurns": count("OTHER"),
        },
        "outcome": last_assistant.map_or_else(|| "No answer yet.".to_owned(), |t| clip(&t.text)),
        "assessment": "Rule-based local episode: AWS writes and reflects on episodes with a model.",
    });
    Some(record.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(role: &str, text: &str) -> Turn {
        Turn {
            role: role.into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_session_has_one_summary_and_one_episode() {
        let turns = [
            t("USER", "Where is my order 35476?"),
            t("TOOL", "{\"status\":\"shipped\"}"),
            t("ASSISTANT", "It shipped yesterday."),
        ];
        let s = summary(&turns).unwrap();
        assert!(
            s.starts_with("<topic name=\"Where is my order 35476?\">"),
            "{s}"
        );
        assert!(s.contains("The user said: Where is my order 35476?"), "{s}");
        assert!(s.contains("1 tool result(s)"), "{s}");
        assert!(!s.contains("shipped\\\""), "tool output is not quoted: {s}");
        let e: serde_json::Value = serde_json::from_str(&episode(&turns).unwrap()).unwrap();
        assert_eq!(e["outcome"], "It shipped yesterday.");
        assert_eq!(e["steps"]["toolTurns"], 1);
        assert!(summary(&[t("TOOL", "x")]).is_none());
    }
}
