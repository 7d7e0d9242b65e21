//! AgentCore Memory's control plane through the Rust SDK: create (202,
//! ids like AWS's, both namespace members), get, list, update (strategies
//! added, modified, deleted; indexed keys), tags, delete, and its errors.

// `namespaces` is deprecated in the model, and AWS still answers it: that is tested here.
#![allow(deprecated)]
use aws_sdk_bedrockagentcorecontrol::error::ProvideErrorMetadata as _;
use aws_sdk_bedrockagentcorecontrol::types::{
    CustomConfigurationInput, CustomMemoryStrategyInput, DeleteMemoryStrategyInput, IndexedKey,
    MemoryStatus, MemoryStrategyInput, MemoryStrategyStatus, MemoryStrategyType, MetadataValueType,
    ModifyMemoryStrategies, ModifyMemoryStrategyInput, SemanticMemoryStrategyInput,
    SemanticOverrideConfigurationInput, SemanticOverrideExtractionConfigurationInput,
    SummaryMemoryStrategyInput, UserPreferenceMemoryStrategyInput,
};

use crate::platform::{client, client_without_retries, poll_until, start_ephemeral};

fn semantic(name: &str) -> MemoryStrategyInput {
    MemoryStrategyInput::SemanticMemoryStrategy(
        SemanticMemoryStrategyInput::builder()
            .name(name)
            .build()
            .unwrap(),
    )
}

