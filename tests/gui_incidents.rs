//! Incidents in the window: a lost card batch opens one; the banner names it on every screen
//! and the end-of-day screen's button leads to the manager's incidents screen, where the cause
//! and the remedy are written and the incident closed (it then leaves the list and the
//! banner), printed and exported as CSV. A cashier is asked for a manager's PIN (see
//! `ui_harness` for how the app is driven).
#![cfg(unix)]

mod ui_harness;

use std::sync::Arc;
use tillguard::alert::outbox::Transport;
use tillguard::alert::{AlertMessage, Channel};
use tillguard::clock::ManualClock;
use tillguard::config::{EmailConfig, SmtpSecurity, WebhookConfig};
use tillguard::incident::IncidentKind;
use tillguard::settlement::batch::BatchState;
use tillguard::store::{JobState, Store};
use tillguard::till::Till;
use tillguard::ui::app::Screen;
use tillguard::ui::job::Job;
use tillguard::ui::keys::Shortcut;
use tillguard::ui::screen::incidents::{self, CAUSE_ID, PIN_ID, REMEDY_ID};
use tillguard::ui::{App, Message, TerminalSetup};
use ui_harness::*;

/// 12:00 in the shop (UTC+8), when the colas were paid.
const NOON: &str = "2025-03-14T04:00:00Z";
/// 23:30 in the shop: the terminal cleared its batch at 23:00, unsettled.
const NIGHT: &str = "2025-03-14T15:30:00Z";
const BANNER_ONE: &str = "1 件未结事件：批次丢失 — F9";
const CLOSE: &str = "结案";
const SAVE: &str = "保存";
const CAUSE: &str = "晚班忘记结算";
const REMEDY: &str = "已向银联商务提交索赔，参考号 4411";

struct Shop {
    dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
}

/// A shop whose standalone terminal cleared a batch of two colas unsettled at 23:00.
fn shop_with_lost_batch() -> Shop {
    let shop = Shop {
        dir: tempfile::tempdir().expect("tempdir"),
        clock: Arc::new(ManualClock::new(NOON.parse().expect("timestamp"))),
    };
    let mut till = till_of(&shop);
    for voucher in ["101", "102"] {
        pay_on_counter_pos(&mut till, &[COLA], voucher);
    }
    drop(till);
    shop.clock.set(NIGHT.parse().expect("timestamp"));
    shop
}

/// A demo till printing to the preview folder `receipts/` beside the ledger, whose only
/// terminal is a standalone one that clears its batch at 23:00.
fn till_of(shop: &Shop) -> Till {
    till_with(shop, config())
}

fn till_with(shop: &Shop, config: tillguard::config::Config) -> Till {
    let store = Store::open(&shop.dir.path().join(tillguard::store::FILE_NAME), config.currency).expect("ledger");
    Till::with_store(store, config, shop.clock.clone()).expect("till")
}

fn config() -> tillguard::config::Config {
    let mut config = standalone_config(true);
    config.time_zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
    config.time_zone_name = "UTC+8".into();
    config.terminal_auto_clear = Some(jiff::civil::Time::constant(23, 0, 0, 0));
    // Notes are not the subject here; none should reach the desktop of whoever runs the tests.
    config.alerts.desktop = false;
    config
}

/// The window with `who` logged in, after its first guard tick (which opens the incident).
fn open_as(shop: &Shop, who: (&str, &str)) -> App {
    let no_cable = TerminalSetup {
        spec: None,
        data_dir: shop.dir.path().to_path_buf(),
        think_time: std::time::Duration::ZERO,
    };
    let (mut app, boot) = App::boot(till_of(shop), no_cable);
    assert!(boot.job.is_none(), "nothing to ask a terminal");
    log_in(&mut app, who);
    let history = till(&app).batch_history(5).expect("history");
    assert_eq!(history[0].state, BatchState::Lost, "the clear time passed unsettled");
    deliver(&mut app, vec![Message::GuardTick]);
    app
}

fn state(app: &App) -> &incidents::State {
    match app.screen() {
        Screen::Incidents(state) => state,
        _ => panic!("the incidents screen is not open"),
    }
}

fn on_screen(app: &App, part: &str) -> bool {
    all_texts(app).iter().any(|t| t.contains(part))
}

/// The one open incident: the lost batch.
fn the_incident(app: &App) -> tillguard::incident::Incident {
    let open = till(app).incidents(true).expect("incidents");
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].kind, IncidentKind::LostBatch);
    open[0].clone()
}

