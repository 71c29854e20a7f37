use super::*;
use crate::alert::outbox::retry_after;
use crate::config::Language;
use crate::i18n::I18n;
use crate::money::{Currency, Money};

fn at(s: &str) -> Timestamp {
    s.parse().expect("time")
}

#[test]
fn kinds_round_trip_and_keys_name_the_fact() {
    for k in IncidentKind::ALL {
        assert_eq!(IncidentKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(IncidentKind::parse("fire"), None);
    let offline = |device, since| Source::Offline {
        device,
        name: "x".into(),
        since: at(since),
        last_error: String::new(),
        at: at("2026-11-26T12:00:00Z"),
    };
    let a = offline(Device::Printer, "2026-11-26T10:00:00Z");
    assert_eq!(a.kind(), IncidentKind::PrinterOffline);
    assert_ne!(a.key(), offline(Device::Terminal, "2026-11-26T10:00:00Z").key());
    assert_ne!(a.key(), offline(Device::Printer, "2026-11-26T11:00:00Z").key());
}

#[test]
fn every_kind_is_worded_in_both_languages() {
    let money = Money::parse("88.80", Currency::CNY).expect("money");
    let t = at("2026-11-26T10:00:00Z");
    let sources = [
        Source::LostBatch {
            batch_id: 7,
            terminal: "T".into(),
            payments: 3,
            amount: money,
            at: t,
        },
        Source::Mismatch {
            batch_id: 7,
            terminal: "T".into(),
            ledger_amount: money,
            terminal_amount: money,
            missing: 1,
            unknown: 0,
            at: t,
        },
        Source::Deferral {
            deferral_id: 1,
            batch_id: 7,
            terminal: "T".into(),
            amount: money,
            by: "Li".into(),
            reason: "host_unreachable".into(),
            until: t,
            at: t,
        },
        Source::InDoubt {
            card_id: 4,
            terminal: "T".into(),
            amount: money,
            error: "timeout".into(),
            at: t,
        },
        Source::ClockJump {
            audit_seq: 9,
            detail: "clock set back 1 h".into(),
            at: t,
        },
        Source::BackupFailed {
            audit_seq: 10,
            detail: "disk full".into(),
            at: t,
        },
        Source::Offline {
            device: Device::Terminal,
            name: "T".into(),
            since: t,
            last_error: "e".into(),
            at: t,
        },
        Source::Offline {
            device: Device::Printer,
            name: "P".into(),
            since: t,
            last_error: "e".into(),
            at: t,
        },
    ];
    for language in [Language::En, Language::Zh] {
        let i18n = I18n::new(language);
        for s in &sources {
            let n = describe(s, &i18n, &jiff::tz::TimeZone::UTC);
            assert_eq!(n.kind, s.kind());
            for text in [&n.what, &n.action, &kind_title(n.kind, &i18n)] {
                assert!(
                    !text.starts_with("incident-") && !text.is_empty(),
                    "{language:?}: {text}"
                );
            }
        }
    }
}

#[test]
fn notes_are_checked() {
    assert_eq!(check_note("cause", "  paper out \n").expect("ok"), "paper out");
    assert!(matches!(
        check_note("cause", "a\u{7}b"),
        Err(IncidentError::Control { .. })
    ));
    let long = "x".repeat(NOTE_MAX + 1);
    assert!(matches!(
        check_note("remedy", &long),
        Err(IncidentError::TooLong { .. })
    ));
}

#[test]
fn retries_back_off_to_a_quarter_of_an_hour() {
    let secs: Vec<i64> = (1..=8).map(|n| retry_after(n).as_secs()).collect();
    assert_eq!(secs, [30, 60, 120, 240, 480, 900, 900, 900]);
    assert_eq!(retry_after(u32::MAX).as_secs(), 900);
}