/// `<stem>-<10 alphanumerics>`.
fn is_aws_style_id(id: &str, stem: &str) -> bool {
    id.strip_prefix(stem)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|suffix| {
            suffix.len() == 10 && suffix.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

#[tokio::test]
async fn memories_are_created_settle_active_and_list_without_names() {
    let platform = start_ephemeral(false).await;
    let c = client(&platform.endpoint_url());
    let created = c
        .create_memory()
        .name("support_memory")
        .description("What the support agent remembers")
        .event_expiry_duration(30)
        .memory_strategies(semantic("facts"))
        .memory_strategies(MemoryStrategyInput::SummaryMemoryStrategy(
            SummaryMemoryStrategyInput::builder()
                .name("summaries")
                .build()
                .unwrap(),
        ))
        .memory_strategies(MemoryStrategyInput::UserPreferenceMemoryStrategy(
            UserPreferenceMemoryStrategyInput::builder()
                .name("prefs")
                .namespace_templates("/users/{actorId}/preferences/")
                .build()
                .unwrap(),
        ))
        .send()
        .await
        .expect("CreateMemory");
    let memory = created.memory().expect("memory");
    assert!(
        is_aws_style_id(memory.id(), "support_memory"),
        "{}",
        memory.id()
    );
    assert_eq!(
        memory.arn(),
        format!(
            "arn:aws:bedrock-agentcore:us-east-1:000000000000:memory/{}",
            memory.id()
        )
    );
    assert_eq!(memory.status(), &MemoryStatus::Creating);
    assert_eq!(memory.event_expiry_duration(), 30);
    let strategies = memory.strategies();
    assert_eq!(strategies.len(), 3);
    assert!(is_aws_style_id(strategies[0].strategy_id(), "facts"));
    assert_eq!(strategies[0].r#type(), &MemoryStrategyType::Semantic);
    assert_eq!(
        strategies[0].namespaces(),
        ["/strategies/{memoryStrategyId}/actors/{actorId}/"]
    );
    assert_eq!(
        strategies[0].namespace_templates(),
        strategies[0].namespaces()
    );
    assert_eq!(strategies[1].r#type(), &MemoryStrategyType::Summarization);
    assert_eq!(
        strategies[1].namespace_templates(),
        ["/strategies/{memoryStrategyId}/actors/{actorId}/sessions/{sessionId}/"]
    );
    assert_eq!(
        strategies[2].namespaces(),
        ["/users/{actorId}/preferences/"]
    );

    let id = memory.id().to_owned();
    poll_until("the memory", &MemoryStatus::Active, || async {
        c.get_memory()
            .memory_id(&id)
            .send()
            .await
            .unwrap()
            .memory()
            .unwrap()
            .status()
            .clone()
    })
    .await;
    let got = c.get_memory().memory_id(&id).send().await.unwrap();
    let got = got.memory().unwrap();
    assert_eq!(got.description(), Some("What the support agent remembers"));
    assert!(
        got.strategies()
            .iter()
            .all(|s| s.status() == Some(&MemoryStrategyStatus::Active))
    );

    let listed = c.list_memories().send().await.expect("ListMemories");
    assert_eq!(listed.memories().len(), 1);
    assert_eq!(listed.memories()[0].id(), Some(id.as_str()));
    assert_eq!(listed.memories()[0].status(), Some(&MemoryStatus::Active));
    platform.shutdown().await;
}

#[tokio::test]
async fn a_duplicate_name_already_exists_and_bad_input_names_the_member() {
    let platform = start_ephemeral(false).await;
    let c = client_without_retries(&platform.endpoint_url());
    c.create_memory()
        .name("dup")
        .event_expiry_duration(7)
        .send()
        .await
        .unwrap();
    let err = c
        .create_memory()
        .name("dup")
        .event_expiry_duration(7)
        .send()
        .await
        .unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    assert!(err.message().unwrap().contains("already exists"), "{err:?}");

    let err = c
        .create_memory()
        .name("has-hyphen")
        .event_expiry_duration(2)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let message = err.message().unwrap().to_owned();
    assert!(message.starts_with("2 validation errors"), "{message}");
    assert!(
        message.contains("at 'name'") && message.contains("at 'eventExpiryDuration'"),
        "{message}"
    );

    let err = c
        .get_memory()
        .memory_id("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "malformed id: {err:?}");
    let err = c
        .get_memory()
        .memory_id("gone-abcdefghij")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        err.is_resource_not_found_exception(),
        "well-formed unknown id: {err:?}"
    );

    let too_many: Vec<_> = (0..7).map(|i| semantic(&format!("s{i}"))).collect();
    let err = c
        .create_memory()
        .name("crowded")
        .event_expiry_duration(7)
        .set_memory_strategies(Some(too_many))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_service_quota_exceeded_exception(), "{err:?}");
    platform.shutdown().await;
}

#[tokio::test]
async fn updates_add_modify_and_delete_strategies_and_add_indexed_keys() {
    let platform = start_ephemeral(false).await;
    let c = client(&platform.endpoint_url());
    let memory = c
        .create_memory()
        .name("evolving")
        .event_expiry_duration(10)
        .memory_strategies(semantic("facts"))
        .send()
        .await
        .unwrap();
    let memory = memory.memory().unwrap();
    let facts = memory.strategies()[0].strategy_id().to_owned();
    // An update waits until the memory is ACTIVE (else ConflictException).
    let active = || async {
        let got = c.get_memory().memory_id(memory.id()).send().await.unwrap();
        got.memory().unwrap().status().clone()
    };
    poll_until("evolving", &MemoryStatus::Active, active).await;
    let custom = MemoryStrategyInput::CustomMemoryStrategy(
        CustomMemoryStrategyInput::builder()
            .name("tuned")
            .configuration(CustomConfigurationInput::SemanticOverride(
                SemanticOverrideConfigurationInput::builder()
                    .extraction(
                        SemanticOverrideExtractionConfigurationInput::builder()
                            .append_to_prompt("Keep order numbers.")
                            .model_id("anthropic.claude-3-haiku")
                            .build()
                            .unwrap(),
                    )
                    .build(),
            ))
            .build()
            .unwrap(),
    );
    let updated = c
        .update_memory()
        .memory_id(memory.id())
        .description("now tuned")
        .memory_strategies(
            ModifyMemoryStrategies::builder()
                .add_memory_strategies(custom)
                .modify_memory_strategies(
                    ModifyMemoryStrategyInput::builder()
                        .memory_strategy_id(&facts)
                        .namespace_templates("/facts/{actorId}/")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .add_indexed_keys(
            IndexedKey::builder()
                .key("topic")
                .r#type(MetadataValueType::String)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("UpdateMemory");
    let m = updated.memory().unwrap();
    assert_eq!(m.description(), Some("now tuned"));
    assert_eq!(m.strategies().len(), 2);
    assert_eq!(m.strategies()[0].namespaces(), ["/facts/{actorId}/"]);
    let tuned = &m.strategies()[1];
    assert_eq!(tuned.r#type(), &MemoryStrategyType::Custom);
    assert!(
        format!("{:?}", tuned.configuration()).contains("SemanticOverride"),
        "{tuned:?}"
    );
    assert_eq!(m.indexed_keys()[0].key(), "topic");

    poll_until("evolving", &MemoryStatus::Active, active).await;
    let after = c
        .update_memory()
        .memory_id(m.arn())
        .memory_strategies(
            ModifyMemoryStrategies::builder()
                .delete_memory_strategies(
                    DeleteMemoryStrategyInput::builder()
                        .memory_strategy_id(&facts)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .expect("UpdateMemory by ARN");
    assert_eq!(after.memory().unwrap().strategies().len(), 1);
    platform.shutdown().await;
}

#[tokio::test]
async fn tags_live_on_memory_arns_and_delete_leaves_nothing() {
    let platform = start_ephemeral(false).await;
    let c = client_without_retries(&platform.endpoint_url());
    let created = c
        .create_memory()
        .name("tagged")
        .event_expiry_duration(3)
        .tags("team", "support")
        .send()
        .await
        .unwrap();
    let memory = created.memory().unwrap();
    c.tag_resource()
        .resource_arn(memory.arn())
        .tags("env", "dev")
        .send()
        .await
        .unwrap();
    let tags = c
        .list_tags_for_resource()
        .resource_arn(memory.arn())
        .send()
        .await
        .unwrap();
    let tags = tags.tags().unwrap();
    assert_eq!(tags.get("team").map(String::as_str), Some("support"));
    assert_eq!(tags.get("env").map(String::as_str), Some("dev"));
    c.untag_resource()
        .resource_arn(memory.arn())
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    let tags = c
        .list_tags_for_resource()
        .resource_arn(memory.arn())
        .send()
        .await
        .unwrap();
    assert!(tags.tags().unwrap().get("team").is_none());

    let deleted = c
        .delete_memory()
        .memory_id(memory.id())
        .send()
        .await
        .expect("DeleteMemory");
    assert_eq!(deleted.status(), Some(&MemoryStatus::Deleting));
    let err = c
        .get_memory()
        .memory_id(memory.id())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    let err = c
        .delete_memory()
        .memory_id(memory.id())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert!(
        c.list_memories()
            .send()
            .await
            .unwrap()
            .memories()
            .is_empty()
    );
    platform.shutdown().await;
}
