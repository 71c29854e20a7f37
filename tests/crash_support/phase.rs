//! Where a kill landed, read back after the kill (before recovery) from the journal rows the
//! killed run left and from what the relay saw pass.

use super::proxy::{self, Message};
use super::shop::Shop;
use tillguard::store::CardState;

/// 06 01 Authorization, 06 50 End-of-Day.
pub const AUTHORIZATION: u8 = 0x01;
pub const END_OF_DAY: u8 = 0x50;

/// Where a kill landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Sale: nothing journaled yet (start-up, catalog, connecting).
    BeforeIntent,
    /// Sale: intent journaled, the terminal's result not stored.
    IntentNoResult,
    /// Sale: the result stored, its acknowledgement not sent (the terminal has not booked).
    ResultNotAcknowledged,
    /// Sale: the result acknowledged (booked), the sale not committed.
    AcknowledgedNoSale,
    /// Sale: committed, not yet printed as done.
    CommittedNotReported,
    /// Sale: reported done, then killed (e.g. while exiting).
    Reported,
    /// Sale declined by the terminal, killed after the decline was stored.
    DeclineStored,
    /// Settle: killed before the terminal's end-of-day totals arrived.
    SettleBeforeTotals,
    /// Settle: totals stored, their acknowledgement not sent (the terminal has not settled).
    SettleTotalsNotAcknowledged,
    /// Settle: the terminal settled; the till had not finished.
    SettleAcknowledged,
}

impl Phase {
    /// The phases the loop must hit for its claims to mean anything.
    pub const REQUIRED: [Phase; 9] = [
        Phase::BeforeIntent,
        Phase::IntentNoResult,
        Phase::ResultNotAcknowledged,
        Phase::AcknowledgedNoSale,
        Phase::CommittedNotReported,
        Phase::Reported,
        Phase::SettleBeforeTotals,
        Phase::SettleTotalsNotAcknowledged,
        Phase::SettleAcknowledged,
    ];
}

/// Where a killed sale run landed: the journal rows it left (before recovery) and the relay.
pub fn sale_phase(shop: &Shop, newest_before: i64, messages: &[Message], printed: bool) -> Phase {
    if printed {
        return Phase::Reported;
    }
    let rows = shop
        .store()
        .cards_after(&shop.terminal_name(), newest_before)
        .expect("journal");
    let Some(row) = rows.last() else {
        return Phase::BeforeIntent;
    };
    if row.sale_id.is_some() {
        return Phase::CommittedNotReported;
    }
    let acknowledged = proxy::result_after(messages, AUTHORIZATION).is_some_and(|i| proxy::acknowledged(messages, i));
    match row.state {
        CardState::Pending => Phase::IntentNoResult,
        CardState::Declined | CardState::Cancelled => Phase::DeclineStored,
        CardState::Approved | CardState::InDoubt if acknowledged => Phase::AcknowledgedNoSale,
        CardState::Approved | CardState::InDoubt => Phase::ResultNotAcknowledged,
    }
}

pub fn settle_phase(messages: &[Message]) -> Phase {
    match proxy::result_after(messages, END_OF_DAY) {
        Some(i) if proxy::acknowledged(messages, i) => Phase::SettleAcknowledged,
        Some(_) => Phase::SettleTotalsNotAcknowledged,
        None => Phase::SettleBeforeTotals,
    }
}
