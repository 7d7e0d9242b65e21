//! Long-term memory: listing records by namespace, namespace path or
//! strategy, retrieving them ranked for a query, and deleting them in
//! batches of at most 100.

use std::collections::{BTreeMap, HashSet};

use acc_domain::memory::{Memory, MemoryRecord};
use aws_sdk_bedrockagentcore::types as data;

use crate::connection::Backend;
use crate::error::BackendError;
use crate::memory::memories::millis;
use crate::memory::{MAX_LISTED, PAGE};

/// BatchDeleteMemoryRecords takes at most this many records a call.
pub(crate) const DELETE_BATCH: usize = 100;

/// Which records to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordScope {
    /// Every record of the memory (under each strategy's namespaces).
    All,
    /// Records in exactly this namespace.
    Namespace(String),
    /// Records at or under this namespace path.
    Path(String),
}

fn metadata_text(v: &data::MemoryRecordMetadataValue) -> String {
    match v {
        data::MemoryRecordMetadataValue::StringValue(s) => s.clone(),
        data::MemoryRecordMetadataValue::NumberValue(n) => n.to_string(),
        data::MemoryRecordMetadataValue::StringListValue(l) => l.join(", "),
        data::MemoryRecordMetadataValue::DateTimeValue(t) => t.to_string(),
        other => format!("{other:?}"),
    }
}

fn record(r: &data::MemoryRecordSummary) -> MemoryRecord {
    MemoryRecord {
        id: r.memory_record_id().to_owned(),
        text: match r.content() {
            Some(data::MemoryContent::Text(t)) => t.clone(),
            _ => String::new(),
        },
        strategy_id: r.memory_strategy_id().to_owned(),
        namespace: r.namespaces().first().cloned().unwrap_or_default(),
        created_at_ms: millis(r.created_at()),
        score: r.score(),
        metadata: r
            .metadata()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), metadata_text(v)))
            .collect::<BTreeMap<_, _>>(),
    }
}

impl Backend {
    /// Records of `memory` in `scope`, of `strategy` when named (at most
    /// 100 000), newest first.
    pub async fn memory_records(
        &self,
        memory: &Memory,
        scope: &RecordScope,
        strategy: Option<&str>,
    ) -> Result<Vec<MemoryRecord>, BackendError> {
        self.memory_records_capped(memory, scope, strategy, MAX_LISTED)
            .await
    }

    pub(crate) async fn memory_records_capped(
        &self,
        memory: &Memory,
        scope: &RecordScope,
        strategy: Option<&str>,
        cap: usize,
    ) -> Result<Vec<MemoryRecord>, BackendError> {
        let scopes = match scope {
            RecordScope::All => {
                let mut paths: Vec<String> = memory
                    .strategies
                    .iter()
                    .filter(|s| strategy.is_none_or(|id| s.id == id))
                    .flat_map(|s| s.namespace_prefixes())
                    .map(|p| if p.is_empty() { "/".into() } else { p })
                    .collect();
                paths.sort();
                paths.dedup();
                // A path under another is listed with it.
                let outer: Vec<String> = paths
                    .iter()
                    .filter(|p| !paths.iter().any(|q| q != *p && p.starts_with(q.as_str())))
                    .cloned()
                    .collect();
                if outer.is_empty() {
                    vec![RecordScope::Path("/".into())]
                } else {
                    outer.into_iter().map(RecordScope::Path).collect()
                }
            }
            other => vec![other.clone()],
        };
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for scope in scopes {
            for r in self
                .list_records(&memory.id, &scope, strategy, cap - out.len())
                .await?
            {
                if seen.insert(r.id.clone()) {
                    out.push(r);
                }
            }
            if out.len() >= cap {
                break;
            }
        }
        out.sort_by(|a, b| b.created_at_ms.cmp(&a.created_at_ms).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    async fn list_records(
        &self,
        memory_id: &str,
        scope: &RecordScope,
        strategy: Option<&str>,
        cap: usize,
    ) -> Result<Vec<MemoryRecord>, BackendError> {
        self.check_config()?;
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut call = self
                .data
                .list_memory_records()
                .memory_id(memory_id)
                .max_results(PAGE)
                .set_memory_strategy_id(strategy.map(str::to_owned))
                .set_next_token(token.take());
            call = match scope {
                RecordScope::Namespace(ns) => call.namespace(ns),
                RecordScope::Path(p) => call.namespace_path(p),
                RecordScope::All => call.namespace_path("/"),
            };
            let page = call
                .send()
                .await
                .map_err(|e| BackendError::from_sdk("ListMemoryRecords", self.context(), e))?;
            out.extend(page.memory_record_summaries().iter().map(record));
            token = page.next_token().map(str::to_owned);
            if token.is_none() || out.len() >= cap {
                out.truncate(cap);
                return Ok(out);
            }
        }
    }

    /// RetrieveMemoryRecords: the `top_k` records most relevant to `query`
    /// in `scope`, best first, with their scores.
    pub async fn retrieve_memory_records(
        &self,
        memory_id: &str,
        scope: &RecordScope,
        query: &str,
        top_k: i32,
        strategy: Option<&str>,
    ) -> Result<Vec<MemoryRecord>, BackendError> {
        self.check_config()?;
        let criteria = data::SearchCriteria::builder()
            .search_query(query)
            .top_k(top_k)
            .set_memory_strategy_id(strategy.map(str::to_owned))
            .build()
            .map_err(|e| BackendError::Config(format!("the search criteria: {e}")))?;
        let call = self
            .data
            .retrieve_memory_records()
            .memory_id(memory_id)
            .search_criteria(criteria)
            .max_results(top_k.clamp(1, PAGE));
        let call = match scope {
            RecordScope::Namespace(ns) => call.namespace(ns),
            RecordScope::Path(p) => call.namespace_path(p),
            RecordScope::All => call.namespace_path("/"),
        };
        let out = call
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("RetrieveMemoryRecords", self.context(), e))?;
        let mut records: Vec<MemoryRecord> =
            out.memory_record_summaries().iter().map(record).collect();
        records.sort_by(|a, b| b.score.unwrap_or(0.0).total_cmp(&a.score.unwrap_or(0.0)));
        Ok(records)
    }

    /// Deletes records, at most 100 a call; returns how many were deleted.
    /// A record that failed is named in the error.
    pub async fn delete_memory_records(
        &self,
        memory_id: &str,
        record_ids: &[String],
    ) -> Result<usize, BackendError> {
        self.check_config()?;
        let mut deleted = 0;
        for batch in record_ids.chunks(DELETE_BATCH) {
            let mut call = self.data.batch_delete_memory_records().memory_id(memory_id);
            for id in batch {
                let input = data::MemoryRecordDeleteInput::builder()
                    .memory_record_id(id)
                    .build()
                    .map_err(|e| BackendError::Config(format!("record {id}: {e}")))?;
                call = call.records(input);
            }
            let out = call.send().await.map_err(|e| {
                BackendError::from_sdk("BatchDeleteMemoryRecords", self.context(), e)
            })?;
            deleted += out.successful_records().len();
            if let Some(failed) = out.failed_records().first() {
                return Err(BackendError::Service {
                    operation: "BatchDeleteMemoryRecords".into(),
                    code: failed
                        .error_code()
                        .map(|c| c.to_string())
                        .unwrap_or_default(),
                    message: format!(
                        "{} of {} records not deleted (first: {}: {}); {deleted} deleted",
                        out.failed_records().len(),
                        batch.len(),
                        failed.memory_record_id(),
                        failed.error_message().unwrap_or("no reason given")
                    ),
                });
            }
        }
        Ok(deleted)
    }
}
