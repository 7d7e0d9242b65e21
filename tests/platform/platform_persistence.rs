//! The local platform's SQLite state: what survives a restart, and which
//! databases it refuses to open (and leaves untouched).

use crate::platform;

use platform::*;

const DB_FILE: &str = "platform.sqlite3";

#[tokio::test]
async fn gateways_and_targets_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let first = start_in(dir.path(), false).await.unwrap();
    let client_before = client(&first.endpoint_url());
    let gateway = create_gateway(&client_before, "durable").await;
    let target = client_before
        .create_gateway_target()
        .gateway_identifier(gateway.gateway_id())
        .name("records")
        .target_configuration(lambda_target(&["read_record", "write_record"]))
        .send()
        .await
        .unwrap();
    first.shutdown().await;

    let second = start_in(dir.path(), false).await.unwrap();
    let client = client(&second.endpoint_url());
    let got = client
        .get_gateway()
        .gateway_identifier(gateway.gateway_id())
        .send()
        .await
        .unwrap();
    assert_eq!(got.name(), "durable");
    assert_eq!(got.created_at(), gateway.created_at());
    // The CREATING -> READY transition carries on across the restart.
    wait_for_gateway_ready(&client, gateway.gateway_id()).await;
    assert_eq!(
        got.gateway_url(),
        Some(
            format!(
                "{}/gateways/{}/mcp",
                second.endpoint_url(),
                gateway.gateway_id()
            )
            .as_str()
        ),
        "URLs follow the new listener"
    );
    let got_target = client
        .get_gateway_target()
        .gateway_identifier(gateway.gateway_id())
        .target_id(target.target_id())
        .send()
        .await
        .unwrap();
    assert_eq!(
        got_target.target_configuration(),
        target.target_configuration()
    );
    wait_for_target_ready(&client, gateway.gateway_id(), target.target_id()).await;
    // And the state keeps working: names stay unique across the restart.
    let err = client
        .create_gateway()
        .name("durable")
        .role_arn(ROLE_ARN)
        .authorizer_type(aws_sdk_bedrockagentcorecontrol::types::AuthorizerType::None)
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_conflict_exception());
    second.shutdown().await;
}

#[tokio::test]
async fn the_demo_is_seeded_once_and_deletions_stick() {
    let dir = tempfile::tempdir().unwrap();
    let first = start_in(dir.path(), true).await.unwrap();
    let client_first = client(&first.endpoint_url());
    let gateways = client_first.list_gateways().send().await.unwrap();
    let acme = gateways
        .items()
        .iter()
        .find(|g| g.name() == "tenant-acme")
        .expect("seeded")
        .gateway_id()
        .to_owned();
    let targets = client_first
        .list_gateway_targets()
        .gateway_identifier(&acme)
        .send()
        .await
        .unwrap();
    for target in targets.items() {
        client_first
            .delete_gateway_target()
            .gateway_identifier(&acme)
            .target_id(target.target_id())
            .send()
            .await
            .unwrap();
    }
    client_first
        .delete_gateway()
        .gateway_identifier(&acme)
        .send()
        .await
        .unwrap();
    first.shutdown().await;

    let second = start_in(dir.path(), true).await.unwrap();
    let names: Vec<String> = client(&second.endpoint_url())
        .list_gateways()
        .send()
        .await
        .unwrap()
        .items()
        .iter()
        .map(|g| g.name().to_owned())
        .collect();
    assert_eq!(
        names,
        ["enterprise-hub"],
        "tenant-acme stays deleted, nothing is seeded twice"
    );
    second.shutdown().await;
}

#[tokio::test]
async fn a_database_from_a_newer_acc_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    start_in(dir.path(), false).await.unwrap().shutdown().await;
    let path = dir.path().join(DB_FILE);
    let db = rusqlite::Connection::open(&path).unwrap();
    db.pragma_update(None, "user_version", 999).unwrap();
    drop(db);

    let err = start_in(dir.path(), false).await.unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(
        message.contains("newer acc") && message.contains("999"),
        "{message}"
    );
    let db = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = db
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 999, "never downgraded or reset");
}

#[tokio::test]
async fn a_foreign_sqlite_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada');")
        .unwrap();
    drop(db);

    let err = start_in(dir.path(), true).await.unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("does not belong to acc"), "{message}");

    let db = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(tables, ["customers"]);
    let journal: String = db
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "delete", "not even switched to WAL");
}

#[tokio::test]
async fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let content = "groceries: eggs, flour, milk\n".repeat(200);
    std::fs::write(&path, &content).unwrap();

    let err = start_in(dir.path(), false).await.unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("not a SQLite database"), "{message}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), content);
}

#[tokio::test]
async fn the_demo_is_not_seeded_into_a_state_that_already_has_work() {
    let dir = tempfile::tempdir().unwrap();
    let first = start_in(dir.path(), false).await.unwrap();
    create_gateway(&client(&first.endpoint_url()), "my-own").await;
    first.shutdown().await;

    let second = start_in(dir.path(), true).await.unwrap();
    let listed = client(&second.endpoint_url())
        .list_gateways()
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = listed.items().iter().map(|g| g.name()).collect();
    assert_eq!(names, ["my-own"]);
    second.shutdown().await;
}

/// The demo runtimes follow the platform to its new port: the triage
/// agent's issuer and the concierge's gateway and issuer URLs.
#[tokio::test]
async fn demo_runtimes_follow_the_platform_to_a_new_port() {
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        acc_runtime_local::start(acc_runtime_local::PlatformConfig {
            state: acc_runtime_local::StateLocation::Dir(dir.path().to_path_buf()),
            seed_demo: true,
            demo_agent_command: Some(vec!["/bin/true".into()]),
            ..acc_runtime_local::PlatformConfig::default()
        })
    };
    let urls = |endpoint: String| async move {
        let client = client(&endpoint);
        let listed = client.list_agent_runtimes().send().await.unwrap();
        let id_of = |name: &str| {
            listed
                .agent_runtimes()
                .iter()
                .find(|r| r.agent_runtime_name() == name)
                .unwrap()
                .agent_runtime_id()
                .to_owned()
        };
        let get = |id: String| {
            let client = client.clone();
            async move {
                client
                    .get_agent_runtime()
                    .agent_runtime_id(id)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let triage = get(id_of("triage_agent")).await;
        let concierge = get(id_of("concierge_agent")).await;
        let issuer = match triage.authorizer_configuration() {
            Some(aws_sdk_bedrockagentcorecontrol::types::AuthorizerConfiguration::CustomJwtAuthorizer(j)) => {
                j.discovery_url().to_owned()
            }
            other => panic!("{other:?}"),
        };
        let env = concierge.environment_variables().unwrap();
        vec![
            issuer,
            env["GATEWAY_URL"].clone(),
            env["GATEWAY_DISCOVERY_URL"].clone(),
        ]
    };
    let first = start().await.unwrap();
    let before = urls(first.endpoint_url()).await;
    assert!(
        before.iter().all(|u| u.starts_with(&first.endpoint_url())),
        "{before:?}"
    );
    first.shutdown().await;
    let second = start().await.unwrap();
    let after = urls(second.endpoint_url()).await;
    assert!(
        after.iter().all(|u| u.starts_with(&second.endpoint_url())),
        "{after:?}"
    );
    second.shutdown().await;
}
