//! Every incident kind, raised through the till on a ledger file, reaches a webhook on
//! 127.0.0.1 and an SMTP server (STARTTLS, AUTH) started here, through the real transports;
//! a webhook that is down keeps its alerts queued until it is back.

mod alert_support;

use alert_support::http::{Answer, HttpServer};
use alert_support::smtp::{Security, SmtpServer};
use jiff::Timestamp;
use jiff::civil::Time;
use std::sync::Arc;
use std::time::Duration;
use tillguard::alert::outbox::Configured;
use tillguard::clock::{Clock, ManualClock};
use tillguard::config::{Config, EmailConfig, Language, SmtpSecurity, Standalone, WebhookConfig};
use tillguard::health::Device;
use tillguard::incident::IncidentKind;
use tillguard::money::Money;
use tillguard::settlement::batch::DeferReason;
use tillguard::settlement::slip::SlipText;
use tillguard::store::{CardKind, CardState, Store};
use tillguard::till::Till;
use tillguard::till::standalone::StandaloneTender;

fn at(s: &str) -> Timestamp {
    s.parse().expect("time")
}

fn config(hook: &HttpServer, mail: &SmtpServer, ca: std::path::PathBuf) -> Config {
    let mut config = Config::demo();
    config.time_zone = jiff::tz::TimeZone::UTC;
    config.language = Language::En;
    config.terminal = None;
    config.terminal_auto_clear = Some(Time::constant(23, 0, 0, 0));
    config.standalone = Some(Standalone {
        name: "POS".into(),
        acquirer: "Acq".into(),
        terminal_id: "T1".into(),
        voucher_on_slip: true,
    });
    config.alerts.webhook = Some(WebhookConfig {
        url: hook.url("/tillguard"),
        timeout_secs: 3,
    });
    config.alerts.email = Some(EmailConfig {
        server: "127.0.0.1".into(),
        port: mail.port(),
        security: SmtpSecurity::StartTls,
        username: Some("till".into()),
        password: Some("secret".into()),
        from: "till@shop.example".into(),
        to: vec!["manager@shop.example".into()],
        ca_file: Some(ca),
        timeout_secs: 5,
    });
    config
}

fn pay(till: &mut Till, voucher: &str) {
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA").expect("scan");
    let tender = StandaloneTender {
        voucher: voucher.into(),
        last4: "1234".into(),
        scheme: "visa".into(),
        ..StandaloneTender::default()
    };
    till.pay_standalone(&cart, &tender).expect("card sale");
}

