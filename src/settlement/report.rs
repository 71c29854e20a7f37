//! X- and Z-reports: a business day's figures. Built from aggregates the store computes.
//! A Z-report is stored as its JSON and never changes; that JSON is the documented contract.

use crate::money::{Currency, Money, TaxRate, sum};
use crate::sale::{PaymentMethod, TaxAmount};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Value, json};
use std::collections::BTreeMap;

mod card;
pub mod card_types;
pub mod hourly;
mod manual;
pub mod month;
pub mod tender_mix;
pub use card::{BatchDays, CardSettlement, LostBatch, SettledBatch, SettledTotals, UnsettledBatch, on_report};
pub use manual::{ManualCardLine, manual_json, manual_totals};

/// Sums over a business day's committed sales and refunds (refund amounts are negative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayFigures {
    pub sales_count: u64,
    pub refunds_count: u64,
    pub sales_total: Money,
    pub refunds_total: Money,
    pub discounts_total: Money,
    /// Per rate, sales minus refunds.
    pub taxes: Vec<TaxAmount>,
    /// Per method, net of change and refunds.
    pub tenders: BTreeMap<PaymentMethod, Money>,
}

impl DayFigures {
    pub fn empty(currency: Currency) -> DayFigures {
        let zero = Money::zero(currency);
        DayFigures {
            sales_count: 0,
            refunds_count: 0,
            sales_total: zero,
            refunds_total: zero,
            discounts_total: zero,
            taxes: Vec::new(),
            tenders: BTreeMap::new(),
        }
    }

    /// Sales plus refunds (refunds are negative).
    pub fn gross_total(&self) -> Money {
        self.sales_total + self.refunds_total
    }

    /// The tax in the gross total, over every rate.
    pub fn tax_total(&self) -> Money {
        sum(self.sales_total.currency(), self.taxes.iter().map(|t| t.tax))
    }
}

/// The figures' JSON fields (counts, totals, tax per rate, tenders), as day and month
/// reports show them.
pub(crate) fn figures_json(f: &DayFigures) -> serde_json::Map<String, Value> {
    let (gross, tax) = (f.gross_total(), f.tax_total());
    object(json!({
        "sales_count": f.sales_count,
        "refunds_count": f.refunds_count,
        "sales_total": f.sales_total.plain(),
        "refunds_total": f.refunds_total.plain(),
        "gross_total": gross.plain(),
        "tax_total": tax.plain(),
        "net_total": (gross - tax).plain(),
        "discounts_total": f.discounts_total.plain(),
        "tax": f.taxes.iter().map(|t| json!({
            "rate": t.rate.percent_value().to_string(),
            "gross": t.gross.plain(),
            "amount": t.tax.plain(),
        })).collect::<Vec<_>>(),
        "tenders": f.tenders.iter()
            .map(|(m, a)| (m.as_str().to_string(), Value::String(a.plain())))
            .collect::<serde_json::Map<_, _>>(),
    }))
}

/// The fields of a JSON object literal.
pub(crate) fn object(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    X,
    Z,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub kind: ReportKind,
    pub z_number: Option<i64>,
    pub business_day: Date,
    pub generated_at: Timestamp,
    pub currency: Currency,
    pub figures: DayFigures,
    pub cash_counted: Option<Money>,
    /// The day's card batches; None on Z-reports closed before reports carried them.
    pub card_settlement: Option<CardSettlement>,
}

#[derive(Debug, thiserror::Error)]
#[error("stored Z-report is damaged: {0}")]
pub struct ReportDecodeError(String);

impl Report {
    /// Sales minus refunds, tax included.
    pub fn gross_total(&self) -> Money {
        self.figures.gross_total()
    }

    pub fn tax_total(&self) -> Money {
        self.figures.tax_total()
    }

    pub fn net_total(&self) -> Money {
        self.gross_total() - self.tax_total()
    }

    /// Cash that should be in the drawer from this day's trade (no opening float).
    pub fn cash_expected(&self) -> Money {
        self.figures
            .tenders
            .get(&PaymentMethod::Cash)
            .copied()
            .unwrap_or(Money::zero(self.currency))
    }

    /// Counted minus expected: negative means cash is missing.
    pub fn cash_difference(&self) -> Option<Money> {
        self.cash_counted.map(|c| c - self.cash_expected())
    }

    pub fn to_json(&self) -> Value {
        let opt = |m: Option<Money>| m.map(|m| Value::String(m.plain())).unwrap_or(Value::Null);
        let mut fields = figures_json(&self.figures);
        fields.extend(object(json!({
            "kind": match self.kind { ReportKind::X => "x", ReportKind::Z => "z" },
            "z_number": self.z_number,
            "business_day": self.business_day.to_string(),
            "generated_at": self.generated_at.to_string(),
            "currency": self.currency.alpha,
            "cash_expected": self.cash_expected().plain(),
            "cash_counted": opt(self.cash_counted),
            "cash_difference": opt(self.cash_difference()),
            "card_settlement": self.card_settlement.as_ref().map(|c| c.to_json(self.currency)),
        })));
        Value::Object(fields)
    }

