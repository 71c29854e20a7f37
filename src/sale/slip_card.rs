//! A card payment taken on a standalone terminal, as the cashier types it from the terminal's
//! slip: the voucher (trace) number, or a reference when the slip prints none, and optionally
//! the card's last four digits and its scheme. Pure: checks only.

use super::manual_card::{ManualCardError, last4};

/// Card schemes as settlement slips group them. UnionPay first: most Chinese slips split
/// 银联 (domestic) from the international schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scheme {
    UnionPay,
    Visa,
    Mastercard,
    Amex,
    Jcb,
    Diners,
    Other,
}

impl Scheme {
    pub const ALL: [Scheme; 7] = [
        Scheme::UnionPay,
        Scheme::Visa,
        Scheme::Mastercard,
        Scheme::Amex,
        Scheme::Jcb,
        Scheme::Diners,
        Scheme::Other,
    ];

    /// The name stored in the ledger and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::UnionPay => "unionpay",
            Scheme::Visa => "visa",
            Scheme::Mastercard => "mastercard",
            Scheme::Amex => "amex",
            Scheme::Jcb => "jcb",
            Scheme::Diners => "diners",
            Scheme::Other => "other",
        }
    }

    /// A scheme as typed or printed ("UnionPay", "银联", "CUP", "VISA", "万事达"...).
    pub fn parse(text: &str) -> Option<Scheme> {
        let t = text.trim().to_lowercase();
        Some(match t.as_str() {
            "unionpay" | "union pay" | "cup" | "银联" | "银联卡" => Scheme::UnionPay,
            "visa" | "维萨" => Scheme::Visa,
            "mastercard" | "master card" | "mc" | "万事达" | "万事达卡" => Scheme::Mastercard,
            "amex" | "american express" | "美国运通" | "运通" => Scheme::Amex,
            "jcb" => Scheme::Jcb,
            "diners" | "diners club" | "大来" => Scheme::Diners,
            "other" | "其他" => Scheme::Other,
            _ => return None,
        })
    }

    /// The scheme a stored card type belongs to; anything unknown counts as Other.
    pub fn of_stored(card_type: Option<&str>) -> Scheme {
        card_type.and_then(Scheme::parse).unwrap_or(Scheme::Other)
    }
}

/// Most digits a voucher number has (UnionPay slips print 6; some acquirers more).
pub const VOUCHER_DIGITS: usize = 9;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlipCardError {
    #[error("voucher number '{0}' must be 1 to {VOUCHER_DIGITS} digits, as the terminal's slip prints it")]
    Voucher(String),
    #[error("the terminal's slip prints a voucher number: type it")]
    VoucherMissing,
    #[error("reference '{0}' must be 2 to 20 letters or digits")]
    Reference(String),
    #[error("card scheme '{0}' is not one of unionpay, visa, mastercard, amex, jcb, diners, other")]
    Scheme(String),
    #[error("{0}")]
    Card(#[from] ManualCardError),
}

/// A voucher number as typed: digits only, leading zeros kept out of the number ("000123" is 123).
pub fn voucher(text: &str) -> Result<u32, SlipCardError> {
    let t = text.trim();
    if t.is_empty() || t.len() > VOUCHER_DIGITS || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SlipCardError::Voucher(t.to_string()));
    }
    t.parse().map_err(|_| SlipCardError::Voucher(t.to_string()))
}

/// What the cashier typed for one payment (or void, or refund) on a standalone terminal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlipCard {
    pub voucher: Option<u32>,
    pub reference: Option<String>,
    pub last4: Option<String>,
    pub scheme: Option<Scheme>,
}

impl SlipCard {
    /// Checks the typed fields. A terminal whose slips print a voucher number needs it; one
    /// whose slips do not takes an optional reference in the same field.
    pub fn entered(
        voucher_or_reference: &str,
        last4_text: &str,
        scheme_text: &str,
        voucher_on_slip: bool,
    ) -> Result<SlipCard, SlipCardError> {
        let typed = voucher_or_reference.trim();
        let (voucher_no, reference) = if voucher_on_slip {
            if typed.is_empty() {
                return Err(SlipCardError::VoucherMissing);
            }
            (Some(voucher(typed)?), None)
        } else if typed.is_empty() {
            (None, None)
        } else if (2..=20).contains(&typed.len()) && typed.bytes().all(|b| b.is_ascii_alphanumeric()) {
            (None, Some(typed.to_ascii_uppercase()))
        } else {
            return Err(SlipCardError::Reference(typed.to_string()));
        };
        let scheme = match scheme_text.trim() {
            "" => None,
            s => Some(Scheme::parse(s).ok_or_else(|| SlipCardError::Scheme(s.to_string()))?),
        };
        Ok(SlipCard {
            voucher: voucher_no,
            reference,
            last4: last4(last4_text)?,
            scheme,
        })
    }

    /// The masked card number kept in the journal ("****1234").
    pub fn masked_pan(&self) -> Option<String> {
        self.last4.as_ref().map(|l| format!("****{l}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vouchers_are_digits_and_required_when_the_slip_prints_one() {
        assert_eq!(voucher(" 000123 "), Ok(123));
        assert_eq!(voucher("999999999"), Ok(999_999_999));
        for bad in ["", "12a", "1234567890", "-1", "１２"] {
            assert!(matches!(voucher(bad), Err(SlipCardError::Voucher(_))), "{bad:?}");
        }
        assert_eq!(SlipCard::entered(" ", "", "", true), Err(SlipCardError::VoucherMissing));
        let c = SlipCard::entered("000042", "1234", "银联", true).expect("valid");
        assert_eq!(c.voucher, Some(42));
        assert_eq!(c.scheme, Some(Scheme::UnionPay));
        assert_eq!(c.masked_pan().as_deref(), Some("****1234"));
        let err = SlipCard::entered("42", "12", "", true).expect_err("last4").to_string();
        assert!(err.contains("'12'"), "{err}");
        let err = SlipCard::entered("42", "", "paypal", true)
            .expect_err("scheme")
            .to_string();
        assert!(err.contains("'paypal'"), "{err}");
    }

    #[test]
    fn without_a_voucher_on_the_slip_a_reference_is_optional() {
        assert_eq!(SlipCard::entered("", "", "", false), Ok(SlipCard::default()));
        let c = SlipCard::entered("ab12cd34", "", "visa", false).expect("reference");
        assert_eq!((c.voucher, c.reference.as_deref()), (None, Some("AB12CD34")));
        assert!(matches!(
            SlipCard::entered("a b", "", "", false),
            Err(SlipCardError::Reference(_))
        ));
    }

    #[test]
    fn schemes_round_trip_and_read_slip_spellings() {
        for s in Scheme::ALL {
            assert_eq!(Scheme::parse(s.as_str()), Some(s));
        }
        assert_eq!(Scheme::parse("VISA"), Some(Scheme::Visa));
        assert_eq!(Scheme::parse("万事达"), Some(Scheme::Mastercard));
        assert_eq!(Scheme::of_stored(Some("type 12")), Scheme::Other);
        assert_eq!(Scheme::of_stored(None), Scheme::Other);
    }
}
