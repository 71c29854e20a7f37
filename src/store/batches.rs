//! Card batches: what each terminal holds since its last end-of-day, and their deferrals.
//! Every change is checked with `BatchState::can_become` and audited in its transaction.
//! Settling a batch (with its reconciliation) is in batch_settle.rs, deferrals in deferrals.rs.

use super::card::CardJournal;
use super::{Store, StoreError, audit, parse_date, parse_time};
use crate::settlement::batch::BatchState;
use crate::settlement::reconcile::Reconciliation;
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, params};

pub use crate::settlement::batch::Acknowledgement;

/// One batch as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub id: i64,
    pub terminal: String,
    pub state: BatchState,
    pub opened_at: Timestamp,
    pub first_day: Date,
    pub updated_at: Timestamp,
    /// When it was settled or lost.
    pub closed_at: Option<Timestamp>,
    pub settling_floor: Option<i64>,
    /// The terminal totals that settled it.
    pub totals_id: Option<i64>,
    pub last_error: Option<String>,
    pub reconciliation: Option<Reconciliation>,
    pub acknowledged: Option<Acknowledgement>,
}

const COLUMNS: &str = "id, terminal, state, opened_at, first_day, updated_at, closed_at, settling_floor, totals_id,
     last_error, reconciliation, ack_by, ack_note, ack_at";

type Raw = (
    (i64, String, String, String, String, String, Option<String>),
    (Option<i64>, Option<i64>, Option<String>, Option<String>),
    (Option<String>, Option<String>, Option<String>),
);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        (
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        ),
        (r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?),
        (r.get(11)?, r.get(12)?, r.get(13)?),
    ))
}

fn to_row(raw: Raw, currency: crate::money::Currency) -> Result<BatchRow, StoreError> {
    let ((id, terminal, state, opened_at, first_day, updated_at, closed_at), more, ack) = raw;
    let (settling_floor, totals_id, last_error, reconciliation) = more;
    let bad = |what: String| StoreError::Damaged(format!("batch #{id}: {what}"));
    let reconciliation = match reconciliation {
        Some(text) => {
            let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(format!("reconciliation: {e}")))?;
            Some(Reconciliation::from_json(&v, currency).map_err(|e| bad(format!("reconciliation: {e}")))?)
        }
        None => None,
    };
    let acknowledged = match ack {
        (Some(by), note, Some(at)) => Some(Acknowledgement {
            by,
            note: note.unwrap_or_default(),
            at: parse_time(&at)?,
        }),
        _ => None,
    };
    Ok(BatchRow {
        id,
        terminal,
        state: BatchState::parse(&state).ok_or_else(|| bad(format!("unknown state '{state}'")))?,
        opened_at: parse_time(&opened_at)?,
        first_day: parse_date(&first_day)?,
        updated_at: parse_time(&updated_at)?,
        closed_at: closed_at.as_deref().map(parse_time).transpose()?,
        settling_floor,
        totals_id,
        last_error,
        reconciliation,
        acknowledged,
    })
}

pub(super) fn rows(
    conn: &Connection,
    condition: &str,
    args: impl rusqlite::Params,
    currency: crate::money::Currency,
) -> Result<Vec<BatchRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM batches WHERE {condition}");
    let mut stmt = conn.prepare(&sql)?;
    let raws = stmt.query_map(args, raw)?.collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(|r| to_row(r, currency)).collect()
}

/// The terminal's unsettled batch, if it has one.
pub(super) fn current(
    conn: &Connection,
    terminal: &str,
    currency: crate::money::Currency,
) -> Result<Option<BatchRow>, StoreError> {
    Ok(rows(
        conn,
        "terminal = ?1 AND state NOT IN ('settled', 'lost') ORDER BY id DESC LIMIT 1",
        [terminal],
        currency,
    )?
    .into_iter()
    .next())
}

/// Opens a new batch for the terminal (its first transaction is on `day`).
pub(super) fn create(conn: &Connection, terminal: &str, day: Date, at: &str) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO batches (terminal, state, opened_at, first_day, updated_at) VALUES (?1, 'open', ?2, ?3, ?2)",
        params![terminal, at, day.to_string()],
    )?;
    let id = conn.last_insert_rowid();
    audit::append(
        conn,
        at,
        "till",
        "batch_open",
        &format!("batch #{id} of {terminal} opened (business day {day})"),
    )?;
    Ok(id)
}

