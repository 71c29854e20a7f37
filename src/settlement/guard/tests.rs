//! The guard's rules as one table of named scenarios (DESIGN.md "The settlement guard",
//! issue 4 item 2), tables for its time helpers, and properties over arbitrary input.
//!
//! Scenarios run in Asia/Shanghai with the default 04:00 cutoff on 2026-11-26/27. The clock
//! is a `ManualClock`, moved by each row's jump, and `today` comes from `effective_day` the
//! way the till derives it, so clock tampering is judged on the same footing as in the app.

use super::*;
use crate::clock::{Clock, ManualClock};
use crate::money::{Currency, Money};
use crate::settlement::batch::{BatchState, Deferral};
use crate::settlement::day::effective_day;
use jiff::SignedDuration;
use jiff::civil::{DateTime, date};
use jiff::tz::TimeZone;

const SHANGHAI: &str = "Asia/Shanghai";

fn rule_in(zone: &str) -> DayRule {
    DayRule::new(
        TimeZone::get(zone).expect("zone in the bundled tzdb"),
        Time::constant(4, 0, 0, 0),
    )
}

/// A local wall-clock reading ("2026-11-26T22:00") in `zone`, as an instant.
fn local_in(zone: &str, civil: &str) -> Timestamp {
    let tz = TimeZone::get(zone).expect("zone");
    civil
        .parse::<DateTime>()
        .expect("civil datetime")
        .to_zoned(tz)
        .expect("in range")
        .timestamp()
}

fn local(civil: &str) -> Timestamp {
    local_in(SHANGHAI, civil)
}

