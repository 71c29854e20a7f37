//! The settings form behind the manager's Settings screen: every setting it shows, as text,
//! checked field by field. Saving writes only what changed into the config file through
//! `toml_edit`, so comments, layout and the keys the form does not show stay as they were;
//! the result must pass `Config::parse` before it atomically replaces the file.

use super::alerts::{
    DEFAULT_TIMEOUT_SECS, MAX_OFFLINE_MINUTES, MAX_TIMEOUT_SECS, check_address, check_ca_file, check_server,
    check_timeout, check_url,
};
use super::backup;
use super::printer::{CHINESE, CODE_PAGES, CUTS, MAX_FEED, SALE_CODES, WIDTHS, name_of};
use super::standalone::TEXT_MAX as STANDALONE_TEXT_MAX;
use super::ui::MAX_LOCK_MINUTES;
use super::{Config, PrinterConfig};
use crate::i18n::I18n;
use crate::money::Currency;
use crate::printer::spec::PrinterSpec;
use crate::terminal::spec::{DEFAULT_BAUD, DEFAULT_TCP_PORT, TerminalSpec};
use file_style::FileStyle;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml_edit::{DocumentMut, Item, Table, TableLike, Value};

/// One input of the form. The terminal's kind, port, baud, host and TCP port make up one
/// `[terminal] connection` key (or, for a standalone terminal, `[terminal] kind`); the
/// printer's kind and address one `[printer] connection`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    StoreName,
    Address,
    TaxId,
    Currency,
    DayCutoff,
    TimeZone,
    Language,
    Theme,
    LockMinutes,
    Kiosk,
    DiscountLimit,
    RemoveLineNeedsManager,
    TerminalKind,
    TerminalPort,
    TerminalBaud,
    TerminalHost,
    TerminalTcpPort,
    StandaloneName,
    StandaloneAcquirer,
    StandaloneTerminalId,
    TerminalPassword,
    AutoClear,
    VoucherOnSlip,
    PrinterKind,
    PrinterAddress,
    PrinterWidth,
    PrinterCut,
    PrinterChinese,
    PrinterCodePage,
    PrinterDrawer,
    PrinterCode,
    PrinterStatus,
    PrinterFeed,
    PrinterLogo,
    BackupFolder,
    AlertsDesktop,
    AlertsOfflineMinutes,
    WebhookUrl,
    WebhookTimeout,
    EmailServer,
    EmailPort,
    EmailSecurity,
    EmailUsername,
    EmailPassword,
    EmailFrom,
    EmailTo,
    EmailCaFile,
}

/// Every field, in the order the screen shows them.
pub const FIELDS: &[Field] = &[
    Field::StoreName,
    Field::Address,
    Field::TaxId,
    Field::Currency,
    Field::DayCutoff,
    Field::TimeZone,
    Field::Language,
    Field::Theme,
    Field::LockMinutes,
    Field::Kiosk,
    Field::DiscountLimit,
    Field::RemoveLineNeedsManager,
    Field::TerminalKind,
    Field::TerminalPort,
    Field::TerminalBaud,
    Field::TerminalHost,
    Field::TerminalTcpPort,
    Field::StandaloneName,
    Field::StandaloneAcquirer,
    Field::StandaloneTerminalId,
    Field::TerminalPassword,
    Field::AutoClear,
    Field::VoucherOnSlip,
    Field::PrinterKind,
    Field::PrinterAddress,
    Field::PrinterWidth,
    Field::PrinterCut,
    Field::PrinterChinese,
    Field::PrinterCodePage,
    Field::PrinterDrawer,
    Field::PrinterCode,
    Field::PrinterStatus,
    Field::PrinterFeed,
    Field::PrinterLogo,
    Field::BackupFolder,
    Field::AlertsDesktop,
    Field::AlertsOfflineMinutes,
    Field::WebhookUrl,
    Field::WebhookTimeout,
    Field::EmailServer,
    Field::EmailPort,
    Field::EmailSecurity,
    Field::EmailUsername,
    Field::EmailPassword,
    Field::EmailFrom,
    Field::EmailTo,
    Field::EmailCaFile,
];

pub const TERMINAL_NONE: &str = "none";
pub const TERMINAL_SERIAL: &str = "serial";
pub const TERMINAL_TCP: &str = "tcp";
pub const TERMINAL_SIMULATOR: &str = "simulator";
/// An acquirer's terminal with no cable to the till: `[terminal] kind = "standalone"`.
pub const TERMINAL_STANDALONE: &str = "standalone";
pub const PRINTER_NONE: &str = "none";
/// The tables of the alert channels: each is there only while its address is filled in.
const WEBHOOK: &str = "alerts.webhook";
const EMAIL: &str = "alerts.email";

const TERMINAL_KINDS: &[&str] = &[
    TERMINAL_NONE,
    TERMINAL_SERIAL,
    TERMINAL_TCP,
    TERMINAL_SIMULATOR,
    TERMINAL_STANDALONE,
];
const PRINTER_KINDS: &[&str] = &[PRINTER_NONE, "file", "serial", "tcp", "device", "usb"];
const LANGUAGES: &[&str] = &["zh-CN", "en"];
const THEMES: &[&str] = &["light", "dark"];
const BOOLS: &[&str] = &["true", "false"];
const BAUD_TEXTS: &[&str] = &["1200", "2400", "4800", "9600", "19200", "38400", "57600", "115200"];
const WIDTH_TEXTS: &[&str] = &["58", "80"];
const CUT_TEXTS: &[&str] = &["partial", "full", "none"];
const CHINESE_TEXTS: &[&str] = &["gbk", "gb18030", "none"];
const CODE_PAGE_TEXTS: &[&str] = &["wpc1252", "ascii"];
const SALE_CODE_TEXTS: &[&str] = &["qr", "code128", "none"];
/// `[alerts.email] security`, as the file spells it.
const SECURITY_TEXTS: &[&str] = &["starttls", "tls"];
/// The port each security implies when the file names none (STARTTLS first: the default).
const SMTP_PORTS: &[(&str, u16)] = &[("starttls", 587), ("tls", 465)];

impl Field {
    /// The file key the field is written to, as `[table] key`.
    pub fn key_name(self) -> String {
        let (table, key) = self.key();
        format!("[{table}] {key}")
    }