/// Runs a print job the way its worker thread would and hands its messages back.
fn finish(app: &mut App, job: Option<Job<Message>>) {
    let messages = job.expect("a print job was started").run_here();
    assert!(
        !messages.is_empty() && messages.iter().all(|m| matches!(m, Message::Printed(..))),
        "{messages:?}"
    );
    assert!(deliver(app, messages).is_none());
}

#[test]
fn a_manager_writes_up_closes_prints_and_exports_an_incident() {
    let shop = shop_with_lost_batch();
    let mut app = open_as(&shop, MANAGER);
    let incident = the_incident(&app);
    let row = format!("#{} 批次丢失", incident.id);

    // The banner names it on the checkout, and on the end-of-day screen (F9) too.
    assert_eq!(app.open_incidents().count, 1);
    assert_shows(&app, BANNER_ONE);
    deliver(&mut app, vec![key(Shortcut::EndOfDay)]);
    assert!(matches!(app.screen(), Screen::EndOfDay(_)));
    assert_shows(&app, BANNER_ONE);
    assert!(click_text(&mut app, "事件（1 件未结）").is_none());
    assert!(state(&app).from_end_of_day);
    assert_shows(&app, BANNER_ONE);
    assert!(!state(&app).gate, "a manager needs no PIN");

    // The list: kind, opened time, amount, terminal and batch.
    assert_shows(&app, &row);
    let batch = incident.batch_id.expect("a lost batch names its batch");
    assert!(
        on_screen(
            &app,
            &format!("发生于 2025-03-14 23:30 · ¥7.00 · 终端 standalone 柜台POS · 批次 #{batch}")
        ),
        "{:?}",
        all_texts(&app)
    );

    // Picked: what happened, what the till did, who was told (nobody: no channel set up).
    assert!(click_text(&mut app, &row).is_none());
    assert_shows(&app, &incident.what);
    assert_shows(&app, &incident.action);
    assert_shows(&app, "未通知收银机以外的人：未设置 Webhook 或电子邮件。");

    // Closing without a remedy is refused, in the screen's language.
    assert!(click_text(&mut app, CLOSE).is_none());
    assert_shows(&app, &format!("结案前请填写事件 #{} 的处理措施。", incident.id));
    assert!(the_incident(&app).is_open());

    // Cause first, saved; then the remedy, and closed.
    type_only(&mut app, CAUSE_ID, CAUSE);
    assert!(click_text(&mut app, SAVE).is_none());
    assert_shows(&app, &format!("事件 #{} 已保存。", incident.id));
    assert_eq!(the_incident(&app).cause, CAUSE);
    type_only(&mut app, REMEDY_ID, REMEDY);
    assert!(click_text(&mut app, CLOSE).is_none());
    assert_shows(&app, &format!("事件 #{} 已结案。", incident.id));
    let closed = till(&app).incident(incident.id).expect("incident");
    assert_eq!((closed.cause.as_str(), closed.remedy.as_str()), (CAUSE, REMEDY));
    assert_eq!(closed.closed.as_ref().map(|s| s.by.as_str()), Some(MANAGER.0));

    // It leaves the list and the banner.
    assert_eq!(app.open_incidents().count, 0);
    assert!(state(&app).incidents.is_empty());
    assert_shows(&app, "没有未结事件。");
    assert!(!on_screen(&app, "件未结事件"), "{:?}", all_texts(&app));
    assert_shows(&app, &format!("由 {} 于 2025-03-14 23:30 关闭", MANAGER.0));

    // Print: the incident's printout is queued and sent to the (preview) printer.
    let job = click_text(&mut app, "打印");
    finish(&mut app, job);
    let jobs = till(&app)
        .store()
        .print_jobs_for("incident", &incident.id.to_string())
        .expect("print jobs");
    assert_eq!(jobs.iter().map(|j| j.state).collect::<Vec<_>>(), [JobState::Done]);
    assert_shows(&app, &format!("事件 #{} 已打印。", incident.id));

    // Export CSV with the closed ones shown: the file holds the remedy; its path is shown.
    assert!(click_text(&mut app, "同时显示已结事件").is_none());
    assert!(state(&app).show_closed);
    assert_shows(&app, &row);
    assert!(
        click_text(&mut app, "导出 CSV").is_none(),
        "writing a file starts no job"
    );
    let folder = shop.dir.path().join("incidents");
    let files: Vec<_> = std::fs::read_dir(&folder)
        .expect("the incidents folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let csv = std::fs::read_to_string(&files[0]).expect("the CSV");
    assert!(csv.contains(REMEDY) && csv.contains("lost_batch"), "{csv}");
    assert_shows(&app, &format!("事件已写入 {}", files[0].display()));

    // Esc goes back to the end-of-day screen it came from, which counts none open.
    deliver(&mut app, vec![key(Shortcut::Escape)]);
    assert!(matches!(app.screen(), Screen::EndOfDay(_)));
    assert_shows(&app, "事件（0 件未结）");
}

#[test]
fn a_cashier_is_asked_for_a_manager_pin() {
    let shop = shop_with_lost_batch();
    let mut app = open_as(&shop, CASHIER);
    let incident = the_incident(&app);
    assert_shows(&app, BANNER_ONE);

    // Ctrl+I from the checkout: a cashier may read it.
    deliver(&mut app, vec![key(Shortcut::Incidents)]);
    assert!(!state(&app).from_end_of_day);
    assert!(state(&app).gate, "a cashier may not write incidents up");
    assert!(click_text(&mut app, &format!("#{} 批次丢失", incident.id)).is_none());
    assert_shows(&app, &incident.what);

    // Writing needs a manager's PIN; a wrong one is refused.
    type_only(&mut app, REMEDY_ID, REMEDY);
    assert!(click_text(&mut app, CLOSE).is_none());
    assert_shows(&app, "填写事件需要经理输入密码。");
    assert!(the_incident(&app).is_open());
    type_only(&mut app, PIN_ID, "0000");
    assert!(click_text(&mut app, CLOSE).is_none());
    assert!(state(&app).error.is_some());
    assert!(the_incident(&app).is_open(), "a wrong PIN closes nothing");

    // The manager's PIN: closed in the manager's name, and the banner goes.
    type_only(&mut app, PIN_ID, MANAGER.1);
    assert!(click_text(&mut app, CLOSE).is_none());
    assert_shows(&app, &format!("事件 #{} 已结案。", incident.id));
    let closed = till(&app).incident(incident.id).expect("incident");
    assert_eq!(closed.closed.as_ref().map(|s| s.by.as_str()), Some(MANAGER.0));
    assert_eq!(closed.remedy, REMEDY);
    assert!(!on_screen(&app, "件未结事件"));

    // Esc: back to the checkout it came from.
    deliver(&mut app, vec![key(Shortcut::Escape)]);
    assert!(matches!(app.screen(), Screen::Checkout));
}

/// The webhook fails, the mail server takes it.
struct HalfDown;

impl Transport for HalfDown {
    fn send(&self, channel: Channel, _: &AlertMessage) -> Result<(), String> {
        match channel {
            Channel::Webhook => Err("connection refused".into()),
            Channel::Email => Ok(()),
        }
    }
}

#[test]
fn who_was_told_shows_each_alert_sent_or_waiting_with_its_error() {
    let shop = shop_with_lost_batch();
    {
        // The incident opens while a webhook and a mail server are configured: one alert to
        // each is queued; one round of delivery sends the mail and fails the webhook.
        let mut config = config();
        config.alerts.webhook = Some(WebhookConfig {
            url: "http://127.0.0.1:9/hook".into(),
            timeout_secs: 1,
        });
        config.alerts.email = Some(EmailConfig {
            server: "127.0.0.1".into(),
            port: 2525,
            security: SmtpSecurity::StartTls,
            username: None,
            password: None,
            from: "till@example.com".into(),
            to: vec!["boss@example.com".into()],
            ca_file: None,
            timeout_secs: 1,
        });
        let mut till = till_with(&shop, config);
        // The guard finds the batch cleared (as the window's first check does), the sweep opens its incident.
        till.guard(false).expect("guard");
        till.sweep_incidents().expect("swept");
        assert_eq!(till.incidents(true).expect("incidents").len(), 1);
        let round = till.deliver_alerts(&HalfDown).expect("delivered");
        assert_eq!((round.sent, round.failed.len()), (1, 1));
    }
    // The window runs without channels, so no sender of its own touches the queue.
    let mut app = open_as(&shop, MANAGER);
    let incident = the_incident(&app);
    deliver(&mut app, vec![Message::OpenIncidents]);
    assert!(click_text(&mut app, &format!("#{} 批次丢失", incident.id)).is_none());
    assert_eq!(state(&app).selected.as_ref().map(|s| s.alerts.len()), Some(2));
    assert_shows(&app, "电子邮件：已于 2025-03-14 23:30 发送");
    assert!(
        on_screen(&app, "Webhook：尚未发送，已尝试 1 次，下次尝试 2025-03-14 23:"),
        "{:?}",
        all_texts(&app)
    );
    assert_shows(&app, "最近的错误：connection refused");
}
