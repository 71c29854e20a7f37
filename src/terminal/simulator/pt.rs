//! The PT messages the simulator sends: Status-Information (04 0F) for a transaction or an
//! end-of-day, receipts as Print Lines (06 D1) or a Print Text Block (06 D3), Completions.

use super::batch::{Kind, Scheme, Totals, Transaction};
use crate::money::{Currency, Money};
use crate::terminal::zvt::messages::{CardScheme, CardTotal, Completion, EodTotals, PtMessage, StatusInformation};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Registration config bits (REFERENCE.md): what the ECR asked the PT to do.
pub const CFG_ECR_PRINTS_PAYMENT: u8 = 0x02;
pub const CFG_ECR_PRINTS_ADMIN: u8 = 0x04;
pub const CFG_INTERMEDIATE_STATUS: u8 = 0x08;
pub const CFG_PRINT_LINES: u8 = 0x80;

/// BMP 2A, the merchant's contract number at the acquirer (15 characters, space padded).
pub const VU_NUMBER: &str = "TILLGUARDSIM001";
/// BMP 19 in a transaction's Status-Information: the payment type the real Feig trace shows.
pub const PAYMENT_TYPE: u8 = 0x60;
/// Software version reported to a Status Enquiry.
pub const SW_VERSION: &str = concat!("TILLGUARD-SIM ", env!("CARGO_PKG_VERSION"));
/// Print Line attribute for the last line of a receipt (bit 7); 00 is plain text.
pub const LAST_LINE: u8 = 0x80;

pub fn card_scheme(scheme: Scheme) -> CardScheme {
    match scheme {
        Scheme::Girocard => CardScheme::Girocard,
        Scheme::Jcb => CardScheme::Jcb,
        Scheme::Mastercard => CardScheme::Mastercard,
        Scheme::Amex => CardScheme::Amex,
        Scheme::Visa => CardScheme::Visa,
        Scheme::Diners => CardScheme::Diners,
        Scheme::Other => CardScheme::Other,
    }
}

/// Local "HH:MM:SS", "MM-DD" and "YYYY-MM-DD" of an instant.
pub fn local(at: Timestamp, tz: &TimeZone) -> (String, String, String) {
    let zoned = at.to_zoned(tz.clone());
    (
        zoned.strftime("%H:%M:%S").to_string(),
        zoned.strftime("%m-%d").to_string(),
        zoned.strftime("%Y-%m-%d").to_string(),
    )
}

/// The Status-Information of a booked (or about to be booked) transaction.
pub fn transaction_status(tx: &Transaction, terminal_id: u32, tz: &TimeZone) -> StatusInformation {
    let (time, date, _) = local(tx.time, tz);
    StatusInformation {
        result_code: Some(0x00),
        amount_minor: Some(tx.amount_minor),
        trace: Some(tx.trace),
        original_trace: tx.original_trace,
        time: Some(time),
        date: Some(date),
        expiry: Some(tx.card.expiry.clone()),
        card_sequence: Some(tx.card.sequence),
        payment_type: Some(PAYMENT_TYPE),
        pan: Some(tx.card.pan.clone()),
        terminal_id: Some(terminal_id),
        vu_number: Some(VU_NUMBER.to_string()),
        aid: Some(tx.auth_code.clone()),
        currency: Some(tx.currency),
        receipt_no: Some(tx.receipt_no),
        turnover_no: Some(tx.turnover_no),
        card_type: Some(tx.card.card_type),
        card_name: Some(tx.card.name.clone()),
        ..StatusInformation::default()
    }
}

/// BMP 60: all seven schemes in their fixed order; a count above 255 (one byte) shows 255.
pub fn eod_totals(totals: &Totals) -> EodTotals {
    let per_card = Scheme::ALL
        .iter()
        .map(|&scheme| {
            let t = totals.scheme(scheme);
            CardTotal {
                card: card_scheme(scheme),
                count: t.map_or(0, |t| u8::try_from(t.count).unwrap_or(u8::MAX)),
                amount_minor: t.map_or(0, |t| t.amount_minor),
            }
        })
        .collect();
    EodTotals {
        receipt_start: totals.receipt_start,
        receipt_end: totals.receipt_end,
        per_card,
    }
}

