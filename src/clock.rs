//! Time comes from a Clock so every day-change scenario can be tested.

use jiff::{SignedDuration, Timestamp};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to (tests, benchmarks, demos).
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    pub fn new(at: Timestamp) -> ManualClock {
        ManualClock(Mutex::new(at))
    }

    pub fn set(&self, at: Timestamp) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now = now.saturating_add(by).unwrap_or(*now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The system clock moved to start at a given instant, then running at the normal pace (the
/// CLI's hidden test hook TILLGUARD_FAKE_NOW: day changes and clear times in end-to-end tests).
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock(SignedDuration);

impl ShiftedClock {
    pub fn starting_at(at: Timestamp) -> ShiftedClock {
        ShiftedClock(at.duration_since(Timestamp::now()))
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> Timestamp {
        let now = Timestamp::now();
        now.checked_add(self.0).unwrap_or(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_starts_where_told_and_runs_on() {
        let start: Timestamp = "2030-01-02T03:04:05Z".parse().expect("timestamp");
        let clock = ShiftedClock::starting_at(start);
        let first = clock.now();
        assert!((first.as_second() - start.as_second()).abs() <= 1, "{first}");
        assert!(clock.now() >= first);
    }
}
