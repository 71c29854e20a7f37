//! What recovery did with each card journal row.

use crate::money::Money;
use crate::store::CardKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryOutcome {
    /// The terminal booked it; its sale is not in the ledger (yet): see the reason.
    Approved,
    /// The terminal did not book it.
    NotBooked,
    /// Nobody can tell yet; the row waits (never dropped, never guessed approved).
    InDoubt,
    /// Booked, and its journaled sale is now committed.
    SaleRecovered,
}

impl RecoveryOutcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            RecoveryOutcome::Approved => "approved",
            RecoveryOutcome::NotBooked => "not_booked",
            RecoveryOutcome::InDoubt => "in_doubt",
            RecoveryOutcome::SaleRecovered => "sale_recovered",
        }
    }
}

/// What recovery did with one journal row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveredCard {
    pub id: i64,
    pub kind: CardKind,
    pub amount: Money,
    pub outcome: RecoveryOutcome,
    pub reason: String,
    /// The sale (or refund record) committed for it, if any.
    pub sale_id: Option<i64>,
    pub trace: Option<u32>,
    pub receipt_no: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// The terminal that was asked.
    pub terminal: String,
    pub cards: Vec<RecoveredCard>,
    /// Set when the terminal could not be asked at all (no answer, link down).
    pub terminal_error: Option<String>,
}

impl RecoveryReport {
    /// Rows still in doubt after this run.
    pub fn in_doubt(&self) -> Vec<i64> {
        self.ids(RecoveryOutcome::InDoubt)
    }

    /// Rows approved by the terminal whose sale is still not in the ledger.
    pub fn without_sale(&self) -> Vec<i64> {
        self.ids(RecoveryOutcome::Approved)
    }

    fn ids(&self, outcome: RecoveryOutcome) -> Vec<i64> {
        self.cards
            .iter()
            .filter(|c| c.outcome == outcome)
            .map(|c| c.id)
            .collect()
    }

    /// Records a row's latest outcome (a row approved by the terminal may then get its sale).
    pub(super) fn set(&mut self, card: RecoveredCard) {
        match self.cards.iter_mut().find(|c| c.id == card.id) {
            Some(slot) => *slot = card,
            None => self.cards.push(card),
        }
    }
}
