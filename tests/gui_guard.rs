//! The settlement guard in the window: the banner, the quit dialog, settling from the
//! end-of-day screen, a day change while running, a manager's deferral, and start-up with an
//! earlier day's batch (see `ui_harness` for how the app is driven without a window).
#![cfg(unix)]

mod ui_harness;

use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use std::time::Duration;
use tillguard::clock::ManualClock;
use tillguard::settlement::guard::{Verdict, Why};
use tillguard::terminal::spec::TerminalSpec;
use tillguard::till::{Paths, Till};
use tillguard::ui::app::{QuitChoice, Screen};
use tillguard::ui::screen::checkout::SCAN_ID;
use tillguard::ui::screen::end_of_day::{self, DeferEdit, ReasonChoice};
use tillguard::ui::{App, Message, TerminalSetup};
use ui_harness::*;

struct Shop {
    _dir: tempfile::TempDir,
    paths: Paths,
    setup: TerminalSetup,
    clock: Arc<ManualClock>,
}

/// A demo till on a file ledger in a fresh folder, its clock at 12:00 UTC on a weekday.
fn shop() -> Shop {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths::resolve(Some(dir.path().to_path_buf()), None).expect("paths");
    let setup = TerminalSetup {
        spec: Some(TerminalSpec::Simulator),
        data_dir: dir.path().to_path_buf(),
        think_time: Duration::ZERO,
    };
    let noon: Timestamp = "2025-03-14T12:00:00Z".parse().expect("timestamp");
    Shop {
        _dir: dir,
        paths,
        setup,
        clock: Arc::new(ManualClock::new(noon)),
    }
}

fn open(shop: &Shop) -> App {
    let till = Till::open(&shop.paths, shop.clock.clone()).expect("till");
    let (mut app, boot) = App::boot(till, shop.setup.clone());
    assert!(boot.job.is_none(), "nothing to recover");
    unlock(&mut app);
    app
}

fn sell_by_card(app: &mut App) {
    type_and_enter(app, SCAN_ID, COLA);
    let job = click_text(app, "刷卡（F11）").expect("card job");
    deliver(app, job.run_here());
    assert_eq!(error_line(app), None);
}

fn on_end_of_day(app: &App) -> bool {
    matches!(app.screen(), Screen::EndOfDay(_))
}

fn end_of_day_state(app: &App) -> &end_of_day::State {
    match app.screen() {
        Screen::EndOfDay(state) => state,
        _ => panic!("the end-of-day screen is not open"),
    }
}

#[test]
fn quitting_with_an_unsettled_card_batch_is_refused_until_it_is_settled() {
    let shop = shop();
    let mut app = open(&shop);
    assert_shows(&app, "刷卡批次：无需结算");
    sell_by_card(&mut app);
    assert_shows(&app, "未结算刷卡批次：1 笔，¥3.50");

    deliver(&mut app, vec![Message::CloseRequested]);
    let verdict = app.quit_dialog().expect("the quit dialog is up").clone();
    assert!(
        matches!(
            verdict,
            Verdict::MustSettle {
                why: Why::QuitRequested,
                ..
            }
        ),
        "{verdict:?}"
    );
    assert_shows(&app, "刷卡批次尚未结算");
    assert_shows(&app, "关闭 Tillguard 前请先结算刷卡批次");
    let _ = click_text(&mut app, "留下（Esc）");
    assert!(app.quit_dialog().is_none());

    deliver(&mut app, vec![Message::CloseRequested]);
    let job = click_text(&mut app, "立即结算（回车）").expect("settling runs on the terminal");
    assert!(on_end_of_day(&app));
    assert_shows(&app, "正在向终端查询汇总并结算…");
    deliver(&mut app, job.run_here());
    assert_shows(&app, "对账结果：一致");
    assert_shows(&app, "结算完成：终端汇总与账本一致");
    assert_shows(&app, "刷卡批次：无需结算");
    let last = end_of_day_state(&app).last.clone().expect("a settlement");
    assert!(last.reconciliation.is_match());

    deliver(&mut app, vec![Message::CloseRequested]);
    assert!(app.quit_dialog().is_none(), "a settled till may close");
}

#[test]
fn a_cash_only_day_has_no_guard() {
    let shop = shop();
    let mut app = open(&shop);
    type_and_enter(&mut app, SCAN_ID, COLA);
    let _ = click_text(&mut app, "收款（F12）");
    assert_eq!(till(&app).status().expect("status").sales_count, 1);
    deliver(&mut app, vec![Message::CloseRequested]);
    assert!(app.quit_dialog().is_none());
    assert_shows(&app, "刷卡批次：无需结算");
}