    fn key(self) -> (&'static str, &'static str) {
        match self {
            Field::StoreName => ("store", "name"),
            Field::Address => ("store", "address"),
            Field::TaxId => ("store", "tax_id"),
            Field::Currency => ("store", "currency"),
            Field::DayCutoff => ("store", "day_cutoff"),
            Field::TimeZone => ("store", "time_zone"),
            Field::Language => ("store", "language"),
            Field::Theme => ("ui", "theme"),
            Field::LockMinutes => ("ui", "lock_after_minutes"),
            Field::Kiosk => ("ui", "kiosk"),
            Field::DiscountLimit => ("sale", "cashier_discount_limit_percent"),
            Field::RemoveLineNeedsManager => ("sale", "remove_line_needs_manager"),
            Field::TerminalKind
            | Field::TerminalPort
            | Field::TerminalBaud
            | Field::TerminalHost
            | Field::TerminalTcpPort => ("terminal", "connection"),
            Field::StandaloneName => ("terminal", "name"),
            Field::StandaloneAcquirer => ("terminal", "acquirer"),
            Field::StandaloneTerminalId => ("terminal", "terminal_id"),
            Field::TerminalPassword => ("terminal", "password"),
            Field::AutoClear => ("terminal", "auto_clear"),
            Field::VoucherOnSlip => ("terminal", "voucher_on_slip"),
            Field::PrinterKind | Field::PrinterAddress => ("printer", "connection"),
            Field::PrinterWidth => ("printer", "width"),
            Field::PrinterCut => ("printer", "cut"),
            Field::PrinterChinese => ("printer", "chinese"),
            Field::PrinterCodePage => ("printer", "code_page"),
            Field::PrinterDrawer => ("printer", "drawer"),
            Field::PrinterCode => ("printer", "code"),
            Field::PrinterStatus => ("printer", "status"),
            Field::PrinterFeed => ("printer", "feed"),
            Field::PrinterLogo => ("printer", "logo"),
            Field::BackupFolder => ("backup", "folder"),
            Field::AlertsDesktop => ("alerts", "desktop"),
            Field::AlertsOfflineMinutes => ("alerts", "device_offline_minutes"),
            Field::WebhookUrl => (WEBHOOK, "url"),
            Field::WebhookTimeout => (WEBHOOK, "timeout_seconds"),
            Field::EmailServer => (EMAIL, "server"),
            Field::EmailPort => (EMAIL, "port"),
            Field::EmailSecurity => (EMAIL, "security"),
            Field::EmailUsername => (EMAIL, "username"),
            Field::EmailPassword => (EMAIL, "password"),
            Field::EmailFrom => (EMAIL, "from"),
            Field::EmailTo => (EMAIL, "to"),
            Field::EmailCaFile => (EMAIL, "ca_file"),
        }
    }

    /// The label's message id in settings.*.ftl.
    pub fn label_id(self) -> &'static str {
        match self {
            Field::StoreName => "settings-store-name",
            Field::Address => "settings-address",
            Field::TaxId => "settings-tax-id",
            Field::Currency => "settings-currency",
            Field::DayCutoff => "settings-day-cutoff",
            Field::TimeZone => "settings-time-zone",
            Field::Language => "settings-language",
            Field::Theme => "settings-theme",
            Field::LockMinutes => "settings-lock-minutes",
            Field::Kiosk => "settings-kiosk",
            Field::DiscountLimit => "settings-discount-limit",
            Field::RemoveLineNeedsManager => "settings-remove-line",
            Field::TerminalKind => "settings-terminal-kind",
            Field::TerminalPort => "settings-terminal-port",
            Field::TerminalBaud => "settings-terminal-baud",
            Field::TerminalHost => "settings-terminal-host",
            Field::TerminalTcpPort => "settings-terminal-tcp-port",
            Field::StandaloneName => "settings-standalone-name",
            Field::StandaloneAcquirer => "settings-standalone-acquirer",
            Field::StandaloneTerminalId => "settings-standalone-terminal-id",
            Field::TerminalPassword => "settings-terminal-password",
            Field::AutoClear => "settings-auto-clear",
            Field::VoucherOnSlip => "settings-standalone-voucher",
            Field::PrinterKind => "settings-printer-kind",
            Field::PrinterAddress => "settings-printer-address",
            Field::PrinterWidth => "settings-printer-width",
            Field::PrinterCut => "settings-printer-cut",
            Field::PrinterChinese => "settings-printer-chinese",
            Field::PrinterCodePage => "settings-printer-code-page",
            Field::PrinterDrawer => "settings-printer-drawer",
            Field::PrinterCode => "settings-printer-code",
            Field::PrinterStatus => "settings-printer-status",
            Field::PrinterFeed => "settings-printer-feed",
            Field::PrinterLogo => "settings-printer-logo",
            Field::BackupFolder => "settings-backup-folder",
            Field::AlertsDesktop => "settings-alerts-desktop",
            Field::AlertsOfflineMinutes => "settings-alerts-offline-minutes",
            Field::WebhookUrl => "settings-alerts-webhook-url",
            Field::WebhookTimeout => "settings-alerts-webhook-timeout",
            Field::EmailServer => "settings-alerts-email-server",
            Field::EmailPort => "settings-alerts-email-port",
            Field::EmailSecurity => "settings-alerts-email-security",
            Field::EmailUsername => "settings-alerts-email-username",
            Field::EmailPassword => "settings-alerts-email-password",
            Field::EmailFrom => "settings-alerts-email-from",
            Field::EmailTo => "settings-alerts-email-to",
            Field::EmailCaFile => "settings-alerts-email-ca-file",
        }
    }

    /// The values a pick list offers; `None` for free text.
    pub fn choices(self) -> Option<&'static [&'static str]> {
        Some(match self {
            Field::Language => LANGUAGES,
            Field::Theme => THEMES,
            Field::RemoveLineNeedsManager
            | Field::Kiosk
            | Field::VoucherOnSlip
            | Field::PrinterDrawer
            | Field::PrinterStatus
            | Field::AlertsDesktop => BOOLS,
            Field::TerminalKind => TERMINAL_KINDS,
            Field::TerminalBaud => BAUD_TEXTS,
            Field::PrinterKind => PRINTER_KINDS,
            Field::PrinterWidth => WIDTH_TEXTS,
            Field::PrinterCut => CUT_TEXTS,
            Field::PrinterChinese => CHINESE_TEXTS,
            Field::PrinterCodePage => CODE_PAGE_TEXTS,
            Field::PrinterCode => SALE_CODE_TEXTS,
            Field::EmailSecurity => SECURITY_TEXTS,
            _ => return None,
        })
    }

    /// A change only takes effect when the till starts again: the ledger's currency, the
    /// business day's rule, the terminal (connected or standalone) and the window's mode are
    /// fixed for a run.
    pub fn needs_restart(self) -> bool {
        matches!(
            self,
            Field::Currency
                | Field::DayCutoff
                | Field::TimeZone
                | Field::TerminalKind
                | Field::TerminalPort
                | Field::TerminalBaud
                | Field::TerminalHost
                | Field::TerminalTcpPort
                | Field::StandaloneName
                | Field::StandaloneAcquirer
                | Field::StandaloneTerminalId
                | Field::TerminalPassword
                | Field::AutoClear
                | Field::VoucherOnSlip
                | Field::Kiosk
        )
    }

    /// An on/off setting (a checkbox on screen).
    pub fn is_switch(self) -> bool {
        self.choices() == Some(BOOLS)
    }

    /// Holds a secret: never shown, never written to the audit log.
    pub fn is_secret(self) -> bool {
        matches!(self, Field::TerminalPassword | Field::EmailPassword)
    }
}

