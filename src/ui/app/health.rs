//! Device health in the window: every terminal exchange and every print outcome feeds
//! `crate::health`, an idle printer is asked its status once a minute on a worker thread,
//! and a device failing for longer than `[alerts] device_offline_minutes` is handed to
//! `device_offline` once per outage (the incidents pick it up from `pending_offline`).

use super::{App, Message, Screen, Step};
use crate::health::{Back, Device, Health, Offline, Status};
use crate::printer::link::{self, LinkOptions};
use crate::printer::spec::PrinterSpec;
use crate::printer::status::PrinterStatus;
use crate::till::TillError;
use crate::till::print::{PrintError, Target};
use crate::ui::desk::Outcome;
use crate::ui::job::Job;
use iced::{Element, Task};
use jiff::{SignedDuration, Timestamp};

/// How often an idle printer is asked how it is (the terminal's poll has the same pace).
const PRINTER_PROBE: SignedDuration = SignedDuration::from_secs(60);
/// A print job that never reported back stops holding off the probe after this long.
const PRINT_STALE: SignedDuration = SignedDuration::from_mins(5);

/// When to ask the printer next, and what must not be disturbed meanwhile.
#[derive(Debug, Default)]
pub(super) struct Watch {
    next_probe: Option<Timestamp>,
    /// A probe is out on a worker thread.
    probing: bool,
    /// Print jobs sent and not reported back: a second connection could disturb them
    /// (a serial port or USB printer opens only once), so no probe meanwhile.
    pub(super) printing: usize,
    pub(super) printing_since: Option<Timestamp>,
    /// `[alerts] device_offline_minutes`, as last read from the till (`None`: never).
    limit: Option<SignedDuration>,
    /// Outages handed to `device_offline` since the window opened.
    reported: usize,
}

impl Step {
    /// This step with one more job; the step's own job, if any, stays the one handed back.
    pub(super) fn also(self, job: Option<Job<Message>>) -> Step {
        match (self.job, job) {
            (None, job) => Step { task: self.task, job },
            (Some(own), None) => Step {
                task: self.task,
                job: Some(own),
            },
            (Some(own), Some(more)) => Step {
                task: Task::batch([self.task, more.spawn()]),
                job: Some(own),
            },
        }
    }
}

impl App {
    /// What the till knows about its terminal and printer.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// Offline devices reported and not yet taken.
    pub fn pending_offline(&self) -> &[Offline] {
        &self.pending_offline
    }

    /// How many outages were reported since the window opened (`pending_offline` is emptied
    /// as the incidents take them).
    pub fn offline_reports(&self) -> usize {
        self.device_watch.reported
    }

    /// Devices answering again after a reported outage, not yet taken.
    pub fn pending_back(&self) -> &[Back] {
        &self.pending_back
    }

    /// The hook for incidents: a device has been failing for longer than the limit.
    pub(super) fn device_offline(&mut self, offline: Offline) {
        tracing::warn!(
            device = offline.device.as_str(),
            since = %offline.since,
            error = %offline.last_error.text,
            "device offline for longer than the limit"
        );
        self.device_watch.reported += 1;
        self.pending_offline.push(offline);
    }

    /// How the device is reached, to name it in an incident ("zvt+serial:/dev/ttyUSB0",
    /// "tcp:192.168.1.50:9100"); `None` while the till is with the terminal.
    pub(super) fn device_name(&self, device: Device) -> Option<String> {
        let desk = self.desk.as_ref()?;
        Some(match device {
            Device::Terminal => desk.setup().spec.as_ref().map(|s| s.to_string()).unwrap_or_default(),
            Device::Printer => desk.till.print_target(None).map(|t| t.to_string()).unwrap_or_default(),
        })
    }

    /// A device answers again; kept for the incident only if its outage was reported.
    fn device_back(&mut self, back: Back) {
        tracing::info!(device = back.device.as_str(), after = %back.after, "device answers again");
        if back.was_reported {
            self.pending_back.push(back);
        }
    }

    fn observe(&mut self, device: Device, result: Result<(), String>) {
        let now = self.clock.now();
        let health = self.health.device_mut(device);
        match result {
            Ok(()) => {
                if let Some(back) = health.observe_ok(now) {
                    self.device_back(back);
                }
            }
            Err(text) => health.observe_error(now, text),
        }
        self.check_offline();
    }

    /// Hands every outage just past the limit to `device_offline`.
    fn check_offline(&mut self) {
        if let Some(desk) = self.desk.as_ref() {
            let minutes = desk.till.config().alerts.device_offline_minutes;
            // 0 switches the incident off, as 0 does for the idle lock.
            self.device_watch.limit = (minutes > 0).then(|| SignedDuration::from_mins(i64::from(minutes)));
        }
        let Some(limit) = self.device_watch.limit else { return };
        for offline in self.health.offline_incidents(self.clock.now(), limit) {
            self.device_offline(offline);
        }
    }

    /// Each guard tick: outages past the limit, and the printer's status when it is due.
    pub(super) fn watch_devices(&mut self) -> Option<Job<Message>> {
        self.check_offline();
        self.probe_printer()
    }

    /// A terminal exchange came back: any answer means the terminal is there.
    pub(super) fn terminal_outcome(&mut self, outcome: &Outcome) {
        let heard = match outcome {
            Outcome::Paid(r) | Outcome::Refunded(r) => terminal_heard(r.as_ref()),
            Outcome::Polled(r) => terminal_heard(r),
            Outcome::Recovered(r) => terminal_heard(r),
            Outcome::Settled(r) => terminal_heard(r.as_ref()),
            Outcome::Checked(r) => terminal_heard(r),
        };
        if let Some(result) = heard {
            self.observe(Device::Terminal, result);
        }
    }

