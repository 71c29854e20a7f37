//! Device health: what the till last heard from its card terminal and its receipt printer,
//! and when a device has been failing long enough to be an incident. Pure bookkeeping: the
//! UI feeds in every outcome with the time it happened, nothing here reads a clock or a port.
//!
//! An outage starts at the first failure after a success (or at the first failure ever) and
//! ends at the next success. `offline_incident` reports each outage once, when it has lasted
//! longer than the limit; the success that ends it is reported back by `observe_ok`.

use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Device {
    Terminal,
    Printer,
}

impl Device {
    /// A stable key for logs, JSON and incident records.
    pub fn as_str(self) -> &'static str {
        match self {
            Device::Terminal => "terminal",
            Device::Printer => "printer",
        }
    }
}

impl std::fmt::Display for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the device failed with, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceError {
    pub text: String,
    pub at: Timestamp,
}

impl std::fmt::Display for DeviceError {
    /// The text alone (its time is shown or stored beside it).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// How the device is, as far as the till knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing heard yet (or the device is not configured).
    Unknown,
    Online,
    Offline,
}

/// A device failing for longer than the limit: reported once per outage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offline {
    pub device: Device,
    /// The first failure of this outage.
    pub since: Timestamp,
    /// The newest failure (what the device is failing with now).
    pub last_error: DeviceError,
    /// When the limit was found passed.
    pub checked_at: Timestamp,
}

impl Offline {
    /// How long the device had been failing when this was reported.
    pub fn duration(&self) -> SignedDuration {
        non_negative(self.checked_at.duration_since(self.since))
    }
}

/// A device answering again after an outage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Back {
    pub device: Device,
    /// The start of the outage that ended.
    pub since: Timestamp,
    /// How long it lasted.
    pub after: SignedDuration,
    pub at: Timestamp,
    /// An `Offline` was reported for this outage (so its incident may note the recovery).
    pub was_reported: bool,
}

/// One device's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceHealth {
    device: Device,
    last_seen: Option<Timestamp>,
    last_error: Option<DeviceError>,
    up_since: Option<Timestamp>,
    down_since: Option<Timestamp>,
    /// The current outage was reported by `offline_incident`.
    reported: bool,
}

impl DeviceHealth {
    pub fn new(device: Device) -> DeviceHealth {
        DeviceHealth {
            device,
            last_seen: None,
            last_error: None,
            up_since: None,
            down_since: None,
            reported: false,
        }
    }

    pub fn device(&self) -> Device {
        self.device
    }

    /// The device answered (or did its job). Ends an outage, which is returned.
    pub fn observe_ok(&mut self, now: Timestamp) -> Option<Back> {
        self.last_seen = Some(now);
        if self.up_since.is_none() {
            self.up_since = Some(now);
        }
        let was_reported = std::mem::take(&mut self.reported);
        self.down_since.take().map(|since| Back {
            device: self.device,
            since,
            after: non_negative(now.duration_since(since)),
            at: now,
            was_reported,
        })
    }

    /// The device did not answer, or failed its job.
    pub fn observe_error(&mut self, now: Timestamp, text: impl Into<String>) {
        self.last_error = Some(DeviceError {
            text: text.into(),
            at: now,
        });
        self.up_since = None;
        if self.down_since.is_none() {
            self.down_since = Some(now);
        }
    }

    /// The last success.
    pub fn last_seen(&self) -> Option<Timestamp> {
        self.last_seen
    }

    /// The last failure, even one an outage since ended.
    pub fn last_error(&self) -> Option<&DeviceError> {
        self.last_error.as_ref()
    }

    /// The start of the current run of successes; `None` while down or unknown.
    pub fn up_since(&self) -> Option<Timestamp> {
        self.up_since
    }

    /// The first failure since the last success; `None` while up or unknown.
    pub fn down_since(&self) -> Option<Timestamp> {
        self.down_since
    }

    pub fn status(&self) -> Status {
        match (self.down_since, self.up_since) {
            (Some(_), _) => Status::Offline,
            (None, Some(_)) => Status::Online,
            (None, None) => Status::Unknown,
        }
    }

    /// How long the device has been up (never negative, should the clock step back).
    pub fn uptime(&self, now: Timestamp) -> Option<SignedDuration> {
        self.up_since.map(|since| non_negative(now.duration_since(since)))
    }

    /// How long the device has been failing.
    pub fn offline_for(&self, now: Timestamp) -> Option<SignedDuration> {
        self.down_since.map(|since| non_negative(now.duration_since(since)))
    }

