//! The card-settlement section of X- and Z-reports, through the till with a ManualClock and
//! the scripted terminal: a matched settlement, an acknowledged mismatch, a deferral carried
//! over to the next Z-report, a lost batch.

use crate::clock::ManualClock;
use crate::config::Config;
use crate::money::Money;
use crate::settlement::batch::{BatchState, DeferReason};
use crate::settlement::reconcile::Reconciliation;
use crate::settlement::report::{CardSettlement, Report};
use crate::store::Store;
use crate::terminal::zvt::messages::CardScheme::Mastercard;
use crate::till::Till;
use crate::till::card::CardTender;
use crate::till::fake_terminal::{FakeTerminal, NAME, Step, approval, at, totals};
use jiff::civil::{Date, Time, date};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

const DAY: Date = date(2026, 11, 26);
const NEXT: Date = date(2026, 11, 27);

/// A UTC demo till in English (cutoff 04:00, manager PIN 1234) at 2026-11-26 10:00.
fn till_with(adjust: impl FnOnce(&mut Config)) -> (Till, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at("2026-11-26T10:00:00Z")));
    let mut config = Config::demo();
    config.time_zone = jiff::tz::TimeZone::UTC;
    config.language = crate::config::Language::En;
    adjust(&mut config);
    let store = Store::open_in_memory(config.currency).expect("store");
    (Till::with_store(store, config, clock.clone()).expect("till"), clock)
}

fn cny(s: &str) -> Money {
    Money::parse(s, crate::money::Currency::CNY).expect("amount")
}

/// A card payment of 3.50 (one COLA) approved with trace and receipt `n`.
fn paid(till: &mut Till, t: &mut FakeTerminal, n: u32) {
    t.transactions.push_back(Step::Status(approval(350, n, n)));
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA").expect("scan");
    till.pay_card(&cart, CardTender::default(), t, &AtomicBool::new(false), &mut |_| {})
        .expect("card sale");
}

/// End-of-day totals the terminal reports: receipts `range`, `count` Mastercard payments.
fn settle_with(till: &mut Till, t: &mut FakeTerminal, range: (u32, u32), count: u8) -> Reconciliation {
    t.admin.push_back(Step::Refused(0x83)); // no turnover totals: settles anyway
    t.admin.push_back(Step::Status(totals(
        range,
        &[(Mastercard, count, 350 * u64::from(count))],
        Some(range.1),
    )));
    till.settle(t, &mut |_| {}).expect("settled").reconciliation
}

fn cards(report: &Report) -> &CardSettlement {
    report
        .card_settlement
        .as_ref()
        .expect("the report carries card settlement")
}

/// The Z-report as stored is the one returned, and reads back exactly.
fn close(till: &mut Till, day: Date) -> Report {
    let z = till.close_day(Some(day), cny("0")).expect("Z");
    assert_eq!(till.stored_z_report(day).expect("read"), Some(z.clone()));
    z
}

#[test]
fn a_matched_settlement_is_on_its_days_z_report_once() {
    let (mut till, clock) = till_with(|_| {});
    let mut t = FakeTerminal::default();
    paid(&mut till, &mut t, 1);
    paid(&mut till, &mut t, 2);
    // Before settling, the X-report shows the batch open.
    let x = till.x_report(None).expect("X");
    assert_eq!(cards(&x).unsettled.len(), 1);
    assert_eq!(cards(&x).unsettled[0].state, BatchState::Open);
    assert_eq!(settle_with(&mut till, &mut t, (1, 2), 2), Reconciliation::Match);
    clock.set(at("2026-11-26T20:00:00Z"));
    let z = close(&mut till, DAY);
    let c = cards(&z);
    assert!(c.unsettled.is_empty() && c.lost.is_empty(), "{c:?}");
    let [b] = c.settled.as_slice() else {
        panic!("one settled batch: {c:?}")
    };
    assert_eq!((b.terminal.as_str(), b.first_day), (NAME, DAY));
    assert_eq!(b.settled_at, at("2026-11-26T10:00:00Z"));
    assert_eq!((b.count, b.amount), (2, cny("7.00")));
    assert_eq!(b.reconciliation, Some(Reconciliation::Match));
    assert_eq!(b.acknowledged, None);
    let totals = b.totals.as_ref().expect("terminal totals");
    assert_eq!(totals.receipt_range, Some((1, 2)));
    assert_eq!(totals.per_card, vec![("mastercard".to_string(), 2, cny("7.00"))]);
    assert_eq!(totals.total, Some(cny("7.00")));
    let json = z.to_json();
    assert_eq!(json["card_settlement"]["settled"][0]["reconciliation"], "match");
    assert_eq!(
        json["card_settlement"]["settled"][0]["terminal_totals"]["total"],
        "7.00"
    );
    // The next day's reports do not count it again.
    clock.set(at("2026-11-27T10:00:00Z"));
    assert_eq!(cards(&till.x_report(None).expect("X")), &CardSettlement::default());
    assert_eq!(cards(&close(&mut till, NEXT)), &CardSettlement::default());
}

