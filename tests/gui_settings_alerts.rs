//! Alerts in the Settings screen (F10): the webhook and the mail server typed into the form,
//! "Send test alert" sending with the form's values (before saving) to a local HTTP server and
//! a local SMTP server with STARTTLS and a login, each channel's outcome on screen, a bad
//! address shown at its field and the button disabled, and the saved file loading again.

mod alert_support;
mod ui_harness;

use alert_support::http::{Answer, HttpServer};
use alert_support::smtp::{Security, SmtpServer};
use iced::keyboard::key::{NativeCode, Physical};
use iced::keyboard::{self, Key, Location, Modifiers};
use iced::{Point, mouse};
use iced_test::Simulator;
use iced_test::selector;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tillguard::clock::ManualClock;
use tillguard::config::edit::Field;
use tillguard::config::{Config, SmtpSecurity};
use tillguard::ui::app::Screen;
use tillguard::ui::job::Job;
use tillguard::ui::keys::Shortcut;
use tillguard::ui::screen::settings::{self, CONFIRM_ID, FORM_ID, SAVE_ID, TEST_ALERT_ID, input_id};
use tillguard::ui::{App, Message, TerminalSetup};
use ui_harness::*;

const USER: &str = "till";
const PASSWORD: &str = "s3cret pw";
const TO: &str = "boss@shop.example, owner@example.org";

/// A demo till (no config file yet) with its ledger and config file in `dir`, the demo
/// manager logged in.
fn manager_app(dir: &Path) -> App {
    let paths = tillguard::till::Paths::resolve(Some(dir.to_path_buf()), None).expect("paths");
    let noon = "2026-03-14T04:00:00Z".parse().expect("timestamp");
    let till = tillguard::till::Till::open(&paths, Arc::new(ManualClock::new(noon))).expect("till");
    let setup = TerminalSetup {
        spec: None,
        data_dir: dir.to_path_buf(),
        think_time: Duration::ZERO,
    };
    let mut app = App::new(till, setup).0;
    log_in(&mut app, MANAGER);
    app
}

fn state(app: &App) -> &settings::State {
    match app.screen() {
        Screen::Settings(state) => state,
        _ => panic!("not on the settings screen"),
    }
}

fn on_screen(app: &App, part: &str) -> bool {
    all_texts(app).iter().any(|t| t.contains(part))
}

fn ctrl_a() -> [iced::Event; 3] {
    let key = Key::Character("a".into());
    let press = keyboard::Event::KeyPressed {
        key: key.clone(),
        modified_key: key,
        physical_key: Physical::Unidentified(NativeCode::Unidentified),
        location: Location::Standard,
        modifiers: Modifiers::CTRL,
        text: None,
        repeat: false,
    };
    [
        iced::Event::Keyboard(keyboard::Event::ModifiersChanged(Modifiers::CTRL)),
        iced::Event::Keyboard(press),
        iced::Event::Keyboard(keyboard::Event::ModifiersChanged(Modifiers::empty())),
    ]
}

/// Scrolls the form with the wheel until the widget `id` is in its middle.
fn reveal(ui: &mut Simulator<'_, Message>, id: &'static str) {
    let form = ui.find(selector::id(FORM_ID)).expect("the form").bounds();
    let target = ui.find(selector::id(id)).expect("the widget").bounds();
    ui.point_at(Point::new(form.x + 40.0, form.center_y()));
    let wheel = mouse::Event::WheelScrolled {
        delta: mouse::ScrollDelta::Pixels {
            x: 0.0,
            y: form.center_y() - target.center_y(),
        },
    };
    let _ = ui.simulate([iced::Event::Mouse(wheel)]);
}

/// Replaces a field's text as a person does: scroll to it, click, select all, type.
fn retype(app: &mut App, field: Field, text: &str) {
    interact(app, |ui| {
        reveal(ui, input_id(field));
        ui.click(selector::id(input_id(field)))
            .unwrap_or_else(|e| panic!("{field:?} not reachable: {e}"));
        let _ = ui.simulate(ctrl_a());
        match text {
            "" => {
                let _ = ui.tap_key(Key::Named(keyboard::key::Named::Backspace));
            }
            _ => {
                let _ = ui.typewrite(text);
            }
        }
        Vec::new()
    });
    assert_eq!(state(app).form.get(field), text, "{field:?} as typed");
}

/// Clicks "Send test alert"; the job it starts, if it started one.
fn click_test_alert(app: &mut App) -> Option<Job<Message>> {
    interact(app, |ui| {
        reveal(ui, TEST_ALERT_ID);
        ui.click(selector::id(TEST_ALERT_ID)).expect("the test alert button");
        Vec::new()
    })
}

/// The form filled in for both local servers.
fn fill_in(app: &mut App, hook: &str, smtp: &SmtpServer, ca: &Path) {
    retype(app, Field::WebhookUrl, hook);
    retype(app, Field::EmailServer, "127.0.0.1");
    retype(app, Field::EmailPort, &smtp.port().to_string());
    retype(app, Field::EmailUsername, USER);
    retype(app, Field::EmailPassword, PASSWORD);
    retype(app, Field::EmailFrom, "till@shop.example");
    retype(app, Field::EmailTo, TO);
    retype(app, Field::EmailCaFile, &ca.display().to_string());
    assert!(state(app).form.is_valid(), "{:?}", state(app).form.errors());
}

