//! Python virtualenvs as native runtimes name them: the venv a program
//! lives in, and the interpreter it was made from. Read by the artifact
//! check at create time and by the sandbox that binds them.

use std::path::{Path, PathBuf};

/// The venv a program lives in, if it lives in one.
pub(crate) fn venv_of(program: &Path) -> Option<PathBuf> {
    let bin = program.parent()?;
    let venv = bin.parent()?;
    (bin.file_name()? == "bin" && venv.join("pyvenv.cfg").is_file()).then(|| venv.to_path_buf())
}

/// The `home` a venv's `pyvenv.cfg` names: the bin directory of the
/// interpreter the venv was made from.
pub(crate) fn venv_home(venv: &Path) -> Option<PathBuf> {
    let config = std::fs::read_to_string(venv.join("pyvenv.cfg")).ok()?;
    config.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "home").then(|| PathBuf::from(value.trim()))
    })
}
