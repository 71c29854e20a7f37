//! A scripted CardTerminal for the till's unit tests: each command plays the next step of its
//! script through the observer, exactly as a session would, and every call is logged.

use crate::clock::ManualClock;
use crate::config::Config;
use crate::money::Money;
use crate::store::Store;
use crate::terminal::session::{Exchange, Observer, SessionError};
use crate::terminal::zvt::link::LinkError;
use crate::terminal::zvt::messages::{CardScheme, CardTotal, EodTotals, StatusInformation};
use crate::terminal::{CardTerminal, TerminalInfo};
use crate::till::Till;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

pub const NAME: &str = "fake terminal";
pub const TERMINAL_ID: u32 = 52_52_35_35;

/// What the terminal does for one command.
#[derive(Debug, Clone)]
pub enum Step {
    /// Sends this Status-Information (acknowledged if the observer stores it), then completes.
    Status(StatusInformation),
    /// Sends it, but the acknowledgement cannot be sent (cable pulled at that instant).
    Unacknowledged(StatusInformation),
    /// Ends the command with Abort 06 1E and this result code.
    Abort(u8),
    /// Refuses the command (84 xx).
    Refused(u8),
    /// Says nothing at all.
    Silent,
}

#[derive(Default)]
pub struct FakeTerminal {
    /// Steps for authorize / reverse / refund, in order.
    pub transactions: VecDeque<Step>,
    /// Steps for Repeat Receipt, in order.
    pub repeats: VecDeque<Step>,
    /// Steps for Status Enquiry, in order (none: a plain "ready").
    pub statuses: VecDeque<Step>,
    /// Steps for Send Turnover Totals and End-of-Day, in order.
    pub admin: VecDeque<Step>,
    /// Receipt lines an end-of-day prints.
    pub eod_lines: Vec<String>,
    pub calls: Vec<String>,
}

/// Batch totals as an end-of-day (with its trace) or Send Turnover Totals (without) sends
/// them: receipts `range`, then (card scheme, count, amount in minor units).
pub fn totals(range: (u32, u32), cards: &[(CardScheme, u8, u64)], trace: Option<u32>) -> StatusInformation {
    let per_card: Vec<CardTotal> = cards
        .iter()
        .map(|&(card, count, amount_minor)| CardTotal {
            card,
            count,
            amount_minor,
        })
        .collect();
    StatusInformation {
        result_code: Some(0x00),
        amount_minor: Some(per_card.iter().map(|c| c.amount_minor).sum()),
        trace,
        totals: Some(EodTotals {
            receipt_start: range.0,
            receipt_end: range.1,
            per_card,
        }),
        ..StatusInformation::default()
    }
}

/// An approving Status-Information with these numbers.
pub fn approval(amount_minor: u64, trace: u32, receipt_no: u32) -> StatusInformation {
    StatusInformation {
        result_code: Some(0x00),
        amount_minor: Some(amount_minor),
        trace: Some(trace),
        receipt_no: Some(receipt_no),
        terminal_id: Some(TERMINAL_ID),
        currency: Some(156),
        card_type: Some(6),
        card_name: Some("Mastercard".into()),
        pan: Some("545454******9153".into()),
        ..StatusInformation::default()
    }
}

fn play(step: Option<Step>, observer: &mut dyn Observer) -> Result<Exchange, SessionError> {
    let mut exchange = Exchange::default();
    match step.unwrap_or(Step::Silent) {
        Step::Status(info) => {
            if let Err(reason) = observer.status_information(&info) {
                exchange.status.push(info);
                return Err(SessionError::NotJournaled {
                    reason,
                    exchange: Box::new(exchange),
                });
            }
            exchange.status.push(info);
            exchange.completion = Some(Default::default());
            Ok(exchange)
        }
        Step::Unacknowledged(info) => {
            observer
                .status_information(&info)
                .map_err(|reason| SessionError::NotJournaled {
                    reason,
                    exchange: Box::default(),
                })?;
            exchange.status.push(info);
            Err(SessionError::Unacknowledged {
                error: LinkError::Closed,
                exchange: Box::new(exchange),
            })
        }
        Step::Abort(code) => {
            exchange.aborted = Some(code);
            Ok(exchange)
        }
        Step::Refused(code) => Err(SessionError::Refused { code }),
        Step::Silent => Err(SessionError::NoAnswer(Duration::from_secs(5))),
    }
}

impl CardTerminal for FakeTerminal {
    fn describe(&self) -> String {
        NAME.to_string()
    }

    fn register(&mut self) -> Result<TerminalInfo, SessionError> {
        Ok(TerminalInfo::default())
    }

    fn authorize(&mut self, amount: Money, o: &mut dyn Observer, _: &AtomicBool) -> Result<Exchange, SessionError> {
        self.calls.push(format!("authorize {}", amount.plain()));
        play(self.transactions.pop_front(), o)
    }

    fn reverse(&mut self, receipt_no: u32, o: &mut dyn Observer, _: &AtomicBool) -> Result<Exchange, SessionError> {
        self.calls.push(format!("reverse {receipt_no}"));
        play(self.transactions.pop_front(), o)
    }

    fn refund(&mut self, amount: Money, o: &mut dyn Observer, _: &AtomicBool) -> Result<Exchange, SessionError> {
        self.calls.push(format!("refund {}", amount.plain()));
        play(self.transactions.pop_front(), o)
    }

    fn end_of_day(&mut self, o: &mut dyn Observer) -> Result<Exchange, SessionError> {
        self.calls.push("end_of_day".into());
        let mut exchange = play(self.admin.pop_front(), o)?;
        exchange.print_lines = self.eod_lines.clone();
        Ok(exchange)
    }

    fn turnover_totals(&mut self, o: &mut dyn Observer) -> Result<Exchange, SessionError> {
        self.calls.push("turnover_totals".into());
        play(self.admin.pop_front(), o)
    }

    fn status(&mut self, o: &mut dyn Observer) -> Result<TerminalInfo, SessionError> {
        self.calls.push("status".into());
        if let Some(step) = self.statuses.pop_front() {
            play(Some(step), o)?;
        }
        Ok(TerminalInfo {
            status: Some(0x00),
            ..TerminalInfo::default()
        })
    }

    fn last_transaction(&mut self, o: &mut dyn Observer) -> Result<Exchange, SessionError> {
        self.calls.push("last_transaction".into());
        play(self.repeats.pop_front(), o)
    }

    fn abort(&mut self) -> Result<(), SessionError> {
        Ok(())
    }

    fn log_off(&mut self) -> Result<(), SessionError> {
        Ok(())
    }
}

/// A UTC demo till on an in-memory ledger at 2026-11-26 10:00, and its clock.
pub fn till() -> (Till, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at("2026-11-26T10:00:00Z")));
    let mut config = Config::demo();
    config.time_zone = jiff::tz::TimeZone::UTC;
    let store = Store::open_in_memory(config.currency).expect("store");
    let till = Till::with_store(store, config, clock.clone()).expect("till");
    (till, clock)
}

/// `till()` with the demo manager logged in (refunds and voids need one).
pub fn manager_till() -> (Till, Arc<ManualClock>) {
    let (mut till, clock) = till();
    log_in_manager(&mut till);
    (till, clock)
}

pub fn log_in_manager(till: &mut Till) {
    let manager = till
        .manager_approval(crate::config::DEMO_MANAGER_PIN)
        .expect("demo manager");
    till.set_operator(Some(manager));
}

pub fn at(s: &str) -> jiff::Timestamp {
    s.parse().expect("timestamp")
}
