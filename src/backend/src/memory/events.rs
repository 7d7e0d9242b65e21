//! Short-term memory: the actors, their sessions and the sessions' events
//! (with branches), and deleting an event.

use acc_domain::memory::{EventBranch, EventPayload, MemoryEvent, MemorySession};
use aws_sdk_bedrockagentcore::types as data;

use crate::connection::Backend;
use crate::error::BackendError;
use crate::memory::documents::to_json;
use crate::memory::memories::millis;
use crate::memory::{MAX_LISTED, PAGE};

fn payload(p: &data::PayloadType) -> Option<EventPayload> {
    match p {
        data::PayloadType::Conversational(c) => Some(EventPayload::Conversational {
            role: c.role().as_str().to_owned(),
            text: match c.content() {
                Some(data::Content::Text(t)) => t.clone(),
                _ => String::new(),
            },
        }),
        data::PayloadType::Blob(doc) => Some(EventPayload::Blob {
            value: to_json(doc),
        }),
        data::PayloadType::Json(j) => Some(EventPayload::Blob {
            value: to_json(j.content()),
        }),
        _ => None,
    }
}

fn event(e: &data::Event) -> MemoryEvent {
    MemoryEvent {
        event_id: e.event_id().to_owned(),
        actor_id: e.actor_id().to_owned(),
        session_id: e.session_id().to_owned(),
        timestamp_ms: millis(e.event_timestamp()),
        payload: e.payload().iter().filter_map(payload).collect(),
        branch: e.branch().map(|b| EventBranch {
            name: b.name().to_owned(),
            root_event_id: b.root_event_id().map(str::to_owned),
        }),
        metadata: e
            .metadata()
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                let text = match v {
                    data::MetadataValue::StringValue(s) => s.clone(),
                    other => format!("{other:?}"),
                };
                (k.clone(), text)
            })
            .collect(),
    }
}

impl Backend {
    /// The actors with events in a memory (at most 100 000).
    pub async fn memory_actors(&self, memory_id: &str) -> Result<Vec<String>, BackendError> {
        self.check_config()?;
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .data
                .list_actors()
                .memory_id(memory_id)
                .max_results(PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| BackendError::from_sdk("ListActors", self.context(), e))?;
            out.extend(
                page.actor_summaries()
                    .iter()
                    .map(|a| a.actor_id().to_owned()),
            );
            token = page.next_token().map(str::to_owned);
            if token.is_none() || out.len() >= MAX_LISTED {
                return Ok(out);
            }
        }
    }

    /// An actor's sessions (at most 100 000).
    pub async fn memory_sessions(
        &self,
        memory_id: &str,
        actor_id: &str,
    ) -> Result<Vec<MemorySession>, BackendError> {
        self.check_config()?;
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .data
                .list_sessions()
                .memory_id(memory_id)
                .actor_id(actor_id)
                .max_results(PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| BackendError::from_sdk("ListSessions", self.context(), e))?;
            out.extend(page.session_summaries().iter().map(|s| MemorySession {
                session_id: s.session_id().to_owned(),
                actor_id: s.actor_id().to_owned(),
                created_at_ms: millis(s.created_at()),
            }));
            token = page.next_token().map(str::to_owned);
            if token.is_none() || out.len() >= MAX_LISTED {
                return Ok(out);
            }
        }
    }

    /// A session's events, oldest first (at most `limit`), with payloads
    /// or without; on `branch` (and its parents) when named.
    async fn list_events(
        &self,
        memory_id: &str,
        actor_id: &str,
        session_id: &str,
        branch: Option<&str>,
        payloads: bool,
        limit: usize,
    ) -> Result<Vec<MemoryEvent>, BackendError> {
        self.check_config()?;
        let filter = match branch {
            Some(name) => Some(
                data::FilterInput::builder()
                    .branch(
                        data::BranchFilter::builder()
                            .name(name)
                            .include_parent_branches(true)
                            .build()
                            .map_err(|e| BackendError::Config(format!("the branch filter: {e}")))?,
                    )
                    .build(),
            ),
            None => None,
        };
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .data
                .list_events()
                .memory_id(memory_id)
                .actor_id(actor_id)
                .session_id(session_id)
                .include_payloads(payloads)
                .set_filter(filter.clone())
                .max_results(PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| BackendError::from_sdk("ListEvents", self.context(), e))?;
            out.extend(page.events().iter().map(event));
            token = page.next_token().map(str::to_owned);
            if token.is_none() || out.len() >= limit {
                break;
            }
        }
        out.truncate(limit);
        // ListEvents answers newest first; a conversation reads oldest first.
        out.sort_by(|a, b| (a.timestamp_ms, &a.event_id).cmp(&(b.timestamp_ms, &b.event_id)));
        Ok(out)
    }

    /// A session's events with their payloads, oldest first (at most
    /// 100 000); only `branch` and its parents when named.
    pub async fn memory_events(
        &self,
        memory_id: &str,
        actor_id: &str,
        session_id: &str,
        branch: Option<&str>,
    ) -> Result<Vec<MemoryEvent>, BackendError> {
        self.list_events(memory_id, actor_id, session_id, branch, true, MAX_LISTED)
            .await
    }

    /// How many events a session holds, up to `cap` (payloads not fetched).
    pub(crate) async fn count_events(
        &self,
        memory_id: &str,
        actor_id: &str,
        session_id: &str,
        cap: usize,
    ) -> Result<usize, BackendError> {
        Ok(self
            .list_events(memory_id, actor_id, session_id, None, false, cap)
            .await?
            .len())
    }

    /// The ids of a session's events (no payloads), for erasure.
    pub(crate) async fn event_ids(
        &self,
        memory_id: &str,
        actor_id: &str,
        session_id: &str,
    ) -> Result<Vec<String>, BackendError> {
        Ok(self
            .list_events(memory_id, actor_id, session_id, None, false, MAX_LISTED)
            .await?
            .into_iter()
            .map(|e| e.event_id)
            .collect())
    }

    /// DeleteEvent.
    pub async fn delete_memory_event(
        &self,
        memory_id: &str,
        actor_id: &str,
        session_id: &str,
        event_id: &str,
    ) -> Result<(), BackendError> {
        self.check_config()?;
        self.data
            .delete_event()
            .memory_id(memory_id)
            .actor_id(actor_id)
            .session_id(session_id)
            .event_id(event_id)
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("DeleteEvent", self.context(), e))?;
        Ok(())
    }
}
