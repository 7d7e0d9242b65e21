//! The headless commands: output formats and exit codes, on the embedded
//! platform (`--ephemeral`) and against `acc serve` via `--endpoint`.

use crate::oci_image;
use crate::platform;

use std::process::{Command, Output, Stdio};

fn acc(args: &[&str]) -> Output {
    acc_with(args, &[])
}

/// `acc` with `env` set, isolated as [`acc`] is: its own data directory, and
/// none of the developer's endpoint or runtime token (unless `env` sets them).
fn acc_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_acc"))
        .args(args)
        .env("XDG_DATA_HOME", home.path())
        .env_remove("ACC_ENDPOINT")
        .env_remove("ACC_RUNTIME_TOKEN")
        .envs(env.iter().copied())
        .output()
        .expect("run acc")
}

#[test]
fn gateways_as_json_and_text() {
    let out = acc(&["--ephemeral", "gateways", "-o", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let gateways: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = gateways
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"enterprise-hub") && names.contains(&"tenant-acme"),
        "{names:?}"
    );
    let hub = gateways
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "enterprise-hub")
        .unwrap();
    assert!(hub["targetCount"].as_u64().unwrap() >= 4, "{hub}");

    let text = acc(&["--ephemeral", "gw"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with("NAME"), "{text}");
    assert!(text.contains("enterprise-hub"));
}

#[test]
fn tools_list_with_schema_tree() {
    let out = acc(&[
        "--ephemeral",
        "tools",
        "list",
        "enterprise-hub",
        "-o",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tools: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tools = tools.as_array().unwrap();
    assert!(
        tools.len() >= 20,
        "the demo hub has a real catalog: {}",
        tools.len()
    );
    // Listed through MCP: the hub is SEMANTIC, so its built-in search tool
    // comes first, then every target's tools as `<Target>___<tool>`.
    assert_eq!(tools[0]["qualifiedName"], "x_amz_bedrock_agentcore_search");
    assert!(
        tools[1..]
            .iter()
            .all(|t| t["qualifiedName"].as_str().unwrap().contains("___") && t["source"] == "mcp"),
        "{tools:?}"
    );
    let out = acc(&["--ephemeral", "tools", "list", "enterprise-hub", "--schema"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("*: "), "required fields are starred:\n{text}");
}

#[test]
fn exit_codes_mean_something() {
    let missing = acc(&["--ephemeral", "targets", "no-such-gateway"]);
    assert_eq!(missing.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .contains("no gateway with id or name `no-such-gateway`")
    );

    let unreachable = acc(&["--endpoint", "http://127.0.0.1:9", "gateways"]);
    assert_eq!(unreachable.status.code(), Some(4));
    assert!(
        String::from_utf8_lossy(&unreachable.stderr).contains("acc serve"),
        "the error says what to do"
    );

    let home = tempfile::tempdir().unwrap();
    let live = Command::new(env!("CARGO_BIN_EXE_acc"))
        .args(["--profile", "nosuch", "--region", "eu-west-1", "gateways"])
        .env("HOME", home.path())
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .output()
        .unwrap();
    assert_eq!(
        live.status.code(),
        Some(4),
        "a credentials problem is 'unreachable'"
    );
    assert!(
        String::from_utf8_lossy(&live.stderr).contains("aws configure --profile nosuch"),
        "the error says how to fix it: {}",
        String::from_utf8_lossy(&live.stderr)
    );

    let unconfirmed = acc(&["--ephemeral", "gateways", "delete", "tenant-acme"]);
    assert_eq!(unconfirmed.status.code(), Some(5));
    let readonly = acc(&[
        "--ephemeral",
        "--readonly",
        "gateways",
        "delete",
        "tenant-acme",
        "--yes",
    ]);
    assert_eq!(readonly.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&readonly.stderr).contains("--readonly"));
}

#[test]
fn serve_prints_its_loopback_url_and_answers_endpoint_clients() {
    let dir = tempfile::tempdir().unwrap();
    let (mut serve, url) = served(dir.path());
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let out = acc(&[
        "--endpoint",
        &url,
        "gateways",
        "get",
        "enterprise-hub",
        "-o",
        "json",
    ]);
    serve.kill().unwrap();
    let _ = serve.wait();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let gw: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(gw["name"], "enterprise-hub");
    assert!(
        gw["url"].as_str().unwrap().starts_with(&url),
        "gatewayUrl points at the local MCP path: {gw}"
    );
}

/// `acc` against a state directory that outlives one command.
fn acc_in(state: &std::path::Path, args: &[&str]) -> Output {
    let mut all = vec!["--state-dir", state.to_str().unwrap()];
    all.extend_from_slice(args);
    acc(&all)
}

#[test]
fn tool_calls_and_their_captures_headless() {
    let state = tempfile::tempdir().unwrap();
    let dir = state.path();
    // A Lambda tool (run by `acc demo-function`) and an MCP-server tool, both
    // through the JWT-protected demo hub with a demo identity-provider token.
    let lambda = acc_in(
        dir,
        &[
            "tools",
            "call",
            "enterprise-hub",
            "crm___search_accounts",
            "--args",
            r#"{"query":"Holdings"}"#,
            "-o",
            "json",
        ],
    );
    assert_eq!(
        lambda.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&lambda.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&lambda.stdout).unwrap();
    assert!(
        report["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("Holdings"),
        "{report}"
    );
    let kb = acc_in(
        dir,
        &[
            "tools",
            "call",
            "enterprise-hub",
            "knowledge-base___search_articles",
            "--args",
            r#"{"query":"reset"}"#,
        ],
    );
    assert_eq!(
        kb.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&kb.stderr)
    );

    let invalid = acc_in(
        dir,
        &[
            "tools",
            "call",
            "enterprise-hub",
            "knowledge-base___search_articles",
        ],
    );
    assert_eq!(invalid.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&invalid.stderr).contains("\"query\" is a required property"));
    let readonly = acc_in(
        dir,
        &[
            "--readonly",
            "tools",
            "call",
            "enterprise-hub",
            "knowledge-base___search_articles",
            "--args",
            r#"{"query":"x"}"#,
        ],
    );
    assert_eq!(readonly.status.code(), Some(5));

    let captures = acc_in(
        dir,
        &[
            "captures",
            "enterprise-hub",
            "--outcome",
            "ok",
            "-o",
            "json",
        ],
    );
    assert_eq!(
        captures.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&captures.stderr)
    );
    let calls: Vec<serde_json::Value> = serde_json::from_slice(&captures.stdout).unwrap();
    let tools: Vec<&str> = calls.iter().map(|c| c["tool"].as_str().unwrap()).collect();
    assert_eq!(
        tools,
        ["knowledge-base___search_articles", "crm___search_accounts"],
        "newest first"
    );
    assert!(calls.iter().all(|c| c["caller"]["sub"] == "sales-copilot"));
    let crm_only = acc_in(dir, &["captures", "enterprise-hub", "--tool", "crm___*"]);
    let text = String::from_utf8_lossy(&crm_only.stdout);
    assert!(
        text.contains("crm___search_accounts") && !text.contains("knowledge-base"),
        "{text}"
    );

    assert_eq!(
        acc_in(dir, &["captures", "no-such-gateway"]).status.code(),
        Some(3)
    );
}

