//! The Settings screen's side of the till: the form loaded from the config file, saving it
//! (audited: which keys changed, never a value), and taking the new configuration on at once
//! where that is safe. What is fixed for a run (the ledger's currency, the business day's
//! rule, the card terminal's connection) waits for the next start.

use super::journal::TotalsKeeper;
use super::print::PrintError;
use super::{Till, TillError};
use crate::config::edit::{Field, LedgerCurrency, SaveError, SettingsForm};
use crate::config::{Config, PrinterConfig};
use crate::money::Currency;
use crate::permission::Action;
use crate::printer::doc::Doc;
use crate::printer::encode::encode;
use crate::printer::link::{self, LinkOptions};
use crate::printer::spec::PrinterSpec;
use crate::printer::status::PrinterStatus;
use crate::terminal::CardTerminal;
use crate::terminal::check::{CheckReport, check};
use crate::till::card::CardProgress;
use crate::users::Operator;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("this till was not opened from its folders, so it has no config file to save to")]
    NoFile,
    #[error(
        "the ledger holds amounts in {ledger} (or prices with its decimals): the currency cannot change to {wanted}"
    )]
    CurrencyFixed { ledger: &'static str, wanted: String },
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error(transparent)]
    Till(#[from] TillError),
}

/// What saving did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// The keys that changed (never their values).
    pub changed: Vec<String>,
    /// The changed keys that only take effect at the next start.
    pub after_restart: Vec<&'static str>,
    /// The config file was created: the next start is no longer a demo.
    pub created: bool,
}

/// The keys of `new` that differ from `old` and that a running till cannot take on.
pub fn restart_keys(old: &Config, new: &Config) -> Vec<&'static str> {
    let differs = [
        (old.currency != new.currency, "[store] currency"),
        (old.time_zone_name != new.time_zone_name, "[store] time_zone"),
        (old.day_cutoff != new.day_cutoff, "[store] day_cutoff"),
        (old.terminal != new.terminal, "[terminal] connection"),
        (old.terminal_password != new.terminal_password, "[terminal] password"),
        (
            old.standalone != new.standalone,
            "[terminal] kind, name, acquirer, terminal_id, voucher_on_slip",
        ),
        (
            old.terminal_auto_clear != new.terminal_auto_clear,
            "[terminal] auto_clear",
        ),
    ];
    differs.into_iter().filter(|(d, _)| *d).map(|(_, key)| key).collect()
}

impl Till {
    /// The config file the settings are saved to (`None`: a till made in a test).
    pub fn config_file(&self) -> Option<&Path> {
        self.config_file.as_deref()
    }

    /// Where `save_settings` writes (tests whose till was made from a ledger and a config).
    pub fn set_config_file(&mut self, path: Option<PathBuf>) {
        self.config_file = path;
    }

    /// The ledger's currency and whether it may still change.
    pub fn ledger_currency(&self) -> Result<LedgerCurrency, TillError> {
        Ok(LedgerCurrency {
            currency: self.store.currency(),
            holds_money: self.store.holds_money()?,
            has_products: self.store.product_count()? > 0,
        })
    }

    /// The settings form for the config file (the running values when there is none: demo
    /// mode), and why the file could not be used, if it could not.
    pub fn settings_form(&self) -> Result<(SettingsForm, Option<String>), TillError> {
        let ledger = Some(self.ledger_currency()?);
        Ok(match &self.config_file {
            Some(path) => SettingsForm::load(path, &self.config, ledger),
            None => (SettingsForm::new(&self.config, PathBuf::from("."), ledger), None),
        })
    }

