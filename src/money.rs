//! Exact money: `rust_decimal` amounts tied to an ISO 4217 currency.
//!
//! Rounding rule (the only one in Tillguard): half-up (away from zero on .5) to the
//! currency's minor unit. Where it is applied is documented in `sale::totals`.

use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

/// An ISO 4217 currency: alpha code, numeric code (sent to card terminals) and minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    pub alpha: &'static str,
    pub numeric: u16,
    pub minor_units: u32,
    pub symbol: &'static str,
}

/// Currencies Tillguard knows. Extending the list is the only change a new one needs.
pub const CURRENCIES: &[Currency] = &[
    Currency {
        alpha: "CNY",
        numeric: 156,
        minor_units: 2,
        symbol: "¥",
    },
    Currency {
        alpha: "HKD",
        numeric: 344,
        minor_units: 2,
        symbol: "HK$",
    },
    Currency {
        alpha: "TWD",
        numeric: 901,
        minor_units: 2,
        symbol: "NT$",
    },
    Currency {
        alpha: "EUR",
        numeric: 978,
        minor_units: 2,
        symbol: "€",
    },
    Currency {
        alpha: "USD",
        numeric: 840,
        minor_units: 2,
        symbol: "$",
    },
    Currency {
        alpha: "GBP",
        numeric: 826,
        minor_units: 2,
        symbol: "£",
    },
    Currency {
        alpha: "CHF",
        numeric: 756,
        minor_units: 2,
        symbol: "CHF",
    },
    Currency {
        alpha: "JPY",
        numeric: 392,
        minor_units: 0,
        symbol: "¥",
    },
    Currency {
        alpha: "KRW",
        numeric: 410,
        minor_units: 0,
        symbol: "₩",
    },
    Currency {
        alpha: "SGD",
        numeric: 702,
        minor_units: 2,
        symbol: "S$",
    },
];

impl Currency {
    pub const CNY: Currency = CURRENCIES[0];

    /// Looks a currency up by its alpha code (case-insensitive).
    pub fn from_alpha(code: &str) -> Result<Currency, MoneyError> {
        CURRENCIES
            .iter()
            .find(|c| c.alpha.eq_ignore_ascii_case(code.trim()))
            .copied()
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_string()))
    }

    pub fn from_numeric(code: u16) -> Result<Currency, MoneyError> {
        CURRENCIES
            .iter()
            .find(|c| c.numeric == code)
            .copied()
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_string()))
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::CNY
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("unknown currency code '{0}'")]
    UnknownCurrency(String),
    #[error("'{0}' is not an amount (expected digits with an optional decimal point, e.g. 12.30)")]
    NotAnAmount(String),
    #[error("'{input}' has more decimal places than {currency} allows ({allowed})")]
    TooPrecise {
        input: String,
        currency: &'static str,
        allowed: u32,
    },
    #[error("'{0}' is too large an amount")]
    TooLarge(String),
    #[error("'{0}' is negative; a positive amount is required")]
    Negative(String),
}

/// Largest amount accepted from outside, in major units (keeps every sum far inside i64 minor units).
pub const MAX_INPUT_AMOUNT: i64 = 100_000_000;

