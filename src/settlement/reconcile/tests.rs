use super::*;

const CNY: Currency = Currency::CNY;

fn m(s: &str) -> Money {
    Money::parse(s, CNY).expect("amount")
}

fn card(id: i64, kind: LedgerKind, amount: &str, receipt: u32, card_type: &str) -> LedgerCard {
    LedgerCard {
        id,
        kind,
        refers_to: None,
        amount: m(amount),
        receipt_no: Some(receipt),
        card_type: Some(card_type.into()),
    }
}

fn reversal(id: i64, of: i64, amount: &str, receipt: u32, card_type: &str) -> LedgerCard {
    LedgerCard {
        refers_to: Some(of),
        ..card(id, LedgerKind::Reversal, amount, receipt, card_type)
    }
}

fn side(range: (u32, u32), per_card: &[(&str, u32, &str)]) -> TerminalSide {
    TerminalSide {
        receipt_range: Some(range),
        per_card: per_card.iter().map(|(g, n, a)| (g.to_string(), *n, m(a))).collect(),
    }
}

use LedgerKind::{Payment, Refund};

#[test]
fn reversals_count_nowhere_and_refunds_are_netted_in_their_card_type() {
    // The same batch as the simulator's own totals test: 1000 + 250 MC, a reversed Visa 700,
    // an MC refund of 100, girocard 999, a Visa refund of 50 (Visa below zero shows 0).
    let ledger = vec![
        card(1, Payment, "10.00", 1, "mastercard"),
        card(2, Payment, "2.50", 2, "mastercard"),
        card(3, Payment, "7.00", 3, "visa"),
        reversal(4, 3, "7.00", 4, "visa"),
        card(5, Refund, "1.00", 5, "mastercard"),
        card(6, Payment, "9.99", 6, "girocard"),
        card(7, Refund, "0.50", 7, "visa"),
    ];
    let terminal = side(
        (1, 7),
        &[("girocard", 1, "9.99"), ("mastercard", 3, "11.50"), ("visa", 1, "0.00")],
    );
    assert_eq!(reconcile(&terminal, &ledger, &[], CNY), Reconciliation::Match);
    assert_eq!(ledger_net(&ledger, CNY), (5, m("20.99")));
}

#[test]
fn each_kind_of_difference_is_named() {
    struct Case {
        name: &'static str,
        terminal: TerminalSide,
        ledger: Vec<LedgerCard>,
        want: Differences,
    }
    let mc = |n: u32, a: &str| vec![("mastercard".to_string(), n, m(a))];
    let cases = vec![
        Case {
            name: "a receipt the ledger lacks (and so a count short)",
            terminal: side((1, 3), &[("mastercard", 3, "30.00")]),
            ledger: vec![
                card(1, Payment, "10.00", 1, "mastercard"),
                card(2, Payment, "10.00", 3, "mastercard"),
            ],
            want: Differences {
                missing_in_ledger: vec![2],
                outside_range: vec![],
                per_card: vec![CardDelta {
                    card_type: "mastercard".into(),
                    terminal_count: 3,
                    ledger_count: 2,
                    terminal_amount: m("30.00"),
                    ledger_amount: m("20.00"),
                }],
            },
        },
        Case {
            name: "a ledger payment the terminal does not have",
            terminal: TerminalSide {
                receipt_range: Some((1, 1)),
                per_card: mc(1, "10.00"),
            },
            ledger: vec![
                card(1, Payment, "10.00", 1, "mastercard"),
                card(9, Payment, "5.00", 8, "visa"),
                LedgerCard {
                    receipt_no: None,
                    ..card(10, Payment, "0.00", 0, "mastercard")
                },
            ],
            want: Differences {
                missing_in_ledger: vec![],
                outside_range: vec![(9, Some(8)), (10, None)],
                per_card: vec![
                    CardDelta {
                        card_type: "mastercard".into(),
                        terminal_count: 1,
                        ledger_count: 2,
                        terminal_amount: m("10.00"),
                        ledger_amount: m("10.00"),
                    },
                    CardDelta {
                        card_type: "visa".into(),
                        terminal_count: 0,
                        ledger_count: 1,
                        terminal_amount: m("0.00"),
                        ledger_amount: m("5.00"),
                    },
                ],
            },
        },
        Case {
            name: "an amount delta alone",
            terminal: side((5, 5), &[("visa", 1, "3.60")]),
            ledger: vec![card(1, Payment, "3.50", 5, "visa")],
            want: Differences {
                missing_in_ledger: vec![],
                outside_range: vec![],
                per_card: vec![CardDelta {
                    card_type: "visa".into(),
                    terminal_count: 1,
                    ledger_count: 1,
                    terminal_amount: m("3.60"),
                    ledger_amount: m("3.50"),
                }],
            },
        },
        Case {
            name: "an empty terminal batch against a ledger payment",
            terminal: side((0, 0), &[]),
            ledger: vec![card(1, Payment, "3.50", 5, "type 14")],
            want: Differences {
                missing_in_ledger: vec![],
                outside_range: vec![(1, Some(5))],
                per_card: vec![CardDelta {
                    card_type: "jcb".into(),
                    terminal_count: 0,
                    ledger_count: 1,
                    terminal_amount: m("0.00"),
                    ledger_amount: m("3.50"),
                }],
            },
        },
    ];
    for c in cases {
        assert_eq!(
            reconcile(&c.terminal, &c.ledger, &[], CNY),
            Reconciliation::Mismatch(c.want),
            "{}",
            c.name
        );
    }
}

