//! The till: the application service the GUI and the CLI share. It ties the pure domain
//! (cart, totals, business day, reports) to the ledger, the clock and the configuration.

use crate::catalog::{Catalog, LookupError, parse_csv};
use crate::clock::Clock;
use crate::config::{Config, ConfigError, Language};
use crate::money::{Currency, Money};
use crate::permission::Action;
use crate::printer::layout::Header;
use crate::sale::{Cart, PaymentMethod, RefundRequest, SaleDraft, SaleError, SaleRecord, build_refund, pay_cash};
use crate::settlement::day::{DayRule, effective_day};
use crate::settlement::guard::Why;
use crate::settlement::report::{Report, ReportKind};
use crate::store::{Store, StoreError};
use crate::users::Operator;
use jiff::Timestamp;
use jiff::civil::Date;
use std::sync::Arc;

mod backup;
pub mod card;
mod card_refund;
mod claim;
mod defer;
pub mod discount;
mod drawer;
#[cfg(test)]
mod fake_terminal;
mod guard;
pub mod history;
mod incidents;
mod journal;
mod lessons;
pub mod manual_card;
pub mod park;
mod paths;
mod permit;
mod poll;
pub mod print;
mod print_docs;
pub mod recover;
#[cfg(test)]
mod report_tests;
pub mod restore;
pub mod settings;
mod settle;
pub mod standalone;
mod status;
pub mod training;
mod users;

pub use backup::{BackupDone, BackupOutcome, REASON_MANUAL};
pub use claim::{ClaimLine, claim_csv};
pub use defer::{PIN_ATTEMPTS, PIN_LOCK_MINUTES};
pub use guard::{BatchSummary, settle_command};
pub use paths::Paths;
pub use settle::Settlement;
pub use status::{CardDoubt, Status};
pub use users::{CONFIG_ADMIN, DEMO_USERS, DemoUser};

pub use crate::store::ImportSummary;

/// The demo catalog loaded into an empty ledger in demo mode.
pub const DEMO_CATALOG: &str = include_str!("../../assets/demo_catalog.csv");

