//! A memory with conversations and records, written through the Rust SDK
//! into a real platform, for the headless and tmux tests of `acc memory`
//! and `:mem`.

use aws_sdk_bedrockagentcore::primitives::DateTime;
use aws_sdk_bedrockagentcore::types::{
    Branch, Content, Conversational, MemoryContent, MemoryRecordCreateInput, PayloadType, Role,
};

use crate::platform::data_client;

/// Records about alice (more than one BatchDelete call of 100).
pub const ALICE_RECORDS: usize = 150;
/// Alice's actor id: actor ids may hold `/` and `:`.
pub const ALICE: &str = "guest/alice";
/// Her session.
pub const SESSION: &str = "stay-2025-12";

/// What the seed made.
pub struct Seeded {
    /// The memory's id.
    pub memory_id: String,
    /// Alice's namespace of the semantic strategy.
    pub alice_ns: String,
    /// Bob's.
    pub bob_ns: String,
    /// Events written for alice.
    pub alice_events: usize,
}

/// Where an event goes: memory, actor, session.
struct At<'a>(&'a str, &'a str, &'a str);

async fn event(
    endpoint: &str,
    at: At<'_>,
    secs: i64,
    role: Role,
    text: &str,
    branch: Option<Branch>,
) -> String {
    let At(memory, actor, session) = at;
    let out = data_client(endpoint)
        .create_event()
        .memory_id(memory)
        .actor_id(actor)
        .session_id(session)
        .event_timestamp(DateTime::from_secs(secs))
        .payload(PayloadType::Conversational(
            Conversational::builder()
                .role(role)
                .content(Content::Text(text.into()))
                .build()
                .unwrap(),
        ))
        .set_branch(branch)
        .send()
        .await
        .expect("CreateEvent");
    out.event().unwrap().event_id().to_owned()
}

/// A memory `concierge` with one semantic strategy; alice's stay as a
/// conversation with a branch and personal data; records for alice and bob.
pub async fn seed(endpoint: &str) -> Seeded {
    let (memory_id, strategy) = crate::platform::semantic_memory(endpoint, "concierge", 30).await;
    // Recent: events expire after eventExpiryDuration.
    let t0 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 3600;
    let first = event(
        endpoint,
        At(&memory_id, ALICE, SESSION),
        t0,
        Role::User,
        "Hi, I'm Alice; my email is alice@example.com and my room is 412.",
        None,
    )
    .await;
    event(
        endpoint,
        At(&memory_id, ALICE, SESSION),
        t0 + 1,
        Role::Assistant,
        "Welcome back, Alice. Room 412 it is.",
        None,
    )
    .await;
    event(
        endpoint,
        At(&memory_id, ALICE, SESSION),
        t0 + 2,
        Role::User,
        "Charge my card 4111 1111 1111 1111 for the spa.",
        None,
    )
    .await;
    let fork = Branch::builder()
        .name("retry")
        .root_event_id(first)
        .build()
        .unwrap();
    event(
        endpoint,
        At(&memory_id, ALICE, SESSION),
        t0 + 3,
        Role::Assistant,
        "Let me try that again, Alice.",
        Some(fork),
    )
    .await;
    event(
        endpoint,
        At(&memory_id, "bob", "visit-1"),
        t0 + 4,
        Role::User,
        "A quiet room, please.",
        None,
    )
    .await;
    let alice_ns = format!("/strategies/{strategy}/actors/{ALICE}/");
    let bob_ns = format!("/strategies/{strategy}/actors/bob/");
    let record = |i: usize, ns: &str, text: String| {
        MemoryRecordCreateInput::builder()
            .request_identifier(format!("r{i}"))
            .namespaces(ns)
            .content(MemoryContent::Text(text))
            .memory_strategy_id(&strategy)
            .timestamp(DateTime::from_secs(t0 + i as i64))
            .build()
            .unwrap()
    };
    let mut all: Vec<MemoryRecordCreateInput> = (0..ALICE_RECORDS)
        .map(|i| {
            let text = match i {
                0 => "The user's email is alice@example.com.".to_owned(),
                1 => "The user's room number is 412.".to_owned(),
                _ => format!("The user asked about the spa schedule, request {i}."),
            };
            record(i, &alice_ns, text)
        })
        .collect();
    all.push(record(
        1000,
        &bob_ns,
        "The user prefers a quiet room.".into(),
    ));
    all.push(record(
        1001,
        &bob_ns,
        "The user's order number is 35476.".into(),
    ));
    for batch in all.chunks(100) {
        data_client(endpoint)
            .batch_create_memory_records()
            .memory_id(&memory_id)
            .set_records(Some(batch.to_vec()))
            .send()
            .await
            .expect("BatchCreateMemoryRecords");
    }
    Seeded {
        memory_id,
        alice_ns,
        bob_ns,
        alice_events: 4,
    }
}
