//! The lines of the memory screens that read as text: a memory's detail,
//! a conversation, a record, the scan. Built from state when asked (rows
//! and drawing), never stored.

use std::borrow::Cow;

use acc_backend::ContextKind;

use crate::features::memory::details::{memory_lines, record_lines, scan_lines};
use crate::features::memory::route::Route;
use crate::features::memory::view_line::ViewLine;
use crate::shell::state::AppState;

/// Whether the platform is not AWS (its extraction is rule-based).
pub(crate) fn is_local(state: &AppState) -> bool {
    state.context.kind != ContextKind::Aws
}

/// The lines `route` shows; None while they load (or for list screens).
/// A conversation's are laid out once, when its events arrive.
pub(crate) fn lines_of<'a>(state: &'a AppState, route: &Route) -> Option<Cow<'a, [ViewLine]>> {
    let mem = &state.memory;
    let revealed = mem.revealed;
    let lines = match route {
        Route::Memory { memory_id } => {
            let memory = mem.memory(memory_id)?;
            memory_lines(memory, mem.jobs.get(memory_id), is_local(state))
        }
        Route::Conversation { session_id, .. } => {
            let c = mem
                .conversation
                .as_ref()
                .filter(|c| &c.session_id == session_id)?;
            c.events.loaded()?;
            return Some(Cow::Borrowed(&c.lines));
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
            record_lines(record, mem.memory(memory_id), revealed, is_local(state))
        }
        Route::Scan { memory_id } => scan_lines(mem.scans.get(memory_id)?.loaded()?, revealed),
        _ => return None,
    };
    Some(Cow::Owned(lines))
}
