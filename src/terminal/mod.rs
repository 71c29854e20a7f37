//! Card terminals: the ZVT protocol, the session that drives a payment, and a simulated
//! terminal for demo mode and tests.

pub mod check;
pub mod connect;
pub mod outcome;
pub mod session;
pub mod simulator;
pub mod spec;
pub mod zvt;
pub mod zvt_terminal;

use crate::money::Money;
use session::{Exchange, Observer, SessionError};
use std::sync::atomic::AtomicBool;

/// What a terminal says about itself (registration or status enquiry).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerminalInfo {
    pub terminal_id: Option<String>,
    pub sw_version: Option<String>,
    /// Terminal status byte (05 01): 00 ready, F0 reconciliation required, ...
    pub status: Option<u8>,
    /// The terminal aborted the command with this result code.
    pub aborted: Option<u8>,
}

/// A card terminal. Long operations report progress through the observer and can be
/// cancelled (the terminal is asked to abort while the protocol allows it).
pub trait CardTerminal: Send {
    fn describe(&self) -> String;
    fn register(&mut self) -> Result<TerminalInfo, SessionError>;
    fn authorize(
        &mut self,
        amount: Money,
        observer: &mut dyn Observer,
        cancel: &AtomicBool,
    ) -> Result<Exchange, SessionError>;
    fn reverse(
        &mut self,
        receipt_no: u32,
        observer: &mut dyn Observer,
        cancel: &AtomicBool,
    ) -> Result<Exchange, SessionError>;
    fn refund(
        &mut self,
        amount: Money,
        observer: &mut dyn Observer,
        cancel: &AtomicBool,
    ) -> Result<Exchange, SessionError>;
    fn end_of_day(&mut self, observer: &mut dyn Observer) -> Result<Exchange, SessionError>;
    fn turnover_totals(&mut self, observer: &mut dyn Observer) -> Result<Exchange, SessionError>;
    fn status(&mut self, observer: &mut dyn Observer) -> Result<TerminalInfo, SessionError>;
    fn last_transaction(&mut self, observer: &mut dyn Observer) -> Result<Exchange, SessionError>;
    fn abort(&mut self) -> Result<(), SessionError>;
    fn log_off(&mut self) -> Result<(), SessionError>;
}
