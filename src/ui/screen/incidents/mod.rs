//! The manager's incidents screen: the open incidents (oldest first, closed ones on request),
//! and for the one picked what happened, what the till did, who was told, and the manager's
//! cause and remedy with Save, Close, Print and Export CSV.
//!
//! Anybody may read incidents (the banner names them on every screen); writing them up needs
//! a manager, so a cashier types a manager's PIN in the form, once per visit to the screen.

mod view;

use crate::i18n::I18n;
use crate::incident::Incident;
use crate::permission::Action;
use crate::store::QueuedAlert;
use crate::till::{Till, TillError};
use crate::ui::reason;
use crate::users::Operator;

/// The cause field.
pub const CAUSE_ID: &str = "incident-cause";
/// The remedy field.
pub const REMEDY_ID: &str = "incident-remedy";
/// The manager PIN field (shown while a cashier is logged in).
pub const PIN_ID: &str = "incident-pin";

#[derive(Debug, Clone)]
pub enum Message {
    Back,
    /// Closed incidents listed too (after the open ones).
    ShowClosed(bool),
    Select(i64),
    Cause(String),
    Remedy(String),
    Pin(String),
    Save,
    /// Save and close (needs a remedy).
    Close,
    Print,
    Export,
}

/// What the screen asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    None,
    Back,
    /// Send this print job (the incident's printout).
    Print(i64),
}

/// The incident picked, with what the manager has typed so far.
#[derive(Debug, Clone)]
pub struct Selected {
    pub incident: Incident,
    pub alerts: Vec<QueuedAlert>,
    pub cause: String,
    pub remedy: String,
}

pub struct State {
    /// Back returns to the end-of-day screen (the screen was opened from there).
    pub from_end_of_day: bool,
    pub show_closed: bool,
    /// Open ones oldest first, then (on request) closed ones newest first.
    pub incidents: Vec<Incident>,
    pub selected: Option<Selected>,
    /// The logged-in operator may not write incidents up: a manager's PIN is asked.
    pub gate: bool,
    pub pin: String,
    pub error: Option<String>,
    pub notice: Option<String>,
    /// (incident, print job) of the printout on its way.
    pub printing: Option<(i64, i64)>,
    /// The manager whose PIN was accepted, for the rest of this visit.
    approval: Option<Operator>,
}

impl State {
    pub fn new(till: &Till, i18n: &I18n, from_end_of_day: bool) -> State {
        let mut state = State {
            from_end_of_day,
            show_closed: false,
            incidents: Vec::new(),
            selected: None,
            gate: !till.may(Action::ManageIncidents),
            pin: String::new(),
            error: None,
            notice: None,
            printing: None,
            approval: None,
        };
        state.reload(till, i18n);
        state
    }

    /// Re-reads the list and the picked incident (what was typed into it is kept).
    pub fn reload(&mut self, till: &Till, i18n: &I18n) {
        let read = (|| -> Result<(), TillError> {
            let mut list = till.incidents(true)?;
            if self.show_closed {
                list.extend(till.incidents(false)?.into_iter().filter(|i| !i.is_open()));
            }
            self.incidents = list;
            if let Some(selected) = self.selected.as_mut() {
                selected.incident = till.incident(selected.incident.id)?;
                selected.alerts = till.incident_alerts(selected.incident.id)?;
            }
            Ok(())
        })();
        if let Err(e) = read {
            self.error = Some(read_failed(i18n, &e));
        }
    }

    pub fn update(&mut self, till: &mut Till, i18n: &I18n, message: Message) -> Request {
        match message {
            Message::Back => return Request::Back,
            Message::ShowClosed(on) => {
                self.show_closed = on;
                self.reload(till, i18n);
            }
            Message::Select(id) => self.select(till, i18n, id),
            Message::Cause(text) => {
                if let Some(s) = self.selected.as_mut() {
                    s.cause = text;
                }
            }
            Message::Remedy(text) => {
                if let Some(s) = self.selected.as_mut() {
                    s.remedy = text;
                }
            }
            // Digits only: a PIN pad, not a text field.
            Message::Pin(typed) => {
                self.pin = typed
                    .chars()
                    .filter(char::is_ascii_digit)
                    .take(crate::users::PIN_MAX)
                    .collect();
            }
            Message::Save => self.write(till, i18n, false),
            Message::Close => self.write(till, i18n, true),
            Message::Print => return self.print(till, i18n),
            Message::Export => self.export(till, i18n),
        }
        Request::None
    }

