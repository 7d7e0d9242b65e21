//! Results of the memory jobs, as they come back through the channel.

use acc_backend::{ErasePlan, EraseReport};
use acc_domain::memory::{
    ExtractionJob, Memory, MemoryCounts, MemoryEvent, MemoryRecord, MemorySession,
};
use acc_domain::memory_scan::ScanReport;

/// A result for the memory screens.
#[derive(Debug, Clone)]
pub enum Msg {
    /// The memories arrived.
    MemoriesLoaded(Result<Vec<Memory>, String>),
    /// A memory's counts arrived.
    CountsLoaded {
        /// Which memory.
        memory_id: String,
        /// The counts, or why not.
        result: Result<MemoryCounts, String>,
    },
    /// A memory's extraction jobs arrived.
    JobsLoaded {
        /// Which memory.
        memory_id: String,
        /// The jobs, or why not.
        result: Result<Vec<ExtractionJob>, String>,
    },
    /// A memory's actors arrived.
    ActorsLoaded {
        /// Which memory.
        memory_id: String,
        /// The actors, or why not.
        result: Result<Vec<String>, String>,
    },
    /// An actor's sessions arrived.
    SessionsLoaded {
        /// Which memory.
        memory_id: String,
        /// Which actor.
        actor_id: String,
        /// The sessions, or why not.
        result: Result<Vec<MemorySession>, String>,
    },
    /// A session's events arrived.
    EventsLoaded {
        /// Which session.
        session_id: String,
        /// The events (oldest first), or why not.
        result: Result<Vec<MemoryEvent>, String>,
    },
    /// A memory's records arrived.
    RecordsLoaded {
        /// Which memory.
        memory_id: String,
        /// The records, or why not.
        result: Result<Vec<MemoryRecord>, String>,
    },
    /// RetrieveMemoryRecords answered.
    Retrieved {
        /// The query answered.
        query: String,
        /// The ranked records, or why not.
        result: Result<Vec<MemoryRecord>, String>,
    },
    /// The scan finished.
    Scanned {
        /// Which memory.
        memory_id: String,
        /// The report, or why not.
        result: Result<ScanReport, String>,
    },
    /// What erasing an actor would delete, counted.
    ErasePlanned(Result<ErasePlan, String>),
    /// The erasure finished.
    Erased {
        /// Which memory.
        memory_id: String,
        /// Which actor.
        actor_id: String,
        /// What was deleted, or why not.
        result: Result<EraseReport, String>,
    },
}
