//! The business day: a calendar date in the store's time zone, starting at the cutoff.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone)]
pub struct DayRule {
    pub time_zone: TimeZone,
    /// Sales before this local time belong to the previous business day.
    pub cutoff: Time,
}

impl DayRule {
    pub fn new(time_zone: TimeZone, cutoff: Time) -> DayRule {
        DayRule { time_zone, cutoff }
    }

    /// The business date of an instant: e.g. 01:30 with a 04:00 cutoff is yesterday.
    pub fn business_date(&self, now: Timestamp) -> Date {
        let local = now.to_zoned(self.time_zone.clone());
        let date = local.date();
        if local.time() < self.cutoff {
            date.yesterday().unwrap_or(date)
        } else {
            date
        }
    }

    /// The instant a business day starts (its date at the cutoff; a DST gap moves it later).
    pub fn starts_at(&self, day: Date) -> Timestamp {
        day.to_datetime(self.cutoff)
            .to_zoned(self.time_zone.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX)
    }

    /// The instant the business day after `day` starts.
    pub fn next_start(&self, day: Date) -> Timestamp {
        self.starts_at(day.tomorrow().unwrap_or(day))
    }
}

/// Which business day the till is on, given what the clock says and the latest day the
/// ledger has seen. The day never moves backwards: a clock set back keeps the later day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayDecision {
    pub day: Date,
    /// The clock's business date is earlier than a day already recorded.
    pub clock_behind: bool,
}

pub fn effective_day(rule: &DayRule, now: Timestamp, latest_recorded: Option<Date>) -> DayDecision {
    let by_clock = rule.business_date(now);
    match latest_recorded {
        Some(latest) if latest > by_clock => DayDecision {
            day: latest,
            clock_behind: true,
        },
        _ => DayDecision {
            day: by_clock,
            clock_behind: false,
        },
    }
}

/// A clock this far behind the newest time recorded has been set back (NTP corrects by far less).
pub const CLOCK_BACK_TOLERANCE: SignedDuration = SignedDuration::from_secs(60);
/// A clock this far past the newest time recorded has been set forward, or the till stood
/// unused that long (the audit event says both).
pub const CLOCK_FORWARD_LIMIT: SignedDuration = SignedDuration::from_hours(24);

/// A jump of the wall clock against the newest time the ledger recorded (DESIGN, guard rule 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockJump {
    /// The newest time recorded.
    pub from: Timestamp,
    /// What the clock says now.
    pub to: Timestamp,
}

impl ClockJump {
    pub fn back(&self) -> bool {
        self.to < self.from
    }

    /// The audit event kind.
    pub fn kind(&self) -> &'static str {
        if self.back() { "clock_back" } else { "clock_forward" }
    }

    /// "the clock went back 49 h 0 min: from ... (the newest time recorded) to ..."
    pub fn describe(&self) -> String {
        let by = self.to.duration_since(self.from).unsigned_abs().as_secs();
        let how_far = format!("{} h {} min", by / 3600, by % 3600 / 60);
        if self.back() {
            format!(
                "the clock went back {how_far}: from {} (the newest time recorded) to {}",
                self.from, self.to
            )
        } else {
            format!(
                "the clock is {how_far} past the newest time recorded: from {} to {} (set forward, or the till \
                 was not used for that long)",
                self.from, self.to
            )
        }
    }
}

/// The jump `now` makes from the newest time recorded, if it is one.
pub fn clock_jump(now: Timestamp, newest_recorded: Option<Timestamp>) -> Option<ClockJump> {
    let from = newest_recorded?;
    let ahead = now.duration_since(from);
    (ahead < -CLOCK_BACK_TOLERANCE || ahead > CLOCK_FORWARD_LIMIT).then_some(ClockJump { from, to: now })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn shanghai() -> DayRule {
        DayRule::new(TimeZone::get("Asia/Shanghai").expect("tz"), Time::constant(4, 0, 0, 0))
    }

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn cutoff_splits_days_in_local_time() {
        let r = shanghai();
        // 01:30 local on the 27th belongs to the 26th.
        assert_eq!(r.business_date(at("2026-11-26T17:30:00Z")), date(2026, 11, 26));
        // 03:59:59 local: still the 26th; 04:00 local: the 27th.
        assert_eq!(r.business_date(at("2026-11-26T19:59:59Z")), date(2026, 11, 26));
        assert_eq!(r.business_date(at("2026-11-26T20:00:00Z")), date(2026, 11, 27));
        assert_eq!(r.starts_at(date(2026, 11, 27)), at("2026-11-26T20:00:00Z"));
        assert_eq!(r.next_start(date(2026, 11, 26)), at("2026-11-26T20:00:00Z"));
    }

    #[test]
    fn day_never_moves_backwards() {
        let r = shanghai();
        let d = effective_day(&r, at("2026-11-20T08:00:00Z"), Some(date(2026, 11, 26)));
        assert_eq!(
            d,
            DayDecision {
                day: date(2026, 11, 26),
                clock_behind: true
            }
        );
        let d = effective_day(&r, at("2026-11-28T08:00:00Z"), Some(date(2026, 11, 26)));
        assert_eq!(
            d,
            DayDecision {
                day: date(2026, 11, 28),
                clock_behind: false
            }
        );
        assert!(!effective_day(&r, at("2026-11-28T08:00:00Z"), None).clock_behind);
    }

    #[test]
    fn a_clock_jump_is_a_minute_back_or_a_day_forward_from_the_newest_time_recorded() {
        let newest = at("2026-11-26T10:00:00Z");
        assert_eq!(
            clock_jump(at("2026-11-24T09:00:00Z"), None),
            None,
            "nothing recorded yet"
        );
        for (now, jumped) in [
            ("2026-11-26T09:59:01Z", false),
            ("2026-11-26T09:58:59Z", true),
            ("2026-11-27T10:00:00Z", false),
            ("2026-11-27T10:00:01Z", true),
        ] {
            assert_eq!(clock_jump(at(now), Some(newest)).is_some(), jumped, "{now}");
        }
        let back = clock_jump(at("2026-11-24T09:00:00Z"), Some(newest)).expect("a jump");
        assert_eq!(back.kind(), "clock_back");
        assert_eq!(
            back.describe(),
            "the clock went back 49 h 0 min: from 2026-11-26T10:00:00Z (the newest time recorded) to \
             2026-11-24T09:00:00Z"
        );
        let forward = clock_jump(at("2026-11-28T10:30:00Z"), Some(newest)).expect("a jump");
        assert_eq!(forward.kind(), "clock_forward");
        assert!(
            forward.describe().starts_with("the clock is 48 h 30 min past"),
            "{}",
            forward.describe()
        );
    }

    #[test]
    fn dst_gap_at_cutoff_does_not_panic() {
        // Europe/Berlin skips 02:00-03:00 on 2026-03-29; a 02:30 cutoff falls in the gap.
        let r = DayRule::new(TimeZone::get("Europe/Berlin").expect("tz"), Time::constant(2, 30, 0, 0));
        let start = r.starts_at(date(2026, 3, 29));
        assert_eq!(r.business_date(start), date(2026, 3, 29));
    }
}
