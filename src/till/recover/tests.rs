//! Every recovery outcome against a scripted terminal.

use super::RecoveryOutcome as Outcome;
use crate::money::Money;
use crate::sale::{Cart, Payment, PaymentMethod, PaymentState, SaleDraft};
use crate::store::{CardKind, CardState, JournaledSale};
use crate::terminal::outcome::fields;
use crate::terminal::zvt::messages::{CardScheme, CardTotal, EodTotals, StatusInformation};
use crate::till::card::CardTender;
use crate::till::fake_terminal::{FakeTerminal, NAME, Step, approval, at, till};
use crate::till::{Till, TillError};
use jiff::civil::date;
use std::sync::atomic::AtomicBool;

fn cart(till: &Till, codes: &[&str]) -> Cart {
    let mut cart = till.new_cart();
    for code in codes {
        till.scan(&mut cart, code).expect("scan");
    }
    cart
}

fn pay(till: &mut Till, t: &mut FakeTerminal, codes: &[&str]) -> Result<crate::sale::SaleRecord, TillError> {
    let cart = cart(till, codes);
    till.pay_card(&cart, CardTender::default(), t, &AtomicBool::new(false), &mut |_| {})
}

fn recover(till: &mut Till, t: &mut FakeTerminal) -> super::RecoveryReport {
    till.recover_cards(t, &mut |_| {}).expect("recovery runs")
}

/// A crash right after the intent was journaled: the row stays 'pending' with its sale.
fn begin(till: &mut Till, codes: &[&str], with_sale: bool) -> i64 {
    let cart = &cart(till, codes);
    let total = cart.totals().expect("totals").total;
    let card = Payment {
        method: PaymentMethod::Card,
        amount: total,
        given: None,
        change: Money::zero(total.currency()),
        state: PaymentState::Approved,
        card: None,
        manual: None,
    };
    let sale = JournaledSale {
        day: till.selling_day().expect("open"),
        draft: SaleDraft::from_cart(cart, vec![card]).expect("draft"),
    };
    let now = till.now();
    till.store
        .card_begin(
            CardKind::Authorization,
            total,
            NAME,
            None,
            with_sale.then_some(&sale),
            now,
        )
        .expect("begin")
}

fn declined(amount_minor: u64) -> StatusInformation {
    StatusInformation {
        result_code: Some(0x05),
        amount_minor: Some(amount_minor),
        ..StatusInformation::default()
    }
}

#[test]
fn a_payment_the_terminal_booked_gets_its_sale() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    t.transactions.push_back(Step::Silent);
    let err = pay(&mut till, &mut t, &["COLA"]).expect_err("no answer");
    assert!(matches!(err, TillError::Card { in_doubt: true, .. }), "{err}");
    let status = till.status().expect("status");
    assert_eq!(
        (status.card_in_doubt.count, status.card_in_doubt.amount.plain()),
        (1, "3.50".into())
    );
    assert_eq!(status.sales_count, 0);

    t.repeats.push_back(Step::Status(approval(350, 7, 3)));
    let report = recover(&mut till, &mut t);
    let [card] = report.cards.as_slice() else {
        panic!("one row: {report:?}")
    };
    assert_eq!(card.outcome, Outcome::SaleRecovered, "{}", card.reason);
    assert_eq!((card.trace, card.receipt_no), (Some(7), Some(3)));
    let sale = till.sale(card.sale_id.expect("sale")).expect("committed");
    assert_eq!(sale.business_day, date(2026, 11, 26));
    assert_eq!(sale.draft.total.plain(), "3.50");
    let details = sale.draft.payments[0].card.clone().expect("card details");
    assert_eq!(
        (details.journal_id, details.trace, details.receipt_no),
        (card.id, Some(7), Some(3))
    );
    let row = till.store.card(card.id).expect("read").expect("row");
    assert_eq!((row.state, row.sale_id), (CardState::Approved, Some(sale.id)));
    let status = till.status().expect("status");
    assert_eq!((status.card_in_doubt.count, status.sales_count), (0, 1));
}

#[test]
fn a_pending_payment_behind_a_known_last_transaction_was_not_booked() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    t.transactions.push_back(Step::Status(approval(350, 1, 1)));
    pay(&mut till, &mut t, &["COLA"]).expect("first sale");
    let id = begin(&mut till, &["COLA"], true);
    // Same amount, but these numbers already belong to the first sale.
    t.repeats.push_back(Step::Status(approval(350, 1, 1)));
    let report = recover(&mut till, &mut t);
    assert_eq!(report.cards.len(), 1);
    assert_eq!(report.cards[0].outcome, Outcome::NotBooked);
    assert!(report.cards[0].reason.contains("#1"), "{}", report.cards[0].reason);
    assert_eq!(
        till.store.card(id).expect("read").expect("row").state,
        CardState::Declined
    );
    assert_eq!(till.status().expect("status").sales_count, 1);
}

