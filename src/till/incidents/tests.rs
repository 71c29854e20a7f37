//! Every incident kind raised through the till, once per fact, with its alerts queued per
//! configured channel (none in training), the manager's write-up and close, print and CSV.

use crate::alert::outbox::Transport;
use crate::alert::{AlertMessage, Channel};
use crate::clock::ManualClock;
use crate::config::{Config, EmailConfig, SmtpSecurity, Standalone, WebhookConfig};
use crate::incident::{Device, IncidentKind};
use crate::money::Money;
use crate::settlement::batch::DeferReason;
use crate::settlement::slip::SlipText;
use crate::store::{AlertState, CardKind, CardState, Store};
use crate::till::fake_terminal::{at, log_in_manager};
use crate::till::standalone::StandaloneTender;
use crate::till::{Till, TillError};
use jiff::civil::Time;
use std::cell::RefCell;
use std::sync::Arc;

fn config() -> Config {
    let mut config = Config::demo();
    config.time_zone = jiff::tz::TimeZone::UTC;
    config.language = crate::config::Language::En;
    config.terminal = None;
    config.terminal_auto_clear = Some(Time::constant(23, 0, 0, 0));
    config.standalone = Some(Standalone {
        name: "POS".into(),
        acquirer: "Acq".into(),
        terminal_id: "T1".into(),
        voucher_on_slip: true,
    });
    config.alerts.webhook = Some(WebhookConfig {
        url: "http://127.0.0.1:9/hook".into(),
        timeout_secs: 1,
    });
    config.alerts.email = Some(EmailConfig {
        server: "127.0.0.1".into(),
        port: 9,
        security: SmtpSecurity::StartTls,
        username: None,
        password: None,
        from: "till@shop.test".into(),
        to: vec!["manager@shop.test".into()],
        ca_file: None,
        timeout_secs: 1,
    });
    config
}

fn till_with(config: Config) -> (Till, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at("2026-11-26T10:00:00Z")));
    let store = Store::open_in_memory(config.currency).expect("store");
    let mut till = Till::with_store(store, config, clock.clone()).expect("till");
    log_in_manager(&mut till);
    (till, clock)
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

fn kinds(till: &mut Till) -> Vec<IncidentKind> {
    till.sweep_incidents().expect("sweep").iter().map(|i| i.kind).collect()
}

/// Records what it was asked to send; fails while `down`.
#[derive(Default)]
struct Recorder {
    sent: RefCell<Vec<(Channel, AlertMessage)>>,
    down: RefCell<bool>,
}

impl Transport for Recorder {
    fn send(&self, channel: Channel, message: &AlertMessage) -> Result<(), String> {
        if *self.down.borrow() {
            return Err("connection refused".into());
        }
        self.sent.borrow_mut().push((channel, message.clone()));
        Ok(())
    }
}

#[test]
fn a_deferral_a_mismatch_and_a_lost_batch_each_open_one_incident_with_alerts() {
    let (mut till, clock) = till_with(config());
    assert!(kinds(&mut till).is_empty(), "a fresh till has nothing to report");
    pay(&mut till, "101");
    clock.set(at("2026-11-26T20:00:00Z"));
    let until = at("2026-11-26T21:00:00Z");
    till.defer(
        crate::config::DEMO_MANAGER_PIN,
        DeferReason::TerminalOffline,
        Some(until),
    )
    .expect("defer");
    assert_eq!(kinds(&mut till), [IncidentKind::Deferral]);
    assert!(kinds(&mut till).is_empty(), "one fact, one incident");

    // The slip says two payments, the till knows one: a mismatch.
    clock.set(at("2026-11-26T21:30:00Z"));
    let slip = SlipText {
        count: "2".into(),
        amount: "7.00".into(),
        per_scheme: Vec::new(),
        voucher_range: "101-102".into(),
    };
    till.settle_standalone(&slip, till.now())
        .expect("settled with differences");
    let opened = till.sweep_incidents().expect("sweep");
    assert_eq!(opened.len(), 1);
    let mismatch = &opened[0];
    assert_eq!(mismatch.kind, IncidentKind::Mismatch);
    assert_eq!(
        mismatch.amount,
        Some(Money::parse("3.50", till.currency()).expect("money"))
    );
    assert!(
        mismatch.what.contains("7.00") && mismatch.what.contains("3.50"),
        "{}",
        mismatch.what
    );
    assert!(mismatch.what.contains("1 receipt(s) missing"), "{}", mismatch.what);

    // The next batch is cleared by the terminal unsettled at 23:00.
    pay(&mut till, "201");
    pay(&mut till, "202");
    clock.set(at("2026-11-26T23:00:30Z"));
    till.guard(false).expect("guard");
    let lost = till.sweep_incidents().expect("sweep");
    assert_eq!(
        lost.iter().map(|i| i.kind).collect::<Vec<_>>(),
        [IncidentKind::LostBatch]
    );
    assert_eq!(
        lost[0].amount,
        Some(Money::parse("7.00", till.currency()).expect("money"))
    );
    assert!(lost[0].what.contains("2 payments"), "{}", lost[0].what);
    assert!(lost[0].action.contains("claim list"), "{}", lost[0].action);

    // Each incident has a webhook and an e-mail alert waiting; the window hears of all three.
    let waiting = till.alerts_waiting().expect("queue");
    assert_eq!(waiting.len(), 6);
    let lost_alerts = till.incident_alerts(lost[0].id).expect("alerts");
    let channels: Vec<_> = lost_alerts.iter().map(|a| a.channel).collect();
    assert_eq!(channels, [Channel::Webhook, Channel::Email]);
    let json = &lost_alerts[0].message.json;
    assert_eq!(json["incident"]["kind"], "lost_batch");
    assert_eq!(json["incident"]["amount"], "7.00");
    assert_eq!(json["training"], false);
    assert!(lost_alerts[1].message.subject.contains("Lost card batch"));
    let new: Vec<_> = till.take_new_incidents().iter().map(|i| i.kind).collect();
    assert_eq!(
        new,
        [IncidentKind::Deferral, IncidentKind::Mismatch, IncidentKind::LostBatch]
    );
    assert!(till.take_new_incidents().is_empty());
}

