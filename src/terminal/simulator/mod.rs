//! A ZVT payment terminal of our own (the PT side), for demo mode, tests and installers.
//!
//! `Simulator::handle` is the pure protocol logic: one ECR command in, the PT messages out.
//! Anything that changes the batch is held back until the ECR acknowledges the
//! Status-Information (04 0F) that announced it (`confirm_status`), because that
//! acknowledgement is the moment a real terminal books (REFERENCE.md, "the one rule that
//! loses money"). `serve` does the I/O and the master-rights handshake.
//!
//! Protocol choices (documented because the spec leaves them to the terminal):
//! - a declined authorization or refund ends with Abort `06 1E 05` (05 = host "do not
//!   honour"); declined are amounts whose cents equal `SimFaults::decline_cents` (.13);
//! - reversal of an unknown receipt number, of a refund, or with a different amount:
//!   `06 1E B5`; of a payment already reversed: `06 1E B4`;
//! - wrong password: `06 1E 83` (function not possible; ZVT has no password code);
//!   wrong currency: `06 1E 6F`; amount 0: `06 1E C8` (amount too small); above
//!   99 999.99: `06 1E C3`;
//! - Repeat Receipt with nothing booked yet: `06 1E 83` (function not possible);
//! - end-of-day impossible (fault flag): `06 1E 77`;
//! - Abort `06 B0` while idle and unknown commands: `84 83`; a command that cannot be
//!   decoded: `84 9A`;
//! - refunds count in their scheme and subtract from its total (see batch.rs).

pub mod batch;
mod cards;
mod clear;
mod commands;
mod error;
pub mod power;
mod pt;
mod serve;
mod store;
mod tcp;

pub use batch::{Batch, Card, Kind, LostBatch, Scheme, SchemeTotal, Settlement, State, Totals, Transaction};
pub use cards::{PIN_ABOVE_MINOR, RC_DECLINED, card_for_trace};
pub use error::SimError;
pub use pt::SW_VERSION;
pub use serve::{serve, spawn_pty_pair};
pub use tcp::{Loopback, serve_tcp, spawn_loopback};

use crate::clock::Clock;
use crate::terminal::zvt::link::Faults;
use jiff::civil::Time;
use jiff::tz::TimeZone;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub const RC_ALREADY_REVERSED: u8 = 0xB4;
pub const RC_REVERSAL_NOT_POSSIBLE: u8 = 0xB5;
pub const RC_WRONG_PASSWORD: u8 = 0x83;
pub const RC_WRONG_CURRENCY: u8 = 0x6F;
pub const RC_AMOUNT_TOO_SMALL: u8 = 0xC8;
pub const RC_MAX_AMOUNT_EXCEEDED: u8 = 0xC3;
pub const RC_NOTHING_TO_REPEAT: u8 = 0x83;
pub const RC_END_OF_DAY_NOT_POSSIBLE: u8 = 0x77;
pub const RC_ABORTED: u8 = 0x6C;
pub const RC_SYSTEM_ERROR: u8 = 0xFF;
/// 84 83: command not supported (also: nothing to abort).
pub const NAK_NOT_SUPPORTED: u8 = 0x83;
/// 84 9A: the command could not be decoded.
pub const NAK_PROTOCOL_ERROR: u8 = 0x9A;
pub const MAX_AMOUNT_MINOR: u64 = 9_999_999;

/// Intermediate status codes (04 FF) the simulator shows.
pub const IS_PIN: u8 = 0x01;
pub const IS_WAITING_FOR_HOST: u8 = 0x04;
pub const IS_INSERT_CARD: u8 = 0x0A;
pub const IS_AUTO_END_OF_DAY: u8 = 0x0F;
pub const IS_PLEASE_WAIT: u8 = 0x17;
pub const IS_DECLINED: u8 = 0x1D;

/// Misbehaviour on request, for tests and for installers rehearsing failures.
#[derive(Debug, Clone)]
pub struct SimFaults {
    /// Handed to the PT's SerialLink: corrupt CRC, slow bytes, missing ACK, silence.
    pub link: Faults,
    /// Answer a command with 80 00 and then say nothing more.
    pub silence_after_ack: bool,
    /// Send the Status-Information (04 0F) and then stop serving (as if the cable were
    /// pulled): the transaction is not booked, whatever the ECR answers.
    pub disconnect_after_status: bool,
    /// Amounts whose cents equal this are declined by the "host"; None declines nothing.
    pub decline_cents: Option<u8>,
    /// End-of-day fails with result 77.
    pub end_of_day_fails: bool,
    /// At the auto-clear time, settle the batch (automatic end-of-day) instead of losing it;
    /// the totals reach the ECR in the next Status Enquiry: intermediate status 0F, then a
    /// Status-Information with BMP 60, then the usual Completion.
    pub auto_end_of_day: bool,
    /// Pause before each intermediate status and the result, as a card holder and a host
    /// would take; the ECR's Abort (06 B0) is honoured during it. Zero for tests.
    pub think_time: Duration,
}

impl Default for SimFaults {
    fn default() -> Self {
        SimFaults {
            link: Faults::default(),
            silence_after_ack: false,
            disconnect_after_status: false,
            decline_cents: Some(13),
            end_of_day_fails: false,
            auto_end_of_day: false,
            think_time: Duration::ZERO,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub terminal_id: u32,
    /// ISO 4217 numeric code.
    pub currency: u16,
    /// Where the batch lives between runs; None keeps it in memory only.
    pub state_file: Option<PathBuf>,
    /// Local time at which the terminal clears its batch every day, settled or not.
    pub auto_clear: Option<Time>,
    pub time_zone: TimeZone,
    pub faults: SimFaults,
    pub password: u32,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            terminal_id: 52_52_35_35,
            currency: 978,
            state_file: None,
            auto_clear: None,
            time_zone: TimeZone::UTC,
            faults: SimFaults::default(),
            password: 123_456,
        }
    }
}

