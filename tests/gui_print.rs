//! The window and the receipt printer: a sale is never held up by the printer; a receipt
//! that did not print is shown as such, kept in the queue, and reprinted with one button.

mod ui_harness;

use std::path::Path;
use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::config::Config;
use tillguard::store::Store;
use tillguard::till::{DEMO_CATALOG, Till};
use tillguard::ui::banner::PRINT_BACKLOG_ID;
use tillguard::ui::keys::Shortcut;
use tillguard::ui::screen::checkout::{REPRINT_ID, SCAN_ID};
use tillguard::ui::screen::{end_of_day, reports};
use tillguard::ui::{App, Message, TerminalSetup};
use ui_harness::*;

/// A till with a ledger on disk (so printing runs on a worker, as in the shop) whose
/// printer is a file in `printer_dir`.
fn app_printing_to(dir: &Path, printer_dir: &Path) -> App {
    let out = printer_dir.join("printer.bin");
    let config = Config::parse(&format!("[printer]\nconnection = \"file:{}\"\n", out.display())).expect("config");
    let store = Store::open(&dir.join("tillguard.sqlite"), config.currency).expect("ledger");
    let noon = "2026-03-14T04:00:00Z".parse().expect("timestamp");
    let mut till = Till::with_store(store, config, Arc::new(ManualClock::new(noon))).expect("till");
    till.import_catalog(DEMO_CATALOG).expect("catalog");
    let no_terminal = TerminalSetup {
        spec: None,
        data_dir: dir.to_path_buf(),
        think_time: std::time::Duration::ZERO,
    };
    let mut app = App::new(till, no_terminal).0;
    unlock(&mut app);
    app
}

fn on_screen(app: &App, part: &str) -> bool {
    all_texts(app).iter().any(|t| t.contains(part))
}

/// Runs a print job the way its worker thread would and hands its messages back.
fn finish(app: &mut App, job: Option<tillguard::ui::job::Job<Message>>) {
    let job = job.expect("a print job was started");
    let messages = job.run_here();
    assert!(
        messages.iter().all(|m| matches!(m, Message::Printed(..))),
        "{messages:?}"
    );
    assert!(deliver(app, messages).is_none());
}

#[test]
fn a_printer_that_fails_keeps_the_receipt_for_one_button_reprint() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The printer's folder does not exist yet: the printer is "absent".
    let printer_dir = dir.path().join("printer");
    let mut app = app_printing_to(dir.path(), &printer_dir);

    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = pay_exact_cash(&mut app);
    // The sale is in the ledger before anything is printed.
    assert_eq!(till(&app).status().expect("status").sales_count, 1);
    assert!(on_screen(&app, "正在打印小票"), "{:?}", all_texts(&app));
    finish(&mut app, job);

    assert!(on_screen(&app, "小票未打印（任务 1）"), "{:?}", all_texts(&app));
    assert!(on_screen(&app, "1 张单据等待打印"), "{:?}", all_texts(&app));
    let queued = till(&app).print_queue().expect("queue");
    assert_eq!(queued.len(), 1);
    assert!(queued[0].last_error.is_some());

    // The printer is back: Reprint sends the same job, which is then done.
    std::fs::create_dir_all(&printer_dir).expect("printer folder");
    let job = click_text(&mut app, "重打");
    finish(&mut app, job);
    assert!(on_screen(&app, "小票已打印。"), "{:?}", all_texts(&app));
    assert!(!shows_id(&app, PRINT_BACKLOG_ID), "the strip goes once nothing waits");
    assert!(till(&app).print_queue().expect("queue").is_empty());
    let printed = std::fs::read(printer_dir.join("printer.bin")).expect("printer output");
    let (cola, _, _) = encoding_rs::GBK.encode("可乐 330ml");
    assert!(
        printed.windows(cola.len()).any(|w| w == &cola[..]),
        "the receipt in GBK"
    );

    // Again: now it is a copy, marked as such.
    let job = click_text(&mut app, "重打");
    finish(&mut app, job);
    let printed = std::fs::read(printer_dir.join("printer.bin")).expect("printer output");
    let (copy, _, _) = encoding_rs::GBK.encode("副本");
    assert!(
        printed.windows(copy.len()).any(|w| w == &copy[..]),
        "the copy is marked"
    );
    let jobs = till(&app).store().print_jobs_for("receipt", "1").expect("jobs");
    assert_eq!(jobs.iter().map(|j| j.copy).collect::<Vec<_>>(), [false, true]);
    assert!(shows_id(&app, REPRINT_ID));

    // Closing the day on the end-of-day screen prints the Z-report.
    deliver(&mut app, vec![Message::OpenEndOfDay]);
    let job = deliver(
        &mut app,
        vec![
            Message::EndOfDay(end_of_day::Message::Counted("3.50".into())),
            Message::EndOfDay(end_of_day::Message::CloseDay),
        ],
    );
    finish(&mut app, job);
    let z = till(&app).store().print_jobs_for("report_z", "1").expect("jobs");
    assert_eq!(z.len(), 1);
    assert_eq!(z[0].state, tillguard::store::JobState::Done);
    let printed = std::fs::read(printer_dir.join("printer.bin")).expect("printer output");
    let (title, _, _) = encoding_rs::GBK.encode("报表 第 1 号");
    assert!(
        printed.windows(title.len()).any(|w| w == &title[..]),
        "the Z-report printed"
    );
}

