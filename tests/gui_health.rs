//! Device health in the window: the idle terminal poll and the print outcomes feed the health
//! panel a manager sees under the end-of-day screen, and a terminal that stays unreachable
//! for longer than `[alerts] device_offline_minutes` is reported once for the incidents.
//! Driven through the shared harness (see `ui_harness`); the unreachable terminal is a serial
//! port that does not exist, as in `gui_manual_card`.

mod ui_harness;

use jiff::{SignedDuration, Timestamp};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tillguard::clock::{Clock, ManualClock};
use tillguard::config::{Config, DEFAULT_OFFLINE_MINUTES};
use tillguard::health::{Device, Status};
use tillguard::store::Store;
use tillguard::terminal::spec::TerminalSpec;
use tillguard::till::{DEMO_CATALOG, Till};
use tillguard::ui::job::Job;
use tillguard::ui::screen::checkout::SCAN_ID;
use tillguard::ui::screen::end_of_day;
use tillguard::ui::{App, Message, TerminalSetup};
use ui_harness::*;

const NO_PORT: &str = "/dev/tillguard-no-such-port";

fn noon() -> Timestamp {
    "2026-03-14T04:00:00Z".parse().expect("timestamp")
}

/// A till with a ledger on disk printing to a file in `dir`, whose terminal is a serial
/// port that does not exist; its first admin is logged in (a manager).
fn unreachable_terminal_app(dir: &Path, clock: Arc<ManualClock>) -> App {
    let out = dir.join("printer.bin");
    let text = format!(
        "[printer]\nconnection = \"file:{}\"\n[ui]\nlock_after_minutes = 0\n",
        out.display()
    );
    let config = Config::parse(&text).expect("config");
    let store = Store::open(&dir.join("tillguard.sqlite"), config.currency).expect("ledger");
    let mut till = Till::with_store(store, config, clock).expect("till");
    till.import_catalog(DEMO_CATALOG).expect("catalog");
    let setup = TerminalSetup {
        spec: Some(TerminalSpec::Serial {
            path: NO_PORT.into(),
            baud: 9600,
        }),
        data_dir: dir.to_path_buf(),
        think_time: Duration::ZERO,
    };
    let mut app = App::new(till, setup).0;
    unlock(&mut app);
    app
}

/// The clock time the panel shows for `at`, in the till's time zone.
fn clock_time(app: &App, at: Timestamp) -> String {
    let tz = till(app).config().time_zone.clone();
    at.to_zoned(tz).strftime("%H:%M:%S").to_string()
}

/// The idle Status Enquiry, run to its end as its worker thread would.
fn poll(app: &mut App) {
    let job = deliver(app, vec![Message::PollTerminal]).expect("an idle till polls");
    deliver(app, job.run_here());
    assert!(app.till().is_some(), "the till is back at the desk");
}

fn run(app: &mut App, job: Option<Job<Message>>) {
    let job = job.expect("a job was started");
    assert!(deliver(app, job.run_here()).is_none());
}

fn texts_with(app: &App, part: &str) -> Vec<String> {
    all_texts(app).into_iter().filter(|t| t.contains(part)).collect()
}

#[test]
fn a_failed_poll_shows_on_the_panel_and_is_reported_once_after_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Arc::new(ManualClock::new(noon()));
    let mut app = unreachable_terminal_app(dir.path(), clock.clone());
    assert_eq!(app.health().terminal.status(), Status::Unknown);

    // A receipt that prints: the printer is seen.
    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = pay_exact_cash(&mut app);
    run(&mut app, job);
    assert_eq!(app.health().printer.last_seen(), Some(noon()));

    // A minute later the idle poll finds no terminal.
    clock.advance(SignedDuration::from_mins(1));
    let failed_at = clock.now();
    assert!(deliver(&mut app, vec![key(tillguard::ui::keys::Shortcut::Escape)]).is_none());
    poll(&mut app);
    let terminal = &app.health().terminal;
    assert_eq!(terminal.status(), Status::Offline);
    assert_eq!(terminal.down_since(), Some(failed_at));
    let error = terminal.last_error().expect("the error is kept");
    assert!(error.text.contains(NO_PORT), "{}", error.text);

    // The manager's end-of-day screen shows both devices.
    deliver(&mut app, vec![Message::OpenEndOfDay]);
    assert_shows(&app, "设备状态");
    assert_shows(&app, "刷卡终端");
    assert_shows(&app, "离线");
    assert_shows(&app, "最后应答：从未");
    let shown = texts_with(&app, "最近错误");
    assert_eq!(shown.len(), 1, "{:?}", all_texts(&app));
    assert!(
        shown[0].starts_with(&format!("最近错误（{}）：", clock_time(&app, failed_at))),
        "{shown:?}"
    );
    assert!(shown[0].contains(NO_PORT), "{shown:?}");
    assert_shows(&app, "已离线 0 秒");
    assert_shows(&app, "小票打印机");
    assert_shows(&app, "在线");
    assert_shows(&app, &format!("最后应答：{}", clock_time(&app, noon())));
    assert_shows(&app, "已在线 1 分钟");
    deliver(&mut app, vec![Message::EndOfDay(end_of_day::Message::Back)]);
    assert_eq!(app.offline_reports(), 0, "not offline for long yet");

    // Exactly the limit is not longer than it; a minute more is.
    let limit = SignedDuration::from_mins(i64::from(DEFAULT_OFFLINE_MINUTES));
    clock.set(failed_at + limit);
    deliver(&mut app, vec![Message::GuardTick]);
    assert_eq!(app.offline_reports(), 0);
    clock.advance(SignedDuration::from_mins(1));
    deliver(&mut app, vec![Message::GuardTick]);
    // Handed over on this tick; the incidents take it from the queue on the next check.
    assert_eq!(app.offline_reports(), 1);
    let reported = app.pending_offline().to_vec();
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert_eq!(reported[0].device, Device::Terminal);
    assert_eq!(reported[0].since, failed_at);
    assert_eq!(reported[0].checked_at, clock.now());
    assert!(reported[0].last_error.text.contains(NO_PORT));

    // The outage goes on: more failed polls and ticks report nothing more.
    for _ in 0..3 {
        clock.advance(SignedDuration::from_mins(5));
        poll(&mut app);
        deliver(&mut app, vec![Message::GuardTick]);
    }
    assert_eq!(app.offline_reports(), 1, "once per outage");
    assert!(
        app.pending_offline().iter().all(|o| *o == reported[0]),
        "{:?}",
        app.pending_offline()
    );
    assert_eq!(app.health().terminal.down_since(), Some(failed_at));
    assert_eq!(
        app.health().printer.status(),
        Status::Online,
        "the file printer is fine"
    );
    deliver(&mut app, vec![Message::OpenEndOfDay]);
    assert_shows(&app, "已离线 26 分钟");
}

