//! The manager's Settings screen (F10): the store, sale rules, card terminal, printer, look
//! and language, backups and alerts, saved into the config file. A manager must be logged in,
//! or give a manager PIN first. Testing the terminal or the printer, or sending a test alert,
//! runs on a worker thread with the form's values, before anything is saved; the terminal the
//! till is connected to is tested through the desk, so its port is never opened twice.

mod sections;
mod view;

pub use view::{FORM_ID, SETTINGS_ID};

use crate::alert::Channel;
use crate::alert::outbox::{Configured, Transport, channels};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::config::edit::{Field, SettingsForm};
use crate::i18n::I18n;
use crate::permission::Action;
use crate::terminal::check::{CheckReport, check_device, same_device};
use crate::terminal::session::Observer;
use crate::terminal::spec::TerminalSpec;
use crate::terminal::zvt::messages::StatusInformation;
use crate::terminal::zvt::ports::available_ports;
use crate::till::card::CardProgress;
use crate::till::settings::TestPrinted;
use crate::till::{Till, TillError};
use crate::ui::job::Job;
use crate::ui::reason;
use crate::users::Operator;
use std::path::PathBuf;
use std::sync::Arc;

/// The manager PIN field (shown until a manager is known).
pub const PIN_ID: &str = "settings-pin";
/// The Save button.
pub const SAVE_ID: &str = "settings-save";
/// The confirmation that saving a demo creates the config file.
pub const CONFIRM_ID: &str = "settings-confirm-create";
pub const TEST_TERMINAL_ID: &str = "settings-test-terminal";
pub const TEST_PRINTER_ID: &str = "settings-test-printer";
pub const TEST_ALERT_ID: &str = "settings-test-alert";
pub const USERS_ID: &str = "settings-users";

/// The input of a field, or the box around its pick list or switch (the id tests and focus
/// operations use).
pub fn input_id(field: Field) -> &'static str {
    field.label_id()
}

#[derive(Debug, Clone)]
pub enum Message {
    Back,
    Pin(String),
    SubmitPin,
    Edit(Field, String),
    RefreshPorts,
    ConfirmCreate(bool),
    Save,
    TestTerminal,
    /// The terminal's intermediate status during a test of another device.
    TerminalStep(u8),
    TerminalChecked(Result<CheckReport, String>),
    TestPrinter,
    TestPrinted(Result<TestPrinted, String>),
    TestAlert,
    /// How each channel took the test alert (the error's text when it did not).
    AlertTested(Vec<(Channel, Result<(), String>)>),
    /// "Users and PINs": the app opens the users screen.
    Users,
}

/// What the screen asks of the app.
pub enum Request {
    None,
    Back,
    /// Check the terminal the till is connected to, through the desk.
    CheckThroughDesk,
    /// Work for a worker thread (checking another terminal, a test page).
    Work(Job<Message>),
    /// Saved and applied: the app takes on the language and the look.
    Saved,
    Users,
}

/// The test alert: sent on a worker, then each channel's outcome (shown in the window's
/// language, so kept as it came).
#[derive(Debug, Clone, Default)]
pub struct AlertTest {
    pub running: bool,
    pub results: Vec<(Channel, Result<(), String>)>,
}

/// A test of the terminal or the printer: what it said so far, and how it ended.
#[derive(Debug, Clone, Default)]
pub struct Test {
    pub running: bool,
    pub lines: Vec<String>,
    pub result: Option<Result<Vec<String>, String>>,
}

impl Test {
    fn start(&mut self, first: String) {
        *self = Test {
            running: true,
            lines: vec![first],
            result: None,
        };
    }

    fn finish(&mut self, result: Result<Vec<String>, String>) {
        self.running = false;
        self.result = Some(result);
    }
}

pub struct State {
    /// Until a manager is known: the PIN typed so far, and why the last one was refused.
    gate: Option<(String, Option<String>)>,
    /// The manager whose PIN opened the form (else the logged-in one saves).
    approval: Option<Operator>,
    /// A manager is logged in, who may go on to the users screen.
    users_allowed: bool,
    pub form: SettingsForm,
    /// The config file, and whether saving creates it (demo mode).
    config_file: Option<PathBuf>,
    creates_file: bool,
    confirm_create: bool,
    /// The terminal the till is connected to for this run.
    live_terminal: Option<TerminalSpec>,
    data_dir: PathBuf,
    ports: Vec<String>,
    /// Saved keys whose new value waits for the next start.
    pending_restart: Vec<&'static str>,
    pub terminal_test: Test,
    pub printer_test: Test,
    pub alert_test: AlertTest,
    /// The tax rates the catalog uses, with how many products each (rates are per product,
    /// set by the catalog import; shown here so a manager can check them).
    pub tax_rates: Vec<(String, usize)>,
    pub error: Option<String>,
    pub notice: Option<String>,
}

