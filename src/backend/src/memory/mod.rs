//! AgentCore Memory: memories and their strategies (control plane), the
//! events of actors' sessions and the long-term records (data plane), the
//! sensitive-data scan and the erasure of an actor, all through the
//! official SDK clients, so the local platform and live AWS behave alike.

mod documents;
mod erasure;
mod events;
mod memories;
mod records;

pub use erasure::{ErasePlan, EraseReport};
pub use records::RecordScope;

/// Items one listing may gather before it stops (the counts then say `+`).
pub(crate) const MAX_LISTED: usize = 100_000;
/// The page size asked of every listing (the service's maximum).
pub(crate) const PAGE: i32 = 100;
