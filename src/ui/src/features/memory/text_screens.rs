//! The lines of the memory screens that read as text: a memory's detail,
//! a conversation, a record, the scan. Built from state when asked (rows
//! and drawing), never stored.

use acc_backend::ContextKind;

use crate::features::memory::conversation::conversation_lines;
use crate::features::memory::details::{memory_lines, record_lines, scan_lines};
use crate::features::memory::route::Route;
use crate::features::memory::view_line::ViewLine;
use crate::shell::state::AppState;

/// Whether the platform is not AWS (its extraction is rule-based).
pub(crate) fn is_local(state: &AppState) -> bool {
    state.context.kind != ContextKind::Aws
}

/// The lines `route` shows; None while they load (or for list screens).
pub(crate) fn lines_of(state: &AppState, route: &Route) -> Option<Vec<ViewLine>> {
    let mem = &state.memory;
    let revealed = mem.revealed;
    match route {
        Route::Memory { memory_id } => {
            let memory = mem.memory(memory_id)?;
            Some(memory_lines(
                memory,
                mem.jobs.get(memory_id),
                is_local(state),
            ))
        }
        Route::Conversation { session_id, .. } => {
            let c = mem
                .conversation
                .as_ref()
                .filter(|c| &c.session_id == session_id)?;
            Some(conversation_lines(c.events.loaded()?, revealed))
        }
        Route::Record {
            memory_id,
            record_id,
        } => {
            let record = mem
                .record_set(memory_id)?
                .records
                .iter()
                .find(|r| &r.id == record_id)?;
            Some(record_lines(
                record,
                mem.memory(memory_id),
                revealed,
                is_local(state),
            ))
        }
        Route::Scan { memory_id } => {
            Some(scan_lines(mem.scans.get(memory_id)?.loaded()?, revealed))
        }
        _ => None,
    }
}
