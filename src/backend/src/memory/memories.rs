//! Memories and their strategies (the control plane), and how much each
//! holds (the data plane's listings, counted up to a cap).

use acc_domain::memory::{ExtractionJob, Memory, MemoryCounts, MemoryStrategy};
use aws_sdk_bedrockagentcorecontrol::types as control;

use crate::connection::Backend;
use crate::error::BackendError;
use crate::memory::records::RecordScope;
use crate::memory::{MAX_LISTED, PAGE};

/// ListMemoryExtractionJobs takes at most 50 a page.
const JOBS_PAGE: i32 = 50;

/// Counting stops at this many items of a kind (then shown as `N+`).
const COUNT_CAP: usize = 10_000;

/// Milliseconds since the epoch of an SDK timestamp.
pub(crate) fn millis(t: &aws_smithy_types::DateTime) -> i64 {
    t.to_millis().unwrap_or(0)
}

fn strategy(s: &control::MemoryStrategy) -> MemoryStrategy {
    let templates = s.namespace_templates().to_vec();
    MemoryStrategy {
        id: s.strategy_id().to_owned(),
        name: s.name().to_owned(),
        kind: s.r#type().as_str().to_owned(),
        status: s
            .status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        namespace_templates: templates,
    }
}

fn memory(m: &control::Memory) -> Memory {
    Memory {
        id: m.id().to_owned(),
        arn: m.arn().to_owned(),
        name: m.name().to_owned(),
        description: m.description().map(str::to_owned),
        status: m.status().as_str().to_owned(),
        event_expiry_days: m.event_expiry_duration(),
        strategies: m.strategies().iter().map(strategy).collect(),
        indexed_keys: m
            .indexed_keys()
            .iter()
            .map(|k| k.key().to_owned())
            .collect(),
        failure_reason: m.failure_reason().map(str::to_owned),
        created_at_ms: millis(m.created_at()),
    }
}

impl Backend {
    /// Every memory of the context, with its strategies.
    pub async fn memories(&self) -> Result<Vec<Memory>, BackendError> {
        self.check_config()?;
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .control
                .list_memories()
                .max_results(PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| BackendError::from_sdk("ListMemories", self.context(), e))?;
            ids.extend(
                page.memories()
                    .iter()
                    .filter_map(|m| m.id().map(str::to_owned)),
            );
            token = page.next_token().map(str::to_owned);
            if token.is_none() || ids.len() >= MAX_LISTED {
                break;
            }
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match self.memory(&id).await {
                Ok(m) => out.push(m),
                // Deleted between the listing and now.
                Err(BackendError::Service { code, .. }) if code == "ResourceNotFoundException" => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// One memory (GetMemory), by id or ARN; a memory that does not exist
    /// is a `ResourceNotFoundException`.
    pub async fn memory(&self, id: &str) -> Result<Memory, BackendError> {
        self.check_config()?;
        let out = self
            .control
            .get_memory()
            .memory_id(id)
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("GetMemory", self.context(), e))?;
        out.memory()
            .map(memory)
            .ok_or_else(|| BackendError::Service {
                operation: "GetMemory".into(),
                code: "ResourceNotFoundException".into(),
                message: format!("memory {id} was not returned"),
            })
    }

    /// How many actors, sessions, events and records `memory` holds, each
    /// counted up to 10 000.
    pub async fn memory_counts(&self, memory: &Memory) -> Result<MemoryCounts, BackendError> {
        let mut counts = MemoryCounts::default();
        let actors = self.memory_actors(&memory.id).await?;
        counts.actors = actors.len();
        'actors: for actor in &actors {
            for session in self.memory_sessions(&memory.id, actor).await? {
                counts.sessions += 1;
                counts.events += self
                    .count_events(
                        &memory.id,
                        actor,
                        &session.session_id,
                        COUNT_CAP - counts.events,
                    )
                    .await?;
                if counts.events >= COUNT_CAP || counts.sessions >= COUNT_CAP {
                    counts.capped = true;
                    break 'actors;
                }
            }
        }
        let records = self
            .memory_records_capped(memory, &RecordScope::All, None, COUNT_CAP)
            .await?;
        counts.capped |= records.len() >= COUNT_CAP || actors.len() >= MAX_LISTED;
        counts.records = records.len();
        Ok(counts)
    }

    /// A memory's extraction jobs (one page: the service's most, 50).
    pub async fn extraction_jobs(
        &self,
        memory_id: &str,
    ) -> Result<Vec<ExtractionJob>, BackendError> {
        self.check_config()?;
        let out = self
            .data
            .list_memory_extraction_jobs()
            .memory_id(memory_id)
            .max_results(JOBS_PAGE)
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("ListMemoryExtractionJobs", self.context(), e))?;
        Ok(out
            .jobs()
            .iter()
            .map(|j| ExtractionJob {
                job_id: j.job_id().to_owned(),
                status: j
                    .status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                strategy_id: j.strategy_id().unwrap_or_default().to_owned(),
                actor_id: j.actor_id().unwrap_or_default().to_owned(),
                session_id: j.session_id().unwrap_or_default().to_owned(),
                failure_reason: j.failure_reason().map(str::to_owned),
            })
            .collect())
    }
}