#[test]
fn a_payment_in_doubt_a_clock_jump_and_a_failed_backup_open_incidents() {
    let (mut till, clock) = till_with(config());
    let amount = Money::parse("12.30", till.currency()).expect("money");
    let id = till
        .store
        .card_begin(CardKind::Authorization, amount, "ZVT 1", None, None, till.now())
        .expect("intent");
    till.store
        .card_set_state(id, CardState::InDoubt, "no answer within 30 s", till.now())
        .expect("in doubt");
    // The clock is set back an hour: the till notices on its next look.
    clock.set(at("2026-11-26T09:00:00Z"));
    till.note_clock().expect("clock check");
    let now = till.now();
    till.store
        .audit(now, "till", "backup.failed", "cannot write /mnt/usb: no space")
        .expect("audit");
    let opened = till.sweep_incidents().expect("sweep");
    let found: Vec<_> = opened.iter().map(|i| i.kind).collect();
    assert_eq!(
        found,
        [
            IncidentKind::PaymentInDoubt,
            IncidentKind::ClockJump,
            IncidentKind::BackupFailed
        ]
    );
    assert_eq!(opened[0].amount, Some(amount));
    assert!(opened[0].what.contains("no answer within 30 s"), "{}", opened[0].what);
    assert!(opened[2].what.contains("no space"), "{}", opened[2].what);
    assert!(till.sweep_incidents().expect("again").is_empty());
}

#[test]
fn a_device_offline_opens_one_incident_per_outage() {
    let (mut till, clock) = till_with(config());
    let since = at("2026-11-26T09:40:00Z");
    let first = till
        .device_offline(Device::Printer, "tcp:10.0.0.9:9100", since, "connection refused")
        .expect("raise")
        .expect("opened");
    assert_eq!(first.kind, IncidentKind::PrinterOffline);
    assert!(first.what.contains("connection refused") && first.what.contains("09:40"));
    assert!(
        till.device_offline(Device::Printer, "tcp:10.0.0.9:9100", since, "refused")
            .expect("raise")
            .is_none(),
        "the same outage again"
    );
    clock.set(at("2026-11-26T12:00:00Z"));
    let later = at("2026-11-26T11:50:00Z");
    let terminal = till
        .device_offline(Device::Terminal, "ZVT /dev/ttyUSB0", later, "timed out")
        .expect("raise")
        .expect("a new outage");
    assert_eq!(terminal.kind, IncidentKind::TerminalOffline);
    assert_eq!(till.open_incident_count().expect("count"), 2);
}

#[test]
fn a_training_till_queues_no_alerts() {
    let (mut till, clock) = till_with(config());
    till.training = true;
    pay(&mut till, "101");
    clock.set(at("2026-11-26T23:00:30Z"));
    till.guard(false).expect("guard");
    assert_eq!(kinds(&mut till), [IncidentKind::LostBatch]);
    assert!(till.alerts_waiting().expect("queue").is_empty());
    assert!(matches!(till.queue_test_alert(), Err(TillError::Incident(_))));
}

