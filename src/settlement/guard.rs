//! The settlement guard: a pure function of (now, the ledger's unsettled batches, the
//! configuration) that says what the till must do. The GUI and the CLI only carry it out.
//!
//! Order of precedence, most urgent first: a card payment in doubt (recovery before any
//! sale); a batch from an earlier business day (the day changed while running, or the till
//! starts after a day it did not settle); the terminal's clear time within
//! `IMMINENT_MINUTES`; a quit request; a deferral in force; a reminder within
//! `REMIND_MINUTES` of the clear time; otherwise clear. A deferral covers the first three
//! except a payment in doubt, and never outlives its `until`; nor does it count before its
//! own `at`, so a clock set back cannot stretch it.

use super::batch::{BatchView, DeferReason};
use super::day::DayRule;
use jiff::Timestamp;
use jiff::civil::{Date, Time};

/// Reminders are shown when the clear time is this many minutes away (or less).
pub const REMIND_AT: [i64; 3] = [30, 10, 2];
/// From here on a reminder becomes a demand.
pub const IMMINENT_MINUTES: i64 = 2;
/// The first reminder.
pub const REMIND_MINUTES: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    QuitRequested,
    DayChanged,
    EarlierDayUnsettled,
    AutoClearImminent,
    PaymentInDoubt,
}

impl Why {
    pub fn as_str(&self) -> &'static str {
        match self {
            Why::QuitRequested => "quit_requested",
            Why::DayChanged => "day_changed",
            Why::EarlierDayUnsettled => "earlier_day_unsettled",
            Why::AutoClearImminent => "auto_clear_imminent",
            Why::PaymentInDoubt => "payment_in_doubt",
        }
    }

    /// Whether selling must stop until the batch is settled or deferred (a quit request or an
    /// imminent clear only stop quitting; the cashier may go on selling meanwhile).
    pub fn stops_selling(&self) -> bool {
        matches!(self, Why::DayChanged | Why::EarlierDayUnsettled | Why::PaymentInDoubt)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clear,
    /// The terminal clears its batch in `minutes`; settle before.
    Remind {
        minutes: i64,
        terminal: String,
    },
    MustSettle {
        why: Why,
        terminal: Option<String>,
    },
    Deferred {
        until: Timestamp,
        by: String,
        reason: DeferReason,
    },
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Clear => "clear",
            Verdict::Remind { .. } => "remind",
            Verdict::MustSettle { .. } => "must_settle",
            Verdict::Deferred { .. } => "deferred",
        }
    }

    /// Quitting is allowed (the window closes, the process may stop).
    pub fn allows_quit(&self) -> bool {
        !matches!(self, Verdict::MustSettle { .. })
    }

    pub fn allows_selling(&self) -> bool {
        !matches!(self, Verdict::MustSettle { why, .. } if why.stops_selling())
    }
}

/// When a terminal clears its batch by itself (local time of day), if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClearTime {
    pub terminal: String,
    pub at: Time,
}

#[derive(Debug, Clone)]
pub struct GuardInput<'a> {
    pub now: Timestamp,
    pub rule: &'a DayRule,
    /// The business day the till is on (never earlier than a day already recorded).
    pub today: Date,
    /// The business day this process started on: a batch from before it was left by an
    /// earlier run; a batch from since then saw the day change while running.
    pub started_on: Date,
    /// Every unsettled batch (Open, Settling, Deferred, Failed), all terminals.
    pub batches: &'a [BatchView],
    pub clear_times: &'a [ClearTime],
    /// Card transactions whose outcome the ledger does not know.
    pub in_doubt: u64,
    pub quit_requested: bool,
}

