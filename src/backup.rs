//! Copies of the ledger file: made with SQLite's online backup API while the till runs,
//! checked, named `tillguard-YYYYMMDD-HHMMSS[-N][-reason].sqlite`, rotated; and the file
//! moves a restore needs. File I/O only: whether a restore may replace the ledger, and who
//! may force it, is decided in `till::restore`.
//!
//! A backup is written under a hidden temporary name, checked with `PRAGMA integrity_check`,
//! synced, and only then renamed to its final name, so a file with our name is complete.

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::civil::DateTime;

pub const PREFIX: &str = "tillguard-";
pub const SUFFIX: &str = ".sqlite";
/// The longest reason a backup name carries.
pub const REASON_MAX: usize = 32;
/// How long a backup waits for another program's write to the ledger to finish.
const BUSY_WAIT: Duration = Duration::from_secs(10);
/// Lines of an integrity check's findings kept for the message.
const FINDINGS_MAX: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("cannot {what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("copying {path} failed: {message}")]
    Copy { path: PathBuf, message: String },
    #[error("{path} is damaged: {detail}")]
    Damaged { path: PathBuf, detail: String },
    #[error("{path} is not a Tillguard ledger: {why}")]
    NotALedger { path: PathBuf, why: String },
    #[error(
        "{path} was written by a newer Tillguard (schema {found}; this version knows up to {known}); install the newer version"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("{path} stayed busy for {} s (another program kept writing to it); try again", BUSY_WAIT.as_secs())]
    Busy { path: PathBuf },
    #[error("'{0}' is not a backup reason (1 to {REASON_MAX} of a-z, 0-9 and _, starting with a letter)")]
    Reason(String),
}

fn io_error<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> BackupError + 'a {
    move |source| BackupError::Io {
        what,
        path: path.to_path_buf(),
        source,
    }
}

/// One backup file in the backups folder, as its name and size tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    pub path: PathBuf,
    /// When it was made, in the store's local time (as its name says).
    pub taken_at: DateTime,
    /// 1, or 2, 3... for a second backup within the same second.
    pub copy: u32,
    /// Why it was made (`manual`, `z12` after Z-report #12...), if the name says.
    pub reason: Option<String>,
    pub size: u64,
}

impl BackupFile {
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// A backup just made.
#[derive(Debug, Clone)]
pub struct Made {
    pub file: BackupFile,
    /// Copy, check, sync and rename.
    pub duration: Duration,
    /// What `PRAGMA integrity_check` said of the copy ("ok").
    pub integrity: String,
}

/// What a file offered for a restore holds, once it passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub path: PathBuf,
    pub size: u64,
    /// `PRAGMA user_version`: the ledger's schema.
    pub schema: i64,
    /// The currency its amounts are in (`meta`), if it recorded one.
    pub currency: Option<String>,
    /// Sales and refunds in it.
    pub sales: i64,
    /// Its latest business day and Z-report number, if any.
    pub last_day: Option<String>,
    pub last_z: Option<i64>,
    pub audit_events: i64,
}

/// The name of a backup: local time, a copy number from 2 on, and a reason.
pub fn file_name(at: DateTime, copy: u32, reason: Option<&str>) -> String {
    let mut name = format!("{PREFIX}{}", at.strftime("%Y%m%d-%H%M%S"));
    if copy > 1 {
        name.push_str(&format!("-{copy}"));
    }
    if let Some(reason) = reason {
        name.push('-');
        name.push_str(reason);
    }
    name.push_str(SUFFIX);
    name
}

/// A reason fits a file name on every system: lower-case letters, digits, `_`.
pub fn check_reason(reason: &str) -> Result<(), BackupError> {
    let mut chars = reason.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_fits = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if starts_well && rest_fits && reason.len() <= REASON_MAX {
        Ok(())
    } else {
        Err(BackupError::Reason(reason.to_string()))
    }
}