/// What is wrong with a field: a message id of settings.*.ftl and its arguments, so the
/// screen shows it in the manager's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub id: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    fn new(id: &'static str) -> Problem {
        Problem { id, args: Vec::new() }
    }

    fn with(mut self, name: &'static str, value: impl Into<String>) -> Problem {
        self.args.push((name, value.into()));
        self
    }

    pub fn text(&self, i18n: &I18n) -> String {
        i18n.t_args(self.id, &self.args)
    }
}

/// Every problem id the form can give (tests check both languages have them).
pub const PROBLEM_IDS: &[&str] = &[
    "settings-error-required",
    "settings-error-currency",
    "settings-error-currency-locked",
    "settings-error-currency-decimals",
    "settings-error-cutoff",
    "settings-error-time-zone",
    "settings-error-choice",
    "settings-error-lock-minutes",
    "settings-error-discount",
    "settings-error-port",
    "settings-error-host",
    "settings-error-tcp-port",
    "settings-error-terminal",
    "settings-error-password",
    "settings-error-auto-clear",
    "settings-error-too-long",
    "settings-error-control",
    "settings-error-printer",
    "settings-error-feed",
    "settings-error-logo",
    "settings-error-backup",
    "settings-error-backup-not-folder",
    "settings-error-alerts-minutes",
    "settings-error-alerts-timeout",
    "settings-error-alerts-url",
    "settings-error-alerts-server",
    "settings-error-alerts-port",
    "settings-error-alerts-address",
    "settings-error-alerts-to-empty",
    "settings-error-alerts-username",
    "settings-error-alerts-password",
    "settings-error-alerts-ca-file",
];

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{} setting(s) are not valid: {}", .0.len(), .0.keys().map(|f| f.key_name()).collect::<Vec<_>>().join(", "))]
    Invalid(BTreeMap<Field, Problem>),
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config file {path} is not valid TOML, so it cannot be updated: {message}")]
    NotToml { path: PathBuf, message: String },
    /// The file the form would write does not pass the config's own checks (a key the form
    /// does not show is wrong, or the two disagree): the message names the key.
    #[error("the new config file was refused: {0}")]
    Refused(String),
    #[error("cannot write config file {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

/// A saved config file.
#[derive(Debug, Clone)]
pub struct Saved {
    /// The new file, checked and loaded.
    pub config: Config,
    /// The keys that changed, as `[table] key` (never their values).
    pub changed: Vec<String>,
    /// There was no file before (demo mode): the next start is no longer a demo.
    pub created: bool,
}

/// A value as the file holds it; `Absent` removes the key (its default applies), `Keep`
/// leaves whatever the file has (a setting of a device that is switched off).
#[derive(Debug, Clone, PartialEq)]
enum Typed {
    Absent,
    Keep,
    Str(String),
    Int(i64),
    Bool(bool),
    Num(Decimal),
    List(Vec<String>),
}

impl Typed {
    fn to_value(&self) -> Option<Value> {
        match self {
            Typed::Absent | Typed::Keep => None,
            Typed::Str(s) => Some(Value::from(s.as_str())),
            Typed::Int(i) => Some(Value::from(*i)),
            Typed::Bool(b) => Some(Value::from(*b)),
            Typed::Num(d) => Some(match i64::try_from(*d) {
                Ok(whole) if d.fract().is_zero() => Value::from(whole),
                // Checked to two decimals, which an f64 carries back exactly as written.
                _ => Value::from(f64::try_from(*d).unwrap_or(0.0)),
            }),
            Typed::List(items) => Some(Value::Array(items.iter().map(String::as_str).collect())),
        }
    }

    fn same_as(&self, value: &Value) -> bool {
        match self {
            Typed::Absent | Typed::Keep => false,
            Typed::Str(s) => value.as_str() == Some(s.as_str()),
            Typed::Int(i) => value.as_integer() == Some(*i),
            Typed::Bool(b) => value.as_bool() == Some(*b),
            Typed::Num(d) => match value {
                Value::Integer(i) => Decimal::from(*i.value()) == *d,
                Value::Float(f) => Decimal::from_str(&f.value().to_string()).ok() == Some(*d),
                _ => false,
            },
            Typed::List(items) => value
                .as_array()
                .is_some_and(|a| a.len() == items.len() && a.iter().zip(items).all(|(v, i)| v.as_str() == Some(i))),
        }
    }
}

/// One key of the file the form manages, and what the form says it should hold.
struct Entry {
    /// The field the key is shown as (the kind, for a connection).
    field: Field,
    table: &'static str,
    key: &'static str,
    /// What is written.
    value: Typed,
    /// What the fields say, written or not (the password of a terminal switched off).
    shown: Typed,
}

impl Entry {
    fn name(&self) -> String {
        format!("[{}] {}", self.table, self.key)
    }
}

/// What the ledger allows for the currency (the rule of `Store::currency_may_change`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerCurrency {
    pub currency: Currency,
    /// Sales or other amounts are recorded in it: the currency is fixed.
    pub holds_money: bool,
    /// Products are priced in its minor units: only a currency with as many decimals fits.
    pub has_products: bool,
}

#[derive(Debug, Clone)]
pub struct SettingsForm {
    values: BTreeMap<Field, String>,
    /// As loaded: what differs from it is written, the rest of the file is left alone.
    original: BTreeMap<Field, String>,
    errors: BTreeMap<Field, Problem>,
    /// The ledger's currency and whether it may still change (`None`: no ledger to ask).
    ledger: Option<LedgerCurrency>,
    /// The config file's folder (a logo is relative to it).
    folder: PathBuf,
}

