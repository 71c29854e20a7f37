//! The month's report for managers: the month's figures (as a day's, summed over its
//! business days), one row per business day (with its Z-report number), and the products that
//! brought in most. Built from ledger queries (`Store::month_parts`); no I/O here.

use super::{DayFigures, figures_json, object};
use crate::money::{Currency, Money};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Value, json};

/// How many products the report lists.
pub const TOP_PRODUCTS: usize = 10;

/// One business day of the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthDay {
    pub day: Date,
    pub sales_count: u64,
    pub refunds_count: u64,
    /// Sales plus refunds (refunds are negative).
    pub gross: Money,
    pub z_number: Option<i64>,
}

/// A product's month: quantity sold net of refunds, and what it brought in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductMonth {
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: i64,
    pub gross: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthReport {
    /// The month's first and last day.
    pub first: Date,
    pub last: Date,
    pub generated_at: Timestamp,
    pub currency: Currency,
    pub figures: DayFigures,
    /// Business days with trade, in order.
    pub days: Vec<MonthDay>,
    /// Best first, at most `TOP_PRODUCTS`.
    pub top: Vec<ProductMonth>,
}

impl MonthReport {
    /// The month of `day`: its first and last date.
    pub fn bounds(day: Date) -> (Date, Date) {
        (day.first_of_month(), day.last_of_month())
    }

    pub fn gross_total(&self) -> Money {
        self.figures.gross_total()
    }

    pub fn tax_total(&self) -> Money {
        self.figures.tax_total()
    }

    /// Days with trade that have no Z-report yet (the month is not closed until they are).
    pub fn open_days(&self) -> Vec<Date> {
        self.days
            .iter()
            .filter(|d| d.z_number.is_none())
            .map(|d| d.day)
            .collect()
    }

    pub fn to_json(&self) -> Value {
        let mut fields = figures_json(&self.figures);
        fields.extend(object(json!({
            "kind": "month",
            "month": format!("{:04}-{:02}", self.first.year(), self.first.month()),
            "first_day": self.first.to_string(),
            "last_day": self.last.to_string(),
            "generated_at": self.generated_at.to_string(),
            "currency": self.currency.alpha,
            "days": self.days.iter().map(|d| json!({
                "day": d.day.to_string(),
                "sales_count": d.sales_count,
                "refunds_count": d.refunds_count,
                "gross": d.gross.plain(),
                "z_number": d.z_number,
            })).collect::<Vec<_>>(),
            "days_without_z": self.open_days().iter().map(Date::to_string).collect::<Vec<_>>(),
            "top_products": self.top.iter().map(|p| json!({
                "sku": p.sku,
                "name_zh": p.name_zh,
                "name_en": p.name_en,
                "quantity": p.quantity,
                "gross": p.gross.plain(),
            })).collect::<Vec<_>>(),
        })));
        Value::Object(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        assert_eq!(
            MonthReport::bounds(date(2028, 2, 17)),
            (date(2028, 2, 1), date(2028, 2, 29))
        );
        assert_eq!(
            MonthReport::bounds(date(2026, 12, 31)),
            (date(2026, 12, 1), date(2026, 12, 31))
        );
    }
}