impl State {
    /// The screen for `till`; `live_terminal` and `data_dir` are the desk's.
    pub fn new(till: &Till, i18n: &I18n, live_terminal: Option<TerminalSpec>, data_dir: PathBuf) -> State {
        let allowed = till.may(Action::ChangeSettings);
        let (form, load_error) = match till.settings_form() {
            Ok(loaded) => loaded,
            Err(e) => (
                SettingsForm::new(till.config(), PathBuf::from("."), None),
                Some(reason::till_error(i18n, &e)),
            ),
        };
        let config_file = till.config_file().map(PathBuf::from);
        let mut state = State {
            gate: (!allowed).then(|| (String::new(), None)),
            users_allowed: allowed,
            approval: None,
            form,
            creates_file: config_file.as_ref().is_some_and(|f| !f.exists()),
            config_file,
            confirm_create: false,
            live_terminal,
            data_dir,
            ports: available_ports(),
            tax_rates: tax_rates(till),
            pending_restart: Vec::new(),
            terminal_test: Test::default(),
            printer_test: Test::default(),
            alert_test: AlertTest::default(),
            error: load_error.map(|e| i18n.t_args("settings-load-failed", &[("reason", e)])),
            notice: None,
        };
        state.pending_restart = state.restart_pending(till);
        state
    }

    /// The PIN prompt is up (no manager known yet).
    pub fn needs_pin(&self) -> bool {
        self.gate.is_some()
    }