#[derive(Debug, thiserror::Error)]
pub enum TillError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sale(#[from] SaleError),
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// Login, managing users, or a manager's approval refused.
    #[error(transparent)]
    User(#[from] crate::users::UserError),
    #[error("'{0}' is not a valid quantity (write CODE or CODExN with N a whole number from 1 to 9999)")]
    Quantity(String),
    #[error(
        "business day {day} is closed (Z-report #{z_number}); sales resume when the next business day starts at {reopens}"
    )]
    DayClosed { day: Date, z_number: i64, reopens: String },
    #[error("no sale number {0}")]
    NoSuchSale(i64),
    #[error("business day {day} is in the future (the till is on {today})")]
    FutureDay { day: Date, today: Date },
    #[error("catalog: {0}")]
    Catalog(String),
    #[error("no data folder could be determined for this user; pass --data-dir")]
    NoDataDir,
    #[error("tender: {0}")]
    Tender(String),
    #[error("the card was declined (terminal result {code:02X})")]
    CardDeclined { code: u8 },
    #[error("card payment failed: {reason}{}", if *in_doubt { " - the payment is in doubt and will be checked with the terminal" } else { "" })]
    Card { reason: String, in_doubt: bool },
    /// A reversal or refund through the terminal failed.
    #[error("card {what} failed: {reason}{}", if *in_doubt { " - it is in doubt and will be checked with the terminal before its next transaction" } else { "" })]
    CardReturn {
        what: &'static str,
        reason: String,
        in_doubt: bool,
    },
    #[error("the terminal did not carry out the {what}: result {code:02X} ({text})")]
    NotDone { what: &'static str, code: u8, text: String },
    #[error(
        "earlier card transaction(s) {} are still in doubt and the terminal did not answer the check ({reason}); no new card transaction until it does",
        ids.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ")
    )]
    RecoveryBlocked { ids: Vec<i64>, reason: String },
    #[error("card terminal: {0}")]
    Terminal(String),
    /// The terminal could not even be connected to: nothing was asked of it, nothing is in
    /// doubt (the checkout then offers cash, or a card paid on a standalone device).
    #[error("the card terminal cannot be reached: {0}")]
    TerminalUnreachable(String),
    #[error("cannot void: {0}")]
    Void(String),
    /// The settlement guard stops selling (a day change or an earlier day with an unsettled
    /// card batch, or a card payment in doubt).
    #[error("{}", guard::refusal_text(*why, terminal.as_deref()))]
    Guard { why: Why, terminal: Option<String> },
    /// A new business day sells only once the earlier day is closed with its Z-report.
    #[error(
        "business day {day} has no Z-report yet: count the drawer and close it first (tillguard report z --counted AMOUNT), then sell on {today}"
    )]
    EarlierDayOpen { day: Date, today: Date },
    /// The terminal did not settle the batch; it stays unsettled and the guard stays on.
    #[error("settlement of batch #{batch_id} failed: {reason}; the batch is still unsettled - try again, or defer it")]
    SettleFailed { batch_id: i64, reason: String },
    /// The permission table refused (see `permission::Action`); audited.
    #[error("{who} may not {} alone: it needs {}'s PIN", action.describe(), if *needs == crate::users::Role::Admin { "an admin" } else { "a manager" })]
    NotPermitted {
        action: Action,
        needs: crate::users::Role,
        who: String,
    },
    #[error("cash drawer: {0}")]
    Drawer(String),
    #[error("cannot defer: {0}")]
    Defer(String),
    #[error("wrong manager PIN{}", if *left == 0 { String::new() } else { format!(" ({left} more attempt(s) before manager approvals are locked)") })]
    WrongPin { left: u32 },
    #[error("manager approvals are locked after {attempts} wrong manager PINs until {until}")]
    PinLocked { attempts: u32, until: String },
    #[error("batch: {0}")]
    Batch(String),
    #[error("printing: {0}")]
    Print(String),
    #[error("export: {0}")]
    Export(String),
    /// An incident cannot be found, written up or closed as asked.
    #[error("incident: {0}")]
    Incident(String),
    /// Making or checking a backup of the ledger.
    #[error("backup: {0}")]
    Backup(#[from] crate::backup::BackupError),
}

pub struct Till {
    store: Store,
    catalog: Catalog,
    config: Config,
    clock: Arc<dyn Clock>,
    rule: DayRule,
    /// The recovery the last card transaction ran first, until the caller takes it.
    last_recovery: Option<recover::RecoveryReport>,
    /// The business day this Till was opened on: an unsettled batch from before it was left
    /// by an earlier run, one from since then saw the day change while running.
    started_on: Date,
    /// `--printer` for this run.
    printer_override: Option<crate::printer::spec::PrinterSpec>,
    /// Jobs queued since the GUI last sent them (see `take_new_print_jobs`).
    new_print_jobs: Vec<i64>,
    /// The printouts' translations, made on first use.
    printout_text: std::sync::OnceLock<crate::i18n::I18n>,
    /// Who is logged in; sales and closes carry their name (the config's cashier otherwise).
    operator: Option<Operator>,
    /// The config file the Settings screen saves to; `None` for a till not opened from its
    /// folders (tests), which cannot save settings.
    config_file: Option<std::path::PathBuf>,
    /// The backup the last Z-report triggered, until the caller takes it.
    last_backup: Option<BackupOutcome>,
    /// Incidents opened since the window last took them (`take_new_incidents`).
    new_incidents: Vec<crate::incident::Incident>,
    /// A training till (`training.rs`): its own ledger, never backed up, printouts marked.
    training: bool,
}