/// Reads a name we gave; `None` for any other file (which we never touch).
pub fn parse_name(name: &str) -> Option<(DateTime, u32, Option<String>)> {
    let stem = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (date, rest) = stem.split_at_checked(8)?;
    let rest = rest.strip_prefix('-')?;
    let (time, rest) = rest.split_at_checked(6)?;
    if !(date.bytes().chain(time.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let at = DateTime::strptime("%Y%m%d%H%M%S", format!("{date}{time}")).ok()?;
    let (copy, reason) = match rest.strip_prefix('-') {
        None if rest.is_empty() => (1, None),
        None => return None,
        Some(tail) => {
            let (first, second) = match tail.split_once('-') {
                Some((a, b)) => (a, Some(b)),
                None => (tail, None),
            };
            if first.bytes().all(|b| b.is_ascii_digit()) {
                (first.parse().ok().filter(|c| *c >= 2)?, second)
            } else if second.is_none() {
                (1, Some(first))
            } else {
                return None;
            }
        }
    };
    if let Some(reason) = reason {
        check_reason(reason).ok()?;
    }
    Some((at, copy, reason.map(str::to_string)))
}

/// Backs up the database of `source` (its main schema) into `folder` and checks the copy.
/// `at` names it; a second backup within the same second gets a copy number.
pub fn create(source: &Connection, folder: &Path, at: DateTime, reason: Option<&str>) -> Result<Made, BackupError> {
    let started = Instant::now();
    if let Some(reason) = reason {
        check_reason(reason)?;
    }
    let source_path = source
        .path()
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from(":memory:"), PathBuf::from);
    std::fs::create_dir_all(folder).map_err(io_error("create the backups folder", folder))?;
    let (final_path, temp, copy_number) = reserve(folder, at, reason)?;
    let mut guard = TempFile(Some(temp.clone()));
    {
        let mut copy = Connection::open(&temp).map_err(|e| copy_error(&temp, e))?;
        copy_pages(source, &mut copy, &source_path)?;
        // A backup stands alone: no -wal beside it, readable where it is (a backups folder on
        // a share, a USB stick) without write access.
        copy.pragma_update(None, "journal_mode", "DELETE")
            .map_err(|e| copy_error(&temp, e))?;
        let findings = integrity(&copy, "integrity_check").map_err(|e| sqlite_error(&source_path, e))?;
        if findings != ["ok"] {
            return Err(BackupError::Damaged {
                path: source_path,
                detail: findings.join("; "),
            });
        }
        copy.close().map_err(|(_, e)| copy_error(&temp, e))?;
    }
    File::open(&temp)
        .and_then(|f| f.sync_all())
        .map_err(io_error("sync", &temp))?;
    std::fs::rename(&temp, &final_path).map_err(io_error("rename the backup to", &final_path))?;
    guard.0 = None;
    sync_dir(folder)?;
    let size = std::fs::metadata(&final_path)
        .map_err(io_error("read", &final_path))?
        .len();
    Ok(Made {
        file: BackupFile {
            path: final_path,
            taken_at: at,
            copy: copy_number,
            reason: reason.map(str::to_string),
            size,
        },
        duration: started.elapsed(),
        integrity: "ok".into(),
    })
}

/// The final name that is free and its temporary file, created empty and private.
fn reserve(folder: &Path, at: DateTime, reason: Option<&str>) -> Result<(PathBuf, PathBuf, u32), BackupError> {
    for copy in 1..1000 {
        let name = file_name(at, copy, reason);
        let final_path = folder.join(&name);
        if final_path.exists() {
            continue;
        }
        let temp = folder.join(format!(".{name}.{}.partial", std::process::id()));
        match create_private(&temp) {
            Ok(_) => return Ok((final_path, temp, copy)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error("create", &temp)(e)),
        }
    }
    Err(BackupError::Io {
        what: "find a free name in",
        path: folder.to_path_buf(),
        source: io::Error::new(io::ErrorKind::AlreadyExists, "999 backups within one second"),
    })
}

/// A new file only its owner may read (0600 on unix): the ledger names customers' cards.
fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Removes a temporary file unless it was renamed into place.
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(&path);
            let _ = std::fs::remove_file(suffixed(&path, "-journal"));
        }
    }
}

fn copy_pages(source: &Connection, copy: &mut Connection, source_path: &Path) -> Result<(), BackupError> {
    let backup = Backup::new(source, copy).map_err(|e| sqlite_error(source_path, e))?;
    let deadline = Instant::now() + BUSY_WAIT;
    loop {
        // All pages in one step: the copy is one consistent snapshot.
        match backup.step(-1).map_err(|e| sqlite_error(source_path, e))? {
            StepResult::Done => return Ok(()),
            _ if Instant::now() > deadline => {
                return Err(BackupError::Busy {
                    path: source_path.to_path_buf(),
                });
            }
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// The rows of `PRAGMA integrity_check` / `quick_check`, at most a few.
fn integrity(conn: &Connection, pragma: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}({FINDINGS_MAX})"))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect()
}

/// A damaged or foreign file read as a database is a finding about the file, not a bug.
fn sqlite_error(path: &Path, e: rusqlite::Error) -> BackupError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => BackupError::NotALedger {
            path: path.to_path_buf(),
            why: format!("not an SQLite database ({e})"),
        },
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => BackupError::Damaged {
            path: path.to_path_buf(),
            detail: e.to_string(),
        },
        _ => BackupError::Copy {
            path: path.to_path_buf(),
            message: e.to_string(),
        },
    }
}

