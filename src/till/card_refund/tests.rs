//! Voids and card refunds against a scripted terminal.

use crate::money::Money;
use crate::sale::{PaymentMethod, PaymentState, RefundRequest, SaleRecord};
use crate::store::{CardKind, CardState};
use crate::terminal::zvt::messages::StatusInformation;
use crate::till::card::CardTender;
use crate::till::fake_terminal::{FakeTerminal, Step, approval, manager_till as till};
use crate::till::recover::RecoveryOutcome;
use crate::till::{Till, TillError};
use std::sync::atomic::AtomicBool;

static NO: AtomicBool = AtomicBool::new(false);

/// COLA x2 (7.00), 5.00 in cash and 2.00 by card (trace 1, receipt 1).
fn split_sale(till: &mut Till, t: &mut FakeTerminal) -> SaleRecord {
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLAx2").expect("scan");
    t.transactions.push_back(Step::Status(approval(200, 1, 1)));
    let tender = CardTender {
        cash_given: Some(Money::parse("5", till.currency()).expect("m")),
        card_amount: None,
    };
    till.pay_card(&cart, tender, t, &NO, &mut |_| {}).expect("sale")
}

fn reversal(amount_minor: u64, trace: u32, receipt_no: u32, reverses: u32) -> StatusInformation {
    StatusInformation {
        original_trace: Some(reverses),
        ..approval(amount_minor, trace, receipt_no)
    }
}

fn tender(till: &Till, method: PaymentMethod) -> Option<String> {
    let report = till.x_report(None).expect("x");
    report.figures.tenders.get(&method).map(|m| m.plain())
}

#[test]
fn a_void_reverses_the_card_part_and_hands_back_the_cash() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    let sale = split_sale(&mut till, &mut t);
    let auth = sale.draft.payments[1].card.clone().expect("card");
    t.transactions.push_back(Step::Status(reversal(200, 2, 2, 1)));
    let void = till.void_card(sale.id, None, &mut t, &NO, &mut |_| {}).expect("void");
    assert_eq!(t.calls.last().map(String::as_str), Some("reverse 1"));
    assert_eq!(
        (void.draft.refund_of, void.draft.total.plain()),
        (Some(sale.id), "-7.00".into())
    );
    let payments: Vec<(PaymentMethod, String, PaymentState)> = void
        .draft
        .payments
        .iter()
        .map(|p| (p.method, p.amount.plain(), p.state))
        .collect();
    assert_eq!(
        payments,
        [
            (PaymentMethod::Cash, "-5.00".into(), PaymentState::Approved),
            (PaymentMethod::Card, "-2.00".into(), PaymentState::Reversed)
        ]
    );
    let card = void.draft.payments[1].card.clone().expect("reversal details");
    let row = till.store.card(card.journal_id).expect("read").expect("row");
    assert_eq!(
        (row.kind, row.state, row.refers_to),
        (CardKind::Reversal, CardState::Approved, Some(auth.journal_id))
    );
    assert_eq!(
        (row.fields.trace, row.fields.receipt_no, row.sale_id),
        (Some(2), Some(2), Some(void.id))
    );
    // The original payment is reversed too: neither counts, as in the terminal's batch.
    let original = till.sale(sale.id).expect("sale");
    assert_eq!(original.draft.payments[1].state, PaymentState::Reversed);
    assert_eq!(tender(&till, PaymentMethod::Card), None);
    assert_eq!(tender(&till, PaymentMethod::Cash), Some("0.00".into()));

    let again = till
        .void_card(sale.id, None, &mut t, &NO, &mut |_| {})
        .expect_err("twice");
    assert!(matches!(again, TillError::Void(_)), "{again}");
    assert_eq!(t.calls.len(), 2, "the terminal was not asked again");
}

#[test]
fn a_refused_reversal_leaves_only_its_journal_row() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    let sale = split_sale(&mut till, &mut t);
    t.transactions.push_back(Step::Abort(0xB5));
    let err = till
        .void_card(sale.id, None, &mut t, &NO, &mut |_| {})
        .expect_err("refused");
    assert!(matches!(err, TillError::NotDone { code: 0xB5, .. }), "{err}");
    assert!(err.to_string().contains("reversal"), "{err}");
    let status = till.status().expect("status");
    assert_eq!((status.refunds_count, status.card_in_doubt.count), (0, 0));
    assert_eq!(
        till.sale(sale.id).expect("sale").draft.payments[1].state,
        PaymentState::Approved
    );
    // A cash sale has nothing to reverse.
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA").expect("scan");
    let cash = till.pay_cash(&cart, None).expect("cash sale");
    assert!(matches!(
        till.void_card(cash.id, None, &mut t, &NO, &mut |_| {}),
        Err(TillError::Void(_))
    ));
}