#[test]
fn alerts_wait_while_offline_and_go_out_when_back() {
    let (mut till, clock) = till_with(config());
    let since = at("2026-11-26T09:40:00Z");
    till.device_offline(Device::Terminal, "ZVT", since, "timed out")
        .expect("raise");
    let transport = Recorder::default();
    *transport.down.borrow_mut() = true;
    let round = till.deliver_alerts(&transport).expect("round");
    assert_eq!((round.sent, round.failed.len()), (0, 2));
    // Nothing is due again for 30 s; then it is tried again and delivered.
    assert!(till.deliver_alerts(&transport).expect("round").failed.is_empty());
    let waiting = till.alerts_waiting().expect("queue");
    assert_eq!(waiting[0].attempts, 1);
    assert_eq!(waiting[0].last_error.as_deref(), Some("connection refused"));
    assert_eq!(
        waiting[0].state,
        AlertState::Waiting {
            next: at("2026-11-26T10:00:30Z")
        }
    );
    *transport.down.borrow_mut() = false;
    clock.set(at("2026-11-26T10:00:31Z"));
    assert_eq!(till.deliver_alerts(&transport).expect("round").sent, 2);
    assert!(till.alerts_waiting().expect("queue").is_empty());
    let sent = transport.sent.borrow();
    assert_eq!(
        sent.iter().map(|s| s.0).collect::<Vec<_>>(),
        [Channel::Webhook, Channel::Email]
    );
    assert_eq!(sent[0].1.json["incident"]["kind"], "terminal_offline");
}

#[test]
fn a_manager_writes_the_cause_and_remedy_and_closes_it() {
    let (mut till, _) = till_with(config());
    let since = at("2026-11-26T09:40:00Z");
    let i = till
        .device_offline(Device::Printer, "usb", since, "paper out")
        .expect("raise")
        .expect("opened");
    let e = till
        .note_incident(i.id, "paper ran out", "", true, None)
        .expect_err("no remedy");
    assert!(e.to_string().contains("remedy"), "{e}");
    let noted = till
        .note_incident(i.id, "paper ran out", "", false, None)
        .expect("cause written");
    assert!(noted.is_open() && noted.cause == "paper ran out");
    let closed = till
        .note_incident(
            i.id,
            "paper ran out",
            "roll replaced, spare rolls under the counter",
            true,
            None,
        )
        .expect("closed");
    assert_eq!(closed.closed.as_ref().map(|c| c.by.as_str()), Some("李经理 Manager Li"));
    assert!(till.incidents(true).expect("open").is_empty());
    assert_eq!(till.incidents(false).expect("all").len(), 1);
    let again = till.note_incident(i.id, "x", "y", true, None).expect_err("final");
    assert!(again.to_string().contains("closed already"), "{again}");
    let events = till.store.audit_tail(3).expect("audit");
    assert!(events.iter().any(|e| e.kind == "incident.close"), "{events:?}");
    // A cashier may not.
    till.set_operator(None);
    let denied = till.note_incident(i.id, "x", "y", false, None).expect_err("cashier");
    assert!(matches!(denied, TillError::NotPermitted { .. }), "{denied}");
    // The CSV and the printout carry the write-up.
    let csv = till.incidents_csv(false).expect("csv");
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let row = rows.records().next().expect("a row").expect("csv row");
    assert_eq!(&row[1], "printer_offline");
    assert_eq!(&row[9], "roll replaced, spare rolls under the counter");
    let job = till.queue_incident(i.id).expect("print");
    let text = till.store.print_job(job).expect("job").expect("queued").doc.text();
    assert!(text.contains("roll replaced") && text.contains("INCIDENT #1"), "{text}");
}

#[test]
fn a_reminder_before_the_clear_time_is_queued_for_the_manager() {
    let (mut till, _) = till_with(config());
    let clear_at = at("2026-11-26T23:00:00Z");
    assert_eq!(till.queue_reminder_alert("POS", 30, clear_at).expect("queued"), 2);
    let waiting = till.alerts_waiting().expect("queue");
    assert_eq!(waiting[0].message.json["event"], "reminder");
    assert_eq!(waiting[0].message.json["minutes_to_clear"], 30);
    assert!(
        waiting[1].message.subject.contains("within 30 min"),
        "{}",
        waiting[1].message.subject
    );
    assert!(waiting[1].message.text.contains("23:00"), "{}", waiting[1].message.text);
    till.training = true;
    assert_eq!(till.queue_reminder_alert("POS", 10, clear_at).expect("none"), 0);
}