#[test]
fn a_terminal_that_answers_is_online_and_only_managers_see_the_panel() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The harness's simulated terminal (cashier logged in); its clock stands at noon.
    let mut app = simulator_app(dir.path(), Duration::ZERO);
    poll(&mut app);
    let terminal = &app.health().terminal;
    assert_eq!(terminal.status(), Status::Online);
    let seen = terminal.last_seen().expect("seen");
    assert_eq!(terminal.last_error(), None);

    deliver(&mut app, vec![Message::OpenEndOfDay]);
    assert!(
        !shows(&app, "设备状态"),
        "a cashier's end-of-day screen has no health panel"
    );
    deliver(&mut app, vec![Message::EndOfDay(end_of_day::Message::Back)]);

    deliver(&mut app, vec![Message::Lock]);
    log_in(&mut app, MANAGER);
    deliver(&mut app, vec![Message::OpenEndOfDay]);
    assert_shows(&app, "设备状态");
    let tz = till(&app).config().time_zone.clone();
    assert_shows(&app, &format!("最后应答：{}", seen.to_zoned(tz).strftime("%H:%M:%S")));
    assert_shows(&app, "无错误");
    assert_shows(&app, "已在线 0 秒");
    // No printer in an in-memory demo till: nothing heard from one.
    assert_eq!(app.health().printer.status(), Status::Unknown);
    assert_shows(&app, "未知");
}

#[test]
fn a_printer_that_fails_stays_offline_until_a_print_succeeds_and_is_reported_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The printer's file lies in a folder that is not there yet: every job fails.
    let printer_dir = dir.path().join("printer");
    let clock = Arc::new(ManualClock::new(noon()));
    let mut app = {
        let out = printer_dir.join("printer.bin");
        let text = format!(
            "[printer]\nconnection = \"file:{}\"\n[ui]\nlock_after_minutes = 0\n",
            out.display()
        );
        let config = Config::parse(&text).expect("config");
        let store = Store::open(&dir.path().join("tillguard.sqlite"), config.currency).expect("ledger");
        let mut till = Till::with_store(store, config, clock.clone()).expect("till");
        till.import_catalog(DEMO_CATALOG).expect("catalog");
        app_without_cable(till, dir.path())
    };
    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = pay_exact_cash(&mut app);
    run(&mut app, job);
    let printer = &app.health().printer;
    assert_eq!(printer.status(), Status::Offline);
    assert!(
        printer.last_error().is_some_and(|e| e.text.contains("printer.bin")),
        "{printer:?}"
    );

    // A file printer is taken to be there on the minute's check, but not over a failure.
    clock.advance(SignedDuration::from_mins(2));
    assert!(deliver(&mut app, vec![Message::GuardTick]).is_none());
    assert_eq!(app.health().printer.status(), Status::Offline);
    assert_eq!(
        app.health().terminal.status(),
        Status::Unknown,
        "no terminal is configured"
    );

    clock.advance(SignedDuration::from_mins(9));
    deliver(&mut app, vec![Message::GuardTick]);
    assert_eq!(app.offline_reports(), 1);
    let reported = app.pending_offline().to_vec();
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert_eq!((reported[0].device, reported[0].since), (Device::Printer, noon()));

    // The folder is there again: the reprint succeeds, which ends the outage.
    std::fs::create_dir_all(&printer_dir).expect("printer folder");
    let job = click_text(&mut app, "重打");
    run(&mut app, job);
    assert_eq!(app.health().printer.status(), Status::Online);
    let back = app.pending_back().to_vec();
    assert_eq!(back.len(), 1, "{back:?}");
    assert_eq!(
        (back[0].device, back[0].after),
        (Device::Printer, SignedDuration::from_mins(11))
    );
    deliver(&mut app, vec![Message::GuardTick]);
    assert_eq!(app.offline_reports(), 1, "nothing new");
}
