//! The day's takings per tender (cash, card through the terminal, card paid on a standalone
//! device), with each one's share, for the reports screen's chart. Pure.

use crate::money::{Currency, Money, sum};
use crate::sale::PaymentMethod;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// Every tender the chart shows, in its order.
pub const TENDERS: [PaymentMethod; 3] = [PaymentMethod::Cash, PaymentMethod::Card, PaymentMethod::ManualCard];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenderShare {
    pub method: PaymentMethod,
    /// Net of change and refunds, as on the day's report.
    pub amount: Money,
    /// Percent of the day's takings, to one decimal (half away from zero, always written
    /// with its one decimal). A tender whose
    /// refunds outweigh its sales takes no share.
    pub percent: Decimal,
}

/// One row per tender in `TENDERS` order (zero when unused), from the report's tenders.
pub fn tender_mix(tenders: &BTreeMap<PaymentMethod, Money>, currency: Currency) -> Vec<TenderShare> {
    let amount = |m: PaymentMethod| tenders.get(&m).copied().unwrap_or(Money::zero(currency));
    let positive = |a: Money| !a.is_negative() && !a.is_zero();
    let takings = sum(currency, TENDERS.into_iter().map(amount).filter(|a| positive(*a)));
    TENDERS
        .into_iter()
        .map(|method| {
            let a = amount(method);
            let mut percent = if positive(a) && !takings.is_zero() {
                (a.amount() * Decimal::ONE_HUNDRED / takings.amount())
                    .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
            } else {
                Decimal::ZERO
            };
            // Always one decimal, so the figures line up: "50.0", "0.0".
            percent.rescale(1);
            TenderShare {
                method,
                amount: a,
                percent,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny(s: &str) -> Money {
        Money::parse(s, Currency::CNY).expect("amount")
    }

    fn shares(tenders: &[(PaymentMethod, &str)]) -> Vec<(PaymentMethod, String, String)> {
        let map = tenders.iter().map(|(m, a)| (*m, cny(a))).collect();
        tender_mix(&map, Currency::CNY)
            .into_iter()
            .map(|s| (s.method, s.amount.plain(), s.percent.to_string()))
            .collect()
    }

    #[test]
    fn each_tender_gets_its_share_of_the_takings() {
        use PaymentMethod::{Card, Cash, ManualCard};
        assert_eq!(
            shares(&[(Cash, "10.00"), (Card, "7.00"), (ManualCard, "3.00")]),
            [
                (Cash, "10.00".into(), "50.0".into()),
                (Card, "7.00".into(), "35.0".into()),
                (ManualCard, "3.00".into(), "15.0".into())
            ]
        );
        // Thirds round half away from zero, to one decimal.
        assert_eq!(
            shares(&[(Cash, "1.00"), (Card, "2.00")]),
            [
                (Cash, "1.00".into(), "33.3".into()),
                (Card, "2.00".into(), "66.7".into()),
                (ManualCard, "0.00".into(), "0.0".into())
            ]
        );
    }

    #[test]
    fn no_takings_or_a_refunded_tender_take_no_share() {
        use PaymentMethod::{Card, Cash, ManualCard};
        let none = shares(&[]);
        assert_eq!(none.len(), 3);
        assert!(none.iter().all(|(_, a, p)| a == "0.00" && p == "0.0"), "{none:?}");
        // Card refunds of earlier days outweigh today's card sales: cash is all the takings.
        assert_eq!(
            shares(&[(Cash, "8.00"), (Card, "-2.00")]),
            [
                (Cash, "8.00".into(), "100.0".into()),
                (Card, "-2.00".into(), "0.0".into()),
                (ManualCard, "0.00".into(), "0.0".into())
            ]
        );
    }
}
