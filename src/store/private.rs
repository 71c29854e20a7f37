//! The ledger holds every sale, card numbers' last digits and PIN hashes: on Unix only its
//! owner may read it (0600; SQLite gives its -wal and -shm files the same mode). A ledger
//! found readable by others is tightened, with a warning; elsewhere the user folder's own
//! permissions apply.

use std::path::Path;

/// Makes `ledger` (created empty if missing: SQLite takes an empty file as a new database)
/// and its -wal/-shm companions private to the owner.
pub fn make_private(ledger: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(ledger)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut name = ledger.as_os_str().to_owned();
            name.push(suffix);
            let file = Path::new(&name);
            if crate::platform::owner_only::tighten(file)? {
                tracing::warn!(file = %file.display(), "ledger file was readable by others; made private (0600)");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = ledger;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn a_new_ledger_and_its_companions_are_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(crate::store::FILE_NAME);
        let mut store = crate::store::Store::open(&path, crate::money::Currency::CNY).expect("open");
        store
            .audit(jiff::Timestamp::UNIX_EPOCH, "t", "test", "written")
            .expect("a write makes the WAL");
        for suffix in ["", "-wal", "-shm"] {
            let file = dir.path().join(format!("{}{suffix}", crate::store::FILE_NAME));
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }

    #[test]
    fn a_ledger_readable_by_others_is_tightened() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(crate::store::FILE_NAME);
        drop(crate::store::Store::open(&path, crate::money::Currency::CNY).expect("create"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        drop(crate::store::Store::open(&path, crate::money::Currency::CNY).expect("reopen"));
        assert_eq!(mode(&path), 0o600);
    }
}
