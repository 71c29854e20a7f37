//! A damaged ledger opens the restore window instead of the till: it lists the backups,
//! puts the chosen one in place (the damaged file kept aside), and the till then opens.

use iced_test::Simulator;
use std::io::{Seek, SeekFrom, Write};
use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::config::Language;
use tillguard::i18n::I18n;
use tillguard::till::{Paths, REASON_MANUAL, Till, restore};
use tillguard::ui::restore::{Message, Restore};

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new("2025-03-14T04:00:00Z".parse().expect("timestamp")))
}

/// One round: the view, a click on `label`, the messages back to the window.
fn click(window: &mut Restore, label: &str) {
    let messages: Vec<Message> = {
        let mut ui = Simulator::with_settings(tillguard::ui::settings(), window.view());
        ui.click(label)
            .unwrap_or_else(|e| panic!("no clickable {label:?}: {e}"));
        ui.into_messages().collect()
    };
    for m in messages {
        let _ = window.update(m);
    }
}

#[test]
fn a_damaged_ledger_is_restored_from_the_window_and_the_till_opens_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths::resolve(Some(dir.path().to_path_buf()), None).expect("paths");
    let ledger = dir.path().join("tillguard.sqlite");
    {
        let mut till = Till::open(&paths, clock()).expect("demo till");
        let mut cart = till.new_cart();
        till.scan(&mut cart, "COLA").expect("scan");
        till.pay_cash(&cart, None).expect("sale");
        till.backup_now(REASON_MANUAL).expect("backup");
    }
    // Garbage over the pages after the first: the header still reads, the tables do not.
    let mut file = std::fs::OpenOptions::new().write(true).open(&ledger).expect("open");
    file.seek(SeekFrom::Start(4096)).expect("seek");
    file.write_all(&[0xA5; 4096 * 4]).expect("scribble");
    drop(file);
    let problem = match restore::open_checked(&paths, clock()) {
        Err(tillguard::till::TillError::Store(e)) if e.damaged_ledger() => e.to_string(),
        Err(e) => panic!("damage not recognised: {e}"),
        Ok(_) => panic!("a damaged ledger opened"),
    };

    let mut window = Restore::new(paths.clone(), clock(), I18n::new(Language::En), problem);
    let view_texts = |w: &Restore| {
        let mut ui = Simulator::with_settings(tillguard::ui::settings(), w.view());
        ui.find("The ledger is damaged - restore a backup").is_ok()
    };
    assert!(view_texts(&window));
    click(&mut window, "Restore this backup");
    assert!(window.restored(), "the newest backup was chosen and restored");

    let till = restore::open_checked(&paths, clock()).expect("the restored ledger opens");
    assert_eq!(till.status().expect("status").sales_count, 1, "the sale in the backup");
    assert_eq!(till.store().verify_audit().expect("verify"), None);
    let kept = std::fs::read_dir(dir.path().join("replaced"))
        .expect("kept aside")
        .count();
    assert_eq!(kept, 1, "the damaged ledger was kept, not deleted");
}
