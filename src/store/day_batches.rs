//! The card batches a day's report carries (the rule is `settlement::report::on_report`),
//! read with their totals, reconciliation, acknowledgement and deferral.

use super::batch_settle::ledger;
use super::batches::{BatchRow, rows};
use super::{Store, StoreError, deferrals, parse_date, parse_time, totals};
use crate::money::{Currency, Money};
use crate::settlement::batch::BatchState;
use crate::settlement::reconcile::ledger_net;
use crate::settlement::report::{
    BatchDays, CardSettlement, LostBatch, SettledBatch, SettledTotals, UnsettledBatch, on_report,
};
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, params};

/// Batches that may be on the report of `?1`, given the latest earlier Z-report (day `?2`,
/// closed at `?3`, both NULL if none). A settled or lost batch can only be if it was closed
/// after that Z-report (compared on whole seconds, as stored times may carry fractions) or
/// holds transactions of a later day; `on_report` then decides exactly.
const CANDIDATES: &str = "first_day <= ?1 AND (
       state NOT IN ('settled', 'lost') OR ?2 IS NULL OR first_day > ?2 OR closed_at >= substr(?3, 1, 19)
       OR id IN (SELECT c.batch_id FROM sales s JOIN card_payments c ON c.sale_id = s.id
                 WHERE s.business_day > ?2 AND s.business_day <= ?1 AND c.batch_id IS NOT NULL))
     ORDER BY id";

/// The card-settlement section of the report of `day`, as the batches stand now.
pub(super) fn card_settlement(conn: &Connection, day: Date, currency: Currency) -> Result<CardSettlement, StoreError> {
    let day_text = day.to_string();
    let prior: Option<(String, String)> = conn
        .query_row(
            "SELECT business_day, created_at FROM z_reports WHERE business_day < ?1
             ORDER BY business_day DESC LIMIT 1",
            [&day_text],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (prior_day, prior_at) = prior.unzip();
    let mut out = CardSettlement::default();
    for b in rows(conn, CANDIDATES, params![day_text, prior_day, prior_at], currency)? {
        if on_report(day, &batch_days(conn, &b, day)?) {
            add(conn, &mut out, b, currency)?;
        }
    }
    out.manual = super::manual_card::lines(conn, day, day, currency)?;
    Ok(out)
}

/// The facts `on_report` needs about one batch.
fn batch_days(conn: &Connection, b: &BatchRow, day: Date) -> Result<BatchDays, StoreError> {
    let last: Option<String> = conn.query_row(
        "SELECT MAX(s.business_day) FROM card_payments c JOIN sales s ON s.id = c.sale_id WHERE c.batch_id = ?1",
        [b.id],
        |r| r.get(0),
    )?;
    let last_day = match last {
        Some(text) => parse_date(&text)?.max(b.first_day),
        None => b.first_day,
    };
    let mut stmt = conn.prepare_cached(
        "SELECT business_day, created_at FROM z_reports WHERE business_day >= ?1 AND business_day <= ?2",
    )?;
    let raw = stmt
        .query_map(params![last_day.to_string(), day.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let z_closed = raw
        .iter()
        .map(|(d, at)| Ok((parse_date(d)?, parse_time(at)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(BatchDays {
        state: b.state,
        first_day: b.first_day,
        last_day,
        closed_at: b.closed_at,
        z_closed,
    })
}

/// Adds one batch to its part of the section.
fn add(conn: &Connection, out: &mut CardSettlement, b: BatchRow, currency: Currency) -> Result<(), StoreError> {
    let (count, amount) = ledger_net(&ledger(conn, b.id, currency)?, currency);
    let deferral = deferrals::latest(conn, b.id)?.map(|d| d.deferral);
    let closed_at = || {
        b.closed_at.ok_or_else(|| {
            StoreError::Damaged(format!(
                "batch #{} is {} but has no closing time",
                b.id,
                b.state.as_str()
            ))
        })
    };
    match b.state {
        BatchState::Settled => {
            let totals = match b.totals_id {
                Some(id) => totals::read(conn, id)?.map(|t| SettledTotals {
                    total: t.total_minor.map(|m| Money::from_minor(m, currency)),
                    receipt_range: t.receipt_range,
                    per_card: t
                        .per_card
                        .into_iter()
                        .map(|(card, count, minor)| (card, count, Money::from_minor(minor, currency)))
                        .collect(),
                }),
                None => None,
            };
            out.settled.push(SettledBatch {
                id: b.id,
                settled_at: closed_at()?,
                terminal: b.terminal,
                first_day: b.first_day,
                count,
                amount,
                totals,
                reconciliation: b.reconciliation,
                acknowledged: b.acknowledged,
                deferral,
            });
        }
        BatchState::Lost => out.lost.push(LostBatch {
            id: b.id,
            lost_at: closed_at()?,
            terminal: b.terminal,
            first_day: b.first_day,
            count,
            amount,
            deferral,
        }),
        state => out.unsettled.push(UnsettledBatch {
            id: b.id,
            terminal: b.terminal,
            state,
            first_day: b.first_day,
            count,
            amount,
            deferral,
            last_error: b.last_error,
        }),
    }
    Ok(())
}

impl Store {
    /// The card batches the report of `day` carries, as they stand now (X-reports; a Z-report
    /// reads them inside its closing transaction).
    pub fn card_settlement(&self, day: Date) -> Result<CardSettlement, StoreError> {
        card_settlement(&self.conn, day, self.currency)
    }

    /// One batch as a report section shows it (the settlement printout), with the manual card
    /// payments made from its first day on: the manager settles those devices alongside.
    pub fn batch_section(&self, id: i64) -> Result<CardSettlement, StoreError> {
        let mut out = CardSettlement::default();
        for b in rows(&self.conn, "id = ?1", params![id], self.currency)? {
            let first_day = b.first_day;
            add(&self.conn, &mut out, b, self.currency)?;
            if let Some(latest) = self.latest_day()? {
                out.manual = super::manual_card::lines(&self.conn, first_day, latest.day, self.currency)?;
            }
        }
        Ok(out)
    }
}
