//! Finding 6 (`--readonly` judged HTTP methods, not operations), finding 9
//! (browsers could reach the platform: foreign origins, DNS rebinding) and
//! `acc serve --listen 0.0.0.0` hiding where it listens.

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use acc_runtime_local::operations::{Access, OPERATIONS, Operation};
use acc_runtime_local::{PlatformConfig, RunningPlatform, StateLocation};
use aws_sdk_bedrockagentcorecontrol::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cloudwatchlogs::config::http::HttpResponse;
use serde_json::{Value, json};

use crate::mcp;
use crate::platform::{self, ROLE_ARN, client, http};

const SEARCH_TOOL: &str = "x_amz_bedrock_agentcore_search";

/// A read-only platform on `dir`, seeded with the demo workspace and its
/// agent runtimes, so every read has something to find.
async fn read_only_demo(dir: &Path) -> RunningPlatform {
    acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Dir(dir.to_path_buf()),
        seed_demo: true,
        demo_agent_command: Some(vec![
            env!("CARGO_BIN_EXE_acc").to_owned(),
            "demo-agent".to_owned(),
        ]),
        read_only: true,
        ..PlatformConfig::default()
    })
    .await
    .expect("the read-only platform starts")
}

/// Rows in the platform's capture table, read from its database file.
fn captures_in(dir: &Path) -> i64 {
    let db = rusqlite::Connection::open(dir.join(acc_runtime_local::DATABASE_FILE_NAME)).unwrap();
    db.query_row("SELECT COUNT(*) FROM captures", [], |row| row.get(0))
        .unwrap()
}

