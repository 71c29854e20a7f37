//! Backups of the till's ledger: on demand and after every Z-report, into `[backup] folder`,
//! keeping the newest `[backup] keep`. A backup that fails after a Z-report does not undo or
//! hide the Z-report: it is audited as `backup.failed` and handed to the caller as a warning.

use super::{Till, TillError};
use crate::backup::{self, BackupFile, Made};
use std::path::PathBuf;

/// Why a backup was made, as its file name ends.
pub const REASON_MANUAL: &str = "manual";

/// A backup made and the old ones rotation deleted.
#[derive(Debug, Clone)]
pub struct BackupDone {
    pub made: Made,
    pub removed: Vec<PathBuf>,
}

/// What became of the backup a Z-report triggers.
#[derive(Debug, Clone)]
pub enum BackupOutcome {
    Made(BackupDone),
    /// The Z-report stands; the backup did not happen (the reason, for a warning).
    Failed(String),
}

impl Till {
    /// The folder holding the ledger file; `None` for a ledger that is not a file (tests).
    pub(super) fn data_dir(&self) -> Option<&std::path::Path> {
        let ledger = self.store.path();
        ledger.parent().filter(|_| ledger.is_absolute() || ledger.exists())
    }

    /// The folder backups go to; `None` for a ledger that is not a file (tests), and for a
    /// training ledger, which is never backed up (nor put among the real backups).
    pub fn backup_folder(&self) -> Option<PathBuf> {
        if self.training {
            return None;
        }
        Some(self.config.backup.folder_in(self.data_dir()?))
    }

    /// The backups in the backup folder, newest first.
    pub fn backups(&self) -> Result<Vec<BackupFile>, TillError> {
        match self.backup_folder() {
            Some(folder) => Ok(backup::list(&folder)?),
            None => Ok(Vec::new()),
        }
    }

    /// Backs the ledger up now (online: the till keeps working), checks the copy, rotates
    /// the folder, and audits it. `reason` ends the file name (`manual`, `z12`).
    pub fn backup_now(&mut self, reason: &str) -> Result<BackupDone, TillError> {
        let folder = self.backup_folder().ok_or_else(|| {
            TillError::Backup(backup::BackupError::NotALedger {
                path: self.store.path().to_path_buf(),
                why: match self.training {
                    true => "a training ledger is never backed up".into(),
                    false => "an in-memory ledger has no file to back up".into(),
                },
            })
        })?;
        let now = self.clock.now();
        let local = now.to_zoned(self.config.time_zone.clone()).datetime();
        let made = backup::create(self.store.connection(), &folder, local, Some(reason))?;
        // Rotation failing leaves one backup too many: worth a warning in the log, not an error.
        let removed = backup::rotate(&folder, self.config.backup.keep, Some(&made.file.path)).unwrap_or_else(|e| {
            tracing::warn!("backup rotation: {e}");
            Vec::new()
        });
        self.store.audit(
            now,
            &self.cashier(),
            "backup",
            &format!(
                "{} ({} bytes, integrity {}); {} old backup(s) removed",
                made.file.path.display(),
                made.file.size,
                made.integrity,
                removed.len()
            ),
        )?;
        Ok(BackupDone { made, removed })
    }

    /// The backup after Z-report `z_number` was committed: never an error, the outcome is
    /// kept for `take_backup_outcome`.
    pub(super) fn backup_after_z(&mut self, z_number: Option<i64>) {
        if self.backup_folder().is_none() {
            return;
        }
        let reason = z_number.map_or_else(|| "z".to_string(), |z| format!("z{z}"));
        let outcome = match self.backup_now(&reason) {
            Ok(done) => BackupOutcome::Made(done),
            Err(e) => {
                let text = e.to_string();
                tracing::warn!("backup after Z-report failed: {text}");
                let audited = self
                    .store
                    .audit(self.clock.now(), &self.cashier(), "backup.failed", &text);
                if let Err(a) = audited {
                    tracing::warn!("the failed backup could not be audited either: {a}");
                }
                BackupOutcome::Failed(text)
            }
        };
        self.last_backup = Some(outcome);
    }

    /// What became of the backup the last Z-report triggered, once.
    pub fn take_backup_outcome(&mut self) -> Option<BackupOutcome> {
        self.last_backup.take()
    }
}

#[cfg(test)]
mod tests {
    use crate::clock::ManualClock;
    use crate::money::{Currency, Money};
    use crate::store::Store;
    use crate::till::Till;
    use std::sync::Arc;

    fn till_in(dir: &std::path::Path, keep: u32) -> Till {
        let mut config = crate::config::Config::demo();
        config.time_zone = jiff::tz::TimeZone::UTC;
        config.backup.keep = keep;
        let store = Store::open(&dir.join(crate::store::FILE_NAME), config.currency).expect("ledger");
        let clock = Arc::new(ManualClock::new("2026-11-27T10:00:00Z".parse().expect("t")));
        Till::with_store(store, config, clock).expect("till")
    }

    #[test]
    fn a_z_report_is_followed_by_a_checked_backup_named_after_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut till = till_in(dir.path(), 30);
        let report = till.close_day(None, Money::zero(Currency::CNY)).expect("Z");
        let Some(super::BackupOutcome::Made(done)) = till.take_backup_outcome() else {
            panic!("a backup after the Z-report");
        };
        let z = report.z_number.expect("numbered");
        assert_eq!(done.made.file.reason.as_deref(), Some(format!("z{z}").as_str()));
        assert_eq!(done.made.file.path.parent(), Some(dir.path().join("backups").as_path()));
        let checked = crate::backup::check(&done.made.file.path).expect("the copy checks");
        assert_eq!(checked.last_z, Some(z), "the copy holds the Z-report");
        assert!(till.take_backup_outcome().is_none(), "taken once");
    }

    #[test]
    fn a_failed_backup_leaves_the_z_report_and_is_audited() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut till = till_in(dir.path(), 30);
        // A file where the backups folder should be: the folder cannot be created.
        std::fs::write(dir.path().join("backups"), b"in the way").expect("block");
        let before = till.store().audit_count().expect("count");
        let report = till
            .close_day(None, Money::zero(Currency::CNY))
            .expect("the Z-report stands");
        let Some(super::BackupOutcome::Failed(why)) = till.take_backup_outcome() else {
            panic!("a failure to report");
        };
        assert!(why.contains("backups"), "{why}");
        let day = report.business_day;
        assert!(till.stored_z_report(day).expect("read").is_some());
        let events = till.store().audit_count().expect("count");
        assert_eq!(events, before + 2, "the Z-report's event and backup.failed");
        assert_eq!(till.store().verify_audit().expect("verify"), None);
    }
}
