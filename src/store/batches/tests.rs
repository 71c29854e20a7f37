use crate::money::Currency;
use crate::settlement::batch::{BatchState, DeferReason, Deferral};
use crate::store::{Store, StoreError};
use jiff::Timestamp;
use jiff::civil::date;

fn at(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

#[test]
fn every_transition_is_checked_and_audited() {
    let mut store = Store::open_in_memory(Currency::CNY).expect("open");
    let now = at("2026-11-26T10:00:00Z");
    let id = store.batch_open("tcp pt:20007", date(2026, 11, 26), now).expect("open");
    assert_eq!(
        store
            .batch_open("tcp pt:20007", date(2026, 11, 26), now)
            .expect("again"),
        id,
        "one unsettled batch per terminal"
    );
    let other = store
        .batch_open("serial other", date(2026, 11, 26), now)
        .expect("other");
    assert_ne!(other, id);
    let deferral = Deferral {
        until: at("2026-11-26T12:00:00Z"),
        by: "manager".into(),
        reason: DeferReason::Other("host down".into()),
        at: now,
    };
    let audits = store.audit_count().expect("count");
    store.batch_defer(id, &deferral, now).expect("Open -> Deferred");
    assert_eq!(
        store.batch_deferral(id).expect("read").map(|d| d.deferral),
        Some(deferral.clone())
    );
    store.batch_reopen(id, now).expect("Deferred -> Open");
    store.batch_settling(id, now, "manager").expect("Open -> Settling");
    store.batch_failed(id, "result 77", now).expect("Settling -> Failed");
    assert_eq!(
        store.batch(id).expect("read").and_then(|b| b.last_error),
        Some("result 77".into())
    );
    store.batch_lost(id, "cleared", now).expect("Failed -> Lost");
    assert_eq!(store.audit_count().expect("count"), audits + 5);
    let row = store.batch(id).expect("read").expect("batch");
    assert_eq!((row.state, row.closed_at), (BatchState::Lost, Some(now)));
    // Lost is final: nothing moves it, nothing is written.
    for refused in [
        store.batch_reopen(id, now),
        store.batch_settling(id, now, "manager"),
        store.batch_defer(id, &deferral, now),
        store.batch_failed(id, "x", now),
    ] {
        assert!(matches!(refused, Err(StoreError::Refused(_))), "{refused:?}");
    }
    assert!(matches!(store.batch_reopen(999, now), Err(StoreError::Refused(_))));
    assert_eq!(store.audit_count().expect("count"), audits + 5);
    assert!(
        store.batch_acknowledge(id, "manager", "note", now).is_err(),
        "no mismatch"
    );
    // The terminal's next batch is a new one.
    assert_ne!(
        store.batch_open("tcp pt:20007", date(2026, 11, 27), now).expect("next"),
        id
    );
    assert_eq!(store.verify_audit().expect("verify"), None);
}

#[test]
fn a_damaged_batch_row_is_a_named_error() {
    let store = Store::open_in_memory(Currency::CNY).expect("open");
    let now = "2026-11-26T10:00:00Z";
    store
        .conn
        .execute(
            "INSERT INTO batches (terminal, state, opened_at, first_day, updated_at, reconciliation)
             VALUES ('t', 'settled', ?1, '2026-11-26', ?1, '{\"result\": \"maybe\"}')",
            [now],
        )
        .expect("insert");
    let err = store.batch(1).expect_err("damaged").to_string();
    assert!(err.contains("batch #1") && err.contains("reconciliation"), "{err}");
}