/// The MCP URL of the demo gateway `name`.
async fn gateway_url(endpoint: &str, name: &str) -> String {
    let client = client(endpoint);
    let listed = client.list_gateways().send().await.unwrap();
    let id = listed
        .items()
        .iter()
        .find(|g| g.name() == name)
        .unwrap_or_else(|| panic!("the demo gateway {name} is seeded"))
        .gateway_id()
        .to_owned();
    platform::get_gateway(&client, &id)
        .await
        .gateway_url()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn read_only_lists_runtimes_their_versions_and_endpoints() {
    let dir = tempfile::tempdir().unwrap();
    let platform = read_only_demo(dir.path()).await;
    let client = client(&platform.endpoint_url());
    let runtimes = client
        .list_agent_runtimes()
        .send()
        .await
        .expect("ListAgentRuntimes is a read");
    assert_eq!(runtimes.agent_runtimes().len(), 3, "{runtimes:?}");
    let id = runtimes.agent_runtimes()[0].agent_runtime_id();
    let versions = client
        .list_agent_runtime_versions()
        .agent_runtime_id(id)
        .send()
        .await
        .expect("ListAgentRuntimeVersions is a read");
    assert!(!versions.agent_runtimes().is_empty());
    let endpoints = client
        .list_agent_runtime_endpoints()
        .agent_runtime_id(id)
        .send()
        .await
        .expect("ListAgentRuntimeEndpoints is a read");
    assert!(!endpoints.runtime_endpoints().is_empty());
    platform.shutdown().await;
}

#[tokio::test]
async fn read_only_search_works_and_refused_calls_leave_no_capture() {
    let dir = tempfile::tempdir().unwrap();
    let platform = read_only_demo(dir.path()).await;
    let endpoint = platform.endpoint_url();
    let url = gateway_url(&endpoint, "enterprise-hub").await;
    let token = platform::demo_token(&endpoint, "sales-copilot").await;
    let before = captures_in(dir.path());

    let search = mcp::call_tool(
        &url,
        Some(&token),
        SEARCH_TOOL,
        json!({ "query": "look up a customer" }),
    )
    .await;
    let hits = search.result();
    assert_eq!(hits["isError"], json!(false), "{hits}");

    let listed = mcp::rpc(&url, Some(&token), "tools/list", json!({})).await;
    let tool = listed.result()["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .find(|name| name != SEARCH_TOOL)
        .expect("the hub lists tools besides search");
    let refused = mcp::call_tool(&url, Some(&token), &tool, json!({})).await;
    assert_eq!(refused.error_code(), -32001, "{:?}", refused.body);
    assert!(refused.error_message().contains("read-only"));

    assert_eq!(
        captures_in(dir.path()),
        before,
        "a read-only platform stores no capture, neither of the search nor of the refusal"
    );
    platform.shutdown().await;
}

/// What the platform made of one operation.
#[derive(Debug)]
enum Verdict {
    Served,
    Denied,
    /// Neither (a not-found, a validation error): the detail says what.
    Other(String),
}

fn sdk<T, E, R>(result: Result<T, SdkError<E, R>>) -> Verdict
where
    E: ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    match result {
        Ok(_) => Verdict::Served,
        Err(e) if e.code() == Some("AccessDeniedException") => Verdict::Denied,
        Err(e) => Verdict::Other(format!("{e:?}")),
    }
}

async fn raw(request: reqwest::RequestBuilder) -> Verdict {
    let response = request.send().await.expect("the platform answers");
    let status = response.status();
    match status.as_u16() {
        200..=299 => Verdict::Served,
        403 => Verdict::Denied,
        _ => Verdict::Other(format!("{status}: {}", response.text().await.unwrap())),
    }
}

fn rpc_verdict(reply: &mcp::RpcReply) -> Verdict {
    match reply.body["error"]["code"].as_i64() {
        None if reply.status < 300 => Verdict::Served,
        Some(-32001) => Verdict::Denied,
        _ => Verdict::Other(format!("{}: {}", reply.status, reply.body)),
    }
}

/// Identifiers of what the demo workspace holds, for requests to name.
struct Demo {
    endpoint: String,
    gateway: String,
    hub_url: String,
    token: String,
    target: String,
    engine: String,
    policy: String,
    runtime: String,
    runtime_arn: String,
    group: String,
    stream: String,
    memory: DemoMemory,
}

/// What the demo memory holds, for memory requests to name.
struct DemoMemory {
    id: String,
    arn: String,
    actor: String,
    session: String,
    event: String,
    record: String,
    job: String,
}

/// The demo memory once its seeded conversations are extracted (the
/// writable platform extracts; a read-only one changes nothing).
async fn extracted_demo_memory(endpoint: &str) {
    let data = platform::data_client(endpoint);
    let memories = client(endpoint).list_memories().send().await.unwrap();
    let id = memories.memories()[0].id().unwrap().to_owned();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let records = data
            .list_memory_records()
            .memory_id(&id)
            .send()
            .await
            .unwrap();
        if !records.memory_record_summaries().is_empty() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the demo memory has no records yet"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn demo_memory(endpoint: &str) -> DemoMemory {
    let data = platform::data_client(endpoint);
    let memories = client(endpoint).list_memories().send().await.unwrap();
    let summary = &memories.memories()[0];
    let id = summary.id().unwrap().to_owned();
    let actors = data.list_actors().memory_id(&id).send().await.unwrap();
    let actor = actors.actor_summaries()[0].actor_id().to_owned();
    let sessions = data
        .list_sessions()
        .memory_id(&id)
        .actor_id(&actor)
        .send()
        .await
        .unwrap();
    let session = sessions.session_summaries()[0].session_id().to_owned();
    let events = data
        .list_events()
        .memory_id(&id)
        .actor_id(&actor)
        .session_id(&session)
        .send()
        .await
        .unwrap();
    let records = data
        .list_memory_records()
        .memory_id(&id)
        .send()
        .await
        .unwrap();
    let jobs = data
        .list_memory_extraction_jobs()
        .memory_id(&id)
        .send()
        .await
        .unwrap();
    DemoMemory {
        arn: summary.arn().unwrap().to_owned(),
        event: events.events()[0].event_id().to_owned(),
        record: records.memory_record_summaries()[0]
            .memory_record_id()
            .to_owned(),
        job: jobs.jobs()[0].job_id().to_owned(),
        id,
        actor,
        session,
    }
}

/// The demo workspace, with one captured call (so its gateway has a log
/// group), reopened read-only.
async fn read_only_demo_with_history(dir: &Path) -> (RunningPlatform, Demo) {
    let writable = acc_runtime_local::start(PlatformConfig {
        state: StateLocation::Dir(dir.to_path_buf()),
        seed_demo: true,
        ..PlatformConfig::default()
    })
    .await
    .unwrap();
    let endpoint = writable.endpoint_url();
    let hub_url = gateway_url(&endpoint, "enterprise-hub").await;
    let token = platform::demo_token(&endpoint, "sales-copilot").await;
    let query = json!({ "query": "customer" });
    mcp::call_tool(&hub_url, Some(&token), SEARCH_TOOL, query)
        .await
        .result();
    extracted_demo_memory(&endpoint).await;
    writable.shutdown().await;

    let platform = read_only_demo(dir).await;
    let endpoint = platform.endpoint_url();
    let control = client(&endpoint);
    let hub_url = gateway_url(&endpoint, "enterprise-hub").await;
    let gateway = hub_url.rsplit('/').nth(1).unwrap().to_owned();
    let targets = control
        .list_gateway_targets()
        .gateway_identifier(&gateway)
        .send()
        .await;
    let target = targets.unwrap().items()[0].target_id().to_owned();
    let engines = control.list_policy_engines().send().await.unwrap();
    let engine = engines.policy_engines()[0].policy_engine_id().to_owned();
    let policies = control
        .list_policies()
        .policy_engine_id(&engine)
        .send()
        .await;
    let policy = policies.unwrap().policies()[0].policy_id().to_owned();
    let runtimes = control.list_agent_runtimes().send().await.unwrap();
    let runtime = &runtimes.agent_runtimes()[0];
    let logs = platform::logs_client(&endpoint);
    let group = format!("/aws/vendedlogs/bedrock-agentcore/gateway/APPLICATION_LOGS/{gateway}");
    let streams = logs
        .describe_log_streams()
        .log_group_name(&group)
        .send()
        .await;
    let stream = streams.unwrap().log_streams()[0]
        .log_stream_name()
        .unwrap()
        .to_owned();
    let token = platform::demo_token(&endpoint, "sales-copilot").await;
    let memory = demo_memory(&endpoint).await;
    let demo = Demo {
        endpoint,
        gateway,
        hub_url,
        token,
        target,
        engine,
        policy,
        runtime: runtime.agent_runtime_id().to_owned(),
        runtime_arn: runtime.agent_runtime_arn().to_owned(),
        group,
        stream,
        memory,
    };
    (platform, demo)
}

async fn control_plane_reads(name: &str, d: &Demo) -> Option<Verdict> {
    let c = client(&d.endpoint);
    let (gw, rt) = (d.gateway.as_str(), d.runtime.as_str());
    Some(match name {
        "ListGateways" => sdk(c.list_gateways().send().await),
        "GetGateway" => sdk(c.get_gateway().gateway_identifier(gw).send().await),
        "ListGatewayTargets" => sdk(c.list_gateway_targets().gateway_identifier(gw).send().await),
        "GetGatewayTarget" => sdk(c
            .get_gateway_target()
            .gateway_identifier(gw)
            .target_id(&d.target)
            .send()
            .await),
        "ListPolicyEngines" => sdk(c.list_policy_engines().send().await),
        "GetPolicyEngine" => sdk(c
            .get_policy_engine()
            .policy_engine_id(&d.engine)
            .send()
            .await),
        "ListPolicies" => sdk(c.list_policies().policy_engine_id(&d.engine).send().await),
        "GetPolicy" => sdk(c
            .get_policy()
            .policy_engine_id(&d.engine)
            .policy_id(&d.policy)
            .send()
            .await),
        "ListAgentRuntimes" => sdk(c.list_agent_runtimes().send().await),
        "GetAgentRuntime" => sdk(c.get_agent_runtime().agent_runtime_id(rt).send().await),
        "ListAgentRuntimeVersions" => sdk(c
            .list_agent_runtime_versions()
            .agent_runtime_id(rt)
            .send()
            .await),
        "ListAgentRuntimeEndpoints" => sdk(c
            .list_agent_runtime_endpoints()
            .agent_runtime_id(rt)
            .send()
            .await),
        "GetAgentRuntimeEndpoint" => sdk(c
            .get_agent_runtime_endpoint()
            .agent_runtime_id(rt)
            .endpoint_name("DEFAULT")
            .send()
            .await),
        _ => return None,
    })
}

async fn control_plane_writes(name: &str, d: &Demo) -> Option<Verdict> {
    let c = client(&d.endpoint);
    let (gw, rt, engine) = (d.gateway.as_str(), d.runtime.as_str(), d.engine.as_str());
    Some(match name {
        "CreateGateway" => sdk(c
            .create_gateway()
            .name("planted")
            .role_arn(ROLE_ARN)
            .send()
            .await),
        "UpdateGateway" => sdk(c
            .update_gateway()
            .gateway_identifier(gw)
            .name("x")
            .send()
            .await),
        "DeleteGateway" => sdk(c.delete_gateway().gateway_identifier(gw).send().await),
        "CreateGatewayTarget" => sdk(c
            .create_gateway_target()
            .gateway_identifier(gw)
            .name("planted")
            .send()
            .await),
        "UpdateGatewayTarget" => sdk(c
            .update_gateway_target()
            .gateway_identifier(gw)
            .target_id(&d.target)
            .name("x")
            .send()
            .await),
        "DeleteGatewayTarget" => sdk(c
            .delete_gateway_target()
            .gateway_identifier(gw)
            .target_id(&d.target)
            .send()
            .await),
        "SynchronizeGatewayTargets" => sdk(c
            .synchronize_gateway_targets()
            .gateway_identifier(gw)
            .target_id_list(&d.target)
            .send()
            .await),
        "CreatePolicyEngine" => sdk(c.create_policy_engine().name("planted").send().await),
        "UpdatePolicyEngine" => sdk(c
            .update_policy_engine()
            .policy_engine_id(engine)
            .send()
            .await),
        "DeletePolicyEngine" => sdk(c
            .delete_policy_engine()
            .policy_engine_id(engine)
            .send()
            .await),
        "CreatePolicy" => sdk(c
            .create_policy()
            .policy_engine_id(engine)
            .name("p")
            .send()
            .await),
        "UpdatePolicy" => sdk(c
            .update_policy()
            .policy_engine_id(engine)
            .policy_id(&d.policy)
            .send()
            .await),
        "DeletePolicy" => sdk(c
            .delete_policy()
            .policy_engine_id(engine)
            .policy_id(&d.policy)
            .send()
            .await),
        "CreateAgentRuntime" => sdk(c
            .create_agent_runtime()
            .agent_runtime_name("p")
            .send()
            .await),
        "UpdateAgentRuntime" => sdk(c.update_agent_runtime().agent_runtime_id(rt).send().await),
        "DeleteAgentRuntime" => sdk(c.delete_agent_runtime().agent_runtime_id(rt).send().await),
        "CreateAgentRuntimeEndpoint" => sdk(c
            .create_agent_runtime_endpoint()
            .agent_runtime_id(rt)
            .name("planted")
            .send()
            .await),
        _ => return None,
    })
}

async fn data_plane_and_logs(name: &str, d: &Demo) -> Option<Verdict> {
    let data = platform::data_client(&d.endpoint);
    let logs = platform::logs_client(&d.endpoint);
    let session = "a-session-id-that-is-long-enough-000000";
    Some(match name {
        "InvokeAgentRuntime" => sdk(data
            .invoke_agent_runtime()
            .agent_runtime_arn(&d.runtime_arn)
            .payload(aws_sdk_bedrockagentcore::primitives::Blob::new("{}"))
            .send()
            .await),
        "StopRuntimeSession" => sdk(data
            .stop_runtime_session()
            .agent_runtime_arn(&d.runtime_arn)
            .runtime_session_id(session)
            .send()
            .await),
        "DescribeLogGroups" => sdk(logs.describe_log_groups().send().await),
        "DescribeLogStreams" => sdk(logs
            .describe_log_streams()
            .log_group_name(&d.group)
            .send()
            .await),
        "FilterLogEvents" => sdk(logs
            .filter_log_events()
            .log_group_name(&d.group)
            .send()
            .await),
        "GetLogEvents" => sdk(logs
            .get_log_events()
            .log_group_name(&d.group)
            .log_stream_name(&d.stream)
            .send()
            .await),
        "StartQuery" => sdk(start_trace_query(&logs).await),
        "GetQueryResults" => {
            let id = start_trace_query(&logs).await.unwrap();
            let id = id.query_id().unwrap();
            sdk(logs.get_query_results().query_id(id).send().await)
        }
        "StopQuery" => {
            let id = start_trace_query(&logs).await.unwrap();
            let id = id.query_id().unwrap();
            sdk(logs.stop_query().query_id(id).send().await)
        }
        _ => return None,
    })
}

/// The trace list's Logs Insights query on `aws/spans` (the history's
/// gateway call wrote its span there).
async fn start_trace_query(
    logs: &aws_sdk_cloudwatchlogs::Client,
) -> Result<
    aws_sdk_cloudwatchlogs::operation::start_query::StartQueryOutput,
    SdkError<aws_sdk_cloudwatchlogs::operation::start_query::StartQueryError, HttpResponse>,
> {
    let query = acc_domain::traces::insights::SummaryQuery {
        session: None,
        errors_only: false,
        limit: 10,
    };
    logs.start_query()
        .log_group_name(acc_backend::SPANS_LOG_GROUP)
        .start_time(0)
        .end_time(4_000_000_000)
        .query_string(query.text())
        .send()
        .await
}

async fn raw_http(name: &str, d: &Demo) -> Option<Verdict> {
    let at = |path: &str| format!("{}{path}", d.endpoint);
    let otlp = |path: &str| {
        http()
            .post(at(path))
            .header("content-type", "application/json")
            .body("{}")
    };
    let inventory = "/demo/inventory/v1";
    let kb = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }).to_string();
    let request = match name {
        "ExportTraces" => otlp("/v1/traces"),
        "ExportLogs" => otlp("/v1/logs"),
        "ExportMetrics" => otlp("/v1/metrics"),
        "McpGetStream" => http().get(&d.hub_url).bearer_auth(&d.token),
        "McpEndSession" => http().delete(&d.hub_url).bearer_auth(&d.token),
        "ListRuntimeSessions" => http().get(at("/local/runtime-sessions")),
        "GetRuntimeSession" => http().get(at(
            "/local/runtime-sessions/no-such-session-00000000000000000000000",
        )),
        "ListSpans" => http().get(at("/local/spans")),
        "GetOtlpStats" => http().get(at("/local/otlp")),
        "ListMetricPoints" => http().get(at("/local/metrics")),
        "OpenIdConfiguration" => http().get(at("/demo/idp/.well-known/openid-configuration")),
        "Jwks" => http().get(at("/demo/idp/jwks.json")),
        "Token" => http().post(at("/demo/idp/token")).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "sales-copilot"),
            ("client_secret", "acc-demo"),
        ]),
        "ListWarehouses" => http().get(at(&format!("{inventory}/warehouses"))),
        "SearchItems" => http().get(at(&format!("{inventory}/items?q=rug"))),
        "GetItem" => http().get(at(&format!("{inventory}/items/NW-RUG-0520"))),
        "SetReorderPoint" => http()
            .put(at(&format!("{inventory}/items/NW-RUG-0520/reorder-point")))
            .json(&json!({ "reorderPoint": 3 })),
        "ReserveStock" => http()
            .post(at(&format!("{inventory}/reservations")))
            .json(&json!({ "sku": "NW-RUG-0520", "quantity": 1 })),
        "ReleaseReservation" => http().delete(at(&format!("{inventory}/reservations/r-1"))),
        "KnowledgeBaseMcp" => http()
            .post(at("/demo/knowledge-base/mcp"))
            .header("content-type", "application/json")
            .body(kb),
        _ => return None,
    };
    Some(raw(request).await)
}

