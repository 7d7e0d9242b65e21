//! Input validation in the style AWS answers it: every violated constraint is
//! collected, then reported at once as a `ValidationException` whose message
//! reads "N validation errors detected: Value 'x' at 'member' failed to
//! satisfy constraint: ..." and whose `fieldList` names each member.
//!
//! The patterns are those of the service models (botocore's
//! `bedrock-agentcore-control`, `bedrock-agentcore` and `logs` JSON); they
//! are checked by hand because they are simple and a regex engine would cost
//! compile time for little.
//!
//! Every identifier a request carries (path labels, headers, query and body
//! members) is checked here, through one table of [`IdPattern`]s, before it
//! is used for anything: an id is looked up, never turned into a path.

use serde_json::{Map, Value};

use crate::platform::wire_errors::ApiError;

/// A JSON object as received.
pub(crate) type Object = Map<String, Value>;

/// The pattern of gateway and target names.
pub(crate) const NAME_PATTERN: &str = "([0-9a-zA-Z][-]?){1,100}";
/// The pattern of gateway identifiers in paths.
pub(crate) const GATEWAY_ID_PATTERN: &str = "([0-9a-z][-]?){1,100}-[0-9a-z]{10}";
/// The pattern of target identifiers in paths.
pub(crate) const TARGET_ID_PATTERN: &str = "[0-9a-zA-Z]{10}";

/// Collected constraint violations of one request.
#[derive(Debug, Default)]
pub(crate) struct Violations {
    /// `(member path, shown value, constraint)`.
    found: Vec<(String, String, String)>,
    /// What the caller should send instead, appended to the message once each.
    hints: Vec<&'static str>,
}

impl Violations {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Record that the member at `path`, holding `value`, breaks `constraint`.
    pub(crate) fn add(&mut self, path: &str, value: Option<&Value>, constraint: impl Into<String>) {
        self.found
            .push((path.to_owned(), show_value(value), constraint.into()));
    }

    /// `Ok` when nothing was violated, else the `ValidationException` to answer.
    pub(crate) fn finish(self) -> Result<(), ApiError> {
        match self.report() {
            None => Ok(()),
            Some((message, fields)) => Err(ApiError::invalid_fields(message, fields)),
        }
    }

    /// As [`Violations::finish`], in CloudWatch Logs' shape: it answers
    /// model violations with `InvalidParameterException` and the same text.
    pub(crate) fn finish_logs(self) -> Result<(), ApiError> {
        match self.report() {
            None => Ok(()),
            Some((message, _)) => Err(ApiError::invalid_parameter(message)),
        }
    }

    /// The AWS-style message and the `fieldList`, when anything was violated.
    fn report(self) -> Option<(String, Vec<(String, String)>)> {
        if self.found.is_empty() {
            return None;
        }
        let count = self.found.len();
        let plural = if count == 1 { "error" } else { "errors" };
        let details: Vec<String> = self
            .found
            .iter()
            .map(|(path, value, constraint)| {
                format!("Value {value} at '{path}' failed to satisfy constraint: {constraint}")
            })
            .collect();
        let mut message = format!(
            "{count} validation {plural} detected: {}",
            details.join("; ")
        );
        if !self.hints.is_empty() {
            message.push_str(". ");
            message.push_str(&self.hints.join(" "));
        }
        let fields = self
            .found
            .into_iter()
            .map(|(path, _, constraint)| (path, constraint))
            .collect();
        Some((message, fields))
    }

    /// Check an identifier against its kind's length and pattern; `true`
    /// when it is well formed.
    pub(crate) fn id(&mut self, member: &str, value: &str, kind: &IdPattern) -> bool {
        let before = self.found.len();
        self.length(member, value, kind.min, kind.max);
        self.pattern(member, value, (kind.matches)(value), kind.pattern);
        let ok = self.found.len() == before;
        if !ok && !self.hints.contains(&kind.hint) {
            self.hints.push(kind.hint);
        }
        ok
    }