/// A change announced by a 04 0F, applied when the ECR acknowledges it.
#[derive(Debug, Clone)]
enum Pending {
    Book(Transaction),
    Reverse(Transaction),
    Settle(Settlement),
    /// The totals of an automatic end-of-day reached the ECR.
    Reported,
}

pub struct Simulator {
    config: SimConfig,
    clock: Arc<dyn Clock>,
    state: State,
    pending: Option<Pending>,
    /// How long the PT waits for the ECR's 80 00 to each of its messages (T3).
    ack_timeout: Duration,
}

impl Simulator {
    /// Loads the state file if there is one (a corrupt file is an error naming it).
    pub fn new(config: SimConfig, clock: Arc<dyn Clock>) -> Result<Simulator, SimError> {
        let state = match &config.state_file {
            Some(path) => store::load(path)?.unwrap_or_default(),
            None => State::default(),
        };
        let mut sim = Simulator {
            config,
            clock,
            state,
            pending: None,
            ack_timeout: Duration::from_secs(5),
        };
        if sim.state.checked_through.is_none() {
            sim.state.checked_through = Some(sim.clock.now());
        }
        // A clear that fell while the terminal was off still happened.
        sim.tick()?;
        Ok(sim)
    }

    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    pub fn batch(&self) -> &Batch {
        &self.state.batch
    }

    /// Everything persisted (lost batches, counters, last settlement).
    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn ack_timeout(&self) -> Duration {
        self.ack_timeout
    }

    /// T3 for `serve`; tests shorten it.
    pub fn set_ack_timeout(&mut self, timeout: Duration) {
        self.ack_timeout = timeout;
    }

    /// True while a 04 0F waits for its acknowledgement.
    pub fn has_pending(&self) -> bool {
        self.pending.is_some()
    }

    fn save(&self) -> Result<(), SimError> {
        match &self.config.state_file {
            Some(path) => store::save(path, &self.state),
            None => Ok(()),
        }
    }

    /// Runs the auto-clear if its time has come since the last look. Returns the lost batch
    /// when one was cleared unsettled.
    pub fn tick(&mut self) -> Result<Option<LostBatch>, SimError> {
        let now = self.clock.now();
        let Some(at) = self.config.auto_clear else {
            self.state.checked_through = Some(now);
            return Ok(None);
        };
        let due = clear::due(self.state.checked_through, now, at, &self.config.time_zone)
            .map_err(|e| SimError::Time(e.to_string()))?;
        // Kept in memory; written with the next change. A restart re-looks from the last
        // write, which still finds a clear that fell on a non-empty batch.
        self.state.checked_through = Some(now);
        let Some(cleared_at) = due else { return Ok(None) };
        if self.state.batch.is_empty() {
            return Ok(None);
        }
        let batch = std::mem::take(&mut self.state.batch);
        if self.config.faults.auto_end_of_day {
            let trace = self.state.counters.take_trace();
            let settlement = Settlement {
                at: cleared_at,
                trace,
                totals: batch.totals(),
            };
            tracing::info!(
                trace,
                total_minor = settlement.totals.total_minor,
                "simulated terminal: automatic end-of-day"
            );
            self.state.last_settlement = Some(settlement.clone());
            self.state.unreported_settlement = Some(settlement);
            self.save()?;
            return Ok(None);
        }
        let (_, _, date) = pt::local(cleared_at, &self.config.time_zone);
        let lost = LostBatch {
            cleared_at,
            date,
            totals: batch.totals(),
            transactions: batch.transactions,
        };
        tracing::warn!(
            date = %lost.date,
            transactions = lost.transactions.len(),
            total_minor = lost.totals.total_minor,
            "simulated terminal cleared an unsettled batch"
        );
        self.state.lost_batches.push(lost.clone());
        self.save()?;
        Ok(Some(lost))
    }

    /// The ECR acknowledged the 04 0F: book what it announced. Returns whether anything was
    /// booked. The change is written to the state file before this returns.
    pub fn confirm_status(&mut self) -> Result<bool, SimError> {
        let Some(pending) = self.pending.take() else {
            return Ok(false);
        };
        match pending {
            Pending::Book(tx) => {
                self.state.batch.transactions.push(tx.clone());
                self.state.last = Some(tx);
            }
            Pending::Reverse(tx) => {
                let original = tx.original_receipt;
                if let Some(payment) = self
                    .state
                    .batch
                    .transactions
                    .iter_mut()
                    .find(|t| t.kind == Kind::Payment && Some(t.receipt_no) == original)
                {
                    payment.reversed = true;
                }
                self.state.batch.transactions.push(tx.clone());
                self.state.last = Some(tx);
            }
            Pending::Settle(settlement) => {
                self.state.batch = Batch::default();
                self.state.last_settlement = Some(settlement);
            }
            Pending::Reported => self.state.unreported_settlement = None,
        }
        self.save()?;
        Ok(true)
    }

    /// The 04 0F was not acknowledged (timeout, abort, cable): nothing is booked.
    pub fn abandon(&mut self) {
        if let Some(pending) = self.pending.take() {
            tracing::info!(?pending, "simulated terminal: result not acknowledged, not booked");
        }
    }
}
