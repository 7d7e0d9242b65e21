//! What the console knows of AgentCore Memory: the memories and their
//! counts, the actors, sessions and the conversation opened, the records
//! (with their namespace tree), the retrieve console and the scan.

use std::collections::{HashMap, HashSet};

use acc_backend::ErasePlan;
use acc_domain::memory::{
    ExtractionJob, Memory, MemoryCounts, MemoryEvent, MemoryRecord, MemorySession, NamespaceNode,
    namespace_tree,
};
use acc_domain::memory_scan::ScanReport;

use crate::shell::loadable::Loadable;

/// A memory's records and their namespace tree (computed once, on arrival).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordSet {
    /// Every record, newest first.
    pub records: Vec<MemoryRecord>,
    /// The namespaces as a counted tree.
    pub tree: Vec<NamespaceNode>,
}

impl RecordSet {
    /// The set of `records`, with its tree.
    pub fn new(records: Vec<MemoryRecord>) -> RecordSet {
        RecordSet {
            tree: namespace_tree(&records),
            records,
        }
    }
}

/// The session whose events are shown as a conversation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conversation {
    /// Its memory.
    pub memory_id: String,
    /// Its actor.
    pub actor_id: String,
    /// The session.
    pub session_id: String,
    /// Its events, oldest first.
    pub events: Loadable<Vec<MemoryEvent>>,
    /// New events are polled for (`f`).
    pub follow: bool,
    /// A listing is on its way.
    pub in_flight: bool,
    /// The events as lines, laid out when they arrive or `v` toggles
    /// (a frame only reads them).
    pub lines: Vec<crate::features::memory::view_line::ViewLine>,
}

impl Conversation {
    /// Lays the events out again as lines (masked unless `revealed`).
    pub fn relayout(&mut self, revealed: bool) {
        self.lines = match self.events.loaded() {
            Some(events) => {
                crate::features::memory::conversation::conversation_lines(events, revealed)
            }
            None => Vec::new(),
        };
    }
}

/// The retrieve console: a query, where to look, and the ranked answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetrieveConsole {
    /// Its memory.
    pub memory_id: String,
    /// The namespace path searched (a prefix on `/` boundaries).
    pub namespace_path: String,
    /// The query as typed.
    pub query: String,
    /// The query the results answer.
    pub asked: String,
    /// The ranked records, best first.
    pub results: Loadable<Vec<MemoryRecord>>,
}

/// The memory screens' state.
#[derive(Debug, Clone, Default)]
pub struct MemoryState {
    /// Every memory of the context.
    pub memories: Loadable<Vec<Memory>>,
    /// A memories listing is on its way: a poll due meanwhile waits.
    pub memories_in_flight: bool,
    /// How much each memory holds, by memory id.
    pub counts: HashMap<String, Loadable<MemoryCounts>>,
    /// Memories a poll is counting again (their shown counts stay): one
    /// count at a time each.
    pub recounting: HashSet<String>,
    /// Each memory's extraction jobs.
    pub jobs: HashMap<String, Loadable<Vec<ExtractionJob>>>,
    /// Each memory's actors.
    pub actors: HashMap<String, Loadable<Vec<String>>>,
    /// Sessions, by `memory/actor` ([`session_key`]).
    pub sessions: HashMap<String, Loadable<Vec<MemorySession>>>,
    /// The conversation opened.
    pub conversation: Option<Conversation>,
    /// Each memory's records.
    pub records: HashMap<String, Loadable<RecordSet>>,
    /// The retrieve console.
    pub retrieve: Option<RetrieveConsole>,
    /// Each memory's sensitive-data scan.
    pub scans: HashMap<String, Loadable<ScanReport>>,
    /// Sensitive data is shown as it is (`v`), not masked.
    pub revealed: bool,
    /// An erasure being counted, then asked about.
    pub erase_plan: Option<Loadable<ErasePlan>>,
}

/// The key of an actor's sessions in [`MemoryState::sessions`].
pub fn session_key(memory_id: &str, actor_id: &str) -> String {
    format!("{memory_id}\u{1f}{actor_id}")
}

impl MemoryState {
    /// Forgets everything (the context switched).
    pub fn reset(&mut self) {
        *self = MemoryState::default();
    }

    /// Whether the loop must keep ticking: something loads.
    pub fn needs_ticks(&self) -> bool {
        self.memories.is_loading()
            || self
                .retrieve
                .as_ref()
                .is_some_and(|r| r.results.is_loading())
            || self.erase_plan.as_ref().is_some_and(Loadable::is_loading)
    }

    /// The memory with this id, once listed.
    pub fn memory(&self, id: &str) -> Option<&Memory> {
        self.memories.loaded()?.iter().find(|m| m.id == id)
    }

    /// A memory's records, once loaded.
    pub fn record_set(&self, memory_id: &str) -> Option<&RecordSet> {
        self.records.get(memory_id)?.loaded()
    }
}