    /// A member that must be present and a string.
    pub(crate) fn required_str<'a>(
        &mut self,
        obj: &'a Object,
        parent: &str,
        key: &str,
    ) -> Option<&'a str> {
        match obj.get(key) {
            None | Some(Value::Null) => {
                self.add(&join(parent, key), None, "Member must not be null");
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.add(&join(parent, key), Some(other), "Member must be a string");
                None
            }
        }
    }

    /// A member that may be absent, but is a string when present.
    pub(crate) fn optional_str<'a>(
        &mut self,
        obj: &'a Object,
        parent: &str,
        key: &str,
    ) -> Option<&'a str> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.add(&join(parent, key), Some(other), "Member must be a string");
                None
            }
        }
    }

    /// A string member restricted to the model's enum values.
    pub(crate) fn enum_value<'a>(
        &mut self,
        obj: &'a Object,
        parent: &str,
        key: &str,
        allowed: &[&str],
        required: bool,
    ) -> Option<&'a str> {
        let value = if required {
            self.required_str(obj, parent, key)?
        } else {
            self.optional_str(obj, parent, key)?
        };
        if allowed.contains(&value) {
            Some(value)
        } else {
            self.add(
                &join(parent, key),
                obj.get(key),
                format!(
                    "Member must satisfy enum value set: [{}]",
                    allowed.join(", ")
                ),
            );
            None
        }
    }

    /// An optional string whose length must lie in `min..=max` characters.
    pub(crate) fn optional_len(
        &mut self,
        obj: &Object,
        parent: &str,
        key: &str,
        min: usize,
        max: usize,
    ) {
        if let Some(s) = self.optional_str(obj, parent, key) {
            self.length(&join(parent, key), s, min, max);
        }
    }

    /// Check a string's length in characters.
    pub(crate) fn length(&mut self, path: &str, s: &str, min: usize, max: usize) {
        let len = s.chars().count();
        if len < min {
            self.add(
                path,
                Some(&Value::String(s.to_owned())),
                format!("Member must have length greater than or equal to {min}"),
            );
        } else if len > max {
            self.add(
                path,
                Some(&Value::String(s.to_owned())),
                format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    /// Record a pattern violation unless `ok`.
    pub(crate) fn pattern(&mut self, path: &str, s: &str, ok: bool, pattern: &str) {
        if !ok {
            self.add(
                path,
                Some(&Value::String(s.to_owned())),
                format!("Member must satisfy regular expression pattern: {pattern}"),
            );
        }
    }

    /// A create request's optional `clientToken` (see `client_token`).
    pub(crate) fn client_token(&mut self, input: &Object) {
        if let Some(token) = self.optional_str(input, "", "clientToken") {
            self.pattern(
                "clientToken",
                token,
                is_client_token(token),
                "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256} (33 to 256 characters)",
            );
        }
    }

    /// A structure member: absent is `None` (recorded when required), a
    /// non-object is a violation.
    pub(crate) fn object<'a>(
        &mut self,
        obj: &'a Object,
        parent: &str,
        key: &str,
        required: bool,
    ) -> Option<&'a Object> {
        match obj.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.add(&join(parent, key), None, "Member must not be null");
                }
                None
            }
            Some(Value::Object(o)) => Some(o),
            Some(other) => {
                self.add(
                    &join(parent, key),
                    Some(other),
                    "Member must be a structure",
                );
                None
            }
        }
    }

    /// A union member: an object with exactly one non-null member. Returns
    /// that member's name and value. Unknown member names are accepted, so
    /// that clients built from a newer model than ours are not refused.
    pub(crate) fn union<'a>(
        &mut self,
        obj: &'a Object,
        parent: &str,
        key: &str,
        required: bool,
    ) -> Option<(&'a str, &'a Value)> {
        let union = self.object(obj, parent, key, required)?;
        self.union_members(&join(parent, key), union)
    }

    /// The one member set in the union object at `path`.
    pub(crate) fn union_members<'a>(
        &mut self,
        path: &str,
        union: &'a Object,
    ) -> Option<(&'a str, &'a Value)> {
        let mut set = union.iter().filter(|(_, v)| !v.is_null());
        match (set.next(), set.next()) {
            (Some((name, value)), None) => Some((name.as_str(), value)),
            _ => {
                self.add(
                    path,
                    Some(&Value::Object(union.clone())),
                    "Member must be a union with exactly one member set",
                );
                None
            }
        }
    }

    /// `authorizerConfiguration` (gateways and agent runtimes): a union
    /// whose `customJWTAuthorizer` needs a discovery URL. Returns the member set.
    pub(crate) fn jwt_authorizer<'a>(&mut self, input: &'a Object) -> Option<(&'a str, &'a Value)> {
        let configuration = self.union(input, "", "authorizerConfiguration", false);
        if let Some(("customJWTAuthorizer", jwt)) = configuration {
            let at = "authorizerConfiguration.customJWTAuthorizer";
            match jwt.as_object() {
                Some(jwt) => {
                    if let Some(url) = self.required_str(jwt, at, "discoveryUrl") {
                        self.pattern(
                            &format!("{at}.discoveryUrl"),
                            url,
                            is_discovery_url(url),
                            ".+/\\.well-known/openid-configuration",
                        );
                    }
                    for list in [
                        "allowedAudience",
                        "allowedClients",
                        "allowedScopes",
                        "customClaims",
                    ] {
                        self.list(jwt, at, list, false, 1, usize::MAX);
                    }
                }
                None => self.add(at, Some(jwt), "Member must be a structure"),
            }
        }
        configuration
    }

    /// A list member whose length must lie in `min..=max` when present.
    pub(crate) fn list<'a>(
        &mut self,
        obj: &'a Object,
        parent: &str,
        key: &str,
        required: bool,
        min: usize,
        max: usize,
    ) -> Option<&'a Vec<Value>> {
        let path = join(parent, key);
        match obj.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.add(&path, None, "Member must not be null");
                }
                None
            }
            Some(Value::Array(items)) => {
                if items.len() < min {
                    self.add(
                        &path,
                        obj.get(key),
                        format!("Member must have length greater than or equal to {min}"),
                    );
                } else if items.len() > max {
                    self.add(
                        &path,
                        obj.get(key),
                        format!("Member must have length less than or equal to {max}"),
                    );
                }
                Some(items)
            }
            Some(other) => {
                self.add(&path, Some(other), "Member must be a list");
                None
            }
        }
    }
}

