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
        return Err(corrupt(
            path,
            format!("the file is only {len} bytes, shorter than an SQLite header"),
        ));
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

#[cfg(test)]
mod tests {
    use super::super::{FILE_NAME, Store, StoreError};
    use crate::money::Currency;
    use std::io::{Seek, SeekFrom, Write};

    /// A closed ledger of some pages, and its length.
    fn ledger(dir: &std::path::Path) -> (std::path::PathBuf, u64) {
        let path = dir.join(FILE_NAME);
        let mut store = Store::open(&path, Currency::CNY).expect("ledger");
        for i in 0..200 {
            let at: jiff::Timestamp = "2026-11-27T01:00:00Z".parse().expect("t");
            store
                .audit(at, "test", "test", &format!("event {i} {}", "x".repeat(200)))
                .expect("audit");
        }
        drop(store);
        let len = std::fs::metadata(&path).expect("meta").len();
        (path, len)
    }

    #[test]
    fn a_ledger_cut_short_is_refused_on_every_open_and_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (path, len) = ledger(dir.path());
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_len(len / 2))
            .expect("truncate");
        let e = Store::open(&path, Currency::CNY).err().expect("refused");
        assert!(matches!(e, StoreError::Corrupt { .. }) && e.damaged_ledger(), "{e}");
        let text = e.to_string();
        assert!(text.contains("cut short") && text.contains(FILE_NAME), "{text}");
        assert!(text.contains("tillguard restore"), "{text}");
        assert_eq!(std::fs::metadata(&path).expect("meta").len(), len / 2, "untouched");
        // Shorter than a header.
        std::fs::write(&path, b"SQLite format 3\0").expect("write");
        let e = Store::open(&path, Currency::CNY).err().expect("refused");
        assert!(e.to_string().contains("shorter than an SQLite header"), "{e}");
    }

    #[test]
    fn pages_overwritten_with_garbage_are_found_by_the_start_up_check() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (path, len) = ledger(dir.path());
        assert!(len > 4096 * 12, "{len}");
        let mut f = std::fs::OpenOptions::new().write(true).open(&path).expect("open");
        f.seek(SeekFrom::Start(len - 4096 * 6)).expect("seek");
        f.write_all(&[0xA5; 4096 * 4]).expect("scribble");
        drop(f);
        let e = Store::open_checked(&path, Currency::CNY).err().expect("refused");
        assert!(e.damaged_ledger(), "{e}");
        assert!(e.to_string().contains(FILE_NAME), "{e}");
        let (path, _) = ledger(&dir.path().join("whole"));
        Store::open_checked(&path, Currency::CNY).expect("a whole ledger opens");
    }
}
