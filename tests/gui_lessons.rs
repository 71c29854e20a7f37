//! The training lessons in the window: the panel beside the checkout on the training till
//! only, a lesson started from its list, its steps done through the checkout (against the
//! built-in simulated terminal over a pseudo-terminal), and Check saying "not yet" with what is
//! missing, then "passed".
#![cfg(unix)]

mod ui_harness;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tillguard::clock::ManualClock;
use tillguard::terminal::spec::TerminalSpec;
use tillguard::till::{Paths, Till};
use tillguard::training::LessonId;
use tillguard::ui::screen::checkout::{CASH_ID, SCAN_ID};
use tillguard::ui::screen::lessons::LESSONS_ID;
use tillguard::ui::{App, Message, TerminalSetup};
use ui_harness::*;

const EGGS: &str = "2000000070704"; // 鸡蛋 10枚, ¥12.80
const PAY_CARD: &str = "刷卡（F11）";
const CHECK: &str = "检查";
const PASSED: &str = "通过";

/// The window over a demo till opened from its data folder `dir`, with the built-in
/// simulated terminal, the cashier logged in, switched to training (as `--training` does).
fn training_app(dir: &Path) -> App {
    let clock = Arc::new(ManualClock::new("2026-03-14T04:00:00Z".parse().expect("timestamp")));
    let paths = Paths::resolve(Some(dir.to_path_buf()), None).expect("paths");
    let till = Till::open(&paths, clock).expect("real till");
    let setup = TerminalSetup {
        spec: Some(TerminalSpec::Simulator),
        data_dir: dir.to_path_buf(),
        think_time: Duration::ZERO,
    };
    let mut app = App::new(till, setup).0;
    unlock(&mut app);
    app.start_in_training();
    assert!(app.is_training(), "the window is on the training till");
    app
}

fn shows_panel(app: &App) -> bool {
    iced_test::Simulator::with_settings(settings(), app.view())
        .find(iced_test::selector::id(LESSONS_ID))
        .is_ok()
}

/// Runs a job and the jobs its outcome starts (a receipt to print), as their threads would.
fn run(app: &mut App, job: Option<tillguard::ui::job::Job<Message>>) {
    let mut job = job;
    while let Some(j) = job.take() {
        job = deliver(app, j.run_here());
    }
}

fn title(app: &App, id: LessonId) -> String {
    app.i18n().t(&id.lesson().title_key())
}

#[test]
fn the_panel_is_offered_on_the_training_till_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths::resolve(Some(dir.path().to_path_buf()), None).expect("paths");
    let clock = Arc::new(ManualClock::new("2026-03-14T04:00:00Z".parse().expect("timestamp")));
    let setup = TerminalSetup {
        spec: None,
        data_dir: dir.path().to_path_buf(),
        think_time: Duration::ZERO,
    };
    let mut app = App::new(Till::open(&paths, clock).expect("till"), setup).0;
    unlock(&mut app);
    assert!(!shows_panel(&app), "no lessons on the real till");
    // A lesson message reaching the real till does nothing.
    deliver(
        &mut app,
        vec![Message::Lessons(tillguard::ui::screen::lessons::Message::Start(
            LessonId::Sell,
        ))],
    );
    assert_eq!(app.lessons().running(), None);
    app.start_in_training();
    assert!(shows_panel(&app), "the lessons beside the training checkout");
    for id in LessonId::ALL {
        assert_shows(&app, &title(&app, id));
    }
}

#[test]
fn the_sell_lesson_runs_through_the_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = training_app(dir.path());
    let sell = title(&app, LessonId::Sell);
    let _ = click_text(&mut app, &sell);
    assert_eq!(app.lessons().running(), Some(LessonId::Sell));
    assert_shows(&app, "1. 扫描或选择两种不同的商品（例如可乐和鸡蛋）。");

    let _ = click_text(&mut app, CHECK);
    assert_shows(&app, "尚未完成：一笔至少两件商品的现金销售");

    type_and_enter(&mut app, SCAN_ID, COLA);
    type_and_enter(&mut app, SCAN_ID, WATER);
    assert_shows(&app, "合计 ¥5.50");
    let job = pay_exact_cash(&mut app);
    run(&mut app, job);
    assert_eq!(error_line(&app), None);

    let _ = click_text(&mut app, CHECK);
    assert_shows(&app, PASSED);
    assert!(app.lessons().result().is_some_and(|r| r.passed));
    // The sale went into the training ledger.
    assert!(till(&app).is_training());
    assert_eq!(till(&app).status().expect("status").sales_count, 1);

    let _ = click_text(&mut app, "结束");
    assert_eq!(app.lessons().running(), None);
    assert_shows(&app, &sell);
}

#[test]
fn the_declined_card_lesson_runs_through_the_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = training_app(dir.path());
    let declined = title(&app, LessonId::DeclinedCard);
    let _ = click_text(&mut app, &declined);
    assert_eq!(app.lessons().running(), Some(LessonId::DeclinedCard));

    type_and_enter(&mut app, SCAN_ID, EGGS);
    // 2.67 in cash leaves 10.13 for the card, which the simulated bank declines.
    type_only(&mut app, CASH_ID, "2.67");
    let job = click_text(&mut app, PAY_CARD).expect("the card payment starts a terminal job");
    assert_shows(&app, "¥10.13");
    run(&mut app, Some(job));
    let error = error_line(&app).expect("the decline is explained");
    assert!(error.starts_with("刷卡未成功："), "{error}");

    let _ = click_text(&mut app, CHECK);
    assert_shows(&app, "尚未完成：被拒的购物车改用其他方式付款");

    let _ = click_text(&mut app, "整付");
    let job = click_text(&mut app, "收款（F12）");
    run(&mut app, job);
    assert_eq!(error_line(&app), None);

    let _ = click_text(&mut app, CHECK);
    assert_shows(&app, PASSED);
    assert!(app.lessons().result().is_some_and(|r| r.passed));
}
