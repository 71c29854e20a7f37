//! Putting a backup in place of the ledger. The backup is checked first (integrity, a
//! Tillguard ledger, schema, currency, an unbroken audit chain); a ledger whose card batch
//! holds unsettled payments is replaced only when an admin forces it with their PIN (the
//! terminal still holds that money, and the backup may not know of it). The replaced ledger
//! is never deleted: it is kept in `replaced/` in the data folder, and the restored ledger's
//! audit chain records the restore (from which file, what was kept, who forced it).
//!
//! A damaged ledger (the case a restore is most needed for) cannot be asked about its
//! batches: it is replaced without that check, kept aside all the same, and the audit event
//! says so. These are free functions, not `Till` methods: the till must not have the ledger
//! open while it is replaced, and a damaged ledger cannot be opened at all.

use super::{Paths, Till, TillError};
use crate::backup::{self, BackupError, Checked};
use crate::clock::Clock;
use crate::config::Config;
use crate::permission::Action;
use crate::settlement::batch::BatchView;
use crate::store::{FILE_NAME, Store, StoreError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The folder in the data folder that keeps replaced ledgers.
pub const REPLACED_FOLDER: &str = "replaced";

#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error(transparent)]
    Till(#[from] TillError),
    /// The copy of the backup did not open as this till's ledger (currency, migration).
    #[error("the backup {backup} cannot be used: {source}")]
    Unusable { backup: PathBuf, source: StoreError },
    #[error(
        "the backup {backup} has a broken audit chain at event {seq} ({problem}): it was changed after it was written; choose another backup"
    )]
    BrokenChain { backup: PathBuf, seq: i64, problem: String },
    #[error(
        "{} holds card payments not yet settled ({}); settle them first (tillguard settle), or an admin forces the restore (tillguard restore FILE --force)",
        ledger.display(), describe(batches)
    )]
    Unsettled { ledger: PathBuf, batches: Vec<BatchView> },
    #[error("{} is open in another Tillguard (the window or a command); close it, then restore", ledger.display())]
    InUse { ledger: PathBuf },
    #[error("{} is the ledger itself; choose a backup", .0.display())]
    SameFile(PathBuf),
}