#[test]
fn another_amount_or_a_decline_means_not_booked() {
    for (last, needle) in [
        (approval(999, 5, 5), "amount 9.99 instead of 3.50"),
        (declined(350), "not approved"),
    ] {
        let (mut till, _) = till();
        let mut t = FakeTerminal::default();
        let id = begin(&mut till, &["COLA"], true);
        t.repeats.push_back(Step::Status(last));
        let report = recover(&mut till, &mut t);
        assert_eq!(report.cards[0].outcome, Outcome::NotBooked);
        assert!(report.cards[0].reason.contains(needle), "{}", report.cards[0].reason);
        let row = till.store.card(id).expect("read").expect("row");
        assert_eq!(row.state, CardState::Declined);
        let note = format!("not booked by the terminal: {}", report.cards[0].reason);
        assert_eq!(row.note, Some(note));
    }
}

#[test]
fn a_silent_terminal_leaves_the_row_in_doubt_and_blocks_the_next_payment() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    let id = begin(&mut till, &["COLA"], true);
    let report = recover(&mut till, &mut t);
    assert_eq!(report.cards[0].outcome, Outcome::InDoubt);
    assert!(report.terminal_error.is_some());
    assert_eq!(
        till.store.card(id).expect("read").expect("row").state,
        CardState::InDoubt
    );

    // Repeat Receipt knows only the last transaction: no new one while this one is unknown.
    t.transactions.push_back(Step::Status(approval(350, 2, 2)));
    let err = pay(&mut till, &mut t, &["COLA"]).expect_err("blocked");
    assert!(
        matches!(err, TillError::RecoveryBlocked { ref ids, .. } if ids == &vec![id]),
        "{err}"
    );
    assert_eq!(t.calls, ["last_transaction", "last_transaction"]);
    assert_eq!(till.take_recovery().map(|r| r.in_doubt()), Some(vec![id]));
    let status = till.status().expect("status");
    assert_eq!((status.card_in_doubt.ids, status.sales_count), (vec![id], 0));
}

#[test]
fn a_terminal_that_cannot_say_keeps_the_row_in_doubt_for_good() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    let id = begin(&mut till, &["COLA"], true);
    t.repeats.push_back(Step::Refused(0x83));
    let report = recover(&mut till, &mut t);
    assert_eq!(report.cards[0].outcome, Outcome::InDoubt);
    assert!(report.cards[0].reason.contains("84 83"), "{}", report.cards[0].reason);
    assert_eq!(report.terminal_error, None, "it answered");
    t.calls.clear();
    t.repeats.push_back(Step::Abort(0x83));
    t.transactions.push_back(Step::Status(approval(350, 8, 4)));
    // The terminal answered, so selling goes on; the old row waits for the manager.
    let sale = pay(&mut till, &mut t, &["COLA"]).expect("sale");
    assert_eq!(t.calls, ["last_transaction", "authorize 3.50"]);
    let report = till.take_recovery().expect("recovery ran first");
    assert_eq!(report.cards[0].outcome, Outcome::InDoubt);
    assert!(report.cards[0].reason.contains("83"), "{}", report.cards[0].reason);
    // Later the terminal repeats the newer sale: that must not pass for "not booked".
    t.repeats.push_back(Step::Status(approval(350, 8, 4)));
    let report = recover(&mut till, &mut t);
    assert_eq!(report.cards[0].outcome, Outcome::InDoubt);
    let newer = sale.draft.payments[0]
        .card
        .as_ref()
        .map(|c| c.journal_id)
        .expect("journal id");
    assert!(
        report.cards[0].reason.contains(&format!("#{newer}")),
        "{}",
        report.cards[0].reason
    );
    assert_eq!(till.status().expect("status").card_in_doubt.ids, vec![id]);
}

#[test]
fn an_approval_whose_acknowledgement_was_lost_is_checked_before_the_next_payment() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    t.transactions.push_back(Step::Unacknowledged(approval(350, 4, 2)));
    let err = pay(&mut till, &mut t, &["COLA"]).expect_err("in doubt");
    assert!(matches!(err, TillError::Card { in_doubt: true, .. }), "{err}");
    assert_eq!(till.status().expect("status").sales_count, 0, "no sale while in doubt");
    // The terminal did get it: Repeat Receipt shows the very numbers the journal holds.
    t.repeats.push_back(Step::Status(approval(350, 4, 2)));
    t.transactions.push_back(Step::Status(approval(680, 5, 3)));
    pay(&mut till, &mut t, &["2000000040400"]).expect("beer");
    assert_eq!(t.calls, ["authorize 3.50", "last_transaction", "authorize 6.80"]);
    let report = till.take_recovery().expect("recovery ran first");
    assert_eq!(
        report.cards[0].outcome,
        Outcome::SaleRecovered,
        "{}",
        report.cards[0].reason
    );
    assert_eq!(till.status().expect("status").sales_count, 2);
    assert!(till.take_recovery().is_none(), "taken once");
}

