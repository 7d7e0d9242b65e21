//! AgentCore Memory's modelled errors beyond not-found and validation, each
//! parsed by the Rust SDK as the code the botocore models list for the
//! operation: `ConflictException` (an update of a memory still being
//! updated), `RetryableConflictException` (CreateEvent while the store's
//! write lock is held by another connection), `ServiceException` (internal
//! failures: the memory models list it, not `InternalServerException`),
//! and `indexedKeys` held to AWS's `MetadataKey` pattern.

use std::time::SystemTime;

use aws_sdk_bedrockagentcore::primitives::DateTime;
use aws_sdk_bedrockagentcore::types::{
    Content, Conversational, MemoryMetadataFilterExpression, MemoryRecordLeftExpression,
    MemoryRecordMetadataValue, MemoryRecordOperatorType, MemoryRecordRightExpression, PayloadType,
    Role,
};
use aws_sdk_bedrockagentcorecontrol::error::ProvideErrorMetadata as _;
use aws_sdk_bedrockagentcorecontrol::types::{IndexedKey, MemoryStatus, MetadataValueType};
use aws_smithy_types::retry::RetryConfig;

use aws_sdk_bedrockagentcorecontrol::Client;

use crate::platform::{
    client, client_without_retries, damage_store, data_client, poll_until, start_in,
};

fn key(name: &str) -> IndexedKey {
    IndexedKey::builder()
        .key(name)
        .r#type(MetadataValueType::String)
        .build()
        .unwrap()
}

/// The data-plane client giving up on the first failure.
fn data_without_retries(endpoint: &str) -> aws_sdk_bedrockagentcore::Client {
    let config = data_client(endpoint)
        .config()
        .to_builder()
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_bedrockagentcore::Client::from_conf(config)
}

fn turn(text: &str) -> PayloadType {
    PayloadType::Conversational(
        Conversational::builder()
            .role(Role::User)
            .content(Content::Text(text.into()))
            .build()
            .unwrap(),
    )
}

fn now() -> DateTime {
    DateTime::from(SystemTime::now())
}

/// CreateMemory `name` declaring `keys`: its id and ARN.
async fn new_memory(c: &Client, name: &str, keys: &[&str]) -> (String, String) {
    let created = c
        .create_memory()
        .name(name)
        .event_expiry_duration(7)
        .set_indexed_keys((!keys.is_empty()).then(|| keys.iter().map(|k| key(k)).collect()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateMemory {name}: {e:?}"));
    let memory = created.memory().unwrap();
    (memory.id().to_owned(), memory.arn().to_owned())
}

/// Polls GetMemory until memory `id` is ACTIVE.
async fn wait_active(c: &Client, id: &str) {
    poll_until(id, &MemoryStatus::Active, || async {
        let got = c.get_memory().memory_id(id).send().await.unwrap();
        got.memory().unwrap().status().clone()
    })
    .await;
}

/// CreateEvent: one user turn saying `text` in memory `id`.
async fn user_turn(
    data: &aws_sdk_bedrockagentcore::Client,
    id: &str,
    text: &str,
) -> Result<(), aws_sdk_bedrockagentcore::operation::create_event::CreateEventError> {
    data.create_event()
        .memory_id(id)
        .actor_id("u1")
        .session_id("s1")
        .event_timestamp(now())
        .payload(turn(text))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.into_service_error())
}

/// Attack: a key AWS's pattern `[a-zA-Z0-9\s._:/=+@-]*` refuses (a quote,
/// a parenthesis, a semicolon) is refused at CreateMemory and UpdateMemory,
/// naming the member; every character the pattern allows is accepted.
#[tokio::test]
async fn indexed_keys_follow_aws_metadata_key_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let platform = start_in(dir.path(), false).await.unwrap();
    let c = client_without_retries(&platform.endpoint_url());
    for bad in [r#"a"b"#, "x')--", "k;DROP", "ключ", "$.path[0]"] {
        let err = c
            .create_memory()
            .name("keyed")
            .event_expiry_duration(7)
            .indexed_keys(key(bad))
            .send()
            .await
            .expect_err(bad)
            .into_service_error();
        assert!(err.is_validation_exception(), "{bad}: {err:?}");
        let message = err.message().unwrap_or_default();
        assert!(
            message.contains("indexedKeys.0.member.key") || message.contains("indexedKeys[0].key"),
            "{bad}: {message}"
        );
        assert!(message.contains("[a-zA-Z0-9\\s._:/=+@-]*"), "{message}");
    }
    // Every character the pattern allows.
    let (id, _) = new_memory(&c, "keyed", &["topic.name:v1/=+@- x_y"]).await;
    wait_active(&c, &id).await;
    let err = c
        .update_memory()
        .memory_id(&id)
        .add_indexed_keys(key(r#"x"y"#))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    assert!(
        err.message().unwrap_or_default().contains("addIndexedKeys"),
        "{err:?}"
    );
    platform.shutdown().await;
}

/// UpdateMemory lists ConflictException: an update of a memory that is
/// still UPDATING (or CREATING) is one, and once ACTIVE it goes through.
#[tokio::test]
async fn an_update_of_a_memory_being_updated_is_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let platform = start_in(dir.path(), false).await.unwrap();
    let c = client_without_retries(&platform.endpoint_url());
    let (id, _) = new_memory(&c, "busy", &[]).await;
    wait_active(&c, &id).await;
    // The first update leaves the memory UPDATING for a moment; the update
    // sent right after meets it so. (A machine too slow to send the second
    // within the moment sees ACTIVE: the pair is tried again, a few times.)
    let mut conflict = None;
    for round in 0..10 {
        let first = c
            .update_memory()
            .memory_id(&id)
            .description(format!("round {round}"))
            .send()
            .await
            .expect("an update of an ACTIVE memory");
        assert_eq!(first.memory().unwrap().status(), &MemoryStatus::Updating);
        match c
            .update_memory()
            .memory_id(&id)
            .description("again")
            .send()
            .await
        {
            Err(e) => {
                conflict = Some(e.into_service_error());
                break;
            }
            Ok(_) => wait_active(&c, &id).await,
        }
    }
    let conflict = conflict.expect("an update while UPDATING is refused");
    assert!(conflict.is_conflict_exception(), "{conflict:?}");
    let message = conflict.message().unwrap_or_default();
    assert!(
        message.contains("UPDATING") && message.contains("ACTIVE"),
        "{message}"
    );
    wait_active(&c, &id).await;
    c.update_memory()
        .memory_id(&id)
        .description("settled")
        .send()
        .await
        .expect("an update once ACTIVE");
    platform.shutdown().await;
}

