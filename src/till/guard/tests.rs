//! The guard, settlement, deferral and lost batches through the till, with a ManualClock and
//! the scripted terminal.

use crate::clock::ManualClock;
use crate::config::Config;
use crate::money::Money;
use crate::sale::SaleRecord;
use crate::settlement::batch::{BatchState, DeferReason};
use crate::settlement::guard::{Verdict, Why};
use crate::settlement::reconcile::Reconciliation;
use crate::store::{CardKind, Store};
use crate::terminal::zvt::messages::CardScheme::Mastercard;
use crate::till::card::CardTender;
use crate::till::fake_terminal::{FakeTerminal, NAME, Step, approval, at, totals};
use crate::till::{Till, TillError};
use jiff::civil::{Time, date};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// A UTC demo till (cutoff 04:00, manager PIN 1234) at 2026-11-26 10:00, changed by `adjust`.
fn till_with(adjust: impl FnOnce(&mut Config)) -> (Till, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at("2026-11-26T10:00:00Z")));
    let mut config = Config::demo();
    config.time_zone = jiff::tz::TimeZone::UTC;
    adjust(&mut config);
    let store = Store::open_in_memory(config.currency).expect("store");
    (Till::with_store(store, config, clock.clone()).expect("till"), clock)
}

fn till() -> (Till, Arc<ManualClock>) {
    till_with(|_| {})
}

fn pay(till: &mut Till, t: &mut FakeTerminal) -> Result<SaleRecord, TillError> {
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA")?;
    till.pay_card(&cart, CardTender::default(), t, &AtomicBool::new(false), &mut |_| {})
}

fn pay_cash(till: &mut Till) -> Result<SaleRecord, TillError> {
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA")?;
    till.pay_cash(&cart, None)
}

/// A card payment of 3.50 approved with trace and receipt `n`.
fn paid(till: &mut Till, t: &mut FakeTerminal, n: u32) -> SaleRecord {
    t.transactions.push_back(Step::Status(approval(350, n, n)));
    pay(till, t).expect("card sale")
}

fn settle(till: &mut Till, t: &mut FakeTerminal) -> Result<crate::till::Settlement, TillError> {
    till.settle(t, &mut |_| {})
}

fn cny(s: &str) -> Money {
    Money::parse(s, crate::money::Currency::CNY).expect("amount")
}

#[test]
fn approved_transactions_join_one_batch_per_terminal_and_a_reversal_nets_out() {
    let (mut till, _) = till();
    crate::till::fake_terminal::log_in_manager(&mut till);
    let mut t = FakeTerminal::default();
    assert!(
        till.unsettled_batches().expect("batches").is_empty(),
        "no batch before a card"
    );
    paid(&mut till, &mut t, 1);
    let second = paid(&mut till, &mut t, 2);
    let batches = till.unsettled_batches().expect("batches");
    assert_eq!(batches.len(), 1);
    let b = &batches[0];
    assert_eq!(
        (b.terminal.as_str(), b.state, b.first_day),
        (NAME, BatchState::Open, date(2026, 11, 26))
    );
    assert_eq!((b.payments, b.amount), (2, cny("7.00")));
    // A void's reversal joins the batch and takes its payment out.
    let mut reversal = approval(350, 3, 3);
    reversal.card_type = Some(6);
    t.transactions.push_back(Step::Status(reversal));
    till.void_card(second.id, None, &mut t, &AtomicBool::new(false), &mut |_| {})
        .expect("void");
    let b = &till.unsettled_batches().expect("batches")[0];
    assert_eq!((b.payments, b.amount), (1, cny("3.50")));
    assert_eq!(till.store.batch_cards(b.id).expect("cards").len(), 3);
    // A declined payment joins nothing.
    t.transactions.push_back(Step::Abort(0x05));
    assert!(pay(&mut till, &mut t).is_err());
    assert_eq!(till.store.batch_cards(b.id).expect("cards").len(), 3);
}

