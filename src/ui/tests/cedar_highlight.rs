//! Snapshots of Cedar highlighting, so a change to the syntax or to the
//! scope mapping shows in review as a token-by-token diff.

use std::fmt::Write as _;
use std::time::Instant;

use acc_ui::features::policy::cedar_highlight::{CedarHighlighter, CedarToken, highlighter};

const POLICY: &str = r#"// Support may refund small amounts
@id("refunds")
permit (principal is AgentCore::OAuthUser, action == AgentCore::Action::"Billing___refund", resource == AgentCore::Gateway::"arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/hub")
when { principal.hasTag("role") && principal.getTag("role") == "support" && context.input.amount < 100 };"#;

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

/// One line per token, `Kind "text"`, under a header per source line;
/// whitespace-only plain tokens are left out to keep the diff readable.
fn render(text: &str) -> String {
    let lines = lines(text);
    let mut out = String::new();
    for (n, (line, tokens)) in lines
        .iter()
        .zip(highlighter().highlight(&lines))
        .enumerate()
    {
        writeln!(out, "line {}", n + 1).unwrap();
        for (token, range) in tokens {
            let span = &line[range];
            if token == CedarToken::Plain && span.trim().is_empty() {
                continue;
            }
            writeln!(out, "  {token:?} {span:?}").unwrap();
        }
    }
    out
}

#[test]
fn refund_policy() {
    insta::assert_snapshot!(render(POLICY));
}

#[test]
fn multi_line_policy() {
    insta::assert_snapshot!(render(
        r#"@id("deny-large")
forbid (
  principal in AgentCore::Group::"contractors",
  action in [AgentCore::Action::"Billing___refund", AgentCore::Action::"Billing___void"],
  resource
)
unless {
  context.input.amount <= 1000 &&
  context.input.currency like "US\*" &&
  !(principal has department) || ip("10.0.0.1").isInRange(ip("10.0.0.0/8"))
};"#
    ));
}

/// Not a benchmark: prints what highlighting a 100-policy (~500 line) file
/// costs, for the record (`--nocapture`); asserts only the shape.
#[test]
fn hundred_policies_timing() {
    let mut text = String::new();
    for i in 0..100 {
        writeln!(
            text,
            "// policy {i}\n@id(\"p{i}\")\npermit (principal is AgentCore::OAuthUser, action == AgentCore::Action::\"Tool___{i}\", resource)\nwhen {{ principal.hasTag(\"role\") && principal.getTag(\"role\") == \"support\" &&\n  context.input.amount < {i} }};"
        )
        .unwrap();
    }
    let lines = lines(&text);

    let started = Instant::now();
    let fresh = CedarHighlighter::new();
    let load = started.elapsed();

    fresh.highlight(&lines); // warm up allocations and regex caches
    let started = Instant::now();
    let runs = 10;
    for _ in 0..runs {
        assert_eq!(fresh.highlight(&lines).len(), lines.len());
    }
    let per_run = started.elapsed() / runs;
    println!(
        "cedar highlight: syntax load {load:?}; {} lines ({} bytes) in {per_run:?} per run",
        lines.len(),
        text.len()
    );
}