impl SettingsForm {
    /// The form for the file at `path`, or for `running` when there is no file (demo mode)
    /// or it cannot be read now; the error says why the file was not used.
    pub fn load(path: &Path, running: &Config, ledger: Option<LedgerCurrency>) -> (SettingsForm, Option<String>) {
        let (config, error) = match Config::load(path) {
            Ok(c) => (c, None),
            Err(e) => (running.clone(), Some(e.to_string())),
        };
        let folder = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        (SettingsForm::new(&config, folder, ledger), error)
    }

    /// The form showing `config`; `folder` is where its file lives.
    pub fn new(config: &Config, folder: PathBuf, ledger: Option<LedgerCurrency>) -> SettingsForm {
        let values = values_of(config);
        let mut form = SettingsForm {
            original: values.clone(),
            values,
            errors: BTreeMap::new(),
            ledger,
            folder,
        };
        form.check();
        form
    }

    pub fn get(&self, field: Field) -> &str {
        self.values.get(&field).map_or("", String::as_str)
    }

    /// Takes what was typed or picked and checks the form again.
    pub fn set(&mut self, field: Field, text: impl Into<String>) {
        let mut text = text.into();
        if field == Field::TerminalPassword {
            // A PIN pad: digits only, six at most.
            text = text.chars().filter(char::is_ascii_digit).take(6).collect();
        }
        if field == Field::EmailSecurity {
            // A port left at the old security's usual one follows to the new one's.
            let usual = |s: &str| {
                SMTP_PORTS
                    .iter()
                    .find(|(name, _)| *name == s.trim())
                    .map(|(_, port)| port.to_string())
            };
            if let Some(port) = usual(&text)
                && usual(self.get(Field::EmailSecurity)).as_deref() == Some(self.get(Field::EmailPort).trim())
            {
                self.values.insert(Field::EmailPort, port);
            }
        }
        self.values.insert(field, text);
        self.check();
    }

    pub fn errors(&self) -> &BTreeMap<Field, Problem> {
        &self.errors
    }

    pub fn error(&self, field: Field) -> Option<&Problem> {
        self.errors.get(&field)
    }

    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// The fields that matter for the chosen terminal and printer kinds (the others are
    /// neither shown nor checked).
    pub fn in_use(&self, field: Field) -> bool {
        let terminal = self.get(Field::TerminalKind);
        match field {
            Field::TerminalPort | Field::TerminalBaud => terminal == TERMINAL_SERIAL,
            Field::TerminalHost | Field::TerminalTcpPort => terminal == TERMINAL_TCP,
            // A standalone terminal has no cable, so no ECR password; its clear time stays.
            Field::TerminalPassword => terminal != TERMINAL_NONE && terminal != TERMINAL_STANDALONE,
            Field::AutoClear => terminal != TERMINAL_NONE,
            Field::StandaloneName | Field::StandaloneAcquirer | Field::StandaloneTerminalId | Field::VoucherOnSlip => {
                terminal == TERMINAL_STANDALONE
            }
            Field::PrinterAddress => self.get(Field::PrinterKind) != PRINTER_NONE,
            Field::WebhookTimeout => !self.get(Field::WebhookUrl).trim().is_empty(),
            Field::EmailPort
            | Field::EmailSecurity
            | Field::EmailUsername
            | Field::EmailPassword
            | Field::EmailFrom
            | Field::EmailTo
            | Field::EmailCaFile => !self.get(Field::EmailServer).trim().is_empty(),
            _ => true,
        }
    }