#[test]
fn policy_studio_headless() {
    let state = tempfile::tempdir().unwrap();
    let dir = state.path();
    let engines = acc_in(dir, &["policy", "engines", "-o", "json"]);
    let engines: Vec<serde_json::Value> = serde_json::from_slice(&engines.stdout).unwrap();
    assert_eq!(engines[0]["name"], "northwind_tenant_guardrails");

    let schema = acc_in(dir, &["policy", "schema", "enterprise-hub"]);
    let schema = String::from_utf8_lossy(&schema.stdout);
    assert!(schema.contains("entity OAuthUser tags String"), "{schema}");
    assert!(
        schema.contains("action \"inventory-api___reserveStock\""),
        "{schema}"
    );
    assert!(schema.contains("quantity: Long"), "{schema}");

    let files = tempfile::tempdir().unwrap();
    let bad = files.path().join("bad.cedar");
    std::fs::write(
        &bad,
        "permit(principal, action == AgentCore::Action::\"knowledge-base___search_articles\", resource)\nwhen { context.input.qury == \"x\" };\n",
    )
    .unwrap();
    let invalid = acc_in(
        dir,
        &[
            "policy",
            "validate",
            "enterprise-hub",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(invalid.status.code(), Some(1));
    let text = String::from_utf8_lossy(&invalid.stdout);
    assert!(
        text.contains("bad.cedar:2:8: error") && text.contains("qury"),
        "{text}"
    );

    // Real traffic, then a dry-run of an edit against it.
    let call = acc_in(
        dir,
        &[
            "tools",
            "call",
            "enterprise-hub",
            "knowledge-base___search_articles",
            "--args",
            r#"{"query":"reset password"}"#,
        ],
    );
    assert_eq!(
        call.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&call.stderr)
    );
    let edit = files.path().join("no_resets.cedar");
    std::fs::write(
        &edit,
        "forbid(principal, action == AgentCore::Action::\"knowledge-base___search_articles\", resource)\nwhen { context.input.query like \"*reset*\" };\n",
    )
    .unwrap();
    let run = acc_in(
        dir,
        &[
            "policy",
            "dry-run",
            "enterprise-hub",
            edit.to_str().unwrap(),
            "-o",
            "json",
        ],
    );
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let run: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        (run["allowToDeny"].as_u64(), run["denyToAllow"].as_u64()),
        (Some(1), Some(0)),
        "{run}"
    );
    assert_eq!(
        run["rows"][0]["before"]["determiningPolicies"],
        serde_json::json!(["northwind_agents"])
    );
    assert_eq!(
        run["rows"][0]["after"]["determiningPolicies"],
        serde_json::json!(["no_resets:policy0"])
    );
    // Symbolically, the edit narrows exactly that action, and the solver
    // gives a request it now denies.
    let changed: Vec<&serde_json::Value> = run["symbolic"]
        .as_array()
        .unwrap_or_else(|| panic!("a symbolic comparison in {run}"))
        .iter()
        .filter(|row| row["comparison"] != "equivalent")
        .collect();
    assert!(!changed.is_empty(), "{run}");
    for row in &changed {
        assert_eq!(row["action"], "knowledge-base___search_articles", "{row}");
        assert_eq!(row["comparison"], "less-permissive", "{row}");
        let context = row["newlyDenied"]["context"].as_str().unwrap();
        assert!(context.contains("reset"), "{context}");
    }
    let gate = acc_in(
        dir,
        &[
            "policy",
            "dry-run",
            "enterprise-hub",
            edit.to_str().unwrap(),
            "--fail-on-flip",
        ],
    );
    assert_eq!(gate.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&gate.stdout).contains("1 allow→deny, 0 deny→allow"));
    let unchanged = acc_in(
        dir,
        &["policy", "dry-run", "enterprise-hub", "--fail-on-flip"],
    );
    assert_eq!(
        unchanged.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&unchanged.stdout)
    );
    // Save the captured call as a policy test expecting the edited decision;
    // run it with acc, and with the upstream `cedar` CLI on the same files.
    let tests = files.path().join("tests.json");
    let saved = acc_in(
        dir,
        &[
            "policy",
            "save-tests",
            "enterprise-hub",
            tests.to_str().unwrap(),
            edit.to_str().unwrap(),
        ],
    );
    assert_eq!(
        saved.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&tests).unwrap()).unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["decision"], "deny");
    assert_eq!(cases[0]["reason"], serde_json::json!(["no_resets:policy0"]));
    let engine = "northwind_tenant_guardrails";
    let passing = acc_in(
        dir,
        &[
            "policy",
            "test",
            "--engine",
            engine,
            tests.to_str().unwrap(),
            edit.to_str().unwrap(),
        ],
    );
    assert_eq!(
        passing.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&passing.stdout)
    );
    assert!(String::from_utf8_lossy(&passing.stdout).contains("1 passed, 0 failed"));
    let failing = acc_in(
        dir,
        &[
            "policy",
            "test",
            "--engine",
            engine,
            tests.to_str().unwrap(),
        ],
    );
    assert_eq!(failing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failing.stdout).contains("expected Deny, got Allow"));

    let listed = acc_in(dir, &["policy", "list", engine, "-o", "json"]);
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&listed.stdout).unwrap();
    let mut all = String::new();
    for policy in &listed {
        all.push_str(&format!(
            "@id(\"{}\")\n{}\n\n",
            policy["name"].as_str().unwrap(),
            policy["statement"].as_str().unwrap()
        ));
    }
    // The demo guardrails (seeded with IGNORE_ALL_FINDINGS) have no
    // findings; a policy that allows everything has, and fails validation.
    let mut demo_files = Vec::new();
    for policy in &listed {
        let file = files
            .path()
            .join(format!("{}.cedar", policy["name"].as_str().unwrap()));
        std::fs::write(&file, policy["statement"].as_str().unwrap()).unwrap();
        demo_files.push(file.to_str().unwrap().to_owned());
    }
    let mut validate = vec!["policy", "validate", "enterprise-hub", "--findings"];
    validate.extend(demo_files.iter().map(String::as_str));
    let clean = acc_in(dir, &validate);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    assert!(String::from_utf8_lossy(&clean.stdout).contains("; 0 finding(s)"));
    let open = files.path().join("open.cedar");
    std::fs::write(&open, "permit (principal, action, resource);").unwrap();
    let flagged = acc_in(
        dir,
        &[
            "policy",
            "validate",
            "enterprise-hub",
            "--findings",
            open.to_str().unwrap(),
            "-o",
            "json",
        ],
    );
    assert_eq!(flagged.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&flagged.stdout).unwrap();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["kind"] == "allow-all")
            && !report["findings"].as_array().unwrap().is_empty(),
        "{report}"
    );

    let engine_only = files.path().join("engine.cedar");
    std::fs::write(&engine_only, &all).unwrap();
    all.push_str(&format!(
        "@id(\"no_resets:policy0\")\n{}",
        std::fs::read_to_string(&edit).unwrap()
    ));
    let edited = files.path().join("edited.cedar");
    std::fs::write(&edited, &all).unwrap();
    let upstream = |policies: &std::path::Path| {
        Command::new("cedar")
            .args([
                "run-tests",
                "--policies",
                policies.to_str().unwrap(),
                "--tests",
                tests.to_str().unwrap(),
            ])
            .output()
            .expect("the upstream `cedar` CLI (cedar-policy-cli, installed by tests/run) runs")
    };
    let agree = upstream(&edited);
    assert!(
        agree.status.success() && String::from_utf8_lossy(&agree.stdout).contains("1 passed"),
        "cedar run-tests: {}",
        String::from_utf8_lossy(&agree.stdout)
    );
    let disagree = upstream(&engine_only);
    assert!(
        !disagree.status.success(),
        "{}",
        String::from_utf8_lossy(&disagree.stdout)
    );

    // Push the edit and enforce it: both ask first and are refused read-only.
    let path = edit.to_str().unwrap();
    assert_eq!(
        acc_in(dir, &["policy", "push", engine, path]).status.code(),
        Some(5)
    );
    assert_eq!(
        acc_in(
            dir,
            &["--readonly", "policy", "push", engine, path, "--yes"]
        )
        .status
        .code(),
        Some(5)
    );
    let pushed = acc_in(
        dir,
        &["policy", "push", engine, path, "--yes", "-o", "json"],
    );
    assert_eq!(
        pushed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    let pushed: serde_json::Value = serde_json::from_slice(&pushed.stdout).unwrap();
    assert_eq!(pushed["name"], "no_resets");
    assert_eq!(
        acc_in(dir, &["policy", "mode", "enterprise-hub", "enforce"])
            .status
            .code(),
        Some(5)
    );
    let enforced = acc_in(
        dir,
        &["policy", "mode", "enterprise-hub", "enforce", "--yes"],
    );
    assert!(String::from_utf8_lossy(&enforced.stdout).contains("(ENFORCE)"));
    let blocked = acc_in(
        dir,
        &[
            "tools",
            "call",
            "enterprise-hub",
            "knowledge-base___search_articles",
            "--args",
            r#"{"query":"reset"}"#,
        ],
    );
    assert_eq!(blocked.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&blocked.stderr).contains("forbidden by no_resets"));
}

