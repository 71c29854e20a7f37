//! Card payments through the terminal, journaled so that a crash at any point leaves a
//! state recovery can resolve: intent before the terminal is asked, the terminal's
//! Status-Information before it is acknowledged, the sale once the payment is approved.

use super::{Till, TillError};
use crate::clock::Clock;
use crate::money::{Money, sum};
use crate::sale::{CardDetails, Cart, Payment, PaymentMethod, PaymentState, SaleDraft, SaleRecord, pay_cash};
use crate::store::{CardKind, CardResultFields, CardState, Store, TerminalTotals};
use crate::terminal::CardTerminal;
use crate::terminal::outcome::{approves, fields};
use crate::terminal::session::{Observer, SessionError};
use crate::terminal::zvt::messages::StatusInformation;
use std::sync::Arc;
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

/// Journals every Status-Information before the session acknowledges it.
struct Journal<'a> {
    store: &'a mut Store,
    clock: Arc<dyn Clock>,
    id: i64,
    terminal: String,
    context: &'static str,
    approved: Option<CardResultFields>,
    declined: Option<u8>,
    progress: &'a mut dyn FnMut(CardProgress),
}

impl Observer for Journal<'_> {
    fn intermediate(&mut self, code: u8) {
        (self.progress)(CardProgress::Terminal(code));
    }

    fn status_information(&mut self, info: &StatusInformation) -> Result<(), String> {
        let now = self.clock.now();
        if let Some(totals) = &info.totals {
            // Batch totals can arrive inside any exchange (automatic end-of-day): keep them.
            let record = TerminalTotals {
                terminal: self.terminal.clone(),
                context: self.context.to_string(),
                result_code: info.result_code,
                total_minor: info.amount_minor.and_then(|a| i64::try_from(a).ok()),
                receipt_range: Some((totals.receipt_start, totals.receipt_end)),
                per_card: totals
                    .per_card
                    .iter()
                    .map(|c| {
                        (
                            c.card.name().to_string(),
                            u32::from(c.count),
                            i64::try_from(c.amount_minor).unwrap_or(0),
                        )
                    })
                    .collect(),
            };
            return self
                .store
                .record_terminal_totals(&record, now)
                .map(|_| ())
                .map_err(|e| e.to_string());
        }
        let f = fields(info);
        let state = if approves(info) {
            CardState::Approved
        } else {
            CardState::Declined
        };
        self.store
            .card_record(self.id, state, &f, now)
            .map_err(|e| e.to_string())?;
        (self.progress)(CardProgress::Recorded {
            approved: state == CardState::Approved,
        });
        if state == CardState::Approved {
            self.approved = Some(f);
        } else {
            self.declined = info.result_code;
        }
        Ok(())
    }
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
        self.selling_day()?;
        let total = cart.totals()?.total;
        let currency = self.currency();
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
        let now = self.clock.now();
        let terminal_name = terminal.describe();
        let id = self
            .store
            .card_begin(CardKind::Authorization, card_amount, &terminal_name, None, now)?;
        progress(CardProgress::Asking { amount: card_amount });
        let (result, approved, declined) = {
            let mut journal = Journal {
                store: &mut self.store,
                clock: self.clock.clone(),
                id,
                terminal: terminal_name,
                context: "authorization",
                approved: None,
                declined: None,
                progress,
            };
            let result = terminal.authorize(card_amount, &mut journal, cancel);
            (result, journal.approved, journal.declined)
        };
        if let Some(f) = approved {
            // Once its Status-Information is acknowledged the payment counts, even if the
            // Completion never arrives: commit the sale now.
            let card = Payment {
                method: PaymentMethod::Card,
                amount: card_amount,
                given: None,
                change: Money::zero(currency),
                state: PaymentState::Approved,
                card: Some(CardDetails {
                    journal_id: id,
                    trace: f.trace,
                    receipt_no: f.receipt_no,
                    card_type: f.card_type,
                    card_name: f.card_name,
                    pan: f.pan,
                    terminal_id: f.terminal_id,
                }),
            };
            let mut payments: Vec<Payment> = cash.iter().map(|c| c.payment()).collect();
            payments.push(card);
            debug_assert_eq!(sum(currency, payments.iter().map(|p| p.amount)), total);
            let draft = SaleDraft::from_cart(cart, payments)?;
            return self.commit(&draft);
        }
        let now = self.clock.now();
        match result {
            Ok(exchange) => {
                let code = declined.or(exchange.aborted).unwrap_or(0xFF);
                if declined.is_none() {
                    self.store.card_set_state(
                        id,
                        CardState::Declined,
                        &format!("terminal aborted ({code:02X})"),
                        now,
                    )?;
                }
                Err(TillError::CardDeclined { code })
            }
            Err(e) => {
                let state = match &e {
                    // The terminal refused the command outright: nothing can have been booked.
                    SessionError::Refused { .. } => CardState::Cancelled,
                    _ => CardState::InDoubt,
                };
                // If even this write fails the row stays 'pending', which recovery treats the same.
                let _ = self.store.card_set_state(id, state, &e.to_string(), now);
                Err(TillError::Card {
                    reason: e.to_string(),
                    in_doubt: state == CardState::InDoubt,
                })
            }
        }
    }
}
