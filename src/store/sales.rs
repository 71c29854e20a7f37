//! Committing and reading sales. A sale is one transaction: header, lines, taxes,
//! payments and its audit event land together, durably, before anyone is told.

use super::products::none;
use super::{Store, StoreError, audit, parse_date, parse_time};
use crate::money::{Currency, Money, TaxRate};
use crate::sale::{
    CardDetails, Kind, ManualCard, Payment, PaymentMethod, PaymentState, RecordedLine, SaleDraft, SaleRecord, TaxAmount,
};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, params};

impl Store {
    pub fn commit_sale(
        &mut self,
        draft: &SaleDraft,
        day: Date,
        now: Timestamp,
        cashier: &str,
    ) -> Result<SaleRecord, StoreError> {
        self.commit(draft, day, now, cashier, None)
    }

    /// Commits a sale that recovery rebuilt from the card journal, with an audit event saying
    /// which card transaction it belongs to and on which day it landed (one transaction).
    pub fn commit_recovered_sale(
        &mut self,
        draft: &SaleDraft,
        day: Date,
        now: Timestamp,
        cashier: &str,
        note: &str,
    ) -> Result<SaleRecord, StoreError> {
        self.commit(draft, day, now, cashier, Some(note))
    }

    fn commit(
        &mut self,
        draft: &SaleDraft,
        day: Date,
        now: Timestamp,
        cashier: &str,
        recovery_note: Option<&str>,
    ) -> Result<SaleRecord, StoreError> {
        self.check_sale_currency(draft)?;
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let id = insert_sale(&tx, draft, day, &at, cashier)?;
        if let Some(note) = recovery_note {
            audit::append(&tx, &at, cashier, "card_sale_recovered", &format!("#{id}: {note}"))?;
        }
        tx.commit()?;
        Ok(SaleRecord {
            id,
            business_day: day,
            created_at: now,
            cashier: cashier.to_string(),
            draft: draft.clone(),
        })
    }

    /// A sale in another currency than the ledger's is refused (the config changed under it).
    pub(super) fn check_sale_currency(&self, draft: &SaleDraft) -> Result<(), StoreError> {
        if draft.currency != self.currency {
            return Err(StoreError::CurrencyMismatch {
                found: draft.currency.alpha.into(),
                configured: self.currency.alpha.into(),
            });
        }
        Ok(())
    }

    pub fn sale(&self, id: i64) -> Result<Option<SaleRecord>, StoreError> {
        read_sale(&self.conn, id, self.currency)
    }

    /// What refunds of sale `id` already gave back by card (approved card payments, positive).
    pub fn card_refunded(&self, id: i64) -> Result<Money, StoreError> {
        let minor: i64 = self.conn.query_row(
            "SELECT COALESCE(-SUM(p.amount_minor), 0) FROM payments p JOIN sales s ON s.id = p.sale_id
             WHERE s.refund_of = ?1 AND p.method = 'card' AND p.state = 'approved'",
            [id],
            |r| r.get(0),
        )?;
        Ok(Money::from_minor(minor, self.currency))
    }

    /// The lines of every refund already made against sale `id`.
    pub fn refunded_lines(&self, id: i64) -> Result<Vec<RecordedLine>, StoreError> {
        let mut ids = Vec::new();
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM sales WHERE refund_of = ?1 ORDER BY id")?;
        for row in stmt.query_map([id], |r| r.get::<_, i64>(0))? {
            ids.push(row?);
        }
        let mut lines = Vec::new();
        for refund in ids {
            lines.extend(read_lines(&self.conn, refund, self.currency)?);
        }
        Ok(lines)
    }
}

