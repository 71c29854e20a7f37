//! A standalone card terminal (no cable to the till): the cashier types each card transaction
//! from the terminal's slip, and settling is a guided procedure whose slip totals the till
//! reconciles. Everything after the typing is what a ZVT terminal gets: the journal, the
//! batch, the guard, the reports, the claim list of a batch cleared unsettled.

use super::card::{CardTender, split};
use super::settle::Settlement;
use super::{Till, TillError};
use crate::config::Standalone;
use crate::money::Money;
use crate::permission::Action;
use crate::sale::{
    Cart, Kind, Payment, PaymentMethod, PaymentState, RefundRequest, SaleRecord, Scheme, SlipCard, build_refund,
};
use crate::settlement::batch::BatchState;
use crate::settlement::slip::{SlipText, check_settled_at};
use crate::store::{CardKind, SlipEntry};
use crate::users::Operator;
use jiff::Timestamp;
use jiff::civil::{Date, Time};

/// A card payment on the standalone terminal as typed: the split with cash (as for a ZVT
/// payment), and the slip's voucher number (or reference), last four digits and scheme.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StandaloneTender {
    pub split: CardTender,
    pub voucher: String,
    pub last4: String,
    pub scheme: String,
}

impl Till {
    /// The standalone terminal, when the till has one.
    pub fn standalone(&self) -> Option<&Standalone> {
        self.config.standalone.as_ref()
    }

    fn standalone_or_refuse(&self) -> Result<Standalone, TillError> {
        self.standalone().cloned().ok_or_else(|| {
            TillError::Tender("this till has no standalone card terminal ([terminal] kind = \"standalone\")".into())
        })
    }

    fn slip_card(&self, voucher: &str, last4: &str, scheme: &str) -> Result<SlipCard, TillError> {
        let terminal = self.standalone_or_refuse()?;
        SlipCard::entered(voucher, last4, scheme, terminal.voucher_on_slip)
            .map_err(|e| TillError::Tender(e.to_string()))
    }

    fn commit_slip(
        &mut self,
        draft: &crate::sale::SaleDraft,
        kind: CardKind,
        refers_to: Option<i64>,
        card: &SlipCard,
    ) -> Result<SaleRecord, TillError> {
        self.check_selling(false)?;
        let terminal = self.standalone_or_refuse()?;
        let name = terminal.journal_name();
        let entry = SlipEntry {
            kind,
            refers_to,
            card,
            terminal: &name,
            terminal_id: Some(terminal.terminal_id.as_str()).filter(|t| !t.is_empty()),
        };
        let day = self.selling_day()?;
        let now = self.clock.now();
        let cashier = self.cashier();
        Ok(self.store.commit_slip_card(draft, &entry, day, now, &cashier)?)
    }

    /// Commits a sale paid (in full, or with a cash part) on the standalone terminal. Guarded
    /// like every sale; the payment joins the terminal's batch.
    pub fn pay_standalone(&mut self, cart: &Cart, tender: &StandaloneTender) -> Result<SaleRecord, TillError> {
        let card = self.slip_card(&tender.voucher, &tender.last4, &tender.scheme)?;
        let total = cart.totals()?.total;
        let (card_amount, cash) = split(total, tender.split)?;
        let mut payments: Vec<Payment> = cash.iter().map(|c| c.payment()).collect();
        payments.push(Payment {
            method: PaymentMethod::Card,
            amount: card_amount,
            given: None,
            change: Money::zero(self.currency()),
            state: PaymentState::Approved,
            card: None,
            manual: None,
        });
        let draft = crate::sale::SaleDraft::from_cart(cart, payments)?;
        self.commit_slip(&draft, CardKind::Authorization, None, &card)
    }

    /// Sale `sale_id`, its approved card payment taken on the standalone terminal, and that
    /// payment's journal row; `wrong` words the refusal (void or refund).
    fn standalone_sale(
        &self,
        sale_id: i64,
        wrong: fn(String) -> TillError,
    ) -> Result<(SaleRecord, Payment, i64), TillError> {
        let name = self.standalone_or_refuse()?.journal_name();
        let original = self.sale(sale_id)?;
        if original.draft.kind != Kind::Sale {
            return Err(wrong(format!("#{sale_id} is a refund, not a sale")));
        }
        let payment = original
            .draft
            .payments
            .iter()
            .find(|p| p.method == PaymentMethod::Card && p.state == PaymentState::Approved)
            .cloned()
            .ok_or_else(|| wrong(format!("sale #{sale_id} has no approved card payment")))?;
        let journal_id = payment
            .card
            .as_ref()
            .map(|c| c.journal_id)
            .ok_or_else(|| wrong(format!("the card payment of sale #{sale_id} has no journal row")))?;
        let row = self
            .store
            .card(journal_id)?
            .ok_or_else(|| wrong(format!("card payment #{journal_id} is not in the journal")))?;
        if row.terminal != name {
            return Err(wrong(format!(
                "sale #{sale_id} was paid on {}, not on the standalone terminal",
                row.terminal
            )));
        }
        Ok((original, payment, journal_id))
    }

    /// A void's or refund's slip entry: its own voucher, the card (scheme, last four digits)
    /// of the payment it gives back.
    fn slip_of_return(&self, voucher: &str, payment: &Payment) -> Result<SlipCard, TillError> {
        let card = payment.card.as_ref();
        Ok(SlipCard {
            scheme: card.and_then(|c| Scheme::parse(c.card_type.as_deref()?)),
            last4: card.and_then(|c| c.pan.as_deref()?.strip_prefix("****").map(str::to_string)),
            ..self.slip_card(voucher, "", "")?
        })
    }