#[test]
fn a_test_alert_goes_out_with_the_forms_values_and_the_settings_are_saved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let http = HttpServer::start(Answer::Ok);
    let smtp = SmtpServer::start(Security::StartTls, Some((USER, PASSWORD)));
    let ca: PathBuf = smtp.cert.write_pem(dir.path(), "ca.pem");
    let mut app = manager_app(dir.path());
    deliver(&mut app, vec![key(Shortcut::Settings)]);
    assert!(!state(&app).needs_pin());

    // Nothing configured: the button does nothing and says why.
    assert!(!state(&app).can_test_alert());
    assert!(
        on_screen(&app, "请先填写 Webhook 地址或邮件服务器"),
        "{:?}",
        all_texts(&app)
    );
    assert!(click_test_alert(&mut app).is_none());
    // The mail settings show once a server is named.
    assert!(!shows_id(&app, input_id(Field::EmailPassword)));

    let hook = http.url("/hooks/till");
    fill_in(&mut app, &hook, &smtp, &ca);
    assert!(
        !all_texts(&app).iter().any(|t| t.contains(PASSWORD)),
        "the password is never shown"
    );

    // Sent on a worker thread with the form's values; the test runs that job itself.
    let job = click_test_alert(&mut app).expect("the test alert is sent by a job");
    assert!(state(&app).alert_test.running);
    assert!(!state(&app).can_test_alert(), "not twice at once");
    deliver(&mut app, job.run_here());

    let requests = http.wait_for_requests(1, Duration::from_secs(5));
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("POST", "/hooks/till")
    );
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).expect("JSON body");
    assert_eq!(body["event"], "test", "{body}");
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].tls, "STARTTLS with the CA file");
    assert_eq!(mails[0].user.as_deref(), Some(USER));
    assert_eq!(mails[0].to, ["boss@shop.example", "owner@example.org"]);
    assert!(mails[0].subject().expect("subject").contains("测试警报"));
    for sent in ["Webhook：已发送", "电子邮件：已发送"] {
        assert!(on_screen(&app, sent), "{sent}: {:?}", all_texts(&app));
    }
    // Not saved: nothing written, the running till has no channel.
    assert!(!dir.path().join(tillguard::config::FILE_NAME).exists());
    assert_eq!(till(&app).config().alerts.webhook, None);

    // A channel that fails says so next to the one that worked.
    http.set_answer(Answer::Status(500));
    let job = click_test_alert(&mut app).expect("a job");
    deliver(&mut app, job.run_here());
    assert!(
        on_screen(&app, "Webhook：未发送：") && on_screen(&app, "HTTP 500"),
        "{:?}",
        all_texts(&app)
    );
    assert!(on_screen(&app, "电子邮件：已发送"), "{:?}", all_texts(&app));
    http.set_answer(Answer::Ok);

    // A bad address: its error at the field, and neither test nor save is offered.
    retype(&mut app, Field::WebhookUrl, "ftp://example.com/hook");
    assert!(on_screen(&app, "不是有效的 Webhook 地址"), "{:?}", all_texts(&app));
    assert!(on_screen(&app, "ftp://example.com/hook"), "{:?}", all_texts(&app));
    assert!(!state(&app).can_test_alert());
    assert!(click_test_alert(&mut app).is_none(), "the button is disabled");
    assert_eq!(http.requests().len(), 2, "nothing more was sent");
    retype(&mut app, Field::WebhookUrl, &hook);

    // Saved (the demo's new file confirmed first), the file loads with the values, and the
    // running till takes them on at once.
    click_id(&mut app, CONFIRM_ID);
    assert!(state(&app).can_save(), "{:?}", state(&app).form.errors());
    interact(&mut app, |ui| {
        ui.click(selector::id(SAVE_ID)).expect("the Save button");
        Vec::new()
    });
    let file = dir.path().join(tillguard::config::FILE_NAME);
    let saved = Config::load(&file).expect("the saved file loads").alerts;
    assert!(saved.desktop);
    assert_eq!(saved.webhook.as_ref().map(|w| w.url.as_str()), Some(hook.as_str()));
    let email = saved.email.clone().expect("e-mail");
    assert_eq!((email.server.as_str(), email.port), ("127.0.0.1", smtp.port()));
    assert_eq!(email.security, SmtpSecurity::StartTls);
    assert_eq!(
        (email.username.as_deref(), email.password.as_deref()),
        (Some(USER), Some(PASSWORD))
    );
    assert_eq!(email.to, ["boss@shop.example", "owner@example.org"]);
    assert_eq!(email.ca_file.as_deref(), Some(ca.as_path()));
    assert_eq!(till(&app).config().alerts, saved);
    assert!(on_screen(&app, "已保存"), "{:?}", all_texts(&app));
    // The audit names the keys that changed, never a value.
    let audit = till(&app).store().audit_tail(5).expect("audit");
    let settings = audit
        .iter()
        .rfind(|e| e.kind == "settings")
        .expect("the save is audited");
    assert!(
        settings.detail.contains("[alerts.email] password"),
        "{}",
        settings.detail
    );
    assert!(audit.iter().all(|e| !e.detail.contains(PASSWORD)), "{audit:?}");

    // The form shows the file as saved; emptying the webhook address removes the webhook.
    assert_eq!(state(&app).form.get(Field::WebhookUrl), hook);
    assert!(state(&app).form.changed().is_empty());
    retype(&mut app, Field::WebhookUrl, "");
    interact(&mut app, |ui| {
        ui.click(selector::id(SAVE_ID)).expect("the Save button");
        Vec::new()
    });
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(!text.contains("webhook"), "{text}");
    let saved = Config::load(&file).expect("loads").alerts;
    assert_eq!(saved.webhook, None);
    assert!(saved.email.is_some());
}

fn shows_id(app: &App, id: &'static str) -> bool {
    Simulator::with_settings(ui_harness::settings(), app.view())
        .find(selector::id(id))
        .is_ok()
}