/// Inserts a sale with its lines, taxes, payments and audit event inside the caller's transaction.
pub(super) fn insert_sale(
    tx: &rusqlite::Transaction<'_>,
    draft: &SaleDraft,
    day: Date,
    at: &str,
    cashier: &str,
) -> Result<i64, StoreError> {
    let day_text = day.to_string();
    tx.execute(
        "INSERT OR IGNORE INTO business_days (day, opened_at) VALUES (?1, ?2)",
        params![day_text, at],
    )?;
    tx.prepare_cached(
        "INSERT INTO sales (kind, refund_of, business_day, created_at, cashier, currency, total_minor, tax_minor,
               discount_minor, sale_discount_minor, sale_discount_reason, change_minor)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        draft.kind.as_str(),
        draft.refund_of,
        day_text,
        at,
        cashier,
        draft.currency.alpha,
        draft.total.minor(),
        draft.tax_total.minor(),
        draft.discount_total().minor(),
        draft.sale_discount.minor(),
        draft.sale_discount_reason,
        draft.change().minor(),
    ])?;
    let id = tx.last_insert_rowid();
    {
        let mut line_stmt = tx.prepare_cached(
            "INSERT INTO sale_lines (sale_id, line_no, sku, barcode, name_zh, name_en, quantity, unit_price_minor,
                   tax_bp, price_includes_tax, gross_minor, line_discount_minor, discount_reason,
                   sale_discount_share_minor, total_minor, refund_of_line)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?;
        for l in &draft.lines {
            line_stmt.execute(params![
                id,
                l.line_no,
                l.sku,
                l.barcode,
                l.name_zh,
                l.name_en,
                l.quantity,
                l.unit_price.minor(),
                l.tax_rate.basis_points(),
                l.price_includes_tax,
                l.gross.minor(),
                l.line_discount.minor(),
                l.discount_reason,
                l.sale_discount_share.minor(),
                l.total.minor(),
                l.refund_of_line,
            ])?;
        }
        let mut tax_stmt = tx.prepare_cached(
            "INSERT INTO sale_taxes (sale_id, tax_bp, gross_minor, tax_minor) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for t in &draft.taxes {
            tax_stmt.execute(params![id, t.rate.basis_points(), t.gross.minor(), t.tax.minor()])?;
        }
        let mut pay_stmt = tx.prepare_cached(
            "INSERT INTO payments (sale_id, method, amount_minor, given_minor, change_minor, state, created_at,
                   card_payment_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for p in &draft.payments {
            pay_stmt.execute(params![
                id,
                p.method.as_str(),
                p.amount.minor(),
                p.given.map(|g| g.minor()),
                p.change.minor(),
                p.state.as_str(),
                at,
                p.card.as_ref().map(|c| c.journal_id),
            ])?;
            // A manual card payment's entry lands with it, or the sale does not commit.
            super::manual_card::insert(tx, tx.last_insert_rowid(), id, p, at)?;
            if let Some(card) = &p.card {
                // The journal row now belongs to this sale; both commit together.
                tx.execute(
                    "UPDATE card_payments SET sale_id = ?1, updated_at = ?2 WHERE id = ?3",
                    params![id, at, card.journal_id],
                )?;
                if p.state == PaymentState::Reversed {
                    // A reversal cancels the payment it refers to: neither counts in the
                    // tenders, as neither counts in the terminal's batch.
                    tx.execute(
                        "UPDATE payments SET state = 'reversed' WHERE state = 'approved' AND card_payment_id =
                               (SELECT refers_to FROM card_payments WHERE id = ?1)",
                        [card.journal_id],
                    )?;
                }
            }
        }
    }
    let detail = format!(
        "{} #{id} day {day_text} total {} {}{}",
        draft.kind.as_str(),
        draft.total.plain(),
        draft.currency.alpha,
        draft.refund_of.map(|o| format!(" of #{o}")).unwrap_or_default()
    );
    audit::append(tx, at, cashier, draft.kind.as_str(), &detail)?;
    Ok(id)
}