/// The Status-Information of an end-of-day (or of Send Turnover Totals, without a trace).
pub fn totals_status(totals: &Totals, trace: Option<u32>, at: Timestamp, tz: &TimeZone) -> StatusInformation {
    let (time, date, _) = local(at, tz);
    StatusInformation {
        result_code: Some(0x00),
        amount_minor: Some(totals.total_minor),
        trace,
        time: Some(time),
        date: Some(date),
        totals: Some(eod_totals(totals)),
        ..StatusInformation::default()
    }
}

pub fn registration_completion(terminal_id: u32, currency: u16) -> Completion {
    Completion {
        status_byte: Some(0x00),
        terminal_id: Some(terminal_id),
        currency: Some(currency),
        ..Completion::default()
    }
}

pub fn status_enquiry_completion(terminal_status: u8) -> Completion {
    Completion {
        sw_version: Some(SW_VERSION.to_string()),
        terminal_status: Some(terminal_status),
        ..Completion::default()
    }
}

pub fn amount_text(minor: u64, currency: u16) -> String {
    let signed = i64::try_from(minor).unwrap_or(i64::MAX);
    match Currency::from_numeric(currency) {
        Ok(c) => format!("{} {}", c.alpha, Money::from_minor(signed, c).plain()),
        Err(_) => format!("{:03} {}.{:02}", currency, minor / 100, minor % 100),
    }
}

fn row(label: &str, value: &str) -> String {
    format!("{label:<14}{value:>18}")
}

/// The card slip, 32 characters wide, plain ASCII.
pub fn receipt_lines(tx: &Transaction, terminal_id: u32, tz: &TimeZone, copy: bool) -> Vec<String> {
    let (time, _, date) = local(tx.time, tz);
    let title = match tx.kind {
        Kind::Payment => "Payment",
        Kind::Refund => "Refund",
        Kind::Reversal => "Reversal",
    };
    let mut lines = vec![
        "   ** Customer receipt **".to_string(),
        if copy {
            "        *** COPY ***".to_string()
        } else {
            String::new()
        },
        format!("{title} {}", tx.card.name),
        row("Date:", &format!("{date} {time}")),
        row("Terminal-ID:", &format!("{terminal_id:08}")),
        row("Trace-No.:", &format!("{:06}", tx.trace)),
        row("Receipt-No.:", &format!("{:04}", tx.receipt_no)),
        row("Card:", &tx.card.pan),
        row("Auth.-No.:", &tx.auth_code),
    ];
    if let Some(original) = tx.original_receipt {
        lines.push(row("Reversed No.:", &format!("{original:04}")));
    }
    lines.push(row("Amount:", &amount_text(tx.amount_minor, tx.currency)));
    lines.push(String::new());
    lines.push("        Approved".to_string());
    lines
}

pub fn totals_lines(totals: &Totals, currency: u16, at: Timestamp, tz: &TimeZone, settled: bool) -> Vec<String> {
    let (time, _, date) = local(at, tz);
    let mut lines = vec![
        if settled {
            "     ** End of day **".to_string()
        } else {
            "    ** Turnover totals **".to_string()
        },
        row("Date:", &format!("{date} {time}")),
        row(
            "Receipts:",
            &format!("{:04}-{:04}", totals.receipt_start, totals.receipt_end),
        ),
    ];
    for t in &totals.per_scheme {
        let name = super::cards::card_type(t.scheme).1;
        lines.push(row(
            &format!("{name} x{}", t.count),
            &amount_text(t.amount_minor, currency),
        ));
    }
    lines.push(row("Total:", &amount_text(totals.total_minor, currency)));
    lines
}

/// A receipt in the form the ECR registered for: print lines (config bit 80), a text block
/// (bit 80 clear, the ECR prints), or nothing (the PT prints it itself).
pub fn print_messages(lines: Vec<String>, ecr_config: u8, ecr_prints: bool) -> Vec<PtMessage> {
    if !ecr_prints {
        return Vec::new();
    }
    if ecr_config & CFG_PRINT_LINES == 0 {
        return vec![PtMessage::PrintTextBlock { lines }];
    }
    let last = lines.len().saturating_sub(1);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, text)| PtMessage::PrintLine {
            attribute: if i == last { LAST_LINE } else { 0x00 },
            text,
        })
        .collect()
}
