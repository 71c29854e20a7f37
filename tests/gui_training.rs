//! Training mode in the window: a manager's PIN switches the desk to the training till (its
//! own ledger under training/, the built-in simulated terminal), an unmissable banner says so
//! on every screen, the guard works there as on the real till, and a second switch returns to
//! the real till, whose ledger never saw any of it.

mod ui_harness;

use jiff::SignedDuration;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tillguard::clock::ManualClock;
use tillguard::terminal::spec::TerminalSpec;
use tillguard::till::{Paths, Till};
use tillguard::ui::app::training::{TRAINING_BANNER_ID, TRAINING_PIN_ID};
use tillguard::ui::screen::checkout::SCAN_ID;
use tillguard::ui::screen::end_of_day;
use tillguard::ui::{App, Message, TerminalSetup};
use ui_harness::*;

const BANNER: &str = "培训模式 - 不是真实交易 / TRAINING - nothing here is real";
const ENTER: &str = "培训模式 / Training mode";
const LEAVE: &str = "退出培训 / Leave training";
const PAY_CARD: &str = "刷卡（F11）";

/// The window over a demo till opened from its data folder `dir` (as the shop's is), the
/// cashier logged in; `terminal`: the real till's terminal.
fn open(dir: &Path, clock: Arc<ManualClock>, terminal: Option<TerminalSpec>) -> App {
    let paths = Paths::resolve(Some(dir.to_path_buf()), None).expect("paths");
    let till = Till::open(&paths, clock).expect("real till");
    let setup = TerminalSetup {
        spec: terminal,
        data_dir: dir.to_path_buf(),
        think_time: Duration::ZERO,
    };
    let mut app = App::new(till, setup).0;
    unlock(&mut app);
    app
}

fn noon() -> Arc<ManualClock> {
    Arc::new(ManualClock::new("2026-03-14T04:00:00Z".parse().expect("timestamp")))
}

fn shows_id(app: &App, id: &'static str) -> bool {
    iced_test::Simulator::with_settings(settings(), app.view())
        .find(iced_test::selector::id(id))
        .is_ok()
}

/// Runs a terminal job, and the print job its outcome may start, as their threads would.
fn run(app: &mut App, job: Option<tillguard::ui::job::Job<Message>>) {
    let mut job = job;
    while let Some(j) = job.take() {
        job = deliver(app, j.run_here());
    }
}

/// The switch, with the demo manager's PIN (the cashier is logged in).
fn switch_with_manager_pin(app: &mut App, label: &str) {
    let _ = click_text(app, label);
    assert!(shows_id(app, TRAINING_PIN_ID), "a manager's PIN is asked for");
    type_and_enter(app, TRAINING_PIN_ID, "1234");
}

#[test]
fn a_manager_switches_to_training_where_a_card_sale_settles_and_back_to_the_untouched_real_till() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mut app = open(d, noon(), None);
    assert!(!app.is_training());
    assert!(!shows(&app, BANNER));

    // A wrong PIN is refused; the right one switches.
    let _ = click_text(&mut app, ENTER);
    type_and_enter(&mut app, TRAINING_PIN_ID, "9999");
    assert!(!app.is_training());
    assert!(shows_id(&app, TRAINING_PIN_ID), "the prompt stays after a wrong PIN");
    let _ = click_text(&mut app, "取消");
    switch_with_manager_pin(&mut app, ENTER);
    assert!(app.is_training());
    assert!(shows_id(&app, TRAINING_BANNER_ID));
    assert_shows(&app, BANNER);
    assert_eq!(
        app.operator().map(|o| o.name.as_str()),
        Some(CASHIER.0),
        "the same person"
    );
    assert!(till(&app).is_training());
    assert_eq!(till(&app).store().path(), d.join("training").join("tillguard.sqlite"));

    // A card sale on the simulator: the guard sees the training batch.
    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = click_text(&mut app, PAY_CARD);
    assert!(job.is_some(), "paying by card starts a terminal job on the simulator");
    run(&mut app, job);
    assert_eq!(error_line(&app), None);
    assert_eq!(till(&app).status().expect("status").sales_count, 1);
    assert_eq!(till(&app).unsettled_batches().expect("batches").len(), 1);
    assert_shows(&app, "未结算刷卡批次：1 笔，¥3.50");
    let receipts: Vec<String> = std::fs::read_dir(d.join("training").join("receipts"))
        .expect("the demo's receipts are files under training/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| std::fs::read_to_string(e.path()).expect("receipt"))
        .collect();
    assert_eq!(receipts.len(), 1);
    assert!(receipts[0].contains("培训 - 非正式收据") && receipts[0].contains("TRAINING - NOT A RECEIPT"));

    // Settling, on the end-of-day screen: the banner is there too.
    deliver(&mut app, vec![Message::OpenEndOfDay]);
    assert_shows(&app, BANNER);
    let job = deliver(&mut app, vec![Message::EndOfDay(end_of_day::Message::Settle)]);
    run(&mut app, job);
    assert!(till(&app).unsettled_batches().expect("batches").is_empty());
    assert_shows(&app, "刷卡批次：无需结算");
    deliver(&mut app, vec![Message::EndOfDay(end_of_day::Message::Back)]);

    // Back to the real till, again with a manager's PIN.
    switch_with_manager_pin(&mut app, LEAVE);
    assert!(!app.is_training());
    assert!(!shows(&app, BANNER));
    assert!(!till(&app).is_training());
    assert_eq!(app.operator().map(|o| o.name.as_str()), Some(CASHIER.0));
    let real = till(&app).status().expect("status");
    assert_eq!(real.sales_count, 0, "the real ledger has no sale");
    assert!(till(&app).unsettled_batches().expect("batches").is_empty());
    assert!(!d.join("receipts").exists(), "no real receipt was written");
    assert!(!d.join("backups").exists());
    assert!(d.join("training").join("simulator-terminal.json").exists());
}

