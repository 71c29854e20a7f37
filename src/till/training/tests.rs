use super::*;
use crate::clock::ManualClock;
use crate::money::{Currency, Money};
use crate::printer::layout::{TRAINING_MARK_EN, TRAINING_MARK_ZH};

const CONFIG: &str = "[store]\nname = \"Corner Shop\"\ntime_zone = \"UTC\"\n\n[guard]\nmanager_pin = \"4321\"\n\n\
                      [terminal]\nconnection = \"zvt+tcp:192.0.2.1:20007\"\n";

fn clock() -> Arc<dyn Clock> {
    Arc::new(ManualClock::new("2026-11-27T10:00:00Z".parse().expect("t")))
}

/// A data folder with a config file and a real ledger holding one product of its own.
fn real_folder(dir: &Path) -> Paths {
    std::fs::write(dir.join(crate::config::FILE_NAME), CONFIG).expect("config");
    let paths = Paths::resolve(Some(dir.to_path_buf()), None).expect("paths");
    let mut real = Till::open(&paths, clock()).expect("real till");
    real.import_catalog(
        "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\nOWN1,,本店面包,House bread,6.50,9,true\n",
    )
    .expect("catalog");
    paths
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

#[test]
fn the_training_till_lives_in_its_folder_with_the_shops_products_users_and_a_simulator() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = real_folder(dir.path());
    let real_ledger = paths.data_dir.join(FILE_NAME);
    let before = std::fs::read(&real_ledger).expect("real ledger");

    let till = Till::open_training(&paths, clock()).expect("training till");
    assert!(till.is_training());
    assert_eq!(till.store().path(), dir.path().join("training").join(FILE_NAME));
    assert_eq!(till.config().terminal, Some(TerminalSpec::Simulator));
    assert_eq!(till.config().store_name, "Corner Shop");
    assert!(till.catalog().product("OWN1").is_some(), "the shop's own products");
    assert!(
        till.users()
            .expect("users")
            .iter()
            .any(|u| u.name == crate::till::CONFIG_ADMIN),
        "the shop's users, with their PINs"
    );
    assert!(till.paths().is_none(), "a training till has no real folders");
    assert_eq!(
        std::fs::read(&real_ledger).expect("real ledger"),
        before,
        "the real ledger untouched"
    );
}

#[test]
fn a_training_z_report_is_never_backed_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = real_folder(dir.path());
    let mut till = Till::open_training(&paths, clock()).expect("training till");
    till.close_day(None, Money::zero(Currency::CNY)).expect("Z");
    assert!(till.take_backup_outcome().is_none());
    assert!(till.backup_folder().is_none());
    assert!(till.backup_now("manual").is_err());
    assert!(!dir.path().join("backups").exists());
    assert!(!dir.path().join("training").join("backups").exists());
}

#[test]
fn training_printouts_are_marked_at_both_ends_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = real_folder(dir.path());
    let mut training = Till::open_training(&paths, clock()).expect("training till");
    let mut cart = training.new_cart();
    training.scan(&mut cart, "OWN1").expect("scan");
    let sale = training.pay_cash(&cart, None).expect("sale");
    let lines = training.receipt_doc(&sale).lines();
    let marks = [TRAINING_MARK_EN, TRAINING_MARK_ZH];
    for (line, mark) in lines.iter().take(2).zip(marks) {
        assert_eq!(line.trim(), mark, "{lines:#?}");
    }
    for (line, mark) in lines.iter().rev().take(2).zip(marks) {
        assert_eq!(line.trim(), mark, "{lines:#?}");
    }
    let report = training.x_report(None).expect("X");
    assert!(training.report_text(&report).contains(TRAINING_MARK_ZH));

    let mut real = Till::open(&paths, clock()).expect("real till");
    let mut cart = real.new_cart();
    real.scan(&mut cart, "OWN1").expect("scan");
    let sale = real.pay_cash(&cart, None).expect("sale");
    let text = real.receipt_text(&sale);
    assert!(
        !text.contains(TRAINING_MARK_EN) && !text.contains(TRAINING_MARK_ZH),
        "{text}"
    );
    assert!(size(&paths.data_dir.join(FILE_NAME)) > 0);
}

#[test]
fn training_is_refused_while_the_real_guard_demands_action() {
    use crate::till::card::CardTender;
    use crate::till::fake_terminal::{FakeTerminal, Step, approval, at, till};
    let (mut real, clock) = till();
    assert_eq!(
        real.training_refused().expect("guard"),
        None,
        "nothing to do: training may start"
    );
    let mut terminal = FakeTerminal::default();
    terminal.transactions.push_back(Step::Status(approval(350, 1, 1)));
    let mut cart = real.new_cart();
    real.scan(&mut cart, "COLA").expect("scan");
    let cancel = std::sync::atomic::AtomicBool::new(false);
    real.pay_card(&cart, CardTender::default(), &mut terminal, &cancel, &mut |_| {})
        .expect("card sale");
    assert_eq!(
        real.training_refused().expect("guard"),
        None,
        "an open batch is no demand yet"
    );
    // Past the cutoff: yesterday's batch must be settled first.
    clock.set(at("2026-11-27T05:00:00Z"));
    assert_eq!(real.training_refused().expect("guard"), Some(Why::DayChanged));
}