    /// Saves the form into the config file, audits which keys changed (by the logged-in
    /// manager or `approval`), and takes on at once what a running till can.
    pub fn save_settings(
        &mut self,
        form: &SettingsForm,
        approval: Option<&Operator>,
    ) -> Result<Applied, SettingsError> {
        let by = self.permit(Action::ChangeSettings, approval)?.name;
        let by = by.as_str();
        let path = self.config_file.clone().ok_or(SettingsError::NoFile)?;
        let changed = form.changed();
        if changed.is_empty() && path.exists() {
            return Ok(Applied::default());
        }
        // Checked again here: the form's view of the ledger is from when it was opened.
        if let Ok(wanted) = Currency::from_alpha(form.get(Field::Currency))
            && !self
                .store
                .currency_may_change(self.store.currency(), wanted)
                .map_err(TillError::from)?
        {
            return Err(SettingsError::CurrencyFixed {
                ledger: self.store.currency().alpha,
                wanted: wanted.alpha.to_string(),
            });
        }
        let saved = form.save(&path)?;
        let mut detail = match saved.changed.as_slice() {
            [] => "no key changed".to_string(),
            keys => format!("changed {}", keys.join(", ")),
        };
        if saved.created {
            detail.push_str(&format!(
                "; created {} (demo mode ends at the next start)",
                path.display()
            ));
        }
        self.store
            .audit(self.clock.now(), by, "settings", &detail)
            .map_err(TillError::from)?;
        let after_restart = self.replace_config(saved.config);
        Ok(Applied {
            changed: saved.changed,
            after_restart,
            created: saved.created,
        })
    }

    /// Takes on a new configuration at once where that is safe (language, look, store header,
    /// sale rules, printer, lock time) and returns the keys whose change waits for the next
    /// start, which keep their running value until then.
    pub fn replace_config(&mut self, new: Config) -> Vec<&'static str> {
        let later = restart_keys(&self.config, &new);
        if new.printer.connection != self.config.printer.connection {
            // The manager chose a printer: it wins over `--printer` given at start.
            self.printer_override = None;
        }
        let old = &self.config;
        let applied = Config {
            currency: old.currency,
            time_zone: old.time_zone.clone(),
            time_zone_name: old.time_zone_name.clone(),
            day_cutoff: old.day_cutoff,
            terminal: old.terminal.clone(),
            terminal_password: old.terminal_password,
            terminal_auto_clear: old.terminal_auto_clear,
            standalone: old.standalone.clone(),
            // Demo mode (its catalog, its preview folder) lasts until the restart.
            demo: old.demo,
            ..new
        };
        self.config = applied;
        // Printouts speak the new language from the next one on.
        self.printout_text = std::sync::OnceLock::new();
        later
    }

    /// `tillguard terminal check` on the connected terminal (the desk's, on its worker
    /// thread): totals the terminal sends with its status are kept as in any status enquiry.
    pub fn check_terminal(
        &mut self,
        terminal: &mut dyn CardTerminal,
        progress: &mut dyn FnMut(CardProgress),
    ) -> Result<CheckReport, TillError> {
        let language = self.config.language;
        let mut keeper = TotalsKeeper {
            store: &mut self.store,
            clock: self.clock.clone(),
            terminal: terminal.describe(),
            context: "status_enquiry",
            progress,
        };
        check(terminal, &mut keeper, language).map_err(TillError::Terminal)
    }

    /// The test page for a printer the settings describe (not saved yet, so not queued in
    /// the ledger: a failure must not leave a job for the configured printer to reprint).
    pub fn test_print(&self, spec: PrinterSpec, printer: PrinterConfig) -> TestPrint {
        let i18n = self.i18n();
        let tr = |key: &str, args: &[(&str, String)]| i18n.t_args(key, args);
        let doc = crate::printer::pages::test_page(
            &self.header(),
            &tr,
            &spec.to_string(),
            self.clock.now(),
            &self.config.time_zone,
            printer.cols,
        );
        TestPrint { spec, printer, doc }
    }
}

/// A test page to send from a worker thread.
pub struct TestPrint {
    spec: PrinterSpec,
    printer: PrinterConfig,
    doc: Doc,
}

/// A test page the printer took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestPrinted {
    pub bytes: usize,
    /// `None`: a one-way link, whose printer cannot say how it is.
    pub ready: Option<bool>,
    /// Non-blocking conditions the printer reported (paper near end).
    pub warnings: Vec<&'static str>,
}