fn describe(batches: &[BatchView]) -> String {
    batches
        .iter()
        .map(|b| {
            format!(
                "batch #{} of {}, {}, {} payment(s), {}",
                b.id,
                b.terminal,
                b.state.as_str(),
                b.payments,
                b.amount
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The ledger a restore would replace, as far as it can be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Current {
    /// No ledger file yet.
    Missing,
    /// It does not open: why (the batch check cannot run).
    Damaged(String),
    /// It opens; its unsettled batches holding card payments (empty: nothing stops a restore).
    Healthy { unsettled: Vec<BatchView> },
}

/// What a restore of `backup` would do, for the restore screen to show before it asks.
#[derive(Debug, Clone)]
pub struct Plan {
    pub backup: Checked,
    pub ledger: PathBuf,
    pub current: Current,
    /// The backup's currency differs from the configured one (`(backup, config)`): a backup
    /// holding sales in it will be refused.
    pub currency_mismatch: Option<(String, String)>,
}

impl Plan {
    /// Only an admin's PIN lets this restore go ahead.
    pub fn needs_admin(&self) -> bool {
        matches!(&self.current, Current::Healthy { unsettled } if !unsettled.is_empty())
    }
}

/// What to restore, and who asks.
#[derive(Debug, Clone, Copy)]
pub struct RestoreRequest<'a> {
    pub backup: &'a Path,
    /// An admin's PIN, to force a restore over unsettled card payments (checked against the
    /// ledger's users, or the backup's when the ledger is damaged or missing). Given without
    /// need, it is checked all the same and its admin named in the audit event.
    pub admin_pin: Option<&'a str>,
    /// Who asks (the window's logged-in user); the config's `[till] cashier` otherwise.
    pub by: Option<&'a str>,
}

/// A restore that was done.
#[derive(Debug, Clone)]
pub struct Restored {
    pub backup: Checked,
    pub ledger: PathBuf,
    /// Where the replaced ledger is kept; `None` when there was none.
    pub kept_aside: Option<PathBuf>,
    /// The state of the replaced ledger when it was checked.
    pub replaced: Current,
    /// The admin who forced it, if a PIN was given.
    pub forced_by: Option<String>,
    /// The audit event's text.
    pub detail: String,
    pub duration: Duration,
}

/// Opens the till for the window: `Till::open` after `PRAGMA quick_check` (`Store::open_checked`).
/// A damaged ledger gives `TillError::Store(e)` with `e.damaged_ledger()`: the window then
/// offers the backups (`backups`, `plan`, `restore`) instead of the till.
pub fn open_checked(paths: &Paths, clock: Arc<dyn Clock>) -> Result<Till, TillError> {
    let config = Config::load(&paths.config_file)?;
    let store = Store::open_checked(&paths.data_dir.join(FILE_NAME), config.currency)?;
    let mut till = Till::with_store(store, config, clock)?;
    till.config_file = Some(paths.config_file.clone());
    Ok(till)
}

/// The backups the till's config points at, newest first; works when the ledger is damaged.
pub fn backups(paths: &Paths) -> Result<Vec<backup::BackupFile>, RestoreError> {
    let config = Config::load(&paths.config_file).map_err(TillError::from)?;
    Ok(backup::list(&config.backup.folder_in(&paths.data_dir))?)
}

/// Checks `backup` and the ledger it would replace, changing nothing.
pub fn plan(paths: &Paths, clock: Arc<dyn Clock>, backup_file: &Path) -> Result<Plan, RestoreError> {
    let config = Config::load(&paths.config_file).map_err(TillError::from)?;
    let ledger = paths.data_dir.join(FILE_NAME);
    refuse_same_file(backup_file, &ledger)?;
    let checked = backup::check(backup_file)?;
    let (current, _till) = current(paths, clock, &ledger)?;
    let configured = config.currency.alpha.to_string();
    let currency_mismatch = checked
        .currency
        .clone()
        .filter(|c| *c != configured)
        .map(|c| (c, configured));
    Ok(Plan {
        backup: checked,
        ledger,
        current,
        currency_mismatch,
    })
}

/// Replaces the ledger of `paths` with `request.backup`. Nothing is changed unless every
/// check passed; the replaced ledger is kept in `replaced/`.
pub fn restore(paths: &Paths, clock: Arc<dyn Clock>, request: RestoreRequest<'_>) -> Result<Restored, RestoreError> {
    let started = Instant::now();
    let config = Config::load(&paths.config_file).map_err(TillError::from)?;
    let ledger = paths.data_dir.join(FILE_NAME);
    refuse_same_file(request.backup, &ledger)?;
    let checked = backup::check(request.backup)?;
    let (replaced, mut current_till) = current(paths, clock.clone(), &ledger)?;
    let mut forced_by = None;
    if let (Some(till), Some(pin)) = (current_till.as_mut(), request.admin_pin) {
        forced_by = Some(till.approve(Action::Restore, pin)?);
    }
    if let Current::Healthy { unsettled } = &replaced
        && !unsettled.is_empty()
        && forced_by.is_none()
    {
        return Err(RestoreError::Unsettled {
            ledger,
            batches: unsettled.clone(),
        });
    }

    // The copy is checked as the ledger it will be: opened (structure, migrations, currency),
    // its audit chain walked, the restore appended to it.
    let staged = backup::stage(request.backup, &paths.data_dir)?;
    let unusable = |source| RestoreError::Unusable {
        backup: request.backup.to_path_buf(),
        source,
    };
    let store = Store::open(staged.path(), config.currency).map_err(unusable)?;
    if let Some(broken) = store.verify_audit().map_err(unusable)? {
        return Err(RestoreError::BrokenChain {
            backup: request.backup.to_path_buf(),
            seq: broken.seq,
            problem: broken.problem,
        });
    }
    let mut restored_till = Till::with_store(store, config.clone(), clock.clone())?;
    if current_till.is_none()
        && let Some(pin) = request.admin_pin
    {
        // No readable ledger to ask: the backup's own admins vouch.
        forced_by = Some(restored_till.approve(Action::Restore, pin)?);
    }
    let now = clock.now();
    let local = now.to_zoned(config.time_zone.clone()).datetime();
    let aside_folder = paths.data_dir.join(REPLACED_FOLDER);
    let kept = ledger
        .exists()
        .then(|| backup::free_name(&aside_folder, local))
        .transpose()?;
    let detail = event_detail(request.backup, kept.as_deref(), &replaced, forced_by.as_ref());
    let actor = forced_by
        .as_ref()
        .map(|o| o.name.clone())
        .or(request.by.map(str::to_string))
        .unwrap_or_else(|| config.cashier.clone());
    restored_till
        .store
        .audit(now, &actor, "restore", &detail)
        .map_err(TillError::from)?;
    drop(restored_till);

    // The last connection to close deletes the ledger's -wal; one still there after ours
    // closed belongs to another process that has the ledger open.
    drop(current_till);
    if matches!(replaced, Current::Healthy { .. }) && backup::suffixed(&ledger, "-wal").exists() {
        return Err(RestoreError::InUse { ledger });
    }
    let kept_aside = backup::replace(&ledger, staged, kept.as_deref())?;
    tracing::info!(backup = %request.backup.display(), "ledger restored: {detail}");
    Ok(Restored {
        backup: checked,
        ledger,
        kept_aside,
        replaced,
        forced_by: forced_by.map(|o| o.name),
        detail,
        duration: started.elapsed(),
    })
}

fn refuse_same_file(backup_file: &Path, ledger: &Path) -> Result<(), RestoreError> {
    let same = match (backup_file.canonicalize(), ledger.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(RestoreError::SameFile(backup_file.to_path_buf()));
    }
    Ok(())
}

/// The ledger as it is now, and the till on it when it opens.
fn current(paths: &Paths, clock: Arc<dyn Clock>, ledger: &Path) -> Result<(Current, Option<Till>), RestoreError> {
    if !ledger.exists() {
        return Ok((Current::Missing, None));
    }
    match Till::open(paths, clock) {
        Ok(till) => {
            let unsettled = till
                .unsettled_batches()?
                .into_iter()
                .filter(|b| b.payments > 0)
                .collect();
            Ok((Current::Healthy { unsettled }, Some(till)))
        }
        Err(e) => match damage(&e) {
            Some(why) => Ok((Current::Damaged(why), None)),
            None => Err(e.into()),
        },
    }
}

/// What is wrong with the ledger file, when it is the file itself that is unusable (not the
/// config, not a newer schema).
fn damage(e: &TillError) -> Option<String> {
    match e {
        TillError::Store(StoreError::NotADatabase { message, .. }) => Some(message.clone()),
        TillError::Store(StoreError::Corrupt { detail, .. }) => Some(detail.clone()),
        TillError::Store(e) if e.damaged_ledger() => Some(e.to_string()),
        _ => None,
    }
}

fn event_detail(
    backup_file: &Path,
    kept: Option<&Path>,
    replaced: &Current,
    forced_by: Option<&crate::users::Operator>,
) -> String {
    let mut text = format!("from backup {}", backup_file.display());
    match kept {
        Some(kept) => text.push_str(&format!("; the replaced ledger is kept as {}", kept.display())),
        None => text.push_str("; there was no ledger to replace"),
    }
    match replaced {
        Current::Missing => {}
        Current::Damaged(why) => text.push_str(&format!(
            "; the replaced ledger was damaged, so its card batches could not be checked ({why})"
        )),
        Current::Healthy { unsettled } if unsettled.is_empty() => {
            text.push_str("; no unsettled card payments were replaced")
        }
        Current::Healthy { unsettled } => {
            text.push_str(&format!("; unsettled card payments replaced: {}", describe(unsettled)))
        }
    }
    if let Some(admin) = forced_by {
        text.push_str(&format!("; forced by {} ({})", admin.name, admin.role.as_str()));
    }
    text
}

#[cfg(test)]
mod tests;
