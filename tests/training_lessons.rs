//! The training lessons' checks against a training till: each fails before its steps are done
//! and passes after them, the steps done through the Till API against the simulated terminal
//! (the real ZVT serial code over a pseudo-terminal), on a training clock over a ManualClock.
#![cfg(unix)]

use jiff::{SignedDuration, Timestamp};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tillguard::clock::{Clock, ManualClock};
use tillguard::config::DEMO_MANAGER_PIN;
use tillguard::sale::{PaymentMethod, RefundRequest, SaleRecord};
use tillguard::settlement::batch::DeferReason;
use tillguard::terminal::session::{Session, SessionTiming};
use tillguard::terminal::simulator::{SimConfig, power, spawn_pty_pair};
use tillguard::terminal::zvt::serial::SerialLink;
use tillguard::terminal::zvt_terminal::ZvtTerminal;
use tillguard::till::card::CardTender;
use tillguard::till::{Paths, Till, TillError};
use tillguard::training::lessons::Missing;
use tillguard::training::{LessonId, TrainingClock};

/// A training till, its simulated terminal (batch in `state`) and the clocks it runs on.
struct Desk {
    till: Till,
    terminal: ZvtTerminal,
    real: Arc<ManualClock>,
    clock: Arc<TrainingClock>,
    state: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for Desk {
    fn drop(&mut self) {
        power::set_answering(&self.state, true);
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn desk() -> Desk {
    let dir = tempfile::tempdir().expect("tempdir");
    // Midday in any time zone the demo config may take from the system.
    let real = Arc::new(ManualClock::new("2026-11-27T06:00:00Z".parse().expect("timestamp")));
    let clock = Arc::new(TrainingClock::new(real.clone()));
    let paths = Paths::resolve(Some(dir.path().to_path_buf()), Some(dir.path().join("tillguard.toml"))).expect("paths");
    let till = Till::open_training(&paths, clock.clone()).expect("training till");
    assert!(till.is_training());
    let state = paths.training().data_dir.join("lesson-terminal.json");
    let config = SimConfig {
        currency: 156,
        state_file: Some(state.clone()),
        ..SimConfig::default()
    };
    let (port, _name, thread, stop) = spawn_pty_pair(config, clock.clone()).expect("simulator");
    // A terminal that does not answer is given up on within a second.
    let timing = SessionTiming {
        t3: Duration::from_secs(1),
        t4: Duration::from_secs(5),
        ..SessionTiming::default()
    };
    let link = SerialLink::from_port(port, "training line".to_string());
    let terminal = ZvtTerminal::new(Session::new(Box::new(link)).with_timing(timing), 123_456, 156);
    Desk {
        till,
        terminal,
        real,
        clock,
        state,
        stop,
        thread: Some(thread),
        _dir: dir,
    }
}

impl Desk {
    /// A minute later, a lesson starts: what happened before does not count.
    fn start(&mut self) -> Timestamp {
        self.real.advance(SignedDuration::from_mins(1));
        self.till.now()
    }

    fn later(&self) {
        self.real.advance(SignedDuration::from_mins(1));
    }

    fn missing(&self, lesson: LessonId, since: Timestamp) -> Vec<Missing> {
        let facts = self.till.lesson_facts(since).expect("facts");
        let result = lesson.check(&facts);
        assert_eq!(result.passed, result.missing.is_empty());
        result.missing
    }

    fn cart(&self, codes: &[&str]) -> tillguard::sale::Cart {
        let mut cart = self.till.new_cart();
        for code in codes {
            self.till.scan(&mut cart, code).expect("scan");
        }
        cart
    }

    fn cash(&mut self, codes: &[&str]) -> SaleRecord {
        let cart = self.cart(codes);
        self.till.pay_cash(&cart, None).expect("cash sale")
    }

    fn card(&mut self, codes: &[&str], cash_given: Option<&str>) -> Result<SaleRecord, TillError> {
        let cart = self.cart(codes);
        let tender = CardTender {
            cash_given: cash_given.map(|c| tillguard::money::Money::parse(c, self.till.currency()).expect("amount")),
            card_amount: None,
        };
        self.till
            .pay_card(&cart, tender, &mut self.terminal, &AtomicBool::new(false), &mut |_| {})
    }
}

fn state_path(d: &Desk) -> &Path {
    &d.state
}

#[test]
fn the_sell_lesson_passes_only_after_a_cash_sale_of_two_items() {
    let mut d = desk();
    // Sold before the lesson started: does not count.
    d.cash(&["COLA", "FOD-002"]);
    let since = d.start();
    assert_eq!(d.missing(LessonId::Sell, since), [Missing::CashSaleTwoItems]);
    d.cash(&["COLA"]);
    d.card(&["COLA", "FOD-002"], None).expect("card sale");
    assert_eq!(d.missing(LessonId::Sell, since), [Missing::CashSaleTwoItems]);
    d.later();
    d.cash(&["COLA", "FOD-002"]);
    assert_eq!(d.missing(LessonId::Sell, since), []);
}

#[test]
fn the_refund_lesson_passes_after_a_manager_approved_refund_of_one_line() {
    let mut d = desk();
    let sale = d.cash(&["COLA", "FOD-002"]);
    let since = d.start();
    assert_eq!(d.missing(LessonId::Refund, since), [Missing::Refund]);
    let manager = d.till.manager_approval(DEMO_MANAGER_PIN).expect("manager PIN");
    let request = RefundRequest {
        lines: Some(vec![(1, 1)]),
        method: Some(PaymentMethod::Cash),
    };
    let refund = d.till.refund(sale.id, &request, Some(&manager)).expect("refund");
    assert_eq!(refund.draft.refund_of, Some(sale.id));
    assert_eq!(d.missing(LessonId::Refund, since), []);
}

#[test]
fn the_settle_lesson_passes_after_a_card_sale_and_a_matching_settlement() {
    let mut d = desk();
    let since = d.start();
    assert_eq!(
        d.missing(LessonId::Settle, since),
        [Missing::CardSale, Missing::SettledMatch]
    );
    d.card(&["COLA", "FOD-002"], None).expect("card sale");
    assert_eq!(d.missing(LessonId::Settle, since), [Missing::SettledMatch]);
    d.later();
    let settled = d.till.settle(&mut d.terminal, &mut |_| {}).expect("settle");
    assert!(settled.reconciliation.is_match(), "{:?}", settled.reconciliation);
    assert_eq!(d.missing(LessonId::Settle, since), []);
}

#[test]
fn the_declined_card_lesson_passes_after_the_declined_cart_is_paid_in_cash() {
    let mut d = desk();
    let since = d.start();
    assert_eq!(
        d.missing(LessonId::DeclinedCard, since),
        [Missing::DeclinedAttempt, Missing::SameCartOtherTender]
    );
    // Eggs 12.80 with 2.67 in cash: the card part 10.13 is declined by the simulated bank.
    let err = d.card(&["FOD-002"], Some("2.67")).expect_err("declined");
    assert!(matches!(err, TillError::CardDeclined { .. }), "{err:?}");
    assert_eq!(d.missing(LessonId::DeclinedCard, since), [Missing::SameCartOtherTender]);
    // Another cart in cash is not the declined one.
    d.later();
    d.cash(&["COLA"]);
    assert_eq!(d.missing(LessonId::DeclinedCard, since), [Missing::SameCartOtherTender]);
    d.cash(&["FOD-002"]);
    assert_eq!(d.missing(LessonId::DeclinedCard, since), []);
}

#[test]
fn the_silent_terminal_lesson_passes_once_the_payment_in_doubt_is_resolved() {
    let mut d = desk();
    // Step 1: a card payment as usual (the terminal has a receipt to repeat later).
    d.card(&["COLA"], None).expect("card sale");
    let since = d.start();
    assert_eq!(d.missing(LessonId::TerminalSilent, since), [Missing::FailedAttempt]);
    power::set_answering(state_path(&d), false);
    let err = d.card(&["FOD-002"], None).expect_err("no answer");
    assert!(matches!(err, TillError::Card { in_doubt: true, .. }), "{err:?}");
    assert_eq!(
        d.missing(LessonId::TerminalSilent, since),
        [Missing::FailedAttempt, Missing::StillInDoubt]
    );
    // Selling stops while the payment is in doubt.
    let cart = d.cart(&["COLA"]);
    assert!(matches!(d.till.pay_cash(&cart, None), Err(TillError::Guard { .. })));
    power::set_answering(state_path(&d), true);
    d.later();
    let report = d.till.recover_cards(&mut d.terminal, &mut |_| {}).expect("recovery");
    assert!(report.in_doubt().is_empty(), "{report:?}");
    assert_eq!(d.missing(LessonId::TerminalSilent, since), []);
}

#[test]
fn the_day_change_lesson_passes_after_the_earlier_batch_is_settled_and_a_sale_on_the_new_day() {
    let mut d = desk();
    let since = d.start();
    d.card(&["COLA"], None).expect("card sale on day one");
    let (first_day, _) = d.till.business_day().expect("day");
    assert_eq!(
        d.missing(LessonId::DayChange, since),
        [Missing::EarlierBatchClosed, Missing::SaleOnNewDay]
    );
    // The lesson moves the training clock just past the cutoff; the real one did not move.
    let shift = d.till.time_to_next_business_day().expect("shift");
    let real_before = d.real.now();
    d.clock.shift(shift);
    assert_eq!(d.real.now(), real_before);
    let (new_day, _) = d.till.business_day().expect("day");
    assert!(new_day > first_day, "{first_day} -> {new_day}");
    let cart = d.cart(&["COLA"]);
    let refused = d.till.pay_cash(&cart, None).expect_err("selling stops");
    assert!(matches!(refused, TillError::Guard { .. }), "{refused:?}");
    let settled = d.till.settle(&mut d.terminal, &mut |_| {}).expect("settle");
    assert!(settled.reconciliation.is_match());
    assert_eq!(d.missing(LessonId::DayChange, since), [Missing::SaleOnNewDay]);
    // The earlier day's drawer is counted and its Z-report closed before the new day sells.
    d.till
        .close_day(
            Some(first_day),
            tillguard::money::Money::parse("0", d.till.currency()).expect("zero"),
        )
        .expect("Z-report");
    d.later();
    let sale = d.cash(&["COLA"]);
    assert_eq!(sale.business_day, new_day);
    assert_eq!(d.missing(LessonId::DayChange, since), []);
}

#[test]
fn a_manager_deferral_also_closes_the_earlier_batch_for_the_day_change_lesson() {
    let mut d = desk();
    let since = d.start();
    d.card(&["COLA"], None).expect("card sale on day one");
    let (first_day, _) = d.till.business_day().expect("day");
    d.clock.shift(d.till.time_to_next_business_day().expect("shift"));
    d.till
        .defer(DEMO_MANAGER_PIN, DeferReason::HostUnreachable, None)
        .expect("deferred");
    assert_eq!(d.missing(LessonId::DayChange, since), [Missing::SaleOnNewDay]);
    d.till
        .close_day(
            Some(first_day),
            tillguard::money::Money::parse("0", d.till.currency()).expect("zero"),
        )
        .expect("Z-report");
    d.later();
    d.cash(&["COLA"]);
    assert_eq!(d.missing(LessonId::DayChange, since), []);
}