fn copy_error(path: &Path, e: rusqlite::Error) -> BackupError {
    BackupError::Copy {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The backups in `folder`, newest first; a missing folder has none. Files we did not
/// name are not listed.
pub fn list(folder: &Path) -> Result<Vec<BackupFile>, BackupError> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error("read the backups folder", folder)(e)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_error("read the backups folder", folder))?;
        let name = entry.file_name();
        let Some((taken_at, copy, reason)) = name.to_str().and_then(parse_name) else {
            continue;
        };
        let meta = entry.metadata().map_err(io_error("read", &entry.path()))?;
        if meta.is_file() {
            files.push(BackupFile {
                path: entry.path(),
                taken_at,
                copy,
                reason,
                size: meta.len(),
            });
        }
    }
    files.sort_by_key(|f| std::cmp::Reverse((f.taken_at, f.copy)));
    Ok(files)
}

/// Deletes all but the newest `keep` backups of ours, never `spare` (the one just made,
/// which a clock set back would make look old). Returns what it deleted.
pub fn rotate(folder: &Path, keep: u32, spare: Option<&Path>) -> Result<Vec<PathBuf>, BackupError> {
    let mut removed = Vec::new();
    let keep = usize::try_from(keep).unwrap_or(usize::MAX).max(1);
    for old in list(folder)?.into_iter().skip(keep) {
        if Some(old.path.as_path()) == spare {
            continue;
        }
        std::fs::remove_file(&old.path).map_err(io_error("delete the old backup", &old.path))?;
        removed.push(old.path);
    }
    Ok(removed)
}

/// Checks a file offered for a restore without changing it or creating files beside it:
/// it is an SQLite file, `PRAGMA integrity_check` finds nothing, it holds a Tillguard
/// ledger, and its schema is not newer than this version's.
pub fn check(path: &Path) -> Result<Checked, BackupError> {
    let meta = std::fs::metadata(path).map_err(io_error("read", path))?;
    if !meta.is_file() {
        return Err(BackupError::NotALedger {
            path: path.to_path_buf(),
            why: "it is not a file".into(),
        });
    }
    if meta.len() == 0 {
        return Err(BackupError::NotALedger {
            path: path.to_path_buf(),
            why: "the file is empty".into(),
        });
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(immutable_uri(path), flags).map_err(|e| sqlite_error(path, e))?;
    let mut checked = check_connection(&conn, path)?;
    checked.size = meta.len();
    Ok(checked)
}

/// The checks of `check` on an open connection (a copy being staged for a restore).
pub fn check_connection(conn: &Connection, path: &Path) -> Result<Checked, BackupError> {
    let findings = integrity(conn, "integrity_check").map_err(|e| sqlite_error(path, e))?;
    if findings != ["ok"] {
        return Err(BackupError::Damaged {
            path: path.to_path_buf(),
            detail: findings.join("; "),
        });
    }
    let not_ledger = |why: &str| BackupError::NotALedger {
        path: path.to_path_buf(),
        why: why.to_string(),
    };
    let schema: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| sqlite_error(path, e))?;
    let known = crate::store::latest_version();
    if schema > known {
        return Err(BackupError::TooNew {
            path: path.to_path_buf(),
            found: schema,
            known,
        });
    }
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' \
             AND name IN ('meta', 'sales', 'business_days', 'z_reports', 'audit_events')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| sqlite_error(path, e))?;
    if schema < 1 || tables < 5 {
        return Err(not_ledger("an SQLite file without the ledger's tables"));
    }
    let read = |e| sqlite_error(path, e);
    let currency: Option<String> = conn
        .query_row("SELECT MAX(value) FROM meta WHERE key = 'currency'", [], |r| r.get(0))
        .map_err(read)?;
    let sales: i64 = conn
        .query_row("SELECT COUNT(*) FROM sales", [], |r| r.get(0))
        .map_err(read)?;
    let last_day: Option<String> = conn
        .query_row("SELECT MAX(day) FROM business_days", [], |r| r.get(0))
        .map_err(read)?;
    let last_z: Option<i64> = conn
        .query_row("SELECT MAX(z_number) FROM z_reports", [], |r| r.get(0))
        .map_err(read)?;
    let audit_events: i64 = conn
        .query_row("SELECT COUNT(*) FROM audit_events", [], |r| r.get(0))
        .map_err(read)?;
    Ok(Checked {
        path: path.to_path_buf(),
        size: 0,
        schema,
        currency,
        sales,
        last_day,
        last_z,
        audit_events,
    })
}

