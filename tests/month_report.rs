//! The month report through the till (a clock the test controls) and the command line: only
//! the month's business days count, the days add up to the month's totals, refunds count
//! against their product, open days are named.

mod common;

use jiff::Timestamp;
use jiff::civil::date;
use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::config::Config;
use tillguard::money::{Money, sum};
use tillguard::sale::RefundRequest;
use tillguard::store::Store;
use tillguard::till::Till;

fn at(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn sell(t: &mut Till, codes: &[&str]) -> i64 {
    let mut cart = t.new_cart();
    for code in codes {
        t.scan(&mut cart, code).expect("scan");
    }
    t.pay_cash(&cart, None).expect("sale").id
}

fn close(t: &mut Till) {
    let day = t.day_to_close().expect("day");
    let cash = t.x_report(Some(day)).expect("x").cash_expected();
    t.close_day(Some(day), cash).expect("Z");
}

#[test]
fn the_month_holds_its_own_days_and_they_add_up() {
    // UTC, cutoff 04:00: a sale at 10:00 belongs to that date.
    let clock = Arc::new(ManualClock::new(at("2026-10-31T10:00:00Z")));
    let mut config = Config::parse("[store]\ntime_zone = \"UTC\"\n").expect("config");
    config.demo = true;
    let mut t = Till::with_store(
        Store::open_in_memory(config.currency).expect("store"),
        config,
        clock.clone(),
    )
    .expect("till");
    sell(&mut t, &["COLAx9"]); // October: not in November's report
    close(&mut t);
    clock.set(at("2026-11-01T10:00:00Z"));
    let first = sell(&mut t, &["COLAx2", "FOD-002"]);
    sell(&mut t, &["FOD-002"]);
    close(&mut t);
    clock.set(at("2026-11-02T10:00:00Z"));
    let manager = t.manager_approval("1234").expect("demo manager");
    // Both eggs of the 1st come back on the 2nd: eggs end at one net, colas at two.
    t.refund(
        first,
        &RefundRequest {
            lines: Some(vec![(2, 1)]),
            method: None,
        },
        Some(&manager),
    )
    .expect("refund");
    sell(&mut t, &["COLA"]);

    let month = t.month_report(Some(date(2026, 11, 15))).expect("month");
    assert_eq!((month.first, month.last), (date(2026, 11, 1), date(2026, 11, 30)));
    assert_eq!(month.figures.sales_count, 3);
    assert_eq!(month.figures.refunds_count, 1);
    // 3.50 x 2 + 12.80 + 12.80 + 3.50 - 12.80
    assert_eq!(month.gross_total().plain(), "23.30");
    let days: Vec<_> = month
        .days
        .iter()
        .map(|d| (d.day, d.sales_count, d.refunds_count, d.z_number))
        .collect();
    assert_eq!(
        days,
        vec![(date(2026, 11, 1), 2, 0, Some(2)), (date(2026, 11, 2), 1, 1, None)]
    );
    assert_eq!(
        sum(t.currency(), month.days.iter().map(|d| d.gross)),
        month.gross_total()
    );
    assert_eq!(month.open_days(), vec![date(2026, 11, 2)]);
    let top: Vec<_> = month
        .top
        .iter()
        .map(|p| (p.sku.as_str(), p.quantity, p.gross.plain()))
        .collect();
    assert_eq!(
        top,
        vec![("FOD-002", 1, "12.80".into()), ("DRK-001", 3, "10.50".into())]
    );
    let tenders = sum(t.currency(), month.figures.tenders.values().copied());
    assert_eq!(tenders, month.gross_total(), "every cent is tendered");

    let october = t.month_report(Some(date(2026, 10, 1))).expect("october");
    assert_eq!(october.gross_total(), Money::parse("31.50", t.currency()).expect("m"));
    assert!(october.open_days().is_empty());
    let empty = t.month_report(Some(date(2026, 12, 1))).expect("december");
    assert!(empty.days.is_empty() && empty.top.is_empty() && empty.figures.sales_count == 0);
}

#[test]
fn the_command_line_prints_the_month_and_refuses_a_bad_month() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    common::json(d, &["sell", "--item", "COLAx2", "--json"]);
    let month = common::json(d, &["report", "month", "--json"]);
    assert_eq!(month["kind"], "month");
    assert_eq!(month["sales_count"], 1);
    assert_eq!(month["gross_total"], "7.00");
    assert_eq!(month["days"].as_array().map(Vec::len), Some(1));
    assert_eq!(month["top_products"][0]["sku"], "DRK-001");
    assert_eq!(month["days_without_z"].as_array().map(Vec::len), Some(1));
    let text = common::tillguard(d, &["report", "month"]);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.starts_with("Month report ") && text.contains("DRK-001"), "{text}");
    for bad in ["2026-13", "November", "2026"] {
        let out = common::tillguard(d, &["report", "month", "--month", bad]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(bad) && err.contains("YYYY-MM"), "{err}");
    }
}