    fn clear_messages(&mut self) {
        self.error = None;
        self.notice = None;
    }

    fn select(&mut self, till: &Till, i18n: &I18n, id: i64) {
        self.clear_messages();
        let read = till
            .incident(id)
            .and_then(|incident| Ok((till.incident_alerts(id)?, incident)));
        match read {
            Ok((alerts, incident)) => {
                self.selected = Some(Selected {
                    cause: incident.cause.clone(),
                    remedy: incident.remedy.clone(),
                    incident,
                    alerts,
                });
            }
            Err(e) => self.error = Some(read_failed(i18n, &e)),
        }
    }

    /// Save (and maybe close) the picked incident's cause and remedy.
    fn write(&mut self, till: &mut Till, i18n: &I18n, close: bool) {
        self.clear_messages();
        let Some(selected) = self.selected.as_ref() else {
            return;
        };
        let id = selected.incident.id;
        // The till refuses it too; asked here first so the words are in the screen's language.
        if close && selected.remedy.trim().is_empty() {
            self.error = Some(i18n.t_args("incidents-needs-remedy", &[("id", id.to_string())]));
            return;
        }
        if self.gate && self.approval.is_none() {
            if self.pin.is_empty() {
                self.error = Some(i18n.t("incidents-pin-needed"));
                return;
            }
            match till.approve(Action::ManageIncidents, &std::mem::take(&mut self.pin)) {
                Ok(manager) => self.approval = Some(manager),
                Err(e) => {
                    self.error = Some(reason::till_error(i18n, &e));
                    return;
                }
            }
        }
        let (cause, remedy) = (selected.cause.clone(), selected.remedy.clone());
        match till.note_incident(id, &cause, &remedy, close, self.approval.as_ref()) {
            Ok(incident) => {
                let key = if close { "incidents-closed" } else { "incidents-saved" };
                self.notice = Some(i18n.t_args(key, &[("id", id.to_string())]));
                // The ledger's trimmed text is what was kept.
                self.selected = Some(Selected {
                    cause: incident.cause.clone(),
                    remedy: incident.remedy.clone(),
                    alerts: till.incident_alerts(id).unwrap_or_default(),
                    incident,
                });
                let notice = self.notice.take();
                self.reload(till, i18n);
                self.notice = notice;
            }
            Err(e) => self.error = Some(reason::till_error(i18n, &e)),
        }
    }

    fn print(&mut self, till: &mut Till, i18n: &I18n) -> Request {
        self.clear_messages();
        let Some(id) = self.selected.as_ref().map(|s| s.incident.id) else {
            return Request::None;
        };
        if till.print_target(None).is_none() {
            self.error = Some(i18n.t("incidents-no-printer"));
            return Request::None;
        }
        match till.queue_incident(id) {
            Ok(job) => {
                self.notice = Some(i18n.t_args("incidents-printing", &[("id", id.to_string())]));
                self.printing = Some((id, job));
                Request::Print(job)
            }
            Err(e) => {
                let args = [("id", id.to_string()), ("reason", reason::till_error(i18n, &e))];
                self.error = Some(i18n.t_args("incidents-print-failed", &args));
                Request::None
            }
        }
    }

    /// A print job's outcome: said here when it is this screen's printout (a failed job stays
    /// queued behind the app's print backlog strip).
    pub fn printed(&mut self, job: i64, result: &Result<(), String>, i18n: &I18n) {
        let Some((id, _)) = self.printing.filter(|(_, j)| *j == job) else {
            return;
        };
        self.printing = None;
        match result {
            Ok(()) => self.notice = Some(i18n.t_args("incidents-printed", &[("id", id.to_string())])),
            Err(e) => {
                let args = [("id", id.to_string()), ("reason", e.clone())];
                self.notice = None;
                self.error = Some(i18n.t_args("incidents-not-printed", &args));
            }
        }
    }

    /// The listed incidents (open ones, or all when closed ones are shown) as CSV.
    fn export(&mut self, till: &mut Till, i18n: &I18n) {
        self.clear_messages();
        match till.export_incidents_csv(!self.show_closed) {
            Ok(path) => {
                self.notice = Some(i18n.t_args("incidents-exported", &[("path", path.display().to_string())]));
            }
            Err(e) => {
                self.error = Some(i18n.t_args("incidents-export-failed", &[("reason", reason::till_error(i18n, &e))]));
            }
        }
    }
}

fn read_failed(i18n: &I18n, e: &TillError) -> String {
    i18n.t_args("incidents-read-failed", &[("reason", reason::till_error(i18n, e))])
}