impl Till {
    /// Opens the till from its folders: loads the config (none = demo), opens the ledger.
    pub fn open(paths: &Paths, clock: Arc<dyn Clock>) -> Result<Till, TillError> {
        let config = Config::load(&paths.config_file)?;
        let store = Store::open(&paths.data_dir.join(crate::store::FILE_NAME), config.currency)?;
        let mut till = Till::with_store(store, config, clock)?;
        till.config_file = Some(paths.config_file.clone());
        Ok(till)
    }

    /// A demo till on a private in-memory ledger (tests and headless UI tests).
    pub fn open_demo_in_memory(clock: Arc<dyn Clock>) -> Result<Till, TillError> {
        let config = Config::demo();
        let store = Store::open_in_memory(config.currency)?;
        Till::with_store(store, config, clock)
    }

    pub fn with_store(mut store: Store, config: Config, clock: Arc<dyn Clock>) -> Result<Till, TillError> {
        if config.demo && store.product_count()? == 0 {
            let products = parse_csv(DEMO_CATALOG, config.currency).map_err(|e| TillError::Catalog(e.to_string()))?;
            store.import_products(&products, clock.now())?;
        }
        users::seed(&mut store, &config, clock.now())?;
        let catalog = store.load_catalog()?;
        let rule = DayRule::new(config.time_zone.clone(), config.day_cutoff);
        let latest = store.latest_day()?.map(|d| d.day);
        let started_on = effective_day(&rule, clock.now(), latest).day;
        Ok(Till {
            store,
            catalog,
            config,
            clock,
            rule,
            last_recovery: None,
            started_on,
            printer_override: None,
            new_print_jobs: Vec::new(),
            printout_text: std::sync::OnceLock::new(),
            operator: None,
            config_file: None,
            last_backup: None,
            new_incidents: Vec::new(),
            training: false,
        })
    }

    /// Who is logged in, if anyone.
    pub fn operator(&self) -> Option<&Operator> {
        self.operator.as_ref()
    }

    /// Logs someone in (or out with `None`); what they do from now on carries their name.
    pub fn set_operator(&mut self, operator: Option<Operator>) {
        self.operator = operator;
    }