    /// Saved changes the running till has not taken on: the file's against the running values.
    fn restart_pending(&self, till: &Till) -> Vec<&'static str> {
        match self.form.preview(till.config()) {
            Ok(file) => crate::till::settings::restart_keys(till.config(), &file),
            Err(_) => Vec::new(),
        }
    }

    /// Save is offered: every field valid, and a demo's new file confirmed.
    pub fn can_save(&self) -> bool {
        self.gate.is_none() && self.form.is_valid() && (!self.creates_file || self.confirm_create)
    }

    pub fn update(&mut self, till: &mut Till, i18n: &I18n, message: Message) -> Request {
        if let Some((pin, error)) = &mut self.gate {
            return match message {
                Message::Back => Request::Back,
                Message::Pin(typed) => {
                    *pin = typed
                        .chars()
                        .filter(char::is_ascii_digit)
                        .take(crate::users::PIN_MAX)
                        .collect();
                    *error = None;
                    Request::None
                }
                Message::SubmitPin => {
                    let typed = std::mem::take(pin);
                    match till.approve(Action::ChangeSettings, &typed) {
                        Ok(manager) => {
                            self.approval = Some(manager);
                            self.gate = None;
                        }
                        Err(e) => *error = Some(reason::till_error(i18n, &e)),
                    }
                    Request::None
                }
                // Nothing else before a manager is known.
                _ => Request::None,
            };
        }
        match message {
            Message::Back => return Request::Back,
            Message::Users => return Request::Users,
            Message::Pin(_) | Message::SubmitPin => {}
            Message::Edit(field, text) => {
                self.form.set(field, text);
                self.notice = None;
            }
            Message::RefreshPorts => self.ports = available_ports(),
            Message::ConfirmCreate(yes) => self.confirm_create = yes,
            Message::Save => return self.save(till, i18n),
            Message::TestTerminal => return self.test_terminal(till, i18n),
            Message::TerminalStep(code) => self.progress(CardProgress::Terminal(code), i18n),
            Message::TerminalChecked(result) => self.terminal_checked(result, i18n),
            Message::TestPrinter => return self.test_printer(till, i18n),
            Message::TestPrinted(result) => {
                let result = result.map(|p| printed_lines(&p, i18n));
                self.printer_test.finish(result);
            }
            Message::TestAlert => return self.test_alert(till, i18n),
            Message::AlertTested(results) => {
                self.alert_test = AlertTest {
                    running: false,
                    results,
                }
            }
        }
        Request::None
    }

    fn save(&mut self, till: &mut Till, i18n: &I18n) -> Request {
        self.error = None;
        self.notice = None;
        if !self.form.is_valid() {
            self.error = Some(i18n.t("settings-fix-errors"));
            return Request::None;
        }
        if self.creates_file && !self.confirm_create {
            self.error = Some(i18n.t("settings-confirm-needed"));
            return Request::None;
        }
        match till.save_settings(&self.form, self.approval.as_ref()) {
            Ok(applied) => {
                // The texts come in the language just chosen.
                let i18n = I18n::new(till.language());
                let mut notice = if applied.changed.is_empty() {
                    i18n.t("settings-nothing-changed")
                } else {
                    i18n.t_args("settings-saved", &[("keys", applied.changed.join(", "))])
                };
                if !applied.after_restart.is_empty() {
                    notice.push(' ');
                    notice.push_str(
                        &i18n.t_args("settings-saved-restart", &[("keys", applied.after_restart.join(", "))]),
                    );
                }
                if applied.created {
                    notice.push(' ');
                    notice.push_str(&i18n.t("settings-saved-created"));
                }
                self.notice = Some(notice);
                if let Ok((form, _)) = till.settings_form() {
                    self.form = form;
                }
                self.creates_file = false;
                self.pending_restart = self.restart_pending(till);
                Request::Saved
            }
            Err(e) => {
                self.error = Some(i18n.t_args("settings-save-failed", &[("reason", e.to_string())]));
                Request::None
            }
        }
    }

    /// The form's configuration for a test, or the reason there is none.
    fn preview(&mut self, till: &Till, i18n: &I18n) -> Option<Config> {
        match self.form.preview(till.config()) {
            Ok(config) => Some(config),
            Err(_) => {
                self.error = Some(i18n.t("settings-fix-errors"));
                None
            }
        }
    }

    fn test_terminal(&mut self, till: &Till, i18n: &I18n) -> Request {
        if self.terminal_test.running {
            return Request::None;
        }
        let spec = match self.form.terminal_spec() {
            None => {
                self.terminal_test.finish(Err(i18n.t("settings-test-no-terminal")));
                return Request::None;
            }
            Some(Err(_)) => {
                self.error = Some(i18n.t("settings-fix-errors"));
                return Request::None;
            }
            Some(Ok(spec)) => spec,
        };
        if let Some(live) = &self.live_terminal
            && same_device(live, &spec)
        {
            // The till holds this port: the check goes through its connection.
            self.terminal_test
                .start(i18n.t_args("settings-test-live", &[("terminal", live.to_string())]));
            return Request::CheckThroughDesk;
        }
        let Some(config) = self.preview(till, i18n) else {
            return Request::None;
        };
        self.terminal_test
            .start(i18n.t_args("settings-test-connecting", &[("terminal", spec.to_string())]));
        let data_dir = self.data_dir.clone();
        Request::Work(Job::new(move |send: &mut dyn FnMut(Message)| {
            let result = check_device(&spec, &config, &data_dir, Arc::new(SystemClock), &mut Steps(&mut *send));
            send(Message::TerminalChecked(result));
        }))
    }

    /// The terminal's live status while it is being checked.
    pub fn progress(&mut self, progress: CardProgress, i18n: &I18n) {
        super::log_terminal_step(
            self.terminal_test.running.then_some(&mut self.terminal_test.lines),
            progress,
            i18n,
        );
    }

    /// The outcome of a terminal check (through the desk or on a worker of its own).
    pub fn terminal_checked(&mut self, result: Result<CheckReport, String>, i18n: &I18n) {
        let lines = result.map(|r| {
            let dash = || "-".to_string();
            vec![
                i18n.t_args("settings-check-terminal", &[("value", r.terminal)]),
                i18n.t_args("settings-check-id", &[("value", r.terminal_id.unwrap_or_else(dash))]),
                i18n.t_args(
                    "settings-check-software",
                    &[("value", r.sw_version.unwrap_or_else(dash))],
                ),
                i18n.t_args(
                    "settings-check-status",
                    &[("value", r.status_text.unwrap_or_else(dash))],
                ),
            ]
        });
        self.terminal_test.finish(lines);
    }

    /// As `terminal_checked`, for the desk's outcome.
    pub fn desk_checked(&mut self, result: Result<CheckReport, TillError>, i18n: &I18n) {
        self.terminal_checked(result.map_err(|e| reason::till_error(i18n, &e)), i18n);
    }

    fn test_printer(&mut self, till: &Till, i18n: &I18n) -> Request {
        if self.printer_test.running {
            return Request::None;
        }
        let spec = match self.form.printer_spec() {
            None => {
                self.printer_test.finish(Err(i18n.t("settings-test-no-printer")));
                return Request::None;
            }
            Some(Err(_)) => {
                self.error = Some(i18n.t("settings-fix-errors"));
                return Request::None;
            }
            Some(Ok(spec)) => spec,
        };
        let Some(config) = self.preview(till, i18n) else {
            return Request::None;
        };
        self.printer_test
            .start(i18n.t_args("settings-test-printing", &[("printer", spec.to_string())]));
        let page = till.test_print(spec, config.printer);
        Request::Work(Job::new(move |send: &mut dyn FnMut(Message)| {
            send(Message::TestPrinted(page.run()));
        }))
    }
}