/// `acc serve` in the background; returns it and its URL.
fn served(dir: &std::path::Path) -> (std::process::Child, String) {
    let mut serve = platform::acc_serve("127.0.0.1:0", &["--state-dir"])
        .arg(dir)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = platform::announced_url(&mut serve);
    (serve, url)
}

/// `acc --endpoint URL ARGS…`.
fn acc_at(url: &str, args: &[&str]) -> Output {
    let mut all = vec!["--endpoint", url];
    all.extend_from_slice(args);
    acc(&all)
}

#[test]
fn runtimes_invoke_sessions_and_logs_headless() {
    let dir = tempfile::tempdir().unwrap();
    let (mut serve, url) = served(dir.path());
    let at = |args: &[&str]| acc_at(&url, args);
    let text = |out: &Output| String::from_utf8_lossy(&out.stdout).into_owned();
    let err = |out: &Output| String::from_utf8_lossy(&out.stderr).into_owned();

    let runtimes = at(&["runtime", "-o", "json"]);
    let runtimes: serde_json::Value = serde_json::from_slice(&runtimes.stdout).unwrap();
    let names: Vec<&str> = runtimes
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["concierge_agent", "triage_agent", "research_agent"]);
    assert_eq!(runtimes[1]["inboundAuth"], "CUSTOM_JWT", "{runtimes}");

    // The triage agent is JWT-authorized: `acc invoke` goes over HTTPS with
    // a bearer token (the demo issuer's), and a bad token is refused
    // without ever being printed.
    let jwt = at(&[
        "invoke",
        "triage_agent",
        "--payload",
        r#"{"prompt":"ticket 7","delay_ms":1}"#,
    ]);
    assert_eq!(jwt.status.code(), Some(0), "{}", err(&jwt));
    assert!(err(&jwt).contains("(bearer)"), "{}", err(&jwt));
    assert!(
        text(&jwt).contains("You asked: ticket 7."),
        "{}",
        text(&jwt)
    );
    // The concierge calls the hub's tools over MCP with its own OAuth
    // client, and the call lands in the hub's captures like any agent's.
    let tooled = at(&[
        "invoke",
        "concierge_agent",
        "--payload",
        r#"{"prompt":"retail?","tool":"crm___search_accounts","arguments":{"query":"retail"},"delay_ms":1}"#,
    ]);
    assert_eq!(tooled.status.code(), Some(0), "{}", err(&tooled));
    assert!(
        text(&tooled).contains(r#""type":"tool_result""#),
        "{}",
        text(&tooled)
    );
    assert!(
        text(&tooled).contains("Retail Holdings"),
        "{}",
        text(&tooled)
    );
    let captured = at(&["captures", "enterprise-hub", "-o", "json"]);
    assert!(
        text(&captured).contains("crm___search_accounts")
            && text(&captured).contains("sales-copilot"),
        "{}",
        text(&captured)
    );
    // A call the gateway refuses is a mid-stream error: exit 1.
    let refused = at(&[
        "invoke",
        "concierge_agent",
        "--payload",
        r#"{"prompt":"x","tool":"crm___search_accounts","arguments":{},"delay_ms":1}"#,
    ]);
    assert_eq!(refused.status.code(), Some(1), "{}", err(&refused));
    assert!(err(&refused).contains("inputSchema"), "{}", err(&refused));

    let forged = acc_with(
        &[
            "--endpoint",
            url.as_str(),
            "invoke",
            "triage_agent",
            "--payload",
            "{}",
        ],
        &[("ACC_RUNTIME_TOKEN", "forged-token-value")],
    );
    assert_ne!(forged.status.code(), Some(0));
    assert!(
        err(&forged).contains("AccessDeniedException"),
        "{}",
        err(&forged)
    );
    assert!(
        !err(&forged).contains("forged-token-value"),
        "{}",
        err(&forged)
    );

    let session = "headless-session-0123456789-0123456789-01";
    let payload = r#"{"prompt":"headless","delay_ms":1}"#;
    let answer = at(&[
        "invoke",
        "concierge_agent",
        "--payload",
        payload,
        "--session",
        session,
    ]);
    assert_eq!(answer.status.code(), Some(0), "{}", err(&answer));
    assert!(
        text(&answer).contains("You asked: headless."),
        "{}",
        text(&answer)
    );
    assert!(err(&answer).contains("first byte"), "{}", err(&answer));
    assert!(err(&answer).contains(session), "{}", err(&answer));

    // A mid-stream error frame fails the command; bad JSON is a usage error.
    let failing = at(&[
        "invoke",
        "concierge_agent",
        "--payload",
        r#"{"prompt":"x","fail_after":2,"delay_ms":1}"#,
    ]);
    assert_eq!(failing.status.code(), Some(1), "{}", err(&failing));
    assert!(err(&failing).contains("mid-stream"), "{}", err(&failing));
    let bad = at(&["invoke", "concierge_agent", "--payload", "{oops"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(err(&bad).contains("not valid JSON"), "{}", err(&bad));
    let readonly = at(&[
        "--readonly",
        "invoke",
        "concierge_agent",
        "--payload",
        payload,
    ]);
    assert_eq!(readonly.status.code(), Some(5), "{}", err(&readonly));

    let sessions = at(&["sessions", "-o", "json"]);
    let sessions: serde_json::Value = serde_json::from_slice(&sessions.stdout).unwrap();
    let ours = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["runtimeSessionId"] == session)
        .unwrap_or_else(|| panic!("{sessions}"));
    assert_eq!(ours["state"], "HEALTHY");
    assert_eq!(ours["execution"], "native");
    assert_eq!(ours["invocations"], 1);

    // One session: lifecycle, the invocation with its outcome, the span the
    // agent exported (sent just after its answer: waited for), the log tail.
    let started = std::time::Instant::now();
    let shown = loop {
        let shown = at(&["sessions", "show", session]);
        assert_eq!(shown.status.code(), Some(0), "{}", err(&shown));
        let shown = text(&shown);
        if shown.contains("invoke_agent ") {
            break shown;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the demo agent's span never showed: {shown}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    for expected in [
        "# lifecycle",
        "healthy",
        "# invocations",
        "  200  ttfb ",
        "# spans",
        "completed",
        "acc demo agent listening on 0.0.0.0:8080",
    ] {
        assert!(shown.contains(expected), "{expected}: {shown}");
    }
    let unknown = at(&["sessions", "show", "no-such-session"]);
    assert_eq!(unknown.status.code(), Some(3), "{}", err(&unknown));

    // The agent's stderr is in the runtime's log, in this session's stream.
    let logs = at(&["logs", "concierge_agent", "--session", session]);
    assert!(
        text(&logs).contains("acc demo agent listening on 0.0.0.0:8080"),
        "{}{}",
        text(&logs),
        err(&logs)
    );

    let unconfirmed = at(&["sessions", "stop", "concierge_agent", session]);
    assert_eq!(unconfirmed.status.code(), Some(5));
    let stopped = at(&["sessions", "stop", "concierge_agent", session, "--yes"]);
    assert_eq!(stopped.status.code(), Some(0), "{}", err(&stopped));
    let after = at(&["sessions", "-o", "json"]);
    let after: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    let ours = after
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["runtimeSessionId"] == session)
        .unwrap();
    assert_eq!(ours["state"], "STOPPED");

    // `runtime run` makes a runtime of an artifact, and a new version of it
    // when run again; the result is invocable at once.
    let artifact = format!("native:{} demo-agent", env!("CARGO_BIN_EXE_acc"));
    for version in ["1", "2"] {
        let run = at(&[
            "runtime",
            "run",
            &artifact,
            "--name",
            "cli_agent",
            "-o",
            "json",
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", err(&run));
        let made: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        assert!(
            made["agentRuntimeArn"]
                .as_str()
                .unwrap()
                .contains(":runtime/cli_agent-")
        );
        let listed = at(&["runtime", "-o", "json"]);
        let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
        let ours = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "cli_agent")
            .unwrap_or_else(|| panic!("{listed}"));
        assert_eq!(ours["latestVersion"], version, "{ours}");
    }
    let hello = at(&[
        "invoke",
        "cli_agent",
        "--payload",
        r#"{"prompt":"fresh","delay_ms":1}"#,
    ]);
    assert_eq!(hello.status.code(), Some(0), "{}", err(&hello));
    assert!(
        text(&hello).contains("You asked: fresh."),
        "{}",
        text(&hello)
    );
    // An amd64 image is refused with the fix; read-only refuses outright.
    let dir = tempfile::tempdir().unwrap();
    let amd64 = oci_image::oci_archive(dir.path(), "amd64", &[("agent", b"x", 0o755)]);
    let refused = at(&[
        "runtime",
        "run",
        &format!("oci-archive:{}", amd64.display()),
        "--name",
        "x86_agent",
    ]);
    assert_eq!(refused.status.code(), Some(1), "{}", err(&refused));
    assert!(
        err(&refused).contains("Rebuild with --platform linux/arm64"),
        "{}",
        err(&refused)
    );
    let readonly = at(&[
        "--readonly",
        "runtime",
        "run",
        &artifact,
        "--name",
        "ro_agent",
    ]);
    assert_eq!(readonly.status.code(), Some(5), "{}", err(&readonly));
    serve.kill().unwrap();
    let _ = serve.wait();
}

/// Issue 14, item 1: an `AWS_IAM` gateway is reached with SigV4, signed with
/// the context's credentials; its catalog comes through MCP and a call is
/// captured under the signing identity.
#[test]
fn iam_gateway_tools_are_listed_and_called_with_sigv4() {
    let state = tempfile::tempdir().unwrap();
    let dir = state.path();
    let listed = acc_in(dir, &["tools", "list", "tenant-acme", "-o", "json"]);
    let stderr = String::from_utf8_lossy(&listed.stderr);
    assert_eq!(listed.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("failed") && !stderr.contains("token"),
        "the listing went through MCP without complaint: {stderr}"
    );
    let tools: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let tools = tools.as_array().unwrap();
    assert!(tools.len() >= 5, "{tools:?}");
    assert!(tools.iter().all(|t| t["source"] == "mcp"), "{tools:?}");

    let call = acc_in(
        dir,
        &[
            "tools",
            "call",
            "tenant-acme",
            "orders___list_open_orders",
            "--args",
            "{}",
            "-o",
            "json",
        ],
    );
    let stderr = String::from_utf8_lossy(&call.stderr);
    assert_eq!(call.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("token"), "no token is blamed: {stderr}");

    let captures = acc_in(dir, &["captures", "tenant-acme", "-o", "json"]);
    let captures: serde_json::Value = serde_json::from_slice(&captures.stdout).unwrap();
    let caller = &captures[0]["caller"];
    assert!(
        caller["kind"] == "iam" && caller["arn"] == "arn:aws:iam::000000000000:user/acclocal",
        "the call is captured under the signing identity: {captures}"
    );
}

/// Issue 14, item 9: an unreachable platform or missing credentials read as
/// one sentence saying what failed and what to do; the chain of causes is
/// behind `-v`, and no SDK Debug dump or raw SDK warning reaches the user.
#[test]
fn errors_read_as_advice_with_the_cause_behind_verbose() {
    let unreachable = acc(&["--endpoint", "http://127.0.0.1:1", "gateways"]);
    assert_eq!(unreachable.status.code(), Some(4));
    let said = String::from_utf8_lossy(&unreachable.stderr);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.contains("nothing is listening at http://127.0.0.1:1") && said.contains("acc serve"),
        "{said}"
    );
    assert!(
        !said.contains("DispatchFailure") && !said.contains("{"),
        "{said}"
    );
    let verbose = acc(&["-v", "--endpoint", "http://127.0.0.1:1", "gateways"]);
    let said = String::from_utf8_lossy(&verbose.stderr);
    assert!(
        said.contains("cause: ") && said.contains("Connection refused"),
        "{said}"
    );

    let none = tempfile::tempdir().unwrap();
    let nowhere = none.path().join("absent");
    let nowhere = nowhere.to_str().unwrap();
    let no_credentials = acc_with(
        &["--region", "us-east-1", "gateways"],
        &[
            ("AWS_CONFIG_FILE", nowhere),
            ("AWS_SHARED_CREDENTIALS_FILE", nowhere),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_ACCESS_KEY_ID", ""),
            ("AWS_SECRET_ACCESS_KEY", ""),
            ("AWS_PROFILE", ""),
        ],
    );
    assert_eq!(no_credentials.status.code(), Some(4));
    let said = String::from_utf8_lossy(&no_credentials.stderr);
    assert_eq!(said.lines().count(), 1, "no SDK warnings: {said}");
    assert!(said.contains("no usable AWS credentials"), "{said}");
    assert!(
        !said.contains("sso login --profile default"),
        "a profile that does not exist is not told to log in: {said}"
    );
}

/// Issue 14, item 10: `acc … -o json | head -1` ends quietly when the reader
/// goes away, as Unix tools do, instead of panicking with exit 101.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_acc"))
        .args(["--ephemeral", "gateways", "-o", "json"])
        .env("XDG_DATA_HOME", home.path())
        .env_remove("ACC_ENDPOINT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader is gone before acc writes a byte.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(!said.contains("panicked"), "{said}");
}

/// Issue 14, item 11: `acc serve` on every interface prints the address it
/// really bound and warns that it takes unsigned requests from the network.
#[test]
fn serving_beyond_loopback_says_so() {
    let mut serve = platform::acc_serve("0.0.0.0:0", &["--ephemeral"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = platform::announced_url(&mut serve);
    serve.kill().unwrap();
    let out = serve.wait_with_output().unwrap();
    let port = url.strip_prefix("http://0.0.0.0:").unwrap_or_default();
    assert!(port.parse::<u16>().is_ok_and(|p| p != 0), "{url}");
    let warned = String::from_utf8_lossy(&out.stderr);
    assert!(
        warned.contains("accepts unsigned requests from the network"),
        "{warned}"
    );
}

/// Issue 14, items 14 and 15: a text-mode tool call prints only the tool's
/// answer on stdout (its timing goes to stderr, so `| jq` works), and a
/// command's `--help` keeps the global flags under their own heading.
#[test]
fn stdout_is_the_answer_and_help_separates_global_flags() {
    let call = acc(&[
        "--ephemeral",
        "tools",
        "call",
        "enterprise-hub",
        "knowledge-base___search_articles",
        "--args",
        r#"{"query":"vpn"}"#,
    ]);
    assert_eq!(call.status.code(), Some(0));
    let answer: serde_json::Value = serde_json::from_slice(&call.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&call.stdout)));
    assert!(answer["articles"].is_array(), "{answer}");
    assert!(String::from_utf8_lossy(&call.stderr).contains(" ms"));

    let help = acc(&["tools", "list", "--help"]);
    let help = String::from_utf8(help.stdout).unwrap();
    let own = help.find("\nOptions:").expect("own options heading");
    let global = help
        .find("\nGlobal options:")
        .expect("global options heading");
    let endpoint = help.find("--endpoint").unwrap();
    let schema = help.find("--schema").unwrap();
    assert!(
        own < schema && schema < global && global < endpoint,
        "{help}"
    );
}

/// Issue 14, item 14: a push refused for many findings says how many and the
/// first in one line; every reason is behind `-v`.
#[test]
fn a_push_with_many_findings_is_counted_not_dumped() {
    let state = tempfile::tempdir().unwrap();
    let file = state.path().join("allow_all.cedar");
    std::fs::write(&file, "permit (principal, action, resource);\n").unwrap();
    let file = file.to_str().unwrap();
    let engine = "northwind_tenant_guardrails";
    let push = |extra: &[&str]| {
        let mut args = vec!["policy", "push", engine, file, "--yes"];
        args.extend_from_slice(extra);
        acc_in(state.path(), &args)
    };
    let quiet = push(&[]);
    assert_eq!(quiet.status.code(), Some(1));
    let said = String::from_utf8_lossy(&quiet.stderr);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.contains("reasons, the first: ") && said.len() < 600,
        "{said}"
    );
    let shown = String::from_utf8_lossy(&quiet.stdout);
    assert!(
        shown.lines().filter(|l| l.contains("//   ! ")).count() <= 3,
        "{shown}"
    );
    assert!(
        shown.contains("more (-o json lists every reason)"),
        "{shown}"
    );

    let verbose = push(&["--name", "allow_all_again", "-v"]);
    let said = String::from_utf8_lossy(&verbose.stderr);
    assert!(said.lines().count() > 10, "every reason with -v: {said}");
}

