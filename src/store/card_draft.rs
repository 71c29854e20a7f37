//! The sale journaled with a card transaction (column `card_payments.draft`): everything needed
//! to commit it later, as JSON with amounts in minor units. Read back with every value checked,
//! since the column is outside input like any database content.

use super::StoreError;
use crate::money::{Currency, Money, TaxRate};
use crate::sale::{CardDetails, Kind, Payment, PaymentMethod, PaymentState, RecordedLine, SaleDraft, TaxAmount};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A sale waiting for its card transaction, and the business day it was rung up on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournaledSale {
    pub day: Date,
    pub draft: SaleDraft,
}

#[derive(Serialize, Deserialize)]
struct SaleJson {
    version: u32,
    day: String,
    kind: String,
    refund_of: Option<i64>,
    currency: String,
    lines: Vec<LineJson>,
    sale_discount_minor: i64,
    sale_discount_reason: Option<String>,
    taxes: Vec<TaxJson>,
    total_minor: i64,
    tax_total_minor: i64,
    payments: Vec<PaymentJson>,
}

#[derive(Serialize, Deserialize)]
struct LineJson {
    line_no: u32,
    sku: String,
    barcode: Option<String>,
    name_zh: String,
    name_en: String,
    quantity: i64,
    unit_price_minor: i64,
    tax_bp: i64,
    price_includes_tax: bool,
    gross_minor: i64,
    line_discount_minor: i64,
    discount_reason: Option<String>,
    sale_discount_share_minor: i64,
    total_minor: i64,
    refund_of_line: Option<u32>,
}

#[derive(Serialize, Deserialize)]
struct TaxJson {
    tax_bp: i64,
    gross_minor: i64,
    tax_minor: i64,
}

/// Card details are filled in from the journal row when the sale is committed, never stored here.
#[derive(Serialize, Deserialize)]
struct PaymentJson {
    method: String,
    amount_minor: i64,
    given_minor: Option<i64>,
    change_minor: i64,
    state: String,
}

const VERSION: u32 = 1;

pub(super) fn encode(sale: &JournaledSale) -> Result<String, StoreError> {
    let d = &sale.draft;
    let json = SaleJson {
        version: VERSION,
        day: sale.day.to_string(),
        kind: d.kind.as_str().to_string(),
        refund_of: d.refund_of,
        currency: d.currency.alpha.to_string(),
        lines: d
            .lines
            .iter()
            .map(|l| LineJson {
                line_no: l.line_no,
                sku: l.sku.clone(),
                barcode: l.barcode.clone(),
                name_zh: l.name_zh.clone(),
                name_en: l.name_en.clone(),
                quantity: l.quantity,
                unit_price_minor: l.unit_price.minor(),
                tax_bp: l.tax_rate.basis_points(),
                price_includes_tax: l.price_includes_tax,
                gross_minor: l.gross.minor(),
                line_discount_minor: l.line_discount.minor(),
                discount_reason: l.discount_reason.clone(),
                sale_discount_share_minor: l.sale_discount_share.minor(),
                total_minor: l.total.minor(),
                refund_of_line: l.refund_of_line,
            })
            .collect(),
        sale_discount_minor: d.sale_discount.minor(),
        sale_discount_reason: d.sale_discount_reason.clone(),
        taxes: d
            .taxes
            .iter()
            .map(|t| TaxJson {
                tax_bp: t.rate.basis_points(),
                gross_minor: t.gross.minor(),
                tax_minor: t.tax.minor(),
            })
            .collect(),
        total_minor: d.total.minor(),
        tax_total_minor: d.tax_total.minor(),
        payments: d
            .payments
            .iter()
            .map(|p| PaymentJson {
                method: p.method.as_str().to_string(),
                amount_minor: p.amount.minor(),
                given_minor: p.given.map(|g| g.minor()),
                change_minor: p.change.minor(),
                state: p.state.as_str().to_string(),
            })
            .collect(),
    };
    serde_json::to_string(&json).map_err(|e| StoreError::Damaged(format!("cannot journal the sale: {e}")))
}

/// Reads a journaled sale back; `id` names the journal row in errors.
pub(super) fn decode(id: i64, text: &str, currency: Currency) -> Result<JournaledSale, StoreError> {
    let bad = |what: String| StoreError::Damaged(format!("card payment #{id}: journaled sale: {what}"));
    let json: SaleJson = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    if json.version != VERSION {
        return Err(bad(format!("version {} is not {VERSION}", json.version)));
    }
    if json.currency != currency.alpha {
        return Err(bad(format!("currency {} is not {}", json.currency, currency.alpha)));
    }
    let m = |minor: i64| Money::from_minor(minor, currency);
    let day: Date = json.day.parse().map_err(|_| bad(format!("bad day '{}'", json.day)))?;
    let kind = Kind::parse(&json.kind).ok_or_else(|| bad(format!("unknown kind '{}'", json.kind)))?;
    let mut payments = Vec::new();
    for p in json.payments {
        payments.push(Payment {
            method: PaymentMethod::parse(&p.method).ok_or_else(|| bad(format!("unknown method '{}'", p.method)))?,
            amount: m(p.amount_minor),
            given: p.given_minor.map(m),
            change: m(p.change_minor),
            state: PaymentState::parse(&p.state).ok_or_else(|| bad(format!("unknown state '{}'", p.state)))?,
            card: None,
            manual: None,
        });
    }
    let draft = SaleDraft {
        kind,
        refund_of: json.refund_of,
        currency,
        lines: json
            .lines
            .into_iter()
            .map(|l| RecordedLine {
                line_no: l.line_no,
                sku: l.sku,
                barcode: l.barcode,
                name_zh: l.name_zh,
                name_en: l.name_en,
                quantity: l.quantity,
                unit_price: m(l.unit_price_minor),
                tax_rate: TaxRate::from_basis_points(l.tax_bp),
                price_includes_tax: l.price_includes_tax,
                gross: m(l.gross_minor),
                line_discount: m(l.line_discount_minor),
                discount_reason: l.discount_reason,
                sale_discount_share: m(l.sale_discount_share_minor),
                total: m(l.total_minor),
                refund_of_line: l.refund_of_line,
            })
            .collect(),
        sale_discount: m(json.sale_discount_minor),
        sale_discount_reason: json.sale_discount_reason,
        taxes: json
            .taxes
            .into_iter()
            .map(|t| TaxAmount {
                rate: TaxRate::from_basis_points(t.tax_bp),
                gross: m(t.gross_minor),
                tax: m(t.tax_minor),
            })
            .collect(),
        total: m(json.total_minor),
        tax_total: m(json.tax_total_minor),
        payments,
    };
    check(&draft).map_err(bad)?;
    Ok(JournaledSale { day, draft })
}