impl TestPrint {
    /// Sends the page: asks the printer's status first where the link reads back (a printer
    /// out of paper is reported, not printed to), then again once it took the page.
    pub fn run(self) -> Result<TestPrinted, String> {
        let target = self.spec.to_string();
        let on_link = |source| {
            PrintError::Link {
                target: target.clone(),
                source,
            }
            .to_string()
        };
        let problem = |problem| {
            PrintError::Problem {
                target: target.clone(),
                problem,
            }
            .to_string()
        };
        let encoded = encode(&self.doc, &self.printer.settings, false).map_err(|e| format!("{target}: {e}"))?;
        let mut link = link::open(&self.spec, &LinkOptions::default()).map_err(on_link)?;
        let ask = self.printer.status && self.spec.two_way();
        if ask
            && let Some(p) = link
                .status()
                .map_err(on_link)?
                .as_ref()
                .and_then(PrinterStatus::problem)
        {
            return Err(problem(p));
        }
        link.send(&encoded.bytes).map_err(on_link)?;
        let after = if ask { link.status().map_err(on_link)? } else { None };
        if let Some(p) = after.as_ref().and_then(PrinterStatus::problem) {
            return Err(problem(p));
        }
        Ok(TestPrinted {
            bytes: encoded.bytes.len(),
            ready: after.as_ref().map(|s| s.problem().is_none()),
            warnings: after.map(|s| s.warnings()).unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::config::ThemeChoice;
    use crate::config::edit::TERMINAL_TCP;
    use crate::store::Store;
    use std::sync::Arc;

    fn till_in(dir: &Path, config_text: Option<&str>) -> Till {
        let paths = super::super::Paths::resolve(Some(dir.to_path_buf()), None).expect("paths");
        if let Some(text) = config_text {
            std::fs::write(&paths.config_file, text).expect("config");
        }
        let noon = "2026-03-14T04:00:00Z".parse().expect("timestamp");
        Till::open(&paths, Arc::new(ManualClock::new(noon))).expect("till")
    }

    /// A manager to save with: the demo's, or a first admin for a configured till.
    fn boss(till: &mut Till) -> Operator {
        if till.needs_first_admin().expect("users") {
            return till.create_first_admin("Li", "5678").expect("first admin");
        }
        till.manager_approval(crate::config::DEMO_MANAGER_PIN)
            .expect("demo manager")
    }

    fn last_audit(till: &Till) -> (String, String, String) {
        till.store.audit_rows().last().cloned().expect("an audit event")
    }

    #[test]
    fn saving_applies_what_it_can_and_audits_keys_but_never_secrets() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut till = till_in(
            dir.path(),
            Some("[store]\nname = \"Shop\"\ntime_zone = \"Asia/Shanghai\"\n"),
        );
        let (mut form, error) = till.settings_form().expect("form");
        assert_eq!(error, None);
        form.set(Field::StoreName, "New Shop");
        form.set(Field::Language, "en");
        form.set(Field::Theme, "dark");
        form.set(Field::TimeZone, "Europe/Berlin");
        form.set(Field::TerminalKind, TERMINAL_TCP);
        form.set(Field::TerminalHost, "10.0.0.5");
        form.set(Field::TerminalPassword, "987654");
        let approver = boss(&mut till);
        let applied = till.save_settings(&form, Some(&approver)).expect("saved");
        assert!(!applied.created);
        assert_eq!(
            applied.after_restart,
            ["[store] time_zone", "[terminal] connection", "[terminal] password"]
        );
        // Live: the header, the language, the look.
        assert_eq!(till.header().store_name, "New Shop");
        assert_eq!(till.language(), crate::config::Language::En);
        assert_eq!(till.config().ui.theme, ThemeChoice::Dark);
        // After the restart: the business day's zone and the terminal.
        assert_eq!(till.config().time_zone_name, "Asia/Shanghai");
        assert_eq!(till.config().terminal, None);
        let (actor, kind, detail) = last_audit(&till);
        assert_eq!((actor.as_str(), kind.as_str()), ("Li", "settings"));
        assert!(
            detail.contains("[store] name") && detail.contains("[terminal] password"),
            "{detail}"
        );
        assert!(!detail.contains("987654") && !detail.contains("New Shop"), "{detail}");
        let on_disk = Config::load(&dir.path().join(crate::config::FILE_NAME)).expect("loads");
        assert_eq!(on_disk.time_zone_name, "Europe/Berlin");
        assert_eq!(on_disk.terminal_password, 987654);
        assert_eq!(restart_keys(till.config(), &on_disk).len(), 3);
    }

    #[test]
    fn a_demo_till_creates_its_config_file_and_stays_a_demo_until_restarted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut till = till_in(dir.path(), None);
        assert!(till.is_demo());
        let (mut form, _) = till.settings_form().expect("form");
        form.set(Field::TimeZone, "Asia/Shanghai");
        let approver = boss(&mut till);
        let applied = till.save_settings(&form, Some(&approver)).expect("saved");
        assert!(applied.created);
        assert!(till.is_demo(), "demo mode lasts until the restart");
        assert!(last_audit(&till).2.contains("demo mode ends"));
        assert!(
            !Config::load(&dir.path().join(crate::config::FILE_NAME))
                .expect("loads")
                .demo
        );
    }

    #[test]
    fn the_currency_stays_once_the_ledger_holds_a_sale() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut till = till_in(dir.path(), Some("[store]\ntime_zone = \"Asia/Shanghai\"\n"));
        let (mut form, _) = till.settings_form().expect("form");
        form.set(Field::Currency, "EUR");
        assert!(form.is_valid(), "no sales yet: {:?}", form.errors());
        // A sale arrives (another instance) between opening the form and saving it.
        till.import_catalog(crate::till::DEMO_CATALOG).expect("catalog");
        let mut cart = till.new_cart();
        till.scan(&mut cart, "2000000010106").expect("scan");
        till.pay_cash(&cart, None).expect("sale");
        let approver = boss(&mut till);
        let e = till.save_settings(&form, Some(&approver)).expect_err("refused");
        assert!(matches!(e, SettingsError::CurrencyFixed { .. }), "{e}");
        let (form, _) = till.settings_form().expect("form");
        assert_eq!(form.currency_fixed(), Some("CNY"));
    }

