//! Business days, their running figures and their Z-reports.

use super::products::none;
use super::{Store, StoreError, audit, parse_date, parse_time};
use crate::money::{Money, TaxRate};
use crate::sale::{PaymentMethod, TaxAmount};
use crate::settlement::report::{DayFigures, Report, ReportKind};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, params};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRow {
    pub day: Date,
    pub opened_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    pub z_number: Option<i64>,
}

fn day_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, Option<String>, Option<i64>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_day(raw: (String, String, Option<String>, Option<i64>)) -> Result<DayRow, StoreError> {
    Ok(DayRow {
        day: parse_date(&raw.0)?,
        opened_at: parse_time(&raw.1)?,
        closed_at: raw.2.as_deref().map(parse_time).transpose()?,
        z_number: raw.3,
    })
}

impl Store {
    /// The latest business day the ledger has recorded (the day never moves back past it).
    pub fn latest_day(&self) -> Result<Option<DayRow>, StoreError> {
        self.conn
            .query_row(
                "SELECT day, opened_at, closed_at, z_number FROM business_days ORDER BY day DESC LIMIT 1",
                [],
                day_row,
            )
            .map(Some)
            .or_else(none)?
            .map(to_day)
            .transpose()
    }

    pub fn day(&self, day: Date) -> Result<Option<DayRow>, StoreError> {
        self.conn
            .query_row(
                "SELECT day, opened_at, closed_at, z_number FROM business_days WHERE day = ?1",
                [day.to_string()],
                day_row,
            )
            .map(Some)
            .or_else(none)?
            .map(to_day)
            .transpose()
    }

    /// Days that have sales but no Z-report yet, oldest first.
    pub fn open_days(&self) -> Result<Vec<DayRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT day, opened_at, closed_at, z_number FROM business_days WHERE closed_at IS NULL ORDER BY day",
        )?;
        let rows = stmt.query_map([], day_row)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(to_day).collect()
    }

    /// Records a day as started (a day can be closed with a Z-report even with no sales).
    pub fn ensure_day(&mut self, day: Date, now: Timestamp) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO business_days (day, opened_at) VALUES (?1, ?2)",
            params![day.to_string(), now.to_string()],
        )?;
        Ok(())
    }

    /// Running figures for a day, aggregated in SQL (fast on large days).
    pub fn day_figures(&self, day: Date) -> Result<DayFigures, StoreError> {
        figures(&self.conn, day, day, self.currency)
    }

    /// Closes `day`: computes its figures and card settlement, numbers the Z-report (next in
    /// sequence), stores it, marks the day closed and audits it, in one transaction.
    pub fn close_day(&mut self, day: Date, counted: Money, now: Timestamp, actor: &str) -> Result<Report, StoreError> {
        let at = now.to_string();
        let day_text = day.to_string();
        let currency = self.currency;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO business_days (day, opened_at) VALUES (?1, ?2)",
            params![day_text, at],
        )?;
        let closed: Option<i64> =
            tx.query_row("SELECT z_number FROM business_days WHERE day = ?1", [&day_text], |r| {
                r.get(0)
            })?;
        if let Some(z) = closed {
            return Err(StoreError::Damaged(format!(
                "business day {day} is already closed by Z-report #{z}"
            )));
        }
        let z_number: i64 = tx.query_row("SELECT COALESCE(MAX(z_number), 0) + 1 FROM z_reports", [], |r| r.get(0))?;
        let report = Report {
            kind: ReportKind::Z,
            z_number: Some(z_number),
            business_day: day,
            generated_at: now,
            currency,
            figures: figures(&tx, day, day, currency)?,
            cash_counted: Some(counted),
            // Read in the closing transaction: the stored report matches the batches exactly.
            card_settlement: Some(super::day_batches::card_settlement(&tx, day, currency)?),
        };
        let body = report.to_json().to_string();
        tx.execute(
            "INSERT INTO z_reports (z_number, business_day, created_at, body) VALUES (?1, ?2, ?3, ?4)",
            params![z_number, day_text, at, body],
        )?;
        tx.execute(
            "UPDATE business_days SET closed_at = ?1, z_number = ?2 WHERE day = ?3",
            params![at, z_number, day_text],
        )?;
        let detail = format!(
            "Z #{z_number} day {day_text} gross {} cash counted {} difference {}",
            report.gross_total().plain(),
            counted.plain(),
            report.cash_difference().map(|d| d.plain()).unwrap_or_default()
        );
        audit::append(&tx, &at, actor, "z_report", &detail)?;
        tx.commit()?;
        Ok(report)
    }

    /// The business day Z-report number `z` closed.
    pub fn z_report_day(&self, z: i64) -> Result<Option<Date>, StoreError> {
        let day: Option<String> = self
            .conn
            .query_row("SELECT business_day FROM z_reports WHERE z_number = ?1", [z], |r| {
                r.get(0)
            })
            .map(Some)
            .or_else(none)?;
        day.as_deref().map(super::parse_date).transpose()
    }

    /// The stored Z-report of a day, exactly as it was closed.
    pub fn z_report(&self, day: Date) -> Result<Option<Report>, StoreError> {
        let body: Option<String> = self
            .conn
            .query_row(
                "SELECT body FROM z_reports WHERE business_day = ?1",
                [day.to_string()],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(none)?;
        body.map(|b| {
            let value: serde_json::Value =
                serde_json::from_str(&b).map_err(|e| StoreError::Damaged(format!("Z-report of {day}: {e}")))?;
            Report::from_json(&value).map_err(|e| StoreError::Damaged(format!("Z-report of {day}: {e}")))
        })
        .transpose()
    }
}