#[test]
fn training_does_not_start_while_the_real_guard_demands_a_settlement() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = noon();
    let mut app = open(dir.path(), clock.clone(), Some(TerminalSpec::Simulator));
    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = click_text(&mut app, PAY_CARD);
    run(&mut app, job);
    let _ = click_text(&mut app, "新交易");
    // The real day changes with its batch unsettled.
    clock.advance(SignedDuration::from_hours(24));
    deliver(&mut app, vec![Message::GuardTick]);
    if app.is_locked() {
        unlock(&mut app);
    }
    deliver(&mut app, vec![Message::EndOfDay(end_of_day::Message::Back)]);
    let _ = click_text(&mut app, ENTER);
    if shows_id(&app, TRAINING_PIN_ID) {
        type_and_enter(&mut app, TRAINING_PIN_ID, "1234");
    }
    assert!(!app.is_training());
    let texts = all_texts(&app);
    assert!(
        texts.iter().any(|t| t.starts_with("现在不能进入培训：营业日已更换")),
        "{texts:?}"
    );
    assert!(!dir.path().join("training").exists(), "no training ledger was made");
}

#[test]
fn while_training_the_real_guard_is_still_heard_and_still_holds_the_window_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = noon();
    let mut app = open(dir.path(), clock.clone(), Some(TerminalSpec::Simulator));
    // A real card payment: an open batch is no demand yet, so training may start.
    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = click_text(&mut app, PAY_CARD);
    run(&mut app, job);
    let _ = click_text(&mut app, "新交易");
    switch_with_manager_pin(&mut app, ENTER);
    assert!(app.is_training());

    // The real day changes while training runs: the banner says so.
    clock.advance(SignedDuration::from_hours(24));
    deliver(&mut app, vec![Message::GuardTick]);
    if app.is_locked() {
        unlock(&mut app);
    }
    assert!(app.is_training());
    let texts = all_texts(&app);
    assert!(
        texts.iter().any(|t| t.starts_with("真实收银台需要处理：营业日已更换")),
        "{texts:?}"
    );

    // Closing the window: the training till lets go, the real batch does not; the real till
    // comes back with the quit dialog.
    deliver(&mut app, vec![Message::CloseRequested]);
    assert!(!app.is_training());
    assert!(app.quit_dialog().is_some(), "the real guard holds the window");
    assert_eq!(
        till(&app).unsettled_batches().expect("batches").len(),
        1,
        "the real batch is there"
    );
}

#[test]
fn the_window_started_with_training_opens_on_the_training_tills_login() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths::resolve(Some(dir.path().to_path_buf()), None).expect("paths");
    let real = Till::open(&paths, noon()).expect("real till");
    let setup = TerminalSetup {
        spec: None,
        data_dir: dir.path().to_path_buf(),
        think_time: Duration::ZERO,
    };
    let mut app = App::new(real, setup).0;
    // What `tillguard --training` does as the window boots: no PIN, the command line chose.
    app.start_in_training();
    assert!(app.is_training());
    assert!(app.is_locked(), "somebody logs in first, on the training till");
    assert_shows(&app, BANNER);
    unlock(&mut app);
    assert!(till(&app).is_training());
    assert_eq!(till(&app).operator().map(|o| o.name.as_str()), Some(CASHIER.0));
}
