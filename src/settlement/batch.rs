//! A terminal's batch: the card transactions it holds since its last end-of-day, and the
//! states a batch moves through. Pure: the store persists these, the guard judges them.

use crate::money::Money;
use jiff::Timestamp;
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BatchState {
    /// Taking card payments.
    Open,
    /// End-of-day asked of the terminal, no answer yet (a crash here leaves it for recovery).
    Settling,
    /// The terminal settled it and its totals are stored.
    Settled,
    /// A manager postponed settling it (reason, until).
    Deferred,
    /// The last end-of-day failed (the terminal's reason is kept); it is still unsettled.
    Failed,
    /// The terminal cleared it unsettled: the payments must be claimed from the acquirer.
    Lost,
}

impl BatchState {
    pub fn as_str(&self) -> &'static str {
        match self {
            BatchState::Open => "open",
            BatchState::Settling => "settling",
            BatchState::Settled => "settled",
            BatchState::Deferred => "deferred",
            BatchState::Failed => "failed",
            BatchState::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<BatchState> {
        ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// Settled and Lost batches are history; every other state still holds money.
    pub fn is_unsettled(&self) -> bool {
        !matches!(self, BatchState::Settled | BatchState::Lost)
    }

    /// Whether a batch may move from `self` to `to` (the store refuses anything else).
    pub fn can_become(&self, to: BatchState) -> bool {
        use BatchState::*;
        matches!(
            (self, to),
            (Open | Deferred | Failed, Settling)
                | (Open | Failed, Deferred)
                | (Deferred, Open)
                | (Settling, Settled | Failed)
                // The terminal may settle or clear on its own from any unsettled state.
                | (Open | Settling | Deferred | Failed, Settled | Lost)
        )
    }
}

const ALL: [BatchState; 6] = [
    BatchState::Open,
    BatchState::Settling,
    BatchState::Settled,
    BatchState::Deferred,
    BatchState::Failed,
    BatchState::Lost,
];

/// Why a manager deferred settling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeferReason {
    TerminalOffline,
    HostUnreachable,
    AcquirerMaintenance,
    Other(String),
}

impl DeferReason {
    pub fn code(&self) -> &'static str {
        match self {
            DeferReason::TerminalOffline => "terminal_offline",
            DeferReason::HostUnreachable => "host_unreachable",
            DeferReason::AcquirerMaintenance => "acquirer_maintenance",
            DeferReason::Other(_) => "other",
        }
    }

    /// The reason a stored code names (`other` with its text); None for an unknown code.
    pub fn from_code(code: &str, text: Option<String>) -> Option<DeferReason> {
        match code {
            "terminal_offline" => Some(DeferReason::TerminalOffline),
            "host_unreachable" => Some(DeferReason::HostUnreachable),
            "acquirer_maintenance" => Some(DeferReason::AcquirerMaintenance),
            "other" => Some(DeferReason::Other(text.unwrap_or_default())),
            _ => None,
        }
    }

    /// The free text of `other`.
    pub fn text(&self) -> Option<&str> {
        match self {
            DeferReason::Other(t) => Some(t),
            _ => None,
        }
    }
}

/// A manager's deferral of one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deferral {
    pub until: Timestamp,
    /// Who (the manager's name).
    pub by: String,
    pub reason: DeferReason,
    pub at: Timestamp,
}

/// A manager's acknowledgement of a settled batch's reconciliation mismatch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub by: String,
    pub note: String,
    pub at: Timestamp,
}

/// What the guard needs to know about one unsettled batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchView {
    pub id: i64,
    /// The terminal's name as the card journal knows it.
    pub terminal: String,
    pub state: BatchState,
    /// When its first card payment was made, and that payment's business day.
    pub opened_at: Timestamp,
    pub first_day: Date,
    /// Approved card payments in it (net of reversals), and their amount.
    pub payments: u64,
    pub amount: Money,
    /// The deferral in force or most recently expired, if any.
    pub deferral: Option<Deferral>,
}
