//! Settling a batch: the terminal's end-of-day totals, the batch marked Settled with them and
//! its reconciliation against the ledger, all in one transaction.

use super::batches::{BatchRow, current, move_to};
use super::totals::{self, TerminalTotals};
use super::{Store, StoreError};
use crate::money::{Currency, Money};
use crate::settlement::batch::BatchState;
use crate::settlement::reconcile::{LedgerCard, LedgerKind, Reconciliation, TerminalSide, UncountedCard, reconcile};
use crate::settlement::slip::{SlipFigures, reconcile_slip};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

/// The ledger's side of a batch: its approved card transactions.
pub(super) fn ledger(conn: &Connection, batch_id: i64, currency: Currency) -> Result<Vec<LedgerCard>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, refers_to, amount_minor, receipt_no, card_type FROM card_payments
         WHERE batch_id = ?1 AND state = 'approved' ORDER BY id",
    )?;
    let rows = stmt.query_map([batch_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, Option<u32>>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, refers_to, amount_minor, receipt_no, card_type) = row?;
        let kind = match kind.as_str() {
            "authorization" => LedgerKind::Payment,
            "reversal" => LedgerKind::Reversal,
            "refund" => LedgerKind::Refund,
            other => {
                return Err(StoreError::Damaged(format!(
                    "card payment #{id}: unknown kind '{other}'"
                )));
            }
        };
        out.push(LedgerCard {
            id,
            kind,
            refers_to,
            amount: Money::from_minor(amount_minor, currency),
            receipt_no,
            card_type,
        });
    }
    Ok(out)
}