/// The sums the ledger's own CHECKs and reports rely on, so an edited draft cannot commit
/// a sale whose parts do not add up.
fn check(d: &SaleDraft) -> Result<(), String> {
    let c = d.currency;
    let total = crate::money::sum(c, d.lines.iter().map(|l| l.total));
    if d.lines.is_empty() || total != d.total {
        return Err(format!(
            "line totals {} do not add up to {}",
            total.plain(),
            d.total.plain()
        ));
    }
    if let Some(l) = d
        .lines
        .iter()
        .find(|l| l.gross - l.line_discount - l.sale_discount_share != l.total)
    {
        return Err(format!("line {} does not add up", l.line_no));
    }
    let tax = crate::money::sum(c, d.taxes.iter().map(|t| t.tax));
    if tax != d.tax_total {
        return Err(format!(
            "taxes {} do not add up to {}",
            tax.plain(),
            d.tax_total.plain()
        ));
    }
    let paid = crate::money::sum(c, d.payments.iter().map(|p| p.amount));
    if paid != d.total {
        return Err(format!(
            "payments {} do not add up to {}",
            paid.plain(),
            d.total.plain()
        ));
    }
    if d.payments.iter().filter(|p| p.method == PaymentMethod::Card).count() != 1 {
        return Err("it must hold exactly one card payment".into());
    }
    Ok(())
}

/// The draft with its card payment filled in from the terminal's result (journal row `id`).
pub fn with_card(mut draft: SaleDraft, card: CardDetails) -> Result<SaleDraft, String> {
    let slot = draft
        .payments
        .iter_mut()
        .find(|p| p.method == PaymentMethod::Card && p.card.is_none())
        .ok_or("the sale has no card payment to fill in")?;
    slot.card = Some(card);
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Product;
    use crate::sale::Cart;

    fn sale() -> JournaledSale {
        let mut cart = Cart::new(Currency::CNY);
        let p = Product {
            sku: "A".into(),
            barcodes: vec![],
            name_zh: "可乐".into(),
            name_en: "Cola".into(),
            price: Money::parse("3.50", Currency::CNY).expect("price"),
            tax_rate: TaxRate::parse("13").expect("rate"),
            price_includes_tax: true,
            active: true,
            category: None,
            quick_key: crate::catalog::QuickKey::Off,
        };
        cart.add(&p, 3, Some("123")).expect("add");
        let total = cart.totals().expect("totals").total;
        let card = Payment {
            method: PaymentMethod::Card,
            amount: total,
            given: None,
            change: Money::zero(Currency::CNY),
            state: PaymentState::Approved,
            card: None,
            manual: None,
        };
        JournaledSale {
            day: jiff::civil::date(2026, 11, 26),
            draft: SaleDraft::from_cart(&cart, vec![card]).expect("draft"),
        }
    }

    #[test]
    fn a_journaled_sale_reads_back_exactly() {
        let s = sale();
        let text = encode(&s).expect("encode");
        assert_eq!(decode(4, &text, Currency::CNY).expect("decode"), s);
    }

    #[test]
    fn edited_or_foreign_drafts_are_named_errors() {
        let text = encode(&sale()).expect("encode");
        let eur = Currency::from_alpha("EUR").expect("eur");
        for (bad, currency, needle) in [
            ("{".to_string(), Currency::CNY, "#4"),
            (text.clone(), eur, "currency"),
            (
                text.replace("\"total_minor\":1050,\"tax", "\"total_minor\":1,\"tax"),
                Currency::CNY,
                "add up",
            ),
            (text.replace("\"card\"", "\"cheque\""), Currency::CNY, "cheque"),
            (text.replace("2026-11-26", "2026-13-40"), Currency::CNY, "bad day"),
        ] {
            let err = decode(4, &bad, currency).expect_err(needle).to_string();
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn the_card_payment_is_filled_in_once() {
        let card = CardDetails {
            journal_id: 4,
            trace: Some(9),
            ..CardDetails::default()
        };
        let filled = with_card(sale().draft, card.clone()).expect("filled");
        assert_eq!(filled.payments[0].card, Some(card.clone()));
        assert!(with_card(filled, card).is_err(), "no second card slot");
    }
}
