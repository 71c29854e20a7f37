//! The SQLite ledger: one file per till, WAL with synchronous=FULL so that what was
//! acknowledged survives a crash or power cut.

mod audit;
mod batch_settle;
mod batches;
mod card;
mod card_draft;
mod check;
mod currency;
mod day_batches;
mod days;
mod deferrals;
mod history;
mod incidents;
mod lesson_facts;
mod manual_card;
mod migrate;
mod month;
mod parked;
mod print_jobs;
mod private;
mod products;
mod sales;
mod slip_card;
mod totals;
mod users;

pub use audit::{AuditEvent, ChainBreak, ChainReport};
pub use batch_settle::terminal_side;
pub use batches::{Acknowledgement, BatchRow};
pub use card::{CardJournal, CardKind, CardResultFields, CardState};
pub use card_draft::{JournaledSale, with_card};
pub use days::DayRow;
pub use deferrals::StoredDeferral;
pub use history::{DaySummary, SaleRow};
pub use incidents::{AlertState, QueuedAlert};
pub use migrate::latest_version;
pub use parked::{NewParked, ParkedRow};
pub use print_jobs::{JobState, NewJob, PrintJob};
pub use products::ImportSummary;
pub use slip_card::{SLIP_CONTEXT, SlipEntry};
pub use totals::TerminalTotals;
pub use users::{NewUser, UserRow};

use crate::money::Currency;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "tillguard.sqlite";

/// What a damaged-ledger error tells the person at the till to do.
const RESTORE_HINT: &str = "restore a backup: tillguard restore FILE (tillguard backup list shows them)";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is not a Tillguard database (not an SQLite file, or damaged): {message}; {RESTORE_HINT}")]
    NotADatabase { path: PathBuf, message: String },
    /// The ledger file is damaged: cut short, or `PRAGMA quick_check` found bad pages.
    #[error("the ledger {path} is damaged ({detail}); {RESTORE_HINT}")]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "{path} was written by a newer Tillguard (schema {found}; this version knows up to {known}); install the newer version"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("migration {name} failed: {message}")]
    Migration { name: String, message: String },
    #[error(
        "the ledger holds {found} amounts but the configured currency is {configured}; restore the currency setting"
    )]
    CurrencyMismatch { found: String, configured: String },
    #[error("the ledger is damaged: {0}")]
    Damaged(String),
    /// A change the ledger's rules do not allow (e.g. a batch state it cannot move to).
    #[error("{0}")]
    Refused(String),
    /// A standalone terminal's voucher number typed a second time in one batch.
    #[error("voucher {voucher:06} is already recorded in this batch{}: check the slip's number", sale.map(|s| format!(" (sale #{s})")).unwrap_or_default())]
    VoucherTaken { voucher: u32, sale: Option<i64> },
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    /// SQLite could not write or grow its files for lack of space.
    #[error("the disk holding the ledger is full: free some disk space, then try again")]
    DiskFull(#[source] rusqlite::Error),
    #[error("cannot create data folder {path}: {source}")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error("cannot create {path} readable by its owner only: {source}")]
    Private { path: PathBuf, source: std::io::Error },
}

impl StoreError {
    /// The ledger file itself is unusable and a backup must be restored (the window then
    /// opens its restore screen instead of the till).
    pub fn damaged_ledger(&self) -> bool {
        match self {
            StoreError::NotADatabase { .. } | StoreError::Corrupt { .. } => true,
            StoreError::Sqlite(e) => matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
            ),
            _ => false,
        }
    }

    fn classify(e: rusqlite::Error, path: &Path) -> StoreError {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                StoreError::NotADatabase {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                }
            }
            _ => e.into(),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        // A -shm file that cannot be grown (SHMSIZE) is, in practice, a full disk too.
        let full = match &e {
            rusqlite::Error::SqliteFailure(f, _) => {
                f.code == rusqlite::ErrorCode::DiskFull || f.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE
            }
            _ => false,
        };
        if full {
            StoreError::DiskFull(e)
        } else {
            StoreError::Sqlite(e)
        }
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    currency: Currency,
}

impl Store {
    /// Opens (creating if needed) the ledger at `path` and migrates it.
    pub fn open(path: &Path, currency: Currency) -> Result<Store, StoreError> {
        Store::open_with(path, currency, false)
    }

    /// `open`, after `PRAGMA quick_check` found every page whole (`Corrupt` otherwise), before
    /// anything is written: for the window's start, where a damaged ledger must lead to a
    /// restore before any sale. It reads the whole file (0.7-0.9 s for a year of trade), so
    /// commands do without.
    pub fn open_checked(path: &Path, currency: Currency) -> Result<Store, StoreError> {
        Store::open_with(path, currency, true)
    }

    fn open_with(path: &Path, currency: Currency, checked: bool) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Folder {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        check::header(path)?;
        private::make_private(path).map_err(|source| StoreError::Private {
            path: path.to_path_buf(),
            source,
        })?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| StoreError::classify(e, path))?;
        if checked {
            check::structure(&conn, path)?;
        }
        Store::setup(conn, path.to_path_buf(), currency)
    }

    /// An existing ledger opened for reading only: no migration, no pragma, nothing written
    /// (training mode reads the shop's catalog and users from the real ledger this way).
    pub fn open_read_only(path: &Path, currency: Currency) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| StoreError::classify(e, path))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            currency,
        })
    }

    /// A private in-memory ledger (tests, benchmarks, headless UI tests).
    pub fn open_in_memory(currency: Currency) -> Result<Store, StoreError> {
        Store::setup(Connection::open_in_memory()?, PathBuf::from(":memory:"), currency)
    }

    fn setup(mut conn: Connection, path: PathBuf, currency: Currency) -> Result<Store, StoreError> {
        // The first statement reads the header: this is where a non-SQLite file is detected.
        conn.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0))
            .map_err(|e| StoreError::classify(e, &path))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| StoreError::classify(e, &path))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate::migrate(&mut conn, &path)?;
        let store = Store { conn, path, currency };
        store.check_currency()?;
        Ok(store)
    }

    /// The ledger's currency is fixed once it holds money; amounts in two currencies never
    /// mix. Before that it follows the config (see `rebase_currency`).
    fn check_currency(&self) -> Result<(), StoreError> {
        let found: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'currency'", [], |r| r.get(0))
            .map(Some)
            .or_else(|e| {
                if matches!(e, rusqlite::Error::QueryReturnedNoRows) {
                    Ok(None)
                } else {
                    Err(e)
                }
            })?;
        match found {
            Some(code) if code != self.currency.alpha && self.rebase_currency(&code)? => Ok(()),
            Some(code) if code != self.currency.alpha => Err(StoreError::CurrencyMismatch {
                found: code,
                configured: self.currency.alpha.to_string(),
            }),
            Some(_) => Ok(()),
            None => {
                self.conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('currency', ?1)",
                    [self.currency.alpha],
                )?;
                Ok(())
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// `PRAGMA quick_check`: `Corrupt` names what it found.
    pub fn quick_check(&self) -> Result<(), StoreError> {
        check::structure(&self.conn, &self.path)
    }

    /// The connection, for copying the ledger with SQLite's backup API (`crate::backup`).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Parses a stored date, naming the bad value instead of panicking.
fn parse_date(text: &str) -> Result<jiff::civil::Date, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Damaged(format!("bad date '{text}'")))
}

fn parse_time(text: &str) -> Result<jiff::Timestamp, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Damaged(format!("bad timestamp '{text}'")))
}

#[cfg(test)]
mod tests;