    /// A print job's outcome (from `printed`).
    pub(super) fn printer_outcome(&mut self, result: &Result<(), String>) {
        let watch = &mut self.device_watch;
        watch.printing = watch.printing.saturating_sub(1);
        if watch.printing == 0 {
            watch.printing_since = None;
        }
        let no_printer = self.desk.as_ref().is_some_and(|d| d.till.print_target(None).is_none());
        if !no_printer {
            self.observe(Device::Printer, result.clone());
        }
    }

    /// The idle status request's answer.
    pub(super) fn printer_checked(&mut self, result: Result<(), String>) {
        self.device_watch.probing = false;
        self.observe(Device::Printer, result);
    }

    /// Starts the status request when due and the printer is idle: a two-way printer is
    /// asked on a worker thread; a file or the on-screen preview is always there.
    fn probe_printer(&mut self) -> Option<Job<Message>> {
        let now = self.clock.now();
        let watch = &mut self.device_watch;
        if watch.printing > 0
            && watch
                .printing_since
                .is_some_and(|t| now.duration_since(t) > PRINT_STALE)
        {
            // Outcomes that never came (a worker that died) must not stop the probe for good.
            watch.printing = 0;
            watch.printing_since = None;
        }
        // A clock stepped back must not put the next probe far away.
        let due = watch
            .next_probe
            .is_none_or(|next| now >= next || next.duration_since(now) > PRINTER_PROBE);
        if !due || watch.probing || watch.printing > 0 {
            return None;
        }
        let till = &self.desk.as_ref()?.till;
        let target = till.print_target(None)?;
        let ask_status = till.config().printer.status;
        watch.next_probe = Some(now + PRINTER_PROBE);
        match target {
            Target::Preview(_) | Target::Printer(PrinterSpec::File { .. }) => {
                // Assumed there, but a write that failed stands until a print succeeds.
                if self.health.printer.status() != Status::Offline {
                    self.observe(Device::Printer, Ok(()));
                }
                None
            }
            Target::Printer(spec) if spec.two_way() => {
                watch.probing = true;
                Some(Job::new(move |send| {
                    send(Message::PrinterChecked(probe(&spec, ask_status)))
                }))
            }
            // A device file cannot say how the printer is; its print outcomes tell.
            Target::Printer(_) => None,
        }
    }

    /// The health panel under the end-of-day screen, for managers.
    pub(super) fn health_section(&self) -> Option<Element<'_, Message>> {
        let manager = self.who.as_ref().is_some_and(|w| w.role.is_manager());
        let shown = manager && self.lock.is_none() && matches!(self.screen, Screen::EndOfDay(_));
        shown.then(|| crate::ui::screen::health::view(&self.health, self.clock.now(), &self.shop.time_zone, &self.i18n))
    }
}

/// Whether a terminal exchange reached the terminal: `Err` when it did not answer, `Ok` for
/// any answer (a decline or a refusal too), `None` when the terminal played no part.
fn terminal_heard<T>(result: &Result<T, TillError>) -> Option<Result<(), String>> {
    let Err(e) = result else { return Some(Ok(())) };
    match e {
        TillError::TerminalUnreachable(_) | TillError::Terminal(_) | TillError::RecoveryBlocked { .. } => {
            Some(Err(e.to_string()))
        }
        TillError::Card { in_doubt, .. } | TillError::CardReturn { in_doubt, .. } => {
            // Refused outright (not in doubt) is an answer; in doubt means the line went quiet.
            Some(if *in_doubt { Err(e.to_string()) } else { Ok(()) })
        }
        TillError::CardDeclined { .. } | TillError::NotDone { .. } => Some(Ok(())),
        _ => None,
    }
}

/// The printer's status over a connection of its own (a worker thread): reachable, and,
/// where it answers status requests, nothing keeping it from printing.
fn probe(spec: &PrinterSpec, ask_status: bool) -> Result<(), String> {
    let target = spec.to_string();
    let on_link = |source| PrintError::Link {
        target: target.clone(),
        source,
    };
    let mut link = link::open(spec, &LinkOptions::default()).map_err(|e| on_link(e).to_string())?;
    if !ask_status {
        return Ok(());
    }
    let status = link.status().map_err(|e| on_link(e).to_string())?;
    match status.as_ref().and_then(PrinterStatus::problem) {
        Some(problem) => Err(PrintError::Problem { target, problem }.to_string()),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_of_any_kind_counts_and_silence_does_not() {
        let heard = |e: TillError| terminal_heard::<()>(&Err(e));
        assert_eq!(terminal_heard(&Ok::<_, TillError>(1)), Some(Ok(())));
        assert!(
            matches!(heard(TillError::TerminalUnreachable("no port".into())), Some(Err(t)) if t.contains("no port"))
        );
        assert!(matches!(heard(TillError::Terminal("timeout".into())), Some(Err(_))));
        assert!(matches!(
            heard(TillError::Card {
                reason: "no ack".into(),
                in_doubt: true
            }),
            Some(Err(_))
        ));
        assert_eq!(
            heard(TillError::Card {
                reason: "refused".into(),
                in_doubt: false
            }),
            Some(Ok(()))
        );
        assert_eq!(heard(TillError::CardDeclined { code: 5 }), Some(Ok(())));
        assert_eq!(heard(TillError::Tender("x".into())), None);
    }

    #[test]
    fn a_printer_that_is_not_there_fails_the_probe_with_its_name() {
        let spec = PrinterSpec::parse("tcp:127.0.0.1:1").expect("spec");
        let err = probe(&spec, true).expect_err("nothing listens on port 1");
        assert!(err.contains("tcp:127.0.0.1:1"), "{err}");
    }
}