/// `parent.key`, or `key` at the top level.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

fn show_value(value: Option<&Value>) -> String {
    const MAX: usize = 80;
    let shown = match value {
        None | Some(Value::Null) => return "null".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    if shown.chars().count() > MAX {
        let cut: String = shown.chars().take(MAX).collect();
        format!("'{cut}...'")
    } else {
        format!("'{shown}'")
    }
}

/// `([0-9a-zA-Z][-]?){1,100}`: alphanumerics, each optionally followed by one hyphen.
pub(crate) fn is_resource_name(s: &str) -> bool {
    let mut alnum = 0usize;
    let mut hyphen_allowed = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            alnum += 1;
            hyphen_allowed = true;
        } else if c == '-' && hyphen_allowed {
            hyphen_allowed = false;
        } else {
            return false;
        }
    }
    (1..=100).contains(&alnum)
}

fn is_lower_alnum(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_lowercase()
}

/// [`GATEWAY_ID_PATTERN`].
pub(crate) fn is_gateway_id(s: &str) -> bool {
    split_suffix(s, 10).is_some_and(|(stem, suffix)| {
        suffix.chars().all(is_lower_alnum)
            && is_resource_name(stem)
            && !stem.chars().any(|c| c.is_ascii_uppercase())
    })
}

/// [`TARGET_ID_PATTERN`].
pub(crate) fn is_target_id(s: &str) -> bool {
    s.len() == 10 && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// `arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+`
pub(crate) fn is_role_arn(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("arn:aws") else {
        return false;
    };
    let rest = match rest.strip_prefix('-') {
        Some(partition) => match partition.split_once(':') {
            Some((suffix, after)) if !suffix.is_empty() => after,
            _ => return false,
        },
        None => match rest.strip_prefix(':') {
            Some(after) => after,
            None => return false,
        },
    };
    let Some(rest) = rest.strip_prefix("iam::") else {
        return false;
    };
    let (account, role) = match rest.split_once(':') {
        Some(parts) => parts,
        None => return false,
    };
    (account.is_empty() || (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())))
        && role.strip_prefix("role/").is_some_and(|r| !r.is_empty())
}

/// `.+/\.well-known/openid-configuration`
pub(crate) fn is_discovery_url(s: &str) -> bool {
    s.strip_suffix("/.well-known/openid-configuration")
        .is_some_and(|base| !base.is_empty())
}