#[test]
fn settle_asks_turnover_then_end_of_day_and_reconciles_a_match() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    paid(&mut till, &mut t, 1);
    paid(&mut till, &mut t, 2);
    let batch_id = till.unsettled_batches().expect("batches")[0].id;
    t.admin
        .push_back(Step::Status(totals((1, 2), &[(Mastercard, 2, 700)], None)));
    t.admin
        .push_back(Step::Status(totals((1, 2), &[(Mastercard, 2, 700)], Some(9))));
    t.eod_lines = vec!["END OF DAY".into(), "TOTAL 7.00".into()];
    t.calls.clear();
    let s = settle(&mut till, &mut t).expect("settled");
    assert_eq!(t.calls, ["turnover_totals", "end_of_day"]);
    assert_eq!((s.batch_id, s.state), (batch_id, BatchState::Settled));
    assert_eq!(s.reconciliation, Reconciliation::Match);
    assert_eq!(s.turnover.as_ref().map(|t| t.context.as_str()), Some("turnover_totals"));
    let eod = s.totals.expect("end-of-day totals");
    assert_eq!((eod.trace, eod.receipt_range), (Some(9), Some((1, 2))));
    assert_eq!(s.receipt_lines, ["END OF DAY", "TOTAL 7.00"]);
    let row = till.store.batch(batch_id).expect("read").expect("batch");
    assert_eq!(row.state, BatchState::Settled);
    assert_eq!(row.reconciliation, Some(Reconciliation::Match));
    assert!(row.totals_id.is_some() && row.closed_at.is_some());
    assert!(till.unsettled_batches().expect("batches").is_empty());
    assert_eq!(
        till.guard(true).expect("guard"),
        Verdict::Clear,
        "quitting is allowed now"
    );
    assert_eq!(till.store.verify_audit().expect("audit"), None);
    // The next payment opens a new batch.
    paid(&mut till, &mut t, 3);
    assert_ne!(till.unsettled_batches().expect("batches")[0].id, batch_id);
}

#[test]
fn a_mismatch_is_stored_and_needs_a_managers_note() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    paid(&mut till, &mut t, 1);
    t.admin.push_back(Step::Refused(0x83)); // no Send Turnover Totals: settles anyway
    t.admin
        .push_back(Step::Status(totals((1, 2), &[(Mastercard, 2, 700)], Some(4))));
    let s = settle(&mut till, &mut t).expect("settled");
    assert_eq!(s.turnover, None);
    let Reconciliation::Mismatch(d) = &s.reconciliation else {
        panic!("expected a mismatch: {:?}", s.reconciliation);
    };
    assert_eq!(d.missing_in_ledger, vec![2]);
    assert_eq!(d.per_card[0].card_type, "mastercard");
    assert_eq!((d.per_card[0].terminal_count, d.per_card[0].ledger_count), (2, 1));
    let id = s.batch_id;
    assert!(matches!(
        till.acknowledge_mismatch(id, "1234", "  "),
        Err(TillError::Batch(_))
    ));
    assert!(matches!(
        till.acknowledge_mismatch(id, "9999", "found"),
        Err(TillError::WrongPin { left: 2 })
    ));
    till.acknowledge_mismatch(id, "1234", "receipt 2 was a test payment")
        .expect("acknowledged");
    let ack = till.store.batch(id).expect("read").expect("batch").acknowledged;
    assert_eq!(ack.map(|a| a.note), Some("receipt 2 was a test payment".into()));
    assert!(
        till.acknowledge_mismatch(id, "1234", "again").is_err(),
        "acknowledged once"
    );
}

#[test]
fn a_failed_end_of_day_leaves_the_batch_failed_with_the_terminals_reason() {
    let (mut till, clock) = till();
    let mut t = FakeTerminal::default();
    paid(&mut till, &mut t, 1);
    let id = till.unsettled_batches().expect("batches")[0].id;
    t.admin
        .push_back(Step::Status(totals((1, 1), &[(Mastercard, 1, 350)], None)));
    t.admin.push_back(Step::Abort(0x77));
    let err = settle(&mut till, &mut t).expect_err("result 77");
    assert!(matches!(&err, TillError::SettleFailed { batch_id, reason } if *batch_id == id && reason.contains("77")));
    let row = till.store.batch(id).expect("read").expect("batch");
    assert_eq!(row.state, BatchState::Failed);
    assert!(row.last_error.is_some_and(|e| e.contains("77")), "reason kept");
    // No answer at all: still Failed, nothing settled; the guard stays on after the cutoff.
    t.admin.push_back(Step::Silent);
    t.admin.push_back(Step::Silent);
    assert!(matches!(settle(&mut till, &mut t), Err(TillError::SettleFailed { .. })));
    clock.set(at("2026-11-27T05:00:00Z"));
    assert!(matches!(
        till.guard(false).expect("guard"),
        Verdict::MustSettle {
            why: Why::DayChanged,
            ..
        }
    ));
    // Retried from Failed, it settles.
    t.admin.push_back(Step::Refused(0x83));
    t.admin
        .push_back(Step::Status(totals((1, 1), &[(Mastercard, 1, 350)], Some(7))));
    assert!(settle(&mut till, &mut t).expect("settled").reconciliation.is_match());
    assert_eq!(till.guard(false).expect("guard"), Verdict::Clear);
}