    /// The currency the ledger's amounts are in, when it holds any (it cannot change then).
    pub fn currency_fixed(&self) -> Option<&'static str> {
        self.ledger.filter(|l| l.holds_money).map(|l| l.currency.alpha)
    }

    /// The keys that differ from the file as loaded, as `[table] key`.
    pub fn changed(&self) -> Vec<String> {
        self.changed_entries().iter().map(Entry::name).collect()
    }

    /// The keys to write into an existing file: what the manager changed.
    fn changed_entries(&self) -> Vec<Entry> {
        let before = entries(&self.original);
        entries(&self.values)
            .into_iter()
            .zip(before)
            .filter(|(now, then)| now.value != Typed::Keep && now.shown != then.shown)
            .map(|(now, _)| now)
            .collect()
    }

    /// Something changed that the running till only takes on at its next start.
    pub fn needs_restart(&self) -> bool {
        self.changed_entries().iter().any(|e| e.field.needs_restart())
    }

    /// The terminal the form describes (`None`: no card terminal), once its fields are valid.
    pub fn terminal_spec(&self) -> Option<Result<TerminalSpec, String>> {
        terminal_text(&self.values).map(|text| TerminalSpec::parse(&text))
    }

    /// The printer the form describes (`None`: no printer).
    pub fn printer_spec(&self) -> Option<Result<PrinterSpec, String>> {
        printer_text(&self.values).map(|text| PrinterSpec::parse(&text))
    }

    /// The configuration the form describes, checked as the file will be (for testing a
    /// device before saving): `base` gives what the form does not show.
    pub fn preview(&self, base: &Config) -> Result<Config, SaveError> {
        if !self.errors.is_empty() {
            return Err(SaveError::Invalid(self.errors.clone()));
        }
        let mut doc = DocumentMut::new();
        for entry in entries(&self.values) {
            set_entry(&mut doc, &entry);
        }
        let mut config = Config::parse(&doc.to_string()).map_err(SaveError::Refused)?;
        config.printer.load_logo(&self.folder).map_err(SaveError::Refused)?;
        config.till_id = base.till_id.clone();
        config.cashier = base.cashier.clone();
        config.manager_pin = base.manager_pin.clone();
        config.demo = base.demo;
        Ok(config)
    }

    /// The new text of the file that now holds `existing` (`None`: there is none yet, and
    /// every setting is written, since a demo's values are not the defaults of an empty file).
    /// An existing file keeps its comments, order, line breaks and byte order mark.
    pub fn render(&self, existing: Option<&str>) -> Result<String, String> {
        let mut doc = match existing {
            Some(text) => text
                .parse::<DocumentMut>()
                .map_err(|e| e.to_string().trim().replace('\n', " "))?,
            None => DocumentMut::new(),
        };
        let write = match existing {
            Some(_) => self.changed_entries(),
            None => entries(&self.values),
        };
        for entry in &write {
            set_entry(&mut doc, entry);
        }
        drop_channels(&mut doc, &self.values);
        let rendered = doc.to_string();
        Ok(match existing {
            Some(text) => FileStyle::of(text).apply(&rendered),
            None => rendered,
        })
    }

    /// Writes the form into the file at `path`: checked field by field, then the whole
    /// file by `Config::parse`, then written to a temporary file beside it, synced, and
    /// renamed over it. Nothing is written when any check fails.
    pub fn save(&self, path: &Path) -> Result<Saved, SaveError> {
        if !self.errors.is_empty() {
            return Err(SaveError::Invalid(self.errors.clone()));
        }
        let existing = match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(SaveError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let text = self.render(existing.as_deref()).map_err(|message| SaveError::NotToml {
            path: path.to_path_buf(),
            message,
        })?;
        let mut config = Config::parse(&text).map_err(SaveError::Refused)?;
        let folder = path.parent().unwrap_or(Path::new("."));
        config.printer.load_logo(folder).map_err(SaveError::Refused)?;
        write_atomic(path, &text).map_err(|source| SaveError::Write {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Saved {
            config,
            changed: self.changed(),
            created: existing.is_none(),
        })
    }

    fn check(&mut self) {
        let mut errors = BTreeMap::new();
        for field in FIELDS {
            if !self.in_use(*field) {
                continue;
            }
            if let Err(problem) = self.check_field(*field) {
                errors.insert(*field, problem);
            }
        }
        // The parts may each be fine and still not make a terminal or a printer.
        if !errors.keys().any(|f| f.key() == ("terminal", "connection"))
            && let Some(Err(detail)) = self.terminal_spec()
        {
            let field = match self.get(Field::TerminalKind) {
                TERMINAL_TCP => Field::TerminalHost,
                _ => Field::TerminalPort,
            };
            let problem = Problem::new("settings-error-terminal")
                .with("value", terminal_text(&self.values).unwrap_or_default())
                .with("detail", detail);
            errors.insert(field, problem);
        }
        self.errors = errors;
    }

    fn check_field(&self, field: Field) -> Result<(), Problem> {
        let raw = self.get(field);
        let text = raw.trim();
        let value = |id| Problem::new(id).with("value", text);
        if let Some(choices) = field.choices() {
            return match choices.contains(&text) {
                true => Ok(()),
                false => Err(value("settings-error-choice").with("choices", choices.join(", "))),
            };
        }
        match field {
            Field::StoreName if text.is_empty() => Err(Problem::new("settings-error-required")),
            Field::Currency => {
                let currency = Currency::from_alpha(text).map_err(|_| {
                    let known: Vec<&str> = crate::money::CURRENCIES.iter().map(|c| c.alpha).collect();
                    value("settings-error-currency").with("known", known.join(", "))
                })?;
                match self.ledger {
                    Some(l) if l.currency != currency && l.holds_money => {
                        Err(Problem::new("settings-error-currency-locked").with("currency", l.currency.alpha))
                    }
                    Some(l) if l.currency.minor_units != currency.minor_units && l.has_products => {
                        Err(value("settings-error-currency-decimals").with("currency", l.currency.alpha))
                    }
                    _ => Ok(()),
                }
            }
            Field::DayCutoff => super::parse_cutoff(text)
                .map(|_| ())
                .map_err(|_| value("settings-error-cutoff")),
            Field::TimeZone => match TimeZone::get(text) {
                Ok(_) if !text.is_empty() => Ok(()),
                _ => Err(value("settings-error-time-zone")),
            },
            Field::LockMinutes => match text.parse::<i64>() {
                Ok(m) if (0..=MAX_LOCK_MINUTES).contains(&m) => Ok(()),
                _ => Err(value("settings-error-lock-minutes").with("max", MAX_LOCK_MINUTES.to_string())),
            },
            Field::DiscountLimit => match Decimal::from_str(text) {
                Ok(d) if d >= Decimal::ZERO && d <= Decimal::ONE_HUNDRED && d.normalize().scale() <= 2 => Ok(()),
                _ => Err(value("settings-error-discount")),
            },
            Field::TerminalPort if text.is_empty() => Err(Problem::new("settings-error-port")),
            // An IPv6 address needs its brackets, or its last group would read as the port.
            Field::TerminalHost
                if text.is_empty()
                    || text.contains(char::is_whitespace)
                    || (text.contains(':') && !text.starts_with('[')) =>
            {
                Err(value("settings-error-host"))
            }
            Field::TerminalTcpPort => match text.parse::<u16>() {
                Ok(p) if p > 0 => Ok(()),
                _ => Err(value("settings-error-tcp-port")),
            },
            Field::TerminalPassword if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) => {
                // The value itself is never repeated.
                Err(Problem::new("settings-error-password"))
            }
            Field::AutoClear if !text.is_empty() && super::parse_hhmm(text).is_none() => {
                Err(value("settings-error-auto-clear"))
            }
            Field::StandaloneName if text.is_empty() => Err(Problem::new("settings-error-required")),
            // As `Config::parse` checks them: they print on one receipt line.
            Field::StandaloneName | Field::StandaloneAcquirer | Field::StandaloneTerminalId => {
                if text.chars().count() > STANDALONE_TEXT_MAX {
                    Err(value("settings-error-too-long").with("max", STANDALONE_TEXT_MAX.to_string()))
                } else if text.chars().any(char::is_control) {
                    Err(value("settings-error-control"))
                } else {
                    Ok(())
                }
            }
            // An unknown kind is the kind's error, not the address's.
            Field::PrinterAddress if !PRINTER_KINDS.contains(&self.get(Field::PrinterKind).trim()) => Ok(()),
            Field::PrinterAddress => match printer_text(&self.values) {
                Some(spec) => match PrinterSpec::parse(&spec) {
                    Ok(_) => Ok(()),
                    Err(detail) => Err(Problem::new("settings-error-printer")
                        .with("value", spec)
                        .with("detail", detail)),
                },
                None => Ok(()),
            },
            Field::PrinterFeed => match text.parse::<u8>() {
                Ok(n) if n <= MAX_FEED => Ok(()),
                _ => Err(value("settings-error-feed").with("max", MAX_FEED.to_string())),
            },
            Field::PrinterLogo if !text.is_empty() => self.check_logo(text),
            Field::BackupFolder if !text.is_empty() => {
                let folder = backup::check_folder(text)
                    .map_err(|detail| Problem::new("settings-error-backup").with("detail", detail))?;
                if folder.exists() && !folder.is_dir() {
                    return Err(value("settings-error-backup-not-folder"));
                }
                Ok(())
            }
            // The alert fields go through the loader's own checks (`config::alerts`).
            Field::AlertsOfflineMinutes => match text.parse::<u32>() {
                Ok(m) if (1..=MAX_OFFLINE_MINUTES).contains(&m) => Ok(()),
                _ => Err(value("settings-error-alerts-minutes").with("max", MAX_OFFLINE_MINUTES.to_string())),
            },
            Field::WebhookUrl if !text.is_empty() => check_url(text)
                .map(drop)
                .map_err(|detail| Problem::new("settings-error-alerts-url").with("detail", detail)),
            Field::WebhookTimeout if !text.is_empty() => match text.parse::<i64>().map(|n| check_timeout(Some(n))) {
                Ok(Ok(_)) => Ok(()),
                _ => Err(value("settings-error-alerts-timeout").with("max", MAX_TIMEOUT_SECS.to_string())),
            },
            Field::EmailServer if !text.is_empty() => check_server(text)
                .map(drop)
                .map_err(|detail| Problem::new("settings-error-alerts-server").with("detail", detail)),
            Field::EmailPort if !text.is_empty() => match text.parse::<u16>() {
                Ok(p) if p > 0 => Ok(()),
                _ => Err(value("settings-error-alerts-port")),
            },
            Field::EmailUsername if text.is_empty() && !self.get(Field::EmailPassword).is_empty() => {
                Err(Problem::new("settings-error-alerts-username"))
            }
            // The value itself is never repeated.
            Field::EmailPassword if raw.is_empty() && !self.get(Field::EmailUsername).trim().is_empty() => {
                Err(Problem::new("settings-error-alerts-password"))
            }
            Field::EmailFrom if text.is_empty() => Err(Problem::new("settings-error-required")),
            Field::EmailFrom => check_address(text)
                .map(drop)
                .map_err(|detail| Problem::new("settings-error-alerts-address").with("detail", detail)),
            Field::EmailTo => {
                let list = address_list(text);
                if list.is_empty() {
                    return Err(Problem::new("settings-error-alerts-to-empty"));
                }
                for address in list {
                    check_address(address)
                        .map_err(|detail| Problem::new("settings-error-alerts-address").with("detail", detail))?;
                }
                Ok(())
            }
            Field::EmailCaFile if !text.is_empty() => check_ca_file(text)
                .map(drop)
                .map_err(|detail| Problem::new("settings-error-alerts-ca-file").with("detail", detail)),
            _ => Ok(()),
        }
    }

    /// The logo must load as the till will load it, for the chosen paper width.
    fn check_logo(&self, name: &str) -> Result<(), Problem> {
        let cols = WIDTHS
            .iter()
            .find(|(mm, _)| mm.to_string() == self.get(Field::PrinterWidth).trim())
            .map_or(PrinterConfig::default().cols, |(_, cols)| *cols);
        let mut printer = PrinterConfig {
            cols,
            logo_file: Some(name.to_string()),
            ..PrinterConfig::default()
        };
        printer
            .load_logo(&self.folder)
            .map_err(|detail| Problem::new("settings-error-logo").with("detail", detail))
    }
}