fn read_sale(conn: &Connection, id: i64, currency: Currency) -> Result<Option<SaleRecord>, StoreError> {
    let header = conn
        .query_row(
            "SELECT kind, refund_of, business_day, created_at, cashier, currency, total_minor, tax_minor,
                    sale_discount_minor, sale_discount_reason FROM sales WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, Option<String>>(9)?,
                ))
            },
        )
        .map(Some)
        .or_else(none)?;
    let Some((kind, refund_of, day, created_at, cashier, code, total, tax, sale_discount, reason)) = header else {
        return Ok(None);
    };
    if code != currency.alpha {
        return Err(StoreError::CurrencyMismatch {
            found: code,
            configured: currency.alpha.into(),
        });
    }
    let kind = Kind::parse(&kind).ok_or_else(|| StoreError::Damaged(format!("sale #{id}: unknown kind '{kind}'")))?;
    let m = |minor: i64| Money::from_minor(minor, currency);
    let mut taxes = Vec::new();
    let mut stmt = conn
        .prepare_cached("SELECT tax_bp, gross_minor, tax_minor FROM sale_taxes WHERE sale_id = ?1 ORDER BY tax_bp")?;
    for row in stmt.query_map([id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
    })? {
        let (bp, gross, t) = row?;
        taxes.push(TaxAmount {
            rate: TaxRate::from_basis_points(bp),
            gross: m(gross),
            tax: m(t),
        });
    }
    let mut payments = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT p.method, p.amount_minor, p.given_minor, p.change_minor, p.state, p.card_payment_id,
                c.trace, c.receipt_no, c.card_type, c.card_name, c.pan, c.terminal_id, c.slip,
                m.payment_id IS NOT NULL, m.auth_code, m.card_type, m.last4, m.operator
         FROM payments p LEFT JOIN card_payments c ON c.id = p.card_payment_id
              LEFT JOIN manual_card_payments m ON m.payment_id = p.id
         WHERE p.sale_id = ?1 ORDER BY p.id",
    )?;
    for row in stmt.query_map([id], |r| {
        let card = match r.get::<_, Option<i64>>(5)? {
            Some(journal_id) => Some(CardDetails {
                journal_id,
                trace: r.get(6)?,
                receipt_no: r.get(7)?,
                card_type: r.get(8)?,
                card_name: r.get(9)?,
                pan: r.get(10)?,
                terminal_id: r.get(11)?,
                slip: r
                    .get::<_, Option<String>>(12)?
                    .map(|s| s.lines().map(str::to_string).collect())
                    .unwrap_or_default(),
            }),
            None => None,
        };
        let manual = if r.get::<_, bool>(13)? {
            Some(ManualCard {
                auth_code: r.get(14)?,
                card_type: r.get(15)?,
                last4: r.get(16)?,
                operator: r.get(17)?,
            })
        } else {
            None
        };
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, String>(4)?,
            (card, manual),
        ))
    })? {
        let (method, amount, given, change, state, (card, manual)) = row?;
        payments.push(Payment {
            method: PaymentMethod::parse(&method)
                .ok_or_else(|| StoreError::Damaged(format!("sale #{id}: unknown payment method '{method}'")))?,
            amount: m(amount),
            given: given.map(m),
            change: m(change),
            state: PaymentState::parse(&state)
                .ok_or_else(|| StoreError::Damaged(format!("sale #{id}: unknown payment state '{state}'")))?,
            card,
            manual,
        });
    }
    Ok(Some(SaleRecord {
        id,
        business_day: parse_date(&day)?,
        created_at: parse_time(&created_at)?,
        cashier,
        draft: SaleDraft {
            kind,
            refund_of,
            currency,
            lines: read_lines(conn, id, currency)?,
            sale_discount: m(sale_discount),
            sale_discount_reason: reason,
            taxes,
            total: m(total),
            tax_total: m(tax),
            payments,
        },
    }))
}

fn read_lines(conn: &Connection, id: i64, currency: Currency) -> Result<Vec<RecordedLine>, StoreError> {
    let m = |minor: i64| Money::from_minor(minor, currency);
    let mut stmt = conn.prepare_cached(
        "SELECT line_no, sku, barcode, name_zh, name_en, quantity, unit_price_minor, tax_bp, price_includes_tax,
                gross_minor, line_discount_minor, discount_reason, sale_discount_share_minor, total_minor, refund_of_line
         FROM sale_lines WHERE sale_id = ?1 ORDER BY line_no",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(RecordedLine {
            line_no: r.get(0)?,
            sku: r.get(1)?,
            barcode: r.get(2)?,
            name_zh: r.get(3)?,
            name_en: r.get(4)?,
            quantity: r.get(5)?,
            unit_price: m(r.get(6)?),
            tax_rate: TaxRate::from_basis_points(r.get(7)?),
            price_includes_tax: r.get(8)?,
            gross: m(r.get(9)?),
            line_discount: m(r.get(10)?),
            discount_reason: r.get(11)?,
            sale_discount_share: m(r.get(12)?),
            total: m(r.get(13)?),
            refund_of_line: r.get(14)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
