//! Refunds of an earlier sale, whole or by line, never more than was sold.

use super::{
    Kind, Payment, PaymentMethod, PaymentState, RecordedLine, SaleDraft, SaleError, SaleRecord, taxes_by_rate,
};
use crate::money::{Money, sum};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// What to refund: `None` = everything not yet refunded; otherwise (line number, quantity).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RefundRequest {
    pub lines: Option<Vec<(u32, i64)>>,
    pub method: Option<PaymentMethod>,
}

/// How many units of line `line_no` of `original` are not refunded yet (0 for no such line).
pub fn left_to_refund(original: &SaleRecord, earlier: &[RecordedLine], line_no: u32) -> i64 {
    let sold = original
        .draft
        .lines
        .iter()
        .find(|l| l.line_no == line_no)
        .map_or(0, |l| l.quantity);
    let refunded: i64 = earlier
        .iter()
        .filter(|l| l.refund_of_line == Some(line_no))
        .map(|l| -l.quantity)
        .sum();
    sold - refunded
}

/// Builds the refund draft. `earlier` holds the lines of refunds already made against
/// `original`. A partial quantity is refunded at `line total × qty / sold`, half-up; the
/// last units of a line take exactly what is left, so a line never refunds more than it took.
pub fn build_refund(
    original: &SaleRecord,
    earlier: &[RecordedLine],
    request: &RefundRequest,
) -> Result<SaleDraft, SaleError> {
    let sale = &original.draft;
    if sale.kind != Kind::Sale {
        return Err(SaleError::Refund(format!("#{} is itself a refund", original.id)));
    }
    let currency = sale.currency;
    let mut done: HashMap<u32, (i64, Money)> = HashMap::new();
    for line in earlier {
        if let Some(of) = line.refund_of_line {
            let entry = done.entry(of).or_insert((0, Money::zero(currency)));
            entry.0 += -line.quantity;
            entry.1 += -line.total;
        }
    }
    let wanted: Vec<(u32, i64)> = match &request.lines {
        Some(lines) => lines.clone(),
        None => sale
            .lines
            .iter()
            .map(|l| (l.line_no, l.quantity - done.get(&l.line_no).map_or(0, |d| d.0)))
            .filter(|(_, q)| *q > 0)
            .collect(),
    };
    if wanted.is_empty() {
        return Err(SaleError::Refund(format!(
            "sale #{} has nothing left to refund",
            original.id
        )));
    }
    let mut lines = Vec::new();
    for (n, (line_no, qty)) in wanted.iter().enumerate() {
        let line = sale
            .lines
            .iter()
            .find(|l| l.line_no == *line_no)
            .ok_or_else(|| SaleError::Refund(format!("sale #{} has no line {line_no}", original.id)))?;
        if lines.iter().any(|l: &RecordedLine| l.refund_of_line == Some(*line_no)) {
            return Err(SaleError::Refund(format!("line {line_no} is named twice")));
        }
        let (done_qty, done_amount) = done.get(line_no).copied().unwrap_or((0, Money::zero(currency)));
        let left = line.quantity - done_qty;
        if *qty < 1 || *qty > left {
            return Err(SaleError::Refund(format!(
                "line {line_no}: cannot refund {qty}; {left} of {} left to refund",
                line.quantity
            )));
        }
        let ratio = |m: Money| {
            if *qty == left {
                None
            } else {
                Some(m.scale(Decimal::from(*qty) / Decimal::from(line.quantity)))
            }
        };
        let total = ratio(line.total).unwrap_or(line.total - done_amount);
        let gross = ratio(line.gross).unwrap_or(total + line.line_discount + line.sale_discount_share);
        let line_discount = ratio(line.line_discount).unwrap_or(Money::zero(currency));
        let share = gross - line_discount - total;
        lines.push(RecordedLine {
            line_no: u32::try_from(n + 1).unwrap_or(u32::MAX),
            quantity: -qty,
            gross: -gross,
            line_discount: -line_discount,
            sale_discount_share: -share,
            total: -total,
            refund_of_line: Some(*line_no),
            ..line.clone()
        });
    }
    let taxes = taxes_by_rate(currency, lines.iter().map(|l| (l.tax_rate, l.total)));
    let total = sum(currency, lines.iter().map(|l| l.total));
    let method = request.method.unwrap_or(PaymentMethod::Cash);
    Ok(SaleDraft {
        kind: Kind::Refund,
        refund_of: Some(original.id),
        currency,
        sale_discount: -sum(currency, lines.iter().map(|l| -l.sale_discount_share)),
        sale_discount_reason: None,
        tax_total: sum(currency, taxes.iter().map(|t| t.tax)),
        taxes,
        total,
        payments: vec![Payment {
            method,
            amount: total,
            given: None,
            change: Money::zero(currency),
            state: PaymentState::Approved,
            card: None,
            manual: None,
        }],
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Product;
    use crate::money::{Currency, TaxRate};
    use crate::sale::{Cart, Discount, pay_cash};

    fn sale() -> SaleRecord {
        let mut cart = Cart::new(Currency::CNY);
        let p = |sku: &str, price: &str| Product {
            sku: sku.into(),
            barcodes: vec![],
            name_zh: String::new(),
            name_en: sku.into(),
            price: Money::parse(price, Currency::CNY).expect("price"),
            tax_rate: TaxRate::parse("13").expect("rate"),
            price_includes_tax: true,
            active: true,
            category: None,
            quick_key: crate::catalog::QuickKey::Off,
        };
        cart.add(&p("a", "10"), 3, None).expect("add");
        cart.add(&p("b", "5"), 1, None).expect("add");
        cart.set_sale_discount(Some(
            Discount::amount(Money::parse("1", Currency::CNY).expect("m"), "x").expect("d"),
        ))
        .expect("fits");
        let due = cart.totals().expect("totals").total;
        let draft = SaleDraft::from_cart(&cart, vec![pay_cash(due, None).expect("cash").payment()]).expect("draft");
        SaleRecord {
            id: 7,
            business_day: jiff::civil::date(2026, 11, 26),
            created_at: jiff::Timestamp::UNIX_EPOCH,
            cashier: "demo".into(),
            draft,
        }
    }

    #[test]
    fn partial_refunds_never_exceed_the_sale() {
        let original = sale();
        // line 1: 30.00 - 0.86 share = 29.14 (share of 1.00 over 30/5 -> 0.86/0.14)
        assert_eq!(original.draft.lines[0].total.plain(), "29.14");
        let one = RefundRequest {
            lines: Some(vec![(1, 1)]),
            method: None,
        };
        let r1 = build_refund(&original, &[], &one).expect("refund 1");
        assert_eq!(r1.total.plain(), "-9.71");
        assert_eq!(r1.refund_of, Some(7));
        assert_eq!(left_to_refund(&original, &r1.lines, 1), 2);
        assert_eq!(left_to_refund(&original, &r1.lines, 2), 1);
        assert_eq!(left_to_refund(&original, &r1.lines, 9), 0);
        let r2 = build_refund(&original, &r1.lines, &one).expect("refund 2");
        let mut earlier = r1.lines.clone();
        earlier.extend(r2.lines.clone());
        let rest = build_refund(&original, &earlier, &RefundRequest::default()).expect("rest");
        earlier.extend(rest.lines.clone());
        let refunded: Money = sum(Currency::CNY, [r1.total, r2.total, rest.total]);
        assert_eq!(
            refunded, -original.draft.total,
            "all refunds together give back exactly the sale"
        );
        assert!(
            build_refund(&original, &earlier, &RefundRequest::default()).is_err(),
            "nothing left"
        );
        let too_many = RefundRequest {
            lines: Some(vec![(2, 2)]),
            method: None,
        };
        assert!(build_refund(&original, &[], &too_many).is_err());
        let no_line = RefundRequest {
            lines: Some(vec![(9, 1)]),
            method: None,
        };
        assert!(build_refund(&original, &[], &no_line).is_err());
        for l in &rest.lines {
            assert_eq!(l.gross - l.line_discount - l.sale_discount_share, l.total);
        }
        assert_eq!(rest.tax_total, sum(Currency::CNY, rest.taxes.iter().map(|t| t.tax)));
    }
}
