//! Incidents: facts that put the shop's money or its record at risk, kept until a manager has
//! written down the cause and the remedy and closed them. Pure: the ledger finds the facts
//! (`Source`), this module words them (`describe`) and the till opens them.

pub use crate::health::Device;
use crate::money::Money;
use jiff::Timestamp;

#[cfg(test)]
mod tests;
mod text;

pub use text::{csv, describe, kind_title, local as local_time};

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncidentKind {
    LostBatch,
    Mismatch,
    Deferral,
    PaymentInDoubt,
    ClockJump,
    BackupFailed,
    TerminalOffline,
    PrinterOffline,
}

impl IncidentKind {
    pub const ALL: [IncidentKind; 8] = [
        IncidentKind::LostBatch,
        IncidentKind::Mismatch,
        IncidentKind::Deferral,
        IncidentKind::PaymentInDoubt,
        IncidentKind::ClockJump,
        IncidentKind::BackupFailed,
        IncidentKind::TerminalOffline,
        IncidentKind::PrinterOffline,
    ];

    /// The name in the ledger, the CLI, the CSV and the webhook's JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentKind::LostBatch => "lost_batch",
            IncidentKind::Mismatch => "mismatch",
            IncidentKind::Deferral => "deferral",
            IncidentKind::PaymentInDoubt => "payment_in_doubt",
            IncidentKind::ClockJump => "clock_jump",
            IncidentKind::BackupFailed => "backup_failed",
            IncidentKind::TerminalOffline => "terminal_offline",
            IncidentKind::PrinterOffline => "printer_offline",
        }
    }

    pub fn parse(text: &str) -> Option<IncidentKind> {
        IncidentKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A fact the ledger (or the device watch) found that has no incident yet.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// The terminal cleared a batch unsettled: its payments must be claimed.
    LostBatch {
        batch_id: i64,
        terminal: String,
        payments: u64,
        amount: Money,
        at: Timestamp,
    },
    /// The terminal's totals differ from the ledger's.
    Mismatch {
        batch_id: i64,
        terminal: String,
        ledger_amount: Money,
        terminal_amount: Money,
        missing: usize,
        unknown: usize,
        at: Timestamp,
    },
    Deferral {
        deferral_id: i64,
        batch_id: i64,
        terminal: String,
        amount: Money,
        by: String,
        reason: String,
        until: Timestamp,
        at: Timestamp,
    },
    /// A card payment whose outcome the terminal has not told.
    InDoubt {
        card_id: i64,
        terminal: String,
        amount: Money,
        error: String,
        at: Timestamp,
    },
    /// The wall clock jumped (audit event `clock_back`/`clock_forward`).
    ClockJump {
        audit_seq: i64,
        detail: String,
        at: Timestamp,
    },
    /// A backup failed (audit event `backup.failed`).
    BackupFailed {
        audit_seq: i64,
        detail: String,
        at: Timestamp,
    },
    /// A device has not answered for longer than the configured limit.
    Offline {
        device: Device,
        name: String,
        since: Timestamp,
        last_error: String,
        at: Timestamp,
    },
}

impl Source {
    pub fn kind(&self) -> IncidentKind {
        match self {
            Source::LostBatch { .. } => IncidentKind::LostBatch,
            Source::Mismatch { .. } => IncidentKind::Mismatch,
            Source::Deferral { .. } => IncidentKind::Deferral,
            Source::InDoubt { .. } => IncidentKind::PaymentInDoubt,
            Source::ClockJump { .. } => IncidentKind::ClockJump,
            Source::BackupFailed { .. } => IncidentKind::BackupFailed,
            Source::Offline {
                device: Device::Terminal,
                ..
            } => IncidentKind::TerminalOffline,
            Source::Offline {
                device: Device::Printer,
                ..
            } => IncidentKind::PrinterOffline,
        }
    }

    /// Names the fact, so one fact opens one incident however often it is found. The ledger's
    /// sweep builds the same keys in SQL (`store::incidents`).
    pub fn key(&self) -> String {
        match self {
            Source::LostBatch { batch_id, .. } => format!("lost_batch:{batch_id}"),
            Source::Mismatch { batch_id, .. } => format!("mismatch:{batch_id}"),
            Source::Deferral { deferral_id, .. } => format!("deferral:{deferral_id}"),
            Source::InDoubt { card_id, .. } => format!("in_doubt:{card_id}"),
            Source::ClockJump { audit_seq, .. } => format!("clock:{audit_seq}"),
            Source::BackupFailed { audit_seq, .. } => format!("backup:{audit_seq}"),
            Source::Offline { since, .. } => format!("{}:{}", self.kind().as_str(), since.as_second()),
        }
    }
}

/// An incident about to be opened: the fact worded for the record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIncident {
    pub kind: IncidentKind,
    pub key: String,
    pub at: Timestamp,
    pub terminal: Option<String>,
    pub batch_id: Option<i64>,
    pub amount: Option<Money>,
    /// What happened (facts, amounts, times).
    pub what: String,
    /// What the till did about it.
    pub action: String,
}

/// Who did something to an incident, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub by: String,
    pub at: Timestamp,
}

/// An incident as the ledger keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: i64,
    pub kind: IncidentKind,
    pub key: String,
    pub opened_at: Timestamp,
    pub terminal: Option<String>,
    pub batch_id: Option<i64>,
    pub amount: Option<Money>,
    pub what: String,
    pub action: String,
    /// The manager's analysis: why it happened.
    pub cause: String,
    /// What was done (e.g. "claim filed with the acquirer on 2026-11-28, ref 4411").
    pub remedy: String,
    pub updated: Option<Stamp>,
    pub closed: Option<Stamp>,
}

impl Incident {
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }
}

/// Why an incident cannot be closed (or noted) as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncidentError {
    #[error("incident #{0} does not exist")]
    NoSuch(i64),
    #[error("incident #{id} was closed already by {by} at {at}")]
    Closed { id: i64, by: String, at: String },
    #[error("write the remedy (what was done about it) before closing incident #{0}")]
    NoRemedy(i64),
    #[error("the {field} is too long ({len} characters; at most {max})")]
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("the {field} contains control characters")]
    Control { field: &'static str },
}

/// The most a cause or a remedy may hold: a paragraph, not a document.
pub const NOTE_MAX: usize = 2000;

/// Checks a cause or remedy as typed (trimmed; newlines and tabs allowed).
pub fn check_note(field: &'static str, text: &str) -> Result<String, IncidentError> {
    let text = text.trim();
    let len = text.chars().count();
    if len > NOTE_MAX {
        return Err(IncidentError::TooLong {
            field,
            len,
            max: NOTE_MAX,
        });
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(IncidentError::Control { field });
    }
    Ok(text.to_string())
}
