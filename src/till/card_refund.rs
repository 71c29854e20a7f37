//! Giving card money back through the terminal: a void (Reversal 06 30 of the sale's card
//! payment, same business day) or a refund of lines (Refund 06 31). Journaled like a payment;
//! the refund record is committed only once the terminal approved, so a decline or an abort
//! leaves nothing but the journal row.

use super::card::CardProgress;
use super::journal::Intent;
use super::{Till, TillError};
use crate::money::{Money, sum};
use crate::permission::Action;
use crate::sale::{Kind, Payment, PaymentMethod, PaymentState, RefundRequest, SaleDraft, SaleRecord, build_refund};
use crate::store::{CardKind, JournaledSale};
use crate::terminal::CardTerminal;
use crate::users::Operator;
use std::sync::atomic::AtomicBool;

impl Till {
    /// Voids a card sale of the current business day: the terminal reverses its card payment
    /// by receipt number, then a refund record of the whole sale is committed in which the card
    /// part is marked reversed (and so is the original payment: neither counts in the tenders,
    /// as neither counts in the terminal's batch). A cash part is handed back in cash.
    pub fn void_card(
        &mut self,
        sale_id: i64,
        approval: Option<&Operator>,
        terminal: &mut dyn CardTerminal,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(CardProgress),
    ) -> Result<SaleRecord, TillError> {
        self.check_selling(true)?;
        self.permit(Action::VoidSale, approval)?;
        let day = self.selling_day()?;
        let original = self.sale(sale_id)?;
        if original.draft.kind != Kind::Sale {
            return Err(TillError::Void(format!("#{sale_id} is a refund, not a sale")));
        }
        let card = original
            .draft
            .payments
            .iter()
            .find(|p| p.method == PaymentMethod::Card)
            .ok_or_else(|| TillError::Void(format!("sale #{sale_id} was not paid by card")))?;
        if card.state == PaymentState::Reversed {
            return Err(TillError::Void(format!(
                "the card payment of sale #{sale_id} is already reversed"
            )));
        }
        let details = card.card.as_ref().filter(|_| card.state == PaymentState::Approved);
        let (journal_id, receipt_no) = match details.map(|d| (d.journal_id, d.receipt_no)) {
            Some((id, Some(receipt))) => (id, receipt),
            _ => {
                return Err(TillError::Void(format!(
                    "the terminal reported no receipt number for the card payment of sale #{sale_id}; refund it instead"
                )));
            }
        };
        if original.business_day != day {
            return Err(TillError::Void(format!(
                "sale #{sale_id} belongs to business day {}; a terminal reverses only payments of its open batch, so \
                 refund it instead (tillguard refund {sale_id} --tender card)",
                original.business_day
            )));
        }
        if !self.store.refunded_lines(sale_id)?.is_empty() {
            return Err(TillError::Void(format!(
                "sale #{sale_id} is partly refunded already; refund the rest instead"
            )));
        }
        let draft = self.void_draft(&original)?;
        let sale = JournaledSale { day, draft };
        let intent = Intent {
            kind: CardKind::Reversal,
            amount: card.amount,
            refers_to: Some(journal_id),
            sale: &sale,
        };
        let approved = self.run_journaled(intent, terminal, cancel, progress, &mut |t, observer, cancel| {
            t.reverse(receipt_no, observer, cancel)
        })?;
        self.commit_card_sale(sale.draft, approved)
    }

    /// The refund record of a whole card sale for its void: every tender goes back the way it
    /// came, the card part marked reversed (its journal row is filled in on approval).
    pub(super) fn void_draft(&self, original: &SaleRecord) -> Result<SaleDraft, TillError> {
        let sale_id = original.id;
        let currency = self.currency();
        let whole = RefundRequest {
            lines: None,
            method: Some(PaymentMethod::Card),
        };
        let mut draft = build_refund(original, &[], &whole)?;
        // Every tender goes back the way it came; the card part is filled in on approval.
        draft.payments = original
            .draft
            .payments
            .iter()
            .filter(|p| p.state == PaymentState::Approved)
            .map(|p| Payment {
                method: p.method,
                amount: -p.amount,
                given: None,
                change: Money::zero(currency),
                state: match p.method {
                    PaymentMethod::Card => PaymentState::Reversed,
                    // A sale with a terminal card payment has no manual one (one card part).
                    PaymentMethod::Cash | PaymentMethod::ManualCard => PaymentState::Approved,
                },
                card: None,
                manual: None,
            })
            .collect();
        if sum(currency, draft.payments.iter().map(|p| p.amount)) != draft.total {
            return Err(TillError::Void(format!(
                "the payments of sale #{sale_id} do not add up to its total"
            )));
        }
        Ok(draft)
    }

    /// Refunds lines of an earlier card sale through the terminal (Refund 06 31), at most what
    /// its card payment took minus earlier card refunds; the refund references the original.
    pub fn refund_card(
        &mut self,
        sale_id: i64,
        request: &RefundRequest,
        approval: Option<&Operator>,
        terminal: &mut dyn CardTerminal,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(CardProgress),
    ) -> Result<SaleRecord, TillError> {
        self.check_selling(true)?;
        self.permit(Action::Refund, approval)?;
        let day = self.selling_day()?;
        let original = self.sale(sale_id)?;
        let earlier = self.store.refunded_lines(sale_id)?;
        let request = RefundRequest {
            method: Some(PaymentMethod::Card),
            ..request.clone()
        };
        let draft = build_refund(&original, &earlier, &request)?;
        let currency = self.currency();
        let card = original
            .draft
            .payments
            .iter()
            .find(|p| p.method == PaymentMethod::Card && p.state == PaymentState::Approved);
        let Some(card) = card else {
            return Err(TillError::Tender(format!(
                "sale #{sale_id} has no approved card payment; refund it in cash"
            )));
        };
        let left = card.amount - self.store.card_refunded(sale_id)?;
        let amount = -draft.total;
        if amount.amount() > left.amount() {
            return Err(TillError::Tender(format!(
                "a card refund of {} is more than the {} left of the card payment of sale #{sale_id}; refund the \
                 rest in cash",
                amount.plain(),
                if left.is_negative() {
                    Money::zero(currency)
                } else {
                    left
                }
                .plain()
            )));
        }
        let sale = JournaledSale { day, draft };
        let intent = Intent {
            kind: CardKind::Refund,
            amount,
            refers_to: card.card.as_ref().map(|c| c.journal_id),
            sale: &sale,
        };
        let approved = self.run_journaled(intent, terminal, cancel, progress, &mut |t, observer, cancel| {
            t.refund(amount, observer, cancel)
        })?;
        self.commit_card_sale(sale.draft, approved)
    }
}

#[cfg(test)]
mod tests;
