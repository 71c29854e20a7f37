//! Manual card payments through the till: stored with their sale in one transaction, kept out
//! of the terminal's reconciliation, listed on the X/Z and settlement reports, refunded by hand.

use super::ManualCardTender;
use crate::clock::{Clock, ManualClock};
use crate::config::Config;
use crate::money::Money;
use crate::sale::{ManualCard, Payment, PaymentMethod, PaymentState, RefundRequest, SaleDraft};
use crate::settlement::reconcile::Reconciliation;
use crate::settlement::report::{CardSettlement, Report};
use crate::store::Store;
use crate::terminal::zvt::messages::CardScheme::Mastercard;
use crate::till::card::CardTender;
use crate::till::fake_terminal::{FakeTerminal, Step, approval, at, totals};
use crate::till::{Till, TillError};
use jiff::civil::{Date, date};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

const DAY: Date = date(2026, 11, 26);

/// A UTC demo till in English at 2026-11-26 10:00.
fn till() -> (Till, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at("2026-11-26T10:00:00Z")));
    let mut config = Config::demo();
    config.time_zone = jiff::tz::TimeZone::UTC;
    config.language = crate::config::Language::En;
    let store = Store::open_in_memory(config.currency).expect("store");
    let mut till = Till::with_store(store, config, clock.clone()).expect("till");
    // Refunds need a manager; the payments themselves do not care who is logged in.
    crate::till::fake_terminal::log_in_manager(&mut till);
    (till, clock)
}

fn cny(s: &str) -> Money {
    Money::parse(s, crate::money::Currency::CNY).expect("amount")
}

/// Two COLA (7.00).
fn cart(till: &Till) -> crate::sale::Cart {
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLAx2").expect("scan");
    cart
}

fn tender(auth: &str) -> ManualCardTender {
    ManualCardTender {
        auth_code: auth.into(),
        card_type: "VISA".into(),
        last4: "4242".into(),
        ..ManualCardTender::default()
    }
}

fn cards(report: &Report) -> &CardSettlement {
    report.card_settlement.as_ref().expect("card settlement")
}

/// Printed text with the wrapping undone (lines break between words).
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_manual_card_sale_is_stored_with_its_entry_and_audited() {
    let (mut till, _) = till();
    let audit_before = till.store.audit_count().expect("audit");
    let sale = till.pay_manual_card(&cart(&till), &tender(" ab12cd ")).expect("sold");
    let stored = till.sale(sale.id).expect("read back");
    assert_eq!(stored, sale, "what was committed reads back exactly");
    let [p] = stored.draft.payments.as_slice() else {
        panic!("one payment: {:?}", stored.draft.payments)
    };
    assert_eq!(
        (p.method, p.amount, p.state),
        (PaymentMethod::ManualCard, cny("7.00"), PaymentState::Approved)
    );
    assert_eq!(p.card, None, "no terminal journal row");
    let m = p.manual.as_ref().expect("the entry");
    assert_eq!(m.auth_code.as_deref(), Some("AB12CD"));
    assert_eq!(
        (m.card_type.as_deref(), m.last4.as_deref()),
        (Some("VISA"), Some("4242"))
    );
    assert_eq!(m.operator, till.cashier());
    // The sale and the manual entry each leave an audit event, and the chain holds.
    assert_eq!(till.store.audit_count().expect("audit"), audit_before + 2);
    assert_eq!(till.store.verify_audit().expect("verify"), None);
    let receipt = words(&till.receipt_text(&stored));
    assert!(receipt.contains("CARD (MANUAL) auth AB12CD 7.00"), "{receipt}");
    assert!(receipt.contains("VISA ****4242"), "{receipt}");
}

