//! A card payment made on a standalone card device while the till's own terminal could not be
//! reached: the cashier types what the device printed. It is in no terminal batch, so the
//! settlement never counts it against a terminal's totals; reports list it on its own for the
//! manager to match with the device's own settlement. Pure: checks and the record only.

/// What the cashier entered for a manual card payment (or a manual card refund).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManualCard {
    /// The device's authorisation code; a refund may have none (devices differ).
    pub auth_code: Option<String>,
    /// The card type as the cashier read it ("VISA", "银联"...), if typed.
    pub card_type: Option<String>,
    /// The card's last four digits, if typed.
    pub last4: Option<String>,
    /// Who entered it.
    pub operator: String,
}

/// Longest card type text kept (a receipt line must still fit).
pub const CARD_TYPE_MAX: usize = 24;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManualCardError {
    #[error("authorisation code '{0}' must be 2 to 12 letters or digits (as the card device printed it)")]
    AuthCode(String),
    #[error("last 4 digits '{0}' must be exactly four digits")]
    Last4(String),
    #[error("card type '{0}' must be at most {CARD_TYPE_MAX} characters, without control characters")]
    CardType(String),
}

/// An authorisation code as typed: 2-12 ASCII letters or digits (acquirers print 6), kept in
/// capitals so it reads like the device's slip whatever case was typed.
pub fn auth_code(text: &str) -> Result<String, ManualCardError> {
    let t = text.trim();
    if !(2..=12).contains(&t.len()) || !t.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ManualCardError::AuthCode(t.to_string()));
    }
    Ok(t.to_ascii_uppercase())
}

/// The last four digits of the card number; empty means not given.
pub fn last4(text: &str) -> Result<Option<String>, ManualCardError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.len() != 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ManualCardError::Last4(t.to_string()));
    }
    Ok(Some(t.to_string()))
}

/// The card type text; empty means not given.
pub fn card_type(text: &str) -> Result<Option<String>, ManualCardError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > CARD_TYPE_MAX || t.chars().any(char::is_control) {
        return Err(ManualCardError::CardType(t.to_string()));
    }
    Ok(Some(t.to_string()))
}

impl ManualCard {
    /// Checks every field as typed; `auth` is required (a payment), the rest optional.
    pub fn entered(
        auth: &str,
        card_type_text: &str,
        last4_text: &str,
        operator: &str,
    ) -> Result<ManualCard, ManualCardError> {
        Ok(ManualCard {
            auth_code: Some(auth_code(auth)?),
            card_type: card_type(card_type_text)?,
            last4: last4(last4_text)?,
            operator: operator.to_string(),
        })
    }

    /// "VISA ****1234", "****1234", "VISA" or nothing: the card as the receipt shows it.
    pub fn card_text(&self) -> Option<String> {
        let last4 = self.last4.as_ref().map(|l| format!("****{l}"));
        let parts: Vec<String> = [self.card_type.clone(), last4].into_iter().flatten().collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_codes_are_two_to_twelve_letters_or_digits_in_capitals() {
        assert_eq!(auth_code(" 123456 "), Ok("123456".into()));
        assert_eq!(auth_code("ab12cd"), Ok("AB12CD".into()));
        assert_eq!(auth_code("A1"), Ok("A1".into()));
        assert_eq!(auth_code("123456789012"), Ok("123456789012".into()));
        for bad in ["", "1", "1234567890123", "12 34", "12-345", "１２３４５６", "12345é"] {
            assert!(
                matches!(auth_code(bad), Err(ManualCardError::AuthCode(_))),
                "{bad:?} accepted"
            );
        }
        let err = auth_code("1").expect_err("too short").to_string();
        assert!(err.contains("'1'") && err.contains("2 to 12"), "{err}");
    }

    #[test]
    fn last_four_digits_and_card_type_are_optional_but_checked() {
        assert_eq!(last4(""), Ok(None));
        assert_eq!(last4(" 0042 "), Ok(Some("0042".into())));
        for bad in ["123", "12345", "12a4"] {
            assert_eq!(last4(bad), Err(ManualCardError::Last4(bad.into())));
        }
        assert_eq!(card_type("  "), Ok(None));
        assert_eq!(card_type(" 银联 "), Ok(Some("银联".into())));
        assert!(card_type(&"x".repeat(CARD_TYPE_MAX + 1)).is_err());
        assert!(card_type("vi\tsa").is_err());
    }

    #[test]
    fn the_card_reads_as_type_and_masked_digits() {
        let card = ManualCard::entered("654321", "VISA", "1234", "ann").expect("valid");
        assert_eq!(card.auth_code.as_deref(), Some("654321"));
        assert_eq!(card.card_text().as_deref(), Some("VISA ****1234"));
        let bare = ManualCard::entered("654321", "", "", "ann").expect("valid");
        assert_eq!(bare.card_text(), None);
        assert_eq!(
            ManualCard::entered("x", "", "", "ann"),
            Err(ManualCardError::AuthCode("x".into()))
        );
    }
}
