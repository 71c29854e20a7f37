//! Cash tender helpers: the quick amounts offered next to the cash field, and what the
//! typed amount means for the change. Pure, so it is tested without a window.

use crate::money::{Currency, Money};
use rust_decimal::Decimal;

/// Note values (in major units of a two-decimal currency) customers commonly hand over.
const NOTE_STEPS: [i64; 5] = [5, 10, 20, 50, 100];
const MAX_QUICK: usize = 4;

/// The next round amounts above `due`, smallest first: one per note step, no duplicates.
pub fn quick_amounts(due: Money) -> Vec<Money> {
    let currency = due.currency();
    // Currencies without minor units (JPY, KRW) use notes a hundred times larger.
    let scale = if currency.minor_units == 0 { 100 } else { 1 };
    let mut out: Vec<Money> = Vec::new();
    if due.is_negative() || due.is_zero() {
        return out;
    }
    for step in NOTE_STEPS {
        let step = Decimal::from(step * scale);
        // Strictly above: an amount equal to the total is the Exact button.
        let next = Money::round((due.amount() / step).floor() * step + step, currency);
        if !out.contains(&next) {
            out.push(next);
        }
    }
    out.truncate(MAX_QUICK);
    out
}

/// What the cash field currently says about the sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CashState {
    /// Nothing typed: paying takes the exact amount.
    Exact,
    Change(Money),
    Short(Money),
    Invalid(String),
}

pub fn cash_state(typed: &str, due: Money, currency: Currency) -> CashState {
    if typed.trim().is_empty() {
        return CashState::Exact;
    }
    match Money::parse_non_negative(typed, currency) {
        Ok(given) if given.amount() >= due.amount() => CashState::Change(given - due),
        Ok(given) => CashState::Short(due - given),
        Err(e) => CashState::Invalid(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny(s: &str) -> Money {
        Money::parse(s, Currency::CNY).expect("amount")
    }

    #[test]
    fn quick_amounts_are_the_next_round_notes() {
        let plain = |v: Vec<Money>| v.iter().map(Money::plain).collect::<Vec<_>>();
        assert_eq!(plain(quick_amounts(cny("9.00"))), ["10.00", "20.00", "50.00", "100.00"]);
        assert_eq!(plain(quick_amounts(cny("37.40"))), ["40.00", "50.00", "100.00"]);
        assert_eq!(
            plain(quick_amounts(cny("100.00"))),
            ["105.00", "110.00", "120.00", "150.00"]
        );
        assert!(quick_amounts(cny("0")).is_empty());
        let jpy = Currency::from_alpha("JPY").expect("known");
        let due = Money::parse("1280", jpy).expect("amount");
        assert_eq!(plain(quick_amounts(due)), ["1500", "2000", "5000", "10000"]);
    }

    #[test]
    fn typed_cash_gives_change_or_says_what_is_missing() {
        let due = cny("9.00");
        assert_eq!(cash_state("", due, Currency::CNY), CashState::Exact);
        assert_eq!(cash_state("20", due, Currency::CNY), CashState::Change(cny("11.00")));
        assert_eq!(cash_state("5", due, Currency::CNY), CashState::Short(cny("4.00")));
        assert!(matches!(cash_state("abc", due, Currency::CNY), CashState::Invalid(_)));
        assert!(matches!(cash_state("-3", due, Currency::CNY), CashState::Invalid(_)));
    }
}
