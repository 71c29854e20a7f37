use super::*;
use crate::settlement::reconcile::{LedgerCard, LedgerKind};

const CNY: Currency = Currency::CNY;

fn money(text: &str) -> Money {
    Money::parse(text, CNY).expect("amount")
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

fn card(id: i64, kind: LedgerKind, amount: &str, voucher: Option<u32>, scheme: &str) -> LedgerCard {
    LedgerCard {
        id,
        kind,
        refers_to: None,
        amount: money(amount),
        receipt_no: voucher,
        card_type: Some(scheme.to_string()),
    }
}

fn slip(count: u32, amount: &str, range: Option<(u32, u32)>) -> SlipFigures {
    SlipFigures {
        count,
        amount: money(amount),
        per_scheme: Vec::new(),
        voucher_range: range,
    }
}

fn ledger() -> Vec<LedgerCard> {
    vec![
        card(1, LedgerKind::Payment, "10.00", Some(101), "unionpay"),
        card(2, LedgerKind::Payment, "20.50", Some(102), "visa"),
        card(3, LedgerKind::Payment, "5.00", Some(103), "unionpay"),
    ]
}

fn text(count: &str, amount: &str, range: &str) -> SlipText {
    SlipText {
        count: count.into(),
        amount: amount.into(),
        per_scheme: Vec::new(),
        voucher_range: range.into(),
    }
}

fn check(t: &SlipText, settled: &str) -> Result<SlipFigures, SlipError> {
    check_settled_at(
        at(settled),
        at("2026-11-27T14:00:00Z"),
        at("2026-11-27T09:00:00Z"),
        &|t| t.to_string(),
    )?;
    t.check(CNY)
}

#[test]
fn a_slip_that_agrees_matches() {
    assert_eq!(
        reconcile_slip(&slip(3, "35.50", Some((101, 103))), &ledger(), CNY),
        Reconciliation::Match
    );
    assert_eq!(
        reconcile_slip(&slip(3, "35.50", None), &ledger(), CNY),
        Reconciliation::Match
    );
    let mut s = slip(3, "35.50", Some((101, 103)));
    s.per_scheme = vec![(Scheme::UnionPay, 2, money("15.00")), (Scheme::Visa, 1, money("20.50"))];
    assert_eq!(reconcile_slip(&s, &ledger(), CNY), Reconciliation::Match);
}

#[test]
fn a_voucher_on_the_slip_the_till_never_recorded_is_missing() {
    // The cashier took voucher 104 on the terminal and never typed it in.
    let Reconciliation::Mismatch(d) = reconcile_slip(&slip(4, "47.50", Some((101, 104))), &ledger(), CNY) else {
        panic!("must not match");
    };
    assert_eq!(d.missing_in_ledger, vec![104]);
    assert!(d.outside_range.is_empty());
    assert_eq!(d.per_card.len(), 1);
    let t = &d.per_card[0];
    assert_eq!((t.card_type.as_str(), t.terminal_count, t.ledger_count), (TOTAL, 4, 3));
    assert_eq!((t.terminal_amount, t.ledger_amount), (money("47.50"), money("35.50")));
}

#[test]
fn a_voucher_recorded_in_the_till_but_not_on_the_slip_is_named() {
    // Voucher 103 was typed in the till, but the terminal's batch ends at 102.
    let Reconciliation::Mismatch(d) = reconcile_slip(&slip(2, "30.50", Some((101, 102))), &ledger(), CNY) else {
        panic!("must not match");
    };
    assert_eq!(d.outside_range, vec![(3, Some(103))]);
    assert!(d.missing_in_ledger.is_empty());
    assert_eq!(d.per_card[0].ledger_count, 3);
}

#[test]
fn per_scheme_deltas_show_where_the_difference_is() {
    let mut s = slip(3, "35.50", None);
    // The slip puts the 5.00 payment under Visa, the till under UnionPay.
    s.per_scheme = vec![(Scheme::UnionPay, 1, money("10.00")), (Scheme::Visa, 2, money("25.50"))];
    let Reconciliation::Mismatch(d) = reconcile_slip(&s, &ledger(), CNY) else {
        panic!("must not match");
    };
    let groups: Vec<&str> = d.per_card.iter().map(|c| c.card_type.as_str()).collect();
    assert_eq!(groups, vec!["unionpay", "visa"]);
}

#[test]
fn voids_count_nowhere_and_refunds_subtract() {
    let mut l = ledger();
    l.push(LedgerCard {
        refers_to: Some(2),
        ..card(4, LedgerKind::Reversal, "20.50", Some(104), "visa")
    });
    l.push(card(5, LedgerKind::Refund, "1.00", Some(105), "unionpay"));
    // Payments 101 and 103 (15.00) plus the refund (-1.00): 3 transactions, 14.00.
    assert_eq!(
        reconcile_slip(&slip(3, "14.00", Some((101, 105))), &l, CNY),
        Reconciliation::Match
    );
}

#[test]
fn typed_slips_are_checked_field_by_field() {
    let ok = check(&text("3", "35.50", "000101-000103"), "2026-11-27T13:30:00Z").expect("valid");
    assert_eq!(
        (ok.count, ok.amount, ok.voucher_range),
        (3, money("35.50"), Some((101, 103)))
    );
    assert_eq!(
        check(&text("3x", "1", ""), "2026-11-27T13:30:00Z"),
        Err(SlipError::Count("3x".into()))
    );
    assert_eq!(
        check(&text("", "1", ""), "2026-11-27T13:30:00Z"),
        Err(SlipError::Count("".into()))
    );
    assert_eq!(
        check(&text("1", "1.2.3", ""), "2026-11-27T13:30:00Z"),
        Err(SlipError::Amount("1.2.3".into()))
    );
    assert_eq!(
        check(&text("1", "1", "5-3"), "2026-11-27T13:30:00Z"),
        Err(SlipError::RangeBackwards(5, 3))
    );
    assert_eq!(
        check(&text("1", "1", "12"), "2026-11-27T13:30:00Z"),
        Err(SlipError::Range("12".into()))
    );
    assert!(matches!(
        check(&text("1", "1", "1-999999"), "2026-11-27T13:30:00Z"),
        Err(SlipError::RangeWide(..))
    ));
    let future = check(&text("1", "1", ""), "2026-11-27T14:05:00Z").expect_err("future");
    assert!(matches!(future, SlipError::Future(_)), "{future}");
    let early = check(&text("1", "1", ""), "2026-11-27T08:00:00Z").expect_err("before");
    assert!(matches!(early, SlipError::BeforeBatch(..)), "{early}");
    // The slip printed at the minute the operator confirms: within the minute's grace.
    assert!(check(&text("1", "1", ""), "2026-11-27T14:00:59Z").is_ok());
}

#[test]
fn schemes_must_add_up_to_the_total() {
    let mut t = text("3", "35.50", "");
    t.per_scheme = vec![
        ("银联".into(), "2".into(), "15.00".into()),
        ("VISA".into(), "1".into(), "20.00".into()),
        (String::new(), String::new(), String::new()),
    ];
    let e = check(&t, "2026-11-27T13:00:00Z").expect_err("sum");
    assert!(
        e.to_string().contains("35.00") && e.to_string().contains("35.50"),
        "{e}"
    );
    t.per_scheme[1].2 = "20.50".into();
    let ok = check(&t, "2026-11-27T13:00:00Z").expect("adds up");
    assert_eq!(ok.per_scheme.len(), 2);
    t.per_scheme.push(("unionpay".into(), "0".into(), "0".into()));
    assert_eq!(
        check(&t, "2026-11-27T13:00:00Z"),
        Err(SlipError::SchemeTwice("unionpay".into()))
    );
    t.per_scheme.pop();
    t.per_scheme[0].0 = "paypal".into();
    assert_eq!(
        check(&t, "2026-11-27T13:00:00Z"),
        Err(SlipError::Scheme("paypal".into()))
    );
}

#[test]
fn stored_figures_read_back_as_typed() {
    let mut s = slip(3, "35.50", Some((101, 103)));
    assert_eq!(SlipFigures::from_stored(&s.per_card(), 3550, s.voucher_range, CNY), s);
    s.per_scheme = vec![(Scheme::UnionPay, 2, money("15.00")), (Scheme::Visa, 1, money("20.50"))];
    assert_eq!(SlipFigures::from_stored(&s.per_card(), 3550, s.voucher_range, CNY), s);
}
