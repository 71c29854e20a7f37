//! Desktop notifications from the window: the reminders before the terminal clears its batch
//! (30, 10 and 2 minutes before, each once) and new incidents. The banner says the same on
//! screen; a notification also reaches whoever is looking at another window. Notes leave on a
//! thread of their own (`Notifier::send`), so the UI never waits for the desktop.

use super::App;
use crate::platform::notify::{DesktopNotifier, Note, Notifier, RecordingNotifier};
use crate::settlement::guard::{IMMINENT_MINUTES, REMIND_AT, Verdict, Why, next_local};
use crate::till::Till;
use jiff::Timestamp;

/// The notifier a till's settings ask for: the desktop's, or (notifications off) one that only
/// keeps the notes.
pub(super) fn notifier_for(till: &Till) -> Box<dyn Notifier> {
    if till.config().alerts.desktop {
        Box::new(DesktopNotifier::new())
    } else {
        Box::new(RecordingNotifier::new())
    }
}

/// Which reminders went out, so that each is sent once although the guard repeats its verdict
/// every second. Keyed by the clear instant, so tomorrow's clear time reminds again, and a
/// clock set back a few minutes does not.
#[derive(Debug, Default)]
pub(super) struct Reminders {
    /// (terminal, its clear instant, the latest stage sent: 30, 10 or 2)
    sent: Vec<(String, Timestamp, i64)>,
}

impl Reminders {
    /// The stage whose reminder is due, `minutes` before `terminal` clears at `clear_at`, if
    /// not yet sent. A till started 5 minutes before sends the 10-minute one only.
    pub(super) fn due(&mut self, terminal: &str, clear_at: Timestamp, minutes: i64, now: Timestamp) -> Option<i64> {
        self.sent.retain(|(_, at, _)| *at > now);
        // REMIND_AT runs 30, 10, 2: the stage is the smallest that `minutes` is within.
        let stage = REMIND_AT.iter().rev().copied().find(|s| minutes <= *s)?;
        match self.sent.iter_mut().find(|(t, at, _)| t == terminal && *at == clear_at) {
            Some((_, _, sent)) if *sent <= stage => None,
            Some((_, _, sent)) => {
                *sent = stage;
                Some(stage)
            }
            None => {
                self.sent.push((terminal.to_string(), clear_at, stage));
                Some(stage)
            }
        }
    }
}

impl App {
    /// Replaces how notes are shown: tests record them instead of showing them.
    pub fn set_notifier(&mut self, notifier: Box<dyn Notifier>) {
        self.notifier = notifier;
    }

    /// A desktop notification for a new incident. Urgent: it stays until dismissed. Returns at
    /// once; the desktop is asked on another thread.
    pub fn notify_incident(&mut self, title: String, body: String) {
        self.notifier.send(Note {
            title,
            body,
            urgent: true,
        });
    }

    /// After each guard verdict: the reminder before the terminal's clear time when a stage of
    /// it first shows (the 2-minute one, when the guard demands settling, is urgent).
    pub(super) fn remind_before_clear(&mut self) {
        let terminal = match &self.guard.verdict {
            Verdict::Remind { terminal, .. } => terminal,
            Verdict::MustSettle {
                why: Why::AutoClearImminent,
                terminal: Some(terminal),
            } => terminal,
            _ => return,
        };
        let Some(till) = self.desk.as_ref().map(|d| &d.till) else {
            return;
        };
        let Some(at) = till.config().terminal_auto_clear else {
            return;
        };
        let now = self.clock.now();
        let Some(clear_at) = next_local(now, till.day_rule(), at) else {
            return;
        };
        // Rounded up, as the guard and the banner count them.
        let minutes = (clear_at.as_second() - now.as_second() + 59) / 60;
        let Some(stage) = self.reminders.due(terminal, clear_at, minutes, now) else {
            return;
        };
        let urgent = stage <= IMMINENT_MINUTES;
        let title = if urgent {
            self.i18n.t("notify-clear-now-title")
        } else {
            self.i18n.t("notify-clear-title")
        };
        let args = [
            ("minutes", minutes.to_string()),
            ("at", at.strftime("%H:%M").to_string()),
        ];
        let body = self.i18n.t_args("notify-clear-body", &args);
        self.notifier.send(Note { title, body, urgent });
        // The manager hears of it too (webhook, e-mail): nobody may be at the till.
        let terminal = terminal.clone();
        if let Some(desk) = self.desk.as_mut() {
            match desk.till.queue_reminder_alert(&terminal, minutes, clear_at) {
                Ok(0) => {}
                Ok(_) => self.wake_alert_sender(),
                Err(e) => tracing::warn!("the reminder could not be queued for the manager: {e}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Reminders;
    use jiff::{SignedDuration, Timestamp};

    fn at(minutes_before: i64, clear: Timestamp) -> Timestamp {
        clear - SignedDuration::from_mins(minutes_before)
    }

    #[test]
    fn each_stage_is_due_once_and_the_next_clear_time_starts_over() {
        let clear: Timestamp = "2025-03-14T15:00:00Z".parse().expect("timestamp");
        let mut r = Reminders::default();
        let mut due = |m: i64, clear: Timestamp| r.due("T", clear, m, at(m, clear));
        assert_eq!(due(30, clear), Some(30));
        assert_eq!(due(29, clear), None);
        assert_eq!(due(11, clear), None);
        assert_eq!(due(10, clear), Some(10));
        assert_eq!(due(12, clear), None, "a clock set back does not remind again");
        assert_eq!(due(3, clear), None);
        assert_eq!(due(2, clear), Some(2));
        assert_eq!(due(1, clear), None);
        let tomorrow = clear + SignedDuration::from_hours(24);
        assert_eq!(due(30, tomorrow), Some(30));
    }

    #[test]
    fn a_late_start_sends_only_the_stage_it_is_in() {
        let clear: Timestamp = "2025-03-14T15:00:00Z".parse().expect("timestamp");
        let mut r = Reminders::default();
        assert_eq!(r.due("T", clear, 5, at(5, clear)), Some(10));
        assert_eq!(r.due("T", clear, 4, at(4, clear)), None);
        assert_eq!(r.due("T", clear, 31, at(31, clear)), None, "outside the reminders");
        assert_eq!(r.due("U", clear, 4, at(4, clear)), Some(10), "another terminal");
    }
}