async fn mcp_messages(name: &str, d: &Demo) -> Option<Verdict> {
    let (url, token) = (d.hub_url.as_str(), Some(d.token.as_str()));
    let reply = match name {
        "initialize" => mcp::post(url, token, &initialize()).await,
        "ping" => mcp::rpc(url, token, "ping", json!({})).await,
        "tools/list" => mcp::rpc(url, token, "tools/list", json!({})).await,
        "notifications/*" => {
            let note = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
            mcp::post(url, token, &note.to_string()).await
        }
        "tools/call" => {
            let listed = mcp::rpc(url, token, "tools/list", json!({})).await;
            let tool = listed.result()["tools"][1]["name"]
                .as_str()
                .unwrap()
                .to_owned();
            assert_ne!(tool, SEARCH_TOOL);
            mcp::call_tool(url, token, &tool, json!({})).await
        }
        "tools/call x_amz_bedrock_agentcore_search" => {
            mcp::call_tool(url, token, SEARCH_TOOL, json!({ "query": "refund" })).await
        }
        _ => return None,
    };
    Some(rpc_verdict(&reply))
}

async fn memory_operations(name: &str, d: &Demo) -> Option<Verdict> {
    use aws_sdk_bedrockagentcore::types::{ExtractionJob, MemoryRecordDeleteInput, SearchCriteria};
    let c = client(&d.endpoint);
    let data = platform::data_client(&d.endpoint);
    let m = &d.memory;
    let at = aws_sdk_bedrockagentcore::primitives::DateTime::from_secs(1_800_000_000);
    Some(match name {
        "CreateMemory" => sdk(c
            .create_memory()
            .name("planted")
            .event_expiry_duration(7)
            .send()
            .await),
        "ListMemories" => sdk(c.list_memories().send().await),
        "GetMemory" => sdk(c.get_memory().memory_id(&m.id).send().await),
        "UpdateMemory" => sdk(c
            .update_memory()
            .memory_id(&m.id)
            .description("x")
            .send()
            .await),
        "DeleteMemory" => sdk(c.delete_memory().memory_id(&m.id).send().await),
        "ListTagsForResource" => sdk(c.list_tags_for_resource().resource_arn(&m.arn).send().await),
        "TagResource" => sdk(c
            .tag_resource()
            .resource_arn(&m.arn)
            .tags("k", "v")
            .send()
            .await),
        "UntagResource" => sdk(c
            .untag_resource()
            .resource_arn(&m.arn)
            .tag_keys("owner")
            .send()
            .await),
        "CreateEvent" => sdk(data
            .create_event()
            .memory_id(&m.id)
            .actor_id(&m.actor)
            .session_id(&m.session)
            .event_timestamp(at)
            .payload(aws_sdk_bedrockagentcore::types::PayloadType::Blob(
                aws_smithy_types::Document::Null,
            ))
            .send()
            .await),
        "GetEvent" => sdk(data
            .get_event()
            .memory_id(&m.id)
            .actor_id(&m.actor)
            .session_id(&m.session)
            .event_id(&m.event)
            .send()
            .await),
        "DeleteEvent" => sdk(data
            .delete_event()
            .memory_id(&m.id)
            .actor_id(&m.actor)
            .session_id(&m.session)
            .event_id(&m.event)
            .send()
            .await),
        "ListEvents" => sdk(data
            .list_events()
            .memory_id(&m.id)
            .actor_id(&m.actor)
            .session_id(&m.session)
            .send()
            .await),
        "ListActors" => sdk(data.list_actors().memory_id(&m.id).send().await),
        "ListSessions" => sdk(data
            .list_sessions()
            .memory_id(&m.id)
            .actor_id(&m.actor)
            .send()
            .await),
        "RetrieveMemoryRecords" => sdk(data
            .retrieve_memory_records()
            .memory_id(&m.id)
            .search_criteria(
                SearchCriteria::builder()
                    .search_query("order")
                    .build()
                    .unwrap(),
            )
            .send()
            .await),
        "ListMemoryRecords" => sdk(data.list_memory_records().memory_id(&m.id).send().await),
        "GetMemoryRecord" => sdk(data
            .get_memory_record()
            .memory_id(&m.id)
            .memory_record_id(&m.record)
            .send()
            .await),
        "DeleteMemoryRecord" => sdk(data
            .delete_memory_record()
            .memory_id(&m.id)
            .memory_record_id(&m.record)
            .send()
            .await),
        "BatchCreateMemoryRecords" => sdk(data
            .batch_create_memory_records()
            .memory_id(&m.id)
            .send()
            .await),
        "BatchUpdateMemoryRecords" => sdk(data
            .batch_update_memory_records()
            .memory_id(&m.id)
            .send()
            .await),
        "BatchDeleteMemoryRecords" => sdk(data
            .batch_delete_memory_records()
            .memory_id(&m.id)
            .records(
                MemoryRecordDeleteInput::builder()
                    .memory_record_id(&m.record)
                    .build()
                    .unwrap(),
            )
            .send()
            .await),
        "ListMemoryExtractionJobs" => sdk(data
            .list_memory_extraction_jobs()
            .memory_id(&m.id)
            .send()
            .await),
        "StartMemoryExtractionJob" => sdk(data
            .start_memory_extraction_job()
            .memory_id(&m.id)
            .extraction_job(ExtractionJob::builder().job_id(&m.job).build().unwrap())
            .send()
            .await),
        _ => return None,
    })
}