fn utc(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn time(s: &str) -> Time {
    s.parse().expect("time of day")
}

fn cny() -> Currency {
    Currency::from_alpha("CNY").expect("CNY")
}

/// An open batch on `terminal` whose first card payment was at local time `opened`.
fn card(id: i64, terminal: &str, opened: &str, payments: u64) -> BatchView {
    let opened_at = local(opened);
    BatchView {
        id,
        terminal: terminal.to_string(),
        state: BatchState::Open,
        opened_at,
        first_day: rule_in(SHANGHAI).business_date(opened_at),
        payments,
        amount: Money::from_minor(payments as i64 * 12_50, cny()),
        deferral: None,
    }
}

/// A batch that holds no approved card payment (a cash-only day, or every card payment reversed).
fn no_card(id: i64, terminal: &str, opened: &str) -> BatchView {
    card(id, terminal, opened, 0)
}

fn in_state(mut b: BatchView, state: BatchState) -> BatchView {
    b.state = state;
    b
}

/// The manager's deferral, made at local time `at` and running until local time `until`.
fn deferred_by(mut b: BatchView, by: &str, at: &str, until: &str) -> BatchView {
    b.state = BatchState::Deferred;
    b.deferral = Some(Deferral {
        until: local(until),
        by: by.to_string(),
        reason: DeferReason::HostUnreachable,
        at: local(at),
    });
    b
}

fn deferred(b: BatchView, at: &str, until: &str) -> BatchView {
    deferred_by(b, "Manager Wang", at, until)
}

fn must(why: Why, terminal: &str) -> Verdict {
    Verdict::MustSettle {
        why,
        terminal: Some(terminal.to_string()),
    }
}

fn remind(minutes: i64, terminal: &str) -> Verdict {
    Verdict::Remind {
        minutes,
        terminal: terminal.to_string(),
    }
}

fn deferral_verdict(by: &str, until: &str) -> Verdict {
    Verdict::Deferred {
        until: local(until),
        by: by.to_string(),
        reason: DeferReason::HostUnreachable,
    }
}

/// One scenario: what the clock reads, what the ledger holds, what the guard must say.
struct Row {
    name: &'static str,
    /// The clock's reading (local time) before `jump`.
    clock: &'static str,
    /// How far the clock is then moved (negative: set back).
    jump: SignedDuration,
    /// The latest business day the ledger has recorded (it keeps `today` from going back).
    recorded: Option<Date>,
    /// The business day this process started on; by default the clock's first reading's.
    started: Option<Date>,
    batches: Vec<BatchView>,
    clears: Vec<ClearTime>,
    in_doubt: u64,
    quit: bool,
    want: Verdict,
}

fn row(name: &'static str, clock: &'static str) -> Row {
    Row {
        name,
        clock,
        jump: SignedDuration::ZERO,
        recorded: None,
        started: None,
        batches: Vec::new(),
        clears: Vec::new(),
        in_doubt: 0,
        quit: false,
        want: Verdict::Clear,
    }
}

impl Row {
    fn batch(mut self, b: BatchView) -> Row {
        self.batches.push(b);
        self
    }

    fn clears_at(mut self, terminal: &str, at: &str) -> Row {
        self.clears.push(ClearTime {
            terminal: terminal.to_string(),
            at: time(at),
        });
        self
    }

    fn quit(mut self) -> Row {
        self.quit = true;
        self
    }

    fn in_doubt(mut self, n: u64) -> Row {
        self.in_doubt = n;
        self
    }

    fn jump_hours(mut self, hours: i64) -> Row {
        self.jump = SignedDuration::from_hours(hours);
        self
    }

    fn recorded(mut self, day: Date) -> Row {
        self.recorded = Some(day);
        self
    }

    fn started(mut self, day: Date) -> Row {
        self.started = Some(day);
        self
    }

    fn want(mut self, v: Verdict) -> Row {
        self.want = v;
        self
    }

    fn run(&self) -> Verdict {
        let rule = rule_in(SHANGHAI);
        let clock = ManualClock::new(local(self.clock));
        let started = self.started.unwrap_or_else(|| rule.business_date(clock.now()));
        clock.advance(self.jump);
        let now = clock.now();
        let today = effective_day(&rule, now, self.recorded).day;
        verdict(&GuardInput {
            now,
            rule: &rule,
            today,
            started_on: started,
            batches: &self.batches,
            clear_times: &self.clears,
            in_doubt: self.in_doubt,
            quit_requested: self.quit,
        })
    }
}

/// Every rule's rows; `t1` and `t2` name the terminals (ZVT or standalone: the guard judges
/// batches, whatever took their payments).
fn table(t1: &str, t2: &str) -> Vec<Row> {
    let d26 = date(2026, 11, 26);
    let d27 = date(2026, 11, 27);
    vec![
        // Rule 1: quit.
        row("nothing sold: clear", "2026-11-26T22:00"),
        row("quit with no batch at all: allowed", "2026-11-26T22:00").quit(),
        row("quit on a cash-only day: no guard", "2026-11-26T22:00")
            .batch(no_card(1, t1, "2026-11-26T10:00"))
            .quit(),
        row(
            "quit with card payments: refused, names the terminal",
            "2026-11-26T22:00",
        )
        .batch(card(1, t1, "2026-11-26T10:00", 3))
        .quit()
        .want(must(Why::QuitRequested, t1)),
        row("quit while the last end-of-day failed: refused", "2026-11-26T22:00")
            .batch(in_state(card(1, t1, "2026-11-26T10:00", 3), BatchState::Failed))
            .quit()
            .want(must(Why::QuitRequested, t1)),
        row("quit while settling: refused", "2026-11-26T22:00")
            .batch(in_state(card(1, t1, "2026-11-26T10:00", 3), BatchState::Settling))
            .quit()
            .want(must(Why::QuitRequested, t1)),
        row("card batch, no quit, clear time hours away: clear", "2026-11-26T12:00")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .clears_at(t1, "23:30"),
        row(
            "card batch on a terminal without a clear time: no reminder",
            "2026-11-26T23:20",
        )
        .batch(card(1, t1, "2026-11-26T10:00", 3)),
        // Rule 5: reminders at 30, 10 and 2 minutes before the clear time (23:30).
        row("31 minutes before the clear time: no reminder yet", "2026-11-26T22:59")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .clears_at(t1, "23:30"),
        row("30 minutes before: first reminder", "2026-11-26T23:00")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .clears_at(t1, "23:30")
            .want(remind(30, t1)),
        row(
            "30 minutes 30 seconds before: rounds up to 31, no reminder",
            "2026-11-26T22:59:30",
        )
        .batch(card(1, t1, "2026-11-26T10:00", 3))
        .clears_at(t1, "23:30"),
        row("10 minutes before: reminder", "2026-11-26T23:20")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .clears_at(t1, "23:30")
            .want(remind(10, t1)),
        row("2 minutes 1 second before: still a reminder (3)", "2026-11-26T23:27:59")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .clears_at(t1, "23:30")
            .want(remind(3, t1)),
        row("2 minutes before: auto-clear imminent", "2026-11-26T23:28")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .clears_at(t1, "23:30")
            .want(must(Why::AutoClearImminent, t1)),
        row("1 second before: auto-clear imminent", "2026-11-26T23:29:59")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .clears_at(t1, "23:30")
            .want(must(Why::AutoClearImminent, t1)),
        row("imminent clear outranks a quit request", "2026-11-26T23:29")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .clears_at(t1, "23:30")
            .quit()
            .want(must(Why::AutoClearImminent, t1)),
        row("a quit request outranks a reminder", "2026-11-26T23:20")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .clears_at(t1, "23:30")
            .quit()
            .want(must(Why::QuitRequested, t1)),
        row("clear time after midnight, before the cutoff", "2026-11-27T02:50")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .clears_at(t1, "03:00")
            .want(remind(10, t1)),
        row("cash-only day at the clear time: no reminder", "2026-11-26T23:29")
            .batch(no_card(1, t1, "2026-11-26T10:00"))
            .clears_at(t1, "23:30"),
        // Rules 3 and 4: a day change while running vs a start-up with an older batch.
        row("one second before the cutoff: same business day", "2026-11-27T03:59:59")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .started(d26),
        row("cutoff crossed while running: selling stops", "2026-11-27T04:00")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .started(d26)
            .want(must(Why::DayChanged, t1)),
        row(
            "start-up after a crash with yesterday's batch: recovery",
            "2026-11-27T09:00",
        )
        .batch(card(1, t1, "2026-11-26T10:00", 3))
        .want(must(Why::EarlierDayUnsettled, t1)),
        row("start-up with a batch three days old: recovery", "2026-11-27T09:00")
            .batch(card(1, t1, "2026-11-24T10:00", 3))
            .want(must(Why::EarlierDayUnsettled, t1)),
        row(
            "a sale at 01:30 belongs to yesterday: no day change yet",
            "2026-11-27T03:00",
        )
        .batch(card(1, t1, "2026-11-27T01:30", 3))
        .started(d26),
        row("cash-only day across the cutoff: no guard", "2026-11-27T09:00")
            .batch(no_card(1, t1, "2026-11-26T10:00"))
            .started(d26)
            .quit(),
        row("an earlier day outranks an imminent clear", "2026-11-27T23:29")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .clears_at(t1, "23:30")
            .started(d26)
            .want(must(Why::DayChanged, t1)),
        // Rule 3: a payment in doubt.
        row(
            "payment in doubt at start-up: recovery before any sale",
            "2026-11-26T09:00",
        )
        .in_doubt(1)
        .want(Verdict::MustSettle {
            why: Why::PaymentInDoubt,
            terminal: None,
        }),
        row("payment in doubt outranks an earlier day", "2026-11-27T09:00")
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .in_doubt(2)
            .want(Verdict::MustSettle {
                why: Why::PaymentInDoubt,
                terminal: None,
            }),
        // Rule 7: deferral.
        row(
            "deferral in force: quitting allowed, the deferral shown",
            "2026-11-26T22:00",
        )
        .batch(deferred(
            card(1, t1, "2026-11-26T10:00", 3),
            "2026-11-26T21:00",
            "2026-11-26T23:30",
        ))
        .clears_at(t1, "23:30")
        .quit()
        .want(deferral_verdict("Manager Wang", "2026-11-26T23:30")),
        row(
            "deferral covers the last minutes before the clear time",
            "2026-11-26T23:29",
        )
        .batch(deferred(
            card(1, t1, "2026-11-26T10:00", 3),
            "2026-11-26T21:00",
            "2026-11-26T23:30",
        ))
        .clears_at(t1, "23:30")
        .want(deferral_verdict("Manager Wang", "2026-11-26T23:30")),
        row(
            "deferral made after the cutoff covers yesterday's batch",
            "2026-11-27T10:00",
        )
        .batch(deferred(
            card(1, t1, "2026-11-26T10:00", 3),
            "2026-11-27T04:10",
            "2026-11-27T23:00",
        ))
        .want(deferral_verdict("Manager Wang", "2026-11-27T23:00")),
        row(
            "deferral expired at its until: the guard comes back",
            "2026-11-26T23:00",
        )
        .batch(deferred(
            card(1, t1, "2026-11-26T10:00", 3),
            "2026-11-26T21:00",
            "2026-11-26T23:00",
        ))
        .quit()
        .want(must(Why::QuitRequested, t1)),
        row(
            "deferral expired at the cutoff: the day change stops selling",
            "2026-11-27T04:00",
        )
        .batch(deferred(
            card(1, t1, "2026-11-26T10:00", 3),
            "2026-11-26T21:00",
            "2026-11-27T04:00",
        ))
        .started(d26)
        .want(must(Why::DayChanged, t1)),
        row("expired deferral, restart next day: recovery", "2026-11-27T09:00")
            .batch(deferred(
                card(1, t1, "2026-11-26T10:00", 3),
                "2026-11-26T21:00",
                "2026-11-27T04:00",
            ))
            .want(must(Why::EarlierDayUnsettled, t1)),
        row("expired deferral: reminders come back", "2026-11-26T23:20")
            .batch(deferred(
                card(1, t1, "2026-11-26T10:00", 3),
                "2026-11-26T21:00",
                "2026-11-26T23:10",
            ))
            .clears_at(t1, "23:30")
            .want(remind(10, t1)),
        row("a deferral never covers a payment in doubt", "2026-11-26T22:00")
            .batch(deferred(
                card(1, t1, "2026-11-26T10:00", 3),
                "2026-11-26T21:00",
                "2026-11-26T23:30",
            ))
            .in_doubt(1)
            .want(Verdict::MustSettle {
                why: Why::PaymentInDoubt,
                terminal: None,
            }),
        // Rule 6: the clock jumps.
        row(
            "clock set back 3 hours within the day: the batch still holds quitting",
            "2026-11-26T22:00",
        )
        .jump_hours(-3)
        .recorded(d26)
        .batch(card(1, t1, "2026-11-26T21:00", 3))
        .quit()
        .want(must(Why::QuitRequested, t1)),
        row(
            "clock set back 2 days after a day change: the day stays, selling stops",
            "2026-11-27T10:00",
        )
        .jump_hours(-48)
        .recorded(d27)
        .started(d26)
        .batch(card(1, t1, "2026-11-26T20:00", 3))
        .want(must(Why::DayChanged, t1)),
        row(
            "clock set back across the cutoff: yesterday is not reopened",
            "2026-11-27T04:30",
        )
        .jump_hours(-1)
        .recorded(d27)
        .started(d26)
        .batch(card(1, t1, "2026-11-26T20:00", 3))
        .want(must(Why::DayChanged, t1)),
        row(
            "clock set back a day: a deferral made later is not in force",
            "2026-11-26T22:10",
        )
        .jump_hours(-24)
        .recorded(d26)
        .batch(deferred(
            card(1, t1, "2026-11-26T10:00", 3),
            "2026-11-26T22:00",
            "2026-11-26T23:30",
        ))
        .quit()
        .want(must(Why::QuitRequested, t1)),
        row(
            "clock jumped forward 7 hours past the cutoff: day changed",
            "2026-11-26T22:00",
        )
        .jump_hours(7)
        .recorded(d26)
        .batch(card(1, t1, "2026-11-26T10:00", 3))
        .want(must(Why::DayChanged, t1)),
        row("clock jumped forward 3 days: day changed", "2026-11-26T22:00")
            .jump_hours(72)
            .recorded(d26)
            .batch(card(1, t1, "2026-11-26T10:00", 3))
            .want(must(Why::DayChanged, t1)),
        row(
            "clock jumped forward 2 hours past a deferral: it has expired",
            "2026-11-26T22:00",
        )
        .jump_hours(2)
        .recorded(d26)
        .batch(deferred(
            card(1, t1, "2026-11-26T10:00", 3),
            "2026-11-26T21:00",
            "2026-11-26T23:30",
        ))
        .quit()
        .want(must(Why::QuitRequested, t1)),
        // Two terminals.
        row(
            "two terminals, one settled (not listed), one open: names the open one",
            "2026-11-26T22:00",
        )
        .batch(card(2, t2, "2026-11-26T11:00", 1))
        .quit()
        .want(must(Why::QuitRequested, t2)),
        row(
            "two terminals, one deferred, one open: quit names the open one",
            "2026-11-26T22:00",
        )
        .batch(deferred(
            card(1, t1, "2026-11-26T10:00", 3),
            "2026-11-26T21:00",
            "2026-11-26T23:30",
        ))
        .batch(card(2, t2, "2026-11-26T11:00", 1))
        .quit()
        .want(must(Why::QuitRequested, t2)),
        row(
            "two terminals, one deferred, one clearing: imminent names the open one",
            "2026-11-26T23:29",
        )
        .batch(deferred(
            card(1, t1, "2026-11-26T10:00", 3),
            "2026-11-26T21:00",
            "2026-11-26T23:30",
        ))
        .batch(card(2, t2, "2026-11-26T11:00", 1))
        .clears_at(t1, "23:30")
        .clears_at(t2, "23:30")
        .want(must(Why::AutoClearImminent, t2)),
        row(
            "two terminals: the reminder is for the nearer clear time",
            "2026-11-26T23:00",
        )
        .batch(card(1, t1, "2026-11-26T10:00", 3))
        .batch(card(2, t2, "2026-11-26T11:00", 1))
        .clears_at(t1, "23:30")
        .clears_at(t2, "23:15")
        .want(remind(15, t2)),
        row(
            "two terminals: the nearer clear is cash-only, the card one far",
            "2026-11-26T23:20",
        )
        .batch(no_card(1, t1, "2026-11-26T10:00"))
        .batch(card(2, t2, "2026-11-26T11:00", 1))
        .clears_at(t1, "23:30")
        .clears_at(t2, "03:00"),
        row(
            "two terminals, both deferred: the earlier expiry is shown",
            "2026-11-26T22:00",
        )
        .batch(deferred_by(
            card(1, t1, "2026-11-26T10:00", 3),
            "Manager Wang",
            "2026-11-26T21:00",
            "2026-11-26T23:30",
        ))
        .batch(deferred_by(
            card(2, t2, "2026-11-26T11:00", 1),
            "Manager Li",
            "2026-11-26T21:30",
            "2026-11-26T23:00",
        ))
        .quit()
        .want(deferral_verdict("Manager Li", "2026-11-26T23:00")),
        row(
            "two terminals, one deferred, one from before the cutoff: names the other",
            "2026-11-27T09:00",
        )
        .batch(deferred(
            card(1, t1, "2026-11-26T10:00", 3),
            "2026-11-27T08:00",
            "2026-11-27T23:00",
        ))
        .batch(card(2, t2, "2026-11-26T11:00", 1))
        .started(d26)
        .want(must(Why::DayChanged, t2)),
        row(
            "two terminals: a start-up leftover outranks a day change, whatever the order",
            "2026-11-27T09:00",
        )
        .batch(card(1, t1, "2026-11-26T10:00", 3))
        .batch(card(2, t2, "2026-11-25T11:00", 1))
        .started(d26)
        .want(must(Why::EarlierDayUnsettled, t2)),
    ]
}

#[test]
fn the_guard_follows_every_rule() {
    check_table(&table("T1", "T2"));
}

#[test]
fn the_guard_follows_every_rule_for_a_standalone_terminal() {
    // A shop with only a standalone terminal, and one with a standalone beside a ZVT terminal.
    check_table(&table("standalone 柜台POS", "T2"));
    check_table(&table("T1", "standalone 柜台POS"));
}

fn check_table(rows: &[Row]) {
    let mut names = std::collections::HashSet::new();
    let mut wrong = Vec::new();
    for row in rows {
        assert!(names.insert(row.name), "two rows named {:?}", row.name);
        let got = row.run();
        if got != row.want {
            wrong.push(format!("{}:\n    want {:?}\n    got  {:?}", row.name, row.want, got));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} rows wrong:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
}

#[test]
fn what_each_verdict_allows() {
    let cases = [
        (Verdict::Clear, true, true),
        (remind(10, "T1"), true, true),
        (deferral_verdict("Manager Wang", "2026-11-26T23:30"), true, true),
        (must(Why::QuitRequested, "T1"), false, true),
        (must(Why::AutoClearImminent, "T1"), false, true),
        (must(Why::DayChanged, "T1"), false, false),
        (must(Why::EarlierDayUnsettled, "T1"), false, false),
        (
            Verdict::MustSettle {
                why: Why::PaymentInDoubt,
                terminal: None,
            },
            false,
            false,
        ),
    ];
    for (v, quit, sell) in cases {
        assert_eq!((v.allows_quit(), v.allows_selling()), (quit, sell), "{v:?}");
    }
}

/// `next_local` and `minutes_to_clear` across Europe/Berlin's DST changes of 2026: clocks go
/// forward 02:00 -> 03:00 on 29 March and back 03:00 -> 02:00 on 25 October.
#[test]
fn clear_times_across_daylight_saving() {
    const BERLIN: &str = "Europe/Berlin";
    // (name, now, clear time, the next clear instant, minutes to it)
    let rows = [
        (
            "spring: 03:00 is one hour after 01:00",
            "2026-03-29T00:00:00Z",
            "03:00",
            "2026-03-29T01:00:00Z",
            60,
        ),
        (
            "spring: 01:30 is still in winter time",
            "2026-03-29T00:00:00Z",
            "01:30",
            "2026-03-29T00:30:00Z",
            30,
        ),
        (
            "spring: 02:30 never happens, the clear moves to 03:30",
            "2026-03-29T00:00:00Z",
            "02:30",
            "2026-03-29T01:30:00Z",
            90,
        ),
        (
            "spring: next day's clear is 23 hours after today's",
            "2026-03-28T23:00:00Z",
            "23:00",
            "2026-03-29T21:00:00Z",
            22 * 60,
        ),
        (
            "autumn: 03:00 is three hours after 01:00",
            "2026-10-24T23:00:00Z",
            "03:00",
            "2026-10-25T02:00:00Z",
            180,
        ),
        (
            "autumn: 02:30 happens twice, the first one counts",
            "2026-10-24T23:00:00Z",
            "02:30",
            "2026-10-25T00:30:00Z",
            90,
        ),
        (
            "autumn: after the first 02:30 the next clear is tomorrow's (once a day)",
            "2026-10-25T00:45:00Z",
            "02:30",
            "2026-10-26T01:30:00Z",
            24 * 60 + 45,
        ),
        (
            "autumn: next day's clear is 25 hours after today's",
            "2026-10-24T21:00:00Z",
            "23:00",
            "2026-10-25T22:00:00Z",
            25 * 60,
        ),
        (
            "the clear instant itself: next is tomorrow",
            "2026-11-26T22:30:00Z",
            "23:30",
            "2026-11-27T22:30:00Z",
            1440,
        ),
        (
            "sub-minute rest rounds up",
            "2026-11-26T22:29:00.5Z",
            "23:30",
            "2026-11-26T22:30:00Z",
            1,
        ),
    ];
    let rule = rule_in(BERLIN);
    for (name, now, at, next, minutes) in rows {
        let now = utc(now);
        assert_eq!(next_local(now, &rule, time(at)), Some(utc(next)), "{name}: next_local");
        let clears = [ClearTime {
            terminal: "T1".into(),
            at: time(at),
        }];
        let input = GuardInput {
            now,
            rule: &rule,
            today: rule.business_date(now),
            started_on: rule.business_date(now),
            batches: &[],
            clear_times: &clears,
            in_doubt: 0,
            quit_requested: false,
        };
        assert_eq!(
            minutes_to_clear(&input, "T1"),
            Some(minutes),
            "{name}: minutes_to_clear"
        );
        assert_eq!(
            minutes_to_clear(&input, "T2"),
            None,
            "{name}: a terminal without a clear time"
        );
    }
}

#[test]
fn deferral_limit_is_the_earlier_of_next_cutoff_and_clear_time() {
    let d26 = date(2026, 11, 26);
    // (name, now, business day, terminal's clear time, latest allowed until)
    let rows = [
        (
            "clear time before the cutoff wins",
            "2026-11-26T22:00",
            d26,
            Some("23:30"),
            "2026-11-26T23:30",
        ),
        (
            "cutoff before the clear time wins",
            "2026-11-26T22:00",
            d26,
            Some("05:00"),
            "2026-11-27T04:00",
        ),
        (
            "no clear time: the next cutoff",
            "2026-11-26T22:00",
            d26,
            None,
            "2026-11-27T04:00",
        ),
        (
            "today's clear has passed: the cutoff comes first",
            "2026-11-26T23:45",
            d26,
            Some("23:30"),
            "2026-11-27T04:00",
        ),
        (
            "after midnight, clear at 03:00 before the cutoff",
            "2026-11-27T01:00",
            d26,
            Some("03:00"),
            "2026-11-27T03:00",
        ),
        (
            "after midnight, clear at 23:30 after the cutoff",
            "2026-11-27T01:00",
            d26,
            Some("23:30"),
            "2026-11-27T04:00",
        ),
        (
            "clear exactly at the cutoff",
            "2026-11-26T22:00",
            d26,
            Some("04:00"),
            "2026-11-27T04:00",
        ),
    ];
    let rule = rule_in(SHANGHAI);
    for (name, now, today, clear, want) in rows {
        let got = deferral_limit(local(now), &rule, today, clear.map(time));
        assert_eq!(got, local(want), "{name}");
    }
    // Berlin, the night the clocks go forward: the next 04:00 is only five real hours away.
    let berlin = rule_in("Europe/Berlin");
    let got = deferral_limit(utc("2026-03-28T21:00:00Z"), &berlin, date(2026, 3, 28), None);
    assert_eq!(got, utc("2026-03-29T02:00:00Z"), "DST night");
}

#[test]
fn cleared_since_tells_whether_the_clear_time_passed() {
    // (name, batch opened, now, clear time, cleared)
    let rows = [
        (
            "one second before the clear time",
            "2026-11-26T20:00",
            "2026-11-26T23:29:59",
            "23:30",
            false,
        ),
        (
            "at the clear time",
            "2026-11-26T20:00",
            "2026-11-26T23:30",
            "23:30",
            true,
        ),
        (
            "the next morning",
            "2026-11-26T20:00",
            "2026-11-27T10:00",
            "23:30",
            true,
        ),
        (
            "opened after today's clear, before tomorrow's",
            "2026-11-26T23:45",
            "2026-11-27T23:29",
            "23:30",
            false,
        ),
        (
            "opened after today's clear, tomorrow's has come",
            "2026-11-26T23:45",
            "2026-11-27T23:30",
            "23:30",
            true,
        ),
        (
            "opened at the clear instant: that clear is not this batch's",
            "2026-11-26T23:30",
            "2026-11-26T23:31",
            "23:30",
            false,
        ),
        (
            "clock set back before the opening",
            "2026-11-26T20:00",
            "2026-11-25T23:45",
            "23:30",
            false,
        ),
        (
            "clear after midnight",
            "2026-11-26T20:00",
            "2026-11-27T03:00",
            "03:00",
            true,
        ),
    ];
    let rule = rule_in(SHANGHAI);
    for (name, opened, now, at, want) in rows {
        assert_eq!(
            cleared_since(local(opened), local(now), &rule, time(at)),
            want,
            "{name}"
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const ZONES: [&str; 6] = [
        "Asia/Shanghai",
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",
        "Pacific/Kiritimati",
        "UTC",
    ];
    const TERMINALS: [&str; 3] = ["T1", "T2", "T3"];

    fn timestamp() -> impl Strategy<Value = Timestamp> {
        let edges = prop_oneof![Just(Timestamp::MIN), Just(Timestamp::MAX), Just(Timestamp::UNIX_EPOCH)];
        // Mostly around 2026-11-26 (where the days below are), sometimes anywhere in jiff's range.
        let near = (1_795_000_000i64..1_796_000_000).prop_map(|s| Timestamp::from_second(s).unwrap_or_default());
        let anywhere = (Timestamp::MIN.as_second()..=Timestamp::MAX.as_second())
            .prop_map(|s| Timestamp::from_second(s).unwrap_or_default());
        prop_oneof![1 => edges, 6 => near, 2 => anywhere]
    }

    fn day() -> impl Strategy<Value = Date> {
        // Mostly three neighbouring days, so batches, today and the start-up day meet.
        prop_oneof![
            6 => (25i8..=27).prop_map(|d| date(2026, 11, d)),
            1 => prop_oneof![Just(Date::MIN), Just(Date::MAX)],
            1 => (-9999i16..=9999, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d)),
        ]
    }

    fn time_of_day() -> impl Strategy<Value = Time> {
        (0i8..24, 0i8..60, 0i8..60).prop_map(|(h, m, s)| Time::constant(h, m, s, 0))
    }

    fn rule() -> impl Strategy<Value = DayRule> {
        let named = prop::sample::select(ZONES.to_vec()).prop_map(|z| TimeZone::get(z).unwrap_or(TimeZone::UTC));
        let fixed = (-25 * 3600 + 1..25 * 3600).prop_map(|s| {
            jiff::tz::Offset::from_seconds(s)
                .map(TimeZone::fixed)
                .unwrap_or(TimeZone::UTC)
        });
        (prop_oneof![named, fixed], time_of_day()).prop_map(|(tz, cutoff)| DayRule::new(tz, cutoff))
    }

    fn batch() -> impl Strategy<Value = BatchView> {
        let deferral = proptest::option::of((timestamp(), timestamp(), prop::bool::ANY)).prop_map(|d| {
            d.map(|(at, until, other)| Deferral {
                until,
                by: "M".into(),
                reason: if other {
                    DeferReason::Other("x".into())
                } else {
                    DeferReason::TerminalOffline
                },
                at,
            })
        });
        let states = prop::sample::select(vec![
            BatchState::Open,
            BatchState::Settling,
            BatchState::Deferred,
            BatchState::Failed,
        ]);
        (
            prop::sample::select(TERMINALS.to_vec()),
            states,
            timestamp(),
            day(),
            0u64..3,
            deferral,
        )
            .prop_map(
                |(terminal, state, opened_at, first_day, payments, deferral)| BatchView {
                    id: 1,
                    terminal: terminal.into(),
                    state,
                    opened_at,
                    first_day,
                    payments,
                    amount: Money::zero(cny()),
                    deferral,
                },
            )
    }

    fn clear_time() -> impl Strategy<Value = ClearTime> {
        (prop::sample::select(TERMINALS.to_vec()), time_of_day())
            .prop_map(|(t, at)| ClearTime { terminal: t.into(), at })
    }

    proptest! {
        #[test]
        fn verdict_never_panics_and_only_three_reasons_stop_selling(
            now in timestamp(),
            rule in rule(),
            today in day(),
            started_on in day(),
            batches in prop::collection::vec(batch(), 0..4),
            mut clear_times in prop::collection::vec(clear_time(), 0..4),
            soon in proptest::option::of(prop_oneof![0i64..3, 0i64..40]),
            in_doubt in prop_oneof![4 => Just(0u64), 1 => 1u64..3],
            quit_requested in prop::bool::ANY,
        ) {
            // Random clear times almost never fall in the last half hour; put one there often.
            if let (Some(minutes), Some(b)) = (soon, batches.first())
                && let Ok(at) = now.checked_add(SignedDuration::from_mins(minutes))
            {
                let at = at.to_zoned(rule.time_zone.clone()).time();
                clear_times.insert(0, ClearTime { terminal: b.terminal.clone(), at });
            }
            let input = GuardInput { now, rule: &rule, today, started_on, batches: &batches, clear_times: &clear_times, in_doubt, quit_requested };
            let v = verdict(&input);

            let stops = matches!(
                v,
                Verdict::MustSettle { why: Why::PaymentInDoubt | Why::DayChanged | Why::EarlierDayUnsettled, .. }
            );
            prop_assert_eq!(v.allows_selling(), !stops, "{:?}", v);
            prop_assert_eq!(v.allows_quit(), !matches!(v, Verdict::MustSettle { .. }), "{:?}", v);

            let holding = batches.iter().any(|b| b.payments > 0);
            if in_doubt > 0 {
                prop_assert_eq!(&v, &Verdict::MustSettle { why: Why::PaymentInDoubt, terminal: None });
            } else if !holding {
                prop_assert_eq!(&v, &Verdict::Clear, "no card payment, no guard");
            }
            match &v {
                Verdict::Deferred { until, .. } => prop_assert!(*until > now, "a deferral in force ends later"),
                Verdict::Remind { minutes, .. } => prop_assert!((IMMINENT_MINUTES + 1..=REMIND_MINUTES).contains(minutes)),
                Verdict::MustSettle { terminal: Some(t), .. } => {
                    prop_assert!(batches.iter().any(|b| &b.terminal == t && b.payments > 0), "names a terminal holding money")
                }
                _ => {}
            }
        }

        #[test]
        fn time_helpers_never_panic_and_stay_in_order(
            now in timestamp(),
            opened in timestamp(),
            rule in rule(),
            today in day(),
            at in time_of_day(),
            with_clear in prop::bool::ANY,
        ) {
            if let Some(next) = next_local(now, &rule, at) {
                prop_assert!(next > now);
                prop_assert!(next.duration_since(now) <= SignedDuration::from_hours(50), "next clear within two days");
            }
            let clear_at = with_clear.then_some(at);
            let limit = deferral_limit(now, &rule, today, clear_at);
            prop_assert!(limit <= rule.next_start(today));
            if let Some(clear) = clear_at.and_then(|at| next_local(now, &rule, at)) {
                prop_assert!(limit <= clear);
            }
            let cleared = cleared_since(opened, now, &rule, at);
            if now <= opened {
                prop_assert!(!cleared, "nothing clears before the batch opened");
            }
        }
    }
}
