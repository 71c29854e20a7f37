//! Business-day rules through the till, with a clock the test controls.

use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::config::Config;
use tillguard::money::Money;
use tillguard::sale::RefundRequest;
use tillguard::store::Store;
use tillguard::till::{Till, TillError};

fn at(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

/// A Shanghai till (UTC+8, cutoff 04:00) on a fresh in-memory ledger with the demo catalog.
fn till(clock: Arc<ManualClock>) -> Till {
    let mut config = Config::parse("[store]\ntime_zone = \"Asia/Shanghai\"\n").expect("config");
    config.demo = true; // keep the demo catalog for the products
    let store = Store::open_in_memory(config.currency).expect("store");
    Till::with_store(store, config, clock).expect("till")
}

fn sell_cola(t: &mut Till) -> Result<tillguard::sale::SaleRecord, TillError> {
    let mut cart = t.new_cart();
    t.scan(&mut cart, "COLA")?;
    t.pay_cash(&cart, None)
}

#[test]
fn a_sale_after_midnight_belongs_to_the_previous_business_day() {
    // 01:30 on the 27th in Shanghai.
    let clock = Arc::new(ManualClock::new(at("2026-11-26T17:30:00Z")));
    let mut t = till(clock.clone());
    let sale = sell_cola(&mut t).expect("sale");
    assert_eq!(sale.business_day, date(2026, 11, 26));
    // 04:00 local: a new business day, which sells only once the 26th has its Z-report (the
    // drawer still holds exactly that day's cash until then).
    clock.set(at("2026-11-26T20:00:00Z"));
    assert!(matches!(
        sell_cola(&mut t),
        Err(TillError::EarlierDayOpen { day, today }) if day == date(2026, 11, 26) && today == date(2026, 11, 27)
    ));
    let status = t.status().expect("status");
    assert_eq!(status.business_day, date(2026, 11, 27));
    assert_eq!(status.sales_count, 0);
    assert_eq!(status.unclosed_days, vec![date(2026, 11, 26)]);
    // `report z` closes the oldest open day first.
    assert_eq!(t.day_to_close().expect("day"), date(2026, 11, 26));
    let z = t
        .close_day(None, Money::parse("3.50", t.currency()).expect("m"))
        .expect("close");
    assert_eq!((z.z_number, z.business_day), (Some(1), date(2026, 11, 26)));
    assert_eq!(z.cash_difference().map(|d| d.plain()), Some("0.00".into()));
    assert!(t.status().expect("status").unclosed_days.is_empty());
    assert_eq!(sell_cola(&mut t).expect("sale").business_day, date(2026, 11, 27));
}

#[test]
fn a_closed_day_stays_closed_until_the_cutoff_even_if_the_clock_goes_back() {
    let clock = Arc::new(ManualClock::new(at("2026-11-26T12:00:00Z"))); // 20:00 local
    let mut t = till(clock.clone());
    sell_cola(&mut t).expect("sale");
    t.close_day(None, Money::parse("3.50", t.currency()).expect("m"))
        .expect("close");
    assert!(matches!(sell_cola(&mut t), Err(TillError::DayClosed { .. })));
    // Someone sets the clock back two days: the day does not move back and nothing reopens.
    clock.advance(SignedDuration::from_hours(-48));
    let status = t.status().expect("status");
    assert!(status.clock_behind);
    assert_eq!(status.business_day, date(2026, 11, 26));
    assert!(matches!(sell_cola(&mut t), Err(TillError::DayClosed { .. })));
    // 03:59 local on the 27th: still closed; 04:00: the next day sells.
    clock.set(at("2026-11-26T19:59:00Z"));
    assert!(matches!(sell_cola(&mut t), Err(TillError::DayClosed { .. })));
    clock.set(at("2026-11-26T20:00:00Z"));
    assert_eq!(sell_cola(&mut t).expect("sale").business_day, date(2026, 11, 27));
}

#[test]
fn refunds_reference_the_sale_and_count_in_the_day() {
    let clock = Arc::new(ManualClock::new(at("2026-11-26T04:00:00Z")));
    let mut t = till(clock);
    let mut cart = t.new_cart();
    t.scan(&mut cart, "COLAx3").expect("scan");
    t.scan(&mut cart, "FOD-002").expect("scan");
    let sale = t
        .pay_cash(&cart, Some(Money::parse("100", t.currency()).expect("m")))
        .expect("sale");
    assert_eq!(sale.draft.total.plain(), "23.30");
    // Refunds need a manager: the demo manager's PIN approves them.
    let manager = t.manager_approval("1234").expect("demo manager");
    let refund = t
        .refund(
            sale.id,
            &RefundRequest {
                lines: Some(vec![(1, 1)]),
                method: None,
            },
            Some(&manager),
        )
        .expect("refund one cola");
    assert_eq!(refund.draft.refund_of, Some(sale.id));
    assert_eq!(refund.draft.total.plain(), "-3.50");
    let rest = t
        .refund(sale.id, &RefundRequest::default(), Some(&manager))
        .expect("refund the rest");
    assert_eq!(rest.draft.total.plain(), "-19.80");
    assert!(
        t.refund(sale.id, &RefundRequest::default(), Some(&manager)).is_err(),
        "nothing left to refund"
    );
    assert!(
        t.refund(refund.id, &RefundRequest::default(), Some(&manager)).is_err(),
        "a refund cannot be refunded"
    );
    let x = t.x_report(None).expect("x");
    assert_eq!(x.figures.sales_count, 1);
    assert_eq!(x.figures.refunds_count, 2);
    assert_eq!(x.gross_total().plain(), "0.00");
    assert_eq!(x.tax_total().plain(), "0.00");
    assert_eq!(x.cash_expected().plain(), "0.00");
}
