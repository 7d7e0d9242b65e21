//! The policy studio's hot paths, on generated but realistic data:
//! - a dry-run of an edit over 100 000 captured calls with 50 policies
//!   (before and after: 200 000 evaluations), on all cores;
//! - strict re-validation of a 100-policy file, as the editor does after
//!   each debounced keystroke.
//!
//! Run: `cargo bench -p acc-domain --bench policy_studio`.

use std::time::Duration;

use acc_domain::cedar_model::cedar_policy::PolicySet;
use acc_domain::cedar_model::checks::{check_text, parse_statement};
use acc_domain::cedar_model::dry_run::dry_run;
use acc_domain::cedar_model::schema::gateway_schema;
use acc_domain::{CaptureOutcome, CapturedCall, CapturedCaller, Tool, ToolSource};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Map, json};

const CALLS: usize = 100_000;
const POLICIES: usize = 50;
const DEPARTMENTS: &[&str] = &["sales", "support", "operations", "finance"];

/// 20 tools across 4 targets, with strings, integers, numbers, booleans,
/// sets and nested records in their inputs.
fn tools() -> Vec<Tool> {
    let mut tools = Vec::new();
    for target in ["crm", "ticketing", "inventory", "billing"] {
        for i in 0..5 {
            tools.push(Tool {
                qualified_name: format!("{target}___op{i}"),
                target: target.into(),
                name: format!("op{i}"),
                description: String::new(),
                input_schema: json!({ "type": "object", "required": ["id", "amount"], "properties": {
                    "id": { "type": "string" },
                    "amount": { "type": "number" },
                    "count": { "type": "integer" },
                    "urgent": { "type": "boolean" },
                    "tags": { "type": "array", "items": { "type": "string" } },
                    "address": { "type": "object", "properties": { "country": { "type": "string" } } }
                }}),
                source: ToolSource::Mcp,
            });
        }
    }
    tools
}

/// One permit for the tenant, and forbids on departments, arguments and tools.
fn policies(n: usize) -> Vec<(String, String)> {
    let mut out = vec![(
        "tenant".to_owned(),
        "permit(principal is AgentCore::OAuthUser, action, resource) when { principal.hasTag(\"tenant\") && principal.getTag(\"tenant\") == \"northwind\" };".to_owned(),
    )];
    for i in 1..n {
        let tool = format!(
            "{}___op{}",
            ["crm", "ticketing", "inventory", "billing"][i % 4],
            i % 5
        );
        let department = DEPARTMENTS[i % DEPARTMENTS.len()];
        let statement = match i % 3 {
            0 => format!(
                "forbid(principal, action == AgentCore::Action::\"{tool}\", resource) when {{ context.input.amount.greaterThan(decimal(\"{}.0\")) && principal.hasTag(\"department\") && principal.getTag(\"department\") == \"{department}\" }};",
                900 + i
            ),
            1 => format!(
                "forbid(principal, action == AgentCore::Action::\"{tool}\", resource) when {{ context.input has count && context.input.count > {} && !(principal.hasTag(\"role\") && principal.getTag(\"role\") == \"operator\") }};",
                40 + i
            ),
            _ => format!(
                "forbid(principal, action == AgentCore::Action::\"{tool}\", resource) when {{ context.input has address && context.input.address has country && context.input.address.country == \"X{i}\" }};"
            ),
        };
        out.push((format!("rule{i}"), statement));
    }
    out
}

fn set(policies: &[(String, String)]) -> PolicySet {
    let mut set = PolicySet::new();
    for (name, text) in policies {
        set.add(parse_statement(name, text).expect("a bench policy parses"))
            .expect("unique names");
    }
    set
}

fn calls(tools: &[Tool]) -> Vec<CapturedCall> {
    (0..CALLS)
        .map(|i| {
            let mut claims = Map::new();
            claims.insert("tenant".into(), json!("northwind"));
            claims.insert("department".into(), json!(DEPARTMENTS[i % DEPARTMENTS.len()]));
            claims.insert("role".into(), json!(if i % 7 == 0 { "operator" } else { "agent" }));
            let tool = &tools[i % tools.len()];
            CapturedCall {
                time: "2026-11-23T10:00:00.000Z".into(),
                capture_id: format!("c{i}"),
                gateway_id: "gw".into(),
                gateway_arn: "arn:aws:bedrock-agentcore:us-east-1:000000000000:gateway/gw".into(),
                target: tool.target.clone(),
                tool: tool.qualified_name.clone(),
                caller: CapturedCaller {
                    kind: "oauth".into(),
                    sub: Some(format!("agent-{}", i % 97)),
                    arn: None,
                    claims: Some(claims),
                },
                arguments: json!({
                    "id": format!("r-{i}"), "amount": (i % 2000) as f64 + 0.5, "count": i % 90,
                    "urgent": i % 2 == 0, "tags": ["a", "b"], "address": { "country": format!("X{}", i % 60) }
                }),
                outcome: CaptureOutcome::Ok,
                detail: None,
                latency_ms: 1.0,
                trace_id: String::new(),
                policy: None,
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let tools = tools();
    let current = policies(POLICIES);
    let mut edited = current.clone();
    // The edit: calls above 1 500 are forbidden for everyone.
    edited[3].1 = "forbid(principal, action, resource) when { context.input.amount.greaterThan(decimal(\"1500.0\")) };".into();
    let (before, after) = (set(&current), set(&edited));
    let calls = calls(&tools);
    let run = dry_run(&calls, &tools, &before, &after);
    println!("dry-run over {} calls: {}", calls.len(), run.summary());
    assert!(run.allow_to_deny > 0, "the edit flips calls");

    let mut group = c.benchmark_group("dry-run");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function(
        "100 000 captured calls, 50 policies, before and after",
        |b| b.iter(|| dry_run(&calls, &tools, &before, &after)),
    );
    group.finish();

    let schema = gateway_schema(&tools).expect("schema");
    let file: String = policies(100)
        .iter()
        .map(|(name, text)| format!("@id(\"{name}\")\n{text}\n\n"))
        .collect();
    assert!(check_text("bench.cedar", &file, Some(&schema.schema)).is_empty());
    c.bench_function("re-validate a 100-policy file (strict, with schema)", |b| {
        b.iter(|| check_text("bench.cedar", &file, Some(&schema.schema)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
