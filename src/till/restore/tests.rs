//! Restores in process, on demo ledgers in a temporary data folder (demo users: manager PIN
//! 1234, admin PIN 8888).

use super::*;
use crate::clock::ManualClock;
use crate::till::card::CardTender;
use crate::till::fake_terminal::{FakeTerminal, Step, approval, at};
use std::sync::atomic::AtomicBool;

struct Shop {
    _dir: tempfile::TempDir,
    paths: Paths,
    clock: Arc<ManualClock>,
}

impl Shop {
    fn new() -> Shop {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = Paths {
            data_dir: dir.path().join("data"),
            config_file: dir.path().join("data").join(crate::config::FILE_NAME),
        };
        Shop {
            _dir: dir,
            paths,
            clock: Arc::new(ManualClock::new(at("2026-11-27T10:00:00Z"))),
        }
    }

    fn till(&self) -> Till {
        Till::open(&self.paths, self.clock.clone()).expect("till")
    }

    fn ledger(&self) -> PathBuf {
        self.paths.data_dir.join(FILE_NAME)
    }

    fn restore(&self, backup: &Path, pin: Option<&str>) -> Result<Restored, RestoreError> {
        let request = RestoreRequest {
            backup,
            admin_pin: pin,
            by: Some("王芳 Wang Fang"),
        };
        restore(&self.paths, self.clock.clone(), request)
    }
}

fn cash_sale(till: &mut Till) {
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA").expect("scan");
    till.pay_cash(&cart, None).expect("sale");
}