#[test]
fn an_acknowledged_mismatch_is_on_the_z_report_with_the_managers_note() {
    let (mut till, _) = till_with(|_| {});
    let mut t = FakeTerminal::default();
    paid(&mut till, &mut t, 1);
    let Reconciliation::Mismatch(_) = settle_with(&mut till, &mut t, (1, 2), 2) else {
        panic!("the terminal counted a payment the ledger lacks")
    };
    let id = till.store.batch_history(1).expect("batches")[0].id;
    till.acknowledge_mismatch(id, "1234", "receipt 2 was a test payment")
        .expect("acknowledged");
    let z = close(&mut till, DAY);
    let b = &cards(&z).settled[0];
    let Some(Reconciliation::Mismatch(d)) = &b.reconciliation else {
        panic!("mismatch: {b:?}")
    };
    assert_eq!(d.missing_in_ledger, vec![2]);
    assert_eq!((d.per_card[0].terminal_count, d.per_card[0].ledger_count), (2, 1));
    let ack = b.acknowledged.as_ref().expect("acknowledgement");
    assert_eq!(
        (ack.by.as_str(), ack.note.as_str()),
        (crate::till::DEMO_USERS[1].name, "receipt 2 was a test payment")
    );
    let json = &z.to_json()["card_settlement"]["settled"][0];
    assert_eq!(json["reconciliation"], "mismatch");
    assert_eq!(json["differences"]["missing_in_ledger"], serde_json::json!([2]));
    assert_eq!(json["acknowledged"]["note"], "receipt 2 was a test payment");
    // Printed lines wrap at the paper width, between words; joined, they read as written.
    let text = till.report_text(&z).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("Acknowledged by 李经理 Manager Li: receipt 2 was a test payment"),
        "{text}"
    );
}

#[test]
fn a_deferred_batch_is_on_its_days_z_report_and_its_settlement_on_the_next() {
    let (mut till, clock) = till_with(|_| {});
    let mut t = FakeTerminal::default();
    paid(&mut till, &mut t, 1);
    // The day changes unsettled; a manager defers, then the earlier day is closed.
    clock.set(at("2026-11-27T05:00:00Z"));
    till.defer("1234", DeferReason::HostUnreachable, None)
        .expect("deferred");
    let z = close(&mut till, DAY);
    let c = cards(&z);
    assert!(c.settled.is_empty(), "{c:?}");
    let [b] = c.unsettled.as_slice() else {
        panic!("one unsettled batch: {c:?}")
    };
    assert_eq!(
        (b.state, b.first_day, b.count, b.amount),
        (BatchState::Deferred, DAY, 1, cny("3.50"))
    );
    let d = b.deferral.as_ref().expect("deferral");
    // The demo manager whose PIN approved it.
    let manager = crate::till::DEMO_USERS[1].name;
    assert_eq!((d.by.as_str(), &d.reason), (manager, &DeferReason::HostUnreachable));
    assert!(d.until > at("2026-11-27T05:00:00Z"), "in force when the day was closed");
    let json = &z.to_json()["card_settlement"]["unsettled"][0];
    assert_eq!(
        (json["state"].as_str(), json["deferral"]["reason"].as_str()),
        (Some("deferred"), Some("host_unreachable"))
    );
    // Settled on the next day: that day's Z-report carries the settlement, and the deferral.
    clock.set(at("2026-11-27T09:00:00Z"));
    assert!(settle_with(&mut till, &mut t, (1, 1), 1).is_match());
    let next = close(&mut till, NEXT);
    let c = cards(&next);
    assert!(c.unsettled.is_empty(), "{c:?}");
    let [b] = c.settled.as_slice() else {
        panic!("the settlement after the Z-report: {c:?}")
    };
    assert_eq!(
        (b.first_day, b.reconciliation.clone()),
        (DAY, Some(Reconciliation::Match))
    );
    assert_eq!(
        b.deferral.as_ref().map(|d| d.reason.clone()),
        Some(DeferReason::HostUnreachable)
    );
    // The closed day's report, printed again, is what was stored: still deferred.
    assert_eq!(
        cards(&till.stored_z_report(DAY).expect("read").expect("Z"))
            .unsettled
            .len(),
        1
    );
    // And an X-report of that day agrees with its Z-report.
    assert_eq!(cards(&till.x_report(Some(DAY)).expect("X")).settled, vec![]);
}

#[test]
fn a_lost_batch_is_on_the_z_report_with_its_amount() {
    let (mut till, clock) = till_with(|c| c.terminal_auto_clear = Some(Time::constant(23, 0, 0, 0)));
    let mut t = FakeTerminal::default();
    paid(&mut till, &mut t, 1);
    paid(&mut till, &mut t, 2);
    // The clear time passes unsettled; closing the day sees the batch Lost.
    clock.set(at("2026-11-26T23:30:00Z"));
    let z = close(&mut till, DAY);
    let c = cards(&z);
    assert!(c.settled.is_empty() && c.unsettled.is_empty(), "{c:?}");
    let [b] = c.lost.as_slice() else {
        panic!("one lost batch: {c:?}")
    };
    assert_eq!(
        (b.count, b.amount, b.lost_at),
        (2, cny("7.00"), at("2026-11-26T23:30:00Z"))
    );
    let text = till.report_text(&z).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&format!("report claim --batch {}", b.id)), "{text}");
}