impl State {
    /// The form names a webhook or a mail server.
    pub fn alerts_configured(&self) -> bool {
        !self.form.get(Field::WebhookUrl).trim().is_empty() || !self.form.get(Field::EmailServer).trim().is_empty()
    }

    /// "Send test alert" is offered: a channel filled in, every field valid, none under way.
    pub fn can_test_alert(&self) -> bool {
        self.gate.is_none() && self.form.is_valid() && self.alerts_configured() && !self.alert_test.running
    }

    /// Sends the test message through every channel the form (not the file) names.
    fn test_alert(&mut self, till: &Till, i18n: &I18n) -> Request {
        if !self.can_test_alert() {
            return Request::None;
        }
        let Some(config) = self.preview(till, i18n) else {
            return Request::None;
        };
        let message = crate::alert::message::test(&till.alert_origin(), till.clock().now(), i18n);
        self.alert_test = AlertTest {
            running: true,
            results: Vec::new(),
        };
        let alerts = config.alerts;
        Request::Work(Job::new(move |send: &mut dyn FnMut(Message)| {
            // One after the other: each has its own timeout, and the worker is not the window.
            let results = channels(&alerts)
                .into_iter()
                .map(|c| (c, Configured(&alerts).send(c, &message)))
                .collect();
            send(Message::AlertTested(results));
        }))
    }
}

fn printed_lines(p: &TestPrinted, i18n: &I18n) -> Vec<String> {
    let mut lines = vec![i18n.t_args("settings-printed", &[("bytes", p.bytes.to_string())])];
    lines.push(match p.ready {
        Some(true) => i18n.t("settings-printer-ready"),
        Some(false) => i18n.t("settings-printer-not-ready"),
        None => i18n.t("settings-printer-one-way"),
    });
    lines.extend(
        p.warnings
            .iter()
            .map(|w| i18n.t(&format!("settings-printer-warning-{w}"))),
    );
    lines
}

/// Hands the terminal's intermediate status to the screen during a check.
struct Steps<'a>(&'a mut dyn FnMut(Message));

impl Observer for Steps<'_> {
    fn intermediate(&mut self, code: u8) {
        (self.0)(Message::TerminalStep(code));
    }

    fn status_information(&mut self, _info: &StatusInformation) -> Result<(), String> {
        Ok(())
    }
}

/// Each tax rate of the active products, lowest first, with its product count.
fn tax_rates(till: &Till) -> Vec<(String, usize)> {
    let mut rates: std::collections::BTreeMap<i64, (String, usize)> = std::collections::BTreeMap::new();
    for product in till.catalog().products().iter().filter(|p| p.active) {
        let entry = rates
            .entry(product.tax_rate.basis_points())
            .or_insert_with(|| (product.tax_rate.to_string(), 0));
        entry.1 += 1;
    }
    rates.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::sections::choice_label;
    use crate::config::Language;
    use crate::config::edit::{FIELDS, PRINTER_NONE};
    use crate::i18n::I18n;

    /// Ids built at run time are not found by the scan in `ui::tests`: check them here.
    #[test]
    fn every_choice_example_and_warning_reads_in_both_languages() {
        for language in [Language::Zh, Language::En] {
            let i18n = I18n::new(language);
            for field in FIELDS.iter().filter(|f| !f.is_switch()) {
                for value in field.choices().unwrap_or_default() {
                    let label = choice_label(*field, value, &i18n);
                    assert!(!label.starts_with("settings-"), "{field:?} {value}: {label}");
                }
                if *field == crate::config::edit::Field::PrinterKind {
                    for kind in field
                        .choices()
                        .unwrap_or_default()
                        .iter()
                        .filter(|k| **k != PRINTER_NONE)
                    {
                        let id = format!("settings-printer-example-{kind}");
                        assert_ne!(i18n.t(&id), id);
                    }
                }
            }
            let id = "settings-printer-warning-paper-near-end";
            assert_ne!(i18n.t(id), id);
        }
    }
}