#[test]
fn every_incident_kind_reaches_the_webhook_and_the_mail_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hook = HttpServer::start(Answer::Ok);
    let mail = SmtpServer::start(Security::StartTls, Some(("till", "secret")));
    let ca = mail.cert.write_pem(dir.path(), "ca.pem");
    let config = config(&hook, &mail, ca);
    let ledger = dir.path().join(tillguard::store::FILE_NAME);
    let clock = Arc::new(ManualClock::new(at("2026-11-26T10:00:00Z")));
    let store = Store::open(&ledger, config.currency).expect("ledger");
    let mut till = Till::with_store(store, config.clone(), clock.clone()).expect("till");
    let manager = till
        .manager_approval(tillguard::config::DEMO_MANAGER_PIN)
        .expect("manager");
    till.set_operator(Some(manager));

    // A deferral, then a settlement slip that does not match.
    pay(&mut till, "101");
    clock.set(at("2026-11-26T20:00:00Z"));
    let until = at("2026-11-26T21:00:00Z");
    till.defer(
        tillguard::config::DEMO_MANAGER_PIN,
        DeferReason::HostUnreachable,
        Some(until),
    )
    .expect("defer");
    clock.set(at("2026-11-26T21:30:00Z"));
    let slip = SlipText {
        count: "2".into(),
        amount: "7.00".into(),
        per_scheme: Vec::new(),
        voucher_range: "101-102".into(),
    };
    till.settle_standalone(&slip, till.now())
        .expect("settled with differences");
    // A batch the terminal clears unsettled at 23:00.
    pay(&mut till, "201");
    clock.set(at("2026-11-26T23:00:30Z"));
    till.guard(false).expect("guard");
    // The Z-report's backup fails: a file stands where the backups folder should be.
    std::fs::write(dir.path().join("backups"), b"in the way").expect("block");
    till.close_day(None, Money::zero(till.currency()))
        .expect("the Z-report stands");
    // The wall clock is set back an hour.
    clock.set(at("2026-11-26T22:00:00Z"));
    till.guard(false).expect("guard");
    // A card payment left in doubt (as a crash mid-payment leaves it).
    {
        let mut other = Store::open(&ledger, config.currency).expect("second connection");
        let amount = Money::parse("45.60", config.currency).expect("money");
        let id = other
            .card_begin(CardKind::Authorization, amount, "ZVT 1", None, None, clock.now())
            .expect("intent");
        other
            .card_set_state(id, CardState::InDoubt, "no answer within 30 s", clock.now())
            .expect("in doubt");
    }
    till.sweep_incidents().expect("sweep");
    // Devices unreachable for longer than the limit.
    let since = at("2026-11-26T21:40:00Z");
    till.device_offline(Device::Terminal, "ZVT /dev/ttyUSB0", since, "timed out")
        .expect("terminal");
    till.device_offline(Device::Printer, "tcp:10.0.0.9:9100", since, "connection refused")
        .expect("printer");

    let incidents = till.incidents(true).expect("incidents");
    let mut kinds: Vec<&str> = incidents.iter().map(|i| i.kind.as_str()).collect();
    kinds.sort_unstable();
    let mut all: Vec<&str> = IncidentKind::ALL.iter().map(|k| k.as_str()).collect();
    all.sort_unstable();
    assert_eq!(kinds, all, "one incident of every kind");

    let round = till.deliver_alerts(&Configured(&config.alerts)).expect("deliver");
    assert!(round.failed.is_empty(), "{:?}", round.failed);
    assert_eq!(round.sent, 16, "8 incidents x (webhook, e-mail)");
    assert!(till.alerts_waiting().expect("queue").is_empty());

    let posted = hook.wait_for_requests(8, Duration::from_secs(5));
    let mut hook_kinds: Vec<String> = posted
        .iter()
        .map(|r| {
            assert_eq!(r.method, "POST");
            assert_eq!(r.path, "/tillguard");
            let json: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON body");
            assert_eq!(json["event"], "incident");
            assert_eq!(json["training"], false);
            json["incident"]["kind"].as_str().expect("kind").to_string()
        })
        .collect();
    hook_kinds.sort_unstable();
    assert_eq!(hook_kinds, all);

    let mails = mail.messages();
    assert_eq!(mails.len(), 8);
    let i18n = tillguard::i18n::I18n::new(Language::En);
    for kind in IncidentKind::ALL {
        let title = tillguard::incident::kind_title(kind, &i18n);
        let found = mails.iter().any(|m| m.subject().is_ok_and(|s| s.contains(&title)));
        assert!(found, "an e-mail about {title}");
    }
    assert!(mails.iter().all(|m| m.tls && m.user.as_deref() == Some("till")));
    let lost = mails
        .iter()
        .find(|m| m.subject().is_ok_and(|s| s.contains("Lost card batch")))
        .expect("the lost batch's mail");
    let text = lost.text().expect("body");
    assert!(text.contains("3.50") && text.contains("claim list"), "{text}");
}

#[test]
fn alerts_queued_while_the_webhook_is_down_go_out_when_it_is_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hook = HttpServer::start(Answer::Status(503));
    let mail = SmtpServer::start(Security::StartTls, Some(("till", "secret")));
    let ca = mail.cert.write_pem(dir.path(), "ca.pem");
    let mut config = config(&hook, &mail, ca);
    config.alerts.email = None;
    let ledger = dir.path().join(tillguard::store::FILE_NAME);
    let clock = Arc::new(ManualClock::new(at("2026-11-26T10:00:00Z")));
    let since = at("2026-11-26T09:00:00Z");
    {
        let store = Store::open(&ledger, config.currency).expect("ledger");
        let mut till = Till::with_store(store, config.clone(), clock.clone()).expect("till");
        till.device_offline(Device::Printer, "usb", since, "paper out")
            .expect("raise");
        let round = till.deliver_alerts(&Configured(&config.alerts)).expect("deliver");
        assert_eq!(round.failed.len(), 1);
        assert!(round.failed[0].2.contains("503"), "{:?}", round.failed);
    }
    // The till is restarted; the webhook is back; the alert is due again after 30 s.
    hook.set_answer(Answer::Ok);
    clock.set(at("2026-11-26T10:00:31Z"));
    let store = Store::open(&ledger, config.currency).expect("ledger");
    let mut till = Till::with_store(store, config.clone(), clock.clone()).expect("till");
    let waiting = till.alerts_waiting().expect("queue");
    assert_eq!((waiting.len(), waiting[0].attempts), (1, 1));
    let round = till.deliver_alerts(&Configured(&config.alerts)).expect("deliver");
    assert_eq!(round.sent, 1);
    let posted = hook.wait_for_requests(2, Duration::from_secs(5));
    assert_eq!(posted.len(), 2, "the failed attempt and the delivery");
    let json: serde_json::Value = serde_json::from_slice(&posted[1].body).expect("JSON");
    assert_eq!(json["incident"]["kind"], "printer_offline");
}