async fn perform(name: &str, d: &Demo) -> Verdict {
    if let Some(v) = control_plane_reads(name, d).await {
        return v;
    }
    if let Some(v) = control_plane_writes(name, d).await {
        return v;
    }
    if let Some(v) = data_plane_and_logs(name, d).await {
        return v;
    }
    if let Some(v) = raw_http(name, d).await {
        return v;
    }
    if let Some(v) = mcp_messages(name, d).await {
        return v;
    }
    if let Some(v) = memory_operations(name, d).await {
        return v;
    }
    panic!("the operations table lists {name}: add a request for it to this test")
}

/// Walks the table: on a read-only platform every read is served and every
/// write refused (writes run last, so a wrongly served one cannot hide a read).
#[tokio::test]
async fn read_only_serves_every_read_and_refuses_every_write_of_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let (platform, demo) = read_only_demo_with_history(dir.path()).await;
    let captured = captures_in(dir.path());
    let mut wrong = Vec::new();
    let mut ordered: Vec<&Operation> = OPERATIONS.iter().collect();
    ordered.sort_by_key(|o| o.access == Access::Write);
    for op in ordered {
        let verdict = match op.access {
            Access::PerMessage => continue,
            _ => perform(op.name, &demo).await,
        };
        let right = match (op.access, &verdict) {
            (Access::Write, Verdict::Denied) | (Access::Read, Verdict::Served) => true,
            // No session can exist (invoking is refused): not found, not denied.
            (Access::Read, Verdict::Other(why)) if op.name == "GetRuntimeSession" => {
                why.starts_with("404")
            }
            // The gateway has no server-initiated stream: 405 by design.
            (Access::Read, Verdict::Other(why)) if op.name == "McpGetStream" => {
                why.starts_with("405")
            }
            _ => false,
        };
        if !right {
            wrong.push(format!(
                "{:?} {} ({:?}): {verdict:?}",
                op.api, op.name, op.access
            ));
        }
    }
    assert!(wrong.is_empty(), "judged wrongly:\n{}", wrong.join("\n"));

    // Operations the table does not know count as writes.
    let put = platform::logs_client(&demo.endpoint)
        .put_log_events()
        .log_group_name(&demo.group)
        .log_stream_name(&demo.stream)
        .send()
        .await;
    assert!(matches!(sdk(put), Verdict::Denied));
    let unknown = mcp::rpc(
        &demo.hub_url,
        Some(&demo.token),
        "resources/list",
        json!({}),
    )
    .await;
    assert!(
        matches!(rpc_verdict(&unknown), Verdict::Denied),
        "{:?}",
        unknown.body
    );

    // Nothing changed.
    let control = client(&demo.endpoint);
    assert_eq!(
        control.list_gateways().send().await.unwrap().items().len(),
        2
    );
    let runtimes = control.list_agent_runtimes().send().await.unwrap();
    assert_eq!(runtimes.agent_runtimes().len(), 3);
    assert_eq!(captures_in(dir.path()), captured);
    platform.shutdown().await;
}