/// The form's text for each field of `config`.
fn values_of(config: &Config) -> BTreeMap<Field, String> {
    let hhmm = |t: jiff::civil::Time| t.strftime("%H:%M").to_string();
    let (kind, port, baud, host, tcp_port) = match &config.terminal {
        None => (
            TERMINAL_NONE,
            String::new(),
            DEFAULT_BAUD,
            String::new(),
            DEFAULT_TCP_PORT,
        ),
        Some(TerminalSpec::Serial { path, baud }) => {
            (TERMINAL_SERIAL, path.clone(), *baud, String::new(), DEFAULT_TCP_PORT)
        }
        Some(TerminalSpec::Tcp { host, port }) => (TERMINAL_TCP, String::new(), DEFAULT_BAUD, host.clone(), *port),
        Some(TerminalSpec::Simulator) => (
            TERMINAL_SIMULATOR,
            String::new(),
            DEFAULT_BAUD,
            String::new(),
            DEFAULT_TCP_PORT,
        ),
    };
    // A standalone terminal has no connection (`terminal` is None then).
    let kind = if config.standalone.is_some() {
        TERMINAL_STANDALONE
    } else {
        kind
    };
    // Until a standalone terminal is chosen its name is empty: the manager names it.
    let (name, acquirer, terminal_id, voucher) = match &config.standalone {
        Some(s) => (
            s.name.clone(),
            s.acquirer.clone(),
            s.terminal_id.clone(),
            s.voucher_on_slip,
        ),
        None => (String::new(), String::new(), String::new(), true),
    };
    let p = &config.printer;
    let (printer_kind, printer_address) = match &p.connection {
        None => (PRINTER_NONE.to_string(), String::new()),
        Some(spec) => {
            let text = spec.to_string();
            let (kind, rest) = text.split_once(':').unwrap_or((&text, ""));
            (kind.to_string(), rest.to_string())
        }
    };
    let width = WIDTHS
        .iter()
        .find(|(_, cols)| *cols == p.cols)
        .map_or(58, |(mm, _)| *mm);
    let alerts = &config.alerts;
    let (url, hook_timeout) = match &alerts.webhook {
        Some(w) => (w.url.clone(), w.timeout_secs),
        None => (String::new(), DEFAULT_TIMEOUT_SECS),
    };
    let mail = alerts.email.as_ref();
    let mail_text = |f: fn(&super::EmailConfig) -> Option<String>| mail.and_then(f).unwrap_or_default();
    let security = match mail.map(|e| e.security) {
        Some(super::SmtpSecurity::Tls) => "tls",
        _ => "starttls",
    };
    let mail_port = mail.map_or_else(|| SMTP_PORTS[0].1, |e| e.port);
    let pairs = [
        (Field::StoreName, config.store_name.clone()),
        (Field::Address, config.address.clone()),
        (Field::TaxId, config.tax_id.clone()),
        (Field::Currency, config.currency.alpha.to_string()),
        (Field::DayCutoff, hhmm(config.day_cutoff)),
        (Field::TimeZone, config.time_zone_name.clone()),
        (Field::Language, config.language.code().to_string()),
        (Field::Theme, config.ui.theme.as_str().to_string()),
        (Field::LockMinutes, config.ui.lock_after_minutes.to_string()),
        (Field::Kiosk, config.ui.kiosk.to_string()),
        (
            Field::DiscountLimit,
            config.sale.cashier_discount_limit_percent.normalize().to_string(),
        ),
        (
            Field::RemoveLineNeedsManager,
            config.sale.remove_line_needs_manager.to_string(),
        ),
        (Field::TerminalKind, kind.to_string()),
        (Field::TerminalPort, port),
        (Field::TerminalBaud, baud.to_string()),
        (Field::TerminalHost, host),
        (Field::TerminalTcpPort, tcp_port.to_string()),
        (Field::StandaloneName, name),
        (Field::StandaloneAcquirer, acquirer),
        (Field::StandaloneTerminalId, terminal_id),
        (Field::TerminalPassword, format!("{:06}", config.terminal_password)),
        (
            Field::AutoClear,
            config.terminal_auto_clear.map(hhmm).unwrap_or_default(),
        ),
        (Field::VoucherOnSlip, voucher.to_string()),
        (Field::PrinterKind, printer_kind),
        (Field::PrinterAddress, printer_address),
        (Field::PrinterWidth, width.to_string()),
        (Field::PrinterCut, name_of(CUTS, &p.settings.cut).to_string()),
        (Field::PrinterChinese, name_of(CHINESE, &p.settings.chinese).to_string()),
        (
            Field::PrinterCodePage,
            name_of(CODE_PAGES, &p.settings.code_page).to_string(),
        ),
        (Field::PrinterDrawer, p.drawer.to_string()),
        (Field::PrinterCode, name_of(SALE_CODES, &p.sale_code).to_string()),
        (Field::PrinterStatus, p.status.to_string()),
        (Field::PrinterFeed, p.settings.feed_before_cut.to_string()),
        (Field::PrinterLogo, p.logo_file.clone().unwrap_or_default()),
        (
            Field::BackupFolder,
            config
                .backup
                .folder
                .as_ref()
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
        ),
        (Field::AlertsDesktop, alerts.desktop.to_string()),
        (Field::AlertsOfflineMinutes, alerts.device_offline_minutes.to_string()),
        (Field::WebhookUrl, url),
        (Field::WebhookTimeout, hook_timeout.to_string()),
        (Field::EmailServer, mail_text(|e| Some(e.server.clone()))),
        (Field::EmailPort, mail_port.to_string()),
        (Field::EmailSecurity, security.to_string()),
        (Field::EmailUsername, mail_text(|e| e.username.clone())),
        (Field::EmailPassword, mail_text(|e| e.password.clone())),
        (Field::EmailFrom, mail_text(|e| Some(e.from.clone()))),
        (Field::EmailTo, mail_text(|e| Some(e.to.join(", ")))),
        (
            Field::EmailCaFile,
            mail_text(|e| e.ca_file.as_ref().map(|f| f.display().to_string())),
        ),
    ];
    pairs.into_iter().collect()
}

