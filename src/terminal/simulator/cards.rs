//! The simulated card reader and acquirer host: which card is "presented" for a trace number,
//! and whether the host approves. Deterministic, so tests and demos can predict every field.

use super::batch::{Card, Scheme};

/// Cards are presented in this order, one per trace number: trace 1 Mastercard, 2 Visa,
/// 3 girocard, 4 Mastercard...
const ROTATION: [Scheme; 3] = [Scheme::Mastercard, Scheme::Visa, Scheme::Girocard];

/// Result code (BMP 27 / Abort 06 1E) for a declined authorization: codes 01..63 pass the
/// host's ISO 8583 response code through, and 05 is "do not honour", the usual plain decline.
pub const RC_DECLINED: u8 = 0x05;

/// Amounts above this (in minor units) ask for a PIN (intermediate status 01).
pub const PIN_ABOVE_MINOR: u64 = 10_000;

/// The ZVT card type (BMP 8A) and printed name of each scheme.
pub fn card_type(scheme: Scheme) -> (u8, &'static str) {
    match scheme {
        Scheme::Girocard => (0x05, "girocard"),
        Scheme::Mastercard => (0x06, "Mastercard"),
        Scheme::Amex => (0x08, "American Express"),
        Scheme::Visa => (0x0A, "VISA"),
        Scheme::Diners => (0x0C, "Diners"),
        Scheme::Jcb => (0x0E, "JCB"),
        Scheme::Other => (0xFF, "Other"),
    }
}

fn bin(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Mastercard => "545454",
        Scheme::Visa => "476173",
        Scheme::Girocard => "672559",
        Scheme::Amex => "374245",
        Scheme::Diners => "360569",
        Scheme::Jcb => "353011",
        Scheme::Other => "999999",
    }
}

/// The card presented for the transaction with this trace number.
pub fn card_for_trace(trace: u32) -> Card {
    let slot = usize::try_from(trace.saturating_sub(1)).unwrap_or(0) % ROTATION.len();
    let scheme = ROTATION.get(slot).copied().unwrap_or(Scheme::Mastercard);
    let (card_type, name) = card_type(scheme);
    // Last four digits: a fixed scramble of the trace, so consecutive cards look different.
    let last4 = (u64::from(trace) * 7919 + 1234) % 10_000;
    Card {
        scheme,
        pan: format!("{}******{last4:04}", bin(scheme)),
        card_type,
        name: name.to_string(),
        expiry: format!("{:02}{:02}", 28 + trace % 3, 1 + trace % 12),
        sequence: if scheme == Scheme::Girocard { 1 } else { 0 },
    }
}

/// The host's approval code (BMP 3B, up to 8 characters).
pub fn auth_code(trace: u32) -> String {
    format!("{:06}", (u64::from(trace) * 104_729 + 500_000) % 1_000_000)
}

/// The decline rule: an amount whose cents equal `decline_cents` is declined by the host.
pub fn declined(amount_minor: u64, decline_cents: Option<u8>) -> bool {
    decline_cents.is_some_and(|cents| amount_minor % 100 == u64::from(cents))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_rotate_by_trace() {
        let schemes: Vec<Scheme> = (1..=4).map(|t| card_for_trace(t).scheme).collect();
        assert_eq!(
            schemes,
            [Scheme::Mastercard, Scheme::Visa, Scheme::Girocard, Scheme::Mastercard]
        );
        let card = card_for_trace(1);
        assert_eq!(card.pan, "545454******9153");
        assert_eq!(
            (card.card_type, card.name.as_str(), card.expiry.as_str()),
            (0x06, "Mastercard", "2902")
        );
        assert_eq!(card_for_trace(0).scheme, Scheme::Mastercard);
        assert_eq!(card_for_trace(u32::MAX).pan.len(), 16);
        assert_eq!(auth_code(1), "604729");
    }

    #[test]
    fn decline_rule_matches_the_cents() {
        assert!(declined(1013, Some(13)));
        assert!(declined(13, Some(13)));
        assert!(!declined(1012, Some(13)));
        assert!(!declined(1013, None));
    }
}
