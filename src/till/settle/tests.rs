//! A settlement that matches speaks for the payments still in doubt of its batch, and only then.

use crate::settlement::reconcile::Reconciliation;
use crate::store::CardState;
use crate::terminal::zvt::messages::CardScheme::Mastercard;
use crate::till::card::CardTender;
use crate::till::fake_terminal::{FakeTerminal, Step, approval, at, till, totals};
use crate::till::{Till, TillError};
use std::sync::atomic::AtomicBool;

fn pay(till: &mut Till, t: &mut FakeTerminal) -> Result<crate::sale::SaleRecord, TillError> {
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA")?;
    till.pay_card(&cart, CardTender::default(), t, &AtomicBool::new(false), &mut |_| {})
}

/// A payment the terminal never answered, then nothing it can repeat: the row stays in doubt,
/// and a payment approved with trace and receipt `n` goes through after it.
fn lost_then_paid(till: &mut Till, t: &mut FakeTerminal, n: u32) -> i64 {
    t.transactions.push_back(Step::Silent);
    pay(till, t).expect_err("no answer");
    let id = till.status().expect("status").card_in_doubt.ids[0];
    t.repeats.push_back(Step::Abort(0x83));
    t.transactions.push_back(Step::Status(approval(350, n, n)));
    pay(till, t).expect("the next payment");
    assert_eq!(till.status().expect("status").card_in_doubt.ids, [id]);
    id
}

/// Settles with the terminal repeating receipt `last` and reporting `range` and `count` colas.
fn settle(till: &mut Till, t: &mut FakeTerminal, last: u32, range: (u32, u32), count: u8) -> Reconciliation {
    t.repeats.push_back(Step::Status(approval(350, last, last)));
    let sum = 350 * u64::from(count);
    t.admin
        .push_back(Step::Status(totals(range, &[(Mastercard, count, sum)], None)));
    t.admin.push_back(Step::Status(totals(
        range,
        &[(Mastercard, count, sum)],
        Some(90 + last),
    )));
    till.settle(t, &mut |_| {}).expect("settled").reconciliation
}

fn state(till: &Till, id: i64) -> CardState {
    till.store().card(id).expect("read").expect("row").state
}

#[test]
fn a_matching_settlement_resolves_the_payment_in_doubt_of_its_batch_as_not_booked() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    let lost = lost_then_paid(&mut till, &mut t, 2);
    assert!(settle(&mut till, &mut t, 2, (2, 2), 1).is_match());
    let row = till.store().card(lost).expect("read").expect("row");
    assert_eq!(row.state, CardState::Declined);
    let note = row.note.unwrap_or_default();
    assert!(
        note.starts_with("not booked by the terminal: batch #1 settled"),
        "{note}"
    );
    let audit = till.store().audit_tail(5).expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.kind == "card_recovery" && e.detail.starts_with(&format!("card #{lost} declined"))),
        "{audit:?}"
    );
    assert_eq!(till.status().expect("status").card_in_doubt.count, 0);
    assert_eq!(till.store().verify_audit().expect("verify"), None);
}

#[test]
fn a_settlement_that_does_not_match_leaves_it_in_doubt() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    let lost = lost_then_paid(&mut till, &mut t, 2);
    // The terminal counts two: the lost one may be the second.
    assert!(!settle(&mut till, &mut t, 2, (1, 2), 2).is_match());
    assert_eq!(state(&till, lost), CardState::InDoubt);
}

#[test]
fn after_a_previous_batch_that_did_not_match_a_payment_in_doubt_stays_for_the_manager() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    t.transactions.push_back(Step::Status(approval(350, 1, 1)));
    pay(&mut till, &mut t).expect("first payment");
    // The first batch settles with one payment too many on the terminal.
    t.admin
        .push_back(Step::Status(totals((1, 2), &[(Mastercard, 2, 700)], Some(3))));
    t.admin
        .push_back(Step::Status(totals((1, 2), &[(Mastercard, 2, 700)], Some(3))));
    assert!(
        !till
            .settle(&mut t, &mut |_| {})
            .expect("settled")
            .reconciliation
            .is_match()
    );
    // The ledger cannot tell whether the lost payment came before that settlement or after it.
    let lost = lost_then_paid(&mut till, &mut t, 5);
    assert!(settle(&mut till, &mut t, 5, (5, 5), 1).is_match());
    assert_eq!(state(&till, lost), CardState::InDoubt);
}

#[test]
fn an_end_of_day_the_ledger_has_no_batch_for_may_hold_it_so_it_stays_in_doubt() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    t.transactions.push_back(Step::Silent);
    pay(&mut till, &mut t).expect_err("no answer");
    let lost = till.status().expect("status").card_in_doubt.ids[0];
    // The terminal ran an end-of-day by itself: its totals arrive with the idle status.
    t.statuses
        .push_back(Step::Status(totals((1, 1), &[(Mastercard, 1, 350)], Some(2))));
    till.poll_terminal(&mut t).expect("poll");
    t.repeats.push_back(Step::Abort(0x83));
    t.transactions.push_back(Step::Status(approval(350, 3, 3)));
    pay(&mut till, &mut t).expect("the next payment");
    assert!(settle(&mut till, &mut t, 3, (3, 3), 1).is_match());
    assert_eq!(state(&till, lost), CardState::InDoubt);
}

#[test]
fn a_clear_time_passed_since_it_was_lost_keeps_it_in_doubt() {
    let (mut till, clock) = till();
    // The terminal clears its batch at noon: had it booked the lost payment, that batch may
    // have gone with it.
    till.config.terminal_auto_clear = Some(jiff::civil::Time::constant(12, 0, 0, 0));
    let mut t = FakeTerminal::default();
    t.transactions.push_back(Step::Silent);
    pay(&mut till, &mut t).expect_err("no answer");
    let lost = till.status().expect("status").card_in_doubt.ids[0];
    clock.set(at("2026-11-26T12:30:00Z"));
    t.repeats.push_back(Step::Abort(0x83));
    t.transactions.push_back(Step::Status(approval(350, 2, 2)));
    pay(&mut till, &mut t).expect("the next payment");
    assert!(settle(&mut till, &mut t, 2, (2, 2), 1).is_match());
    assert_eq!(state(&till, lost), CardState::InDoubt);
}
