//! Totals and tax.
//!
//! The rounding rule, applied in this order:
//! 1. A line's amount is `unit price × quantity`. For a price that excludes tax it is
//!    turned into a tax-inclusive amount once per line: `net × (1 + rate)`, half-up.
//! 2. A line discount comes off that amount (percentages half-up).
//! 3. A sale discount (percent of the subtotal, half-up, or a fixed amount) is shared
//!    across lines in proportion to their amounts, in whole minor units, by the
//!    largest-remainder method, so the shares add up to the discount exactly.
//! 4. Tax is extracted once per rate from the sum of that rate's line totals:
//!    `gross × rate / (1 + rate)`, half-up.
//!
//! Hence: total = sum of line totals; tax total = sum of the per-rate taxes;
//! net = total − tax; discounts = line discounts + sale discount. No step loses a minor unit.

use super::{CartLine, Discount, SaleError};
use crate::money::{Currency, Money, TaxRate, sum};
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineTotal {
    /// Tax-inclusive amount before discounts.
    pub gross: Money,
    pub line_discount: Money,
    pub sale_discount_share: Money,
    /// What the customer pays for this line.
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxAmount {
    pub rate: TaxRate,
    /// Sum of the line totals at this rate (tax included).
    pub gross: Money,
    pub tax: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    pub lines: Vec<LineTotal>,
    /// Sum of line amounts after line discounts, before the sale discount.
    pub subtotal: Money,
    pub line_discounts: Money,
    pub sale_discount: Money,
    pub total: Money,
    /// One entry per rate present, ordered by rate.
    pub taxes: Vec<TaxAmount>,
    pub tax_total: Money,
    pub net_total: Money,
}

impl Totals {
    pub fn discount_total(&self) -> Money {
        self.line_discounts + self.sale_discount
    }

    pub fn compute(
        currency: Currency,
        lines: &[CartLine],
        sale_discount: Option<&Discount>,
    ) -> Result<Totals, SaleError> {
        let mut after_line = Vec::with_capacity(lines.len());
        let mut partial = Vec::with_capacity(lines.len());
        for line in lines {
            let base = line.unit_price.times(line.quantity);
            let gross = if line.price_includes_tax {
                base
            } else {
                base.scale(Decimal::ONE + line.tax_rate.fraction())
            };
            let line_discount = match &line.discount {
                Some(d) => d.off(gross)?,
                None => Money::zero(currency),
            };
            after_line.push(gross - line_discount);
            partial.push((gross, line_discount));
        }
        let subtotal = sum(currency, after_line.iter().copied());
        let sale_discount_amount = match sale_discount {
            Some(d) => d.off(subtotal)?,
            None => Money::zero(currency),
        };
        let shares = allocate(sale_discount_amount, &after_line);
        let mut line_totals = Vec::with_capacity(lines.len());
        for (i, (gross, line_discount)) in partial.into_iter().enumerate() {
            let share = shares[i];
            line_totals.push(LineTotal {
                gross,
                line_discount,
                sale_discount_share: share,
                total: after_line[i] - share,
            });
        }
        let taxes = taxes_by_rate(
            currency,
            lines
                .iter()
                .map(|l| l.tax_rate)
                .zip(line_totals.iter().map(|t| t.total)),
        );
        let total = sum(currency, line_totals.iter().map(|t| t.total));
        let tax_total = sum(currency, taxes.iter().map(|t| t.tax));
        Ok(Totals {
            line_discounts: sum(currency, line_totals.iter().map(|t| t.line_discount)),
            lines: line_totals,
            subtotal,
            sale_discount: sale_discount_amount,
            total,
            taxes,
            tax_total,
            net_total: total - tax_total,
        })
    }
}

/// Tax per rate from (rate, tax-inclusive amount) pairs: one half-up rounding per rate.
pub fn taxes_by_rate(currency: Currency, amounts: impl Iterator<Item = (TaxRate, Money)>) -> Vec<TaxAmount> {
    let mut by_rate: std::collections::BTreeMap<TaxRate, Money> = Default::default();
    for (rate, amount) in amounts {
        *by_rate.entry(rate).or_insert_with(|| Money::zero(currency)) += amount;
    }
    by_rate
        .into_iter()
        .map(|(rate, gross)| TaxAmount {
            rate,
            gross,
            tax: rate.tax_in_gross(gross),
        })
        .collect()
}

/// Splits `amount` over `weights` proportionally in whole minor units (largest remainder),
/// so the parts sum to `amount` exactly. With all weights zero the first part takes it all.
pub fn allocate(amount: Money, weights: &[Money]) -> Vec<Money> {
    let currency = amount.currency();
    if weights.is_empty() {
        return Vec::new();
    }
    let total_weight: i128 = weights.iter().map(|w| i128::from(w.minor().max(0))).sum();
    let target = i128::from(amount.minor());
    if total_weight == 0 {
        let mut parts = vec![Money::zero(currency); weights.len()];
        parts[0] = amount;
        return parts;
    }
    let mut parts: Vec<i128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let product = target * i128::from(w.minor().max(0));
        parts.push(product.div_euclid(total_weight));
        remainders.push((product.rem_euclid(total_weight), i));
    }
    let mut left = target - parts.iter().sum::<i128>();
    // Largest remainders first; ties go to the earlier line so the result is deterministic.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left <= 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
        .into_iter()
        .map(|p| Money::from_minor(i64::try_from(p).unwrap_or(0), currency))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Product;
    use crate::sale::Cart;
    use proptest::prelude::*;

    fn cny(s: &str) -> Money {
        Money::parse(s, Currency::CNY).expect("amount")
    }

    fn product(sku: &str, price: &str, rate: &str, includes: bool) -> Product {
        Product {
            sku: sku.into(),
            barcodes: vec![],
            name_zh: String::new(),
            name_en: sku.into(),
            price: cny(price),
            tax_rate: TaxRate::parse(rate).expect("rate"),
            price_includes_tax: includes,
            active: true,
            category: None,
            quick_key: crate::catalog::QuickKey::Off,
        }
    }

    #[test]
    fn worked_example_mixed_rates_and_discounts() {
        let mut cart = Cart::new(Currency::CNY);
        cart.add(&product("milk", "12.80", "9", true), 2, None).expect("add"); // 25.60
        cart.add(&product("soap", "10.00", "13", false), 1, None).expect("add"); // 11.30 incl.
        cart.add(&product("pen", "3.33", "13", true), 3, None).expect("add"); // 9.99
        cart.set_line_discount(2, Some(Discount::percent(Decimal::from(10), "promo").expect("d")))
            .expect("ok");
        // pen: 9.99 - 1.00 (0.999 half-up) = 8.99
        cart.set_sale_discount(Some(Discount::amount(cny("5"), "member").expect("d")))
            .expect("ok");
        let t = cart.totals().expect("totals");
        assert_eq!(t.subtotal.plain(), "45.89");
        assert_eq!(t.line_discounts.plain(), "1.00");
        // 5.00 over 25.60 / 11.30 / 8.99 (of 45.89): 2.789.., 1.231.., 0.979.. -> 2.79, 1.23, 0.98
        let shares: Vec<String> = t.lines.iter().map(|l| l.sale_discount_share.plain()).collect();
        assert_eq!(shares, ["2.79", "1.23", "0.98"]);
        assert_eq!(t.total.plain(), "40.89");
        // 9%: 22.81 -> 1.883.. = 1.88; 13%: 10.07 + 8.01 = 18.08 -> 2.080.. = 2.08
        let taxes: Vec<(String, String, String)> = t
            .taxes
            .iter()
            .map(|x| (x.rate.to_string(), x.gross.plain(), x.tax.plain()))
            .collect();
        assert_eq!(
            taxes,
            [
                ("9%".into(), "22.81".into(), "1.88".into()),
                ("13%".into(), "18.08".into(), "2.08".into())
            ]
        );
        assert_eq!(t.tax_total.plain(), "3.96");
        assert_eq!(t.net_total.plain(), "36.93");
        assert_eq!(t.discount_total().plain(), "6.00");
    }

    #[test]
    fn allocation_is_exact_and_proportional() {
        let parts = allocate(cny("0.10"), &[cny("1"), cny("1"), cny("1")]);
        assert_eq!(parts.iter().map(|p| p.minor()).collect::<Vec<_>>(), vec![4, 3, 3]);
        let parts = allocate(cny("1"), &[cny("0"), cny("0")]);
        assert_eq!(parts[0].minor(), 100);
        assert!(allocate(cny("1"), &[]).is_empty());
    }

    fn arb_line() -> impl Strategy<Value = (i64, i64, u8, bool, Option<u8>)> {
        (
            1i64..1_000_000,
            1i64..50,
            0u8..4,
            any::<bool>(),
            proptest::option::of(1u8..=100),
        )
    }

    proptest! {
        #[test]
        fn totals_always_equal_the_sum_of_their_parts(
            lines in proptest::collection::vec(arb_line(), 1..12),
            sale_pct in proptest::option::of(1u8..=100),
        ) {
            let rates = ["0", "6", "9", "13"];
            let mut cart = Cart::new(Currency::CNY);
            for (i, (price, qty, rate, incl, disc)) in lines.iter().enumerate() {
                let mut p = product(&format!("p{i}"), "1", rates[*rate as usize], *incl);
                p.price = Money::from_minor(*price, Currency::CNY);
                let idx = cart.add(&p, *qty, None).expect("add");
                if let Some(d) = disc {
                    cart.set_line_discount(idx, Some(Discount::percent(Decimal::from(*d), "r").expect("d"))).expect("fits");
                }
            }
            if let Some(p) = sale_pct {
                cart.set_sale_discount(Some(Discount::percent(Decimal::from(p), "r").expect("d"))).expect("fits");
            }
            let t = cart.totals().expect("totals");
            let c = Currency::CNY;
            prop_assert_eq!(t.total, sum(c, t.lines.iter().map(|l| l.total)));
            prop_assert_eq!(t.tax_total, sum(c, t.taxes.iter().map(|x| x.tax)));
            prop_assert_eq!(t.total, sum(c, t.taxes.iter().map(|x| x.gross)));
            prop_assert_eq!(t.net_total + t.tax_total, t.total);
            prop_assert_eq!(t.sale_discount, sum(c, t.lines.iter().map(|l| l.sale_discount_share)));
            for l in &t.lines {
                prop_assert_eq!(l.gross - l.line_discount - l.sale_discount_share, l.total);
                prop_assert!(!l.total.is_negative());
                // every amount sits on the minor-unit grid
                prop_assert_eq!(Money::from_minor(l.total.minor(), c), l.total);
            }
            for x in &t.taxes {
                prop_assert!(x.tax.amount() <= x.gross.amount());
            }
        }

        #[test]
        fn allocation_never_loses_a_minor_unit(
            amount in 0i64..10_000_000,
            weights in proptest::collection::vec(0i64..10_000_000, 1..20),
        ) {
            let c = Currency::CNY;
            let ws: Vec<Money> = weights.iter().map(|w| Money::from_minor(*w, c)).collect();
            let parts = allocate(Money::from_minor(amount, c), &ws);
            prop_assert_eq!(parts.iter().map(|p| p.minor()).sum::<i64>(), amount);
            prop_assert!(parts.iter().all(|p| !p.is_negative()));
        }
    }
}