#[test]
fn a_till_without_a_printer_shows_no_print_status() {
    let mut app = demo_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = pay_exact_cash(&mut app);
    assert!(job.is_none(), "nothing to print to");
    assert_eq!(till(&app).status().expect("status").sales_count, 1);
    assert!(!shows_id(&app, REPRINT_ID));
    assert!(!on_screen(&app, "打印"), "{:?}", all_texts(&app));
}

fn shows_id(app: &App, id: &'static str) -> bool {
    iced_test::Simulator::with_settings(settings(), app.view())
        .find(iced_test::selector::id(id))
        .is_ok()
}

fn reports_state(app: &App) -> &reports::State {
    match app.screen() {
        tillguard::ui::app::Screen::Reports(state) => state,
        _ => panic!("not on the reports screen"),
    }
}

#[test]
fn the_reports_screen_shows_the_day_prints_exports_and_reprints_what_waits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let printer_dir = dir.path().join("printer");
    let mut app = app_printing_to(dir.path(), &printer_dir);
    type_and_enter(&mut app, SCAN_ID, &format!("{COLA}x2"));
    let job = pay_exact_cash(&mut app);
    finish(&mut app, job); // fails: no printer folder yet

    deliver(&mut app, vec![key(Shortcut::Reports)]);
    let state = reports_state(&app);
    assert_eq!(state.days.len(), 1);
    assert_eq!(state.days[0].sales_total, cny("7.00"));
    assert_eq!(state.hourly.len(), 1, "one hour with sales");
    assert_eq!((state.hourly[0].count, state.hourly[0].total), (1, cny("7.00")));
    assert!(state.report.contains("7.00"), "{}", state.report);
    assert_eq!(state.queue.len(), 1, "the receipt that did not print waits");
    assert!(on_screen(&app, "¥7.00 (1)"), "{:?}", all_texts(&app));

    // The printer is back: the waiting receipt is reprinted from here.
    std::fs::create_dir_all(&printer_dir).expect("printer folder");
    let job = deliver(&mut app, vec![Message::Reports(reports::Message::Reprint(1))]);
    finish(&mut app, job);
    assert!(reports_state(&app).queue.is_empty());
    assert!(on_screen(&app, "全部已打印"));

    // The day's X-report prints; the day exports as CSV.
    let job = click_text(&mut app, "打印 X 报表");
    finish(&mut app, job);
    assert_eq!(
        till(&app)
            .store()
            .print_jobs_for("report_x", "2026-03-14")
            .expect("jobs")
            .len(),
        1
    );
    // Any receipt of the day comes out again from here, marked as a copy.
    assert_eq!(reports_state(&app).sales.len(), 1);
    let job = deliver(&mut app, vec![Message::Reports(reports::Message::ReprintSale(1))]);
    finish(&mut app, job);
    let jobs = till(&app).store().print_jobs_for("receipt", "1").expect("jobs");
    assert_eq!(
        jobs.iter().map(|j| (j.copy, j.state)).collect::<Vec<_>>(),
        [
            (false, tillguard::store::JobState::Done),
            (true, tillguard::store::JobState::Done)
        ]
    );
    let _ = click_text(&mut app, "导出 CSV");
    let csv = std::fs::read_to_string(dir.path().join("exports/tillguard-2026-03-14.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(
        reports_state(&app)
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("已导出到"))
    );
    // A range of days: it starts as the month so far; a bad date is named, not exported.
    assert_eq!(
        (
            reports_state(&app).range_from.as_str(),
            reports_state(&app).range_until.as_str()
        ),
        ("2026-03-01", "2026-03-14")
    );
    let range = |from: &str, until: &str| {
        vec![
            Message::Reports(reports::Message::RangeFrom(from.into())),
            Message::Reports(reports::Message::RangeUntil(until.into())),
        ]
    };
    deliver(&mut app, range("2026-03-x", "2026-03-14"));
    let _ = click_text(&mut app, "导出这些天的 CSV");
    assert!(
        on_screen(&app, "“2026-03-x – 2026-03-14”不是日期范围"),
        "{:?}",
        all_texts(&app)
    );
    deliver(&mut app, range("2026-03-14", "2026-03-01"));
    let _ = click_text(&mut app, "导出这些天的 CSV");
    assert!(
        reports_state(&app)
            .error
            .as_deref()
            .is_some_and(|e| e.contains("2026-03-14"))
    );
    deliver(&mut app, range("2026-03-01", "2026-03-14"));
    let _ = click_text(&mut app, "导出这些天的 CSV");
    let csv = std::fs::read_to_string(dir.path().join("exports/tillguard-2026-03-01_2026-03-14.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 2, "header and the one sale: {csv}");

    deliver(&mut app, vec![key(Shortcut::Escape)]);
    assert!(matches!(app.screen(), tillguard::ui::app::Screen::Checkout));
}
