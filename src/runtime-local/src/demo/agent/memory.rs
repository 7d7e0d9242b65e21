//! How the concierge remembers, as an agent on AgentCore does with
//! AgentCore Memory (`MEMORY_ID`, reached at `MEMORY_ENDPOINT`): before
//! answering it retrieves what it knows about the user, and after answering
//! it writes the turn as events (from which facts and preferences are
//! extracted). Without those variables it remembers nothing.

use serde_json::{Value, json};

/// Records scoring below this are not used (Strands' threshold too).
const RELEVANT: f64 = 0.2;

/// Where the agent's memory is, when it has one.
pub(crate) struct Memory {
    endpoint: String,
    memory_id: String,
}

impl Memory {
    /// The memory the environment names, if any.
    pub(crate) fn from_env() -> Option<Memory> {
        let get = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let memory_id = get("MEMORY_ID")?;
        // An id is looked up, never turned into a path: it must be a plain id.
        let plain = memory_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        plain.then(|| Memory {
            endpoint: get("MEMORY_ENDPOINT").unwrap_or_default(),
            memory_id,
        })
    }

    fn url(&self, rest: &str) -> String {
        format!(
            "{}/memories/{}/{rest}",
            self.endpoint.trim_end_matches('/'),
            self.memory_id
        )
    }

    /// What the memory holds about `actor` that bears on `prompt`:
    /// `[{text, score}]`, best first, relevant ones only.
    pub(crate) async fn recall(&self, actor: &str, prompt: &str) -> Result<Vec<Value>, String> {
        let body = json!({
            "namespacePath": crate::demo::memory::profile_path(actor),
            "searchCriteria": { "searchQuery": prompt, "topK": 3 },
        });
        let answer = post(&self.url("retrieve"), &body).await?;
        Ok(answer["memoryRecordSummaries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["score"].as_f64().is_some_and(|s| s >= RELEVANT))
            .map(|r| json!({ "text": r["content"]["text"], "score": r["score"] }))
            .collect())
    }

    /// Write the turn (what the user asked, what the agent answered).
    pub(crate) async fn remember(
        &self,
        actor: &str,
        session: &str,
        prompt: &str,
        answer: &str,
    ) -> Result<(), String> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        let body = json!({
            "actorId": actor,
            "sessionId": session,
            "eventTimestamp": now,
            "payload": [
                { "conversational": { "role": "USER", "content": { "text": prompt } } },
                { "conversational": { "role": "ASSISTANT", "content": { "text": answer } } },
            ],
        });
        post(&self.url("events"), &body).await.map(|_| ())
    }
}

/// A memory session id from a runtime session id (letters, digits, `-`
/// and `_`, at most 100), or `None` when it cannot be one.
pub(crate) fn memory_session(runtime_session: &str) -> Option<String> {
    let id: String = runtime_session.chars().take(100).collect();
    let ok = id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then_some(id)
}

/// An actor id from the caller's user id (AgentCore's pattern), or the demo's.
pub(crate) fn actor(user_id: Option<&str>) -> String {
    user_id
        .filter(|u| {
            u.len() <= 255
                && u.starts_with(|c: char| c.is_ascii_alphanumeric())
                && u.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        })
        .unwrap_or("demo-user")
        .to_owned()
}

async fn post(url: &str, body: &Value) -> Result<Value, String> {
    let response = super::client::HTTP
        .post(url)
        .json(body)
        .send()
        .await
        .map_err(|e| format!("memory unreachable: {e}"))?;
    let status = response.status();
    let answer: Value = response
        .json()
        .await
        .map_err(|e| format!("memory answered no JSON: {e}"))?;
    if status.is_success() {
        Ok(answer)
    } else {
        Err(format!("memory refused ({status}): {}", answer["message"]))
    }
}