/// A new gateway with no inbound auth; returns its MCP URL.
async fn open_gateway(endpoint: &str) -> String {
    let client = client(endpoint);
    let id = platform::create_gateway(&client, "open")
        .await
        .gateway_id()
        .to_owned();
    platform::wait_for_gateway_ready(&client, &id).await;
    format!("{endpoint}/gateways/{id}/mcp")
}

fn initialize() -> String {
    json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": { "protocolVersion": "2025-06-18", "capabilities": {},
                        "clientInfo": { "name": "inspector", "version": "1" } } })
    .to_string()
}

/// A CreateGateway body, as a foreign page would send it.
fn planted_gateway() -> String {
    json!({ "name": "planted", "roleArn": ROLE_ARN, "protocolType": "MCP",
            "authorizerType": "NONE" })
    .to_string()
}

#[tokio::test]
async fn a_cross_origin_form_post_creates_nothing() {
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    // What a page on evil.example can send without a CORS preflight.
    let planted = http()
        .post(format!("{endpoint}/gateways"))
        .header("content-type", "text/plain")
        .header("origin", "https://evil.example")
        .body(planted_gateway())
        .send()
        .await
        .unwrap();
    assert_eq!(planted.status(), 403);
    assert_eq!(
        planted.headers()["x-amzn-errortype"],
        "AccessDeniedException"
    );
    let body: Value = planted.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("evil.example"),
        "{body}"
    );
    let listed = client(&endpoint).list_gateways().send().await.unwrap();
    assert!(listed.items().is_empty(), "{listed:?}");

    // The same holds for a page whose origin is opaque (sandboxed, file://).
    let opaque = http()
        .get(format!("{endpoint}/gateways"))
        .header("origin", "null")
        .send()
        .await
        .unwrap();
    assert_eq!(opaque.status(), 403);
    platform.shutdown().await;
}

