//! Dry-run: what an edited policy set would decide on real, captured calls,
//! next to what the current policies decide. The answer a reviewer needs
//! before switching a gateway to ENFORCE: which calls flip, and which policy
//! decides each one.

use cedar_policy::PolicySet;
use serde::Serialize;

use super::evaluation::{ActionSlices, Evaluation, PolicyDecision, evaluate};
use super::request::cedar_call;
use crate::{CapturedCall, Tool};

/// How a call's decision changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flip {
    /// Allowed by the current policies, denied after the edit (`allow_to_deny`).
    AllowToDeny,
    /// Denied by the current policies, allowed after the edit (`deny_to_allow`).
    DenyToAllow,
    /// The same decision before and after (`unchanged`).
    Unchanged,
}

/// One captured call, decided before and after the edit.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DryRunRow {
    /// The captured call's id ([`CapturedCall::capture_id`]).
    pub capture_id: String,
    /// When the call arrived, RFC 3339 UTC ([`CapturedCall::time`]).
    pub time: String,
    /// The qualified tool name, `<Target>___<tool>`.
    pub tool: String,
    /// The caller's label: JWT `sub`, else IAM ARN, else the caller kind.
    pub caller: String,
    /// What the current policies decide.
    pub before: Evaluation,
    /// What the edited policies decide.
    pub after: Evaluation,
    /// Whether and how the decision changes.
    pub flip: Flip,
}

/// The dry-run of an edit over a set of captured calls.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DryRun {
    /// One row per evaluated call, in the calls' order.
    pub rows: Vec<DryRunRow>,
    /// How many calls flip from allow to deny.
    pub allow_to_deny: usize,
    /// How many calls flip from deny to allow.
    pub deny_to_allow: usize,
    /// How many evaluated calls keep their decision.
    pub unchanged: usize,
    /// Calls that could not be evaluated (their tool is gone, say), and why.
    pub skipped: Vec<String>,
}

impl DryRun {
    /// "3 allow→deny, 1 deny→allow, 40 unchanged".
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} allow→deny, {} deny→allow, {} unchanged",
            self.allow_to_deny, self.deny_to_allow, self.unchanged
        );
        if !self.skipped.is_empty() {
            text.push_str(&format!(", {} not evaluated", self.skipped.len()));
        }
        text
    }
}

/// Below this many calls a dry-run stays on one thread.
const PARALLEL_FROM: usize = 2048;

