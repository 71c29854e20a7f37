use super::*;
use crate::settlement::reconcile::{CardDelta, Differences};
use jiff::civil::date;

fn at(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn cny(s: &str) -> Money {
    Money::parse(s, Currency::CNY).expect("amount")
}

fn closed(last_day: Date, closed_at: &str, z_closed: &[(Date, &str)]) -> BatchDays {
    BatchDays {
        state: BatchState::Settled,
        first_day: last_day,
        last_day,
        closed_at: Some(at(closed_at)),
        z_closed: z_closed.iter().map(|(d, t)| (*d, at(t))).collect(),
    }
}

#[test]
fn a_settled_batch_is_on_one_report_only() {
    let (d1, d2, d3) = (date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28));
    // Settled in the evening, the Z-report closed after it: on that day's report only.
    let b = closed(d1, "2026-11-26T20:00:00Z", &[(d1, "2026-11-26T21:00:00Z")]);
    assert_eq!([d1, d2, d3].map(|d| on_report(d, &b)), [true, false, false]);
    // The Z-report being made now (not stored yet) carries it.
    let b = closed(d1, "2026-11-26T20:00:00Z", &[]);
    assert!(on_report(d1, &b));
    // Z closed first, settled after (a deferral): on the next day's report, not lost.
    let b = closed(
        d1,
        "2026-11-27T09:00:00Z",
        &[(d1, "2026-11-27T08:00:00Z"), (d2, "2026-11-27T22:00:00Z")],
    );
    assert_eq!([d1, d2, d3].map(|d| on_report(d, &b)), [false, true, false]);
    // A later day's Z-report also closed before the settlement passes it on again.
    let b = closed(
        d1,
        "2026-11-28T09:00:00Z",
        &[(d1, "2026-11-27T08:00:00Z"), (d2, "2026-11-27T22:00:00Z")],
    );
    assert_eq!([d1, d2, d3].map(|d| on_report(d, &b)), [false, false, true]);
    // Never on a report of a day before its last transaction.
    let spanning = BatchDays {
        first_day: d1,
        ..closed(
            d2,
            "2026-11-27T20:00:00Z",
            &[(d2, "2026-11-27T21:00:00Z"), (d1, "2026-11-27T08:00:00Z")],
        )
    };
    assert_eq!([d1, d2, d3].map(|d| on_report(d, &spanning)), [false, true, false]);
}

#[test]
fn an_unsettled_batch_is_on_every_report_from_its_first_day() {
    for state in [
        BatchState::Open,
        BatchState::Settling,
        BatchState::Deferred,
        BatchState::Failed,
    ] {
        let b = BatchDays {
            state,
            first_day: date(2026, 11, 26),
            last_day: date(2026, 11, 27),
            closed_at: None,
            z_closed: vec![],
        };
        assert!(!on_report(date(2026, 11, 25), &b), "{state:?}");
        assert!(on_report(date(2026, 11, 26), &b), "{state:?}");
        assert!(on_report(date(2026, 11, 28), &b), "{state:?}");
    }
}

fn deferral() -> Deferral {
    Deferral {
        until: at("2026-11-26T20:00:00Z"),
        by: "manager".into(),
        reason: DeferReason::Other("host down".into()),
        at: at("2026-11-26T11:00:00Z"),
    }
}