#[test]
fn totals_the_terminal_sends_by_itself_settle_the_batch_once() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    paid(&mut till, &mut t, 1);
    let first = till.unsettled_batches().expect("batches")[0].id;
    let automatic = totals((1, 1), &[(Mastercard, 1, 350)], Some(5));
    t.statuses.push_back(Step::Status(automatic.clone()));
    till.poll_terminal(&mut t).expect("poll");
    let row = till.store.batch(first).expect("read").expect("batch");
    assert_eq!(row.state, BatchState::Settled);
    assert_eq!(row.reconciliation, Some(Reconciliation::Match));
    // A new payment, then the same end-of-day reported again (its ack was lost): stored,
    // but the new batch stays open.
    paid(&mut till, &mut t, 2);
    t.statuses.push_back(Step::Status(automatic));
    till.poll_terminal(&mut t).expect("poll");
    let open = till.unsettled_batches().expect("batches");
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].state, BatchState::Open);
    assert_eq!(till.store.terminal_totals_count().expect("count"), 2);
}

/// A Settling batch whose end-of-day totals were stored when the process died: the
/// terminal closes its batch only on our acknowledgement, so those totals prove nothing.
fn settling_after_a_crash() -> (Till, FakeTerminal, i64) {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    paid(&mut till, &mut t, 1);
    let id = till.unsettled_batches().expect("batches")[0].id;
    let now = till.now();
    till.store.batch_settling(id, now, "manager").expect("settling");
    let stored =
        crate::till::journal::totals_record(NAME, "end_of_day", &totals((1, 1), &[(Mastercard, 1, 350)], Some(3)))
            .expect("totals");
    till.store.record_terminal_totals(&stored, now).expect("stored");
    // The guard alone does not settle it from the stored totals.
    let _ = till.guard(false).expect("guard");
    let row = till.store.batch(id).expect("read").expect("batch");
    assert_eq!(row.state, BatchState::Settling);
    (till, t, id)
}

#[test]
fn a_crash_after_the_totals_were_stored_settles_once_the_terminal_shows_its_batch_closed() {
    let (mut till, mut t, id) = settling_after_a_crash();
    // The terminal's open batch now starts after receipt 1: it did close the batch.
    t.admin
        .push_back(Step::Status(totals((2, 2), &[(Mastercard, 1, 200)], None)));
    till.recover_cards(&mut t, &mut |_| {}).expect("recover");
    let row = till.store.batch(id).expect("read").expect("batch");
    assert_eq!(
        (row.state, row.reconciliation),
        (BatchState::Settled, Some(Reconciliation::Match))
    );
}

#[test]
fn a_crash_after_the_totals_were_stored_fails_the_settlement_while_the_terminal_still_holds_them() {
    let (mut till, mut t, id) = settling_after_a_crash();
    // Receipt 1 is still in the terminal's batch: the end-of-day never completed there.
    t.admin
        .push_back(Step::Status(totals((1, 1), &[(Mastercard, 1, 350)], None)));
    till.recover_cards(&mut t, &mut |_| {}).expect("recover");
    let row = till.store.batch(id).expect("read").expect("batch");
    assert_eq!(
        row.state,
        BatchState::Failed,
        "the next settle runs the end-of-day again"
    );
}