/// An exact amount, always a whole number of the currency's minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    pub fn zero(currency: Currency) -> Money {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// Rounds `amount` half-up to the minor unit. The single rounding entry point.
    pub fn round(amount: Decimal, currency: Currency) -> Money {
        let mut amount = amount.round_dp_with_strategy(currency.minor_units, RoundingStrategy::MidpointAwayFromZero);
        amount.rescale(currency.minor_units);
        Money { amount, currency }
    }

    /// Builds from a count of minor units (how amounts are stored in the database).
    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money {
            amount: Decimal::new(minor, currency.minor_units),
            currency,
        }
    }

    /// Parses an amount typed or read from a file: refuses extra decimals instead of rounding.
    pub fn parse(input: &str, currency: Currency) -> Result<Money, MoneyError> {
        let text = input.trim();
        let valid = !text.is_empty()
            && text.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-')
            && text.chars().filter(|&c| c == '.').count() <= 1
            && text.chars().skip(1).all(|c| c != '-')
            && text.chars().any(|c| c.is_ascii_digit());
        if !valid {
            return Err(MoneyError::NotAnAmount(input.to_string()));
        }
        let value = Decimal::from_str(text).map_err(|_| MoneyError::NotAnAmount(input.to_string()))?;
        if value.abs() > Decimal::from(MAX_INPUT_AMOUNT) {
            return Err(MoneyError::TooLarge(input.to_string()));
        }
        if value.normalize().scale() > currency.minor_units {
            return Err(MoneyError::TooPrecise {
                input: input.to_string(),
                currency: currency.alpha,
                allowed: currency.minor_units,
            });
        }
        Ok(Money::round(value, currency))
    }

    /// Like `parse`, but refuses negative amounts (prices, tendered cash).
    pub fn parse_non_negative(input: &str, currency: Currency) -> Result<Money, MoneyError> {
        let money = Money::parse(input, currency)?;
        if money.is_negative() {
            return Err(MoneyError::Negative(input.to_string()));
        }
        Ok(money)
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount in minor units; exact because every Money is on the minor-unit grid.
    pub fn minor(&self) -> i64 {
        let scaled = self.amount * Decimal::from(10i64.pow(self.currency.minor_units));
        i64::try_from(scaled.trunc()).unwrap_or(if scaled.is_sign_negative() { i64::MIN } else { i64::MAX })
    }

    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    /// Multiplies by a whole quantity; exact, no rounding needed.
    pub fn times(&self, quantity: i64) -> Money {
        Money::round(self.amount * Decimal::from(quantity), self.currency)
    }

    /// Multiplies by a decimal factor and rounds half-up (percentages, tax).
    pub fn scale(&self, factor: Decimal) -> Money {
        Money::round(self.amount * factor, self.currency)
    }

    pub fn min(self, other: Money) -> Money {
        if other.amount < self.amount { other } else { self }
    }

    /// Plain amount with the currency's decimals, e.g. "12.30" (JSON and CSV form).
    pub fn plain(&self) -> String {
        format!("{:.*}", self.currency.minor_units as usize, self.amount)
    }

    /// Amount for people: symbol and thousands separators, e.g. "¥1,234.50" / "-¥3.00".
    pub fn display(&self) -> String {
        let plain = format!("{:.*}", self.currency.minor_units as usize, self.amount.abs());
        let (int_part, frac) = match plain.split_once('.') {
            Some((i, f)) => (i.to_string(), Some(f.to_string())),
            None => (plain.clone(), None),
        };
        let mut grouped = String::new();
        for (i, ch) in int_part.chars().enumerate() {
            if i > 0 && (int_part.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if self.is_negative() { "-" } else { "" };
        match frac {
            Some(f) => format!("{sign}{}{grouped}.{f}", self.currency.symbol),
            None => format!("{sign}{}{grouped}", self.currency.symbol),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain())
    }
}

// Arithmetic between two currencies is a programming error, never outside input;
// debug builds catch it, release keeps the left-hand currency.
impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        debug_assert_eq!(self.currency, rhs.currency, "adding different currencies");
        Money {
            amount: self.amount + rhs.amount,
            currency: self.currency,
        }
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        debug_assert_eq!(self.currency, rhs.currency, "subtracting different currencies");
        Money {
            amount: self.amount - rhs.amount,
            currency: self.currency,
        }
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        *self = *self - rhs;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money {
            amount: -self.amount,
            currency: self.currency,
        }
    }
}

/// Sums amounts of one currency.
pub fn sum<I: IntoIterator<Item = Money>>(currency: Currency, items: I) -> Money {
    items.into_iter().fold(Money::zero(currency), |acc, m| acc + m)
}

/// A tax rate in percent (13, 9, 6, 0; fractions such as 7.7 allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaxRate(Decimal);