pub fn verdict(input: &GuardInput<'_>) -> Verdict {
    if input.in_doubt > 0 {
        return Verdict::MustSettle {
            why: Why::PaymentInDoubt,
            terminal: None,
        };
    }
    // Only batches holding money matter; a cash-only day has no guard.
    let holding: Vec<&BatchView> = input.batches.iter().filter(|b| b.payments > 0).collect();
    let deferred = |b: &BatchView| {
        b.deferral
            .as_ref()
            .is_some_and(|d| d.at <= input.now && input.now < d.until)
    };
    let pressing: Vec<&BatchView> = holding.iter().copied().filter(|b| !deferred(b)).collect();

    // The oldest first: a batch left by an earlier run outranks one the running day left
    // behind, whatever order the store listed them in.
    if let Some(b) = pressing
        .iter()
        .filter(|b| b.first_day < input.today)
        .min_by_key(|b| (b.first_day, &b.terminal))
    {
        let why = if b.first_day < input.started_on {
            Why::EarlierDayUnsettled
        } else {
            Why::DayChanged
        };
        return must(why, b);
    }
    let nearest = pressing
        .iter()
        .filter_map(|b| minutes_to_clear(input, &b.terminal).map(|m| (m, *b)))
        .min_by_key(|(m, _)| *m);
    if let Some((minutes, b)) = nearest
        && minutes <= IMMINENT_MINUTES
    {
        return must(Why::AutoClearImminent, b);
    }
    if input.quit_requested
        && let Some(b) = pressing.first()
    {
        return must(Why::QuitRequested, b);
    }
    if pressing.is_empty()
        && let Some(d) = holding
            .iter()
            .filter_map(|b| b.deferral.as_ref().filter(|_| deferred(b)))
            .min_by_key(|d| d.until)
    {
        return Verdict::Deferred {
            until: d.until,
            by: d.by.clone(),
            reason: d.reason.clone(),
        };
    }
    if let Some((minutes, b)) = nearest
        && minutes <= REMIND_MINUTES
    {
        return Verdict::Remind {
            minutes,
            terminal: b.terminal.clone(),
        };
    }
    Verdict::Clear
}

fn must(why: Why, b: &BatchView) -> Verdict {
    Verdict::MustSettle {
        why,
        terminal: Some(b.terminal.clone()),
    }
}

/// Whole minutes (rounded up) until the terminal's next clear time, if it has one.
pub fn minutes_to_clear(input: &GuardInput<'_>, terminal: &str) -> Option<i64> {
    let at = input.clear_times.iter().find(|c| c.terminal == terminal)?.at;
    let next = next_local(input.now, input.rule, at)?;
    let seconds = next.as_second() - input.now.as_second();
    Some((seconds + 59) / 60)
}

/// The next instant after `now` at which the local clock reads `at`.
pub fn next_local(now: Timestamp, rule: &DayRule, at: Time) -> Option<Timestamp> {
    let local = now.to_zoned(rule.time_zone.clone());
    let today = local.date().to_datetime(at).to_zoned(rule.time_zone.clone()).ok()?;
    if today.timestamp() > now {
        return Some(today.timestamp());
    }
    let tomorrow = local.date().tomorrow().ok()?.to_datetime(at);
    tomorrow.to_zoned(rule.time_zone.clone()).ok().map(|z| z.timestamp())
}

/// The latest a deferral made now may run: the earlier of the next business day's start
/// and the terminal's next clear time (a batch cannot be deferred past its own clearing).
pub fn deferral_limit(now: Timestamp, rule: &DayRule, today: Date, clear_at: Option<Time>) -> Timestamp {
    let cutoff = rule.next_start(today);
    match clear_at.and_then(|at| next_local(now, rule, at)) {
        Some(clear) => clear.min(cutoff),
        None => cutoff,
    }
}

/// Whether the terminal's clear time has come since `opened_at`: a batch still unsettled
/// then was cleared by the terminal and is Lost.
pub fn cleared_since(opened_at: Timestamp, now: Timestamp, rule: &DayRule, at: Time) -> bool {
    next_local(opened_at, rule, at).is_some_and(|clear| clear <= now)
}

#[cfg(test)]
mod tests;
