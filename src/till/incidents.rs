//! Incidents at the till: the sweep that opens them (with their alerts queued), the manager's
//! write-up and close, the printout and the CSV export, and delivering the alert queue.

use super::{Till, TillError};
use crate::alert::message::{self, Origin};
use crate::alert::outbox::{self, Round, Transport};
use crate::alert::{AlertMessage, Channel};
use crate::incident::{self, Device, Incident, Source, check_note, kind_title};
use crate::permission::Action;
use crate::store::QueuedAlert;
use crate::users::Operator;
use jiff::Timestamp;
use std::path::PathBuf;

impl Till {
    /// Where this till's alerts say they come from.
    pub fn alert_origin(&self) -> Origin {
        Origin {
            shop: self.config.store_name.clone(),
            till_id: self.config.till_id.clone(),
            time_zone: self.config.time_zone.clone(),
            training: self.training,
        }
    }

    /// The channels new incidents are sent to: none from a training till, whose incidents are
    /// practice and must never reach the manager's phone.
    fn alert_channels(&self) -> Vec<Channel> {
        if self.training {
            return Vec::new();
        }
        outbox::channels(&self.config.alerts)
    }

    /// Opens incidents for these facts (a fact that has one already is skipped), queuing their
    /// alerts in the same transaction. The new ones are also kept for `take_new_incidents`.
    fn open_for(&mut self, sources: &[Source]) -> Result<Vec<Incident>, TillError> {
        if sources.is_empty() {
            return Ok(Vec::new());
        }
        let (tz, now) = (self.config.time_zone.clone(), self.clock.now());
        let news: Vec<_> = sources
            .iter()
            .map(|s| incident::describe(s, self.i18n(), &tz))
            .collect();
        // Its own translations: the printouts' are borrowed from `self`, which the store needs.
        let i18n = crate::i18n::I18n::new(self.config.language);
        let (origin, channels) = (self.alert_origin(), self.alert_channels());
        let alerts = |i: &Incident| -> Vec<(Channel, AlertMessage)> {
            let m = message::for_incident(i, &origin, &i18n);
            channels.iter().map(|c| (*c, m.clone())).collect()
        };
        let opened = self.store.open_incidents(&news, now, &alerts)?;
        self.new_incidents.extend(opened.iter().cloned());
        Ok(opened)
    }

    /// Looks through the ledger for facts without an incident (lost batches, mismatches,
    /// deferrals, payments in doubt, clock jumps, failed backups) and opens theirs. Idempotent:
    /// the window runs it every second, the command line after each command, and after a crash
    /// it finds what the crash interrupted.
    pub fn sweep_incidents(&mut self) -> Result<Vec<Incident>, TillError> {
        let sources = self.store.incident_sources()?;
        self.open_for(&sources)
    }

    /// The incidents opened since the last call (for the window's notification and banner).
    pub fn take_new_incidents(&mut self) -> Vec<Incident> {
        std::mem::take(&mut self.new_incidents)
    }

    /// A device has been unreachable longer than `[alerts] device_offline_minutes`: one
    /// incident per outage (its start names it).
    pub fn device_offline(
        &mut self,
        device: Device,
        name: &str,
        since: Timestamp,
        last_error: &str,
    ) -> Result<Option<Incident>, TillError> {
        let source = Source::Offline {
            device,
            name: name.to_string(),
            since,
            last_error: last_error.to_string(),
            at: self.clock.now(),
        };
        Ok(self.open_for(&[source])?.pop())
    }

    /// Open incidents oldest first, or every incident newest first.
    pub fn incidents(&self, open_only: bool) -> Result<Vec<Incident>, TillError> {
        Ok(self.store.incidents(open_only)?)
    }

    pub fn incident(&self, id: i64) -> Result<Incident, TillError> {
        self.store
            .incident(id)?
            .ok_or_else(|| TillError::Incident(incident::IncidentError::NoSuch(id).to_string()))
    }

    pub fn open_incident_count(&self) -> Result<i64, TillError> {
        Ok(self.store.open_incident_count()?)
    }

    /// Who was told about an incident: its queued and sent alerts.
    pub fn incident_alerts(&self, id: i64) -> Result<Vec<QueuedAlert>, TillError> {
        Ok(self.store.incident_alerts(id)?)
    }

