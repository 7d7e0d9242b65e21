//! Issue 13, part 4: the console's policy studio and `acc policy dry-run`
//! run one workflow, so on the same captured calls and the same edit they
//! give the same rows, flips and skipped calls.

use acc_backend::{Backend, ConnectTarget};
use acc_domain::cedar_model::policy_edit::PolicyChanges;
use acc_ui::features::policy::{Job, Msg};

use crate::platform;

use crate::acc_at as acc;

const NARROWER: &str = r#"permit (principal is AgentCore::OAuthUser, action, resource)
when { principal.hasTag("tenant") && principal.getTag("tenant") == "northwind" &&
       principal.hasTag("department") && principal.getTag("department") == "support" };
"#;
const NO_ACCOUNT_SEARCH: &str = r#"forbid (principal, action == AgentCore::Action::"crm___search_accounts", resource);
"#;

#[tokio::test(flavor = "multi_thread")]
async fn the_console_and_the_cli_dry_run_alike() {
    let state = tempfile::tempdir().unwrap();
    let mut serve = platform::acc_serve("127.0.0.1:0", &["--state-dir"])
        .arg(state.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = platform::announced_url(&mut serve);
    // Real traffic: several tools, the built-in search tool among them.
    for (tool, args) in [
        ("knowledge-base___search_articles", r#"{"query":"vpn"}"#),
        ("crm___search_accounts", r#"{"query":"Holdings"}"#),
        ("x_amz_bedrock_agentcore_search", r#"{"query":"orders"}"#),
        ("knowledge-base___search_articles", r#"{"query":"reset"}"#),
    ] {
        let call = acc(
            &url,
            &["tools", "call", "enterprise-hub", tool, "--args", args],
        );
        assert!(
            call.status.success(),
            "{}",
            String::from_utf8_lossy(&call.stderr)
        );
    }
    let files = tempfile::tempdir().unwrap();
    let narrower = files.path().join("narrower.cedar");
    let forbid = files.path().join("no_account_search.cedar");
    std::fs::write(&narrower, NARROWER).unwrap();
    std::fs::write(&forbid, NO_ACCOUNT_SEARCH).unwrap();

    let cli = acc(
        &url,
        &[
            "policy",
            "dry-run",
            "enterprise-hub",
            "--no-symbolic",
            "-o",
            "json",
            "--replace",
            &format!("northwind_agents={}", narrower.display()),
            forbid.to_str().unwrap(),
        ],
    );
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let cli: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();

    let backend = Backend::connect(ConnectTarget::Endpoint {
        url: url.clone(),
        region: None,
    })
    .await;
    let hub = backend
        .find_gateway("enterprise-hub")
        .await
        .unwrap()
        .unwrap();
    let hub = backend.get_gateway(&hub.id).await.unwrap();
    let engine_id = acc_backend::policy::workflow::attached_engine(&hub)
        .unwrap()
        .id;
    let changes = PolicyChanges {
        replace: vec![("northwind_agents".into(), NARROWER.into())],
        remove: Vec::new(),
        add: vec![("no_account_search".into(), NO_ACCOUNT_SEARCH.into())],
    };
    let job = Job::DryRunPolicy {
        gateway: Box::new(hub),
        engine_id,
        policy: "northwind_agents".into(),
        changes,
    };
    let Msg::DryRunDone { result, .. } = job.perform(&backend).await else {
        panic!("a dry-run answers with DryRunDone");
    };
    let console = serde_json::to_value(&result.unwrap().dry.run).unwrap();

    for member in ["rows", "allowToDeny", "denyToAllow", "unchanged", "skipped"] {
        assert_eq!(console[member], cli[member], "{member}: console vs CLI");
    }
    // The edit really changes decisions, and the search tool is skipped.
    assert!(cli["rows"].as_array().unwrap().len() >= 3, "{cli}");
    assert!(cli["allowToDeny"].as_u64().unwrap() >= 1, "{cli}");
    assert_eq!(cli["skipped"].as_array().unwrap().len(), 1, "{cli}");
    serve.kill().unwrap();
    let _ = serve.wait();
}
