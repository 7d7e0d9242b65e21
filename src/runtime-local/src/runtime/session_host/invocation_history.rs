//! Each session's recent invocations, bounded: when, for whom, how fast,
//! how much and how each ended. The sessions view shows them; AgentCore
//! itself keeps no such list (its console derives it from spans).

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;

/// How many invocations a session remembers (the oldest go first).
pub(crate) const KEPT: usize = 50;

/// One invocation of a session.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InvocationRecord {
    pub(crate) request_id: String,
    pub(crate) started_at_ms: i64,
    /// `X-Amzn-Bedrock-AgentCore-Runtime-User-Id`, when given.
    pub(crate) user_id: Option<String>,
    /// The verified JWT's subject (JWT-authorized runtimes).
    pub(crate) caller: Option<String>,
    /// The agent's HTTP status, once it answered.
    pub(crate) status: Option<u16>,
    pub(crate) first_byte_ms: Option<f64>,
    pub(crate) duration_ms: Option<f64>,
    pub(crate) bytes: u64,
    /// `streaming`, `completed`, `caller disconnected`, or what failed.
    pub(crate) outcome: String,
}

impl InvocationRecord {
    pub(crate) fn new(
        request_id: String,
        started_at_ms: i64,
        user_id: Option<String>,
        caller: Option<String>,
    ) -> Self {
        Self {
            request_id,
            started_at_ms,
            user_id,
            caller,
            status: None,
            first_byte_ms: None,
            duration_ms: None,
            bytes: 0,
            outcome: "streaming".into(),
        }
    }
}

/// A session's invocations, oldest first.
#[derive(Debug, Default)]
pub(crate) struct InvocationHistory {
    records: Mutex<VecDeque<InvocationRecord>>,
}

impl InvocationHistory {
    pub(crate) fn start(&self, record: InvocationRecord) {
        let mut records = self.records.lock().unwrap_or_else(|p| p.into_inner());
        if records.len() == KEPT {
            records.pop_front();
        }
        records.push_back(record);
    }

    /// Change the record of `request_id` (gone if it aged out: nothing to do).
    pub(crate) fn update(&self, request_id: &str, change: impl FnOnce(&mut InvocationRecord)) {
        let mut records = self.records.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(record) = records
            .iter_mut()
            .rev()
            .find(|r| r.request_id == request_id)
        {
            change(record);
        }
    }

    pub(crate) fn list(&self) -> Vec<InvocationRecord> {
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_and_updates_by_request_id() {
        let history = InvocationHistory::default();
        for i in 0..KEPT + 3 {
            history.start(InvocationRecord::new(format!("r{i}"), i as i64, None, None));
        }
        history.update(&format!("r{}", KEPT + 2), |r| {
            r.outcome = "completed".into()
        });
        history.update("r0", |r| r.outcome = "never seen".into());
        let list = history.list();
        assert_eq!(list.len(), KEPT);
        assert_eq!(list[0].request_id, "r3");
        assert_eq!(list.last().unwrap().outcome, "completed");
        assert!(list.iter().all(|r| r.outcome != "never seen"));
    }
}
