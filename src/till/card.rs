//! Card payments through the terminal, journaled (see journal.rs) so that a crash at any
//! point leaves a state recovery can resolve.

use super::journal::Intent;
use super::{Till, TillError};
use crate::money::Money;
use crate::sale::{Cart, CashTender, Payment, PaymentMethod, PaymentState, SaleDraft, SaleRecord, pay_cash};
use crate::store::{CardKind, JournaledSale};
use crate::terminal::CardTerminal;
use std::sync::atomic::AtomicBool;

/// How the customer pays: optional cash first, the rest (or a fixed part) by card.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CardTender {
    /// Cash handed over for the cash part, if any.
    pub cash_given: Option<Money>,
    /// The card part; default: whatever the cash does not cover.
    pub card_amount: Option<Money>,
}

/// Progress the cashier sees while the terminal works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardProgress {
    /// Journaled; asking the terminal.
    Asking { amount: Money },
    /// The terminal's intermediate status code (insert card, PIN, waiting for host...).
    Terminal(u8),
    /// The terminal's result is stored and being acknowledged.
    Recorded { approved: bool },
}

impl Till {
    /// Takes a card (and optional cash) payment for the cart and commits the sale once the
    /// terminal approved. Declines and cancellations leave the cart for another try.
    pub fn pay_card(
        &mut self,
        cart: &Cart,
        tender: CardTender,
        terminal: &mut dyn CardTerminal,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(CardProgress),
    ) -> Result<SaleRecord, TillError> {
        // Nothing is asked of the terminal for a sale that could not be committed.
        self.check_selling(true)?;
        let day = self.selling_day()?;
        let total = cart.totals()?.total;
        let currency = self.currency();
        let (card_amount, cash) = split(total, tender)?;
        let mut payments: Vec<Payment> = cash.iter().map(|c| c.payment()).collect();
        // The card part, filled in with the terminal's details once it approves.
        payments.push(Payment {
            method: PaymentMethod::Card,
            amount: card_amount,
            given: None,
            change: Money::zero(currency),
            state: PaymentState::Approved,
            card: None,
            manual: None,
        });
        let sale = JournaledSale {
            day,
            draft: SaleDraft::from_cart(cart, payments)?,
        };
        let intent = Intent {
            kind: CardKind::Authorization,
            amount: card_amount,
            refers_to: None,
            sale: &sale,
        };
        let approved = self.run_journaled(intent, terminal, cancel, progress, &mut |t, observer, cancel| {
            t.authorize(card_amount, observer, cancel)
        })?;
        self.commit_card_sale(sale.draft, approved)
    }
}

/// The card part of `total` and the cash tender for the rest (none when the card pays all).
/// Shared by terminal and manual card payments.
pub(super) fn split(total: Money, tender: CardTender) -> Result<(Money, Option<CashTender>), TillError> {
    let card_amount = match (tender.card_amount, tender.cash_given) {
        (Some(card), _) => card,
        (None, Some(cash)) => total - cash.min(total),
        (None, None) => total,
    };
    if card_amount.is_negative() || card_amount.is_zero() || card_amount.amount() > total.amount() {
        return Err(TillError::Tender(format!(
            "card amount {} must be above zero and at most the total {}",
            card_amount.plain(),
            total.plain()
        )));
    }
    let cash_due = total - card_amount;
    let cash = if cash_due.is_zero() {
        None
    } else {
        Some(pay_cash(cash_due, tender.cash_given)?)
    };
    Ok((card_amount, cash))
}
