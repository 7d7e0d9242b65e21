//! The sensitive-data scan of a memory, and the right to erasure: every
//! record about an actor (across namespaces) and every event of theirs,
//! counted first, then deleted.

use std::collections::BTreeSet;

use acc_domain::memory::{Memory, MemoryEvent, record_origin};
use acc_domain::memory_scan::{ScanReport, scan_memory};
use serde::Serialize;

use crate::connection::Backend;
use crate::error::BackendError;
use crate::memory::records::RecordScope;

/// What erasing an actor will delete, counted before asking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErasePlan {
    /// The memory.
    pub memory_id: String,
    /// The actor.
    pub actor_id: String,
    /// Their records, across namespaces.
    pub record_ids: Vec<String>,
    /// The namespaces those records are in.
    pub namespaces: BTreeSet<String>,
    /// Their events, as (session, event id).
    pub events: Vec<(String, String)>,
    /// Their sessions.
    pub sessions: usize,
}

/// What erasing deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EraseReport {
    /// Records deleted.
    pub records_deleted: usize,
    /// Events deleted.
    pub events_deleted: usize,
    /// BatchDeleteMemoryRecords calls made (each at most 100 records).
    pub batches: usize,
}

impl Backend {
    /// What erasing `actor_id` from `memory` would delete.
    pub async fn erase_plan(
        &self,
        memory: &Memory,
        actor_id: &str,
    ) -> Result<ErasePlan, BackendError> {
        let mut plan = ErasePlan {
            memory_id: memory.id.clone(),
            actor_id: actor_id.to_owned(),
            ..ErasePlan::default()
        };
        let records = self.memory_records(memory, &RecordScope::All, None).await?;
        for r in records {
            if record_origin(&r, &memory.strategies).actor_id.as_deref() == Some(actor_id) {
                plan.namespaces.insert(r.namespace.clone());
                plan.record_ids.push(r.id);
            }
        }
        for session in self.memory_sessions(&memory.id, actor_id).await? {
            plan.sessions += 1;
            for id in self
                .event_ids(&memory.id, actor_id, &session.session_id)
                .await?
            {
                plan.events.push((session.session_id.clone(), id));
            }
        }
        Ok(plan)
    }

    /// Deletes what `plan` names: records in batches of at most 100, then
    /// each event.
    pub async fn erase(&self, plan: &ErasePlan) -> Result<EraseReport, BackendError> {
        let records_deleted = self
            .delete_memory_records(&plan.memory_id, &plan.record_ids)
            .await?;
        let mut report = EraseReport {
            records_deleted,
            batches: plan.record_ids.len().div_ceil(super::records::DELETE_BATCH),
            ..EraseReport::default()
        };
        for (session, event) in &plan.events {
            self.delete_memory_event(&plan.memory_id, &plan.actor_id, session, event)
                .await?;
            report.events_deleted += 1;
        }
        Ok(report)
    }

    /// Every event and record of `memory`, scanned for personal data and
    /// secrets.
    pub async fn scan_memory(&self, memory: &Memory) -> Result<ScanReport, BackendError> {
        let mut events: Vec<MemoryEvent> = Vec::new();
        for actor in self.memory_actors(&memory.id).await? {
            for session in self.memory_sessions(&memory.id, &actor).await? {
                events.extend(
                    self.memory_events(&memory.id, &actor, &session.session_id, None)
                        .await?,
                );
            }
        }
        let records = self.memory_records(memory, &RecordScope::All, None).await?;
        Ok(scan_memory(&events, &records, &memory.strategies))
    }
}
