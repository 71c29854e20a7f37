//! The ledger's side of the month report: the month's figures, its business days and its
//! best-selling products, each one aggregate query over the month's rows (indexed by day).

use super::{Store, StoreError, days::figures, parse_date};
use crate::money::Money;
use crate::settlement::report::DayFigures;
use crate::settlement::report::month::{MonthDay, ProductMonth, TOP_PRODUCTS};
use jiff::civil::Date;

/// What `MonthReport` is made of.
#[derive(Debug)]
pub struct MonthParts {
    pub figures: DayFigures,
    pub days: Vec<MonthDay>,
    pub top: Vec<ProductMonth>,
}

impl Store {
    /// The figures, days and top products of the business days `first..=last`.
    pub fn month_parts(&self, first: Date, last: Date) -> Result<MonthParts, StoreError> {
        let m = |minor: i64| Money::from_minor(minor, self.currency);
        let range = [first.to_string(), last.to_string()];
        let mut stmt = self.conn.prepare_cached(
            "SELECT g.day, g.sales, g.refunds, g.gross, d.z_number
             FROM (SELECT business_day AS day, SUM(kind = 'sale') AS sales, SUM(kind <> 'sale') AS refunds,
                          SUM(total_minor) AS gross
                   FROM sales WHERE business_day BETWEEN ?1 AND ?2 GROUP BY business_day) g
             LEFT JOIN business_days d ON d.day = g.day ORDER BY g.day",
        )?;
        let days = stmt
            .query_map(range.clone(), |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                ))
            })?
            .map(|row| {
                let (day, sales, refunds, gross, z_number) = row?;
                Ok(MonthDay {
                    day: parse_date(&day)?,
                    sales_count: sales.max(0) as u64,
                    refunds_count: refunds.max(0) as u64,
                    gross: m(gross),
                    z_number,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // Names as last sold; refund lines (negative quantities) count against their product.
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.sku, MAX(l.name_zh), MAX(l.name_en), SUM(l.quantity), SUM(l.total_minor) AS gross
             FROM sale_lines l JOIN sales s ON s.id = l.sale_id
             WHERE s.business_day BETWEEN ?1 AND ?2
             GROUP BY l.sku ORDER BY gross DESC, l.sku LIMIT ?3",
        )?;
        let top = stmt
            .query_map((&range[0], &range[1], TOP_PRODUCTS as i64), |r| {
                Ok(ProductMonth {
                    sku: r.get(0)?,
                    name_zh: r.get(1)?,
                    name_en: r.get(2)?,
                    quantity: r.get(3)?,
                    gross: m(r.get(4)?),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MonthParts {
            figures: figures(&self.conn, first, last, self.currency)?,
            days,
            top,
        })
    }
}