fn card_sale(till: &mut Till) {
    let mut t = FakeTerminal::default();
    t.transactions.push_back(Step::Status(approval(350, 1, 1)));
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA").expect("scan");
    till.pay_card(
        &cart,
        CardTender::default(),
        &mut t,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .expect("card sale");
}

/// A ledger with one sale, its backup, then a second sale only the ledger has.
fn shop_with_backup() -> (Shop, PathBuf) {
    let shop = Shop::new();
    let mut till = shop.till();
    cash_sale(&mut till);
    let backup = till.backup_now("manual").expect("backup").made.file.path;
    cash_sale(&mut till);
    (shop, backup)
}

fn sales(till: &Till) -> i64 {
    till.store()
        .connection()
        .query_row("SELECT COUNT(*) FROM sales", [], |r| r.get(0))
        .expect("count")
}

fn last_event(store: &Store) -> (String, String, String) {
    store
        .connection()
        .query_row(
            "SELECT actor, kind, detail FROM audit_events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("an event")
}

#[test]
fn a_restore_keeps_the_ledger_aside_and_is_the_restored_ledgers_last_event() {
    let (shop, backup) = shop_with_backup();
    let plan = plan(&shop.paths, shop.clock.clone(), &backup).expect("plan");
    assert_eq!(plan.current, Current::Healthy { unsettled: vec![] });
    assert!(!plan.needs_admin());
    assert_eq!((plan.backup.sales, plan.currency_mismatch), (1, None));

    let done = shop.restore(&backup, None).expect("restored");
    let kept = done.kept_aside.clone().expect("kept aside");
    assert_eq!(kept.parent(), Some(shop.paths.data_dir.join(REPLACED_FOLDER).as_path()));
    assert_eq!(backup::check(&kept).expect("the old ledger, whole").sales, 2);
    assert_eq!(done.forced_by, None);

    let till = shop.till();
    assert_eq!(sales(&till), 1);
    let (actor, kind, detail) = last_event(till.store());
    assert_eq!((actor.as_str(), kind.as_str()), ("王芳 Wang Fang", "restore"));
    assert!(detail.contains(&backup.display().to_string()), "{detail}");
    assert!(detail.contains(&kept.display().to_string()), "{detail}");
    assert!(detail.contains("no unsettled card payments"), "{detail}");
    assert_eq!(till.store().verify_audit().expect("verify"), None);
    assert!(backup.exists(), "the backup itself is left as it was");
}

#[test]
fn unsettled_card_payments_need_an_admin_not_a_manager() {
    let shop = Shop::new();
    let mut till = shop.till();
    let backup = till.backup_now("manual").expect("backup").made.file.path;
    card_sale(&mut till);
    drop(till);
    let before = std::fs::read(shop.ledger()).expect("ledger");

    let plan = plan(&shop.paths, shop.clock.clone(), &backup).expect("plan");
    assert!(plan.needs_admin());
    let e = shop.restore(&backup, None).expect_err("refused");
    assert!(
        matches!(&e, RestoreError::Unsettled { batches, .. } if batches.len() == 1),
        "{e}"
    );
    assert!(e.to_string().contains("1 payment(s)"), "{e}");
    let e = shop.restore(&backup, Some("1234")).expect_err("a manager may not");
    assert!(matches!(e, RestoreError::Till(TillError::NotPermitted { .. })), "{e}");
    let e = shop.restore(&backup, Some("0000")).expect_err("wrong PIN");
    assert!(matches!(e, RestoreError::Till(TillError::WrongPin { .. })), "{e}");
    assert_eq!(
        std::fs::read(shop.ledger()).expect("ledger").len(),
        before.len(),
        "still the same ledger"
    );
    assert_eq!(sales(&shop.till()), 1);

    let done = shop.restore(&backup, Some("8888")).expect("forced");
    assert_eq!(done.forced_by.as_deref(), Some("管理员 Admin"));
    let till = shop.till();
    let (actor, kind, detail) = last_event(till.store());
    assert_eq!((actor.as_str(), kind.as_str()), ("管理员 Admin", "restore"));
    assert!(detail.contains("forced by 管理员 Admin (admin)"), "{detail}");
    assert!(
        detail.contains("unsettled card payments replaced: batch #1"),
        "{detail}"
    );
    assert_eq!(sales(&till), 0);
    assert_eq!(till.store().verify_audit().expect("verify"), None);
}

#[test]
fn a_damaged_or_missing_ledger_is_replaced_without_the_batch_check() {
    let (shop, backup) = shop_with_backup();
    let junk = b"overwritten by something else entirely\n".repeat(200);
    std::fs::write(shop.ledger(), &junk).expect("damage");
    let e = Till::open(&shop.paths, shop.clock.clone()).err().expect("refused");
    assert!(matches!(&e, TillError::Store(s) if s.damaged_ledger()), "{e}");
    let plan = plan(&shop.paths, shop.clock.clone(), &backup).expect("plan");
    assert!(matches!(plan.current, Current::Damaged(_)) && !plan.needs_admin());

    let done = shop.restore(&backup, None).expect("restored");
    let kept = done.kept_aside.expect("kept");
    assert_eq!(
        std::fs::read(&kept).expect("kept"),
        junk,
        "the damaged file is kept as it was"
    );
    let till = shop.till();
    let (_, kind, detail) = last_event(till.store());
    assert_eq!(kind, "restore");
    assert!(
        detail.contains("was damaged, so its card batches could not be checked"),
        "{detail}"
    );
    drop(till);

    std::fs::remove_file(shop.ledger()).expect("remove");
    let done = shop.restore(&backup, Some("8888")).expect("restored");
    assert_eq!(done.kept_aside, None);
    assert_eq!(done.replaced, Current::Missing);
    assert_eq!(
        done.forced_by.as_deref(),
        Some("管理员 Admin"),
        "the backup's admin vouched"
    );
    let (_, _, detail) = last_event(shop.till().store());
    assert!(detail.contains("there was no ledger to replace"), "{detail}");
}

#[test]
fn a_ledger_still_open_elsewhere_or_a_tampered_backup_changes_nothing() {
    let (shop, backup) = shop_with_backup();
    let open_elsewhere = shop.till();
    let e = shop.restore(&backup, None).expect_err("in use");
    assert!(matches!(e, RestoreError::InUse { .. }), "{e}");
    assert_eq!(sales(&open_elsewhere), 2);
    drop(open_elsewhere);
    assert!(!shop.paths.data_dir.join(REPLACED_FOLDER).exists() || list_replaced(&shop).is_empty());

    let tampered = shop.paths.data_dir.join("tampered.sqlite");
    std::fs::copy(&backup, &tampered).expect("copy");
    rusqlite::Connection::open(&tampered)
        .and_then(|c| {
            c.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit_events SET detail = 'x' WHERE seq = 1;")
        })
        .expect("tamper");
    let e = shop.restore(&tampered, None).expect_err("broken chain");
    assert!(matches!(e, RestoreError::BrokenChain { seq: 1, .. }), "{e}");
    let e = shop.restore(&shop.ledger(), None).expect_err("itself");
    assert!(matches!(e, RestoreError::SameFile(_)), "{e}");
    assert_eq!(sales(&shop.till()), 2);
    let leftovers: Vec<_> = std::fs::read_dir(&shop.paths.data_dir)
        .expect("read")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn list_replaced(shop: &Shop) -> Vec<PathBuf> {
    std::fs::read_dir(shop.paths.data_dir.join(REPLACED_FOLDER))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default()
}