    /// A manager writes down the cause and the remedy, and closes the incident when `close`
    /// (which needs a remedy: a closed incident says what was done). Audited.
    pub fn note_incident(
        &mut self,
        id: i64,
        cause: &str,
        remedy: &str,
        close: bool,
        approval: Option<&Operator>,
    ) -> Result<Incident, TillError> {
        let who = self.permit(Action::ManageIncidents, approval)?;
        let bad = |e: incident::IncidentError| TillError::Incident(e.to_string());
        let cause = check_note("cause", cause).map_err(bad)?;
        let remedy = check_note("remedy", remedy).map_err(bad)?;
        if close && remedy.is_empty() {
            return Err(bad(incident::IncidentError::NoRemedy(id)));
        }
        let now = self.clock.now();
        Ok(self.store.incident_note(id, &cause, &remedy, &who.name, close, now)?)
    }

    /// The incidents as CSV (open ones, or all).
    pub fn incidents_csv(&self, open_only: bool) -> Result<String, TillError> {
        Ok(incident::csv(&self.incidents(open_only)?, &self.config.time_zone))
    }

    /// Writes the CSV to `incidents/incidents-<time>.csv` in the data folder; audited.
    pub fn export_incidents_csv(&mut self, open_only: bool) -> Result<PathBuf, TillError> {
        let text = self.incidents_csv(open_only)?;
        let folder = self
            .data_dir()
            .map(|d| d.join("incidents"))
            .ok_or_else(|| TillError::Export("this ledger has no data folder to write the incidents to".into()))?;
        let stamp = self
            .now()
            .to_zoned(self.config.time_zone.clone())
            .strftime("%Y%m%d-%H%M%S");
        let file = folder.join(format!("incidents-{stamp}.csv"));
        let written = std::fs::create_dir_all(&folder).and_then(|_| std::fs::write(&file, text));
        written.map_err(|e| TillError::Export(format!("cannot write {}: {e}", file.display())))?;
        let actor = self.cashier();
        self.audit(
            &actor,
            "incidents.exported",
            &format!("incidents written to {}", file.display()),
        )?;
        Ok(file)
    }

    /// Queues the printout of one incident.
    pub fn queue_incident(&mut self, id: i64) -> Result<i64, TillError> {
        let i = self.incident(id)?;
        let (h, tz, cols) = (self.header(), self.config.time_zone.clone(), self.config.printer.cols);
        let title = kind_title(i.kind, self.i18n());
        let doc = self.page(|tr| crate::printer::incident_page::incident(&h, tr, &i, &title, &tz, cols));
        self.queue_print("incident", Some(id.to_string()), &doc, false)
    }

    /// Queues a test alert on every configured channel (`tillguard alerts test`); none from a
    /// training till.
    pub fn queue_test_alert(&mut self) -> Result<Vec<(i64, Channel)>, TillError> {
        let channels = self.alert_channels();
        if channels.is_empty() {
            return Err(TillError::Incident(if self.training {
                "a training till sends no alerts".into()
            } else {
                "no alert channel is configured: add [alerts.webhook] or [alerts.email] to the config file".into()
            }));
        }
        let now = self.clock.now();
        let m = message::test(&self.alert_origin(), now, self.i18n());
        let mut queued = Vec::new();
        for c in channels {
            queued.push((self.store.queue_alert(None, c, &m, now)?, c));
        }
        let actor = self.cashier();
        self.audit(&actor, "alert.test", "test alert queued")?;
        Ok(queued)
    }

    /// Queues a reminder before a terminal's clear time on every configured channel (the
    /// window calls it at the 30, 10 and 2-minute reminders); none from a training till.
    pub fn queue_reminder_alert(
        &mut self,
        terminal: &str,
        minutes: i64,
        clear_at: Timestamp,
    ) -> Result<usize, TillError> {
        let channels = self.alert_channels();
        let now = self.clock.now();
        let m = message::reminder(&self.alert_origin(), terminal, minutes, clear_at, self.i18n());
        for c in &channels {
            self.store.queue_alert(None, *c, &m, now)?;
        }
        Ok(channels.len())
    }

    /// Sends the alerts that are due through `transport` (the window's worker and
    /// `tillguard alerts send` use the configured webhook and mail server).
    pub fn deliver_alerts(&mut self, transport: &dyn Transport) -> Result<Round, TillError> {
        let clock = self.clock.clone();
        Ok(outbox::deliver_due(&mut self.store, transport, &|| clock.now())?)
    }

    /// Alerts still waiting to be sent (oldest first).
    pub fn alerts_waiting(&self) -> Result<Vec<QueuedAlert>, TillError> {
        Ok(self.store.alerts_waiting()?)
    }
}

#[cfg(test)]
mod tests;
