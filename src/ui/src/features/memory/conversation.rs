//! A session's events as a conversation: its branches as a tree with their
//! fork points, then each event with its time, id, branch and metadata, and
//! its payload with the role coloured (JSON-wrapped messages read as their
//! text, blobs pretty-printed, personal data masked until revealed).

use acc_domain::memory::{MemoryEvent, branch_tree, date_time};

use crate::features::memory::view_line::{Tone, ViewLine, text_lines};

/// The lines of a conversation.
pub fn conversation_lines(events: &[MemoryEvent], revealed: bool) -> Vec<ViewLine> {
    let mut lines = vec![ViewLine::heading("branches")];
    for b in branch_tree(events) {
        let lead = if b.depth == 0 {
            String::new()
        } else {
            format!("{}└ ", "  ".repeat(b.depth - 1))
        };
        let fork = match (&b.fork_event_id, &b.parent) {
            (Some(at), Some(parent)) => format!(" · forks from {parent} at {at}"),
            (Some(at), None) => format!(" · forks at {at}"),
            _ => String::new(),
        };
        lines.push(ViewLine::new(
            format!("{lead}{}  {} events{fork}", b.name, b.events),
            Tone::Plain,
        ));
    }
    lines.push(ViewLine::blank());
    lines.push(ViewLine::heading(format!("events ({})", events.len())));
    for e in events {
        let meta: Vec<String> = e.metadata.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let meta = if meta.is_empty() {
            String::new()
        } else {
            format!(" · {}", meta.join(" "))
        };
        lines.push(ViewLine::new(
            format!(
                "── {} · {} · {}{meta}",
                date_time(e.timestamp_ms),
                e.event_id,
                e.branch_name()
            ),
            Tone::Muted,
        ));
        for p in &e.payload {
            lines.extend(text_lines(
                &p.readable(),
                revealed,
                p.role(),
                0,
                Tone::of_role(p.role()),
            ));
        }
    }
    if events.is_empty() {
        lines.push(ViewLine::new(
            "(no events: expired, erased, or none yet)",
            Tone::Muted,
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use acc_domain::memory::{EventBranch, EventPayload};

    #[test]
    fn roles_are_toned_branches_nest_and_personal_data_is_masked() {
        let events = vec![
            MemoryEvent {
                event_id: "1#a".into(),
                payload: vec![EventPayload::Conversational {
                    role: "USER".into(),
                    text: "mail me at bob@example.com".into(),
                }],
                ..MemoryEvent::default()
            },
            MemoryEvent {
                event_id: "2#b".into(),
                branch: Some(EventBranch {
                    name: "retry".into(),
                    root_event_id: Some("1#a".into()),
                }),
                payload: vec![EventPayload::Conversational {
                    role: "ASSISTANT".into(),
                    text: "noted".into(),
                }],
                ..MemoryEvent::default()
            },
        ];
        let lines = conversation_lines(&events, false);
        let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert!(
            text.contains(&"└ retry  1 events · forks from main at 1#a"),
            "{text:#?}"
        );
        let user = lines.iter().find(|l| l.tone == Tone::User).unwrap();
        assert_eq!(user.text, "USER       mail me at [email]");
        assert!(lines.iter().any(|l| l.tone == Tone::Assistant));
        let revealed = conversation_lines(&events, true);
        assert!(revealed.iter().any(|l| l.text.contains("bob@example.com")));
    }
}
