use crate::clock::ManualClock;
use crate::till::Till;
use crate::till::fake_terminal::{at, till};

/// The audit events about the clock, oldest first: (kind, detail).
fn clock_events(till: &Till) -> Vec<(String, String)> {
    till.store()
        .audit_tail(1000)
        .expect("audit")
        .into_iter()
        .filter(|e| e.kind.starts_with("clock_"))
        .map(|e| (e.kind, e.detail))
        .collect()
}

fn cash_sale(till: &mut Till) {
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA").expect("scan");
    till.pay_cash(&cart, None).expect("sale");
}

fn set(clock: &ManualClock, s: &str) {
    clock.set(at(s));
}

#[test]
fn a_clock_set_back_is_audited_once_per_jump_and_a_day_forward_too() {
    let (mut till, clock) = till();
    cash_sale(&mut till);
    // NTP-sized corrections are no jump.
    set(&clock, "2026-11-26T09:59:30Z");
    till.guard(false).expect("guard");
    assert_eq!(clock_events(&till), []);

    set(&clock, "2026-11-24T09:00:00Z");
    cash_sale(&mut till);
    till.guard(false).expect("guard");
    till.status().expect("status");
    let events = clock_events(&till);
    assert_eq!(events.len(), 1, "once, not on every call: {events:?}");
    assert_eq!(events[0].0, "clock_back");
    assert!(
        events[0].1.contains("from 2026-11-26T10:00:00Z") && events[0].1.contains("to 2026-11-24T09:00:00Z"),
        "{events:?}"
    );
    // The sale still lands on the day already recorded.
    assert_eq!(till.status().expect("status").business_day.to_string(), "2026-11-26");

    // Set back again while still behind: a second jump, recorded.
    set(&clock, "2026-11-23T09:00:00Z");
    till.guard(false).expect("guard");
    assert_eq!(clock_events(&till).len(), 2);

    // Corrected three days forward: recorded once.
    set(&clock, "2026-11-26T10:05:00Z");
    till.guard(false).expect("guard");
    cash_sale(&mut till);
    till.guard(false).expect("guard");
    let events = clock_events(&till);
    let kinds: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(kinds, ["clock_back", "clock_back", "clock_forward"], "{events:?}");
    assert_eq!(till.store().verify_audit().expect("verify"), None);
}
