//! A captured gateway tool call: what the local gateway stores for every
//! `tools/call` and writes as one JSON line to the gateway's
//! APPLICATION_LOGS log group. The console reads these lines back from the
//! log group, the same way locally and on live AWS.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::secret_masking::SecretMasker;

/// The prefix of a gateway's application log group; the gateway id follows.
pub const GATEWAY_LOG_GROUP_PREFIX: &str =
    "/aws/vendedlogs/bedrock-agentcore/gateway/APPLICATION_LOGS/";

/// The log group a gateway's captured calls are written to.
pub fn gateway_log_group(gateway_id: &str) -> String {
    format!("{GATEWAY_LOG_GROUP_PREFIX}{gateway_id}")
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureOutcome {
    /// The target answered a result.
    Ok,
    /// The target answered `isError: true`, failed downstream, or the call
    /// named an unknown tool or bad arguments.
    ToolError,
    /// Refused before reaching the target (policy, read-only platform).
    Denied,
}

impl CaptureOutcome {
    /// The wire spelling: `ok`, `tool_error`, `denied`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::ToolError => "tool_error",
            Self::Denied => "denied",
        }
    }

    /// Parse the wire spelling (also accepts `error` for `tool_error`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ok" => Some(Self::Ok),
            "tool_error" | "error" => Some(Self::ToolError),
            "denied" => Some(Self::Denied),
            _ => None,
        }
    }
}

/// Who made the call, as the gateway verified it. Secrets in claims are masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapturedCaller {
    /// `anonymous`, `oauth` or `iam`.
    pub kind: String,
    /// The JWT `sub` of an `oauth` caller; None otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The caller's ARN for `iam`; None otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The verified JWT's claims (secrets masked) for `oauth`; None otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Map<String, Value>>,
}

impl CapturedCaller {
    /// The one-word name lists show: `sub`, else the ARN, else the kind.
    pub fn label(&self) -> &str {
        self.sub
            .as_deref()
            .or(self.arn.as_deref())
            .unwrap_or(&self.kind)
    }
}

/// One captured `tools/call`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapturedCall {
    /// When the call arrived, RFC 3339 UTC with milliseconds.
    pub time: String,
    /// A unique id for this capture (a UUID).
    pub capture_id: String,
    /// The gateway the call passed through.
    pub gateway_id: String,
    /// The gateway's ARN: the resource Cedar policies are written against.
    #[serde(default)]
    pub gateway_arn: String,
    /// The target's name (empty for the built-in search tool and unknown tools).
    pub target: String,
    /// The qualified tool name, `<Target>___<tool>`.
    pub tool: String,
    /// Who made the call.
    pub caller: CapturedCaller,
    /// The call's arguments, secrets masked.
    pub arguments: Value,
    /// How the call ended.
    pub outcome: CaptureOutcome,
    /// Why it failed or was denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Milliseconds from the call's arrival to its answer.
    pub latency_ms: f64,
    /// The X-Ray trace id (`X-Amzn-Trace-Id` `Root=`), or one the gateway made up
    /// in that format when the caller sent none.
    pub trace_id: String,
    /// What the gateway's policy engine decided, when one is attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<CapturedPolicy>,
}

impl CapturedCall {
    /// This call as it may be stored and logged: secrets masked in every
    /// field a caller or a target wrote (arguments, the tool's name, the
    /// detail, the trace id, policy errors). One masker covers the record,
    /// so a secret found in the arguments is also masked where the detail
    /// quotes it back (a schema violation, a target's error).
    pub fn masked(mut self) -> Self {
        let mut masker = SecretMasker::default();
        self.arguments = masker.json(&self.arguments);
        if let Some(claims) = self.caller.claims.take() {
            self.caller.claims = match masker.json(&Value::Object(claims)) {
                Value::Object(masked) => Some(masked),
                _ => None,
            };
        }
        let mut text = |s: &mut String| {
            if let Cow::Owned(masked) = masker.text(s) {
                *s = masked;
            }
        };
        text(&mut self.tool);
        text(&mut self.trace_id);
        if let Some(detail) = self.detail.as_mut() {
            text(detail);
        }
        if let Some(policy) = self.policy.as_mut() {
            policy.errors.iter_mut().for_each(&mut text);
        }
        self
    }
}

/// The policy engine's decision on a captured call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapturedPolicy {
    /// The ARN of the policy engine that decided.
    pub engine_arn: String,
    /// The gateway's mode: `ENFORCE` or `LOG_ONLY`.
    pub mode: String,
    /// Allow or deny.
    pub decision: crate::cedar_model::evaluation::PolicyDecision,
    /// The policies that decided it, by name (the permits for an allow, the
    /// forbids for a deny; empty for a default deny).
    pub determining_policies: Vec<String>,
    /// Policies that failed to evaluate, or why there was nothing to evaluate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