#[test]
fn a_receipt_range_that_wraps_past_9999_matches() {
    let ledger = vec![
        card(1, Payment, "1.00", 9998, "visa"),
        card(2, Payment, "1.00", 9999, "visa"),
        card(3, Payment, "1.00", 1, "visa"),
    ];
    assert!(reconcile(&side((9998, 1), &[("visa", 3, "3.00")]), &ledger, &[], CNY).is_match());
    let r = reconcile(&side((9997, 1), &[("visa", 3, "3.00")]), &ledger, &[], CNY);
    assert!(
        matches!(&r, Reconciliation::Mismatch(d) if d.missing_in_ledger == vec![9997]),
        "{r:?}"
    );
}

fn uncounted(id: i64, receipt_no: Option<u32>, in_doubt: bool) -> UncountedCard {
    UncountedCard {
        id,
        receipt_no,
        in_doubt,
    }
}

fn missing_of(r: &Reconciliation) -> Vec<u32> {
    match r {
        Reconciliation::Match => vec![],
        Reconciliation::Mismatch(d) => d.missing_in_ledger.clone(),
    }
}

/// A payment lost after the terminal gave it receipt 2: the terminal books 1 and 3 only.
fn around_a_lost_payment() -> (TerminalSide, Vec<LedgerCard>) {
    let ledger = vec![
        card(1, Payment, "3.50", 1, "girocard"),
        card(3, Payment, "3.50", 3, "mastercard"),
    ];
    let terminal = side((1, 3), &[("girocard", 1, "3.50"), ("mastercard", 1, "3.50")]);
    (terminal, ledger)
}

#[test]
fn a_number_the_journal_knows_as_not_booked_is_no_gap() {
    let (terminal, ledger) = around_a_lost_payment();
    // Without the row the terminal declined, 2 is a gap nobody can explain.
    assert_eq!(missing_of(&reconcile(&terminal, &ledger, &[], CNY)), vec![2]);
    let declined = [uncounted(2, Some(2), false)];
    assert_eq!(reconcile(&terminal, &ledger, &declined, CNY), Reconciliation::Match);
    // A row not booked under another number does not explain 2.
    let elsewhere = [uncounted(2, Some(7), false)];
    assert_eq!(missing_of(&reconcile(&terminal, &ledger, &elsewhere, CNY)), vec![2]);
}

