//! Standalone terminals in the ledger: a card transaction typed from the terminal's slip is
//! journaled as an approved card payment of that terminal (marked `manual`), joins its batch and
//! commits with its sale in one transaction; a settlement slip's typed totals are stored and
//! settle the batch in one transaction with their reconciliation.

use super::batches::{assign, current};
use super::sales::insert_sale;
use super::totals::{self, TerminalTotals};
use super::{Store, StoreError, audit};
use crate::sale::{CardDetails, PaymentMethod, SaleDraft, SaleRecord, SlipCard};
use crate::settlement::reconcile::Reconciliation;
use crate::settlement::slip::SlipFigures;
use crate::store::CardKind;
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, params};

/// `terminal_totals.context` of typed settlement slips.
pub const SLIP_CONTEXT: &str = "settlement_slip";

/// One transaction typed from a standalone terminal's slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipEntry<'a> {
    pub kind: CardKind,
    /// The journal row a void takes back (or a refund refers to).
    pub refers_to: Option<i64>,
    pub card: &'a SlipCard,
    /// The terminal's journal name (`Standalone::journal_name`).
    pub terminal: &'a str,
    pub terminal_id: Option<&'a str>,
}

impl Store {
    /// Commits `draft` whose one card payment was made on a standalone terminal, with the
    /// journal row of that payment in the terminal's unsettled batch (opened on `day` if none).
    /// A voucher number already in that batch is refused: typed twice, or a double booking.
    pub fn commit_slip_card(
        &mut self,
        draft: &SaleDraft,
        entry: &SlipEntry<'_>,
        day: Date,
        now: Timestamp,
        cashier: &str,
    ) -> Result<SaleRecord, StoreError> {
        self.check_sale_currency(draft)?;
        let mut draft = draft.clone();
        let payment = draft
            .payments
            .iter_mut()
            .find(|p| p.method == PaymentMethod::Card)
            .ok_or_else(|| StoreError::Refused("a standalone card transaction needs a card payment".into()))?;
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        if let Some(voucher) = entry.card.voucher
            && let Some(batch) = current(&tx, entry.terminal, self.currency)?
        {
            let taken: Option<Option<i64>> = tx
                .query_row(
                    "SELECT sale_id FROM card_payments WHERE batch_id = ?1 AND manual = 1 AND receipt_no = ?2",
                    params![batch.id, voucher],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(sale) = taken {
                return Err(StoreError::VoucherTaken { voucher, sale });
            }
        }
        let scheme = entry.card.scheme.map(|s| s.as_str().to_string());
        let pan = entry.card.masked_pan();
        tx.execute(
            "INSERT INTO card_payments (kind, state, amount_minor, currency, terminal, created_at, updated_at,
               refers_to, trace, receipt_no, card_type, pan, terminal_id, manual, reference, note)
             VALUES (?1, 'approved', ?2, ?3, ?4, ?5, ?5, ?6, NULL, ?7, ?8, ?9, ?10, 1, ?11, ?12)",
            params![
                entry.kind.as_str(),
                payment.amount.minor().abs(),
                self.currency.alpha,
                entry.terminal,
                at,
                entry.refers_to,
                entry.card.voucher,
                scheme,
                pan,
                entry.terminal_id,
                entry.card.reference,
                format!("typed from the terminal's slip by {cashier}"),
            ],
        )?;
        let journal_id = tx.last_insert_rowid();
        assign(&tx, journal_id, day, &at)?;
        payment.card = Some(CardDetails {
            journal_id,
            // The slip's voucher (凭证号) is what ZVT calls the receipt number; a typed slip
            // has no separate trace.
            trace: None,
            receipt_no: entry.card.voucher,
            card_type: scheme,
            pan,
            terminal_id: entry.terminal_id.map(str::to_string),
            ..CardDetails::default()
        });
        let detail = format!(
            "card {} #{journal_id} {} typed from the slip of {}{}",
            entry.kind.as_str(),
            payment.amount.minor().abs(),
            entry.terminal,
            entry
                .card
                .voucher
                .map(|v| format!(", voucher {v:06}"))
                .unwrap_or_default()
        );
        audit::append(&tx, &at, cashier, "card_slip", &detail)?;
        let id = insert_sale(&tx, &draft, day, &at, cashier)?;
        tx.commit()?;
        Ok(SaleRecord {
            id,
            business_day: day,
            created_at: now,
            cashier: cashier.to_string(),
            draft,
        })
    }

    /// Stores a settlement slip's typed totals for batch `batch_id` and settles it with them,
    /// reconciled, in one transaction; who typed them and when the terminal settled are kept.
    pub fn settle_by_slip(
        &mut self,
        batch_id: i64,
        figures: &SlipFigures,
        settled_at: Timestamp,
        by: &str,
        now: Timestamp,
    ) -> Result<(i64, Reconciliation), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let terminal: String = tx
            .query_row("SELECT terminal FROM batches WHERE id = ?1", [batch_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::Refused(format!("there is no batch #{batch_id}")))?;
        let totals = TerminalTotals {
            terminal,
            context: SLIP_CONTEXT.to_string(),
            result_code: None,
            total_minor: Some(figures.amount.minor()),
            receipt_range: figures.voucher_range,
            per_card: figures.per_card(),
            trace: None,
        };
        let totals_id = totals::insert(&tx, &totals, &at)?;
        tx.execute(
            "UPDATE terminal_totals SET entered_by = ?1, settled_at = ?2 WHERE id = ?3",
            params![by, settled_at.to_string(), totals_id],
        )?;
        let why = format!("settled on the terminal at {settled_at}, slip totals typed by {by}");
        let result = super::batch_settle::settle_in(&tx, batch_id, totals_id, &at, self.currency, &why)?;
        tx.commit()?;
        Ok((totals_id, result))
    }
}