    #[test]
    fn a_till_without_a_config_file_cannot_save() {
        let store = Store::open_in_memory(Currency::CNY).expect("ledger");
        let clock = Arc::new(ManualClock::new("2026-03-14T04:00:00Z".parse().expect("t")));
        let mut till = Till::with_store(store, Config::demo(), clock).expect("till");
        let (form, _) = till.settings_form().expect("form");
        let approver = boss(&mut till);
        assert!(matches!(
            till.save_settings(&form, Some(&approver)),
            Err(SettingsError::NoFile)
        ));
    }

    #[test]
    fn a_test_page_goes_to_the_printer_the_form_names() {
        let dir = tempfile::tempdir().expect("tempdir");
        let till = till_in(dir.path(), None);
        let out = dir.path().join("printer.bin");
        let spec = PrinterSpec::File {
            path: out.display().to_string(),
        };
        let printed = till.test_print(spec, PrinterConfig::default()).run().expect("printed");
        assert_eq!(printed.ready, None, "a file cannot say how it is");
        let bytes = std::fs::read(&out).expect("output");
        assert_eq!(bytes.len(), printed.bytes);
        assert!(bytes.windows(22).any(|w| w == b"TILLGUARD PRINTER TEST"));
        assert!(
            till.print_queue().expect("queue").is_empty(),
            "not queued in the ledger"
        );
        let missing = PrinterSpec::File {
            path: dir.path().join("no/such/folder/p.bin").display().to_string(),
        };
        assert!(till.test_print(missing, PrinterConfig::default()).run().is_err());
    }
}
