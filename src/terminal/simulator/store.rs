//! The state file: read once at start, rewritten whole after every change. Written to a
//! temporary file in the same folder, flushed to disk, then renamed over the old one, so a
//! crash leaves either the old or the new state and never half of one.

use super::batch::State;
use super::error::SimError;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The state in `path`, or None when there is no file yet.
pub fn load(path: &Path) -> Result<Option<State>, SimError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(SimError::StateCorrupt {
                path: path.to_path_buf(),
                reason: "not UTF-8 text".into(),
            });
        }
        Err(source) => {
            return Err(SimError::StateRead {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let state: State = serde_json::from_str(&text).map_err(|e| SimError::StateCorrupt {
        path: path.to_path_buf(),
        reason: format!("line {} column {}: {e}", e.line(), e.column()),
    })?;
    state.check().map_err(|reason| SimError::StateCorrupt {
        path: path.to_path_buf(),
        reason,
    })?;
    Ok(Some(state))
}

pub fn save(path: &Path, state: &State) -> Result<(), SimError> {
    let write_err = |source| SimError::StateWrite {
        path: path.to_path_buf(),
        source,
    };
    let text = serde_json::to_string_pretty(state).map_err(|e| write_err(std::io::Error::other(e)))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(write_err)?;
    let mut tmp_name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "simulator".into());
    tmp_name.push(".tmp");
    let tmp = dir.join(tmp_name);
    {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(write_err)?;
        file.write_all(text.as_bytes()).map_err(write_err)?;
        file.write_all(b"\n").map_err(write_err)?;
        file.sync_all().map_err(write_err)?;
    }
    fs::rename(&tmp, path).map_err(write_err)?;
    // The rename itself is durable only once the folder is flushed (not possible on Windows).
    #[cfg(unix)]
    fs::File::open(&dir).and_then(|d| d.sync_all()).map_err(write_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_no_state_and_saved_state_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("sim.json");
        assert!(load(&path).unwrap().is_none());
        let mut state = State::default();
        state.counters.take_trace();
        save(&path, &state).unwrap();
        assert_eq!(load(&path).unwrap(), Some(state));
        assert!(!dir.path().join("sub").join("sim.json.tmp").exists());
    }

    #[test]
    fn corrupt_files_are_named_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sim.json");
        for (content, needle) in [
            (&b"{ not json"[..], "line 1"),
            (&b"\xff\xfe"[..], "UTF-8"),
            (&br#"{"version": 9}"#[..], "missing field"),
        ] {
            fs::write(&path, content).unwrap();
            let err = load(&path).unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, SimError::StateCorrupt { .. }), "{text}");
            assert!(text.contains("sim.json") && text.contains(needle), "{text}");
        }
        let state = State {
            version: 9,
            ..State::default()
        };
        fs::write(&path, serde_json::to_string(&state).unwrap()).unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("version is 9"));
    }
}
