//! AgentCore Memory's long-term records through the Rust SDK: the local,
//! rule-based extraction (semantic facts, preferences, one summary and one
//! episode per session, consolidation, SKIP, self-managed strategies) run
//! as jobs; lexical retrieval with scores, namespaces and paths, metadata
//! filters on indexed keys; and the record operations and their errors.

use std::time::{Duration, Instant};

use acc_runtime_local::{PlatformConfig, RunningPlatform, StateLocation};
use aws_sdk_bedrockagentcore::Client;
use aws_sdk_bedrockagentcore::error::ProvideErrorMetadata as _;
use aws_sdk_bedrockagentcore::primitives::DateTime;
use aws_sdk_bedrockagentcore::types::{
    ExtractionJob, ExtractionMode, MemoryContent, MemoryMetadataFilterExpression,
    MemoryRecordCreateInput, MemoryRecordDeleteInput, MemoryRecordLeftExpression,
    MemoryRecordMetadataValue, MemoryRecordOperatorType, MemoryRecordRightExpression,
    MemoryRecordSummary, MemoryRecordUpdateInput, Role, SearchCriteria,
};
use aws_sdk_bedrockagentcorecontrol::types::{
    CustomConfigurationInput, CustomMemoryStrategyInput, EpisodicMemoryStrategyInput, IndexedKey,
    InvocationConfigurationInput, MemoryStrategyInput, MessageBasedTriggerInput, MetadataValueType,
    SelfManagedConfigurationInput, SemanticMemoryStrategyInput, SummaryMemoryStrategyInput,
    TriggerConditionInput, UserPreferenceMemoryStrategyInput,
};

use crate::memory_events::turn;
use crate::platform::{client, data_client};

/// How long local extraction may take in these tests (it runs after 100 ms).
const EXTRACTED_WITHIN: Duration = Duration::from_secs(10);

async fn start() -> RunningPlatform {
    acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Ephemeral,
        seed_demo: false,
        memory_extraction_delay: Duration::from_millis(100),
        ..PlatformConfig::default()
    })
    .await
    .expect("the platform starts")
}

/// A memory with every kind of strategy; its id and strategy ids by name.
async fn rich_memory(endpoint: &str) -> (String, Vec<(String, String)>) {
    let strategies = [
        MemoryStrategyInput::SemanticMemoryStrategy(
            SemanticMemoryStrategyInput::builder()
                .name("facts")
                .build()
                .unwrap(),
        ),
        MemoryStrategyInput::UserPreferenceMemoryStrategy(
            UserPreferenceMemoryStrategyInput::builder()
                .name("prefs")
                .build()
                .unwrap(),
        ),
        MemoryStrategyInput::SummaryMemoryStrategy(
            SummaryMemoryStrategyInput::builder()
                .name("summary")
                .build()
                .unwrap(),
        ),
        MemoryStrategyInput::EpisodicMemoryStrategy(
            EpisodicMemoryStrategyInput::builder()
                .name("episodes")
                .build()
                .unwrap(),
        ),
        MemoryStrategyInput::CustomMemoryStrategy(
            CustomMemoryStrategyInput::builder()
                .name("relay")
                .configuration(CustomConfigurationInput::SelfManagedConfiguration(
                    SelfManagedConfigurationInput::builder()
                        .trigger_conditions(TriggerConditionInput::MessageBasedTrigger(
                            MessageBasedTriggerInput::builder().message_count(2).build(),
                        ))
                        .invocation_configuration(
                            InvocationConfigurationInput::builder()
                                .topic_arn("arn:aws:sns:us-east-1:000000000000:memory-jobs")
                                .payload_delivery_bucket_name("memory-payloads")
                                .build()
                                .unwrap(),
                        )
                        .build(),
                ))
                .build()
                .unwrap(),
        ),
    ];
    let created = client(endpoint)
        .create_memory()
        .name("rich")
        .event_expiry_duration(30)
        .set_memory_strategies(Some(strategies.to_vec()))
        .indexed_keys(
            IndexedKey::builder()
                .key("channel")
                .r#type(MetadataValueType::String)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("CreateMemory");
    let m = created.memory().unwrap();
    let ids = m
        .strategies()
        .iter()
        .map(|s| (s.name().to_owned(), s.strategy_id().to_owned()))
        .collect();
    (m.id().to_owned(), ids)
}

fn id_of<'a>(ids: &'a [(String, String)], name: &str) -> &'a str {
    &ids.iter().find(|(n, _)| n == name).unwrap().1
}