fn value_of(values: &BTreeMap<Field, String>, field: Field) -> &str {
    values.get(&field).map_or("", |s| s.trim())
}

/// `[alerts.email] to` as the form takes it: addresses separated by commas.
fn address_list(text: &str) -> Vec<&str> {
    text.split(',').map(str::trim).filter(|a| !a.is_empty()).collect()
}

/// `[terminal] connection` as the form's fields spell it; `None` for no terminal.
fn terminal_text(values: &BTreeMap<Field, String>) -> Option<String> {
    let v = |f| value_of(values, f);
    match v(Field::TerminalKind) {
        TERMINAL_SERIAL => Some(format!(
            "zvt+serial:{}@{}",
            v(Field::TerminalPort),
            v(Field::TerminalBaud)
        )),
        TERMINAL_TCP => Some(format!(
            "zvt+tcp:{}:{}",
            v(Field::TerminalHost),
            v(Field::TerminalTcpPort)
        )),
        TERMINAL_SIMULATOR => Some("simulator".into()),
        _ => None,
    }
}

/// `[printer] connection` as the form's fields spell it; `None` for no printer.
fn printer_text(values: &BTreeMap<Field, String>) -> Option<String> {
    match value_of(values, Field::PrinterKind) {
        PRINTER_NONE => None,
        kind => Some(format!("{kind}:{}", value_of(values, Field::PrinterAddress))),
    }
}

