//! Paying by card: the request (cash typed first pays part, the card the rest), the
//! terminal's live status while it works, Cancel, and what the cashier sees afterwards.
//!
//! While the terminal works the till is on a worker thread; messages that need it wait
//! (a scan is never lost), typing continues, and Esc or Cancel asks the terminal to abort.

use super::{Field, Message, State};
use crate::i18n::I18n;
use crate::money::Money;
use crate::sale::{Cart, SaleRecord};
use crate::terminal::zvt::codes::{intermediate_text, result_text};
use crate::till::card::{CardProgress, CardTender};
use crate::till::{Till, TillError};
use crate::ui::desk::Shop;
use crate::ui::keys::{Input, Shortcut};
use crate::ui::reason;
use iced::Task;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Where the card payment is, as the cashier sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Journaling the payment and connecting to the terminal.
    Starting,
    /// The terminal has the amount and has not said anything yet.
    Asking,
    /// The terminal's latest intermediate status (insert card, PIN, waiting for host...).
    Terminal(u8),
    /// The terminal's result is being stored before the terminal is answered.
    Recording { approved: bool },
}

#[derive(Debug)]
pub struct CardPayment {
    pub card_amount: Money,
    pub phase: Phase,
    /// Every intermediate status so far, oldest first.
    pub history: Vec<u8>,
    pub cancel_requested: bool,
    cancel: Arc<AtomicBool>,
}

impl CardPayment {
    /// The line the cashier reads: the terminal's own words once it has spoken.
    pub fn status_text(&self, i18n: &I18n) -> String {
        match self.phase {
            _ if self.cancel_requested => i18n.t("ui-card-cancelling"),
            Phase::Starting => i18n.t("ui-card-starting"),
            Phase::Asking => i18n.t("ui-card-asking"),
            Phase::Terminal(code) => intermediate_text(code, i18n.language()),
            Phase::Recording { approved: true } => i18n.t("ui-card-approved"),
            Phase::Recording { approved: false } => i18n.t("ui-card-not-approved"),
        }
    }

    /// The terminal accepts an abort only until it has sent its result.
    pub fn can_cancel(&self) -> bool {
        !self.cancel_requested && !matches!(self.phase, Phase::Recording { .. })
    }
}

/// What the app must do with a message that arrived while the terminal works.
pub enum WhilePaying {
    Done(Task<Message>),
    /// Needs the till: handle it once the payment is over.
    Later(Message),
}

impl State {
    pub fn card_payment(&self) -> Option<&CardPayment> {
        self.card.as_ref()
    }

    pub fn is_paying(&self) -> bool {
        self.card.is_some()
    }

    /// Checks the cart and the cash typed and starts the card payment: the cash given (if
    /// any) pays part, the card the rest. `None` when there is nothing to pay by card (the
    /// reason is on the message line).
    pub fn card_request(
        &mut self,
        till: &Till,
        shop: &Shop,
        i18n: &I18n,
    ) -> Option<(Cart, CardTender, Arc<AtomicBool>)> {
        if self.card.is_some() {
            return None;
        }
        if self.cart.is_empty() {
            if self.completed.is_none() {
                self.error = Some(i18n.t("ui-error-empty-cart"));
            }
            return None;
        }
        if till.standalone().is_some() {
            // No cable to reach it: the cashier takes the card on it and types its slip.
            self.open_standalone(till, i18n);
            return None;
        }
        if !shop.card {
            self.error = Some(i18n.t("ui-card-no-terminal"));
            return None;
        }
        let total = match self.cart.totals() {
            Ok(t) => t.total,
            Err(e) => {
                self.error = Some(i18n.t_args("ui-error-pay", &[("reason", reason::sale_error(i18n, &e))]));
                return None;
            }
        };
        let cash_given = self.typed_cash(till, i18n)?;
        let card_amount = total - cash_given.unwrap_or(Money::zero(total.currency())).min(total);
        if card_amount.is_zero() {
            self.error = Some(i18n.t("ui-card-cash-covers"));
            return None;
        }
        let cancel = Arc::new(AtomicBool::new(false));
        self.card = Some(CardPayment {
            card_amount,
            phase: Phase::Starting,
            history: Vec::new(),
            cancel_requested: false,
            cancel: cancel.clone(),
        });
        self.error = None;
        self.notice = None;
        self.search = None;
        self.manual = None;
        self.standalone_form = None;
        // A discount or PIN panel left open would reappear over the tender afterwards.
        self.panel = None;
        self.focus = Field::Scan;
        let tender = CardTender {
            cash_given,
            card_amount: None,
        };
        Some((self.cart.clone(), tender, cancel))
    }