/// Issue 14, item 14: the dry-run says why a call of the built-in search
/// tool is not evaluated, instead of claiming the tool is gone.
#[test]
fn a_dry_run_knows_the_search_tool_is_not_governed() {
    let state = tempfile::tempdir().unwrap();
    let search = acc_in(
        state.path(),
        &[
            "tools",
            "call",
            "enterprise-hub",
            "x_amz_bedrock_agentcore_search",
            "--args",
            r#"{"query":"orders"}"#,
        ],
    );
    assert_eq!(search.status.code(), Some(0));
    let run = acc_in(
        state.path(),
        &["policy", "dry-run", "enterprise-hub", "--no-symbolic"],
    );
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(!said.contains("no longer has this tool"), "{said}");
    assert!(said.contains("policies do not govern it"), "{said}");
}

/// Issue 14, item 8: `acc runtime run` resolves an artifact's path where
/// `acc` runs, not where the platform runs, and says plainly when the
/// platform is on another machine.
#[test]
fn runtime_run_resolves_the_artifact_where_acc_runs() {
    let state = tempfile::tempdir().unwrap();
    let (mut serve, url) = served(state.path());
    let work = tempfile::tempdir().unwrap();
    oci_image::oci_archive(work.path(), "amd64", &[("agent", b"x", 0o755)]);
    let image = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.ends_with(".tar"))
        .expect("an archive");
    let run_from_work = |endpoint: &str| {
        Command::new(env!("CARGO_BIN_EXE_acc"))
            .args(["--endpoint", endpoint, "runtime", "run"])
            .arg(format!("oci-archive:./{image}"))
            .current_dir(work.path())
            .output()
            .unwrap()
    };
    // The platform found the file: it inspected the image and refused its
    // architecture (before, it looked in its own working directory).
    let relative = run_from_work(&url);
    let said = String::from_utf8_lossy(&relative.stderr);
    assert_eq!(relative.status.code(), Some(1), "{said}");
    assert!(
        said.contains("Rebuild with --platform linux/arm64"),
        "{said}"
    );
    serve.kill().unwrap();
    let _ = serve.wait();

    // A path that is not there is named, resolved, before anything is sent.
    let missing = Command::new(env!("CARGO_BIN_EXE_acc"))
        .args(["--endpoint", "http://192.0.2.1:4566", "runtime", "run"])
        .arg("oci-archive:./not-here.tar")
        .current_dir(work.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2), "{said}");
    let absent = work.path().join("./not-here.tar");
    assert!(said.contains(&absent.display().to_string()), "{said}");

    let remote = run_from_work("http://192.0.2.1:4566");
    let said = String::from_utf8_lossy(&remote.stderr);
    assert_eq!(remote.status.code(), Some(1), "{said}");
    assert!(
        said.contains("is on this machine, but the platform at"),
        "{said}"
    );
}