/// Puts an approved card transaction into its terminal's unsettled batch (opened now if there
/// is none), unless it is in one already.
pub(super) fn assign(conn: &Connection, card_id: i64, day: Date, at: &str) -> Result<(), StoreError> {
    let (terminal, batch): (String, Option<i64>) = conn.query_row(
        "SELECT terminal, batch_id FROM card_payments WHERE id = ?1",
        [card_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if batch.is_some() {
        return Ok(());
    }
    let existing: Option<i64> = conn
        .query_row(
            "SELECT id FROM batches WHERE terminal = ?1 AND state NOT IN ('settled', 'lost') ORDER BY id DESC LIMIT 1",
            [&terminal],
            |r| r.get(0),
        )
        .optional()?;
    let id = match existing {
        Some(id) => id,
        None => create(conn, &terminal, day, at)?,
    };
    conn.execute("UPDATE batches SET updated_at = ?1 WHERE id = ?2", params![at, id])?;
    conn.execute(
        "UPDATE card_payments SET batch_id = ?1 WHERE id = ?2",
        params![id, card_id],
    )?;
    Ok(())
}

/// Moves a batch to `to` if its state allows it; returns the state it had.
pub(super) fn move_to(
    conn: &Connection,
    id: i64,
    to: BatchState,
    at: &str,
    actor: &str,
    why: &str,
) -> Result<BatchState, StoreError> {
    let state: Option<String> = conn
        .query_row("SELECT state FROM batches WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    let state = state.ok_or_else(|| StoreError::Refused(format!("there is no batch #{id}")))?;
    let from = BatchState::parse(&state)
        .ok_or_else(|| StoreError::Damaged(format!("batch #{id}: unknown state '{state}'")))?;
    if !from.can_become(to) {
        return Err(StoreError::Refused(format!(
            "batch #{id} is {} and cannot become {}",
            from.as_str(),
            to.as_str()
        )));
    }
    conn.execute(
        "UPDATE batches SET state = ?1, updated_at = ?2 WHERE id = ?3",
        params![to.as_str(), at, id],
    )?;
    let detail = format!("batch #{id} {} -> {}: {why}", from.as_str(), to.as_str());
    audit::append(conn, at, actor, "batch_state", &detail)?;
    Ok(from)
}

impl Store {
    pub fn batch(&self, id: i64) -> Result<Option<BatchRow>, StoreError> {
        Ok(rows(&self.conn, "id = ?1", [id], self.currency)?.into_iter().next())
    }

    /// The terminal's unsettled batch, if any.
    pub fn current_batch(&self, terminal: &str) -> Result<Option<BatchRow>, StoreError> {
        current(&self.conn, terminal, self.currency)
    }

    /// Every unsettled batch (Open, Settling, Deferred, Failed), all terminals, oldest first.
    pub fn unsettled_batches(&self) -> Result<Vec<BatchRow>, StoreError> {
        rows(
            &self.conn,
            "state NOT IN ('settled', 'lost') ORDER BY id",
            [],
            self.currency,
        )
    }

    /// The newest `limit` batches, newest first.
    pub fn batch_history(&self, limit: u32) -> Result<Vec<BatchRow>, StoreError> {
        rows(&self.conn, "1 ORDER BY id DESC LIMIT ?1", [limit], self.currency)
    }

    /// Opens an empty batch for a terminal that has none (settling a batch the ledger never
    /// saw a payment of).
    pub fn batch_open(&mut self, terminal: &str, day: Date, now: Timestamp) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        if let Some(b) = current(&tx, terminal, self.currency)? {
            return Ok(b.id);
        }
        let id = create(&tx, terminal, day, &now.to_string())?;
        tx.commit()?;
        Ok(id)
    }

    /// End-of-day is about to be asked of the terminal: totals stored from now on belong to it.
    pub fn batch_settling(&mut self, id: i64, now: Timestamp, actor: &str) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        move_to(
            &tx,
            id,
            BatchState::Settling,
            &at,
            actor,
            "end-of-day asked of the terminal",
        )?;
        tx.execute(
            "UPDATE batches SET settling_floor = (SELECT COALESCE(MAX(id), 0) FROM terminal_totals), last_error = NULL
             WHERE id = ?1",
            [id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The end-of-day failed; the batch stays unsettled with the terminal's reason.
    pub fn batch_failed(&mut self, id: i64, reason: &str, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        move_to(&tx, id, BatchState::Failed, &at, "terminal", reason)?;
        tx.execute("UPDATE batches SET last_error = ?1 WHERE id = ?2", params![reason, id])?;
        tx.commit()?;
        Ok(())
    }

    /// The terminal's clear time passed with the batch unsettled: its payments must be claimed.
    pub fn batch_lost(&mut self, id: i64, why: &str, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        move_to(&tx, id, BatchState::Lost, &at, "till", why)?;
        tx.execute("UPDATE batches SET closed_at = ?1 WHERE id = ?2", params![at, id])?;
        tx.commit()?;
        Ok(())
    }

    /// A deferral ran out: the batch is Open again and the guard judges it afresh.
    pub fn batch_reopen(&mut self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        move_to(&tx, id, BatchState::Open, &at, "till", "deferral expired")?;
        tx.commit()?;
        Ok(())
    }

    /// A manager acknowledges a settled batch's reconciliation mismatch, with a note.
    pub fn batch_acknowledge(&mut self, id: i64, by: &str, note: &str, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let row = rows(&tx, "id = ?1", [id], self.currency)?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Refused(format!("there is no batch #{id}")))?;
        match (&row.reconciliation, &row.acknowledged) {
            (Some(Reconciliation::Mismatch(_)), None) => {}
            (Some(Reconciliation::Mismatch(_)), Some(a)) => {
                return Err(StoreError::Refused(format!(
                    "batch #{id}'s mismatch was acknowledged already by {} at {}",
                    a.by, a.at
                )));
            }
            _ => {
                return Err(StoreError::Refused(format!(
                    "batch #{id} has no reconciliation mismatch to acknowledge"
                )));
            }
        }
        tx.execute(
            "UPDATE batches SET ack_by = ?1, ack_note = ?2, ack_at = ?3, updated_at = ?3 WHERE id = ?4",
            params![by, note, at, id],
        )?;
        audit::append(
            &tx,
            &at,
            by,
            "batch_acknowledged",
            &format!("batch #{id} reconciliation mismatch acknowledged: {note}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The approved card transactions of a batch, in journal order.
    pub fn batch_cards(&self, id: i64) -> Result<Vec<CardJournal>, StoreError> {
        self.cards_where("batch_id = ?1 AND state = 'approved'", [id])
    }
}

#[cfg(test)]
mod tests;
