//! The ledger's history for managers: business days with their figures, and one day's
//! sales with their payments (the reports screen and CSV export).

use super::{Store, StoreError, parse_date, parse_time};
use crate::money::Money;
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::params;

/// One business day in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySummary {
    pub day: Date,
    pub z_number: Option<i64>,
    pub sales_count: i64,
    pub sales_total: Money,
    /// Negative.
    pub refunds_total: Money,
}

/// A sale or refund of a day, with its payments (method, amount, state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleRow {
    pub id: i64,
    pub kind: String,
    pub refund_of: Option<i64>,
    pub business_day: Date,
    pub created_at: Timestamp,
    pub cashier: String,
    pub total: Money,
    pub tax: Money,
    pub payments: Vec<(String, Money, String)>,
}

impl Store {
    /// The latest `limit` business days, newest first, with their sales figures.
    pub fn day_summaries(&self, limit: usize) -> Result<Vec<DaySummary>, StoreError> {
        let m = |minor: i64| Money::from_minor(minor, self.currency);
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.day, d.z_number,
                (SELECT COUNT(*) FROM sales s WHERE s.business_day = d.day AND s.kind = 'sale'),
                (SELECT COALESCE(SUM(total_minor), 0) FROM sales s WHERE s.business_day = d.day AND s.kind = 'sale'),
                (SELECT COALESCE(SUM(total_minor), 0) FROM sales s WHERE s.business_day = d.day AND s.kind = 'refund')
             FROM business_days d ORDER BY d.day DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        rows.map(|row| {
            let (day, z_number, sales_count, sales, refunds) = row?;
            Ok(DaySummary {
                day: parse_date(&day)?,
                z_number,
                sales_count,
                sales_total: m(sales),
                refunds_total: m(refunds),
            })
        })
        .collect()
    }

    /// Every sale and refund of the business days `from..=until`, in order.
    pub fn sales_between(&self, from: Date, until: Date) -> Result<Vec<SaleRow>, StoreError> {
        let m = |minor: i64| Money::from_minor(minor, self.currency);
        let (from, until) = (from.to_string(), until.to_string());
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind, refund_of, business_day, created_at, cashier, total_minor, tax_minor
             FROM sales WHERE business_day >= ?1 AND business_day <= ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![from, until], |r| {
            Ok((
                (r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<i64>>(2)?),
                (r.get::<_, String>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?),
                (r.get::<_, i64>(6)?, r.get::<_, i64>(7)?),
            ))
        })?;
        let mut sales = Vec::new();
        for row in rows {
            let ((id, kind, refund_of), (day, at, cashier), (total, tax)) = row?;
            sales.push(SaleRow {
                id,
                kind,
                refund_of,
                business_day: parse_date(&day)?,
                created_at: parse_time(&at)?,
                cashier,
                total: m(total),
                tax: m(tax),
                payments: Vec::new(),
            });
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.sale_id, p.method, p.amount_minor, p.state FROM payments p JOIN sales s ON s.id = p.sale_id
             WHERE s.business_day >= ?1 AND s.business_day <= ?2 ORDER BY p.id",
        )?;
        let rows = stmt.query_map(params![from, until], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (sale, method, amount, state) = row?;
            // Sales are in id order: find by binary search.
            if let Ok(i) = sales.binary_search_by_key(&sale, |s| s.id) {
                sales[i].payments.push((method, m(amount), state));
            }
        }
        Ok(sales)
    }

    /// The approved card payments (through a terminal) of the sales of business day `day`,
    /// each with the card type the terminal named (its printed name, else its type).
    pub fn card_payments_of_day(&self, day: Date) -> Result<Vec<(Option<String>, Money)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT COALESCE(c.card_name, c.card_type), p.amount_minor
             FROM payments p JOIN sales s ON s.id = p.sale_id LEFT JOIN card_payments c ON c.id = p.card_payment_id
             WHERE s.business_day = ?1 AND s.kind = 'sale' AND p.method = 'card' AND p.state = 'approved'
             ORDER BY p.id",
        )?;
        let rows = stmt.query_map([day.to_string()], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?))
        })?;
        rows.map(|row| {
            let (name, minor) = row?;
            Ok((name, Money::from_minor(minor, self.currency)))
        })
        .collect()
    }
}