#[test]
fn a_split_pays_the_rest_in_cash_and_bad_entries_store_nothing() {
    let (mut till, _) = till();
    let split = ManualCardTender {
        split: CardTender {
            cash_given: Some(cny("5")),
            card_amount: Some(cny("4.00")),
        },
        ..tender("123456")
    };
    let sale = till.pay_manual_card(&cart(&till), &split).expect("split");
    let paid: Vec<(PaymentMethod, String, Option<String>)> = sale
        .draft
        .payments
        .iter()
        .map(|p| (p.method, p.amount.plain(), p.given.map(|g| g.plain())))
        .collect();
    assert_eq!(
        paid,
        [
            (PaymentMethod::Cash, "3.00".into(), Some("5.00".into())),
            (PaymentMethod::ManualCard, "4.00".into(), None)
        ]
    );
    assert_eq!(sale.draft.change(), cny("2.00"));

    for (bad, needle) in [
        (tender("1"), "authorisation code '1'"),
        (tender("12-456"), "letters or digits"),
        (
            ManualCardTender {
                last4: "42".into(),
                ..tender("123456")
            },
            "last 4 digits '42'",
        ),
        (
            ManualCardTender {
                split: CardTender {
                    cash_given: None,
                    card_amount: Some(cny("7.01")),
                },
                ..tender("123456")
            },
            "at most the total 7.00",
        ),
        (
            ManualCardTender {
                split: CardTender {
                    cash_given: Some(cny("1")),
                    card_amount: Some(cny("4.00")),
                },
                ..tender("123456")
            },
            "cash 1.00 is less than the total 3.00",
        ),
    ] {
        let err = till.pay_manual_card(&cart(&till), &bad).expect_err(needle).to_string();
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert_eq!(
        till.store.day_figures(DAY).expect("figures").sales_count,
        1,
        "only the split sale"
    );
}

#[test]
fn the_sale_and_its_manual_entry_commit_together_or_not_at_all() {
    let (mut till, clock) = till();
    let cart = cart(&till);
    let entry = |auth: &str| ManualCard {
        auth_code: Some(auth.into()),
        operator: "ann".into(),
        ..ManualCard::default()
    };
    let manual = |entry: Option<ManualCard>| Payment {
        method: PaymentMethod::ManualCard,
        amount: cny("7.00"),
        given: None,
        change: cny("0"),
        state: PaymentState::Approved,
        card: None,
        manual: entry,
    };
    let audit_before = till.store.audit_count().expect("audit");
    // Past the till's checks: an entry the ledger's own CHECK refuses after the sale, its
    // lines and its payment were written; and a manual payment with no entry at all.
    for payment in [manual(Some(entry("ab-1"))), manual(None)] {
        let draft = SaleDraft::from_cart(&cart, vec![payment]).expect("draft");
        let err = till.store.commit_sale(&draft, DAY, clock.now(), "ann");
        assert!(err.is_err(), "{err:?}");
    }
    assert_eq!(
        till.store.day_figures(DAY).expect("figures").sales_count,
        0,
        "nothing half-written"
    );
    assert_eq!(till.store.audit_count().expect("audit"), audit_before);
    assert!(till.store.manual_cards(DAY, DAY).expect("list").is_empty());
    // A cash payment cannot smuggle in a manual entry either.
    let mut cash = manual(Some(entry("123456")));
    cash.method = PaymentMethod::Cash;
    let draft = SaleDraft::from_cart(&cart, vec![cash]).expect("draft");
    assert!(till.store.commit_sale(&draft, DAY, clock.now(), "ann").is_err());
    // The same entry, well formed, commits with its sale.
    let draft = SaleDraft::from_cart(&cart, vec![manual(Some(entry("123456")))]).expect("draft");
    let sale = till
        .store
        .commit_sale(&draft, DAY, clock.now(), "ann")
        .expect("commits");
    let listed = till.store.manual_cards(DAY, DAY).expect("list");
    assert_eq!(
        listed
            .iter()
            .map(|l| (l.sale_id, l.amount, l.auth_code.clone()))
            .collect::<Vec<_>>(),
        [(sale.id, cny("7.00"), Some("123456".to_string()))]
    );
}

/// A terminal card payment of 3.50 approved with trace and receipt `n`.
fn terminal_sale(till: &mut Till, t: &mut FakeTerminal, n: u32) {
    t.transactions.push_back(Step::Status(approval(350, n, n)));
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA").expect("scan");
    till.pay_card(&cart, CardTender::default(), t, &AtomicBool::new(false), &mut |_| {})
        .expect("card sale");
}

#[test]
fn reconciliation_leaves_manual_payments_out_and_the_reports_list_them() {
    let (mut till, clock) = till();
    let mut t = FakeTerminal::default();
    terminal_sale(&mut till, &mut t, 1);
    let manual = till
        .pay_manual_card(&cart(&till), &tender("654321"))
        .expect("manual sale");
    terminal_sale(&mut till, &mut t, 2);

    // The terminal's batch holds its two payments only; its totals match the ledger.
    t.admin.push_back(Step::Refused(0x83));
    t.admin
        .push_back(Step::Status(totals((1, 2), &[(Mastercard, 2, 700)], Some(2))));
    let settlement = till.settle(&mut t, &mut |_| {}).expect("settled");
    assert_eq!(settlement.reconciliation, Reconciliation::Match);
    assert_eq!(till.store.batch_ledger(settlement.batch_id).expect("ledger").len(), 2);
    let printed = words(&till.settlement_doc(&settlement).expect("settlement printout").text());
    assert!(
        printed.contains("Manual card payments (standalone device): 1 7.00"),
        "{printed}"
    );

    // The day's report: card and manual card are separate tenders; the card section has
    // the batch (2 payments, 7.00) and, apart, the manual payment with its code.
    clock.set(at("2026-11-26T20:00:00Z"));
    let z = till.close_day(Some(DAY), cny("0")).expect("Z");
    assert_eq!(z.figures.tenders.get(&PaymentMethod::Card), Some(&cny("7.00")));
    assert_eq!(z.figures.tenders.get(&PaymentMethod::ManualCard), Some(&cny("7.00")));
    assert_eq!(z.cash_expected(), cny("0"));
    let c = cards(&z);
    let [b] = c.settled.as_slice() else {
        panic!("one settled batch: {c:?}")
    };
    assert_eq!((b.count, b.amount), (2, cny("7.00")));
    let [m] = c.manual.as_slice() else {
        panic!("one manual payment: {c:?}")
    };
    assert_eq!(
        (m.sale_id, m.amount, m.auth_code.as_deref()),
        (manual.id, cny("7.00"), Some("654321"))
    );
    let json = z.to_json();
    assert_eq!(json["tenders"]["manual_card"], "7.00");
    assert_eq!(json["card_settlement"]["manual"]["count"], 1);
    assert_eq!(json["card_settlement"]["manual"]["amount"], "7.00");
    assert_eq!(json["card_settlement"]["manual"]["payments"][0]["auth_code"], "654321");
    // Stored as closed, read back the same.
    assert_eq!(till.stored_z_report(DAY).expect("read"), Some(z.clone()));
    let text = words(&till.report_text(&z));
    for expected in [
        "Card (manual) 7.00",
        "Manual card payments (standalone device): 1 7.00",
        &format!("No. {:06} auth 654321 VISA ****4242 7.00", manual.id),
        "Not in any terminal batch",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
}

#[test]
fn a_manual_card_sale_is_refunded_by_hand_never_through_the_terminal() {
    let (mut till, _) = till();
    let sale = till.pay_manual_card(&cart(&till), &tender("654321")).expect("sold");
    let mut t = FakeTerminal::default();
    let one = RefundRequest {
        lines: Some(vec![(1, 1)]),
        method: None,
    };
    // The terminal never had it.
    let err = till
        .refund_card(sale.id, &one, None, &mut t, &AtomicBool::new(false), &mut |_| {})
        .expect_err("no terminal payment");
    assert!(matches!(err, TillError::Tender(_)), "{err}");
    assert!(t.calls.is_empty(), "{:?}", t.calls);
    // One unit back on the device, with its refund code.
    let refund = till
        .refund_manual_card(sale.id, &one, Some("r00001"), None)
        .expect("refunded");
    let [p] = refund.draft.payments.as_slice() else {
        panic!("{:?}", refund.draft.payments)
    };
    assert_eq!((p.method, p.amount), (PaymentMethod::ManualCard, cny("-3.50")));
    let entry = p.manual.as_ref().expect("entry");
    assert_eq!(
        (entry.auth_code.as_deref(), entry.card_type.as_deref()),
        (Some("R00001"), Some("VISA"))
    );
    assert_eq!(till.sale(refund.id).expect("read"), refund);
    // The rest through the plain refund call, with no code; nothing is left after that.
    let rest = RefundRequest {
        lines: None,
        method: Some(PaymentMethod::ManualCard),
    };
    let second = till.refund(sale.id, &rest, None).expect("the rest");
    assert_eq!(
        second.draft.payments[0]
            .manual
            .as_ref()
            .and_then(|m| m.auth_code.clone()),
        None
    );
    assert_eq!(till.store.manual_card_refunded(sale.id).expect("refunded"), cny("7.00"));
    let x = till.x_report(Some(DAY)).expect("X");
    assert_eq!(x.figures.tenders.get(&PaymentMethod::ManualCard), Some(&cny("0.00")));
    let lines = &cards(&x).manual;
    assert_eq!(
        lines.iter().map(|l| (l.refund, l.amount)).collect::<Vec<_>>(),
        [(false, cny("7.00")), (true, cny("-3.50")), (true, cny("-3.50"))]
    );
}

#[test]
fn a_refund_beyond_the_manual_part_is_refused() {
    let (mut till, _) = till();
    let split = ManualCardTender {
        split: CardTender {
            cash_given: None,
            card_amount: Some(cny("3.00")),
        },
        ..tender("654321")
    };
    let sale = till.pay_manual_card(&cart(&till), &split).expect("split");
    let everything = RefundRequest::default();
    let err = till
        .refund_manual_card(sale.id, &everything, None, None)
        .expect_err("7.00 is more than the 3.00 card part")
        .to_string();
    assert!(err.contains("more than the 3.00 left"), "{err}");
    let err = till
        .refund_manual_card(sale.id, &everything, Some("x"), None)
        .expect_err("bad code");
    assert!(err.to_string().contains("authorisation code 'x'"), "{err}");
    // A cash sale has no manual card part to refund.
    let cash = till.pay_cash(&cart(&till), None).expect("cash sale");
    let err = till
        .refund_manual_card(cash.id, &everything, None, None)
        .expect_err("cash");
    assert!(err.to_string().contains("not paid by a manual card payment"), "{err}");
}