#[tokio::test]
async fn a_foreign_origin_is_refused_in_each_api_shape() {
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let url = open_gateway(&endpoint).await;
    let mcp = http()
        .post(&url)
        .header("content-type", "application/json")
        .header("origin", "http://attacker.localhost.evil.example:6274")
        .body(initialize())
        .send()
        .await
        .unwrap();
    assert_eq!(mcp.status(), 403);
    let body: Value = mcp.json().await.unwrap();
    assert!(body["error"]["message"].is_string(), "JSON-RPC: {body}");

    let logs = http()
        .post(format!("{endpoint}/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "Logs_20140328.DescribeLogGroups")
        .header("origin", "https://evil.example")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(logs.status(), 403);
    let body: Value = logs.json().await.unwrap();
    assert_eq!(
        body["__type"], "AccessDeniedException",
        "awsJson1.1: {body}"
    );
    platform.shutdown().await;
}

#[tokio::test]
async fn a_foreign_host_is_refused_dns_rebinding() {
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let port = platform.addr().port();
    // A page on rebind.evil.example, whose name now resolves to 127.0.0.1.
    let rebound = http()
        .get(format!("{endpoint}/gateways"))
        .header("host", format!("rebind.evil.example:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    assert_eq!(
        rebound.headers()["x-amzn-errortype"],
        "AccessDeniedException"
    );
    let planted = http()
        .post(format!("{endpoint}/gateways"))
        .header("host", format!("rebind.evil.example:{port}"))
        .header("content-type", "application/json")
        .body(planted_gateway())
        .send()
        .await
        .unwrap();
    assert_eq!(planted.status(), 403);
    assert!(
        client(&endpoint)
            .list_gateways()
            .send()
            .await
            .unwrap()
            .items()
            .is_empty()
    );
    // The platform's own names are fine.
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let ok = http()
            .get(format!("{endpoint}/gateways"))
            .header("host", &host)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200, "Host: {host}");
    }
    platform.shutdown().await;
}

#[tokio::test]
async fn a_local_browser_tool_still_works() {
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    let url = open_gateway(&endpoint).await;
    for origin in [
        "http://localhost:6274",
        "http://127.0.0.1:6274",
        "http://[::1]:6274",
    ] {
        // The MCP Inspector's direct connection: a preflight, then the POST.
        let preflight = http()
            .request(reqwest::Method::OPTIONS, &url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,mcp-protocol-version",
            )
            .send()
            .await
            .unwrap();
        assert!(
            preflight.status().is_success(),
            "{origin}: {}",
            preflight.status()
        );
        assert_eq!(preflight.headers()["access-control-allow-origin"], origin);
        let answered = http()
            .post(&url)
            .header("origin", origin)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(initialize())
            .send()
            .await
            .unwrap();
        assert_eq!(answered.status(), 200, "{origin}");
        assert_eq!(answered.headers()["access-control-allow-origin"], origin);
        let body: Value = answered.json().await.unwrap();
        assert!(body["result"]["protocolVersion"].is_string(), "{body}");
    }
    platform.shutdown().await;
}

#[test]
fn serve_on_every_interface_says_so_and_warns() {
    let mut serve = platform::acc_serve("0.0.0.0:0", &["--ephemeral", "--no-demo"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = platform::announced_url(&mut serve);
    let _ = serve.kill();
    let _ = serve.wait();
    let mut stderr = String::new();
    serve
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let port = url
        .strip_prefix("http://0.0.0.0:")
        .unwrap_or_else(|| panic!("the real bound address, not loopback: {url}"));
    assert_ne!(port, "0", "{url}");
    assert!(
        stderr.contains("warning") && stderr.contains("unsigned requests from the network"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("http://127.0.0.1:{port}")),
        "names the address for this machine: {stderr}"
    );
}