#[test]
fn a_row_not_booked_whose_number_was_never_heard_explains_one_hole_between_its_neighbours() {
    let (terminal, ledger) = around_a_lost_payment();
    // Journaled between receipts 1 and 3: it took 2.
    assert!(reconcile(&terminal, &ledger, &[uncounted(2, None, false)], CNY).is_match());
    // Journaled before receipt 1 or after receipt 3: it cannot have taken 2.
    for id in [0, 4] {
        let r = reconcile(&terminal, &ledger, &[uncounted(id, None, false)], CNY);
        assert_eq!(missing_of(&r), vec![2], "row #{id}");
    }
    // One row explains one hole, not two.
    let terminal = side((1, 4), &[("girocard", 1, "3.50"), ("mastercard", 1, "3.50")]);
    let ledger = vec![
        card(1, Payment, "3.50", 1, "girocard"),
        card(4, Payment, "3.50", 4, "mastercard"),
    ];
    let r = reconcile(&terminal, &ledger, &[uncounted(2, None, false)], CNY);
    assert_eq!(missing_of(&r), vec![3]);
    let two = [uncounted(2, None, false), uncounted(3, None, true)];
    assert!(reconcile(&terminal, &ledger, &two, CNY).is_match());
}

#[test]
fn holes_stay_missing_when_a_card_type_differs_or_nothing_could_have_taken_them() {
    let (_, ledger) = around_a_lost_payment();
    // The terminal counts one more: the row in doubt (or "not booked") may be it.
    let terminal = side((1, 3), &[("girocard", 2, "16.30"), ("mastercard", 1, "3.50")]);
    for row in [
        uncounted(2, None, false),
        uncounted(2, None, true),
        uncounted(2, Some(2), true),
    ] {
        let r = reconcile(&terminal, &ledger, &[row], CNY);
        assert_eq!(missing_of(&r), vec![2], "{row:?}");
    }
    // A row the terminal declined keeps its number known even then.
    let r = reconcile(&terminal, &ledger, &[uncounted(2, Some(2), false)], CNY);
    assert!(matches!(&r, Reconciliation::Mismatch(d) if d.missing_in_ledger.is_empty() && d.per_card.len() == 1));
}

#[test]
fn holes_across_the_wrap_are_placed_by_journal_order() {
    let ledger = vec![
        card(1, Payment, "1.00", 9999, "visa"),
        card(3, Payment, "1.00", 2, "visa"),
    ];
    let terminal = side((9999, 2), &[("visa", 2, "2.00")]);
    assert_eq!(missing_of(&reconcile(&terminal, &ledger, &[], CNY)), vec![1]);
    assert!(reconcile(&terminal, &ledger, &[uncounted(2, None, false)], CNY).is_match());
}

#[test]
fn card_types_map_to_the_bmp_60_groups() {
    for (journaled, group) in [
        (Some("mastercard"), "mastercard"),
        (Some("type 6"), "mastercard"),
        (Some("VISA"), "visa"),
        (Some("type 11"), "visa"),
        (Some("type 12"), "diners"),
        (Some("type 14"), "jcb"),
        (Some("girocard"), "girocard"),
        (Some("amex"), "amex"),
        (Some("type 46"), "other"),
        (Some("type x"), "other"),
        (None, "other"),
    ] {
        assert_eq!(card_group(journaled), group, "{journaled:?}");
    }
}

#[test]
fn a_mismatch_reads_back_from_json_and_bad_json_is_an_error() {
    let ledger = vec![card(1, Payment, "3.50", 5, "visa")];
    let r = reconcile(&side((4, 5), &[("visa", 2, "7.00")]), &ledger, &[], CNY);
    assert!(!r.is_match());
    assert_eq!(Reconciliation::from_json(&r.to_json(), CNY), Ok(r));
    assert_eq!(
        Reconciliation::from_json(&Reconciliation::Match.to_json(), CNY),
        Ok(Reconciliation::Match)
    );
    for bad in [
        json!({}),
        json!({"result": "mismatch"}),
        json!({"result": "mismatch", "differences": {"missing_in_ledger": ["x"], "outside_range": [], "per_card": []}}),
    ] {
        assert!(Reconciliation::from_json(&bad, CNY).is_err(), "{bad}");
    }
}