fn text(r: &MemoryRecordSummary) -> String {
    match r.content() {
        Some(MemoryContent::Text(t)) => t.clone(),
        other => panic!("record content {other:?}"),
    }
}

/// The records in `namespace`, once `done` holds for them (polled).
async fn records_when(
    data: &Client,
    memory: &str,
    namespace: &str,
    done: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let deadline = Instant::now() + EXTRACTED_WITHIN;
    loop {
        let listed = data
            .list_memory_records()
            .memory_id(memory)
            .namespace(namespace)
            .send()
            .await
            .unwrap();
        let texts: Vec<String> = listed.memory_record_summaries().iter().map(text).collect();
        if done(&texts) {
            return texts;
        }
        assert!(
            Instant::now() < deadline,
            "records in {namespace} still {texts:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn event(
    data: &Client,
    memory: &str,
    session: &str,
    turns: &[(Role, &str)],
    skip: bool,
) -> String {
    let mut request = data
        .create_event()
        .memory_id(memory)
        .actor_id("user/42")
        .session_id(session)
        .event_timestamp(DateTime::from_secs_f64(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs_f64(),
        ))
        .metadata(
            "channel",
            aws_sdk_bedrockagentcore::types::MetadataValue::StringValue("web".into()),
        );
    for (role, text) in turns {
        request = request.payload(turn(role.clone(), text));
    }
    if skip {
        request = request.extraction_mode(ExtractionMode::Skip);
    }
    request
        .send()
        .await
        .expect("CreateEvent")
        .event()
        .unwrap()
        .event_id()
        .to_owned()
}

#[tokio::test]
async fn rules_extract_facts_preferences_summaries_and_episodes_into_their_namespaces() {
    let platform = start().await;
    let endpoint = platform.endpoint_url();
    let (memory, ids) = rich_memory(&endpoint).await;
    let data = data_client(&endpoint);
    event(
        &data,
        &memory,
        "s1",
        &[
            (
                Role::User,
                "Hi, my order number is 35476. I prefer aisle seats over window seats.",
            ),
            (Role::Tool, "{\"order\": 35476, \"status\": \"shipped\"}"),
            (Role::Assistant, "Your order 35476 has shipped."),
        ],
        false,
    )
    .await;
    event(
        &data,
        &memory,
        "s1",
        &[(Role::User, "My email is not something to remember.")],
        true,
    )
    .await;

    let facts_ns = format!("/strategies/{}/actors/user/42/", id_of(&ids, "facts"));
    let facts = records_when(&data, &memory, &facts_ns, |t| !t.is_empty()).await;
    assert_eq!(
        facts,
        ["The user's order number is 35476."],
        "SKIP kept the second event out"
    );
    let prefs_ns = format!("/strategies/{}/actors/user/42/", id_of(&ids, "prefs"));
    let prefs = records_when(&data, &memory, &prefs_ns, |t| !t.is_empty()).await;
    let pref: serde_json::Value = serde_json::from_str(&prefs[0]).unwrap();
    assert_eq!(
        pref["preference"],
        "The user prefers aisle seats over window seats."
    );
    assert_eq!(pref["categories"], serde_json::json!(["travel"]));
    let summary_ns = format!(
        "/strategies/{}/actors/user/42/sessions/s1/",
        id_of(&ids, "summary")
    );
    let summary = records_when(&data, &memory, &summary_ns, |t| t.len() == 1).await;
    assert!(summary[0].starts_with("<topic name="), "{summary:?}");
    assert!(
        !summary[0].contains("\"status\""),
        "tool output is not quoted as speech"
    );
    let episode_ns = format!(
        "/strategies/{}/actors/user/42/sessions/s1/",
        id_of(&ids, "episodes")
    );
    let episode = records_when(&data, &memory, &episode_ns, |t| t.len() == 1).await;
    assert!(episode[0].contains("\"toolTurns\":1"), "{episode:?}");

    // Consolidation: the same subject replaces, an exact repeat is skipped,
    // and the session's one summary is rewritten.
    event(
        &data,
        &memory,
        "s1",
        &[(Role::User, "Sorry, my order number is 35477.")],
        false,
    )
    .await;
    event(
        &data,
        &memory,
        "s1",
        &[(Role::User, "I prefer aisle seats over window seats.")],
        false,
    )
    .await;
    let facts = records_when(&data, &memory, &facts_ns, |t| {
        t.iter().any(|f| f.contains("35477"))
    })
    .await;
    assert_eq!(facts, ["The user's order number is 35477."]);
    let summary = records_when(&data, &memory, &summary_ns, |t| {
        t.len() == 1 && t[0].contains("35477")
    })
    .await;
    assert_eq!(summary.len(), 1);
    let prefs = records_when(&data, &memory, &prefs_ns, |t| !t.is_empty()).await;
    assert_eq!(prefs.len(), 1, "an exact duplicate is not added: {prefs:?}");

    // Retrieval: lexical, scored 0-1, by exact namespace or by path.
    let found = data
        .retrieve_memory_records()
        .memory_id(&memory)
        .namespace(&facts_ns)
        .search_criteria(
            SearchCriteria::builder()
                .search_query("what is the order number?")
                .top_k(3)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("RetrieveMemoryRecords");
    let best = &found.memory_record_summaries()[0];
    assert_eq!(text(best), "The user's order number is 35477.");
    let score = best.score().unwrap();
    assert!(score > 0.8 && score <= 1.0, "{score}");
    let everywhere = data
        .retrieve_memory_records()
        .memory_id(&memory)
        .namespace_path("/strategies")
        .search_criteria(
            SearchCriteria::builder()
                .search_query("order 35477")
                .top_k(10)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(
        everywhere.memory_record_summaries().len() >= 2,
        "facts and the summary match"
    );
    let not_a_boundary = data
        .retrieve_memory_records()
        .memory_id(&memory)
        .namespace_path("/strat")
        .search_criteria(
            SearchCriteria::builder()
                .search_query("order")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(
        not_a_boundary.memory_record_summaries().is_empty(),
        "paths match on / boundaries"
    );
    let hostile = data
        .retrieve_memory_records()
        .memory_id(&memory)
        .search_criteria(
            SearchCriteria::builder()
                .search_query("\" OR NEAR( * -- )")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("FTS syntax in a query is data");
    assert!(hostile.memory_record_summaries().is_empty());

    // Records carry the indexed metadata of their events; filters use it.
    let filter = |key: &str| {
        MemoryMetadataFilterExpression::builder()
            .left(MemoryRecordLeftExpression::MetadataKey(key.into()))
            .operator(MemoryRecordOperatorType::EqualsTo)
            .right(MemoryRecordRightExpression::MetadataValue(
                MemoryRecordMetadataValue::StringValue("web".into()),
            ))
            .build()
            .unwrap()
    };
    let filtered = data
        .list_memory_records()
        .memory_id(&memory)
        .namespace(&facts_ns)
        .metadata_filters(filter("channel"))
        .send()
        .await
        .unwrap();
    assert_eq!(filtered.memory_record_summaries().len(), 1);
    let err = data
        .list_memory_records()
        .memory_id(&memory)
        .metadata_filters(filter("undeclared"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    assert!(err.message().unwrap().contains("indexedKeys"), "{err:?}");

    // Jobs are listed; the self-managed one recorded what it would deliver.
    let jobs = data
        .list_memory_extraction_jobs()
        .memory_id(&memory)
        .send()
        .await
        .unwrap();
    assert!(!jobs.jobs().is_empty());
    let job = jobs
        .jobs()
        .iter()
        .find(|j| j.strategy_id() == Some(id_of(&ids, "relay")))
        .expect("a self-managed job");
    assert!(
        !job.messages()
            .unwrap()
            .as_messages_list()
            .unwrap()
            .is_empty()
    );
    data.start_memory_extraction_job()
        .memory_id(&memory)
        .extraction_job(
            ExtractionJob::builder()
                .job_id(job.job_id())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("StartMemoryExtractionJob");
    let err = data
        .start_memory_extraction_job()
        .memory_id(&memory)
        .extraction_job(
            ExtractionJob::builder()
                .job_id("no-such-job")
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
async fn records_are_created_updated_got_and_deleted_in_batches() {
    let platform = start().await;
    let endpoint = platform.endpoint_url();
    let (memory, _) = rich_memory(&endpoint).await;
    let data = data_client(&endpoint);
    let input = |i: usize| {
        MemoryRecordCreateInput::builder()
            .request_identifier(format!("r{i}"))
            .namespaces("/manual/")
            .content(MemoryContent::Text(format!("Manual fact number {i}")))
            .timestamp(DateTime::from_secs(1_800_000_000))
            .build()
            .unwrap()
    };
    let created = data
        .batch_create_memory_records()
        .memory_id(&memory)
        .set_records(Some((0..3).map(input).collect()))
        .send()
        .await
        .expect("BatchCreateMemoryRecords");
    assert_eq!(created.successful_records().len(), 3);
    assert!(created.failed_records().is_empty());
    let first = created.successful_records()[0]
        .memory_record_id()
        .to_owned();
    assert!(first.starts_with("mem-") && first.len() == 40, "{first}");
    assert_eq!(
        created.successful_records()[0].request_identifier(),
        Some("r0")
    );

    let updated = data
        .batch_update_memory_records()
        .memory_id(&memory)
        .records(
            MemoryRecordUpdateInput::builder()
                .memory_record_id(&first)
                .content(MemoryContent::Text("Corrected fact".into()))
                .timestamp(DateTime::from_secs(1_800_000_100))
                .build()
                .unwrap(),
        )
        .records(
            MemoryRecordUpdateInput::builder()
                .memory_record_id(format!("mem-{}", "0".repeat(36)))
                .timestamp(DateTime::from_secs(1_800_000_100))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(updated.successful_records().len(), 1);
    assert_eq!(updated.failed_records().len(), 1);
    let got = data
        .get_memory_record()
        .memory_id(&memory)
        .memory_record_id(&first)
        .send()
        .await
        .unwrap();
    let record = got.memory_record().unwrap();
    assert_eq!(
        record.content(),
        Some(&MemoryContent::Text("Corrected fact".into()))
    );
    assert_eq!(record.namespaces(), ["/manual/"]);

    data.delete_memory_record()
        .memory_id(&memory)
        .memory_record_id(&first)
        .send()
        .await
        .unwrap();
    let err = data
        .get_memory_record()
        .memory_id(&memory)
        .memory_record_id(&first)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    let rest: Vec<String> = data
        .list_memory_records()
        .memory_id(&memory)
        .namespace("/manual/")
        .send()
        .await
        .unwrap()
        .memory_record_summaries()
        .iter()
        .map(|r| r.memory_record_id().to_owned())
        .collect();
    assert_eq!(rest.len(), 2);
    let deleted = data
        .batch_delete_memory_records()
        .memory_id(&memory)
        .set_records(Some(
            rest.iter()
                .map(|id| {
                    MemoryRecordDeleteInput::builder()
                        .memory_record_id(id)
                        .build()
                        .unwrap()
                })
                .collect(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.successful_records().len(), 2);

    let too_many: Vec<_> = (0..101).map(input).collect();
    let err = data
        .batch_create_memory_records()
        .memory_id(&memory)
        .set_records(Some(too_many))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    let err = data
        .get_memory_record()
        .memory_id(&memory)
        .memory_record_id("mem-short")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    platform.shutdown().await;
}

#[tokio::test]
async fn memories_events_and_records_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        acc_runtime_local::start(PlatformConfig {
            state: StateLocation::Dir(dir.path().to_path_buf()),
            seed_demo: false,
            memory_extraction_delay: Duration::from_millis(100),
            ..PlatformConfig::default()
        })
    };
    let first = start().await.unwrap();
    let (memory, ids) = rich_memory(&first.endpoint_url()).await;
    let data = data_client(&first.endpoint_url());
    let event_id = event(
        &data,
        &memory,
        "s1",
        &[(Role::User, "My seat is 14C.")],
        false,
    )
    .await;
    let facts_ns = format!("/strategies/{}/actors/user/42/", id_of(&ids, "facts"));
    records_when(&data, &memory, &facts_ns, |t| {
        t == ["The user's seat is 14C."]
    })
    .await;
    first.shutdown().await;

    let second = start().await.unwrap();
    let data = data_client(&second.endpoint_url());
    let got = client(&second.endpoint_url())
        .get_memory()
        .memory_id(&memory)
        .send()
        .await
        .unwrap();
    assert_eq!(got.memory().unwrap().strategies().len(), 5);
    let events = data
        .list_events()
        .memory_id(&memory)
        .actor_id("user/42")
        .session_id("s1")
        .send()
        .await
        .unwrap();
    assert_eq!(events.events()[0].event_id(), event_id);
    let facts = records_when(&data, &memory, &facts_ns, |t| !t.is_empty()).await;
    assert_eq!(facts, ["The user's seat is 14C."]);
    second.shutdown().await;
}

/// Kills the `acc serve` it holds when dropped (a failed test leaves none).
struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The real binary with `--memory-extraction-delay-ms 3000` (three times
/// the default, so a flag ignored shows): the fact an event states is
/// extracted, and no sooner than the delay after the event was sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_extraction_delay_flag_holds_extraction_back() {
    const DELAY: Duration = Duration::from_millis(3000);
    let mut serve = crate::platform::acc_serve(
        "127.0.0.1:0",
        &[
            "--ephemeral",
            "--no-demo",
            "--memory-extraction-delay-ms",
            "3000",
        ],
    )
    .stdin(std::process::Stdio::null())
    .spawn()
    .expect("spawn acc serve");
    let endpoint = crate::platform::announced_url(&mut serve);
    let _serving = Serving(serve);
    let (memory, facts) = crate::platform::semantic_memory(&endpoint, "delayed", 7).await;
    let data = data_client(&endpoint);
    let sent = Instant::now();
    data.create_event()
        .memory_id(&memory)
        .actor_id("user/42")
        .session_id("s1")
        .event_timestamp(DateTime::from(std::time::SystemTime::now()))
        .payload(turn(Role::User, "My order number is 35476."))
        .send()
        .await
        .expect("CreateEvent");
    let namespace = format!("/strategies/{facts}/actors/user/42/");
    let deadline = sent + DELAY + EXTRACTED_WITHIN;
    let seen = loop {
        let listed = data
            .list_memory_records()
            .memory_id(&memory)
            .namespace(&namespace)
            .send()
            .await
            .unwrap();
        let texts: Vec<String> = listed.memory_record_summaries().iter().map(text).collect();
        if !texts.is_empty() {
            assert_eq!(texts, ["The user's order number is 35476."]);
            break sent.elapsed();
        }
        assert!(
            Instant::now() < deadline,
            "nothing extracted into {namespace}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        seen >= DELAY,
        "the record was there {seen:?} after the event, before the {DELAY:?} delay"
    );
}