    /// `Some` once per outage: the first time it is asked after the device has been failing
    /// for longer than `limit`. A success re-arms it.
    pub fn offline_incident(&mut self, now: Timestamp, limit: SignedDuration) -> Option<Offline> {
        if self.reported {
            return None;
        }
        let since = self.down_since?;
        let last_error = self.last_error.clone()?;
        if now.duration_since(since) <= limit {
            return None;
        }
        self.reported = true;
        Some(Offline {
            device: self.device,
            since,
            last_error,
            checked_at: now,
        })
    }
}

/// The till's two devices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub terminal: DeviceHealth,
    pub printer: DeviceHealth,
}

impl Default for Health {
    fn default() -> Health {
        Health {
            terminal: DeviceHealth::new(Device::Terminal),
            printer: DeviceHealth::new(Device::Printer),
        }
    }
}

impl Health {
    pub fn device(&self, device: Device) -> &DeviceHealth {
        match device {
            Device::Terminal => &self.terminal,
            Device::Printer => &self.printer,
        }
    }

    pub fn device_mut(&mut self, device: Device) -> &mut DeviceHealth {
        match device {
            Device::Terminal => &mut self.terminal,
            Device::Printer => &mut self.printer,
        }
    }

    /// Every device whose outage passed `limit` just now (terminal first).
    pub fn offline_incidents(&mut self, now: Timestamp, limit: SignedDuration) -> Vec<Offline> {
        [Device::Terminal, Device::Printer]
            .into_iter()
            .filter_map(|d| self.device_mut(d).offline_incident(now, limit))
            .collect()
    }
}