/// `file:` URI with `immutable=1`: SQLite reads the file without locks and never creates a
/// -wal or -shm beside it (the file may sit on a read-only stick).
fn immutable_uri(path: &Path) -> String {
    let text = path.to_string_lossy();
    let text = if cfg!(windows) {
        format!("/{}", text.replace('\\', "/"))
    } else {
        text.into_owned()
    };
    let mut uri = String::from("file:");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// `path` with `suffix` appended to its file name (`x.sqlite` -> `x.sqlite-wal`).
pub fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Makes a rename or a new file in `dir` durable (unix; elsewhere the rename is enough).
pub fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_error("sync the folder", dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// A copy of a backup beside the ledger, to be checked and opened before it replaces the
/// ledger; deleted when dropped unless installed.
#[derive(Debug)]
pub struct Staged {
    path: PathBuf,
    installed: bool,
}

impl Staged {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.installed {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(suffixed(&self.path, suffix));
            }
        }
    }
}

/// Copies `backup` into `dir` under a hidden name (private, synced).
pub fn stage(backup: &Path, dir: &Path) -> Result<Staged, BackupError> {
    std::fs::create_dir_all(dir).map_err(io_error("create the data folder", dir))?;
    let path = dir.join(format!(".tillguard-restore-{}.partial", std::process::id()));
    for suffix in ["", "-wal", "-shm", "-journal"] {
        // Left by a restore of this process id that was interrupted.
        let _ = std::fs::remove_file(suffixed(&path, suffix));
    }
    let staged = Staged { path, installed: false };
    let mut from = File::open(backup).map_err(io_error("read", backup))?;
    let mut to = create_private(&staged.path).map_err(io_error("create", &staged.path))?;
    io::copy(&mut from, &mut to).map_err(io_error("copy the backup to", &staged.path))?;
    to.sync_all().map_err(io_error("sync", &staged.path))?;
    Ok(staged)
}

/// The first free `tillguard-<at>[-N].sqlite` in `folder` (where a replaced ledger is kept).
pub fn free_name(folder: &Path, at: DateTime) -> Result<PathBuf, BackupError> {
    (1..1000)
        .map(|copy| folder.join(file_name(at, copy, None)))
        .find(|p| !p.exists())
        .ok_or_else(|| BackupError::Io {
            what: "find a free name in",
            path: folder.to_path_buf(),
            source: io::Error::new(io::ErrorKind::AlreadyExists, "999 files within one second"),
        })
}

/// Keeps the ledger (and a -wal / -shm still beside it) as `kept`, then renames `staged`
/// over the ledger. The ledger is linked, not moved, before the replacement, so a crash at
/// any point leaves either the old or the new ledger in place. Returns the kept file;
/// `None` when there was no ledger.
pub fn replace(ledger: &Path, staged: Staged, kept: Option<&Path>) -> Result<Option<PathBuf>, BackupError> {
    let mut staged = staged;
    let kept = match (ledger.exists(), kept) {
        (true, None) => {
            return Err(BackupError::Io {
                what: "replace",
                path: ledger.to_path_buf(),
                source: io::Error::new(io::ErrorKind::InvalidInput, "no place given to keep the ledger"),
            });
        }
        (false, _) => None,
        (true, Some(kept)) => {
            if let Some(folder) = kept.parent() {
                std::fs::create_dir_all(folder).map_err(io_error("create", folder))?;
            }
            if std::fs::hard_link(ledger, kept).is_err() {
                // A file system without hard links: a synced copy does the same.
                let mut to = create_private(kept).map_err(io_error("create", kept))?;
                let mut from = File::open(ledger).map_err(io_error("read", ledger))?;
                io::copy(&mut from, &mut to).map_err(io_error("copy the ledger to", kept))?;
                to.sync_all().map_err(io_error("sync", kept))?;
            }
            // A -wal left beside the ledger belongs to it: SQLite would replay it into the
            // restored file. It goes with the kept copy.
            for suffix in ["-wal", "-shm"] {
                let side = suffixed(ledger, suffix);
                if side.exists() {
                    let to = suffixed(kept, suffix);
                    std::fs::rename(&side, &to).map_err(io_error("move aside", &side))?;
                }
            }
            if let Some(folder) = kept.parent() {
                sync_dir(folder)?;
            }
            Some(kept.to_path_buf())
        }
    };
    std::fs::rename(&staged.path, ledger).map_err(io_error("put the backup in place as", ledger))?;
    staged.installed = true;
    if let Some(dir) = ledger.parent().filter(|d| !d.as_os_str().is_empty()) {
        sync_dir(dir)?;
    }
    Ok(kept)
}

#[cfg(test)]
mod tests;