    pub fn card_progress(&mut self, progress: CardProgress) {
        let Some(card) = self.card.as_mut() else {
            return;
        };
        card.phase = match progress {
            CardProgress::Asking { .. } => Phase::Asking,
            CardProgress::Terminal(code) => {
                card.history.push(code);
                Phase::Terminal(code)
            }
            CardProgress::Recorded { approved } => Phase::Recording { approved },
        };
    }

    /// The window may not close while the terminal works; say why.
    pub fn close_refused(&mut self, i18n: &I18n) {
        self.error = Some(i18n.t("ui-close-wait"));
    }

    pub fn cancel_card(&mut self) {
        if let Some(card) = self.card.as_mut()
            && card.can_cancel()
        {
            card.cancel.store(true, Ordering::SeqCst);
            card.cancel_requested = true;
        }
    }

    /// The terminal is done: a completed sale, or back to the tender with the reason.
    pub fn card_finished(&mut self, till: &Till, i18n: &I18n, result: Result<SaleRecord, TillError>) {
        let card = self.card.take();
        let cancelled = card.as_ref().is_some_and(|c| c.cancel_requested);
        match result {
            Ok(sale) => self.sale_completed(till, sale),
            // Nothing reached the terminal: cash instead, or a card paid on another device.
            Err(TillError::TerminalUnreachable(reason)) => {
                self.offer_manual(i18n, &reason, card.map(|c| c.card_amount));
            }
            Err(TillError::CardDeclined { code }) => {
                let reason = result_text(code, i18n.language());
                let key = if cancelled {
                    "ui-card-cancelled"
                } else {
                    "ui-card-declined"
                };
                self.error = Some(i18n.t_args(key, &[("reason", reason)]));
            }
            Err(TillError::Card { reason, in_doubt }) => {
                let key = if in_doubt { "ui-card-in-doubt" } else { "ui-card-failed" };
                self.error = Some(i18n.t_args(key, &[("reason", reason)]));
                self.refresh_status(till);
            }
            Err(e) => {
                self.error = Some(i18n.t_args("ui-error-pay", &[("reason", reason::till_error(i18n, &e))]));
            }
        }
    }

    /// A message while the till is with the terminal: typing continues in the fields, scans
    /// wait for the till. During a card payment Esc and Cancel abort and anything that would
    /// change the cart being paid for is ignored; during a short status poll or recovery,
    /// everything else waits its turn too.
    pub fn update_without_till(&mut self, message: Message) -> WhilePaying {
        let paying = self.card.is_some();
        match message {
            // Plain typing only: a "+" must not change the cart being paid for.
            Message::ScanChanged(epoch, text) => {
                self.scan.changed(epoch, text);
                WhilePaying::Done(Task::none())
            }
            Message::CashChanged(text) if !paying => {
                self.cash = text;
                WhilePaying::Done(Task::none())
            }
            Message::Input(Input::Stray(text)) => {
                self.scan.push_str(&text);
                WhilePaying::Done(self.refocus())
            }
            Message::CancelCard | Message::Input(Input::Shortcut(Shortcut::Escape)) if paying => {
                self.cancel_card();
                WhilePaying::Done(self.refocus())
            }
            Message::ScanSubmitted(_) | Message::Input(Input::StrayEnter) => WhilePaying::Later(message),
            Message::Tick => WhilePaying::Done(Task::none()),
            _ if paying => WhilePaying::Done(Task::none()),
            _ => WhilePaying::Later(message),
        }
    }
}
