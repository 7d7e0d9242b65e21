//! AgentCore Memory's events through the Rust SDK (and raw HTTP where the
//! SDK would hide the wire): create, get, delete, list newest first, with
//! and without payloads, branches and their lineage, metadata filters,
//! expiry, actors and sessions, ids with `/`, `:` and `#`, and errors.

use std::time::SystemTime;

use aws_sdk_bedrockagentcore::Client;
use aws_sdk_bedrockagentcore::error::ProvideErrorMetadata as _;
use aws_sdk_bedrockagentcore::primitives::DateTime;
use aws_sdk_bedrockagentcore::types::{
    Branch, BranchFilter, Content, Conversational, EventMetadataFilterExpression, FilterInput,
    LeftExpression, MetadataValue, OperatorType, PayloadType, RightExpression, Role,
};
use aws_smithy_types::Document;

use crate::platform::{client, data_client, http, start_ephemeral};

/// A memory with no strategies; returns its id and ARN.
pub async fn memory(endpoint: &str, name: &str, expiry_days: i32) -> (String, String) {
    let created = client(endpoint)
        .create_memory()
        .name(name)
        .event_expiry_duration(expiry_days)
        .send()
        .await
        .expect("CreateMemory");
    let m = created.memory().unwrap();
    (m.id().to_owned(), m.arn().to_owned())
}

pub fn turn(role: Role, text: &str) -> PayloadType {
    PayloadType::Conversational(
        Conversational::builder()
            .role(role)
            .content(Content::Text(text.to_owned()))
            .build()
            .unwrap(),
    )
}

fn at(seconds: f64) -> DateTime {
    DateTime::from_secs_f64(seconds)
}

fn now_s() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// CreateEvent of one turn; its event id.
pub async fn say(
    data: &Client,
    memory: &str,
    actor: &str,
    session: &str,
    when: f64,
    role: Role,
    text: &str,
) -> String {
    data.create_event()
        .memory_id(memory)
        .actor_id(actor)
        .session_id(session)
        .event_timestamp(at(when))
        .payload(turn(role, text))
        .send()
        .await
        .expect("CreateEvent")
        .event()
        .unwrap()
        .event_id()
        .to_owned()
}