    /// Voids a card sale taken on the standalone terminal, whose batch is not settled yet:
    /// the cashier voided (撤销) it on the terminal and types the void slip's voucher number.
    /// The refund record of the whole sale is committed with the void in the batch.
    pub fn void_standalone(
        &mut self,
        sale_id: i64,
        voucher: &str,
        approval: Option<&Operator>,
    ) -> Result<SaleRecord, TillError> {
        self.permit(Action::VoidSale, approval)?;
        let (original, payment, journal_id) = self.standalone_sale(sale_id, TillError::Void)?;
        let card = self.slip_of_return(voucher, &payment)?;
        let name = self.standalone_or_refuse()?.journal_name();
        let in_open_batch = match self.store.current_batch(&name)? {
            Some(batch) => self.store.batch_cards(batch.id)?.iter().any(|c| c.id == journal_id),
            None => false,
        };
        if !in_open_batch {
            return Err(TillError::Void(format!(
                "the card payment of sale #{sale_id} is in a batch the terminal already settled or cleared; a \
                 terminal voids only payments of its open batch, so refund it instead"
            )));
        }
        if !self.store.refunded_lines(sale_id)?.is_empty() {
            return Err(TillError::Void(format!(
                "sale #{sale_id} is partly refunded already; refund the rest instead"
            )));
        }
        let draft = self.void_draft(&original)?;
        self.commit_slip(&draft, CardKind::Reversal, Some(journal_id), &card)
    }

    /// Refunds lines of a card sale taken on the standalone terminal (退货 on the terminal), at
    /// most what its card payment took less earlier card refunds; `voucher` is the refund slip's.
    pub fn refund_standalone(
        &mut self,
        sale_id: i64,
        request: &RefundRequest,
        voucher: &str,
        approval: Option<&Operator>,
    ) -> Result<SaleRecord, TillError> {
        self.permit(Action::Refund, approval)?;
        let (original, payment, journal_id) = self.standalone_sale(sale_id, TillError::Tender)?;
        let card = self.slip_of_return(voucher, &payment)?;
        let earlier = self.store.refunded_lines(sale_id)?;
        let request = RefundRequest {
            method: Some(PaymentMethod::Card),
            ..request.clone()
        };
        let draft = build_refund(&original, &earlier, &request)?;
        let left = payment.amount - self.store.card_refunded(sale_id)?;
        if (-draft.total).amount() > left.amount() {
            return Err(TillError::Tender(format!(
                "a card refund of {} is more than the {} left of the card payment of sale #{sale_id}; refund the \
                 rest in cash",
                (-draft.total).plain(),
                if left.is_negative() {
                    Money::zero(left.currency())
                } else {
                    left
                }
                .plain()
            )));
        }
        self.commit_slip(&draft, CardKind::Refund, Some(journal_id), &card)
    }

    /// "HH:MM" (today, local), "YYYY-MM-DD HH:MM", or empty for now: when the operator says
    /// the terminal settled.
    pub fn settled_at(&self, text: &str) -> Result<Timestamp, TillError> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(self.clock.now());
        }
        let bad = || TillError::Batch(format!("settlement time '{t}' is not HH:MM or YYYY-MM-DD HH:MM"));
        let tz = self.config.time_zone.clone();
        let (date, time) = match t.split_once(' ') {
            Some((d, hm)) => (d.trim().parse::<Date>().map_err(|_| bad())?, hm.trim()),
            None => (self.clock.now().to_zoned(tz.clone()).date(), t),
        };
        let time: Time = crate::config::parse_hhmm(time).ok_or_else(bad)?;
        Ok(date.to_datetime(time).to_zoned(tz).map_err(|_| bad())?.timestamp())
    }

    /// Settles the standalone terminal's batch with the totals typed from its settlement slip
    /// (an empty batch is opened when the ledger has none: the slip may show payments the till
    /// never recorded). Stored, audited and reconciled in one transaction; a typo settles nothing.
    pub fn settle_standalone(&mut self, slip: &SlipText, settled_at: Timestamp) -> Result<Settlement, TillError> {
        let name = self.standalone_or_refuse()?.journal_name();
        self.tend_batches()?;
        let figures = slip
            .check(self.currency())
            .map_err(|e| TillError::Batch(e.to_string()))?;
        let now = self.clock.now();
        let existing = self.store.current_batch(&name)?;
        let opened_at = existing.as_ref().map_or(settled_at, |b| b.opened_at);
        let tz = self.config.time_zone.clone();
        let shown = |t: Timestamp| t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string();
        check_settled_at(settled_at, now, opened_at, &shown).map_err(|e| TillError::Batch(e.to_string()))?;
        let batch_id = match existing {
            Some(b) => b.id,
            None => {
                let (today, _) = self.business_day()?;
                self.store.batch_open(&name, today, now)?
            }
        };
        let by = self.cashier();
        let (totals_id, reconciliation) = self.store.settle_by_slip(batch_id, &figures, settled_at, &by, now)?;
        Ok(Settlement {
            batch_id,
            state: BatchState::Settled,
            turnover: None,
            totals: self.store.terminal_totals(totals_id)?,
            reconciliation,
            receipt_lines: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests;