/// Every key the form manages, in a fixed order, with the value the fields give it.
fn entries(values: &BTreeMap<Field, String>) -> Vec<Entry> {
    let v = |f| value_of(values, f);
    let text = |f| match v(f) {
        "" => Typed::Absent,
        s => Typed::Str(s.to_string()),
    };
    let int = |f| v(f).parse().map_or(Typed::Absent, Typed::Int);
    let bool = |f| Typed::Bool(v(f) == "true");
    let terminal_on = v(Field::TerminalKind) != TERMINAL_NONE;
    let standalone = v(Field::TerminalKind) == TERMINAL_STANDALONE;
    let entry = |field: Field, value: Typed| {
        let (table, key) = field.key();
        Entry {
            field,
            table,
            key,
            shown: value.clone(),
            value,
        }
    };
    // Without a terminal its password and clear time stay in the file as they were.
    let terminal_setting = |field: Field| Entry {
        value: if terminal_on { text(field) } else { Typed::Keep },
        ..entry(field, text(field))
    };
    // `Config::parse` refuses a standalone terminal's keys on any other kind, and a
    // password on a standalone one: the kind that does not have them removes them.
    let only_if = |on: bool, entry: Entry| match on {
        true => entry,
        false => Entry {
            value: Typed::Absent,
            shown: Typed::Absent,
            ..entry
        },
    };
    // An empty text is shown as "", not Absent, so leaving standalone also removes a file's
    // `acquirer = ""`.
    let standalone_text = |field: Field| Entry {
        shown: Typed::Str(v(field).to_string()),
        ..entry(field, text(field))
    };
    // A channel without its address is off: none of its keys are written (`drop_channels`
    // removes its table).
    let webhook_on = !v(Field::WebhookUrl).is_empty();
    let email_on = !v(Field::EmailServer).is_empty();
    // As typed: spaces may belong to a password.
    let password = match values.get(&Field::EmailPassword).map(String::as_str) {
        None | Some("") => Typed::Absent,
        Some(p) => Typed::Str(p.to_string()),
    };
    let mail = |field: Field, value: Typed| only_if(email_on, entry(field, value));
    vec![
        entry(Field::StoreName, text(Field::StoreName)),
        entry(Field::Address, text(Field::Address)),
        entry(Field::TaxId, text(Field::TaxId)),
        entry(Field::Currency, Typed::Str(v(Field::Currency).to_ascii_uppercase())),
        entry(Field::DayCutoff, text(Field::DayCutoff)),
        entry(Field::TimeZone, text(Field::TimeZone)),
        entry(Field::Language, text(Field::Language)),
        entry(Field::Theme, text(Field::Theme)),
        entry(Field::LockMinutes, int(Field::LockMinutes)),
        entry(Field::Kiosk, bool(Field::Kiosk)),
        entry(
            Field::DiscountLimit,
            Decimal::from_str(v(Field::DiscountLimit)).map_or(Typed::Absent, |d| Typed::Num(d.normalize())),
        ),
        entry(Field::RemoveLineNeedsManager, bool(Field::RemoveLineNeedsManager)),
        entry(
            Field::TerminalKind,
            terminal_text(values).map_or(Typed::Absent, Typed::Str),
        ),
        // Absent means ZVT: a file's own `kind = "zvt"` is only touched when the kind changes.
        only_if(
            standalone,
            Entry {
                key: "kind",
                ..entry(Field::TerminalKind, Typed::Str(TERMINAL_STANDALONE.into()))
            },
        ),
        only_if(standalone, standalone_text(Field::StandaloneName)),
        only_if(standalone, standalone_text(Field::StandaloneAcquirer)),
        only_if(standalone, standalone_text(Field::StandaloneTerminalId)),
        match standalone {
            true => entry(Field::TerminalPassword, Typed::Absent),
            false => terminal_setting(Field::TerminalPassword),
        },
        terminal_setting(Field::AutoClear),
        only_if(standalone, entry(Field::VoucherOnSlip, bool(Field::VoucherOnSlip))),
        entry(
            Field::PrinterKind,
            printer_text(values).map_or(Typed::Absent, Typed::Str),
        ),
        entry(Field::PrinterWidth, int(Field::PrinterWidth)),
        entry(Field::PrinterCut, text(Field::PrinterCut)),
        entry(Field::PrinterChinese, text(Field::PrinterChinese)),
        entry(Field::PrinterCodePage, text(Field::PrinterCodePage)),
        entry(Field::PrinterDrawer, bool(Field::PrinterDrawer)),
        entry(Field::PrinterCode, text(Field::PrinterCode)),
        entry(Field::PrinterStatus, bool(Field::PrinterStatus)),
        entry(Field::PrinterFeed, int(Field::PrinterFeed)),
        entry(Field::PrinterLogo, text(Field::PrinterLogo)),
        entry(Field::BackupFolder, text(Field::BackupFolder)),
        entry(Field::AlertsDesktop, bool(Field::AlertsDesktop)),
        entry(Field::AlertsOfflineMinutes, int(Field::AlertsOfflineMinutes)),
        only_if(webhook_on, entry(Field::WebhookUrl, text(Field::WebhookUrl))),
        only_if(webhook_on, entry(Field::WebhookTimeout, int(Field::WebhookTimeout))),
        mail(Field::EmailServer, text(Field::EmailServer)),
        mail(Field::EmailPort, int(Field::EmailPort)),
        mail(Field::EmailSecurity, text(Field::EmailSecurity)),
        mail(Field::EmailUsername, text(Field::EmailUsername)),
        mail(Field::EmailPassword, password),
        mail(Field::EmailFrom, text(Field::EmailFrom)),
        mail(
            Field::EmailTo,
            Typed::List(address_list(v(Field::EmailTo)).into_iter().map(String::from).collect()),
        ),
        mail(Field::EmailCaFile, text(Field::EmailCaFile)),
    ]
}

/// An alert channel whose address is empty is off: its whole table goes, with the keys the
/// form does not show (the loader refuses a channel's table without its address).
fn drop_channels(doc: &mut DocumentMut, values: &BTreeMap<Field, String>) {
    for (field, path) in [(Field::WebhookUrl, WEBHOOK), (Field::EmailServer, EMAIL)] {
        if !value_of(values, field).is_empty() {
            continue;
        }
        if let Some((parent, name)) = path.rsplit_once('.')
            && let Some(table) = table_at(doc, parent, false)
        {
            table.remove(name);
        }
    }
}

/// The table at a dotted `path` (`alerts.email`), made when `create` says so: a parent that
/// only holds sub-tables prints no header of its own, and in an inline table the new one is
/// inline too.
fn table_at<'a>(doc: &'a mut DocumentMut, path: &str, create: bool) -> Option<&'a mut dyn TableLike> {
    let names: Vec<&str> = path.split('.').collect();
    let mut item = doc.as_item_mut();
    for (depth, name) in names.iter().enumerate() {
        let inline = item.is_inline_table();
        let table = item.as_table_like_mut()?;
        if !table.get(name).is_some_and(Item::is_table_like) {
            if !create {
                return None;
            }
            let new = if inline {
                Item::Value(Value::InlineTable(toml_edit::InlineTable::new()))
            } else {
                let mut new = Table::new();
                new.set_implicit(depth + 1 < names.len());
                Item::Table(new)
            };
            table.insert(name, new);
        }
        item = table.get_mut(name)?;
    }
    item.as_table_like_mut()
}

/// Puts one value into the document, keeping the comment after an old value; `Absent`
/// removes the key. A table written inline (`store = { ... }`) is edited in place.
fn set_entry(doc: &mut DocumentMut, entry: &Entry) {
    if entry.value == Typed::Keep {
        return;
    }
    let Some(new) = entry.value.to_value() else {
        if let Some(table) = table_at(doc, entry.table, false) {
            table.remove(entry.key);
        }
        return;
    };
    let Some(table) = table_at(doc, entry.table, true) else {
        return;
    };
    set_value(table, entry.key, &entry.value, new);
}

fn set_value(table: &mut dyn TableLike, key: &str, typed: &Typed, mut new: Value) {
    if let Some(old) = table.get(key).and_then(Item::as_value) {
        if typed.same_as(old) {
            return;
        }
        *new.decor_mut() = old.decor().clone();
    }
    // In place, so the key keeps its own decor (a comment on the line above it).
    match table.get_mut(key) {
        Some(item) => *item = Item::Value(new),
        None => {
            table.insert(key, Item::Value(new));
        }
    }
}

/// Replaces `path` with `text` so that a crash leaves the old file or the new one, never a
/// mix: a temporary file in the same folder, synced, renamed over it, then (on unix) the
/// folder synced so the rename itself survives a power cut. The file is readable by its
/// owner only (0600 on unix): it holds the terminal password and a manager PIN.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&folder)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = write_synced(&tmp, text).and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    #[cfg(unix)]
    std::fs::File::open(&folder)?.sync_all()?;
    Ok(())
}

fn write_synced(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        // A left-over file of the same name keeps its old mode through open: set it.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }
}

mod file_style;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod alert_tests;
