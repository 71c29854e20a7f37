use super::*;
use crate::money::Currency;
use crate::store::{FILE_NAME, Store};
use jiff::civil::date;

fn at(h: i8, m: i8, s: i8) -> DateTime {
    date(2026, 11, 27).at(h, m, s, 0)
}

/// A ledger file with a few audit events in it.
fn ledger(dir: &Path) -> (PathBuf, Store) {
    let path = dir.join(FILE_NAME);
    let mut store = Store::open(&path, Currency::CNY).expect("ledger");
    for i in 0..50 {
        let when: jiff::Timestamp = "2026-11-27T01:00:00Z".parse().expect("t");
        store.audit(when, "test", "test", &format!("event {i}")).expect("audit");
    }
    (path, store)
}

fn names(files: &[BackupFile]) -> Vec<String> {
    files.iter().map(BackupFile::file_name).collect()
}

#[test]
fn names_round_trip_and_foreign_names_are_not_ours() {
    for (copy, reason, name) in [
        (1, None, "tillguard-20261127-093015.sqlite"),
        (2, None, "tillguard-20261127-093015-2.sqlite"),
        (1, Some("manual"), "tillguard-20261127-093015-manual.sqlite"),
        (3, Some("z12"), "tillguard-20261127-093015-3-z12.sqlite"),
    ] {
        assert_eq!(file_name(at(9, 30, 15), copy, reason), name);
        assert_eq!(
            parse_name(name),
            Some((at(9, 30, 15), copy, reason.map(str::to_string))),
            "{name}"
        );
    }
    for foreign in [
        "tillguard.sqlite",
        "tillguard-20261127.sqlite",
        "tillguard-20261127-093015.sqlite-wal",
        "tillguard-20261327-093015.sqlite",
        "tillguard-20261127-093015-1.sqlite",
        "tillguard-20261127-093015-Manual.sqlite",
        "tillguard-20261127-093015-a-b.sqlite",
        "tillguard-20261127-093015-.sqlite",
        "tillguard-2026112７-093015.sqlite",
        ".tillguard-20261127-093015.sqlite.42.partial",
        "notes.txt",
    ] {
        assert_eq!(parse_name(foreign), None, "{foreign}");
    }
    for bad in ["", "Manual", "9lives", "a-b", "a b", &"x".repeat(REASON_MAX + 1)] {
        assert!(matches!(check_reason(bad), Err(BackupError::Reason(_))), "{bad:?}");
    }
}

#[test]
fn a_backup_is_a_checked_private_copy_and_a_second_in_the_same_second_gets_a_number() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, store) = ledger(dir.path());
    let folder = dir.path().join("backups");
    let first = create(store.connection(), &folder, at(9, 30, 15), Some("manual")).expect("backup");
    let second = create(store.connection(), &folder, at(9, 30, 15), Some("manual")).expect("backup");
    assert_eq!(first.file.file_name(), "tillguard-20261127-093015-manual.sqlite");
    assert_eq!(second.file.file_name(), "tillguard-20261127-093015-2-manual.sqlite");
    assert_eq!((first.file.copy, second.file.copy), (1, 2));
    assert_eq!(first.integrity, "ok");
    // Only the two finished files: no temporary, no -wal or -journal beside them.
    let mut present: Vec<String> = std::fs::read_dir(&folder)
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    present.sort();
    assert_eq!(
        present,
        [
            "tillguard-20261127-093015-2-manual.sqlite",
            "tillguard-20261127-093015-manual.sqlite"
        ]
    );
    let checked = check(&first.file.path).expect("checks");
    assert_eq!(checked.audit_events, store.audit_count().expect("count"));
    assert_eq!(checked.schema, crate::store::latest_version());
    assert_eq!(checked.currency.as_deref(), Some("CNY"));
    assert_eq!(checked.size, first.file.size);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&first.file.path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let listed = list(&folder).expect("list");
    assert_eq!(names(&listed), [second.file.file_name(), first.file.file_name()]);
    assert_eq!(listed[1], first.file);
}

#[test]
fn rotation_keeps_the_newest_of_ours_and_nothing_else_is_touched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, store) = ledger(dir.path());
    let folder = dir.path().join("backups");
    let foreign = [
        "notes.txt",
        "tillguard.sqlite",
        "tillguard-old.sqlite",
        "mine-20261127-093015.sqlite",
    ];
    std::fs::create_dir_all(&folder).expect("folder");
    for name in foreign {
        std::fs::write(folder.join(name), b"not ours").expect("write");
    }
    for minute in [5, 1, 4, 2, 3] {
        create(store.connection(), &folder, at(10, minute, 0), None).expect("backup");
    }
    // The newest by its name, made last with a clock set back: never deleted by its own rotation.
    let back = create(store.connection(), &folder, at(8, 0, 0), Some("manual")).expect("backup");
    let removed = rotate(&folder, 2, Some(&back.file.path)).expect("rotate");
    let removed: Vec<String> = removed
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        removed,
        [
            "tillguard-20261127-100300.sqlite",
            "tillguard-20261127-100200.sqlite",
            "tillguard-20261127-100100.sqlite"
        ]
    );
    assert_eq!(
        names(&list(&folder).expect("list")),
        [
            "tillguard-20261127-100500.sqlite",
            "tillguard-20261127-100400.sqlite",
            "tillguard-20261127-080000-manual.sqlite"
        ]
    );
    for name in foreign {
        assert_eq!(std::fs::read(folder.join(name)).expect("still there"), b"not ours");
    }
    assert!(list(&dir.path().join("none")).expect("missing folder").is_empty());
}

