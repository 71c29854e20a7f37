//! A simulated terminal switched off and on while it runs (the training lesson "terminal not
//! answering"): while off it takes commands and says nothing, as a terminal that hung or lost
//! its host would. Keyed by the terminal's state file, its identity across connections: the
//! till connects afresh after a failed exchange, and the new simulator must stay off too.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static OFF: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Switches the simulated terminal keeping its batch in `state_file` on or off.
pub fn set_answering(state_file: &Path, on: bool) {
    let mut off = OFF.lock().unwrap_or_else(|e| e.into_inner());
    off.retain(|p| p != state_file);
    if !on {
        off.push(state_file.to_path_buf());
    }
}

/// Whether that terminal answers (one without a state file always does).
pub fn answering(state_file: Option<&Path>) -> bool {
    let Some(path) = state_file else {
        return true;
    };
    !OFF.lock().unwrap_or_else(|e| e.into_inner()).iter().any(|p| p == path)
}