#[test]
fn only_the_newest_open_row_can_be_judged() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    let older = begin(&mut till, &["COLA"], true);
    let newer = begin(&mut till, &["2000000040400"], true);
    t.repeats.push_back(Step::Status(approval(680, 9, 6)));
    let report = recover(&mut till, &mut t);
    let outcome = |id| report.cards.iter().find(|c| c.id == id).map(|c| c.outcome);
    assert_eq!(outcome(older), Some(Outcome::InDoubt));
    assert_eq!(outcome(newer), Some(Outcome::SaleRecovered));
}

#[test]
fn an_approval_stored_without_its_sale_is_committed_from_the_journal() {
    let (mut till, clock) = till();
    let mut t = FakeTerminal::default();
    let today = begin(&mut till, &["COLA"], true);
    let f = fields(&approval(350, 3, 3));
    let now = till.now();
    till.store
        .card_record(today, CardState::Approved, &f, date(2026, 11, 26), now)
        .expect("record");
    let status = till.status().expect("status");
    assert_eq!(status.card_without_sale.ids, vec![today]);
    let report = recover(&mut till, &mut t);
    assert!(t.calls.is_empty(), "no terminal needed");
    assert_eq!(report.cards[0].outcome, Outcome::SaleRecovered);
    assert!(
        report.cards[0].reason.contains("own business day 2026-11-26"),
        "{}",
        report.cards[0].reason
    );

    // Crashed yesterday; yesterday was closed since: the sale lands today, and says so.
    let yesterday = begin(&mut till, &["COLA"], true);
    till.store
        .card_record(
            yesterday,
            CardState::Approved,
            &fields(&approval(350, 4, 4)),
            date(2026, 11, 26),
            now,
        )
        .expect("record");
    clock.set(at("2026-11-27T10:00:00Z"));
    till.close_day(Some(date(2026, 11, 26)), Money::zero(till.currency()))
        .expect("close");
    let report = recover(&mut till, &mut t);
    assert_eq!(report.cards[0].outcome, Outcome::SaleRecovered);
    assert!(
        report.cards[0].reason.contains("2026-11-26 is closed"),
        "{}",
        report.cards[0].reason
    );
    let sale = till.sale(report.cards[0].sale_id.expect("sale")).expect("sale");
    assert_eq!(sale.business_day, date(2026, 11, 27));

    // An older row without a journaled sale stays flagged for the manager.
    let old = begin(&mut till, &["COLA"], false);
    let now = till.now();
    till.store
        .card_record(
            old,
            CardState::Approved,
            &fields(&approval(350, 5, 5)),
            date(2026, 11, 27),
            now,
        )
        .expect("record");
    let report = recover(&mut till, &mut t);
    assert_eq!(report.cards[0].outcome, Outcome::Approved);
    assert!(report.cards[0].reason.contains("manager"), "{}", report.cards[0].reason);
    assert_eq!(till.status().expect("status").card_without_sale.ids, vec![old]);
}

#[test]
fn batch_totals_arriving_during_recovery_or_an_idle_poll_are_stored() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    let totals = StatusInformation {
        result_code: Some(0),
        amount_minor: Some(1030),
        totals: Some(EodTotals {
            receipt_start: 1,
            receipt_end: 3,
            per_card: vec![CardTotal {
                card: CardScheme::Mastercard,
                count: 2,
                amount_minor: 1030,
            }],
        }),
        ..StatusInformation::default()
    };
    t.statuses.push_back(Step::Status(totals.clone()));
    let info = till.poll_terminal(&mut t).expect("poll");
    assert_eq!(info.status, Some(0));
    assert_eq!(till.store.terminal_totals_count().expect("count"), 1);
    // Totals are no transaction: the row is judged by nothing, so it stays in doubt.
    begin(&mut till, &["COLA"], true);
    t.repeats.push_back(Step::Status(totals));
    let report = recover(&mut till, &mut t);
    assert_eq!(report.cards[0].outcome, Outcome::InDoubt);
    assert_eq!(till.store.terminal_totals_count().expect("count"), 2);
}