/// The figures of the business days `from..=until` (one day for X- and Z-reports).
pub(super) fn figures(
    conn: &Connection,
    from: Date,
    until: Date,
    currency: crate::money::Currency,
) -> Result<DayFigures, StoreError> {
    let m = |minor: i64| Money::from_minor(minor, currency);
    let days = [from.to_string(), until.to_string()];
    let mut f = DayFigures::empty(currency);
    let mut stmt = conn.prepare_cached(
        "SELECT kind, COUNT(*), COALESCE(SUM(total_minor), 0), COALESCE(SUM(discount_minor), 0)
         FROM sales WHERE business_day BETWEEN ?1 AND ?2 GROUP BY kind",
    )?;
    let rows = stmt.query_map(days.clone(), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut discounts = 0i64;
    for row in rows {
        let (kind, count, total, discount) = row?;
        discounts += discount;
        match kind.as_str() {
            "sale" => {
                f.sales_count = count.max(0) as u64;
                f.sales_total = m(total);
            }
            _ => {
                f.refunds_count = count.max(0) as u64;
                f.refunds_total = m(total);
            }
        }
    }
    f.discounts_total = m(discounts);
    let mut stmt = conn.prepare_cached(
        "SELECT t.tax_bp, SUM(t.gross_minor), SUM(t.tax_minor) FROM sale_taxes t JOIN sales s ON s.id = t.sale_id
         WHERE s.business_day BETWEEN ?1 AND ?2 GROUP BY t.tax_bp ORDER BY t.tax_bp",
    )?;
    for row in stmt.query_map(days.clone(), |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
    })? {
        let (bp, gross, tax) = row?;
        f.taxes.push(TaxAmount {
            rate: TaxRate::from_basis_points(bp),
            gross: m(gross),
            tax: m(tax),
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT p.method, SUM(p.amount_minor) FROM payments p JOIN sales s ON s.id = p.sale_id
         WHERE s.business_day BETWEEN ?1 AND ?2 AND p.state = 'approved' GROUP BY p.method",
    )?;
    for row in stmt.query_map(days.clone(), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (method, amount) = row?;
        let method = PaymentMethod::parse(&method)
            .ok_or_else(|| StoreError::Damaged(format!("unknown payment method '{method}'")))?;
        f.tenders.insert(method, m(amount));
    }
    Ok(f)
}
