//! The store's configuration file (TOML). No file means demo mode.

mod alerts;
mod backup;
pub mod edit;
mod printer;
mod sale;
mod standalone;
mod ui;

pub use alerts::{AlertsConfig, DEFAULT_OFFLINE_MINUTES, EmailConfig, SmtpSecurity, WebhookConfig};
pub use backup::BackupConfig;
pub use printer::PrinterConfig;
pub use sale::SaleRules;
pub use standalone::{JOURNAL_PREFIX as STANDALONE_PREFIX, Standalone};
pub use ui::{ThemeChoice, UiConfig};

use crate::money::Currency;
use crate::terminal::spec::TerminalSpec;
use jiff::civil::Time;
use jiff::tz::TimeZone;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Zh,
    En,
}

impl Language {
    pub fn parse(s: &str) -> Option<Language> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" => Some(Language::Zh),
            "en" | "en-us" | "en-gb" | "en_us" => Some(Language::En),
            _ => None,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Language::Zh => "zh-CN",
            Language::En => "en",
        }
    }

    pub fn is_zh(&self) -> bool {
        *self == Language::Zh
    }

    /// The language of the user's system locale, when it is Chinese or English.
    pub fn from_system() -> Option<Language> {
        Language::from_locale(&sys_locale::get_locale()?)
    }

    /// `zh-CN`, `zh_TW.UTF-8`, `en-GB`...: the language part decides; anything else is None.
    pub fn from_locale(locale: &str) -> Option<Language> {
        let language = locale.split(['-', '_', '.', '@']).next()?.to_ascii_lowercase();
        match language.as_str() {
            "zh" => Some(Language::Zh),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

/// The file as written by people; every key is checked, unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    store: StoreSection,
    #[serde(default)]
    till: TillSection,
    #[serde(default)]
    terminal: TerminalSection,
    #[serde(default)]
    guard: GuardSection,
    #[serde(default)]
    printer: printer::PrinterSection,
    #[serde(default)]
    ui: ui::UiSection,
    #[serde(default)]
    sale: sale::SaleSection,
    #[serde(default)]
    backup: backup::BackupSection,
    #[serde(default)]
    alerts: alerts::AlertsSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardSection {
    manager_pin: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TerminalSection {
    /// "zvt" (default) or "standalone".
    kind: Option<String>,
    connection: Option<String>,
    password: Option<String>,
    auto_clear: Option<String>,
    /// Standalone terminals only.
    name: Option<String>,
    acquirer: Option<String>,
    terminal_id: Option<String>,
    voucher_on_slip: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreSection {
    name: Option<String>,
    address: Option<String>,
    tax_id: Option<String>,
    currency: Option<String>,
    time_zone: Option<String>,
    day_cutoff: Option<String>,
    language: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TillSection {
    id: Option<String>,
    cashier: Option<String>,
}

/// The checked configuration the rest of the program uses.
#[derive(Debug, Clone)]
pub struct Config {
    pub store_name: String,
    pub address: String,
    pub tax_id: String,
    pub currency: Currency,
    pub time_zone: TimeZone,
    pub time_zone_name: String,
    pub day_cutoff: Time,
    pub language: Language,
    /// `[store] language` was written in the file; otherwise the window follows the system
    /// locale (receipts and reports keep `language`).
    pub language_chosen: bool,
    pub till_id: String,
    pub cashier: String,
    /// The card terminal; `None` = no card payments.
    pub terminal: Option<TerminalSpec>,
    /// The terminal's ECR password (6 digits).
    pub terminal_password: u32,
    /// When the terminal clears its batch by itself (local time), if it does.
    pub terminal_auto_clear: Option<Time>,
    /// A standalone card terminal (`[terminal] kind = "standalone"`); then `terminal` is None.
    pub standalone: Option<Standalone>,
    /// The manager PIN that allows deferring a settlement (4 to 8 digits); `None` = nobody
    /// can defer. Until the roles issue brings users, one PIN for all managers.
    pub manager_pin: Option<String>,
    pub printer: PrinterConfig,
    pub ui: UiConfig,
    pub sale: SaleRules,
    pub backup: BackupConfig,
    /// `[alerts]`: webhook, e-mail, desktop notifications, device offline limit.
    pub alerts: AlertsConfig,
    /// True when no configuration file exists: demo catalog, simulated devices.
    pub demo: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The config holds the terminal's password and may hold a manager PIN: on Unix it is made
/// readable by its owner only (0600) when found open to others, with a warning (the
/// settings screen writes it that way to begin with).
fn keep_private(path: &Path) {
    match crate::platform::owner_only::tighten(path) {
        Ok(false) => {}
        Ok(true) => tracing::warn!(file = %path.display(), "config file was readable by others; made private (0600)"),
        Err(e) => {
            tracing::warn!(file = %path.display(), "config file is readable by others and could not be made private: {e}")
        }
    }
}

pub const FILE_NAME: &str = "tillguard.toml";

/// The manager PIN of demo mode.
pub const DEMO_MANAGER_PIN: &str = "1234";

impl Config {
    /// The demo configuration: system time zone (UTC if unknown), CNY, Chinese, 04:00 cutoff.
    pub fn demo() -> Config {
        let (time_zone, time_zone_name) = match TimeZone::try_system() {
            Ok(tz) => {
                let name = tz.iana_name().unwrap_or("system").to_string();
                (tz, name)
            }
            Err(_) => (TimeZone::UTC, "UTC".to_string()),
        };
        Config {
            store_name: "Tillguard 演示店 Demo Store".into(),
            address: String::new(),
            tax_id: String::new(),
            currency: Currency::CNY,
            time_zone,
            time_zone_name,
            day_cutoff: Time::constant(4, 0, 0, 0),
            language: Language::Zh,
            language_chosen: false,
            till_id: "1".into(),
            cashier: "demo".into(),
            terminal: Some(TerminalSpec::Simulator),
            terminal_password: 123456,
            terminal_auto_clear: None,
            standalone: None,
            manager_pin: Some(DEMO_MANAGER_PIN.into()),
            printer: PrinterConfig::default(),
            ui: UiConfig::default(),
            sale: SaleRules::default(),
            backup: BackupConfig::default(),
            alerts: AlertsConfig::default(),
            demo: true,
        }
    }

    /// Loads `path`; a missing file gives the demo configuration.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                keep_private(path);
                let invalid = |message| ConfigError::Invalid {
                    path: path.to_path_buf(),
                    message,
                };
                let mut config = Config::parse(&text).map_err(invalid)?;
                let folder = path.parent().unwrap_or(Path::new("."));
                config.printer.load_logo(folder).map_err(invalid)?;
                Ok(config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::demo()),
            Err(source) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string().trim().replace('\n', " "))?;
        let demo = Config::demo();
        let s = file.store;
        let currency = match s.currency {
            Some(code) => Currency::from_alpha(&code).map_err(|e| format!("[store] currency: {e}"))?,
            None => demo.currency,
        };
        let (time_zone, time_zone_name) = match s.time_zone {
            Some(name) => {
                let tz = TimeZone::get(&name).map_err(|_| {
                    format!("[store] time_zone: unknown time zone '{name}' (use an IANA name such as Asia/Shanghai)")
                })?;
                (tz, name)
            }
            None => (demo.time_zone, demo.time_zone_name),
        };
        let day_cutoff = match s.day_cutoff {
            Some(text) => parse_cutoff(&text)?,
            None => demo.day_cutoff,
        };
        let language_chosen = s.language.is_some();
        let language = match s.language {
            Some(text) => {
                Language::parse(&text).ok_or_else(|| format!("[store] language: '{text}' is not zh-CN or en"))?
            }
            None => Language::Zh,
        };
        let t = file.terminal;
        let standalone = match t.kind.as_deref().map(str::trim) {
            None | Some("zvt") => None,
            Some("standalone") => {
                for (key, given) in [
                    ("connection", t.connection.is_some()),
                    ("password", t.password.is_some()),
                ] {
                    if given {
                        return Err(format!(
                            "[terminal] {key}: a standalone terminal has no cable to the till; remove {key} or set \
                             kind = \"zvt\""
                        ));
                    }
                }
                Some(Standalone::check(
                    t.name.clone(),
                    t.acquirer.clone(),
                    t.terminal_id.clone(),
                    t.voucher_on_slip,
                )?)
            }
            Some(other) => return Err(format!("[terminal] kind: '{other}' is not zvt or standalone")),
        };
        if standalone.is_none()
            && let Some(key) = [
                ("name", t.name.is_some()),
                ("acquirer", t.acquirer.is_some()),
                ("terminal_id", t.terminal_id.is_some()),
                ("voucher_on_slip", t.voucher_on_slip.is_some()),
            ]
            .iter()
            .find(|(_, given)| *given)
            .map(|(k, _)| *k)
        {
            return Err(format!(
                "[terminal] {key}: only a standalone terminal has it (kind = \"standalone\")"
            ));
        }
        let terminal = t
            .connection
            .map(|c| TerminalSpec::parse(&c).map_err(|e| format!("[terminal] connection: {e}")))
            .transpose()?;
        let terminal_password = match t.password {
            Some(p) if p.len() == 6 && p.bytes().all(|b| b.is_ascii_digit()) => p
                .parse()
                .map_err(|_| format!("[terminal] password: '{p}' is not 6 digits"))?,
            Some(p) => return Err(format!("[terminal] password: '{p}' is not 6 digits")),
            None => 123456,
        };
        let terminal_auto_clear = t
            .auto_clear
            .map(|text| parse_hhmm(&text).ok_or_else(|| format!("[terminal] auto_clear: '{text}' is not HH:MM")))
            .transpose()?;
        let manager_pin = match file.guard.manager_pin {
            Some(p) if (4..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => Some(p),
            Some(_) => return Err("[guard] manager_pin: must be 4 to 8 digits".into()),
            None => None,
        };
        Ok(Config {
            store_name: s.name.unwrap_or_else(|| "Tillguard".into()),
            address: s.address.unwrap_or_default(),
            tax_id: s.tax_id.unwrap_or_default(),
            currency,
            time_zone,
            time_zone_name,
            day_cutoff,
            language,
            language_chosen,
            till_id: file.till.id.unwrap_or_else(|| "1".into()),
            cashier: file.till.cashier.unwrap_or_else(|| "cashier".into()),
            terminal,
            terminal_password,
            terminal_auto_clear,
            standalone,
            manager_pin,
            printer: file.printer.check()?,
            ui: file.ui.check()?,
            sale: file.sale.check()?,
            backup: file.backup.check()?,
            alerts: file.alerts.check()?,
            demo: false,
        })
    }
}

pub(crate) fn parse_hhmm(text: &str) -> Option<Time> {
    let (h, m) = text.trim().split_once(':')?;
    Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
}

fn parse_cutoff(text: &str) -> Result<Time, String> {
    let bad = || format!("[store] day_cutoff: '{text}' is not a time of day HH:MM between 00:00 and 12:00");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let h: i8 = h.parse().map_err(|_| bad())?;
    let m: i8 = m.parse().map_err(|_| bad())?;
    // A cutoff after noon would put most of a day's trade into the next business day.
    if !(0..=12).contains(&h) || !(0..=59).contains(&m) || (h == 12 && m > 0) {
        return Err(bad());
    }
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_file() {
        let c = Config::parse(
            "[store]\nname = \"小店\"\ncurrency = \"EUR\"\ntime_zone = \"Europe/Berlin\"\nday_cutoff = \"05:30\"\nlanguage = \"en\"\n[till]\nid = \"2\"\n",
        )
        .expect("valid");
        assert_eq!(c.currency.numeric, 978);
        assert_eq!(c.day_cutoff, Time::constant(5, 30, 0, 0));
        assert_eq!(c.language, Language::En);
        assert_eq!(c.time_zone_name, "Europe/Berlin");
        assert!(!c.demo);
    }

    #[test]
    fn errors_name_the_key() {
        let e = Config::parse("[store]\ntimezone = \"Asia/Shanghai\"\n").expect_err("unknown key");
        assert!(e.contains("timezone"), "{e}");
        let e = Config::parse("[store]\ntime_zone = \"Mars/Base\"\n").expect_err("bad tz");
        assert!(e.contains("Mars/Base"), "{e}");
        let e = Config::parse("[store]\nday_cutoff = \"25:00\"\n").expect_err("bad cutoff");
        assert!(e.contains("day_cutoff"), "{e}");
        let e = Config::parse("[store]\ncurrency = \"ABC\"\n").expect_err("bad currency");
        assert!(e.contains("currency"), "{e}");
        assert!(Config::parse("[store\n").is_err());
        assert!(Config::parse("[printer]\nport = 1\n").is_err());
        let e = Config::parse("[terminal]\nconnection = \"serial:/dev/x\"\n").expect_err("bad terminal");
        assert!(e.contains("[terminal] connection"), "{e}");
        let e = Config::parse("[terminal]\npassword = \"12345\"\n").expect_err("bad password");
        assert!(e.contains("password"), "{e}");
        let c = Config::parse("[terminal]\nconnection = \"zvt+tcp:10.1.1.1\"\nauto_clear = \"23:30\"\n").expect("ok");
        assert_eq!(c.terminal.map(|t| t.to_string()), Some("zvt+tcp:10.1.1.1:20007".into()));
        assert_eq!(c.terminal_auto_clear, Some(Time::constant(23, 30, 0, 0)));
        let c = Config::parse(
            "[terminal]\nkind = \"standalone\"\nname = \"柜台POS\"\nacquirer = \"银联商务\"\nterminal_id = \"12345678\"\n\
             auto_clear = \"23:00\"\nvoucher_on_slip = false\n",
        )
        .expect("standalone");
        assert!(c.terminal.is_none());
        let s = c.standalone.expect("standalone terminal");
        assert_eq!(
            (s.name.as_str(), s.terminal_id.as_str(), s.voucher_on_slip),
            ("柜台POS", "12345678", false)
        );
        assert_eq!(c.terminal_auto_clear, Some(Time::constant(23, 0, 0, 0)));
        let e = Config::parse("[terminal]\nkind = \"standalone\"\nconnection = \"simulator\"\n").expect_err("both");
        assert!(e.contains("[terminal] connection") && e.contains("no cable"), "{e}");
        let e = Config::parse("[terminal]\nkind = \"paper\"\n").expect_err("kind");
        assert!(e.contains("[terminal] kind: 'paper'"), "{e}");
        let e = Config::parse("[terminal]\nacquirer = \"x\"\n").expect_err("acquirer on zvt");
        assert!(e.contains("[terminal] acquirer") && e.contains("standalone"), "{e}");
        for bad in ["123", "123456789", "12a4", ""] {
            let e = Config::parse(&format!("[guard]\nmanager_pin = \"{bad}\"\n")).expect_err(bad);
            // The message never repeats the PIN itself.
            assert!(e.contains("manager_pin") && (bad.is_empty() || !e.contains(bad)), "{e}");
        }
        let c = Config::parse("[guard]\nmanager_pin = \"00417\"\n").expect("pin");
        assert_eq!(c.ui, UiConfig::default());
        assert_eq!(c.manager_pin.as_deref(), Some("00417"));
        assert_eq!(Config::demo().manager_pin.as_deref(), Some(DEMO_MANAGER_PIN));
    }

    #[test]
    fn ui_and_sale_sections_are_checked() {
        let c = Config::parse("[ui]\ntheme = \"dark\"\nlock_after_minutes = 0\nkiosk = true\n[sale]\ncashier_discount_limit_percent = 5.5\nremove_line_needs_manager = true\n").expect("ok");
        assert_eq!(c.ui.theme, ThemeChoice::Dark);
        assert_eq!(c.ui.lock_after_minutes, 0);
        assert!(c.ui.kiosk);
        assert!(!Config::parse("").expect("empty").ui.kiosk, "a window by default");
        let e = Config::parse("[ui]\nkiosk = \"yes\"\n").expect_err("kiosk");
        assert!(e.contains("kiosk"), "{e}");
        assert_eq!(c.sale.cashier_discount_limit_percent, rust_decimal::Decimal::new(55, 1));
        assert!(c.sale.remove_line_needs_manager);
        let e = Config::parse("[ui]\ntheme = \"blue\"\n").expect_err("theme");
        assert!(e.contains("[ui] theme"), "{e}");
        let e = Config::parse("[ui]\nlock_after_minutes = -1\n").expect_err("minutes");
        assert!(e.contains("[ui] lock_after_minutes"), "{e}");
        let e = Config::parse("[sale]\ncashier_discount_limit_percent = 101\n").expect_err("limit");
        assert!(e.contains("[sale] cashier_discount_limit_percent"), "{e}");
    }

    #[test]
    fn the_system_locale_names_chinese_or_english_or_nothing() {
        for (locale, language) in [
            ("zh-CN", Some(Language::Zh)),
            ("zh_TW.UTF-8", Some(Language::Zh)),
            ("en-US", Some(Language::En)),
            ("en_GB.UTF-8@euro", Some(Language::En)),
            ("de-DE", None),
            ("C", None),
            ("", None),
        ] {
            assert_eq!(Language::from_locale(locale), language, "{locale}");
        }
        assert!(!Config::demo().language_chosen);
        assert!(
            Config::parse("[store]\nlanguage = \"en\"\n")
                .expect("ok")
                .language_chosen
        );
        assert!(!Config::parse("").expect("ok").language_chosen);
    }
}