/// The store's write lock held by another connection (a second process on
/// the state file): CreateEvent answers RetryableConflictException, which
/// its model lists, once SQLite's busy wait runs out; released, it writes.
#[tokio::test]
async fn create_event_under_a_held_write_lock_is_a_retryable_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let platform = start_in(dir.path(), false).await.unwrap();
    let endpoint = platform.endpoint_url();
    let (id, _) = new_memory(&client(&endpoint), "locked", &[]).await;
    let db = rusqlite::Connection::open(dir.path().join("platform.sqlite3")).unwrap();
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    let data = data_without_retries(&endpoint);
    let err = user_turn(&data, &id, "hello").await.unwrap_err();
    assert!(err.is_retryable_conflict_exception(), "{err:?}");
    db.execute_batch("COMMIT").unwrap();
    user_turn(&data, &id, "hello again")
        .await
        .expect("written once the lock is released");
    platform.shutdown().await;
}

/// Internal failures (here a memory's stored document broken behind the
/// platform's back) answer ServiceException on both planes, as the memory
/// models list, rather than InternalServerException.
#[tokio::test]
async fn internal_failures_are_service_exceptions_on_both_planes() {
    let dir = tempfile::tempdir().unwrap();
    let platform = start_in(dir.path(), false).await.unwrap();
    let endpoint = platform.endpoint_url();
    let c = client_without_retries(&endpoint);
    let (id, arn) = new_memory(&c, "broken_doc", &["channel"]).await;
    let broken = "UPDATE memories SET document = '{' WHERE memory_id = ?1";
    damage_store(dir.path(), broken, &id);

    let err = c
        .get_memory()
        .memory_id(&id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_service_exception(), "control plane: {err:?}");
    assert_eq!(err.code(), Some("ServiceException"));
    assert!(
        err.message().unwrap_or_default().contains("corrupt"),
        "{err:?}"
    );

    // Filters read the memory's declared keys from its document.
    let filter = MemoryMetadataFilterExpression::builder()
        .left(MemoryRecordLeftExpression::MetadataKey("channel".into()))
        .operator(MemoryRecordOperatorType::EqualsTo)
        .right(MemoryRecordRightExpression::MetadataValue(
            MemoryRecordMetadataValue::StringValue("web".into()),
        ))
        .build()
        .unwrap();
    let err = data_without_retries(&endpoint)
        .list_memory_records()
        .memory_id(&id)
        .namespace("/")
        .metadata_filters(filter)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_service_exception(), "data plane: {err:?}");
    assert_eq!(
        aws_sdk_bedrockagentcore::error::ProvideErrorMetadata::code(&err),
        Some("ServiceException")
    );
    // Tagging is shared with other resources; its model lists
    // InternalServerException, which it keeps.
    let err = c
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_internal_server_exception(), "{err:?}");
    platform.shutdown().await;
}