    /// The name sales, closes and printouts carry.
    pub fn cashier(&self) -> String {
        match &self.operator {
            Some(o) => o.name.clone(),
            None => self.config.cashier.clone(),
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn currency(&self) -> Currency {
        self.config.currency
    }

    pub fn is_demo(&self) -> bool {
        self.config.demo
    }

    pub fn language(&self) -> Language {
        self.config.language
    }

    /// The report of the recovery that the last card transaction had to run first (earlier
    /// transactions of its terminal were unresolved), once; None when none ran.
    pub fn take_recovery(&mut self) -> Option<recover::RecoveryReport> {
        self.last_recovery.take()
    }

    /// Appends an event to the audit log at the till's time (what a screen found, such as
    /// a broken chain at start-up).
    pub fn audit(&mut self, actor: &str, kind: &str, detail: &str) -> Result<(), TillError> {
        Ok(self.store.audit(self.clock.now(), actor, kind, detail)?)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The business-day rule (time zone and cutoff).
    pub fn day_rule(&self) -> &DayRule {
        &self.rule
    }

    pub fn new_cart(&self) -> Cart {
        Cart::new(self.config.currency)
    }

    /// The business day the till is on (never earlier than a day already recorded).
    pub fn business_day(&self) -> Result<(Date, bool), TillError> {
        let latest = self.store.latest_day()?.map(|d| d.day);
        let decision = effective_day(&self.rule, self.clock.now(), latest);
        Ok((decision.day, decision.clock_behind))
    }

    /// The day a sale made now belongs to, or why selling is not possible.
    pub fn selling_day(&self) -> Result<Date, TillError> {
        let (day, _) = self.business_day()?;
        if let Some(row) = self.store.day(day)?
            && let Some(z_number) = row.z_number
        {
            let reopens = self.rule.next_start(day).to_zoned(self.config.time_zone.clone());
            return Err(TillError::DayClosed {
                day,
                z_number,
                reopens: reopens.strftime("%Y-%m-%d %H:%M").to_string(),
            });
        }
        Ok(day)
    }

    /// Adds a scanned or typed code to the cart: `CODE`, or `CODExN` / `CODE*N` for N items.
    pub fn scan(&self, cart: &mut Cart, input: &str) -> Result<usize, TillError> {
        // A code that itself ends in x<digits> wins over the quantity suffix.
        let (code, quantity) = match self.catalog.lookup(input.trim()) {
            Ok(_) => (input.trim(), 1),
            Err(_) => split_quantity(input)?,
        };
        let product = self.catalog.lookup(code)?;
        let barcode = product.barcodes.iter().any(|b| b == code).then_some(code);
        Ok(cart.add(product, quantity, barcode)?)
    }

    /// Takes cash for the whole cart and commits the sale durably before returning it.
    pub fn pay_cash(&mut self, cart: &Cart, given: Option<Money>) -> Result<SaleRecord, TillError> {
        let due = cart.totals()?.total;
        let tender = pay_cash(due, given)?;
        let draft = SaleDraft::from_cart(cart, vec![tender.payment()])?;
        self.commit(&draft)
    }

    /// Commits a cash sale or refund, if the settlement guard and the day allow selling.
    pub(crate) fn commit(&mut self, draft: &SaleDraft) -> Result<SaleRecord, TillError> {
        self.check_selling(false)?;
        self.commit_unguarded(draft)
    }

    /// Commits without asking the guard: for a card transaction the terminal already approved
    /// (the guard was asked before the terminal was), whose money must not go unrecorded.
    fn commit_unguarded(&mut self, draft: &SaleDraft) -> Result<SaleRecord, TillError> {
        let day = self.selling_day()?;
        let now = self.clock.now();
        Ok(self.store.commit_sale(draft, day, now, &self.cashier())?)
    }

    pub fn sale(&self, id: i64) -> Result<SaleRecord, TillError> {
        self.store.sale(id)?.ok_or(TillError::NoSuchSale(id))
    }

    /// Refunds (part of) an earlier sale in cash; the refund references the original.
    /// Card refunds go through the terminal: `refund_card`.
    /// Needs a manager (`permission::Action::Refund`): the logged-in one or `approval`.
    pub fn refund(
        &mut self,
        sale_id: i64,
        request: &RefundRequest,
        approval: Option<&Operator>,
    ) -> Result<SaleRecord, TillError> {
        if request.method == Some(PaymentMethod::Card) {
            return Err(TillError::Tender(
                "a card refund goes through the card terminal (refund_card)".into(),
            ));
        }
        if request.method == Some(PaymentMethod::ManualCard) {
            return self.refund_manual_card(sale_id, request, None, approval);
        }
        self.permit(Action::Refund, approval)?;
        let original = self.sale(sale_id)?;
        let earlier = self.store.refunded_lines(sale_id)?;
        let draft = build_refund(&original, &earlier, request)?;
        self.commit(&draft)
    }

    /// The running report of a day (default: today). Changes nothing.
    pub fn x_report(&self, day: Option<Date>) -> Result<Report, TillError> {
        let day = match day {
            Some(d) => d,
            None => self.business_day()?.0,
        };
        Ok(Report {
            kind: ReportKind::X,
            z_number: self.store.day(day)?.and_then(|d| d.z_number),
            business_day: day,
            generated_at: self.clock.now(),
            currency: self.config.currency,
            figures: self.store.day_figures(day)?,
            cash_counted: None,
            card_settlement: Some(self.store.card_settlement(day)?),
        })
    }

    /// The month report of the month holding `day` (default: today's business day).
    pub fn month_report(&self, day: Option<Date>) -> Result<crate::settlement::report::month::MonthReport, TillError> {
        let day = match day {
            Some(d) => d,
            None => self.business_day()?.0,
        };
        let (first, last) = crate::settlement::report::month::MonthReport::bounds(day);
        let parts = self.store.month_parts(first, last)?;
        Ok(crate::settlement::report::month::MonthReport {
            first,
            last,
            generated_at: self.clock.now(),
            currency: self.config.currency,
            figures: parts.figures,
            days: parts.days,
            top: parts.top,
        })
    }

    /// The day `report z` closes by default: the oldest day without a Z-report, else today.
    pub fn day_to_close(&self) -> Result<Date, TillError> {
        let (today, _) = self.business_day()?;
        Ok(self
            .store
            .open_days()?
            .first()
            .map(|d| d.day)
            .filter(|d| *d <= today)
            .unwrap_or(today))
    }

    /// Closes a day with its Z-report after the cash was counted, then backs the ledger up
    /// (`take_backup_outcome` tells how that went).
    pub fn close_day(&mut self, day: Option<Date>, counted: Money) -> Result<Report, TillError> {
        let (today, _) = self.business_day()?;
        let day = match day {
            Some(d) => d,
            None => self.day_to_close()?,
        };
        if day > today {
            return Err(TillError::FutureDay { day, today });
        }
        // The Z-report shows the batches as the guard sees them: a clear time that passed has
        // made a batch Lost, a deferral that ran out is no longer in force.
        self.tend_batches()?;
        let now = self.clock.now();
        let report = self.store.close_day(day, counted, now, &self.cashier())?;
        // Committed: whatever the backup does now, the Z-report stands.
        self.backup_after_z(report.z_number);
        Ok(report)
    }

    /// A closed day's Z-report as stored.
    pub fn stored_z_report(&self, day: Date) -> Result<Option<Report>, TillError> {
        Ok(self.store.z_report(day)?)
    }

    /// Imports a catalog CSV: every row checked first, then all rows in one transaction.
    pub fn import_catalog(&mut self, csv_text: &str) -> Result<ImportSummary, TillError> {
        let products = parse_csv(csv_text, self.config.currency).map_err(|e| TillError::Catalog(e.to_string()))?;
        let now = self.clock.now();
        let summary = self.store.import_products(&products, now)?;
        self.store.audit(
            now,
            &self.cashier(),
            "catalog_import",
            &format!("{} added, {} updated", summary.added, summary.updated),
        )?;
        self.catalog = self.store.load_catalog()?;
        Ok(summary)
    }

    pub fn header(&self) -> Header {
        Header {
            store_name: self.config.store_name.clone(),
            address: self.config.address.clone(),
            tax_id: self.config.tax_id.clone(),
            demo: self.config.demo,
            sale_code: self.config.printer.sale_code,
            logo: self.config.printer.settings.logo.is_some(),
            training: self.training,
        }
    }

    /// The receipt as monospace text, as wide as the configured paper.
    pub fn receipt_text(&self, sale: &SaleRecord) -> String {
        self.receipt_doc(sale).text()
    }

    pub fn report_text(&self, report: &Report) -> String {
        self.report_doc(report).text()
    }
}

/// Splits `CODExN` / `CODE*N` into code and quantity; plain `CODE` means one.
pub fn split_quantity(input: &str) -> Result<(&str, i64), TillError> {
    let input = input.trim();
    let split = input
        .rfind(['x', 'X', '*'])
        .filter(|&i| i > 0 && i + 1 < input.len() && input[i + 1..].bytes().all(|b| b.is_ascii_digit()));
    let Some(i) = split else {
        return Ok((input, 1));
    };
    let qty: i64 = input[i + 1..]
        .parse()
        .map_err(|_| TillError::Quantity(input.to_string()))?;
    if !(1..=crate::sale::MAX_QUANTITY).contains(&qty) {
        return Err(TillError::Quantity(input.to_string()));
    }
    Ok((input[..i].trim(), qty))
}
