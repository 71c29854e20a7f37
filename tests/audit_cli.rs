//! `tillguard audit verify` on a real ledger: intact, then edited and cut short with a
//! SQLite shell the way someone covering their tracks would, each named by event number.

mod common;

use common::{json, tillguard};
use std::path::Path;

fn shell(dir: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(dir.join("tillguard.sqlite")).expect("open ledger");
    conn.execute_batch(sql).expect(sql);
}

fn verify(dir: &Path) -> (i32, serde_json::Value) {
    let out = tillguard(dir, &["audit", "verify", "--json"]);
    let report = serde_json::from_slice(&out.stdout).expect("JSON even when broken");
    (out.status.code().expect("exit code"), report)
}

#[test]
fn verify_names_the_first_broken_link_and_exits_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for _ in 0..3 {
        json(d, &["sell", "--item", "COLA", "--tender", "cash:10", "--json"]);
    }
    let (code, report) = verify(d);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["intact"], true);
    let events = report["events_checked"].as_i64().expect("count");
    assert!(events >= 6, "demo users and three sales: {events}");

    // The newest events (the last sale) are deleted: the rest still links, but the chain
    // no longer reaches its recorded head.
    shell(
        d,
        &format!("DROP TRIGGER audit_no_delete; DELETE FROM audit_events WHERE seq = {events};"),
    );
    let (code, report) = verify(d);
    assert_eq!(code, 4, "{report}");
    assert_eq!(report["first_break"]["seq"], events);
    assert_eq!(
        report["first_break"]["problem"],
        format!("events {events} to {events} were deleted")
    );

    // A sale's event reworded in the middle of the chain is found first.
    shell(
        d,
        "DROP TRIGGER audit_no_update; UPDATE audit_events SET detail = 'nothing sold' WHERE seq = 4;",
    );
    let (code, report) = verify(d);
    assert_eq!(code, 4);
    assert_eq!(report["first_break"]["seq"], 4);
    assert_eq!(
        report["first_break"]["problem"],
        "content was changed after it was written"
    );
    let out = tillguard(d, &["audit", "verify"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("audit chain broken at event #4"), "{err}");
}

#[test]
fn show_lists_the_newest_events_and_verify_refuses_a_missing_ledger() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let out = tillguard(d, &["audit", "verify"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no ledger at"));
    assert!(!d.join("tillguard.sqlite").exists(), "verify creates nothing");
    json(d, &["sell", "--item", "COLA", "--tender", "cash:10", "--json"]);
    let events = json(d, &["audit", "show", "--last", "1", "--json"]);
    let last = &events[0];
    assert_eq!(last["kind"], "sale");
    assert!(last["detail"].as_str().is_some_and(|t| t.contains("3.50")), "{last}");
}
