//! End to end: the real `acc` binary in tmux, driven by keystrokes, asserted
//! on the captured screen. Needs tmux (the test setup installs it).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "memory_tui.rs"]
mod memory_tui;
#[path = "traces_tui.rs"]
mod traces_tui;

/// How long a screen may take to show what we wait for. Generous because CI
/// builds are debug builds on two cores; we poll, so a fast run stays fast.
const WAIT: Duration = Duration::from_secs(30);

struct Tmux {
    session: String,
    _home: tempfile::TempDir,
}

impl Tmux {
    /// Starts `acc args…` in a fresh 160×45 tmux session with its own XDG dirs.
    fn start(name: &str, args: &[&str]) -> Tmux {
        Tmux::start_in(name, args, tempfile::tempdir().unwrap())
    }

    /// Like `start`, in a prepared home directory (also the working
    /// directory, where the console saves files).
    fn start_in(name: &str, args: &[&str], home: tempfile::TempDir) -> Tmux {
        let version = Command::new("tmux").arg("-V").output();
        assert!(
            version.as_ref().is_ok_and(|o| o.status.success()),
            "tmux is required for the end-to-end tests: run ./tests/run (it installs tmux) or `apt-get install tmux`"
        );
        let session = format!("acc-e2e-{name}-{}", std::process::id());
        let bin = PathBuf::from(env!("CARGO_BIN_EXE_acc"));
        let mut cmd = vec![bin.display().to_string()];
        cmd.extend(args.iter().map(|a| a.to_string()));
        let data = home.path().join("data");
        let config = home.path().join("config");
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &session, "-x", "160", "-y", "45"])
            .args(["-c", &home.path().display().to_string()])
            .args(["-e", &format!("XDG_DATA_HOME={}", data.display())])
            .args(["-e", &format!("XDG_CONFIG_HOME={}", config.display())])
            .args(["-e", "TERM=xterm-256color"])
            .arg(cmd.join(" "))
            .status()
            .expect("tmux new-session");
        assert!(status.success(), "tmux could not start the session");
        Tmux {
            session,
            _home: home,
        }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the screen until `predicate` holds, or fails with the last screen.
    fn wait_for(&self, what: &str, predicate: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if predicate(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }

    /// Sends tmux key names (`Enter`, `Escape`, `C-d`) or literal text.
    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .expect("tmux send-keys");
        assert!(status.success());
    }

    fn literal(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["send-keys", "-l", "-t", &self.session, text])
            .status()
            .expect("tmux send-keys");
        assert!(status.success());
    }

    fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.session])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

