//! What a policy command reads from its command line: the edit (`FILES`,
//! `--replace NAME=FILE`, `--remove NAME`), the captured calls to use, and
//! the files themselves (unreadable ones are usage errors, exit 2).

use std::path::Path;

use acc_backend::policy::workflow::DryRunCalls;
use acc_domain::CaptureFilter;
use acc_domain::cedar_model::policy_edit::PolicyChanges;

use crate::cli::args::{CallSelection, PolicyEdit};
use crate::cli::exit::{Failure, usage};

/// The edit's changes, with the statements read from their files.
pub(super) fn changes(edit: &PolicyEdit) -> Result<PolicyChanges, Failure> {
    let mut changes = PolicyChanges {
        remove: edit.remove.clone(),
        ..PolicyChanges::default()
    };
    for spec in &edit.replace {
        let (name, file) = spec
            .split_once('=')
            .ok_or_else(|| usage(format!("--replace {spec}: expected NAME=FILE")))?;
        changes
            .replace
            .push((name.to_owned(), read(Path::new(file))?));
    }
    for file in &edit.files {
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("edit");
        changes.add.push((stem.to_owned(), read(file)?));
    }
    Ok(changes)
}

/// The captured calls `--tool`, `--caller` and `--limit` select.
pub(super) fn calls(selection: &CallSelection) -> DryRunCalls {
    DryRunCalls {
        filter: CaptureFilter {
            tool: selection.tool.clone(),
            caller: selection.caller.clone(),
            outcome: None,
        },
        limit: selection.limit,
    }
}

/// A file named on the command line.
pub(super) fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| usage(format!("cannot read {}: {e}", path.display())))
}
