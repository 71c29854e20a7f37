//! Sales per hour of the day, for the reports screen's chart.

use crate::money::{Currency, Money};
use jiff::Timestamp;
use jiff::tz::TimeZone;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourBucket {
    /// Local hour, 0..=23.
    pub hour: i8,
    pub count: u32,
    pub total: Money,
}

/// Sales bucketed by the local hour they were made in; hours without sales are left out.
pub fn by_hour(
    sales: impl IntoIterator<Item = (Timestamp, Money)>,
    tz: &TimeZone,
    currency: Currency,
) -> Vec<HourBucket> {
    let mut buckets: Vec<HourBucket> = Vec::new();
    for (at, amount) in sales {
        let hour = at.to_zoned(tz.clone()).hour();
        match buckets.iter_mut().find(|b| b.hour == hour) {
            Some(b) => {
                b.count += 1;
                b.total += amount;
            }
            None => buckets.push(HourBucket {
                hour,
                count: 1,
                total: Money::zero(currency) + amount,
            }),
        }
    }
    buckets.sort_by_key(|b| b.hour);
    buckets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sales_land_in_their_local_hour_and_add_up() {
        let tz = TimeZone::get("Asia/Shanghai").expect("tz");
        let m = |s: &str| Money::parse(s, Currency::CNY).expect("amount");
        let t = |s: &str| s.parse::<Timestamp>().expect("time");
        let sales = [
            (t("2026-11-27T01:10:00Z"), m("3.50")),
            (t("2026-11-27T01:59:59Z"), m("2.00")),
            (t("2026-11-26T23:00:00Z"), m("10.00")),
        ];
        let b = by_hour(sales, &tz, Currency::CNY);
        assert_eq!(
            b.iter().map(|b| (b.hour, b.count, b.total.plain())).collect::<Vec<_>>(),
            [(7, 1, "10.00".to_string()), (9, 2, "5.50".to_string())]
        );
    }
}
