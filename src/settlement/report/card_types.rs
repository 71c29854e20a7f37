//! The day's approved card payments per card type (as the terminal named the card), for the
//! reports screen's chart. Pure.

use crate::money::{Currency, Money};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardTypeBucket {
    /// The card type as first seen ("Mastercard", "VISA"); None when the terminal named none.
    pub card_type: Option<String>,
    pub count: u32,
    pub amount: Money,
}

/// Payments grouped by card type, ignoring case and surrounding space (terminals and
/// firmware versions spell schemes differently); largest amount first, then by name.
pub fn by_card_type(
    payments: impl IntoIterator<Item = (Option<String>, Money)>,
    currency: Currency,
) -> Vec<CardTypeBucket> {
    let mut buckets: Vec<(Option<String>, CardTypeBucket)> = Vec::new();
    for (name, amount) in payments {
        let name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        let key = name.as_ref().map(|n| n.to_lowercase());
        match buckets.iter_mut().find(|(k, _)| *k == key) {
            Some((_, b)) => {
                b.count = b.count.saturating_add(1);
                b.amount += amount;
            }
            None => buckets.push((
                key,
                CardTypeBucket {
                    card_type: name,
                    count: 1,
                    amount: Money::zero(currency) + amount,
                },
            )),
        }
    }
    let mut out: Vec<CardTypeBucket> = buckets.into_iter().map(|(_, b)| b).collect();
    out.sort_by(|a, b| {
        b.amount
            .amount()
            .cmp(&a.amount.amount())
            .then_with(|| a.card_type.cmp(&b.card_type))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payments_group_by_card_type_largest_first() {
        let m = |s: &str| Money::parse(s, Currency::CNY).expect("amount");
        let name = |s: &str| Some(s.to_string());
        let payments = [
            (name("Mastercard"), m("3.50")),
            (name("VISA"), m("10.00")),
            (name(" mastercard "), m("3.50")),
            (None, m("1.00")),
            (name(""), m("2.00")),
            (name("girocard"), m("7.00")),
        ];
        let b: Vec<(Option<String>, u32, String)> = by_card_type(payments, Currency::CNY)
            .into_iter()
            .map(|b| (b.card_type, b.count, b.amount.plain()))
            .collect();
        assert_eq!(
            b,
            [
                (name("VISA"), 1, "10.00".into()),
                (name("Mastercard"), 2, "7.00".into()),
                (name("girocard"), 1, "7.00".into()),
                (None, 2, "3.00".into()),
            ]
        );
        assert!(by_card_type([], Currency::CNY).is_empty());
    }
}