#[test]
fn a_day_change_stops_selling_until_a_manager_defers_the_batch() {
    let shop = shop();
    let mut app = open(&shop);
    sell_by_card(&mut app);
    let _ = click_text(&mut app, "新交易");

    // The clock passes the next cutoff while the till runs.
    shop.clock.advance(SignedDuration::from_hours(24));
    deliver(&mut app, vec![Message::GuardTick]);
    // A day without input locked the till; the guard's demand waits right after the login.
    assert!(app.is_locked());
    unlock(&mut app);
    assert!(
        matches!(
            app.guard().verdict,
            Verdict::MustSettle {
                why: Why::DayChanged,
                ..
            }
        ),
        "{:?}",
        app.guard().verdict
    );
    assert!(on_end_of_day(&app), "the end-of-day screen opens by itself");
    assert_shows(&app, "营业日已更换：请先结算昨天的刷卡批次（或由经理延期）再销售");

    // Selling is refused by the till itself, whatever screen is up.
    deliver(&mut app, vec![Message::EndOfDay(end_of_day::Message::Back)]);
    type_and_enter(&mut app, SCAN_ID, COLA);
    let _ = click_text(&mut app, "收款（F12）");
    let refusal = error_line(&app).expect("the sale is refused");
    assert!(refusal.contains("营业日已更换"), "{refusal}");
    assert_eq!(
        till(&app).status().expect("status").sales_count,
        0,
        "nothing sold on the new day"
    );

    // A manager defers it with a wrong PIN first, then the right one.
    deliver(
        &mut app,
        vec![Message::OpenEndOfDay, Message::EndOfDay(end_of_day::Message::OpenDefer)],
    );
    let edits = [
        DeferEdit::Reason(ReasonChoice::HostUnreachable),
        DeferEdit::Pin("9999".into()),
    ];
    for edit in edits {
        deliver(&mut app, vec![Message::EndOfDay(end_of_day::Message::Defer(edit))]);
    }
    deliver(&mut app, vec![Message::EndOfDay(end_of_day::Message::SubmitDefer)]);
    let form = end_of_day_state(&app).defer.clone().expect("the form stays open");
    assert!(form.error.is_some(), "a wrong PIN is refused");
    assert!(form.pin.is_empty(), "the PIN is not kept");
    deliver(
        &mut app,
        vec![
            Message::EndOfDay(end_of_day::Message::Defer(DeferEdit::Pin("1234".into()))),
            Message::EndOfDay(end_of_day::Message::SubmitDefer),
        ],
    );
    assert!(
        end_of_day_state(&app).defer.is_none(),
        "{:?}",
        end_of_day_state(&app).error
    );
    assert!(
        matches!(app.guard().verdict, Verdict::Deferred { .. }),
        "{:?}",
        app.guard().verdict
    );
    let banner = all_texts(&app)
        .into_iter()
        .find(|t| t.contains("延期至"))
        .expect("the banner says deferred");
    assert!(
        banner.contains("银行主机无法连接") && banner.contains("李经理 Manager Li"),
        "{banner}"
    );

    // Yesterday is closed with its Z-report after the (empty) drawer is counted.
    deliver(
        &mut app,
        vec![
            Message::EndOfDay(end_of_day::Message::Counted("0".into())),
            Message::EndOfDay(end_of_day::Message::CloseDay),
        ],
    );
    assert_eq!(end_of_day_state(&app).error, None);
    assert!(end_of_day_state(&app).closed.is_some(), "the Z-report is shown");
    assert_shows(&app, "营业日已关闭，Z 报表第 1 号");

    deliver(&mut app, vec![Message::EndOfDay(end_of_day::Message::Back)]);
    let _ = click_text(&mut app, "收款（F12）");
    assert_eq!(error_line(&app), None);
    assert_eq!(till(&app).status().expect("status").sales_count, 1, "selling resumed");
}

#[test]
fn start_up_after_an_unsettled_day_opens_the_end_of_day_screen_first() {
    let shop = shop();
    {
        let mut app = open(&shop);
        sell_by_card(&mut app);
    }
    shop.clock.advance(SignedDuration::from_hours(24));
    let app = open(&shop);
    assert!(on_end_of_day(&app), "recovery before any sale");
    assert!(matches!(
        app.guard().verdict,
        Verdict::MustSettle {
            why: Why::EarlierDayUnsettled,
            ..
        }
    ));
    assert_shows(&app, "之前营业日的刷卡批次尚未结算：请先结算（或由经理延期）再销售");
    assert_shows(&app, "结算（终端日结）");
}

#[test]
fn defer_from_the_quit_dialog_opens_the_form() {
    let shop = shop();
    let mut app = open(&shop);
    sell_by_card(&mut app);
    deliver(
        &mut app,
        vec![Message::CloseRequested, Message::Quit(QuitChoice::Defer)],
    );
    assert!(end_of_day_state(&app).defer.is_some());
    assert_shows(&app, "延期结算");
}
