//! Reading a terminal exchange as a payment result.

use super::session::Exchange;
use super::zvt::messages::StatusInformation;
use crate::store::CardResultFields;

/// ZVT result code 00: the transaction succeeded.
pub const SUCCESS: u8 = 0x00;

/// A 04 0F approves a payment when its result code is 00 (a missing BMP 27 also means
/// success: terminals leave it out of successful status messages).
pub fn approves(info: &StatusInformation) -> bool {
    info.result_code.unwrap_or(SUCCESS) == SUCCESS && info.totals.is_none()
}

/// The journal fields from a Status-Information.
pub fn fields(info: &StatusInformation) -> CardResultFields {
    CardResultFields {
        result_code: info.result_code,
        amount_minor: info.amount_minor.and_then(|a| i64::try_from(a).ok()),
        trace: info.trace,
        receipt_no: info.receipt_no,
        card_type: info.card_type.map(card_type_name),
        card_name: info.card_name.clone(),
        pan: info.pan.clone(),
        terminal_id: info.terminal_id.map(|t| format!("{t:08}")),
        terminal_time: match (&info.date, &info.time) {
            (Some(d), Some(t)) => Some(format!("{d} {t}")),
            (None, Some(t)) => Some(t.clone()),
            _ => None,
        },
    }
}

/// ZVT card-type ids (BMP 8A) for the common schemes; others keep their number
/// (the terminal's card name, BMP 8B, is stored beside it).
pub fn card_type_name(id: u8) -> String {
    match id {
        5 => "girocard".into(),
        6 => "mastercard".into(),
        8 => "amex".into(),
        10 => "visa".into(),
        other => format!("type {other}"),
    }
}

/// The approving Status-Information of an exchange, if the terminal approved.
pub fn approval(exchange: &Exchange) -> Option<&StatusInformation> {
    exchange.status.iter().rev().find(|s| approves(s))
}
