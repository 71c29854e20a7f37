//! Desktop notifications from the window: the reminders before the terminal clears its batch,
//! 30, 10 and 2 minutes before, each once, and an incident's note (see `ui_harness` for how
//! the app is driven; the notes are recorded instead of shown).
#![cfg(unix)]

mod ui_harness;

use jiff::Timestamp;
use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::platform::Note;
use tillguard::settlement::guard::{Verdict, Why};
use tillguard::store::Store;
use tillguard::till::Till;
use tillguard::ui::{App, Message};
use ui_harness::*;

/// 12:00 in the shop (UTC+8), when the cola is paid.
const NOON: &str = "2025-03-14T04:00:00Z";

struct Shop {
    dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
}

/// A demo till whose only terminal is a standalone one that clears its batch at 23:00, with
/// one card payment in its batch; the window is open, its notes recorded.
fn open() -> (Shop, App, tillguard::platform::RecordingNotifier) {
    let shop = Shop {
        dir: tempfile::tempdir().expect("tempdir"),
        clock: Arc::new(ManualClock::new(NOON.parse().expect("timestamp"))),
    };
    let mut config = standalone_config(true);
    config.time_zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
    config.time_zone_name = "UTC+8".into();
    config.terminal_auto_clear = Some(jiff::civil::Time::constant(23, 0, 0, 0));
    let store = Store::open(&shop.dir.path().join(tillguard::store::FILE_NAME), config.currency).expect("ledger");
    let mut till = Till::with_store(store, config, shop.clock.clone()).expect("till");
    pay_on_counter_pos(&mut till, &[COLA], "101");
    let mut app = app_without_cable(till, shop.dir.path());
    let notes = record_notes(&mut app);
    (shop, app, notes)
}

/// The clock at `local` (HH:MM in the shop) on the payment's day, and a guard tick.
fn tick_at(shop: &Shop, app: &mut App, local: &str) {
    let (h, m) = local.split_once(':').expect("HH:MM");
    let utc = format!("2025-03-14T{:02}:{m}:00Z", h.parse::<i64>().expect("hour") - 8);
    shop.clock.set(utc.parse::<Timestamp>().expect("timestamp"));
    deliver(app, vec![Message::GuardTick]);
}

fn reminder(minutes: i64, urgent: bool) -> Note {
    Note {
        title: if urgent {
            "请立即结算银行卡批次"
        } else {
            "请结算银行卡批次"
        }
        .into(),
        body: format!("终端将在 {minutes} 分钟后（23:00）清零批次：请先结算，否则其中的刷卡款项只能逐笔索赔。"),
        urgent,
    }
}

#[test]
fn the_reminders_at_30_10_and_2_minutes_before_the_clear_time_are_each_sent_once() {
    let (shop, mut app, notes) = open();
    tick_at(&shop, &mut app, "12:00");
    tick_at(&shop, &mut app, "22:29");
    assert_eq!(notes.notes(), Vec::new(), "no reminder before 30 minutes to go");

    tick_at(&shop, &mut app, "22:30");
    assert!(matches!(app.guard().verdict, Verdict::Remind { minutes: 30, .. }));
    let banner = "终端将在 30 分钟后清零，请先结算";
    assert!(
        all_texts(&app).iter().any(|t| t.contains(banner)),
        "the banner counts down: {:?}",
        all_texts(&app)
    );
    for later in ["22:30", "22:31", "22:45", "22:49"] {
        tick_at(&shop, &mut app, later);
    }
    assert_eq!(
        notes.notes(),
        vec![reminder(30, false)],
        "one note while the banner counts down"
    );

    tick_at(&shop, &mut app, "22:50");
    tick_at(&shop, &mut app, "22:55");
    tick_at(&shop, &mut app, "22:57");
    assert_eq!(notes.notes().len(), 2);

    tick_at(&shop, &mut app, "22:58");
    assert!(matches!(
        app.guard().verdict,
        Verdict::MustSettle {
            why: Why::AutoClearImminent,
            ..
        }
    ));
    tick_at(&shop, &mut app, "22:59");
    assert_eq!(
        notes.notes(),
        vec![reminder(30, false), reminder(10, false), reminder(2, true)],
        "exactly three notes, the last one urgent"
    );
}

#[test]
fn a_window_opened_5_minutes_before_the_clear_time_sends_the_10_minute_reminder_only() {
    let (shop, mut app, notes) = open();
    tick_at(&shop, &mut app, "22:55");
    tick_at(&shop, &mut app, "22:56");
    assert_eq!(notes.notes(), vec![reminder(5, false)]);
}

#[test]
fn an_incident_is_an_urgent_note() {
    let (_shop, mut app, notes) = open();
    app.notify_incident("批次丢失".into(), "终端清零了未结算的批次".into());
    assert_eq!(
        notes.notes(),
        vec![Note {
            title: "批次丢失".into(),
            body: "终端清零了未结算的批次".into(),
            urgent: true,
        }]
    );
}