pub(crate) fn sample() -> CardSettlement {
    let totals = SettledTotals {
        total: Some(cny("7.00")),
        receipt_range: Some((1, 2)),
        per_card: vec![("mastercard".into(), 2, cny("7.00"))],
    };
    let mismatch = Reconciliation::Mismatch(Differences {
        missing_in_ledger: vec![2],
        outside_range: vec![(9, None)],
        per_card: vec![CardDelta {
            card_type: "mastercard".into(),
            terminal_count: 2,
            ledger_count: 1,
            terminal_amount: cny("7.00"),
            ledger_amount: cny("3.50"),
        }],
    });
    CardSettlement {
        settled: vec![
            SettledBatch {
                id: 1,
                terminal: "pt".into(),
                first_day: date(2026, 11, 26),
                settled_at: at("2026-11-26T12:00:00Z"),
                count: 2,
                amount: cny("7.00"),
                totals: Some(totals.clone()),
                reconciliation: Some(Reconciliation::Match),
                acknowledged: None,
                deferral: None,
            },
            SettledBatch {
                id: 2,
                terminal: "pt".into(),
                first_day: date(2026, 11, 26),
                settled_at: at("2026-11-26T13:00:00Z"),
                count: 1,
                amount: cny("3.50"),
                totals: Some(totals),
                reconciliation: Some(mismatch),
                acknowledged: Some(Acknowledgement {
                    by: "manager".into(),
                    note: "receipt 2 was a test".into(),
                    at: at("2026-11-26T13:05:00Z"),
                }),
                deferral: Some(deferral()),
            },
        ],
        unsettled: vec![UnsettledBatch {
            id: 3,
            terminal: "pt".into(),
            state: BatchState::Deferred,
            first_day: date(2026, 11, 26),
            count: 1,
            amount: cny("3.50"),
            deferral: Some(deferral()),
            last_error: Some("result 77".into()),
        }],
        lost: vec![LostBatch {
            id: 4,
            terminal: "other".into(),
            first_day: date(2026, 11, 25),
            lost_at: at("2026-11-25T15:30:00Z"),
            count: 3,
            amount: cny("-1.50"),
            deferral: None,
        }],
        manual: Vec::new(),
    }
}

#[test]
fn json_round_trip_with_every_kind_of_batch() {
    let c = sample();
    let json = c.to_json(Currency::CNY);
    assert_eq!(json["settled"][0]["reconciliation"], "match");
    assert_eq!(json["settled"][0]["differences"], Value::Null);
    assert_eq!(json["settled"][0]["terminal_totals"]["receipt_range"], json!([1, 2]));
    assert_eq!(json["settled"][0]["terminal_totals"]["per_card"][0]["amount"], "7.00");
    assert_eq!(json["settled"][1]["reconciliation"], "mismatch");
    assert_eq!(json["settled"][1]["differences"]["missing_in_ledger"], json!([2]));
    assert_eq!(json["settled"][1]["acknowledged"]["note"], "receipt 2 was a test");
    assert_eq!(json["unsettled"][0]["state"], "deferred");
    assert_eq!(json["unsettled"][0]["deferral"]["reason"], "other");
    assert_eq!(json["unsettled"][0]["deferral"]["reason_text"], "host down");
    assert_eq!(json["lost"][0]["amount"], "-1.50");
    assert_eq!(CardSettlement::from_json(&json, Currency::CNY), Ok(c));
    assert_eq!(
        CardSettlement::from_json(&CardSettlement::default().to_json(Currency::CNY), Currency::CNY),
        Ok(CardSettlement::default())
    );
}

#[test]
fn a_damaged_section_names_the_field() {
    let good = sample().to_json(Currency::CNY);
    for (path, bad, needle) in [
        ("/settled/0/amount", json!("lots"), "settled.amount"),
        ("/settled/0/reconciliation", json!("maybe"), "settled.reconciliation"),
        ("/unsettled/0/state", json!("asleep"), "unsettled.state"),
        ("/unsettled/0/deferral/reason", json!("bored"), "deferral.reason"),
        ("/lost/0/lost_at", json!(12), "lost.lost_at"),
        ("/settled/1/terminal_totals/receipt_range", json!([1]), "receipt_range"),
    ] {
        let mut v = good.clone();
        *v.pointer_mut(path).expect("path") = bad;
        let err = CardSettlement::from_json(&v, Currency::CNY).expect_err(path);
        assert!(err.contains(needle), "{path}: {err}");
    }
    assert!(CardSettlement::from_json(&json!({}), Currency::CNY).is_err());
}