/// A wall clock that stepped back must not make a duration negative.
fn non_negative(d: SignedDuration) -> SignedDuration {
    d.max(SignedDuration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t0() -> Timestamp {
        "2026-03-14T04:00:00Z".parse().expect("timestamp")
    }

    fn at(minutes: i64) -> Timestamp {
        t0() + SignedDuration::from_mins(minutes)
    }

    const LIMIT: SignedDuration = SignedDuration::from_mins(10);

    #[test]
    fn nothing_heard_is_unknown() {
        let mut h = DeviceHealth::new(Device::Printer);
        assert_eq!(h.status(), Status::Unknown);
        assert_eq!(
            (h.last_seen(), h.last_error(), h.uptime(at(5)), h.offline_for(at(5))),
            (None, None, None, None)
        );
        assert_eq!(h.offline_incident(at(60), LIMIT), None);
        assert_eq!(Device::Printer.as_str(), "printer");
        assert_eq!(Device::Terminal.to_string(), "terminal");
    }

    #[test]
    fn successes_make_one_run_of_uptime() {
        let mut h = DeviceHealth::new(Device::Terminal);
        assert_eq!(h.observe_ok(at(0)), None);
        assert_eq!(h.observe_ok(at(3)), None);
        assert_eq!(h.status(), Status::Online);
        assert_eq!(h.last_seen(), Some(at(3)));
        assert_eq!(h.up_since(), Some(at(0)));
        assert_eq!(h.uptime(at(7)), Some(SignedDuration::from_mins(7)));
        assert_eq!(h.down_since(), None);
    }

    #[test]
    fn an_outage_starts_at_its_first_failure_and_keeps_the_newest_error() {
        let mut h = DeviceHealth::new(Device::Terminal);
        h.observe_ok(at(0));
        h.observe_error(at(2), "no answer");
        h.observe_error(at(4), "port gone");
        assert_eq!(h.status(), Status::Offline);
        assert_eq!(h.down_since(), Some(at(2)));
        assert_eq!(h.up_since(), None);
        assert_eq!(h.uptime(at(5)), None);
        assert_eq!(h.offline_for(at(5)), Some(SignedDuration::from_mins(3)));
        assert_eq!(h.last_seen(), Some(at(0)), "the last success stays");
        let e = h.last_error().expect("error kept");
        assert_eq!((e.text.as_str(), e.at), ("port gone", at(4)));
    }

    #[test]
    fn the_incident_fires_once_after_the_limit_and_rearms_after_a_success() {
        let mut h = DeviceHealth::new(Device::Printer);
        h.observe_ok(at(0));
        h.observe_error(at(1), "paper out");
        assert_eq!(
            h.offline_incident(at(11), LIMIT),
            None,
            "exactly the limit is not longer"
        );
        let offline = h.offline_incident(at(12), LIMIT).expect("longer than the limit");
        assert_eq!(offline.device, Device::Printer);
        assert_eq!(offline.since, at(1));
        assert_eq!(offline.checked_at, at(12));
        assert_eq!(offline.last_error.text, "paper out");
        assert_eq!(offline.duration(), SignedDuration::from_mins(11));
        h.observe_error(at(13), "cover open");
        assert_eq!(h.offline_incident(at(30), LIMIT), None, "once per outage");

        let back = h.observe_ok(at(31)).expect("the outage ends");
        assert_eq!(back.device, Device::Printer);
        assert_eq!(
            (back.since, back.at, back.after),
            (at(1), at(31), SignedDuration::from_mins(30))
        );
        assert!(back.was_reported);
        assert_eq!(h.status(), Status::Online);
        assert_eq!(h.up_since(), Some(at(31)));
        assert_eq!(
            h.last_error().map(|e| e.text.as_str()),
            Some("cover open"),
            "kept for the panel"
        );

        h.observe_error(at(40), "again");
        assert_eq!(h.offline_incident(at(45), LIMIT), None);
        assert!(h.offline_incident(at(51), LIMIT).is_some(), "a new outage fires again");
    }

    #[test]
    fn a_short_outage_comes_back_unreported() {
        let mut h = DeviceHealth::new(Device::Terminal);
        h.observe_error(at(0), "no answer");
        assert_eq!(h.status(), Status::Offline, "failing from the start");
        let back = h.observe_ok(at(2)).expect("back");
        assert!(!back.was_reported);
        assert_eq!(h.offline_incident(at(60), LIMIT), None);
    }

    #[test]
    fn a_clock_stepping_back_gives_no_negative_durations() {
        let mut h = DeviceHealth::new(Device::Terminal);
        h.observe_error(at(10), "x");
        assert_eq!(h.offline_for(at(5)), Some(SignedDuration::ZERO));
        assert_eq!(h.offline_incident(at(5), LIMIT), None);
        let back = h.observe_ok(at(8)).expect("back");
        assert_eq!(back.after, SignedDuration::ZERO);
        assert_eq!(h.uptime(at(7)), Some(SignedDuration::ZERO));
    }

    #[test]
    fn the_pair_reports_each_device_on_its_own() {
        let mut health = Health::default();
        health.terminal.observe_error(at(0), "no answer");
        health.printer.observe_ok(at(0));
        let fired = health.offline_incidents(at(11), LIMIT);
        assert_eq!(fired.iter().map(|o| o.device).collect::<Vec<_>>(), [Device::Terminal]);
        health.printer.observe_error(at(12), "offline");
        assert!(health.offline_incidents(at(20), LIMIT).is_empty());
        let fired = health.offline_incidents(at(23), LIMIT);
        assert_eq!(fired.iter().map(|o| o.device).collect::<Vec<_>>(), [Device::Printer]);
        assert_eq!(health.device(Device::Printer).status(), Status::Offline);
    }

    #[derive(Debug, Clone)]
    enum Event {
        Ok,
        Error,
        Check,
    }

    fn event() -> impl Strategy<Value = (Event, i64)> {
        (
            prop_oneof![Just(Event::Ok), Just(Event::Error), Just(Event::Check)],
            0i64..400,
        )
    }

    proptest! {
        /// Whatever the order of successes, failures and checks, each outage (a run of
        /// failures between successes) is reported at most once, and only once it is longer
        /// than the limit.
        #[test]
        fn offline_incident_fires_at_most_once_per_outage(events in prop::collection::vec(event(), 0..80)) {
            let mut h = DeviceHealth::new(Device::Terminal);
            let mut now = t0();
            let mut outage: Option<Timestamp> = None;
            let mut fired_this_outage = 0;
            for (event, step) in events {
                now += SignedDuration::from_secs(step);
                match event {
                    Event::Ok => {
                        let back = h.observe_ok(now);
                        prop_assert_eq!(back.is_some(), outage.is_some());
                        if let Some(back) = back {
                            prop_assert_eq!(back.was_reported, fired_this_outage == 1);
                        }
                        outage = None;
                        fired_this_outage = 0;
                    }
                    Event::Error => {
                        h.observe_error(now, "x");
                        outage.get_or_insert(now);
                    }
                    Event::Check => {
                        if let Some(offline) = h.offline_incident(now, SignedDuration::from_mins(2)) {
                            fired_this_outage += 1;
                            prop_assert_eq!(Some(offline.since), outage);
                            prop_assert!(offline.duration() > SignedDuration::from_mins(2));
                        } else if let Some(since) = outage {
                            // Not firing is right only if it already did or the limit is not passed.
                            prop_assert!(fired_this_outage == 1 || now.duration_since(since) <= SignedDuration::from_mins(2));
                        }
                        prop_assert!(fired_this_outage <= 1);
                    }
                }
            }
        }
    }
}