impl TaxRate {
    pub fn percent(value: Decimal) -> Result<TaxRate, String> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(format!("tax rate {value}% is negative"));
        }
        if value > Decimal::from(100) {
            return Err(format!("tax rate {value}% is over 100%"));
        }
        if value.normalize().scale() > 2 {
            return Err(format!("tax rate {value}% has more than two decimals"));
        }
        Ok(TaxRate(value.normalize()))
    }

    pub fn parse(input: &str) -> Result<TaxRate, String> {
        let text = input.trim().trim_end_matches('%');
        let value = Decimal::from_str(text)
            .map_err(|_| format!("'{input}' is not a tax rate (expected a percentage such as 13)"))?;
        TaxRate::percent(value)
    }

    /// The rate as a percentage, e.g. 13.
    pub fn percent_value(&self) -> Decimal {
        self.0
    }

    /// The rate as a fraction, e.g. 0.13.
    pub fn fraction(&self) -> Decimal {
        self.0 / Decimal::from(100)
    }

    /// Stored form: hundredths of a percent (1300 = 13%).
    pub fn basis_points(&self) -> i64 {
        i64::try_from((self.0 * Decimal::from(100)).trunc()).unwrap_or(0)
    }

    pub fn from_basis_points(bp: i64) -> TaxRate {
        TaxRate((Decimal::new(bp, 2)).normalize())
    }

    /// The tax contained in a tax-inclusive amount: gross × r / (1 + r), half-up.
    pub fn tax_in_gross(&self, gross: Money) -> Money {
        let r = self.fraction();
        Money::round(gross.amount() * r / (Decimal::ONE + r), gross.currency())
    }
}

impl fmt::Display for TaxRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny(s: &str) -> Money {
        Money::parse(s, Currency::CNY).expect("valid amount")
    }

    #[test]
    fn parses_exact_amounts_and_refuses_extra_decimals() {
        assert_eq!(cny("12.3").minor(), 1230);
        assert_eq!(cny("0").minor(), 0);
        assert_eq!(cny("-4.05").minor(), -405);
        assert!(matches!(
            Money::parse("12.345", Currency::CNY),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(
            Money::parse("12.340", Currency::CNY).is_ok(),
            "trailing zeros are not extra precision"
        );
        for bad in ["", "abc", "1.2.3", "1e5", "--1", "1-", " . ", "NaN", "12,30"] {
            assert!(Money::parse(bad, Currency::CNY).is_err(), "{bad:?} must be refused");
        }
        assert!(matches!(
            Money::parse("100000001", Currency::CNY),
            Err(MoneyError::TooLarge(_))
        ));
        assert!(matches!(
            Money::parse_non_negative("-1", Currency::CNY),
            Err(MoneyError::Negative(_))
        ));
    }

    #[test]
    fn rounds_half_up_to_minor_unit() {
        let c = Currency::CNY;
        assert_eq!(Money::round(Decimal::new(12345, 3), c).minor(), 1235);
        assert_eq!(Money::round(Decimal::new(12344, 3), c).minor(), 1234);
        assert_eq!(Money::round(Decimal::new(-12345, 3), c).minor(), -1235);
        let jpy = Currency::from_alpha("jpy").expect("known");
        assert_eq!(Money::round(Decimal::new(1005, 1), jpy).minor(), 101);
        assert_eq!(Money::parse("100", jpy).expect("ok").plain(), "100");
    }

    #[test]
    fn formats_plain_and_for_people() {
        assert_eq!(cny("1234567.5").plain(), "1234567.50");
        assert_eq!(cny("1234567.5").display(), "¥1,234,567.50");
        assert_eq!(cny("-3").display(), "-¥3.00");
        assert_eq!(cny("999").display(), "¥999.00");
        assert_eq!(Money::from_minor(5, Currency::CNY).plain(), "0.05");
    }

    #[test]
    fn currency_codes() {
        assert_eq!(Currency::from_alpha("eur").expect("known").numeric, 978);
        assert_eq!(Currency::from_numeric(156).expect("known").alpha, "CNY");
        assert!(Currency::from_alpha("XXX").is_err());
    }

    #[test]
    fn tax_rates() {
        let r = TaxRate::parse("13").expect("valid");
        assert_eq!(r.basis_points(), 1300);
        assert_eq!(TaxRate::from_basis_points(1300), r);
        assert_eq!(r.to_string(), "13%");
        // 113.00 gross at 13% contains exactly 13.00 tax.
        assert_eq!(r.tax_in_gross(cny("113")).minor(), 1300);
        // 10.00 at 13%: 1.1504... -> 1.15
        assert_eq!(r.tax_in_gross(cny("10")).minor(), 115);
        assert!(TaxRate::parse("-1").is_err());
        assert!(TaxRate::parse("101").is_err());
        assert!(TaxRate::parse("abc").is_err());
        assert_eq!(TaxRate::parse("7.7%").expect("valid").basis_points(), 770);
    }
}
