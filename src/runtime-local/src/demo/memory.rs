//! The demo memory: what Northwind's concierge agent remembers about the
//! customers it served. Seeded once with a few conversations (invented
//! people and data: an email, a phone number, a test card number, so a
//! sensitive-data scan has something to find); the rule-based extraction
//! then turns them into records, as it does for any memory.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::demo::seed::{object, seed_token};
use crate::memory::state::MemoryState;
use crate::memory::{events, memories};
use crate::platform::store::{get_meta, set_meta};
use crate::platform::timestamps::now_ms;
use crate::platform::wire_errors::ApiError;

/// The `meta` key recording that the demo memory was seeded.
const FLAG: &str = "demo_memory";
/// The seed key of the demo memory.
pub(crate) const KEY: &str = "memory-concierge";
/// Where the concierge finds what it knows about a user (its facts and
/// preferences strategies write below it).
pub(crate) fn profile_path(actor: &str) -> String {
    format!("/users/{actor}/profile/")
}

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

/// One seeded session: actor, session, days ago, turns `(role, text)`.
type Conversation = (
    &'static str,
    &'static str,
    i64,
    &'static [(&'static str, &'static str)],
);

const CONVERSATIONS: &[Conversation] = &[
    (
        "customer-maria-lopez",
        "support-order-58213",
        4,
        &[
            (
                "USER",
                "Hi, my order number is 58213 and it still hasn't arrived.",
            ),
            (
                "ASSISTANT",
                "Sorry about that. Order 58213 left the Rotterdam warehouse on Monday; the carrier shows it out for delivery tomorrow.",
            ),
            (
                "USER",
                "Thanks. My email is maria.lopez@example.com if the courier needs me, and my phone number is +1 415 555 0142.",
            ),
            (
                "ASSISTANT",
                "Noted: I added both to the delivery note for the courier.",
            ),
            ("USER", "I prefer deliveries in the morning, before 10."),
            ("ASSISTANT", "I asked the carrier for a morning slot."),
        ],
    ),
    (
        "customer-maria-lopez",
        "billing-double-charge",
        2,
        &[
            (
                "USER",
                "I was charged twice for order 58213. The card was 4111 1111 1111 1111.",
            ),
            (
                "TOOL",
                "{\"refund\": \"issued\", \"amount\": \"49.90 EUR\", \"order\": 58213}",
            ),
            (
                "ASSISTANT",
                "One of the two charges is refunded: 49.90 EUR will be back on your card within 5 business days.",
            ),
            (
                "USER",
                "I hate marketing calls, please never call me about offers.",
            ),
            (
                "ASSISTANT",
                "Understood, I opted you out of marketing calls.",
            ),
        ],
    ),
    (
        "customer-kenji-sato",
        "offsite-lisbon",
        1,
        &[
            (
                "USER",
                "I'm planning a team offsite in Lisbon for 12 people in March.",
            ),
            ("ASSISTANT", "Happy to help. Do you have a hotel in mind?"),
            (
                "USER",
                "My favourite hotel there is the Avenida Palace. I prefer aisle seats on flights.",
            ),
            (
                "ASSISTANT",
                "I'll ask the Avenida Palace for a group rate and hold aisle seats on the TAP flights.",
            ),
            ("USER", "I live in Osaka, so flights from KIX please."),
            ("ASSISTANT", "Noted: departures from Kansai (KIX)."),
        ],
    ),
];

/// Seed the demo memory and its conversations, once per state.
pub(crate) async fn seed_once(memory: &Arc<MemoryState>) -> Result<(), ApiError> {
    if memory
        .store
        .read(|conn| get_meta(conn, FLAG))
        .await?
        .is_some()
    {
        return Ok(());
    }
    let template = |leaf: &str| json!([format!("/users/{{actorId}}/{leaf}")]);
    let created = memories::create_memory(
        memory,
        object(json!({
            "name": "northwind_concierge_memory",
            "description": "What the Northwind concierge agent remembers about the customers it serves",
            "clientToken": seed_token(KEY),
            "eventExpiryDuration": 90,
            "memoryStrategies": [
                {"semanticMemoryStrategy": {"name": "customer_facts", "namespaceTemplates": template("profile/facts/")}},
                {"userPreferenceMemoryStrategy": {"name": "customer_preferences", "namespaceTemplates": template("profile/preferences/")}},
                {"summaryMemoryStrategy": {"name": "session_summaries", "namespaceTemplates": template("sessions/{sessionId}/summary/")}},
                {"episodicMemoryStrategy": {"name": "service_episodes", "namespaceTemplates": template("sessions/{sessionId}/episodes/")}},
            ],
            "tags": {"owner": "northwind-support"},
        })),
    )
    .await?;
    let id = created["memory"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let now = now_ms();
    for (c, (actor, session, days_ago, turns)) in CONVERSATIONS.iter().enumerate() {
        for (t, (role, text)) in turns.iter().enumerate() {
            let at = now - days_ago * DAY_MS + t as i64 * MINUTE_MS;
            let input = json!({
                "actorId": actor,
                "sessionId": session,
                "eventTimestamp": at as f64 / 1000.0,
                "clientToken": seed_token(&format!("{KEY}-{c}-{t}")),
                "payload": [{"conversational": {"role": role, "content": {"text": text}}}],
            });
            events::create_event(memory, id.clone(), object(input)).await?;
        }
    }
    seed_agent_state(memory, &id, now).await?;
    memory
        .store
        .write(|tx| set_meta(tx, FLAG, "seeded"))
        .await?;
    tracing::info!("seeded the demo memory");
    Ok(())
}

/// A Strands-style session: the agent's state as a blob event (metadata
/// `stateType`) and a message wrapped in JSON, as Strands writes them.
async fn seed_agent_state(memory: &Arc<MemoryState>, id: &str, now: i64) -> Result<(), ApiError> {
    let wrapped: Value = json!({"message": {"role": "user", "content": [{"text": "Which warehouse ships to Porto?"}]}, "message_id": 0});
    let inputs = [
        json!({
            "actorId": "staff-ops-copilot", "sessionId": "strands-ops-session",
            "eventTimestamp": (now - DAY_MS) as f64 / 1000.0,
            "clientToken": seed_token(&format!("{KEY}-strands-0")),
            "metadata": {"stateType": {"stringValue": "AGENT"}, "agentId": {"stringValue": "ops_copilot"}},
            "payload": [{"blob": {"agent_id": "ops_copilot", "state": {"turns": 1}, "conversation_manager_state": {"removed_message_count": 0}}}],
        }),
        json!({
            "actorId": "staff-ops-copilot", "sessionId": "strands-ops-session",
            "eventTimestamp": (now - DAY_MS + MINUTE_MS) as f64 / 1000.0,
            "clientToken": seed_token(&format!("{KEY}-strands-1")),
            "payload": [{"conversational": {"role": "USER", "content": {"text": wrapped.to_string()}}}],
        }),
    ];
    for input in inputs {
        events::create_event(memory, id.to_owned(), object(input)).await?;
    }
    Ok(())
}
