//! The demo workspace remembers: its memory is seeded with conversations
//! (with a little invented personal data), extraction turns them into
//! records, and the concierge agent recalls what it knows about the user
//! before answering and writes the turn as events after.

use std::time::{Duration, Instant};

use acc_runtime_local::{PlatformConfig, StateLocation};
use aws_sdk_bedrockagentcore::types::MemoryContent;
use serde_json::Value;

use crate::platform::{client, data_client, raw_invocation};

#[tokio::test]
async fn the_concierge_recalls_the_user_and_writes_the_turn() {
    let platform = acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Ephemeral,
        seed_demo: true,
        demo_agent_command: Some(vec![
            env!("CARGO_BIN_EXE_acc").to_owned(),
            "demo-agent".to_owned(),
        ]),
        memory_extraction_delay: Duration::from_millis(100),
        ..PlatformConfig::default()
    })
    .await
    .expect("the demo platform starts");
    let endpoint = platform.endpoint_url();
    let control = client(&endpoint);
    let data = data_client(&endpoint);
    let memories = control.list_memories().send().await.unwrap();
    assert_eq!(memories.memories().len(), 1, "the demo memory");
    let memory = memories.memories()[0].id().unwrap().to_owned();
    assert!(
        memory.starts_with("northwind_concierge_memory-"),
        "{memory}"
    );
    let actors = data.list_actors().memory_id(&memory).send().await.unwrap();
    let actors: Vec<&str> = actors
        .actor_summaries()
        .iter()
        .map(|a| a.actor_id())
        .collect();
    assert!(
        actors.contains(&"customer-maria-lopez") && actors.contains(&"customer-kenji-sato"),
        "{actors:?}"
    );

    // The seeded conversations are extracted into the users' profiles.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let facts = data
            .list_memory_records()
            .memory_id(&memory)
            .namespace("/users/customer-maria-lopez/profile/facts/")
            .send()
            .await
            .unwrap();
        let texts: Vec<String> = facts
            .memory_record_summaries()
            .iter()
            .filter_map(|r| match r.content() {
                Some(MemoryContent::Text(t)) => Some(t.clone()),
                _ => None,
            })
            .collect();
        if texts
            .iter()
            .any(|t| t == "The user's order number is 58213.")
        {
            assert!(
                texts.iter().any(|t| t.contains("maria.lopez@example.com")),
                "{texts:?}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "facts still {texts:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The concierge answers Maria with what it remembers, and writes the turn.
    let runtimes = control.list_agent_runtimes().send().await.unwrap();
    let concierge = runtimes
        .agent_runtimes()
        .iter()
        .find(|r| r.agent_runtime_name() == "concierge_agent")
        .unwrap()
        .agent_runtime_arn()
        .to_owned();
    let session = "concierge-memory-test-session-0000000001";
    let answer: Value = raw_invocation(&endpoint, &concierge, Some(session))
        .header("accept", "application/json")
        .header(
            "X-Amzn-Bedrock-AgentCore-Runtime-User-Id",
            "customer-maria-lopez",
        )
        .json(&serde_json::json!({"prompt": "Any news on my order?"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let said = answer["answer"].as_str().unwrap();
    assert!(
        said.starts_with("(From memory: The user's order number is 58213.)"),
        "{answer}"
    );
    assert_eq!(answer["remembered"], true, "{answer}");
    let recalled = &answer["start"]["memory"]["recalled"][0];
    assert!(recalled["score"].as_f64().unwrap() >= 0.2, "{answer}");
    let turn = data
        .list_events()
        .memory_id(&memory)
        .actor_id("customer-maria-lopez")
        .session_id(session)
        .send()
        .await
        .unwrap();
    assert_eq!(turn.events().len(), 1);
    assert_eq!(
        turn.events()[0].payload().len(),
        2,
        "the question and the answer"
    );
    platform.shutdown().await;
}