    /// Reads a stored Z-report back (the inverse of `to_json`).
    pub fn from_json(value: &Value) -> Result<Report, ReportDecodeError> {
        let err = |what: &str| ReportDecodeError(what.to_string());
        let text = |key: &str| value.get(key).and_then(Value::as_str).ok_or_else(|| err(key));
        let currency = Currency::from_alpha(text("currency")?).map_err(|_| err("currency"))?;
        let money = |key: &str| -> Result<Money, ReportDecodeError> {
            Money::parse(text(key)?, currency).map_err(|_| err(key))
        };
        let count = |key: &str| value.get(key).and_then(Value::as_u64).ok_or_else(|| err(key));
        let mut taxes = Vec::new();
        for t in value.get("tax").and_then(Value::as_array).ok_or_else(|| err("tax"))? {
            let field = |k: &str| t.get(k).and_then(Value::as_str).ok_or_else(|| err("tax"));
            taxes.push(TaxAmount {
                rate: TaxRate::parse(field("rate")?).map_err(|_| err("tax.rate"))?,
                gross: Money::parse(field("gross")?, currency).map_err(|_| err("tax.gross"))?,
                tax: Money::parse(field("amount")?, currency).map_err(|_| err("tax.amount"))?,
            });
        }
        let mut tenders = BTreeMap::new();
        for (k, v) in value
            .get("tenders")
            .and_then(Value::as_object)
            .ok_or_else(|| err("tenders"))?
        {
            let method = PaymentMethod::parse(k).ok_or_else(|| err("tenders"))?;
            let amount = v
                .as_str()
                .and_then(|s| Money::parse(s, currency).ok())
                .ok_or_else(|| err("tenders"))?;
            tenders.insert(method, amount);
        }
        let cash_counted = match value.get("cash_counted") {
            Some(Value::String(s)) => Some(Money::parse(s, currency).map_err(|_| err("cash_counted"))?),
            _ => None,
        };
        // Absent from Z-reports stored before the section existed: they load without it.
        let card_settlement = match value.get("card_settlement") {
            None | Some(Value::Null) => None,
            Some(v) => Some(CardSettlement::from_json(v, currency).map_err(ReportDecodeError)?),
        };
        Ok(Report {
            kind: if text("kind")? == "z" {
                ReportKind::Z
            } else {
                ReportKind::X
            },
            z_number: value.get("z_number").and_then(Value::as_i64),
            business_day: text("business_day")?.parse().map_err(|_| err("business_day"))?,
            generated_at: text("generated_at")?.parse().map_err(|_| err("generated_at"))?,
            currency,
            figures: DayFigures {
                sales_count: count("sales_count")?,
                refunds_count: count("refunds_count")?,
                sales_total: money("sales_total")?,
                refunds_total: money("refunds_total")?,
                discounts_total: money("discounts_total")?,
                taxes,
                tenders,
            },
            cash_counted,
            card_settlement,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_cash_difference() {
        let c = Currency::CNY;
        let m = |s: &str| Money::parse(s, c).expect("amount");
        let mut tenders = BTreeMap::new();
        tenders.insert(PaymentMethod::Cash, m("90.00"));
        let report = Report {
            kind: ReportKind::Z,
            z_number: Some(3),
            business_day: jiff::civil::date(2026, 11, 26),
            generated_at: "2026-11-26T12:00:00Z".parse().expect("ts"),
            currency: c,
            figures: DayFigures {
                sales_count: 2,
                refunds_count: 1,
                sales_total: m("100"),
                refunds_total: m("-10"),
                discounts_total: m("1.5"),
                taxes: vec![TaxAmount {
                    rate: TaxRate::parse("13").expect("r"),
                    gross: m("90"),
                    tax: m("10.35"),
                }],
                tenders,
            },
            cash_counted: Some(m("89.50")),
            card_settlement: None,
        };
        assert_eq!(report.gross_total().plain(), "90.00");
        assert_eq!(report.net_total().plain(), "79.65");
        assert_eq!(report.cash_difference().map(|d| d.plain()), Some("-0.50".into()));
        let json = report.to_json();
        assert_eq!(json["tax"][0]["rate"], "13");
        assert_eq!(json["tenders"]["cash"], "90.00");
        assert_eq!(json["cash_difference"], "-0.50");
        assert_eq!(json["card_settlement"], Value::Null);
        assert_eq!(Report::from_json(&json).expect("decode"), report);
        assert!(Report::from_json(&json!({"kind": "z"})).is_err());
        // A Z-report stored before reports carried card settlement has no such key.
        let mut old = json.clone();
        old.as_object_mut().expect("object").remove("card_settlement");
        assert_eq!(Report::from_json(&old).expect("old report"), report);
    }
}