/// Which captured calls to read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaptureFilter {
    /// Qualified tool name; a trailing `*` matches a prefix (`crm___*`).
    pub tool: Option<String>,
    /// Exact `sub` (or IAM ARN) of the caller.
    pub caller: Option<String>,
    /// Only calls that ended this way; None matches every outcome.
    pub outcome: Option<CaptureOutcome>,
}

impl CaptureFilter {
    /// The CloudWatch Logs JSON filter pattern selecting these calls (`None`
    /// when everything matches). Live CloudWatch and the local platform both
    /// evaluate it, so only matching lines cross the wire.
    pub fn log_filter_pattern(&self) -> Option<String> {
        let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let mut terms = Vec::new();
        if let Some(tool) = &self.tool {
            terms.push(format!("$.tool = \"{}\"", quote(tool)));
        }
        if let Some(caller) = &self.caller {
            terms.push(format!(
                "($.caller.sub = \"{0}\" || $.caller.arn = \"{0}\")",
                quote(caller)
            ));
        }
        if let Some(outcome) = self.outcome {
            terms.push(format!("$.outcome = \"{}\"", outcome.as_str()));
        }
        (!terms.is_empty()).then(|| format!("{{ {} }}", terms.join(" && ")))
    }

    /// Whether `call` passes (the same test, applied to a parsed call).
    pub fn matches(&self, call: &CapturedCall) -> bool {
        self.tool
            .as_ref()
            .is_none_or(|t| match t.strip_suffix('*') {
                Some(prefix) => call.tool.starts_with(prefix),
                None => *t == call.tool,
            })
            && self.caller.as_ref().is_none_or(|c| {
                call.caller.sub.as_ref() == Some(c) || call.caller.arn.as_ref() == Some(c)
            })
            && self.outcome.is_none_or(|o| o == call.outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_patterns_are_cloudwatch_json_patterns() {
        assert_eq!(CaptureFilter::default().log_filter_pattern(), None);
        let filter = CaptureFilter {
            tool: Some("crm___get\"x".into()),
            caller: Some("alice".into()),
            outcome: Some(CaptureOutcome::Denied),
        };
        assert_eq!(
            filter.log_filter_pattern().unwrap(),
            r#"{ $.tool = "crm___get\"x" && ($.caller.sub = "alice" || $.caller.arn = "alice") && $.outcome = "denied" }"#
        );
    }

    #[test]
    fn masked_calls_keep_no_secret_in_any_free_text_field() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl";
        let mut claims = Map::new();
        claims.insert("sub".into(), "a".into());
        claims.insert("pin".into(), "9911".into());
        let call = CapturedCall {
            time: "t".into(),
            capture_id: "c".into(),
            gateway_id: "gw".into(),
            gateway_arn: "arn".into(),
            target: "crm".into(),
            tool: token.into(),
            caller: CapturedCaller {
                kind: "oauth".into(),
                sub: Some("a".into()),
                arn: None,
                claims: Some(claims),
            },
            arguments: serde_json::json!({ "card": { "cvv": "737" }, "text": "fine" }),
            outcome: CaptureOutcome::ToolError,
            detail: Some(format!(
                "/card/cvv: expected integer, got \"737\"; caller {token}"
            )),
            latency_ms: 1.0,
            trace_id: "Root=1-abc;password=hunter2".into(),
            policy: Some(CapturedPolicy {
                engine_arn: "e".into(),
                mode: "LOG_ONLY".into(),
                decision: crate::cedar_model::evaluation::PolicyDecision::Deny,
                determining_policies: vec![],
                errors: vec!["context.cvv is \"737\"".into()],
            }),
        }
        .masked();
        let text = serde_json::to_string(&call).unwrap();
        for secret in [token, "737", "9911", "hunter2"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(call.arguments["text"], "fine");
        assert_eq!(call.tool, "****");
        assert_eq!(call.trace_id, "Root=1-abc;password=****");
    }

    #[test]
    fn outcomes_round_trip() {
        for o in [
            CaptureOutcome::Ok,
            CaptureOutcome::ToolError,
            CaptureOutcome::Denied,
        ] {
            assert_eq!(CaptureOutcome::parse(o.as_str()), Some(o));
            assert_eq!(
                serde_json::to_value(o).unwrap(),
                Value::String(o.as_str().into())
            );
        }
    }
}