fn texts(events: &[aws_sdk_bedrockagentcore::types::Event]) -> Vec<String> {
    events
        .iter()
        .flat_map(|e| e.payload())
        .filter_map(|p| match p {
            PayloadType::Conversational(c) => match c.content() {
                Some(Content::Text(t)) => Some(t.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn events_list_newest_first_with_ids_that_sort_by_time() {
    let platform = start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let (id, arn) = memory(&endpoint, "chat", 30).await;
    let data = data_client(&endpoint);
    let actor = "tenant:acme/user:42";
    let t0 = now_s() - 60.0;
    let first = say(
        &data,
        &id,
        actor,
        "s1",
        t0,
        Role::User,
        "Hi, my order number is 35476",
    )
    .await;
    let second = say(
        &data,
        &arn,
        actor,
        "s1",
        t0 + 0.5,
        Role::Assistant,
        "Thanks, looking it up",
    )
    .await;
    // Same whole second as the first: the id still orders by arrival.
    let third = say(
        &data,
        &id,
        actor,
        "s1",
        (t0 + 0.5).floor() + 0.5,
        Role::User,
        "It was late",
    )
    .await;
    for event_id in [&first, &second, &third] {
        let (ms, hex) = event_id.split_once('#').unwrap();
        assert_eq!(ms.len(), 19, "{event_id}");
        assert_eq!(hex.len(), 8, "{event_id}");
    }
    assert!(first < second, "{first} {second}");

    let listed = data
        .list_events()
        .memory_id(&arn)
        .actor_id(actor)
        .session_id("s1")
        .send()
        .await
        .expect("ListEvents");
    let ids: Vec<_> = listed
        .events()
        .iter()
        .map(|e| e.event_id().to_owned())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted, "newest first");
    assert_eq!(ids.len(), 3);
    assert_eq!(listed.events()[0].memory_id(), id);

    let got = data
        .get_event()
        .memory_id(&id)
        .actor_id(actor)
        .session_id("s1")
        .event_id(&first)
        .send()
        .await
        .expect("GetEvent with / : and # in its path");
    assert_eq!(
        texts(std::slice::from_ref(got.event().unwrap())),
        ["Hi, my order number is 35476"]
    );
    let ts = got.event().unwrap().event_timestamp().as_secs_f64();
    assert!((ts - t0).abs() < 0.002, "{ts} vs {t0}");

    // Paging, one at a time, ends where it should.
    let mut token = None;
    let mut paged = Vec::new();
    loop {
        let page = data
            .list_events()
            .memory_id(&id)
            .actor_id(actor)
            .session_id("s1")
            .max_results(1)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        paged.extend(page.events().iter().map(|e| e.event_id().to_owned()));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(paged, ids);

    let actors = data.list_actors().memory_id(&id).send().await.unwrap();
    assert_eq!(actors.actor_summaries()[0].actor_id(), actor);
    let sessions = data
        .list_sessions()
        .memory_id(&id)
        .actor_id(actor)
        .send()
        .await
        .unwrap();
    assert_eq!(sessions.session_summaries()[0].session_id(), "s1");
    let none = data
        .list_sessions()
        .memory_id(&id)
        .actor_id("nobody")
        .send()
        .await
        .unwrap();
    assert!(none.session_summaries().is_empty());
    let none = data
        .list_events()
        .memory_id(&id)
        .actor_id("nobody")
        .session_id("s9")
        .send()
        .await
        .unwrap();
    assert!(none.events().is_empty());

    data.delete_event()
        .memory_id(&id)
        .actor_id(actor)
        .session_id("s1")
        .event_id(&second)
        .send()
        .await
        .expect("DeleteEvent");
    let err = data
        .get_event()
        .memory_id(&id)
        .actor_id(actor)
        .session_id("s1")
        .event_id(&second)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    platform.shutdown().await;
}

#[tokio::test]
async fn payloads_can_be_left_out_and_blobs_kept() {
    let platform = start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let (id, _) = memory(&endpoint, "blobs", 30).await;
    let data = data_client(&endpoint);
    let blob = Document::Object(
        [("stateType".to_owned(), Document::String("AGENT".into()))]
            .into_iter()
            .collect(),
    );
    data.create_event()
        .memory_id(&id)
        .actor_id("u1")
        .session_id("s1")
        .event_timestamp(DateTime::from_secs(1_900_000_000))
        .payload(PayloadType::Blob(blob.clone()))
        .send()
        .await
        .expect("a blob event");
    let listed = data
        .list_events()
        .memory_id(&id)
        .actor_id("u1")
        .session_id("s1")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.events()[0].payload(), [PayloadType::Blob(blob)]);

    // On the wire, includePayloads=false leaves the key out altogether.
    let url = format!("{endpoint}/memories/{id}/actor/u1/sessions/s1");
    let body: serde_json::Value = http()
        .post(&url)
        .json(&serde_json::json!({"includePayloads": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let event = &body["events"][0];
    assert!(event.get("payload").is_none(), "{body}");
    assert!(event.get("eventId").is_some(), "{body}");

    let err = data
        .list_events()
        .memory_id(&id)
        .actor_id("u1")
        .session_id("s1")
        .max_results(101)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    platform.shutdown().await;
}

#[tokio::test]
async fn branches_fork_from_a_root_event_and_follow_their_lineage() {
    let platform = start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let (id, _) = memory(&endpoint, "forks", 30).await;
    let data = data_client(&endpoint);
    let t = now_s() - 100.0;
    say(&data, &id, "u", "s", t, Role::User, "main 1").await;
    let root = say(&data, &id, "u", "s", t + 1.0, Role::Assistant, "main 2").await;
    say(
        &data,
        &id,
        "u",
        "s",
        t + 2.0,
        Role::User,
        "main 3 after the fork",
    )
    .await;
    data.create_event()
        .memory_id(&id)
        .actor_id("u")
        .session_id("s")
        .event_timestamp(at(t + 3.0))
        .payload(turn(Role::User, "alt 1"))
        .branch(
            Branch::builder()
                .name("alt")
                .root_event_id(&root)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("fork");
    let list = |parents: bool| {
        data.list_events()
            .memory_id(&id)
            .actor_id("u")
            .session_id("s")
            .filter(
                FilterInput::builder()
                    .branch(
                        BranchFilter::builder()
                            .name("alt")
                            .include_parent_branches(parents)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send()
    };
    assert_eq!(texts(list(false).await.unwrap().events()), ["alt 1"]);
    assert_eq!(
        texts(list(true).await.unwrap().events()),
        ["alt 1", "main 2", "main 1"]
    );
    let all = data
        .list_events()
        .memory_id(&id)
        .actor_id("u")
        .session_id("s")
        .send()
        .await
        .unwrap();
    assert_eq!(all.events().len(), 4);
    let forked = all.events().iter().find(|e| e.branch().is_some()).unwrap();
    assert_eq!(
        forked.branch().unwrap().root_event_id(),
        Some(root.as_str())
    );

    let err = data
        .create_event()
        .memory_id(&id)
        .actor_id("u")
        .session_id("s")
        .event_timestamp(at(t + 4.0))
        .payload(turn(Role::User, "orphan"))
        .branch(
            Branch::builder()
                .name("b2")
                .root_event_id("0000000000000000001#00000001")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    platform.shutdown().await;
}

#[tokio::test]
async fn metadata_filters_and_expiry_apply() {
    let platform = start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let (id, _) = memory(&endpoint, "tagged_events", 3).await;
    let data = data_client(&endpoint);
    let now = now_s();
    for (i, kind) in ["AGENT", "MESSAGE", "AGENT"].iter().enumerate() {
        data.create_event()
            .memory_id(&id)
            .actor_id("u")
            .session_id("s")
            .event_timestamp(at(now - 10.0 + i as f64))
            .payload(turn(Role::User, &format!("{kind} {i}")))
            .metadata("stateType", MetadataValue::StringValue((*kind).to_owned()))
            .send()
            .await
            .unwrap();
    }
    // Four days old in a memory that keeps events three days: expired.
    say(
        &data,
        &id,
        "u",
        "s",
        now - 4.0 * 86_400.0,
        Role::User,
        "long gone",
    )
    .await;
    let filtered = data
        .list_events()
        .memory_id(&id)
        .actor_id("u")
        .session_id("s")
        .filter(
            FilterInput::builder()
                .event_metadata(
                    EventMetadataFilterExpression::builder()
                        .left(LeftExpression::MetadataKey("stateType".into()))
                        .operator(OperatorType::EqualsTo)
                        .right(RightExpression::MetadataValue(MetadataValue::StringValue(
                            "AGENT".into(),
                        )))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(texts(filtered.events()), ["AGENT 2", "AGENT 0"]);
    let all = data
        .list_events()
        .memory_id(&id)
        .actor_id("u")
        .session_id("s")
        .send()
        .await
        .unwrap();
    assert_eq!(all.events().len(), 3, "the expired event is not listed");
    platform.shutdown().await;
}

#[tokio::test]
async fn bad_input_and_unknown_memories_get_aws_errors() {
    let platform = start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let (id, _) = memory(&endpoint, "strict", 30).await;
    let data = data_client(&endpoint);
    let err = data
        .create_event()
        .memory_id(&id)
        .actor_id(":bad")
        .session_id("s")
        .event_timestamp(at(now_s()))
        .payload(turn(Role::User, "x"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    assert!(err.message().unwrap().contains("at 'actorId'"), "{err:?}");
    let err = data
        .create_event()
        .memory_id("missing-abcdefghij")
        .actor_id("u")
        .session_id("s")
        .event_timestamp(at(now_s()))
        .payload(turn(Role::User, "x"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    let err = data
        .list_actors()
        .memory_id("not an id")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");

    // A raw body that is not JSON, and a payload that is neither kind.
    let url = format!("{endpoint}/memories/{id}/events");
    let response = http().post(&url).body("{").send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["x-amzn-errortype"],
        "ValidationException"
    );
    let response = http()
        .post(&url)
        .json(
            &serde_json::json!({"actorId": "u", "sessionId": "s", "eventTimestamp": "noon",
            "payload": [{"conversational": {"role": "ROBOT", "content": {"text": "x"}}}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    let fields: Vec<_> = body["fieldList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].clone())
        .collect();
    assert!(
        fields.contains(&serde_json::json!("eventTimestamp")),
        "{body}"
    );
    assert!(
        fields.contains(&serde_json::json!("payload[0].conversational.role")),
        "{body}"
    );
    assert_eq!(body["reason"], "FieldValidationFailed");
    platform.shutdown().await;
}

#[tokio::test]
async fn writes_beyond_the_concurrency_limit_are_throttled_with_429() {
    use acc_runtime_local::{PlatformConfig, StateLocation};
    let platform = acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Ephemeral,
        seed_demo: false,
        memory_write_concurrency: 1,
        ..PlatformConfig::default()
    })
    .await
    .unwrap();
    let endpoint = platform.endpoint_url();
    let (id, _) = memory(&endpoint, "busy", 30).await;
    let data = aws_sdk_bedrockagentcore::Client::from_conf(
        data_client(&endpoint)
            .config()
            .to_builder()
            .retry_config(aws_sdk_bedrockagentcore::config::retry::RetryConfig::disabled())
            .build(),
    );
    let sends = (0..64).map(|i| {
        data.create_event()
            .memory_id(&id)
            .actor_id("u")
            .session_id("s")
            .event_timestamp(at(1_800_000_000.0 + f64::from(i)))
            .payload(turn(Role::User, "hi"))
            .send()
    });
    let results = futures_util::future::join_all(sends).await;
    let throttled: Vec<_> = results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|e| e.as_service_error().expect("a service error"))
        .collect();
    assert!(
        !throttled.is_empty(),
        "64 concurrent writes through one slot"
    );
    for err in &throttled {
        assert!(err.is_throttled_exception(), "{err:?}");
    }
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let listed = data
        .list_events()
        .memory_id(&id)
        .actor_id("u")
        .session_id("s")
        .max_results(100)
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.events().len(),
        ok,
        "every acknowledged write is stored, no other"
    );
    platform.shutdown().await;
}
