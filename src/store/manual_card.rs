//! Manual card payments (made on a standalone card device): the cashier's entry, written with
//! its sale, and the lists reports and refunds read. They are in no card batch.

use super::{Store, StoreError, audit, parse_date, parse_time};
use crate::money::{Currency, Money};
use crate::sale::{Payment, PaymentMethod};
use crate::settlement::report::ManualCardLine;
use jiff::civil::Date;
use rusqlite::{Connection, params};

/// Stores the entry of payment row `payment_id` (of sale `sale_id`) inside the caller's
/// transaction and audits it. Payments of other methods pass through untouched; a manual
/// card payment without an entry, or a sale payment without an authorisation code, is refused.
pub(super) fn insert(
    conn: &Connection,
    payment_id: i64,
    sale_id: i64,
    p: &Payment,
    at: &str,
) -> Result<(), StoreError> {
    let m = match (p.method, &p.manual) {
        (PaymentMethod::ManualCard, Some(m)) => m,
        (PaymentMethod::ManualCard, None) => {
            return Err(StoreError::Refused(
                "a manual card payment needs what the cashier entered (its authorisation code)".into(),
            ));
        }
        (_, Some(_)) => {
            return Err(StoreError::Refused(format!(
                "a {} payment carries no manual card entry",
                p.method.as_str()
            )));
        }
        (_, None) => return Ok(()),
    };
    let paid = !p.amount.is_negative() && !p.amount.is_zero();
    if paid && m.auth_code.is_none() {
        return Err(StoreError::Refused(
            "a manual card payment needs the card device's authorisation code".into(),
        ));
    }
    conn.execute(
        "INSERT INTO manual_card_payments (payment_id, sale_id, auth_code, card_type, last4, operator, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![payment_id, sale_id, m.auth_code, m.card_type, m.last4, m.operator, at],
    )?;
    let detail = format!(
        "manual card {} on a standalone device, sale #{sale_id}: {}{}",
        if paid { "payment" } else { "refund" },
        p.amount.plain(),
        m.auth_code.as_ref().map(|a| format!(" auth {a}")).unwrap_or_default(),
    );
    audit::append(conn, at, &m.operator, "manual_card", &detail)
}

/// The approved manual card payments and refunds of the business days `from..=until`, in order.
pub(super) fn lines(
    conn: &Connection,
    from: Date,
    until: Date,
    currency: Currency,
) -> Result<Vec<ManualCardLine>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.kind, s.business_day, s.created_at, p.amount_minor, m.auth_code, m.card_type, m.last4,
                m.operator
         FROM payments p JOIN sales s ON s.id = p.sale_id JOIN manual_card_payments m ON m.payment_id = p.id
         WHERE s.business_day >= ?1 AND s.business_day <= ?2 AND p.state = 'approved' ORDER BY p.id",
    )?;
    let rows = stmt.query_map(params![from.to_string(), until.to_string()], |r| {
        Ok((
            (
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ),
            r.get::<_, i64>(4)?,
            (r.get(5)?, r.get(6)?, r.get(7)?, r.get::<_, String>(8)?),
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let ((sale_id, kind, day, at), amount, (auth_code, card_type, last4, operator)) = row?;
        out.push(ManualCardLine {
            sale_id,
            refund: kind == "refund",
            business_day: parse_date(&day)?,
            at: parse_time(&at)?,
            amount: Money::from_minor(amount, currency),
            auth_code,
            card_type,
            last4,
            operator,
        });
    }
    Ok(out)
}

impl Store {
    /// The manual card payments and refunds of the business days `from..=until`.
    pub fn manual_cards(&self, from: Date, until: Date) -> Result<Vec<ManualCardLine>, StoreError> {
        lines(&self.conn, from, until, self.currency)
    }

    /// What refunds of sale `id` already gave back as manual card refunds (positive).
    pub fn manual_card_refunded(&self, id: i64) -> Result<Money, StoreError> {
        let minor: i64 = self.conn.query_row(
            "SELECT COALESCE(-SUM(p.amount_minor), 0) FROM payments p JOIN sales s ON s.id = p.sale_id
             WHERE s.refund_of = ?1 AND p.method = 'manual_card' AND p.state = 'approved'",
            [id],
            |r| r.get(0),
        )?;
        Ok(Money::from_minor(minor, self.currency))
    }
}