/// Issue 14, item 14: a policy's own MODE can be set. `--log-only` pushes a
/// policy that records its decisions without applying them; a later push
/// keeps the mode unless `--active` (or `--log-only`) says otherwise.
#[test]
fn a_policy_can_be_pushed_log_only_and_keeps_its_mode() {
    let state = tempfile::tempdir().unwrap();
    let file = state.path().join("quiet.cedar");
    std::fs::write(
        &file,
        "forbid (principal, action == AgentCore::Action::\"crm___search_accounts\", resource);\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let push = |extra: &[&str]| {
        let mut args = vec!["policy", "push", "northwind_tenant_guardrails", file];
        args.extend_from_slice(&["--ignore-findings", "--yes", "-o", "json"]);
        args.extend_from_slice(extra);
        let out = acc_in(state.path(), &args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pushed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        pushed["enforcementMode"].as_str().unwrap().to_owned()
    };
    assert_eq!(push(&["--log-only"]), "LOG_ONLY");
    assert_eq!(push(&[]), "LOG_ONLY", "an update keeps the policy's mode");
    assert_eq!(push(&["--active"]), "ACTIVE");
    let both = acc_in(
        state.path(),
        &[
            "policy",
            "push",
            "northwind_tenant_guardrails",
            file,
            "--log-only",
            "--active",
        ],
    );
    assert_eq!(both.status.code(), Some(2), "the two modes conflict");
}

/// Issue 14, MCP Inspector users: `acc tools call --as CLIENT` calls as
/// one of the gateway's OAuth clients, so the policy engine's decision for
/// each caller shows; `--curl` prints the call as a runnable curl command
/// whose credential is an env var, and that command works.
#[test]
fn a_tool_call_is_made_as_the_chosen_caller_and_prints_as_curl() {
    let dir = tempfile::tempdir().unwrap();
    let (mut serve, url) = served(dir.path());
    let at = |args: &[&str]| acc_at(&url, args);
    let err = |out: &Output| String::from_utf8_lossy(&out.stderr).into_owned();
    let args = r##"{"channels":["#all"],"text":"townhall","send_at":"2026-12-02T10:00:00Z"}"##;
    let tool = "messaging___schedule_announcement";
    // `tools call enterprise-hub TOOL --args ARGS --as CLIENT` and `more`.
    let call_as = |client: &str, more: &[&str]| {
        let mut all = vec![
            "tools",
            "call",
            "enterprise-hub",
            tool,
            "--args",
            args,
            "--as",
            client,
        ];
        all.extend_from_slice(more);
        at(&all)
    };
    for client in ["sales-copilot", "ops-assistant"] {
        let out = call_as(client, &["-o", "json"]);
        assert_eq!(out.status.code(), Some(0), "{client}: {}", err(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        // The HTTP exchange is reported, its credential masked.
        let headers = report["http"]["requestHeaders"].as_array().unwrap();
        let auth = headers
            .iter()
            .find(|h| h["name"] == "authorization")
            .unwrap_or_else(|| panic!("{report}"));
        assert_eq!(auth["value"], "Bearer ****", "{report}");
        assert_eq!(report["http"]["status"], 200, "{report}");
    }
    // The engine (LOG_ONLY) denied the sales agent and allowed operations.
    let captured = at(&["captures", "enterprise-hub", "--tool", tool, "-o", "json"]);
    let calls: Vec<serde_json::Value> = serde_json::from_slice(&captured.stdout).unwrap();
    let decision_of = |sub: &str| {
        calls
            .iter()
            .find(|c| c["caller"]["sub"] == sub)
            .map(|c| c["policy"]["decision"].clone())
            .unwrap_or_else(|| panic!("no call by {sub}: {calls:?}"))
    };
    assert_eq!(decision_of("sales-copilot"), "deny");
    assert_eq!(decision_of("ops-assistant"), "allow");
    // A client the issuer does not know is refused, named.
    let unknown = call_as("nobody", &[]);
    assert_ne!(unknown.status.code(), Some(0));
    assert!(err(&unknown).contains("nobody"), "{}", err(&unknown));

    // --curl sends nothing and prints the command with $ACC_TOKEN.
    let before = calls.len();
    let curl = call_as("ops-assistant", &["--curl"]);
    assert_eq!(curl.status.code(), Some(0), "{}", err(&curl));
    let command = String::from_utf8_lossy(&curl.stdout).into_owned();
    assert!(
        command.contains(r#"-H "Authorization: Bearer $ACC_TOKEN""#),
        "{command}"
    );
    assert!(
        !command.contains("eyJ"),
        "no token in the command: {command}"
    );
    let again = at(&["captures", "enterprise-hub", "--tool", tool, "-o", "json"]);
    let after: Vec<serde_json::Value> = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(after.len(), before, "--curl called nothing");
    // The command runs as printed, given a token of the demo issuer.
    let token = Command::new("curl")
        .args(["-sS", "--fail", &format!("{url}/demo/idp/token")])
        .args([
            "-d",
            "grant_type=client_credentials",
            "-d",
            "client_id=ops-assistant",
        ])
        .args(["-d", "client_secret=acc-demo"])
        .output()
        .expect("curl is needed (tests/run installs it)");
    let token: serde_json::Value = serde_json::from_slice(&token.stdout).unwrap();
    let ran = Command::new("sh")
        .args(["-c", &command])
        .env("ACC_TOKEN", token["access_token"].as_str().unwrap())
        .output()
        .unwrap();
    let answer = String::from_utf8_lossy(&ran.stdout);
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    assert!(answer.contains(r#""result""#), "{answer}");
    serve.kill().ok();
    serve.wait().ok();
}

/// Issue 17: OTLP/gRPC takes 4317 by default, but only when it is free. A
/// platform starting while another process holds the port (another `acc`,
/// or a collector) goes without gRPC instead of failing. Before the fix the
/// port was probed and bound later, so two `acc` starting together raced
/// and one failed to start at all.
#[test]
fn a_taken_grpc_port_does_not_stop_the_platform() {
    // Hold 4317 ourselves unless something (another test's platform) does.
    let _held = std::net::TcpListener::bind("127.0.0.1:4317");
    assert!(
        std::net::TcpListener::bind("127.0.0.1:4317").is_err(),
        "port 4317 is held for this test"
    );
    let listed = acc(&["--ephemeral", "gateways", "-o", "json"]);
    assert_eq!(
        listed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert!(String::from_utf8_lossy(&listed.stdout).contains("enterprise-hub"));
    // A port the user asked for must bind, and says so when it cannot. A
    // port this test holds itself: 4317 may be another test's platform's,
    // freed before this run.
    let mine = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = mine.local_addr().unwrap().port().to_string();
    let addr = format!("127.0.0.1:{port}");
    let asked = acc(&["--ephemeral", "--otlp-grpc", &addr, "gateways"]);
    assert_ne!(asked.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&asked.stderr).contains(&port),
        "{}",
        String::from_utf8_lossy(&asked.stderr)
    );
}