/// Evaluate `calls` against `before` and `after`. `tools` is the gateway's
/// catalog (the arguments are typed by each tool's input schema). Large
/// runs are split across the machine's cores; rows keep the calls' order.
pub fn dry_run(
    calls: &[CapturedCall],
    tools: &[Tool],
    before: &PolicySet,
    after: &PolicySet,
) -> DryRun {
    let actions: Vec<_> = tools
        .iter()
        .filter_map(|t| action_uid(&t.qualified_name))
        .collect();
    let (before, after) = (
        &ActionSlices::new(before, &actions),
        &ActionSlices::new(after, &actions),
    );
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if calls.len() < PARALLEL_FROM || threads == 1 {
        return dry_run_serial(calls, tools, before, after);
    }
    let chunk = calls.len().div_ceil(threads);
    let parts: Vec<DryRun> = std::thread::scope(|scope| {
        let handles: Vec<_> = calls
            .chunks(chunk)
            .map(|part| scope.spawn(move || dry_run_serial(part, tools, before, after)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut run = DryRun::default();
    for part in parts {
        run.rows.extend(part.rows);
        run.allow_to_deny += part.allow_to_deny;
        run.deny_to_allow += part.deny_to_allow;
        run.unchanged += part.unchanged;
        run.skipped.extend(part.skipped);
    }
    run
}

fn action_uid(tool: &str) -> Option<cedar_policy::EntityUid> {
    format!(
        "{}::Action::\"{}\"",
        super::NAMESPACE,
        tool.replace('"', "\\\"")
    )
    .parse()
    .ok()
}

fn dry_run_serial(
    calls: &[CapturedCall],
    tools: &[Tool],
    before: &ActionSlices,
    after: &ActionSlices,
) -> DryRun {
    let mut run = DryRun::default();
    for call in calls {
        if call.tool == crate::tool::SEARCH_TOOL {
            run.skipped.push(format!(
                "{} ({}): the gateway's built-in search tool; policies do not govern it",
                call.capture_id, call.tool
            ));
            continue;
        }
        let Some(tool) = tools.iter().find(|t| t.qualified_name == call.tool) else {
            run.skipped.push(format!(
                "{} ({}): the gateway no longer has this tool",
                call.capture_id, call.tool
            ));
            continue;
        };
        let cedar = match cedar_call(
            &call.caller,
            &call.tool,
            &call.gateway_arn,
            &call.arguments,
            &tool.input_schema,
            None,
        ) {
            Ok(cedar) => cedar,
            Err(e) => {
                run.skipped
                    .push(format!("{} ({}): {e}", call.capture_id, call.tool));
                continue;
            }
        };
        let (old, new) = (
            evaluate(&cedar, before.for_action(&cedar.action)),
            evaluate(&cedar, after.for_action(&cedar.action)),
        );
        let flip = match (old.decision, new.decision) {
            (PolicyDecision::Allow, PolicyDecision::Deny) => Flip::AllowToDeny,
            (PolicyDecision::Deny, PolicyDecision::Allow) => Flip::DenyToAllow,
            _ => Flip::Unchanged,
        };
        match flip {
            Flip::AllowToDeny => run.allow_to_deny += 1,
            Flip::DenyToAllow => run.deny_to_allow += 1,
            Flip::Unchanged => run.unchanged += 1,
        }
        run.rows.push(DryRunRow {
            capture_id: call.capture_id.clone(),
            time: call.time.clone(),
            tool: call.tool.clone(),
            caller: call.caller.label().to_owned(),
            before: old,
            after: new,
            flip,
        });
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cedar_model::checks::parse_statement;
    use crate::cedar_model::schema::tests::tool;
    use crate::{CaptureOutcome, CapturedCaller};
    use serde_json::{Map, Value, json};

    fn call(id: &str, department: &str, amount: Value) -> CapturedCall {
        let mut claims = Map::new();
        claims.insert("department".into(), json!(department));
        CapturedCall {
            time: "2026-11-23T10:00:00.000Z".into(),
            capture_id: id.into(),
            gateway_id: "gw".into(),
            gateway_arn: "arn:aws:bedrock-agentcore:us-east-1:000000000000:gateway/gw".into(),
            target: "billing".into(),
            tool: "billing___refund".into(),
            caller: CapturedCaller {
                kind: "oauth".into(),
                sub: Some(format!("{department}-agent")),
                arn: None,
                claims: Some(claims),
            },
            arguments: json!({ "amount": amount }),
            outcome: CaptureOutcome::Ok,
            detail: None,
            latency_ms: 1.0,
            trace_id: "t".into(),
            policy: None,
        }
    }

    fn set(statements: &[(&str, &str)]) -> PolicySet {
        let mut set = PolicySet::new();
        for (id, text) in statements {
            set.add(parse_statement(id, text).unwrap()).unwrap();
        }
        set
    }

    #[test]
    fn flips_are_counted_with_their_deciding_policies() {
        let tools = [tool(
            "billing___refund",
            json!({ "type": "object", "properties": { "amount": { "type": "number" } } }),
        )];
        let calls = [
            call("c1", "sales", json!(20)),
            call("c2", "sales", json!(900)),
            call("c3", "finance", json!(900)),
        ];
        let permit_all = ("everyone", "permit(principal, action, resource);");
        let before = set(&[permit_all]);
        let after = set(&[
            permit_all,
            (
                "big_refunds_finance_only",
                "forbid(principal, action, resource) when { context.input.amount.greaterThan(decimal(\"500.0\")) && principal.getTag(\"department\") != \"finance\" };",
            ),
        ]);
        let run = dry_run(&calls, &tools, &before, &after);
        assert_eq!(run.summary(), "1 allow→deny, 0 deny→allow, 2 unchanged");
        let flipped = &run.rows[1];
        assert_eq!(
            (flipped.capture_id.as_str(), flipped.flip),
            ("c2", Flip::AllowToDeny)
        );
        assert_eq!(
            flipped.after.determining_policies,
            ["big_refunds_finance_only"]
        );
        assert_eq!(run.rows[0].before.determining_policies, ["everyone"]);

        // A large run (split across threads) decides exactly as a serial one.
        let many: Vec<CapturedCall> = (0..5000)
            .map(|i| {
                call(
                    &format!("m{i}"),
                    if i % 3 == 0 { "finance" } else { "sales" },
                    json!(i % 1000),
                )
            })
            .collect();
        let parallel = dry_run(&many, &tools, &before, &after);
        let serial = dry_run_serial(
            &many,
            &tools,
            &ActionSlices::unsliced(&before),
            &ActionSlices::unsliced(&after),
        );
        assert_eq!(parallel.summary(), serial.summary());
        assert!(parallel.allow_to_deny > 0, "{}", parallel.summary());
        let deciders = |r: &DryRun| {
            r.rows
                .iter()
                .map(|row| row.after.determining_policies.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(deciders(&parallel), deciders(&serial));
        let ids = |r: &DryRun| {
            r.rows
                .iter()
                .map(|row| row.capture_id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&parallel), ids(&serial));

        let mut gone = call("c4", "sales", json!(1));
        gone.tool = "billing___removed".into();
        let run = dry_run(&[gone], &tools, &before, &after);
        assert_eq!(run.skipped.len(), 1);
        assert!(run.summary().ends_with("1 not evaluated"));
    }
}