#[test]
fn selling_stops_at_the_cutoff_until_settled_or_deferred_and_the_day_is_closed() {
    let (mut till, clock) = till();
    let mut t = FakeTerminal::default();
    paid(&mut till, &mut t, 1);
    pay_cash(&mut till).expect("cash sale the same day");
    clock.set(at("2026-11-27T05:00:00Z"));
    let refused = pay_cash(&mut till).expect_err("guard");
    assert!(
        matches!(
            refused,
            TillError::Guard {
                why: Why::DayChanged,
                ..
            }
        ),
        "{refused}"
    );
    assert!(refused.to_string().contains("settle"), "{refused}");
    t.calls.clear();
    assert!(matches!(pay(&mut till, &mut t), Err(TillError::Guard { .. })));
    assert!(t.calls.is_empty(), "the terminal is not asked");
    assert!(!till.guard(false).expect("guard").allows_selling());
    // A manager defers; now the earlier day's Z-report is what is missing.
    till.defer("1234", DeferReason::TerminalOffline, None)
        .expect("deferred");
    let verdict = till.guard(false).expect("guard");
    let li = crate::till::DEMO_USERS[1].name;
    assert!(matches!(&verdict, Verdict::Deferred { reason: DeferReason::TerminalOffline, by, .. } if by == li));
    let refused = pay_cash(&mut till).expect_err("no Z yet");
    assert!(matches!(refused, TillError::EarlierDayOpen { day, .. } if day == date(2026, 11, 26)));
    till.close_day(Some(date(2026, 11, 26)), cny("3.50")).expect("Z");
    assert_eq!(pay_cash(&mut till).expect("sells").business_day, date(2026, 11, 27));
}

#[test]
fn a_till_started_after_an_unsettled_day_names_the_earlier_day() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(crate::store::FILE_NAME);
    let clock = Arc::new(ManualClock::new(at("2026-11-26T10:00:00Z")));
    let mut config = Config::demo();
    config.time_zone = jiff::tz::TimeZone::UTC;
    let open = |clock: &Arc<ManualClock>| {
        let store = Store::open(&path, config.currency).expect("store");
        Till::with_store(store, config.clone(), clock.clone()).expect("till")
    };
    let mut first = open(&clock);
    let mut t = FakeTerminal::default();
    paid(&mut first, &mut t, 1);
    drop(first);
    clock.set(at("2026-11-27T09:00:00Z"));
    let mut next = open(&clock);
    assert!(matches!(
        next.guard(false).expect("guard"),
        Verdict::MustSettle {
            why: Why::EarlierDayUnsettled,
            terminal: Some(ref name),
        } if name == NAME
    ));
    assert!(matches!(
        pay_cash(&mut next),
        Err(TillError::Guard {
            why: Why::EarlierDayUnsettled,
            ..
        })
    ));
}

#[test]
fn deferral_is_limited_audited_and_runs_out() {
    let (mut till, clock) = till_with(|c| c.terminal_auto_clear = Some(Time::constant(23, 0, 0, 0)));
    let mut t = FakeTerminal::default();
    assert!(matches!(
        till.defer("1234", DeferReason::HostUnreachable, None),
        Err(TillError::Defer(_))
    ));
    paid(&mut till, &mut t, 1);
    let limit = till.deferral_limit().expect("limit");
    assert_eq!(
        limit,
        at("2026-11-26T23:00:00Z"),
        "the clear time comes before the cutoff"
    );
    for (until, needle) in [
        (at("2026-11-26T09:00:00Z"), "not in the future"),
        (at("2026-11-26T23:00:01Z"), "later than allowed"),
    ] {
        let err = till
            .defer("1234", DeferReason::AcquirerMaintenance, Some(until))
            .expect_err(needle)
            .to_string();
        assert!(err.contains(needle), "{err}");
    }
    assert!(matches!(
        till.defer("1234", DeferReason::Other("  ".into()), None),
        Err(TillError::Defer(_))
    ));
    let audits = till.store.audit_count().expect("audit");
    let d = till
        .defer(
            "1234",
            DeferReason::Other("printer jammed".into()),
            Some(at("2026-11-26T12:00:00Z")),
        )
        .expect("deferred");
    assert_eq!(d.until, at("2026-11-26T12:00:00Z"));
    assert!(till.store.audit_count().expect("audit") > audits);
    let b = &till.unsettled_batches().expect("batches")[0];
    assert_eq!(b.state, BatchState::Deferred);
    assert_eq!(
        b.deferral.as_ref().map(|d| d.reason.clone()),
        Some(DeferReason::Other("printer jammed".into()))
    );
    assert!(
        matches!(till.guard(true).expect("guard"), Verdict::Deferred { .. }),
        "quit allowed"
    );
    // It runs out: Open again, and a quit is refused.
    clock.set(at("2026-11-26T12:00:01Z"));
    assert!(matches!(
        till.guard(true).expect("guard"),
        Verdict::MustSettle {
            why: Why::QuitRequested,
            ..
        }
    ));
    assert_eq!(till.unsettled_batches().expect("batches")[0].state, BatchState::Open);
}

