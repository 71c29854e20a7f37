//! The start-up check of the ledger: a ledger whose audit log was edited warns every
//! manager who logs in (not the cashier, who cannot act on it), and the finding is audited;
//! damaged pages stop the till and mark the folder for the restore window.

mod ui_harness;

use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::money::Currency;
use tillguard::till::{Paths, Till};
use tillguard::ui::app::audit_check::{self, DAMAGED_MARK, StartCheck};
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
        StartCheck::Intact,
        "a new ledger is intact"
    );
    let conn = rusqlite::Connection::open(&ledger).expect("shell");
    conn.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit_events SET actor = 'nobody' WHERE seq = 2;")
        .expect("edit");
    drop(conn);

    let mut app = app_on(dir.path());
    // What the start-up job sends (run here: the test drives the app by messages).
    let found = audit_check::check(&ledger, Currency::CNY);
    assert!(matches!(&found, StartCheck::Broken(b) if b.seq == 2), "{found:?}");
    deliver(&mut app, vec![Message::LedgerChecked(found)]);
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

#[test]
fn damaged_pages_found_after_the_window_opened_stop_the_till_and_mark_the_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = dir.path().join("tillguard.sqlite");
    // Made and closed first, so its pages are in the main file (not only in the WAL).
    drop(open(dir.path()));
    let mut app = app_on(dir.path());
    log_in(&mut app, CASHIER);
    scan_unfocused(&mut app, COLA);
    assert_eq!(
        app.checkout().cart().lines().len(),
        1,
        "the till works before the check"
    );
    // The disk goes bad under the running till: garbage over the pages after the first.
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut file = std::fs::OpenOptions::new().write(true).open(&ledger).expect("open");
        file.seek(SeekFrom::Start(4096)).expect("seek");
        file.write_all(&[0xA5; 4096 * 16]).expect("scribble");
    }
    let found = audit_check::check(&ledger, Currency::CNY);
    assert!(matches!(found, StartCheck::Damaged(_)), "{found:?}");
    deliver(&mut app, vec![Message::LedgerChecked(found)]);
    assert!(app.ledger_is_damaged());
    assert_shows(&app, "账本已损坏 - 请恢复备份");
    assert!(
        dir.path().join(DAMAGED_MARK).exists(),
        "the next start opens the restore window"
    );
    // Nothing reaches the till any more: a scan changes nothing.
    scan_unfocused(&mut app, COLA);
    assert_eq!(
        app.checkout().cart().lines()[0].quantity,
        1,
        "the scan before the check"
    );
}
