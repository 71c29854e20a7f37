//! Card payments made on a standalone card device while the terminal cannot be reached: the
//! cashier enters the device's authorisation code and the amount, and the sale (with a cash
//! part, if any) is committed in one transaction with that entry, audited. No terminal is
//! asked and no batch holds it, so reconciliation never counts it against a terminal's totals;
//! the X/Z and settlement reports list it on its own. Its refunds are made on the device too.

use super::card::{CardTender, split};
use super::{Till, TillError};
use crate::money::Money;
use crate::permission::Action;
use crate::sale::manual_card;
use crate::sale::{
    Cart, Kind, ManualCard, Payment, PaymentMethod, PaymentState, RefundRequest, SaleDraft, SaleRecord, build_refund,
};
use crate::users::Operator;

/// A manual card payment as entered: the split with cash (as for a terminal payment; default
/// the card pays what the cash does not), and the device's details as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManualCardTender {
    pub split: CardTender,
    /// Required: 2-12 letters or digits.
    pub auth_code: String,
    /// Optional (empty = not given).
    pub card_type: String,
    /// Optional (empty = not given): exactly four digits.
    pub last4: String,
}

impl Till {
    /// Commits a sale paid (in full, or with a cash part) by a card payment made on a
    /// standalone device. Guarded like a cash sale: nothing is asked of any terminal.
    pub fn pay_manual_card(&mut self, cart: &Cart, tender: &ManualCardTender) -> Result<SaleRecord, TillError> {
        let manual = ManualCard::entered(&tender.auth_code, &tender.card_type, &tender.last4, &self.cashier())
            .map_err(|e| TillError::Tender(e.to_string()))?;
        let total = cart.totals()?.total;
        let (card_amount, cash) = split(total, tender.split)?;
        let mut payments: Vec<Payment> = cash.iter().map(|c| c.payment()).collect();
        payments.push(Payment {
            method: PaymentMethod::ManualCard,
            amount: card_amount,
            given: None,
            change: Money::zero(self.currency()),
            state: PaymentState::Approved,
            card: None,
            manual: Some(manual),
        });
        let draft = SaleDraft::from_cart(cart, payments)?;
        self.commit(&draft)
    }

    /// Refunds lines of a sale paid by a manual card payment: the money goes back on the
    /// standalone device (no terminal), at most what that payment took less earlier manual
    /// refunds. `auth_code` is the device's code for the refund, if it printed one.
    pub fn refund_manual_card(
        &mut self,
        sale_id: i64,
        request: &RefundRequest,
        auth_code: Option<&str>,
        approval: Option<&Operator>,
    ) -> Result<SaleRecord, TillError> {
        self.permit(Action::Refund, approval)?;
        let auth_code = auth_code
            .filter(|a| !a.trim().is_empty())
            .map(manual_card::auth_code)
            .transpose()
            .map_err(|e| TillError::Tender(e.to_string()))?;
        let original = self.sale(sale_id)?;
        if original.draft.kind != Kind::Sale {
            return Err(TillError::Tender(format!("#{sale_id} is a refund, not a sale")));
        }
        let paid = original
            .draft
            .payments
            .iter()
            .find(|p| p.method == PaymentMethod::ManualCard && p.state == PaymentState::Approved)
            .ok_or_else(|| {
                TillError::Tender(format!(
                    "sale #{sale_id} was not paid by a manual card payment; refund it in cash or to the card"
                ))
            })?;
        let earlier = self.store.refunded_lines(sale_id)?;
        let request = RefundRequest {
            method: Some(PaymentMethod::ManualCard),
            ..request.clone()
        };
        let mut draft = build_refund(&original, &earlier, &request)?;
        let left = paid.amount - self.store.manual_card_refunded(sale_id)?;
        let amount = -draft.total;
        if amount.amount() > left.amount() {
            let left = if left.is_negative() {
                Money::zero(left.currency())
            } else {
                left
            };
            return Err(TillError::Tender(format!(
                "a manual card refund of {} is more than the {} left of the manual card payment of sale #{sale_id}; \
                 refund the rest in cash",
                amount.plain(),
                left.plain()
            )));
        }
        let from = paid.manual.clone().unwrap_or_default();
        let entry = ManualCard {
            auth_code,
            operator: self.cashier(),
            ..from
        };
        for p in draft.payments.iter_mut() {
            p.manual = Some(entry.clone());
        }
        self.commit(&draft)
    }
}

#[cfg(test)]
mod tests;
