//! Checks that a ledger file is whole before it is used. `header` is cheap and runs on every
//! open; `structure` (`PRAGMA quick_check`) reads every page, about 0.7-0.9 s for a year's
//! ledger of 170 MB, so it runs where the window starts (`Store::open_checked`), not on each
//! command.

use super::StoreError;
use rusqlite::Connection;
use std::io::Read;
use std::path::Path;

const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// A file cut short (a copy that stopped, a full disk, a bad sector at the end) is found
/// from its header: the page count it states does not fit in the file. Not judged while a
/// -wal holds frames: a checkpoint a crash interrupted may have written page 1 before the
/// pages it counts, and opening finishes that checkpoint.
pub(super) fn header(path: &Path) -> Result<(), StoreError> {
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(()); // Missing: SQLite creates it; unreadable: SQLite names the error.
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let wal = super::super::backup::suffixed(path, "-wal");
    if len == 0 || std::fs::metadata(wal).is_ok_and(|m| m.len() > 0) {
        return Ok(());
    }
    let mut head = [0u8; 100];
    if file.read_exact(&mut head).is_err() {
        return Err(corrupt(path, format!("the file is only {len} bytes, shorter than an SQLite header")));
    }
    if &head[..16] != MAGIC {
        return Ok(()); // Not SQLite at all: SQLite itself refuses it as NotADatabase.
    }
    let page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([head[28], head[29], head[30], head[31]]));
    // The count is only kept up to date by writers that also stamp "version-valid-for".
    let count_valid = head[24..28] == head[92..96];
    if count_valid && page_size >= 512 && len < pages * page_size {
        return Err(corrupt(
            path,
            format!(
                "the file is {len} bytes but its header counts {pages} pages of {page_size} bytes: it was cut short"
            ),
        ));
    }
    Ok(())
}

/// `PRAGMA quick_check`: every page and index entry well formed (not every index matching
/// its table, which `integrity_check` adds at about twice the cost).
pub(super) fn structure(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let findings: Vec<String> = conn
        .prepare("PRAGMA quick_check(5)")
        .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| StoreError::classify(e, path))?;
    if findings == ["ok"] {
        Ok(())
    } else {
        Err(corrupt(path, findings.join("; ")))
    }
}

fn corrupt(path: &Path, detail: String) -> StoreError {
    StoreError::Corrupt {
        path: path.to_path_buf(),
        detail,
    }
}
