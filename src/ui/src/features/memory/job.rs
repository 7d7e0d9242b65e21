//! The memory screens' work against the platform, run on effect tasks.

use acc_backend::{Backend, BackendError, ErasePlan, RecordScope};
use acc_domain::memory::Memory;

use crate::features::memory::msg::Msg;
use crate::shell::effect::Reply;

/// How many records the retrieve console asks for.
pub(crate) const TOP_K: i32 = 10;

/// Work for the memory screens.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// ListMemories, then GetMemory for each.
    LoadMemories,
    /// A memory's counts of actors, sessions, events and records.
    LoadCounts(Box<Memory>),
    /// ListMemoryExtractionJobs.
    LoadJobs {
        /// Which memory.
        memory_id: String,
    },
    /// ListActors.
    LoadActors {
        /// Which memory.
        memory_id: String,
    },
    /// ListSessions of an actor.
    LoadSessions {
        /// Which memory.
        memory_id: String,
        /// Which actor.
        actor_id: String,
    },
    /// ListEvents of a session, every branch.
    LoadEvents {
        /// Which memory.
        memory_id: String,
        /// Which actor.
        actor_id: String,
        /// Which session.
        session_id: String,
    },
    /// Every record of a memory.
    LoadRecords(Box<Memory>),
    /// RetrieveMemoryRecords.
    Retrieve {
        /// Which memory.
        memory_id: String,
        /// Under which namespace path.
        namespace_path: String,
        /// The query.
        query: String,
    },
    /// The sensitive-data scan of a memory's events and records.
    Scan(Box<Memory>),
    /// Count what erasing an actor would delete.
    PlanErase {
        /// Which memory.
        memory: Box<Memory>,
        /// Which actor.
        actor_id: String,
    },
    /// Erase an actor: their records (batches of ≤100) and events.
    Erase(Box<ErasePlan>),
}

impl Job {
    /// Whether this job writes to the platform (refused in read-only mode).
    pub fn is_write(&self) -> bool {
        matches!(self, Job::Erase(_))
    }

    /// Runs on its own task; the result comes back through `reply`.
    pub(crate) fn run(self, backend: Backend, reply: Reply) {
        tokio::spawn(async move { reply.send(self.perform(&backend).await) });
    }

    async fn perform(self, backend: &Backend) -> Msg {
        let text = |e: BackendError| e.to_string();
        match self {
            Job::LoadMemories => Msg::MemoriesLoaded(backend.memories().await.map_err(text)),
            Job::LoadCounts(memory) => Msg::CountsLoaded {
                result: backend.memory_counts(&memory).await.map_err(text),
                memory_id: memory.id,
            },
            Job::LoadJobs { memory_id } => Msg::JobsLoaded {
                result: backend.extraction_jobs(&memory_id).await.map_err(text),
                memory_id,
            },
            Job::LoadActors { memory_id } => Msg::ActorsLoaded {
                result: backend.memory_actors(&memory_id).await.map_err(text),
                memory_id,
            },
            Job::LoadSessions {
                memory_id,
                actor_id,
            } => Msg::SessionsLoaded {
                result: backend
                    .memory_sessions(&memory_id, &actor_id)
                    .await
                    .map_err(text),
                memory_id,
                actor_id,
            },
            Job::LoadEvents {
                memory_id,
                actor_id,
                session_id,
            } => Msg::EventsLoaded {
                result: backend
                    .memory_events(&memory_id, &actor_id, &session_id, None)
                    .await
                    .map_err(text),
                session_id,
            },
            Job::LoadRecords(memory) => Msg::RecordsLoaded {
                result: backend
                    .memory_records(&memory, &RecordScope::All, None)
                    .await
                    .map_err(text),
                memory_id: memory.id,
            },
            Job::Retrieve {
                memory_id,
                namespace_path,
                query,
            } => Msg::Retrieved {
                result: backend
                    .retrieve_memory_records(
                        &memory_id,
                        &RecordScope::Path(namespace_path),
                        &query,
                        TOP_K,
                        None,
                    )
                    .await
                    .map_err(text),
                query,
            },
            Job::Scan(memory) => Msg::Scanned {
                result: backend.scan_memory(&memory).await.map_err(text),
                memory_id: memory.id,
            },
            Job::PlanErase { memory, actor_id } => {
                Msg::ErasePlanned(backend.erase_plan(&memory, &actor_id).await.map_err(text))
            }
            Job::Erase(plan) => Msg::Erased {
                result: backend.erase(&plan).await.map_err(text),
                memory_id: plan.memory_id,
                actor_id: plan.actor_id,
            },
        }
    }
}
