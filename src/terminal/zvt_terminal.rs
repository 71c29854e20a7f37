//! A ZVT terminal behind the CardTerminal trait: typed commands over a Session.

use super::session::{Accept, Exchange, Observer, Session, SessionError};
use super::zvt::apdu::Apdu;
use super::zvt::messages::{EcrCommand, completion_for_status_enquiry};
use super::{CardTerminal, TerminalInfo};
use crate::money::Money;
use std::sync::atomic::AtomicBool;

/// Registration config byte: receipts as print lines (80), admin menu locked (20), amount not
/// editable on the PT (10), intermediate status wanted (08), ECR prints payment receipts (02).
pub const REGISTRATION_CONFIG: u8 = 0xBA;

pub struct ZvtTerminal {
    session: Session,
    password: u32,
    currency: u16,
}

impl ZvtTerminal {
    pub fn new(session: Session, password: u32, currency: u16) -> ZvtTerminal {
        ZvtTerminal {
            session,
            password,
            currency,
        }
    }

    fn run(
        &mut self,
        command: EcrCommand,
        observer: &mut dyn Observer,
        cancel: &AtomicBool,
    ) -> Result<Exchange, SessionError> {
        self.session.run(&command, observer, cancel)
    }
}

fn minor(amount: Money) -> u64 {
    u64::try_from(amount.minor()).unwrap_or(0)
}

impl CardTerminal for ZvtTerminal {
    fn describe(&self) -> String {
        self.session.describe()
    }

    fn register(&mut self) -> Result<TerminalInfo, SessionError> {
        let command = EcrCommand::Registration {
            password: self.password,
            config: REGISTRATION_CONFIG,
            currency: Some(self.currency),
            service: None,
        };
        let exchange = self.run(command, &mut Accept, &AtomicBool::new(false))?;
        let completion = exchange.completion.unwrap_or_default();
        Ok(TerminalInfo {
            terminal_id: completion.terminal_id.map(|t| format!("{t:08}")),
            sw_version: completion.sw_version,
            status: completion.terminal_status,
            aborted: exchange.aborted,
        })
    }

    fn authorize(
        &mut self,
        amount: Money,
        observer: &mut dyn Observer,
        cancel: &AtomicBool,
    ) -> Result<Exchange, SessionError> {
        let command = EcrCommand::Authorization {
            amount_minor: minor(amount),
            currency: Some(self.currency),
            payment_type: None,
        };
        self.run(command, observer, cancel)
    }

    fn reverse(
        &mut self,
        receipt_no: u32,
        observer: &mut dyn Observer,
        cancel: &AtomicBool,
    ) -> Result<Exchange, SessionError> {
        let command = EcrCommand::Reversal {
            password: self.password,
            receipt_no,
            amount_minor: None,
            currency: None,
        };
        self.run(command, observer, cancel)
    }

    fn refund(
        &mut self,
        amount: Money,
        observer: &mut dyn Observer,
        cancel: &AtomicBool,
    ) -> Result<Exchange, SessionError> {
        let command = EcrCommand::Refund {
            password: self.password,
            amount_minor: minor(amount),
            currency: Some(self.currency),
        };
        self.run(command, observer, cancel)
    }

    fn end_of_day(&mut self, observer: &mut dyn Observer) -> Result<Exchange, SessionError> {
        self.run(
            EcrCommand::EndOfDay {
                password: self.password,
            },
            observer,
            &AtomicBool::new(false),
        )
    }

    fn turnover_totals(&mut self, observer: &mut dyn Observer) -> Result<Exchange, SessionError> {
        self.run(
            EcrCommand::SendTurnoverTotals {
                password: self.password,
            },
            observer,
            &AtomicBool::new(false),
        )
    }

    fn status(&mut self, observer: &mut dyn Observer) -> Result<TerminalInfo, SessionError> {
        let command = EcrCommand::StatusEnquiry {
            password: Some(self.password),
            service: None,
        };
        let exchange = self.run(command, observer, &AtomicBool::new(false))?;
        let completion = exchange
            .completion_raw
            .as_deref()
            .and_then(|raw| Apdu::decode(raw).ok())
            .and_then(|(apdu, _)| completion_for_status_enquiry(&apdu).ok())
            .unwrap_or_default();
        Ok(TerminalInfo {
            terminal_id: completion.terminal_id.map(|t| format!("{t:08}")),
            sw_version: completion.sw_version,
            status: completion.terminal_status,
            aborted: exchange.aborted,
        })
    }

    fn last_transaction(&mut self, observer: &mut dyn Observer) -> Result<Exchange, SessionError> {
        self.run(
            EcrCommand::RepeatReceipt {
                password: self.password,
            },
            observer,
            &AtomicBool::new(false),
        )
    }

    fn abort(&mut self) -> Result<(), SessionError> {
        self.run(EcrCommand::Abort, &mut Accept, &AtomicBool::new(false))
            .map(|_| ())
    }

    fn log_off(&mut self) -> Result<(), SessionError> {
        self.run(EcrCommand::LogOff, &mut Accept, &AtomicBool::new(false))
            .map(|_| ())
    }
}
