//! The start-up check of the audit chain: a ledger whose audit log was edited warns every
//! manager who logs in (not the cashier, who cannot act on it), and the finding is audited.

mod ui_harness;

use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::money::Currency;
use tillguard::till::{Paths, Till};
use tillguard::ui::app::audit_check;
use tillguard::ui::desk::TerminalSetup;
use tillguard::ui::{App, Message};

use ui_harness::*;

fn open(dir: &std::path::Path) -> Till {
    let paths = Paths::resolve(Some(dir.to_path_buf()), None).expect("paths");
    let noon = "2025-03-14T04:00:00Z".parse().expect("timestamp");
    Till::open(&paths, Arc::new(ManualClock::new(noon))).expect("demo till")
}

fn app_on(dir: &std::path::Path) -> App {
    let setup = TerminalSetup {
        spec: None,
        data_dir: dir.to_path_buf(),
        think_time: std::time::Duration::ZERO,
    };
    App::new(open(dir), setup).0
}

#[test]
fn an_edited_audit_log_warns_managers_at_start_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("tillguard.sqlite");
    drop(open(dir.path()));
    assert_eq!(
        audit_check::check(&ledger, Currency::CNY),
        Ok(None),
        "a new ledger is intact"
    );
    let conn = rusqlite::Connection::open(&ledger).expect("shell");
    conn.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit_events SET actor = 'nobody' WHERE seq = 2;")
        .expect("edit");
    drop(conn);

    let mut app = app_on(dir.path());
    // What the start-up job sends (run here: the test drives the app by messages).
    let found = audit_check::check(&ledger, Currency::CNY);
    assert!(matches!(&found, Ok(Some(b)) if b.seq == 2), "{found:?}");
    deliver(&mut app, vec![Message::AuditChecked(found)]);
    assert!(
        app.audit_alarm().is_some_and(|a| a.contains("第 2 条")),
        "{:?}",
        app.audit_alarm()
    );

    log_in(&mut app, CASHIER);
    assert!(!shows(&app, app.audit_alarm().expect("alarm")), "not for the cashier");
    deliver(&mut app, vec![Message::Lock]);
    log_in(&mut app, MANAGER);
    assert_shows(&app, app.audit_alarm().expect("alarm"));
    let last = till(&app).store().audit_tail(5).expect("events");
    assert!(
        last.iter()
            .any(|e| e.kind == "audit_broken" && e.detail.starts_with("event 2:")),
        "{last:?}"
    );
}