/// Overwrites `len` bytes from `offset` with `byte`.
fn scribble(path: &Path, offset: u64, len: usize, byte: u8) {
    use std::io::{Seek, SeekFrom, Write};
    let mut f = OpenOptions::new().write(true).open(path).expect("open");
    f.seek(SeekFrom::Start(offset)).expect("seek");
    f.write_all(&vec![byte; len]).expect("write");
    f.sync_all().expect("sync");
}

#[test]
fn a_damaged_ledger_is_not_backed_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, store) = ledger(dir.path());
    drop(store);
    let pages = std::fs::metadata(&path).expect("meta").len() / 4096;
    assert!(pages > 8, "{pages} pages");
    // Garbage over the pages after the schema: the file still opens, its tables do not read.
    scribble(&path, 4096 * 3, 4096 * 4, 0x5A);
    let source = Connection::open(&path).expect("opens: SQLite reads lazily");
    let folder = dir.path().join("backups");
    let e = create(&source, &folder, at(9, 0, 0), None).expect_err("refused");
    assert!(matches!(e, BackupError::Damaged { .. }), "{e}");
    assert!(e.to_string().contains(FILE_NAME), "names the ledger: {e}");
    let left: Vec<_> = std::fs::read_dir(&folder).expect("read").collect();
    assert!(left.is_empty(), "nothing left behind: {left:?}");
}

#[test]
fn check_names_what_is_wrong_with_a_candidate_and_creates_nothing_beside_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (path, store) = ledger(d);
    drop(store);
    let good = d.join("good.sqlite");
    std::fs::copy(&path, &good).expect("copy");
    assert_eq!(check(&good).expect("a ledger").audit_events, 50);
    for suffix in ["-wal", "-shm", "-journal"] {
        assert!(!suffixed(&good, suffix).exists(), "{suffix} created");
    }

    let empty = d.join("empty.sqlite");
    std::fs::write(&empty, b"").expect("write");
    let garbage = d.join("garbage.sqlite");
    std::fs::write(&garbage, b"a shopping list, not a ledger\n".repeat(300)).expect("write");
    let other = d.join("other.sqlite");
    Connection::open(&other)
        .and_then(|c| c.execute_batch("CREATE TABLE photos (name TEXT);"))
        .expect("other db");
    for (file, says) in [(&empty, "empty"), (&garbage, "not an SQLite"), (&other, "tables")] {
        let e = check(file).expect_err("refused");
        assert!(matches!(e, BackupError::NotALedger { .. }), "{e}");
        assert!(e.to_string().contains(says), "{e}");
    }

    let newer = d.join("newer.sqlite");
    std::fs::copy(&path, &newer).expect("copy");
    Connection::open(&newer)
        .and_then(|c| c.pragma_update(None, "user_version", crate::store::latest_version() + 1))
        .expect("bump");
    assert!(matches!(check(&newer), Err(BackupError::TooNew { .. })));

    let truncated = d.join("truncated.sqlite");
    std::fs::copy(&path, &truncated).expect("copy");
    let len = std::fs::metadata(&truncated).expect("meta").len();
    OpenOptions::new()
        .write(true)
        .open(&truncated)
        .and_then(|f| f.set_len(len / 2))
        .expect("truncate");
    let e = check(&truncated).expect_err("refused");
    assert!(matches!(e, BackupError::Damaged { .. }), "{e}");

    assert!(matches!(check(&d.join("absent.sqlite")), Err(BackupError::Io { .. })));
}

#[test]
fn replace_keeps_the_old_ledger_and_its_wal_aside() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (path, store) = ledger(d);
    let made = create(store.connection(), &d.join("backups"), at(9, 0, 0), None).expect("backup");
    drop(store);
    let old = std::fs::read(&path).expect("read");
    std::fs::write(suffixed(&path, "-wal"), b"left by a crash").expect("wal");
    let staged = stage(&made.file.path, d).expect("stage");
    let staged_path = staged.path().to_path_buf();
    let kept = free_name(&d.join("replaced"), at(9, 5, 0)).expect("name");
    assert_eq!(kept, d.join("replaced").join("tillguard-20261127-090500.sqlite"));
    let result = replace(&path, staged, Some(&kept)).expect("replaced");
    assert_eq!(result.as_deref(), Some(kept.as_path()));
    assert_eq!(std::fs::read(&kept).expect("kept"), old);
    assert_eq!(
        std::fs::read(suffixed(&kept, "-wal")).expect("wal kept"),
        b"left by a crash"
    );
    assert!(
        !suffixed(&path, "-wal").exists(),
        "no stale -wal beside the restored ledger"
    );
    assert_eq!(
        std::fs::read(&path).expect("restored"),
        std::fs::read(&made.file.path).expect("backup")
    );
    assert!(!staged_path.exists());
    // The next name in the same second is free too; nothing was overwritten.
    assert_eq!(
        free_name(&d.join("replaced"), at(9, 5, 0)).expect("name"),
        d.join("replaced").join("tillguard-20261127-090500-2.sqlite")
    );

    // No ledger at all: nothing to keep.
    std::fs::remove_file(&path).expect("remove");
    let staged = stage(&made.file.path, d).expect("stage");
    assert_eq!(replace(&path, staged, None).expect("placed"), None);
    assert!(path.exists());

    // A staged copy that is dropped (a check failed) leaves nothing behind.
    let staged = stage(&made.file.path, d).expect("stage");
    let staged_path = staged.path().to_path_buf();
    drop(staged);
    assert!(!staged_path.exists());
}
