//! The training till's clock: the real clock plus an offset a lesson can move (the day-change
//! lesson jumps past the business-day cutoff without waiting for the night). Only a training
//! till is opened with it; the real ledger never sees a shifted time.

use crate::clock::Clock;
use jiff::{SignedDuration, Timestamp};
use std::sync::{Arc, Mutex};

pub struct TrainingClock {
    inner: Arc<dyn Clock>,
    offset: Mutex<SignedDuration>,
}

impl TrainingClock {
    pub fn new(inner: Arc<dyn Clock>) -> TrainingClock {
        TrainingClock {
            inner,
            offset: Mutex::new(SignedDuration::ZERO),
        }
    }

    /// How far ahead of the wrapped clock this one runs.
    pub fn offset(&self) -> SignedDuration {
        *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves the training time on by `by` (never backwards: the business day only moves
    /// forward, and a backwards jump would only teach the clock-tamper warning).
    pub fn shift(&self, by: SignedDuration) {
        if by.is_negative() {
            return;
        }
        let mut offset = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *offset = offset.checked_add(by).unwrap_or(*offset);
    }
}

impl std::fmt::Debug for TrainingClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrainingClock").field("offset", &self.offset()).finish()
    }
}

impl Clock for TrainingClock {
    fn now(&self) -> Timestamp {
        let now = self.inner.now();
        now.checked_add(self.offset()).unwrap_or(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn the_training_clock_runs_with_the_real_one_and_only_moves_forward() {
        let start: Timestamp = "2026-11-27T10:00:00Z".parse().expect("timestamp");
        let real = Arc::new(ManualClock::new(start));
        let clock = TrainingClock::new(real.clone());
        assert_eq!(clock.now(), start);
        clock.shift(SignedDuration::from_hours(18));
        real.advance(SignedDuration::from_mins(5));
        assert_eq!(clock.now(), "2026-11-28T04:05:00Z".parse::<Timestamp>().expect("ts"));
        clock.shift(SignedDuration::from_hours(-20));
        assert_eq!(clock.offset(), SignedDuration::from_hours(18));
    }
}
