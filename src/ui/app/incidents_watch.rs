//! Incidents in the window: after every guard check the ledger is swept for new facts and the
//! device watch's outages are recorded; each new incident goes to the desktop as a
//! notification and wakes the alert sender, which runs on its own thread
//! (`crate::alert::worker`) so a slow mail server never freezes the till.

use super::App;
use crate::alert::outbox::channels;
use crate::alert::worker::Worker;
use crate::incident::kind_title;
use std::path::PathBuf;

/// The alert sender of the ledger it was started for.
pub(super) struct Sender {
    ledger: PathBuf,
    worker: Worker,
}

impl App {
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
        let current = self.alert_sender.as_ref().map(|s| s.ledger.as_path());
        if !wanted {
            self.alert_sender = None;
        } else if current != Some(ledger.as_path()) {
            let worker = Worker::spawn(
                ledger.clone(),
                till.currency(),
                till.config().alerts.clone(),
                till.clock(),
            );
            // Whatever an earlier run left queued goes out now.
            worker.wake();
            self.alert_sender = Some(Sender { ledger, worker });
        }
        if new.is_empty() {
            return;
        }
        if let Some(sender) = &self.alert_sender {
            sender.worker.wake();
        }
        for i in new {
            let title = kind_title(i.kind, &self.i18n);
            self.notify_incident(title, i.what);
        }
    }
}