/// `arn:aws:bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:policy-engine\/[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9_]{10}`
pub(crate) fn is_policy_engine_arn(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("arn:aws:bedrock-agentcore:") else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let (Some(region), Some(account), Some(resource)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some(id) = resource.strip_prefix("policy-engine/") else {
        return false;
    };
    let region_ok = !region.is_empty() && region.chars().all(|c| is_lower_alnum(c) || c == '-');
    let account_ok = account.len() == 12 && account.chars().all(|c| c.is_ascii_digit());
    let id_ok = match id.rsplit_once('-') {
        Some((stem, suffix)) => {
            suffix.len() == 10
                && suffix
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                && stem.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && stem.len() <= 100
                && stem
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        }
        None => false,
    };
    region_ok && account_ok && id_ok && s.len() <= 170
}

/// `arn:(aws[a-zA-Z-]*)?:lambda:<region>:<12 digits>:function:<name>(:<qualifier>)?`
pub(crate) fn is_lambda_arn(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    if !(7..=8).contains(&parts.len()) || s.len() > 170 {
        return false;
    }
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    parts[0] == "arn"
        && (parts[1].is_empty() || parts[1].starts_with("aws"))
        && parts[2] == "lambda"
        && !parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].chars().all(|c| c.is_ascii_digit())
        && parts[5] == "function"
        && name_ok(parts[6])
        && parts.get(7).is_none_or(|q| {
            *q == "$LATEST"
                || (!q.is_empty() && q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        })
}

/// `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}`, 33 to 256 characters.
pub(crate) fn is_client_token(s: &str) -> bool {
    (33..=256).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// One kind of identifier a request carries: the pattern AWS's model gives
/// it (quoted in messages), its length bounds, a matcher for the pattern,
/// and what a caller should send instead.
#[derive(Debug)]
pub(crate) struct IdPattern {
    /// The model's pattern, as the message quotes it.
    pub(crate) pattern: &'static str,
    min: usize,
    max: usize,
    matches: fn(&str) -> bool,
    hint: &'static str,
}

/// `runtimeSessionId`. The model bounds only its length (33–256); the
/// platform also applies the pattern the same service gives memory session
/// ids, so no id can be a path (`/`, `.`) or carry control characters.
pub(crate) const RUNTIME_SESSION_ID: IdPattern = IdPattern {
    pattern: "[a-zA-Z0-9][a-zA-Z0-9-_]*",
    min: 33,
    max: 256,
    matches: is_word_id,
    hint: "Send 33 to 256 letters, digits, hyphens or underscores (a UUID will do), \
           or leave the session id out to have one generated.",
};
/// `agentRuntimeId` (control-plane paths).
pub(crate) const AGENT_RUNTIME_ID: IdPattern = IdPattern {
    pattern: "[a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}",
    min: 1,
    max: usize::MAX,
    matches: is_agent_runtime_id,
    hint: "Use the agentRuntimeId that CreateAgentRuntime or ListAgentRuntimes returned.",
};
/// `agentRuntimeArn` of the data plane: the runtime's ARN, or its id (the
/// model gives no pattern; this is what AgentCore resolves).
pub(crate) const AGENT_RUNTIME_ARN: IdPattern = IdPattern {
    pattern: "(arn:aws[-a-z]*:bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:runtime/)?\
              [a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}",
    min: 1,
    max: usize::MAX,
    matches: is_agent_runtime_arn,
    hint: "Use the agentRuntimeArn that CreateAgentRuntime returned (or the agentRuntimeId).",
};
/// `endpointName` (paths) and the data plane's `qualifier`.
pub(crate) const ENDPOINT_NAME: IdPattern = IdPattern {
    pattern: "[a-zA-Z][a-zA-Z0-9_]{0,47}",
    min: 1,
    max: usize::MAX,
    matches: is_endpoint_name,
    hint: "Use an endpoint name such as DEFAULT (ListAgentRuntimeEndpoints lists them).",
};
/// `gatewayIdentifier`.
pub(crate) const GATEWAY_ID: IdPattern = IdPattern {
    pattern: GATEWAY_ID_PATTERN,
    min: 1,
    max: usize::MAX,
    matches: is_gateway_id,
    hint: "Use the gatewayId that CreateGateway or ListGateways returned, not the gateway's name.",
};
/// `targetId`.
pub(crate) const TARGET_ID: IdPattern = IdPattern {
    pattern: TARGET_ID_PATTERN,
    min: 1,
    max: usize::MAX,
    matches: is_target_id,
    hint: "Use the targetId that CreateGatewayTarget or ListGatewayTargets returned.",
};
/// `policyEngineId`.
pub(crate) const POLICY_ENGINE_ID: IdPattern = IdPattern {
    pattern: "[A-Za-z][A-Za-z0-9_]*-[a-z0-9_]{10}",
    min: 12,
    max: 59,
    matches: is_policy_resource_id,
    hint: "Use the policyEngineId that CreatePolicyEngine or ListPolicyEngines returned.",
};
/// `policyId`.
pub(crate) const POLICY_ID: IdPattern = IdPattern {
    pattern: "[A-Za-z][A-Za-z0-9_]*-[a-z0-9_]{10}",
    min: 12,
    max: 59,
    matches: is_policy_resource_id,
    hint: "Use the policyId that CreatePolicy or ListPolicies returned.",
};
/// CloudWatch Logs' `logGroupName` (and `logGroupNamePrefix`).
pub(crate) const LOG_GROUP_NAME: IdPattern = IdPattern {
    pattern: r"[\.\-_/#A-Za-z0-9]+",
    min: 1,
    max: 512,
    matches: is_log_group_name,
    hint: "Log group names hold letters, digits and the characters . - _ / #.",
};
/// CloudWatch Logs' `logGroupNamePattern` (may be empty).
pub(crate) const LOG_GROUP_NAME_PATTERN: IdPattern = IdPattern {
    pattern: r"[\.\-_/#A-Za-z0-9]*",
    min: 0,
    max: 512,
    matches: is_log_group_name,
    hint: "Log group names hold letters, digits and the characters . - _ / #.",
};
/// CloudWatch Logs' `logGroupIdentifier`: a log group name or ARN.
pub(crate) const LOG_GROUP_IDENTIFIER: IdPattern = IdPattern {
    pattern: r"[\w#+=/:,.@-]*",
    min: 1,
    max: 2048,
    matches: is_log_group_identifier,
    hint: "Give a log group's name or its ARN.",
};
/// CloudWatch Logs' `logStreamName` (and its prefix, and each of `logStreamNames`).
pub(crate) const LOG_STREAM_NAME: IdPattern = IdPattern {
    pattern: "[^:*]*",
    min: 1,
    max: 512,
    matches: is_log_stream_name,
    hint: "Log stream names cannot contain ':' or '*'.",
};

/// `memoryId`: the memory's id, or (as AgentCore accepts) its ARN.
pub(crate) const MEMORY_ID: IdPattern = IdPattern {
    pattern: "(arn:aws:bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:memory/)?\
              [a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9]{10}",
    min: 12,
    max: usize::MAX,
    matches: is_memory_id_or_arn,
    hint: "Use the memory id that CreateMemory or ListMemories returned (or the memory's ARN).",
};
/// `actorId` of AgentCore Memory (may hold `/` and `:`).
pub(crate) const ACTOR_ID: IdPattern = IdPattern {
    pattern: "[a-zA-Z0-9][a-zA-Z0-9-_/]*(?::[a-zA-Z0-9-_/]+)*[a-zA-Z0-9-_/]*",
    min: 1,
    max: 255,
    matches: is_actor_id,
    hint: "Actor ids start with a letter or digit and hold letters, digits, - _ / and single colons.",
};
/// `sessionId` of AgentCore Memory.
pub(crate) const MEMORY_SESSION_ID: IdPattern = IdPattern {
    pattern: "[a-zA-Z0-9][a-zA-Z0-9-_]*",
    min: 1,
    max: 100,
    matches: is_word_id,
    hint: "Session ids start with a letter or digit and hold letters, digits, - and _.",
};
/// `eventId` of AgentCore Memory (`<digits>#<hex>`).
pub(crate) const EVENT_ID: IdPattern = IdPattern {
    pattern: "[0-9]+#[a-fA-F0-9]+",
    min: 1,
    max: 100,
    matches: is_event_id,
    hint: "Use an eventId that CreateEvent or ListEvents returned.",
};
/// `memoryRecordId` (`mem-` and a UUID).
pub(crate) const MEMORY_RECORD_ID: IdPattern = IdPattern {
    pattern: "mem-[a-zA-Z0-9-_]*",
    min: 40,
    max: 50,
    matches: is_memory_record_id,
    hint: "Use a memoryRecordId that ListMemoryRecords or RetrieveMemoryRecords returned.",
};
/// `resourceArn` of the tagging operations.
pub(crate) const TAGGED_RESOURCE_ARN: IdPattern = IdPattern {
    pattern: "arn:aws:bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:[a-z-]+/.+",
    min: 20,
    max: 1011,
    matches: is_agentcore_arn,
    hint: "Give the resource's ARN (a memory's arn, as GetMemory returns it).",
};

/// The control plane's path labels: route parameter, model member, kind.
/// Every label a control-plane route declares must be listed here.
const PATH_IDS: &[(&str, &str, &IdPattern)] = &[
    ("gateway_id", "gatewayIdentifier", &GATEWAY_ID),
    ("target_id", "targetId", &TARGET_ID),
    ("engine_id", "policyEngineId", &POLICY_ENGINE_ID),
    ("policy_id", "policyId", &POLICY_ID),
    ("runtime_id", "agentRuntimeId", &AGENT_RUNTIME_ID),
    ("endpoint", "endpointName", &ENDPOINT_NAME),
    ("memory_id", "memoryId", &MEMORY_ID),
    ("actor_id", "actorId", &ACTOR_ID),
    ("session_id", "sessionId", &MEMORY_SESSION_ID),
    ("event_id", "eventId", &EVENT_ID),
    ("record_id", "memoryRecordId", &MEMORY_RECORD_ID),
    ("resource_arn", "resourceArn", &TAGGED_RESOURCE_ARN),
];

/// Check one identifier on its own: `Ok`, or the `ValidationException`
/// naming the member, its pattern and what to send.
pub(crate) fn check_id(member: &str, value: &str, kind: &IdPattern) -> Result<(), ApiError> {
    let mut v = Violations::new();
    v.id(member, value, kind);
    v.finish()
}

/// Check a route's path labels (already percent-decoded) against
/// [`PATH_IDS`]. A label missing from the table is a bug, answered loudly.
pub(crate) fn check_path_ids<'a>(
    labels: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), ApiError> {
    let mut v = Violations::new();
    for (label, value) in labels {
        match PATH_IDS.iter().find(|(name, _, _)| *name == label) {
            Some((_, member, kind)) => {
                v.id(member, value, kind);
            }
            None => {
                return Err(ApiError::internal(format!(
                    "the path label {label:?} has no id pattern in validation::PATH_IDS"
                )));
            }
        }
    }
    v.finish()
}

/// `s` split as `<stem>-<suffix>` with a `len`-character ASCII suffix.
fn split_suffix(s: &str, len: usize) -> Option<(&str, &str)> {
    let split = s.len().checked_sub(len + 1)?;
    if !s.is_char_boundary(split) {
        return None;
    }
    let (stem, tail) = s.split_at(split);
    let suffix = tail.strip_prefix('-')?;
    suffix.is_ascii().then_some((stem, suffix))
}

/// `[a-zA-Z0-9][a-zA-Z0-9-_]*`
fn is_word_id(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `[a-zA-Z][a-zA-Z0-9_]{0,n}`: runtime and endpoint names, id stems.
fn is_letter_word(s: &str, max: usize) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.len() <= max
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `[a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}`
fn is_agent_runtime_id(s: &str) -> bool {
    split_suffix(s, 10).is_some_and(|(stem, suffix)| {
        is_letter_word(stem, 100) && suffix.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// [`AGENT_RUNTIME_ARN`]'s pattern.
fn is_agent_runtime_arn(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("arn:aws") else {
        return is_agent_runtime_id(s);
    };
    let mut parts = rest.splitn(5, ':');
    let (Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    partition
        .chars()
        .all(|c| c == '-' || c.is_ascii_lowercase())
        && service == "bedrock-agentcore"
        && !region.is_empty()
        && region.chars().all(|c| is_lower_alnum(c) || c == '-')
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && resource
            .strip_prefix("runtime/")
            .is_some_and(is_agent_runtime_id)
}

/// `[a-zA-Z][a-zA-Z0-9_]{0,47}`
fn is_endpoint_name(s: &str) -> bool {
    is_letter_word(s, 48)
}

/// `[a-zA-Z][a-zA-Z0-9_]{0,47}`: the `Name` shape of memories and their strategies.
pub(crate) fn is_memory_name(s: &str) -> bool {
    is_letter_word(s, 48)
}

/// `[A-Za-z][A-Za-z0-9_]*-[a-z0-9_]{10}`: policy engine and policy ids.
fn is_policy_resource_id(s: &str) -> bool {
    split_suffix(s, 10).is_some_and(|(stem, suffix)| {
        is_letter_word(stem, usize::MAX) && suffix.chars().all(|c| is_lower_alnum(c) || c == '_')
    })
}

/// `[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9]{10}`: memory and strategy ids.
pub(crate) fn is_memory_id(s: &str) -> bool {
    split_suffix(s, 10).is_some_and(|(stem, suffix)| {
        stem.starts_with(|c: char| c.is_ascii_alphabetic())
            && stem.len() <= 100
            && stem
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && suffix.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// [`MEMORY_ID`]'s pattern.
fn is_memory_id_or_arn(s: &str) -> bool {
    match s.strip_prefix("arn:aws:bedrock-agentcore:") {
        None => is_memory_id(s),
        Some(rest) => {
            let mut parts = rest.splitn(3, ':');
            let (Some(region), Some(account), Some(resource)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return false;
            };
            !region.is_empty()
                && region.chars().all(|c| is_lower_alnum(c) || c == '-')
                && account.len() == 12
                && account.chars().all(|c| c.is_ascii_digit())
                && resource.strip_prefix("memory/").is_some_and(is_memory_id)
        }
    }
}

/// [`ACTOR_ID`]'s pattern: no leading, doubled or trailing colon.
fn is_actor_id(s: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/');
    s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && !s.ends_with(':')
        && !s.contains("::")
        && s.chars().all(|c| word(c) || c == ':')
}

/// `[0-9]+#[a-fA-F0-9]+`
fn is_event_id(s: &str) -> bool {
    s.split_once('#').is_some_and(|(ms, hex)| {
        !ms.is_empty()
            && ms.chars().all(|c| c.is_ascii_digit())
            && !hex.is_empty()
            && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// `mem-[a-zA-Z0-9-_]*`
fn is_memory_record_id(s: &str) -> bool {
    s.strip_prefix("mem-").is_some_and(|rest| {
        rest.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

/// An AgentCore ARN: `arn:aws:bedrock-agentcore:<region>:<account>:<type>/<id>`.
fn is_agentcore_arn(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("arn:aws:bedrock-agentcore:") else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let (Some(region), Some(account), Some(resource)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !region.is_empty()
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && resource.split_once('/').is_some_and(|(kind, id)| {
            !kind.is_empty() && !id.is_empty() && !id.chars().any(char::is_control)
        })
}

/// `[\.\-_/#A-Za-z0-9]*`
fn is_log_group_name(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#'))
}

/// `[\w#+=/:,.@-]*` (`\w` being `[a-zA-Z0-9_]`).
fn is_log_group_identifier(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '_' | '#' | '+' | '=' | '/' | ':' | ',' | '.' | '@' | '-')
    })
}

/// `[^:*]*`
fn is_log_stream_name(s: &str) -> bool {
    !s.contains([':', '*'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resource_names() {
        assert!(is_resource_name("enterprise-hub"));
        assert!(is_resource_name("A1"));
        assert!(is_resource_name("trailing-"));
        assert!(!is_resource_name("-leading"));
        assert!(!is_resource_name("double--hyphen"));
        assert!(!is_resource_name("under_score"));
        assert!(!is_resource_name(""));
        assert!(is_resource_name(&"a".repeat(100)));
        assert!(!is_resource_name(&"a".repeat(101)));
    }

    #[test]
    fn gateway_and_target_ids() {
        assert!(is_gateway_id("enterprise-hub-abcde12345"));
        assert!(!is_gateway_id("enterprise-hub"));
        assert!(!is_gateway_id("Enterprise-abcde12345"));
        assert!(!is_gateway_id("hub-ABCDE12345"));
        assert!(!is_gateway_id("-abcde12345"));
        assert!(is_target_id("ABCDE12345"));
        assert!(!is_target_id("ABCDE1234"));
        assert!(!is_target_id("ABCDE1234-"));
    }

    #[test]
    fn id_patterns_accept_what_aws_issues_and_nothing_path_like() {
        let cases: &[(&IdPattern, &[&str], &[&str])] = &[
            (
                &RUNTIME_SESSION_ID,
                &[
                    "0f9c2a44-7d3b-4a5e-9a41-3c2b1d0e8f77",
                    "session_0123456789_0123456789_0123",
                ],
                &[
                    "/tmp/acc-victim-of-a-hostile-session-id",
                    "../../acc-victim-of-a-hostile-session",
                    "-0f9c2a44-7d3b-4a5e-9a41-3c2b1d0e8f77",
                    "0f9c2a44.7d3b.4a5e.9a41.3c2b1d0e8f77",
                    "0f9c2a44-7d3b-4a5e-9a41-3c2b1d0e8f7\0",
                    "short",
                ],
            ),
            (
                &AGENT_RUNTIME_ID,
                &["demo_agent-AbCdE12345", "a-0123456789"],
                &[
                    "..",
                    "demo-agent-AbCdE12345",
                    "demo_agent-AbCdE1234",
                    "/x-AbCdE12345",
                ],
            ),
            (
                &AGENT_RUNTIME_ARN,
                &[
                    "demo_agent-AbCdE12345",
                    "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/demo_agent-AbCdE12345",
                ],
                &[
                    "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/../x",
                    "arn:aws:s3:us-east-1:123456789012:runtime/demo_agent-AbCdE12345",
                    "../../x",
                ],
            ),
            (
                &ENDPOINT_NAME,
                &["DEFAULT", "prod_v2"],
                &["..", "a/b", "1st", ""],
            ),
            (
                &POLICY_ENGINE_ID,
                &["guardrails-abcde12345", "My_Engine-a_c_e12345"],
                &[
                    "..",
                    "guardrails-ABCDE12345",
                    "x-abcde1234",
                    "guard/rails-abcde12345",
                ],
            ),
            (
                &LOG_GROUP_NAME,
                &["/aws/spans", "../../x", "a#b"],
                &["", "a b", "x:*", "a\0b", "%2e%2e"],
            ),
            (
                &LOG_GROUP_IDENTIFIER,
                &[
                    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/spans",
                    "/aws/spans",
                ],
                &["", "a b"],
            ),
            (
                &LOG_STREAM_NAME,
                &["2024/01/01/[runtime-logs]abc", "otel-rt-logs"],
                &["", "a:b", "*"],
            ),
        ];
        for (kind, good, bad) in cases {
            for id in *good {
                assert!(
                    check_id("m", id, kind).is_ok(),
                    "{id} is a {}",
                    kind.pattern
                );
            }
            for id in *bad {
                let err = check_id("m", id, kind)
                    .expect_err(&format!("{id:?} is not a {}", kind.pattern));
                assert!(err.message.contains("at 'm'"), "{}", err.message);
                assert!(err.message.contains(kind.hint), "{}", err.message);
            }
        }
    }

    #[test]
    fn path_labels_are_checked_by_name_and_unknown_labels_are_a_bug() {
        assert!(
            check_path_ids([
                ("gateway_id", "hub-abcde12345"),
                ("target_id", "ABCDE12345")
            ])
            .is_ok()
        );
        let err = check_path_ids([("gateway_id", ".."), ("target_id", "/")]).unwrap_err();
        assert!(
            err.message.starts_with("2 validation errors detected"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("at 'gatewayIdentifier'") && err.message.contains("at 'targetId'")
        );
        let err = check_path_ids([("mystery", "x")]).unwrap_err();
        assert_eq!(
            err.kind,
            crate::platform::wire_errors::ErrorKind::InternalServer
        );
    }

    #[test]
    fn arns_and_urls() {
        assert!(is_role_arn("arn:aws:iam::123456789012:role/GatewayRole"));
        assert!(is_role_arn("arn:aws-cn:iam::123456789012:role/x"));
        assert!(is_role_arn("arn:aws:iam:::role/x"));
        assert!(!is_role_arn("arn:aws:iam::123:role/x"));
        assert!(!is_role_arn("arn:aws:s3:::bucket"));
        assert!(is_discovery_url(
            "http://127.0.0.1:9000/.well-known/openid-configuration"
        ));
        assert!(!is_discovery_url("/.well-known/openid-configuration"));
        assert!(is_policy_engine_arn(
            "arn:aws:bedrock-agentcore:us-east-1:123456789012:policy-engine/guardrails-abcde12345"
        ));
        assert!(!is_policy_engine_arn(
            "arn:aws:bedrock-agentcore:us-east-1:123456789012:policy-engine/guardrails"
        ));
        assert!(is_lambda_arn(
            "arn:aws:lambda:us-east-1:123456789012:function:crm-tools"
        ));
        assert!(is_lambda_arn(
            "arn:aws:lambda:us-east-1:123456789012:function:crm:$LATEST"
        ));
        assert!(!is_lambda_arn("arn:aws:lambda:us-east-1:1234:function:crm"));
        assert!(is_client_token("0f9c2a44-7d3b-4a5e-9a41-3c2b1d0e8f77"));
        assert!(!is_client_token("short"));
    }

    #[test]
    fn violations_read_like_aws_messages() {
        let body = json!({"name": "bad name", "authorizerType": "MAYBE"});
        let obj = body.as_object().unwrap();
        let mut v = Violations::new();
        let name = v.required_str(obj, "", "name").unwrap();
        v.pattern("name", name, is_resource_name(name), NAME_PATTERN);
        v.required_str(obj, "", "roleArn");
        v.enum_value(obj, "", "authorizerType", &["NONE"], true);
        let err = v.finish().unwrap_err();
        assert!(
            err.message
                .starts_with("3 validation errors detected: Value 'bad name' at 'name'")
        );
        assert!(err.message.contains(
            "Value null at 'roleArn' failed to satisfy constraint: Member must not be null"
        ));
        assert!(
            err.message
                .contains("Member must satisfy enum value set: [NONE]")
        );
    }

    #[test]
    fn unions_need_exactly_one_member() {
        let body = json!({"a": {"x": 1, "y": null}, "b": {"x": 1, "y": 2}, "c": {}});
        let obj = body.as_object().unwrap();
        let mut v = Violations::new();
        assert_eq!(v.union(obj, "", "a", true).map(|(k, _)| k), Some("x"));
        assert!(v.finish().is_ok());
        let mut v = Violations::new();
        assert!(v.union(obj, "", "b", true).is_none());
        assert!(v.union(obj, "", "c", true).is_none());
        assert!(v.union(obj, "", "missing", false).is_none());
        assert_eq!(v.found.len(), 2);
    }
}