/// The rows of the batch's period that the ledger does not count: declined (the terminal's
/// word, or recovery's finding that it was not booked) or still in doubt. The period starts
/// after the last row of the terminal's earlier batches; a row declined or in doubt has no batch.
fn uncounted(conn: &Connection, batch_id: i64, terminal: &str) -> Result<Vec<UncountedCard>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, receipt_no, state = 'in_doubt' FROM card_payments
         WHERE terminal = ?1 AND state IN ('declined', 'in_doubt')
           AND id > COALESCE((SELECT MAX(c.id) FROM card_payments c JOIN batches b ON b.id = c.batch_id
                              WHERE b.terminal = ?1 AND b.id < ?2), 0)
         ORDER BY id",
    )?;
    let rows = stmt.query_map(params![terminal, batch_id], |r| {
        Ok(UncountedCard {
            id: r.get(0)?,
            receipt_no: r.get(1)?,
            in_doubt: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Why a matching settlement cannot speak for the rows in doubt of its period, if it cannot:
/// the terminal may have closed another batch since the previous one the ledger settled, and
/// a row in doubt may sit in that one. Seen from the ledger: the previous batch did not
/// reconcile (a row in doubt since before it may be in it), or end-of-day totals other than
/// this settlement's arrived since (an automatic end-of-day with no batch in the ledger).
fn other_batch_possible(conn: &Connection, batch_id: i64, terminal: &str, totals_id: i64) -> Result<bool, StoreError> {
    let previous: Option<(String, Option<String>, Option<i64>)> = conn
        .query_row(
            "SELECT state, reconciliation, totals_id FROM batches WHERE terminal = ?1 AND id < ?2
             ORDER BY id DESC LIMIT 1",
            params![terminal, batch_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let mut since = 0;
    if let Some((state, reconciliation, totals)) = previous {
        let matched = reconciliation
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .is_some_and(|v| v["result"] == "match");
        if state != "settled" || !matched {
            return Ok(true);
        }
        since = totals.unwrap_or(0);
    }
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM terminal_totals WHERE terminal = ?1 AND id > ?2 AND id != ?3
           AND context != 'turnover_totals' AND COALESCE(result_code, 0) = 0)",
        params![terminal, since, totals_id],
        |r| r.get(0),
    )?)
}

/// The terminal's side of a reconciliation, from its stored totals.
pub fn terminal_side(t: &TerminalTotals, currency: Currency) -> TerminalSide {
    TerminalSide {
        receipt_range: t.receipt_range,
        per_card: t
            .per_card
            .iter()
            .map(|(scheme, count, amount)| (scheme.clone(), *count, Money::from_minor(*amount, currency)))
            .collect(),
    }
}

/// Marks `id` Settled by totals row `totals_id` and stores the reconciliation.
pub(super) fn settle_in(
    conn: &Connection,
    id: i64,
    totals_id: i64,
    at: &str,
    currency: Currency,
    why: &str,
) -> Result<Reconciliation, StoreError> {
    let totals = totals::read(conn, totals_id)?
        .ok_or_else(|| StoreError::Refused(format!("there are no terminal totals #{totals_id}")))?;
    move_to(conn, id, BatchState::Settled, at, "terminal", why)?;
    let terminal: String = conn.query_row("SELECT terminal FROM batches WHERE id = ?1", [id], |r| r.get(0))?;
    let result = if totals.context == super::SLIP_CONTEXT {
        let figures = SlipFigures::from_stored(
            &totals.per_card,
            totals.total_minor.unwrap_or(0),
            totals.receipt_range,
            currency,
        );
        reconcile_slip(&figures, &ledger(conn, id, currency)?, currency)
    } else {
        let others = uncounted(conn, id, &terminal)?;
        reconcile(
            &terminal_side(&totals, currency),
            &ledger(conn, id, currency)?,
            &others,
            currency,
        )
    };
    conn.execute(
        "UPDATE batches SET totals_id = ?1, closed_at = ?2, last_error = NULL, reconciliation = ?3 WHERE id = ?4",
        params![totals_id, at, result.to_json().to_string(), id],
    )?;
    super::audit::append(
        conn,
        at,
        "till",
        "batch_reconciled",
        &format!(
            "batch #{id} reconciled with terminal totals #{totals_id}: {}",
            result.as_str()
        ),
    )?;
    Ok(result)
}

impl Store {
    /// The rows still in doubt that the settlement of batch `id` shows were not booked: it was
    /// settled and matched, so the terminal would have counted a row of its period that it booked
    /// (one more, or one fewer for a reversal) and its receipt number would be in the range
    /// unknown to the ledger; unless, as far as the ledger can see, another batch may hold it
    /// (`other_batch_possible`). Empty when the settlement cannot speak for them.
    pub fn batch_settled_doubts(&self, id: i64) -> Result<Vec<i64>, StoreError> {
        let Some(batch) = self.batch(id)? else {
            return Ok(Vec::new());
        };
        let (BatchState::Settled, Some(Reconciliation::Match), Some(totals_id)) =
            (batch.state, &batch.reconciliation, batch.totals_id)
        else {
            return Ok(Vec::new());
        };
        if other_batch_possible(&self.conn, id, &batch.terminal, totals_id)? {
            return Ok(Vec::new());
        }
        Ok(uncounted(&self.conn, id, &batch.terminal)?
            .into_iter()
            .filter(|c| c.in_doubt)
            .map(|c| c.id)
            .collect())
    }

    /// The ledger's card transactions of a batch, as reconciliation counts them.
    pub fn batch_ledger(&self, id: i64) -> Result<Vec<LedgerCard>, StoreError> {
        ledger(&self.conn, id, self.currency)
    }

    /// Marks a batch Settled by stored totals and stores its reconciliation, in one transaction.
    pub fn batch_settle(&mut self, id: i64, totals_id: i64, now: Timestamp) -> Result<Reconciliation, StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let result = settle_in(&tx, id, totals_id, &at, self.currency, "end-of-day totals received")?;
        tx.commit()?;
        Ok(result)
    }

    /// Stores the totals of an end-of-day the terminal ran by itself (they can arrive inside
    /// any exchange) and settles the terminal's unsettled batch with them, in one transaction.
    /// The same end-of-day reported again (its acknowledgement was lost) is stored but
    /// settles nothing more. Returns the totals id and the batch settled, if any.
    pub fn record_end_of_day(&mut self, t: &TerminalTotals, now: Timestamp) -> Result<(i64, Option<i64>), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let repeated: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM terminal_totals WHERE terminal = ?1 AND ?2 IS NOT NULL AND trace = ?2
               AND receipt_from IS ?3 AND receipt_to IS ?4 AND total_minor IS ?5 AND context != 'turnover_totals')",
            params![
                t.terminal,
                t.trace,
                t.receipt_range.map(|r| r.0),
                t.receipt_range.map(|r| r.1),
                t.total_minor
            ],
            |r| r.get(0),
        )?;
        let totals_id = totals::insert(&tx, t, &at)?;
        let mut settled = None;
        if t.succeeded()
            && !repeated
            && let Some(batch) = current(&tx, &t.terminal, self.currency)?
        {
            let why = format!("the terminal settled it by itself (totals during {})", t.context);
            settle_in(&tx, batch.id, totals_id, &at, self.currency, &why)?;
            settled = Some(batch.id);
        }
        tx.commit()?;
        Ok((totals_id, settled))
    }

    /// For a batch left Settling (a crash after the terminal's totals were stored): the
    /// successful end-of-day totals of its terminal that arrived since settling began.
    pub fn settling_totals(&self, batch: &BatchRow) -> Result<Option<i64>, StoreError> {
        let Some(floor) = batch.settling_floor else {
            return Ok(None);
        };
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM terminal_totals WHERE terminal = ?1 AND id > ?2 AND context = 'end_of_day'
                   AND COALESCE(result_code, 0) = 0 ORDER BY id LIMIT 1",
                params![batch.terminal, floor],
                |r| r.get(0),
            )
            .optional()?)
    }
}