#[test]
fn an_unknown_reversal_is_judged_by_its_kind() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    let sale = split_sale(&mut till, &mut t);
    t.transactions.push_back(Step::Silent);
    let err = till
        .void_card(sale.id, None, &mut t, &NO, &mut |_| {})
        .expect_err("silent");
    assert!(matches!(err, TillError::CardReturn { in_doubt: true, .. }), "{err}");
    // Same amount, unknown numbers, but a payment rather than a reversal.
    t.repeats.push_back(Step::Status(approval(200, 7, 7)));
    let report = till.recover_cards(&mut t, &mut |_| {}).expect("recover");
    assert_eq!(report.cards[0].outcome, RecoveryOutcome::NotBooked);
    assert!(
        report.cards[0].reason.contains("not a reversal"),
        "{}",
        report.cards[0].reason
    );
    // A reversal of the right payment is booked, and the void is committed from the journal.
    t.transactions.push_back(Step::Silent);
    till.void_card(sale.id, None, &mut t, &NO, &mut |_| {})
        .expect_err("silent again");
    t.repeats.push_back(Step::Status(reversal(200, 8, 8, 1)));
    let report = till.recover_cards(&mut t, &mut |_| {}).expect("recover");
    assert_eq!(
        report.cards[0].outcome,
        RecoveryOutcome::SaleRecovered,
        "{}",
        report.cards[0].reason
    );
    assert_eq!(
        till.sale(sale.id).expect("sale").draft.payments[1].state,
        PaymentState::Reversed
    );
    assert_eq!(tender(&till, PaymentMethod::Card), None);
}

#[test]
fn a_card_refund_gives_back_lines_up_to_the_card_part() {
    let (mut till, _) = till();
    let mut t = FakeTerminal::default();
    let sale = split_sale(&mut till, &mut t);
    let both = RefundRequest {
        lines: Some(vec![(1, 2)]),
        method: None,
    };
    let err = till
        .refund_card(sale.id, &both, None, &mut t, &NO, &mut |_| {})
        .expect_err("7.00 > 2.00");
    assert!(err.to_string().contains("2.00 left"), "{err}");
    assert_eq!(t.calls.len(), 1, "the terminal was not asked");

    // A sale paid wholly by card: COLA x2 and eggs, 19.80.
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLAx2").expect("scan");
    till.scan(&mut cart, "FOD-002").expect("scan");
    t.transactions.push_back(Step::Status(approval(1980, 2, 2)));
    let sale = till
        .pay_card(&cart, CardTender::default(), &mut t, &NO, &mut |_| {})
        .expect("sale");
    let one = RefundRequest {
        lines: Some(vec![(1, 1)]),
        method: None,
    };
    t.transactions.push_back(Step::Status(approval(350, 3, 3)));
    let refund = till
        .refund_card(sale.id, &one, None, &mut t, &NO, &mut |_| {})
        .expect("refund");
    assert_eq!(t.calls.last().map(String::as_str), Some("refund 3.50"));
    assert_eq!(refund.draft.total.plain(), "-3.50");
    let p = &refund.draft.payments[0];
    assert_eq!(
        (p.method, p.state, p.amount.plain()),
        (PaymentMethod::Card, PaymentState::Approved, "-3.50".into())
    );
    let row = till
        .store
        .card(p.card.as_ref().expect("card").journal_id)
        .expect("read")
        .expect("row");
    assert_eq!(
        (row.kind, row.fields.receipt_no, row.sale_id),
        (CardKind::Refund, Some(3), Some(refund.id))
    );
    // 2.00 + 19.80 - 3.50
    assert_eq!(tender(&till, PaymentMethod::Card), Some("18.30".into()));

    // A declined refund leaves no record.
    t.transactions.push_back(Step::Abort(0x05));
    let err = till
        .refund_card(sale.id, &one, None, &mut t, &NO, &mut |_| {})
        .expect_err("declined");
    assert!(matches!(err, TillError::NotDone { code: 0x05, .. }), "{err}");
    assert_eq!(till.status().expect("status").refunds_count, 1);
}