#[test]
fn three_wrong_pins_lock_deferral_for_five_minutes() {
    let (mut till, clock) = till();
    let mut t = FakeTerminal::default();
    paid(&mut till, &mut t, 1);
    let defer = |till: &mut Till, pin: &str| till.defer(pin, DeferReason::TerminalOffline, None);
    assert!(matches!(defer(&mut till, "0000"), Err(TillError::WrongPin { left: 2 })));
    assert!(matches!(defer(&mut till, "1111"), Err(TillError::WrongPin { left: 1 })));
    assert!(matches!(defer(&mut till, "2222"), Err(TillError::PinLocked { .. })));
    assert!(
        matches!(defer(&mut till, "1234"), Err(TillError::PinLocked { .. })),
        "locked even for the right PIN"
    );
    clock.set(at("2026-11-26T10:05:01Z"));
    assert!(
        matches!(defer(&mut till, "0000"), Err(TillError::WrongPin { left: 2 })),
        "count restarts"
    );
    defer(&mut till, "1234").expect("unlocked");
    assert!(
        matches!(defer(&mut till, "0000"), Err(TillError::WrongPin { left: 2 })),
        "reset by success"
    );
    // Every wrong PIN is in the audit chain.
    let (count, _) = till.store.pin_failures().expect("failures");
    assert_eq!(count, 1);
    // A configured till without a manager PIN starts with no users: nobody can defer.
    let (mut no_pin, _) = till_with(|c| {
        c.manager_pin = None;
        c.demo = false;
    });
    assert!(matches!(
        no_pin.defer("1234", DeferReason::TerminalOffline, None),
        Err(TillError::User(crate::users::UserError::NoManager))
    ));
}

#[test]
fn a_batch_past_its_clear_time_is_lost_and_its_claim_list_lists_the_payments() {
    let (mut till, clock) = till_with(|c| c.terminal_auto_clear = Some(Time::constant(22, 0, 0, 0)));
    let mut t = FakeTerminal::default();
    paid(&mut till, &mut t, 1);
    let mut visa = approval(420, 2, 2);
    visa.card_type = Some(10);
    visa.pan = Some("476173******0002".into());
    t.transactions.push_back(Step::Status(visa));
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA").expect("scan");
    till.pay_card(
        &cart,
        CardTender {
            cash_given: None,
            card_amount: None,
        },
        &mut t,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .expect("second");
    let id = till.unsettled_batches().expect("batches")[0].id;
    assert!(matches!(till.claim_list(id), Err(TillError::Batch(_))), "not lost yet");
    clock.set(at("2026-11-26T21:40:00Z"));
    assert_eq!(
        till.guard(false).expect("guard"),
        Verdict::Remind {
            minutes: 20,
            terminal: NAME.into()
        }
    );
    clock.set(at("2026-11-26T21:59:00Z"));
    assert!(matches!(
        till.guard(false).expect("guard"),
        Verdict::MustSettle {
            why: Why::AutoClearImminent,
            ..
        }
    ));
    clock.set(at("2026-11-26T22:00:30Z"));
    assert_eq!(
        till.guard(false).expect("guard"),
        Verdict::Clear,
        "nothing left to settle"
    );
    let row = till.store.batch(id).expect("read").expect("batch");
    assert_eq!(row.state, BatchState::Lost);
    let claim = till.claim_list(id).expect("claim list");
    assert_eq!(claim.len(), 2);
    assert_eq!(claim[0].kind, CardKind::Authorization);
    assert_eq!(
        (claim[0].date.as_str(), claim[0].time.as_str()),
        ("2026-11-26", "10:00:00")
    );
    assert_eq!((claim[0].trace, claim[0].receipt_no), (Some(1), Some(1)));
    assert_eq!(claim[0].terminal_id.as_deref(), Some("52523535"));
    assert_eq!(claim[1].pan.as_deref(), Some("476173******0002"));
    assert_eq!(claim[1].card_type.as_deref(), Some("visa"));
    assert_eq!(claim[1].amount, cny("3.50"), "the amount the till asked for");
    assert!(matches!(till.claim_list(id + 1), Err(TillError::Batch(_))));
}