#[test]
fn browse_gateways_to_a_tool_schema_with_keystrokes() {
    let tmux = Tmux::start("browse", &["--ephemeral"]);
    let screen = tmux.wait_text("enterprise-hub");
    assert!(
        screen.contains("ctx: local"),
        "header shows the context:\n{screen}"
    );
    assert!(
        screen.contains("tenant-acme"),
        "second tenant's gateway is listed:\n{screen}"
    );

    tmux.literal(":gw");
    tmux.keys(&["Enter"]);
    tmux.literal("/enterprise-hub");
    tmux.keys(&["Enter"]);
    tmux.wait_text("</enterprise-hub>");
    tmux.literal("t");
    // The catalog arrives in two steps (the targets' schemas, then the MCP
    // listing) and the terminal may be caught mid-redraw: wait for both.
    let tools = tmux.wait_for("the hub's catalog", |s| {
        s.contains("crm___") && s.contains("ticketing___")
    });
    assert!(
        tools.contains("enterprise-hub › tools"),
        "breadcrumbs:\n{tools}"
    );

    tmux.literal("/^crm___");
    tmux.keys(&["Enter"]);
    tmux.wait_for("only crm tools", |s| {
        s.contains("crm___") && !s.contains("ticketing___")
    });
    tmux.keys(&["Enter"]);
    // Caught mid-redraw, the title can show before the rows: wait for both.
    let schema = tmux.wait_for("the input schema", |s| {
        s.contains("input schema") && s.contains("REQ")
    });
    assert!(schema.contains("REQ"), "{schema}");
    assert!(
        schema.contains(" * "),
        "a required field is marked:\n{schema}"
    );

    tmux.literal("?");
    tmux.wait_text("everywhere");
    // One escape at a time, each after the screen shows the last took effect:
    // escapes sent back to back can reach the terminal as one sequence.
    tmux.keys(&["Escape"]);
    tmux.wait_for("help closed", |s| !s.contains("everywhere"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("back at the filtered tools", |s| {
        !s.contains("input schema") && s.contains("</^crm___>")
    });
    tmux.keys(&["Escape"]);
    tmux.wait_for("back at tools without filter", |s| {
        s.contains("ticketing___")
    });

    tmux.literal("q");
    let start = Instant::now();
    while tmux.alive() {
        assert!(start.elapsed() < WAIT, "acc did not exit on q");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn delete_target_asks_first_and_readonly_refuses() {
    let ro = Tmux::start("readonly", &["--ephemeral", "--readonly"]);
    ro.wait_text("READ-ONLY");
    ro.literal(":targets tenant-acme");
    ro.keys(&["Enter"]);
    // The rows, not just the title: C-d on a list still loading has no target.
    ro.wait_for("tenant-acme's targets", |s| {
        s.contains("targets(tenant-acme) [") && s.contains("READY")
    });
    ro.keys(&["C-d"]);
    ro.wait_text("read-only mode: delete refused");

    let rw = Tmux::start("delete", &["--ephemeral"]);
    rw.wait_text("tenant-acme");
    rw.literal(":targets tenant-acme");
    rw.keys(&["Enter"]);
    let before = rw.wait_for("tenant-acme targets", |s| {
        s.contains("targets(tenant-acme) [") && s.contains("READY")
    });
    let count = |s: &str| -> usize {
        let start = s.find("targets(tenant-acme) [").unwrap() + "targets(tenant-acme) [".len();
        s[start..].split(']').next().unwrap().parse().unwrap()
    };
    let n = count(&before);
    rw.keys(&["C-d"]);
    rw.wait_text("Delete target");
    rw.literal("n");
    rw.wait_text("cancelled");
    rw.keys(&["C-d"]);
    rw.wait_text("Delete target");
    rw.literal("y");
    let after = rw.wait_text("deleted target");
    let after = if count(&after) == n {
        rw.wait_for("list reloads", |s| {
            s.contains("targets(tenant-acme) [") && count(s) == n - 1
        })
    } else {
        after
    };
    assert_eq!(count(&after), n - 1, "{after}");
}

/// esc from the call dialog, then `:captures enterprise-hub`; the screen
/// once the search call is listed.
fn back_to_the_captured_calls(t: &Tmux) -> String {
    // Wait for the escape to land: an escape followed at once by ':' reads as
    // Alt-':' to the terminal.
    t.keys(&["Escape"]);
    t.wait_for("back at the tools", |s| !s.contains("arguments · form"));
    t.keys(&[":"]);
    t.literal("captures enterprise-hub");
    t.keys(&["Enter"]);
    t.wait_for("the captured call", |s| {
        s.contains("captures(enterprise-hub)") && s.contains("knowledge-base___search_articles")
    })
}

/// `:tools enterprise-hub`, then the call dialog of the knowledge base's
/// search; the screen once the form shows.
fn open_the_search_articles_call(t: &Tmux) -> String {
    t.wait_text("enterprise-hub");
    t.keys(&[":"]);
    t.literal("tools enterprise-hub");
    t.keys(&["Enter"]);
    // The catalog comes through the gateway's MCP endpoint, with a token
    // from the demo identity provider.
    t.wait_text("via MCP");
    t.keys(&["/"]);
    t.literal("search_articles");
    t.keys(&["Enter"]);
    t.wait_text("knowledge-base___search_articles");
    t.keys(&["c"]);
    // The whole frame: the form and the dialog's own footer (a capture can
    // land while tmux is still drawing it).
    t.wait_for("the call form and its keys", |s| {
        s.contains("arguments · form") && s.contains("<ctrl-s> send")
    })
}

#[test]
fn call_a_demo_tool_from_the_console_and_find_its_capture() {
    let t = Tmux::start("call", &["--ephemeral"]);
    open_the_search_articles_call(&t);
    // The required field comes first and has the focus.
    t.literal("reset");
    t.keys(&["C-s"]);
    let screen = t.wait_for("the call's result", |s| {
        s.contains(" ok ") || s.contains("error")
    });
    assert!(screen.contains(" ok "), "the call succeeds:\n{screen}");
    assert!(screen.contains(" ms "), "the latency is shown:\n{screen}");
    t.keys(&["C-t"]);
    let exchange = t.wait_text("→ request");
    assert!(exchange.contains("tools/call"), "{exchange}");
    // Back out and read the capture of that call.
    let captures = back_to_the_captured_calls(&t);
    assert!(
        captures.contains("sales-copilot"),
        "the caller is the token's subject:\n{captures}"
    );
    assert!(captures.contains("ok"), "{captures}");
    t.keys(&["q"]);
    t.wait_for("exit", |_| !t.alive());
}

#[test]
fn break_a_demo_policy_fix_it_dry_run_it_and_save_the_flips_as_tests() {
    // Real traffic first: a sales caller searching the knowledge base.
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("state");
    let state = state.to_str().unwrap();
    let call = Command::new(env!("CARGO_BIN_EXE_acc"))
        .args(["--state-dir", state, "tools", "call", "enterprise-hub"])
        .args([
            "knowledge-base___search_articles",
            "--args",
            r#"{"query":"vpn"}"#,
        ])
        .output()
        .unwrap();
    assert!(
        call.status.success(),
        "{}",
        String::from_utf8_lossy(&call.stderr)
    );
    let saved = home.path().join("sales_no_announcements-tests.json");
    let tmux = Tmux::start_in("policy", &["--state-dir", state], home);

    tmux.wait_text("enterprise-hub");
    tmux.literal("/enterprise-hub");
    tmux.keys(&["Enter"]);
    tmux.wait_text("</enterprise-hub>");
    tmux.literal("p");
    tmux.wait_text("engine northwind_tenant_guardrails");
    tmux.literal("/sales_no");
    tmux.keys(&["Enter"]);
    tmux.wait_text("</sales_no>");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the policy open and valid", |s| {
        s.contains("edit policy sales_no_announcements") && s.contains("✓ valid")
    });

    // Point the forbid at the search tool, with a typo first.
    tmux.keys(&["Down", "Down", "Home", "C-k"]);
    tmux.literal(r#"  action == AgentCore::Action::"knowledge-base___search_artcles","#);
    let broken = tmux.wait_for("an error at line 3", |s| s.contains("1 error(s)"));
    assert!(
        broken.contains("   3●"),
        "the gutter marks line 3:\n{broken}"
    );
    assert!(broken.contains("◂ "), "the message is inline:\n{broken}");
    tmux.keys(&["Home", "C-k"]);
    tmux.literal(r#"  action == AgentCore::Action::"knowledge-base___search_articles","#);
    tmux.wait_for("valid again", |s| {
        s.contains("✓ valid") && !s.contains("3●")
    });

    // The dry-run flips the captured call and says which policy decides.
    tmux.keys(&["C-d"]);
    let run = tmux.wait_text("1 allow→deny, 0 deny→allow");
    assert!(run.contains("deny ▼"), "{run}");
    assert!(run.contains("sales_no_ann"), "{run}");
    tmux.wait_text("strictly less permissive");

    tmux.literal("w");
    tmux.wait_text("saved 1 policy test(s)");
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(cases[0]["decision"], "deny");
    assert_eq!(
        cases[0]["reason"],
        serde_json::json!(["sales_no_announcements"])
    );
}

#[test]
fn invoke_the_demo_agent_and_watch_the_stream_arrive() {
    let tmux = Tmux::start("invoke", &["--ephemeral"]);
    tmux.wait_text("enterprise-hub");
    tmux.literal(":rt");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the demo runtimes, ready", |s| {
        s.contains("concierge_agent") && s.contains("READY")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_text("payload → concierge_agent");
    // 300 ms between words: the answer takes seconds to arrive in full.
    tmux.keys(&["End", "BSpace"]);
    tmux.literal(r#", "delay_ms": 300}"#);
    tmux.keys(&["C-s"]);
    let partial = tmux.wait_for("part of the answer, still streaming", |s| {
        s.contains("parsed · streaming") && s.contains("You asked:")
    });
    assert!(!partial.contains("\"done\""), "{partial}");
    let done = tmux.wait_for("the whole answer", |s| s.contains("parsed · done"));
    assert!(done.contains("\"type\": \"done\""), "{done}");
    assert!(done.contains("first byte"), "{done}");
    // The session is listed, live, with its invocation.
    tmux.keys(&["Escape"]);
    tmux.wait_for("back on the runtimes", |s| s.contains("runtimes [3]"));
    tmux.literal(":sessions");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the session", |s| {
        s.contains("sessions · sort") && s.contains("HEALTHY") && s.contains("native")
    });
    // Its detail: the lifecycle and the invocation, with its outcome.
    tmux.keys(&["Enter"]);
    tmux.wait_for("the session's invocation history", |s| {
        s.contains("# invocations") && s.contains("  200  ttfb ") && s.contains("completed")
    });
    // The JWT-authorized triage agent is invoked with a bearer token.
    tmux.keys(&["Escape"]);
    tmux.wait_for("back at the sessions", |s| !s.contains("# invocations"));
    tmux.literal(":rt");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the runtimes again", |s| s.contains("runtimes [3]"));
    tmux.keys(&["g", "j", "Enter"]);
    tmux.wait_for("the triage agent's console", |s| {
        s.contains("payload → triage_agent") && s.contains("bearer JWT over HTTPS")
    });
    tmux.keys(&["C-s"]);
    let answered = tmux.wait_for("the triage answer", |s| s.contains("parsed · done"));
    assert!(answered.contains("sales-copilot"), "{answered}");
}

#[test]
fn typing_a_command_in_the_call_form_is_text_and_sends_nothing() {
    let t = Tmux::start("call-text", &["--ephemeral"]);
    let form = open_the_search_articles_call(&t);
    assert!(
        !form.contains("<:> command"),
        "editors show their own keys:\n{form}"
    );
    t.literal("reset");
    t.keys(&["C-s"]);
    t.wait_for("the one call's result", |s| s.contains(" ok "));
    // `:gw` and enter are text and a field move in a form, not a command
    // and not a second call.
    t.literal(":gw");
    t.keys(&["Enter"]);
    let typed = t.wait_text("reset:gw");
    assert!(typed.contains("arguments · form"), "{typed}");
    let captures = back_to_the_captured_calls(&t);
    assert_eq!(
        captures.matches("knowledge-base___search_articles").count(),
        1,
        "one call was sent:\n{captures}"
    );
}

/// Issue 14, item 12: views refresh by themselves and tell the truth. A
/// session started from the CLI against the same `acc serve` is counted on
/// `:rt` without ctrl-r, shows BUSY while its answer streams, and HEALTHY
/// once it has ended.
#[test]
fn views_follow_a_session_started_from_the_cli_without_ctrl_r() {
    struct Served(std::process::Child);
    impl Drop for Served {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut serve = crate::platform::acc_serve("127.0.0.1:0", &["--ephemeral"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = crate::platform::announced_url(&mut serve);
    let _serve = Served(serve);
    let tmux = Tmux::start("refresh", &["--endpoint", &url]);
    tmux.wait_text("enterprise-hub");
    tmux.literal(":rt");
    tmux.keys(&["Enter"]);
    // The SESSIONS cell of the concierge's row.
    let sessions_of = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains("concierge_agent") && l.contains("READY"))
            .and_then(|row| row.split_whitespace().nth(5).map(str::to_owned))
    };
    let before = tmux.wait_for("the runtimes", |s| sessions_of(s).is_some());
    assert_eq!(sessions_of(&before).as_deref(), Some("0"), "{before}");
    // 500 ms between words: the answer streams for seconds.
    let mut invoke = Command::new(env!("CARGO_BIN_EXE_acc"))
        .args(["--endpoint", &url, "invoke", "concierge_agent", "--payload"])
        .arg(r#"{"prompt": "hello", "delay_ms": 500}"#)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    tmux.wait_for("the new session counted, no key pressed", |s| {
        sessions_of(s).as_deref() == Some("1")
    });
    tmux.literal(":sessions");
    tmux.keys(&["Enter"]);
    let streaming = tmux.wait_for("the session busy while it streams", |s| {
        s.lines()
            .any(|l| l.contains("concierge_agent") && l.contains("BUSY"))
    });
    assert!(!streaming.contains("HEALTHY"), "{streaming}");
    assert!(invoke.wait().unwrap().success());
    tmux.wait_for("the session healthy once the answer ended", |s| {
        s.lines()
            .any(|l| l.contains("concierge_agent") && l.contains("HEALTHY"))
    });
}

/// Issue 14, k9s users: `:ctx` lists the endpoints named in
/// `$XDG_CONFIG_HOME/acc/contexts.toml`, and enter switches to one.
#[test]
fn ctx_lists_named_endpoints_and_switches_to_one() {
    struct Served(std::process::Child);
    impl Drop for Served {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    // Another platform, without the demo workspace.
    let mut serve = crate::platform::acc_serve("127.0.0.1:0", &["--ephemeral", "--no-demo"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let other = crate::platform::announced_url(&mut serve);
    let _serve = Served(serve);
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/acc");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("contexts.toml"),
        format!("[bare-platform]\nendpoint = \"{other}\"\n"),
    )
    .unwrap();
    let tmux = Tmux::start_in("ctx", &["--ephemeral"], home);
    tmux.wait_text("enterprise-hub");
    tmux.literal(":ctx");
    tmux.keys(&["Enter"]);
    let listed = tmux.wait_text("bare-platform");
    assert!(listed.contains(&other), "{listed}");
    tmux.keys(&["g", "j", "Enter"]);
    let switched = tmux.wait_for("the other platform's (empty) gateways", |s| {
        s.contains(other.trim_start_matches("http://")) && !s.contains("enterprise-hub")
    });
    assert!(switched.contains("gateways"), "{switched}");
}

/// Issue 14, agent developers: the real console keeps every turn of the
/// session, each prompt's answer under the one before.
#[test]
fn the_invoke_console_keeps_a_multi_turn_transcript() {
    let t = Tmux::start("transcript", &["--ephemeral"]);
    t.wait_text("enterprise-hub");
    t.literal(":rt");
    t.keys(&["Enter"]);
    t.wait_for("the demo runtimes, ready", |s| {
        s.contains("concierge_agent") && s.contains("READY")
    });
    t.keys(&["Enter"]);
    t.wait_text("payload → concierge_agent");
    for prompt in ["first turn", "second turn"] {
        // Home, ctrl-k: the payload line emptied, then the turn's own.
        t.keys(&["Home", "C-k"]);
        t.literal(&format!(r#"{{"prompt": "{prompt}", "delay_ms": 1}}"#));
        t.keys(&["C-s"]);
        let answered = format!("You asked: {prompt}");
        t.wait_for(&answered, |s| {
            s.contains(&answered) && s.contains("parsed · done")
        });
    }
    // Both turns stay, the first above the second.
    let row = |s: &str, text: &str| s.lines().position(|l| l.contains(text));
    t.wait_for("both turns, in order", |s| {
        matches!(
            (row(s, "You asked: first turn"), row(s, "You asked: second turn")),
            (Some(first), Some(second)) if first < second
        )
    });
}

/// Issue 14, security reviewers: in the real console, `o` and `D` narrow
/// the captured calls by outcome and by the policy engine's decision; two
/// callers' real calls of one tool, one denied (LOG_ONLY) and one allowed.
#[test]
fn captures_filter_by_outcome_and_decision_in_the_real_console() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("state");
    let state = state.to_str().unwrap();
    for client in ["sales-copilot", "ops-assistant"] {
        let call = Command::new(env!("CARGO_BIN_EXE_acc"))
            .args(["--state-dir", state, "tools", "call", "enterprise-hub"])
            .args(["messaging___schedule_announcement", "--as", client])
            .args([
                "--args",
                r##"{"channels":["#all"],"text":"townhall","send_at":"2026-12-02T10:00:00Z"}"##,
            ])
            .output()
            .unwrap();
        assert!(
            call.status.success(),
            "{client}: {}",
            String::from_utf8_lossy(&call.stderr)
        );
    }
    let t = Tmux::start_in("capture-filters", &["--state-dir", state], home);
    t.wait_text("enterprise-hub");
    t.keys(&[":"]);
    t.literal("captures enterprise-hub");
    t.keys(&["Enter"]);
    let both = |s: &str| s.contains("sales-copilot") && s.contains("ops-assistant");
    t.wait_for("both callers' calls", both);
    t.keys(&["D"]);
    t.wait_for("the allowed call alone", |s| {
        s.contains("<decision:allow>")
            && s.contains("ops-assistant")
            && !s.contains("sales-copilot")
    });
    t.keys(&["D"]);
    t.wait_for("the denied call alone", |s| {
        s.contains("<decision:deny>") && s.contains("sales-copilot") && !s.contains("ops-assistant")
    });
    // o combines with D: the denied call went through (LOG_ONLY), so it is
    // ok; no call of these ended in a tool error.
    t.keys(&["o"]);
    t.wait_for("ok and denied", |s| {
        s.contains("<outcome:ok>") && s.contains("<decision:deny>") && s.contains("sales-copilot")
    });
    t.keys(&["o"]);
    t.wait_text("no captured calls match outcome:tool_error decision:deny");
    // esc clears both filters.
    t.keys(&["Escape"]);
    t.wait_for("every call again, unfiltered", |s| {
        both(s) && !s.contains("<decision:") && !s.contains("<outcome:")
    });
    t.keys(&["q"]);
    t.wait_for("exit", |_| !t.alive());
}

/// Issue 14, MCP Inspector users: in the real console, the call dialog
/// calls as each of the hub's OAuth clients (ctrl-o), keeps the tool's
/// history (ctrl-n), refuses a made-up token without showing it, copies the
/// call as curl (ctrl-x); the captures show the policy's decision for each
/// caller.
#[test]
fn the_call_dialog_calls_as_each_client_and_the_captures_show_each_decision() {
    let t = Tmux::start("call-as", &["--ephemeral"]);
    t.wait_text("enterprise-hub");
    t.keys(&[":"]);
    t.literal("tools enterprise-hub");
    t.keys(&["Enter"]);
    t.wait_text("via MCP");
    t.keys(&["/"]);
    t.literal("schedule_announcement");
    t.keys(&["Enter"]);
    t.wait_text("messaging___schedule_announcement");
    t.keys(&["c"]);
    t.wait_text("arguments · form");
    // The arguments as JSON: ctrl-e, the line emptied, the object typed.
    t.keys(&["C-e"]);
    t.wait_text("arguments · json");
    t.keys(&["Home", "C-k"]);
    t.literal(r##"{"channels":["#all"],"text":"townhall","send_at":"2026-12-02T10:00:00Z"}"##);
    let history_row = |s: &str, client: &str| {
        s.lines()
            .any(|l| l.contains(client) && l.contains(" ok") && !l.contains("as: "))
    };
    // The hub allows sales-copilot, support-triage and ops-assistant.
    for (client, presses) in [("sales-copilot", 1), ("ops-assistant", 2)] {
        for _ in 0..presses {
            t.keys(&["C-o"]);
        }
        t.wait_text(&format!("as: {client}"));
        t.keys(&["C-s"]);
        t.keys(&["C-n"]);
        t.wait_for(&format!("{client}'s call in the history"), |s| {
            history_row(s, client)
        });
        t.keys(&["C-t"]);
    }
    // A token typed in is masked, and the gateway's refusal shows.
    t.keys(&["C-o"]);
    t.wait_text("as: token");
    t.literal("not-a-real-token");
    let masked = t.wait_text("token **** (16 characters)");
    assert!(!masked.contains("not-a-real-token"), "{masked}");
    t.keys(&["C-s"]);
    let refused = t.wait_text("call failed");
    assert!(refused.contains("refused the token"), "{refused}");
    // ctrl-x: the call as curl, the token an env var.
    t.keys(&["C-x"]);
    let curl = t.wait_for("the curl command", |s| {
        s.contains("curl -sS -X POST") && s.contains("$ACC_TOKEN")
    });
    assert!(!curl.contains("not-a-real-token"), "{curl}");
    t.wait_text("to the clipboard (OSC 52)");
    // The captures: the sales agent denied (LOG_ONLY), operations allowed.
    // The first esc dismisses the message, the second leaves the dialog.
    t.keys(&["Escape"]);
    t.wait_for("the message dismissed", |s| !s.contains("to the clipboard"));
    t.keys(&["Escape"]);
    t.wait_for("back at the tools", |s| !s.contains("arguments · "));
    t.keys(&[":"]);
    t.literal("captures enterprise-hub");
    t.keys(&["Enter"]);
    let row = |screen: &str, client: &str| {
        screen
            .lines()
            .find(|l| l.contains(client))
            .unwrap_or_default()
            .to_owned()
    };
    t.wait_for("deny for sales, allow for operations", |s| {
        row(s, "sales-copilot").contains("deny") && row(s, "ops-assistant").contains("allow")
    });
    t.keys(&["q"]);
    t.wait_for("exit", |_| !t.alive());
}
