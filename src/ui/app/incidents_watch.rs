//! Incidents in the window: after every guard check the ledger is swept for new facts and the
//! device watch's outages are recorded; each new incident goes to the desktop as a
//! notification and wakes the alert sender, which runs on its own thread
//! (`crate::alert::worker`) so a slow mail server never freezes the till.

use super::App;
use crate::alert::outbox::channels;
use crate::alert::worker::Worker;
use crate::config::AlertsConfig;
use crate::incident::kind_title;
use std::path::PathBuf;

/// The alert sender of the ledger and alert settings it was started for.
pub(super) struct Sender {
    ledger: PathBuf,
    /// Saved settings apply at once: other settings start a new sender.
    alerts: AlertsConfig,
    worker: Worker,
}

impl App {
    /// Sends what was just queued (a reminder) without waiting for the next round.
    pub(super) fn wake_alert_sender(&self) {
        if let Some(sender) = &self.alert_sender {
            sender.worker.wake();
        }
    }

    pub(super) fn watch_incidents(&mut self) {
        let offline = std::mem::take(&mut self.pending_offline);
        let names: Vec<String> = offline
            .iter()
            .map(|o| {
                self.device_name(o.device)
                    .unwrap_or_else(|| o.device.as_str().to_string())
            })
            .collect();
        let Some(desk) = self.desk.as_mut() else {
            // With the terminal: recorded on the next check.
            self.pending_offline = offline;
            return;
        };
        let till = &mut desk.till;
        for (o, name) in offline.iter().zip(names) {
            if let Err(e) = till.device_offline(o.device, &name, o.since, &o.last_error.text) {
                tracing::warn!("the {} outage could not be recorded: {e}", o.device.as_str());
            }
        }
        if let Err(e) = till.sweep_incidents() {
            tracing::warn!("incidents could not be checked: {e}");
        }
        let new = till.take_new_incidents();
        // The sender follows the till: a training till has none, a real one with a webhook or
        // a mail server configured and a ledger file has one.
        let ledger = till.store().path().to_path_buf();
        let wanted = !till.is_training() && !channels(&till.config().alerts).is_empty() && ledger.is_absolute();
        let alerts = &till.config().alerts;
        let current = self.alert_sender.as_ref().map(|s| (s.ledger.as_path(), &s.alerts));
        if !wanted {
            self.alert_sender = None;
        } else if current != Some((ledger.as_path(), alerts)) {
            let worker = Worker::spawn(ledger.clone(), till.currency(), alerts.clone(), till.clock());
            // Whatever an earlier run left queued goes out now.
            worker.wake();
            let alerts = alerts.clone();
            self.alert_sender = Some(Sender { ledger, alerts, worker });
        }
        if new.is_empty() {
            return;
        }
        self.wake_alert_sender();
        for i in new {
            let title = kind_title(i.kind, &self.i18n);
            self.notify_incident(title, i.what);
        }
    }
}
