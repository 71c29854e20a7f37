//! Deferrals of batches, and the manager PIN's wrong-attempt count that locks deferral.

use super::batches::move_to;
use super::products::none;
use super::{Store, StoreError, audit, parse_time};
use crate::settlement::batch::{BatchState, DeferReason, Deferral};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

/// A batch's deferral as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDeferral {
    pub batch_id: i64,
    pub deferral: Deferral,
}

impl Store {
    /// Defers a batch; the deferral and the state change commit together.
    pub fn batch_defer(&mut self, id: i64, d: &Deferral, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let text = match &d.reason {
            DeferReason::Other(t) => Some(t.as_str()),
            _ => None,
        };
        let why = format!(
            "deferred by {} until {} ({}{})",
            d.by,
            d.until,
            d.reason.code(),
            text.map(|t| format!(": {t}")).unwrap_or_default()
        );
        let tx = self.conn.transaction()?;
        move_to(&tx, id, BatchState::Deferred, &at, &d.by, &why)?;
        tx.execute(
            "INSERT INTO deferrals (batch_id, until, by, reason, reason_text, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, d.until.to_string(), d.by, d.reason.code(), text, d.at.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The batch's newest deferral.
    pub fn batch_deferral(&self, id: i64) -> Result<Option<StoredDeferral>, StoreError> {
        latest(&self.conn, id)
    }

    /// Consecutive wrong manager PINs for deferral, and the lock's end if one is in force.
    pub fn pin_failures(&self) -> Result<(u32, Option<Timestamp>), StoreError> {
        let get = |key: &str| -> Result<Option<String>, StoreError> {
            Ok(self
                .conn
                .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()?)
        };
        let count = get("manager_pin_failures")?.and_then(|v| v.parse().ok()).unwrap_or(0);
        let until = get("manager_pin_locked_until")?
            .as_deref()
            .map(parse_time)
            .transpose()?;
        Ok((count, until))
    }

    /// Records a wrong PIN (and a lock, when it is the last one allowed), audited.
    pub fn pin_failed(&mut self, count: u32, lock_until: Option<Timestamp>, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('manager_pin_failures', ?1)",
            [count.to_string()],
        )?;
        if lock_until.is_none() {
            tx.execute("DELETE FROM meta WHERE key = 'manager_pin_locked_until'", [])?;
        }
        let detail = match lock_until {
            Some(until) => {
                tx.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('manager_pin_locked_until', ?1)",
                    [until.to_string()],
                )?;
                format!("wrong manager PIN ({count} in a row): deferral locked until {until}")
            }
            None => format!("wrong manager PIN ({count} in a row)"),
        };
        audit::append(&tx, &at, "till", "manager_pin", &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// A right PIN clears the count and any expired lock.
    pub fn pin_succeeded(&mut self) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM meta WHERE key IN ('manager_pin_failures', 'manager_pin_locked_until')",
            [],
        )?;
        Ok(())
    }
}

/// A batch's newest deferral, read with every value checked.
pub(super) fn latest(conn: &Connection, id: i64) -> Result<Option<StoredDeferral>, StoreError> {
    let raw: Option<(String, String, String, Option<String>, String)> = conn
        .query_row(
            "SELECT until, by, reason, reason_text, at FROM deferrals WHERE batch_id = ?1 ORDER BY id DESC LIMIT 1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .map(Some)
        .or_else(none)?;
    let Some((until, by, reason, text, at)) = raw else {
        return Ok(None);
    };
    let reason = DeferReason::from_code(&reason, text)
        .ok_or_else(|| StoreError::Damaged(format!("deferral of batch #{id}: unknown reason '{reason}'")))?;
    Ok(Some(StoredDeferral {
        batch_id: id,
        deferral: Deferral {
            until: parse_time(&until)?,
            by,
            reason,
            at: parse_time(&at)?,
        },
    }))
}
