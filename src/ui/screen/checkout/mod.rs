//! The checkout screen: scan or search items, adjust quantities, take cash, show the receipt.
//!
//! Focus rule: the barcode field owns the keyboard. A USB scanner types digits then Enter
//! with no warning, so after every action `update` hands focus back to it; only F4, the
//! quick-cash buttons and a click into the cash field move the keyboard to the cash field,
//! and paying or Esc brings it back.

mod card;
mod cash;
mod manual;
mod scan_field;
mod standalone;
mod terminal;
mod tools;
mod tools_view;
mod view;

pub use card::{CardPayment, Phase, WhilePaying};
pub use cash::{CashState, cash_state, quick_amounts};
pub use manual::{MANUAL_AMOUNT_ID, MANUAL_AUTH_ID, MANUAL_LAST4_ID, Manual, ManualForm, ManualMessage};
pub use standalone::{
    STANDALONE_AMOUNT_ID, STANDALONE_LAST4_ID, STANDALONE_SCHEME_ID, STANDALONE_VOUCHER_ID, StandaloneForm,
    StandaloneMessage,
};
pub use terminal::{TerminalSeen, recovery_text};
pub use tools::{
    DISCOUNT_REASON_ID, DISCOUNT_VALUE_ID, DiscountForm, Mode, PIN_ID, Panel, QuickGrid, RecallList, RemoveForm,
    TOOL_PANEL_ID, ToolMessage,
};

use crate::catalog::LookupError;
use crate::i18n::I18n;
use crate::money::Money;
use crate::sale::{Cart, SaleRecord};
use crate::till::discount::ToolError;
use crate::till::{Status, Till, TillError};
use crate::ui::keys::{Input, Shortcut};
use crate::ui::reason;
use iced::Task;
use iced::widget::{Id, operation};
use scan_field::ScanField;

/// The barcode / search field.
pub const SCAN_ID: &str = "checkout-scan";
/// The cash-given field.
pub const CASH_ID: &str = "checkout-cash";
/// The receipt preview shown after a sale.
pub const RECEIPT_ID: &str = "checkout-receipt";
/// The finished sale's print status line with its reprint button.
pub const REPRINT_ID: &str = "checkout-reprint";
/// The terminal's live status during a card payment.
pub const CARD_STATUS_ID: &str = "checkout-card-status";
/// How many name-search results are offered.
const SEARCH_LIMIT: usize = 12;
/// A typed code at least this long that is a known product is a scan, even in the cash field.
const MIN_SCAN_LEN: usize = 8;

#[derive(Debug, Clone)]
pub enum Message {
    /// The barcode field's value, from the widget built at the given epoch (see `scan_field`).
    ScanChanged(u64, String),
    ScanSubmitted(u64),
    /// A search result was chosen (by SKU).
    Pick(String),
    Select(usize),
    Increase(usize),
    Decrease(usize),
    Remove(usize),
    CashChanged(String),
    CashSubmitted,
    QuickCash(Money),
    Pay,
    /// Pay by card (the cash typed, if any, pays part).
    PayCard,
    /// Ask the terminal to abort the card payment.
    CancelCard,
    /// The terminal was unreachable: cash instead, or a card paid on another device.
    Manual(ManualMessage),
    /// The card form of a standalone terminal (the Card tender on a till without a cable).
    Standalone(StandaloneMessage),
    NewSale,
    /// Print the finished sale's receipt again (its failed job, or a COPY).
    Reprint,
    /// Switch the screen language between Chinese and English (the app does it).
    ToggleLanguage,
    Input(Input),
    /// Answer to "is the cash field focused?" after a click somewhere.
    CashFocused(bool),
    /// Periodic refresh of the day figures (the business day changes at the cutoff).
    Tick,
    /// Quick keys, discounts, the manager's PIN, park and recall (see `tools`).
    Tool(ToolMessage),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Scan,
    Cash,
    /// The discount panel's value and reason, and the manager PIN (see `tools`).
    DiscountValue,
    DiscountReason,
    Pin,
}

/// A product offered by a name search.
#[derive(Debug, Clone)]
pub struct Found {
    pub sku: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Search {
    pub query: String,
    pub found: Vec<Found>,
}

/// The sale just paid, kept on screen until the next one starts.
#[derive(Debug, Clone)]
pub struct Completed {
    pub sale: SaleRecord,
    pub receipt: String,
    pub print: Print,
}

/// What became of the finished sale's receipt on the printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Print {
    /// No printer is set up.
    None,
    Sending(i64),
    Printed(i64),
    Failed {
        job: i64,
        error: String,
    },
}

pub struct State {
    cart: Cart,
    scan: ScanField,
    cash: String,
    selected: Option<usize>,
    search: Option<Search>,
    error: Option<String>,
    notice: Option<String>,
    completed: Option<Completed>,
    /// The completed sale still waits for its receipt to be queued (the app does that).
    unprinted: bool,
    focus: Field,
    status: Result<Status, String>,
    /// The card payment under way; the till is with the terminal meanwhile.
    card: Option<CardPayment>,
    /// The terminal's answer to the last status poll.
    terminal: Option<TerminalSeen>,
    /// The open tool panel (discount, manager PIN, parked sales) in the side column.
    panel: Option<Panel>,
    quick: QuickGrid,
    quick_tab: usize,
    leftover: Option<tools::Leftover>,
    /// The terminal could not be reached: the choices offered, or the manual card form.
    manual: Option<Manual>,
    /// The till's standalone card terminal, if it has one (read from the till on refresh).
    standalone_terminal: Option<crate::config::Standalone>,
    /// The card form of the standalone terminal, while it is open.
    standalone_form: Option<StandaloneForm>,
}

impl State {
    pub fn new(till: &Till) -> State {
        State {
            cart: till.new_cart(),
            scan: ScanField::default(),
            cash: String::new(),
            selected: None,
            search: None,
            error: None,
            notice: None,
            completed: None,
            unprinted: false,
            focus: Field::Scan,
            status: till.status().map_err(|e| e.to_string()),
            card: None,
            terminal: None,
            panel: None,
            quick: QuickGrid::from_catalog(till.catalog()),
            quick_tab: 0,
            leftover: None,
            manual: None,
            standalone_terminal: till.standalone().cloned(),
            standalone_form: None,
        }
    }

    pub fn cart(&self) -> &Cart {
        &self.cart
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn completed(&self) -> Option<&Completed> {
        self.completed.as_ref()
    }

    pub fn focus(&self) -> Field {
        self.focus
    }

    /// Focuses the field the keyboard belongs to (used at start-up and after every action).
    pub fn refocus(&self) -> Task<Message> {
        if let Some(task) = self.manual_focus().or_else(|| self.standalone_focus()) {
            return task;
        }
        match self.focus {
            Field::Scan => operation::focus(Id::new(SCAN_ID)),
            Field::Cash => operation::focus(Id::new(CASH_ID)),
            Field::DiscountValue => operation::focus(Id::new(DISCOUNT_VALUE_ID)),
            Field::DiscountReason => operation::focus(Id::new(DISCOUNT_REASON_ID)),
            Field::Pin => operation::focus(Id::new(PIN_ID)),
        }
    }

    pub fn update(&mut self, till: &mut Till, i18n: &I18n, message: Message) -> Task<Message> {
        match message {
            // The field that sent these has focus already; refocusing would move its cursor.
            Message::ScanChanged(epoch, text) => return self.scan_changed(till, i18n, epoch, text),
            Message::CashChanged(text) => {
                self.cash = text;
                return Task::none();
            }
            Message::Input(Input::Pointer) if self.panel.is_some() => return self.panel_focus_query(),
            Message::Input(Input::Pointer) => {
                // A click may have focused the cash field or nothing at all; ask, then decide.
                return operation::is_focused(Id::new(CASH_ID)).map(Message::CashFocused);
            }
            Message::Tool(message) => return self.tool_update(till, i18n, message),
            Message::Manual(message) => return self.manual_update(till, i18n, message),
            Message::Standalone(message) => return self.standalone_update(till, i18n, message),
            Message::CashFocused(in_cash) => {
                self.focus = if in_cash { Field::Cash } else { Field::Scan };
            }
            Message::ScanSubmitted(epoch) => {
                let input = self.scan.take_from_widget(epoch);
                self.submit_scan(till, i18n, input);
            }
            Message::Pick(sku) => {
                self.search = None;
                self.add(till, i18n, &sku);
            }
            Message::Select(index) => self.selected = Some(index),
            Message::Increase(index) => self.change_quantity(till, i18n, index, 1),
            Message::Decrease(index) => self.change_quantity(till, i18n, index, -1),
            Message::Remove(index) => self.remove_requested(till, i18n, index),
            Message::CashSubmitted => self.submit_cash(till, i18n),
            Message::QuickCash(amount) => {
                self.cash = amount.plain();
                self.focus = Field::Cash;
            }
            Message::Pay => self.pay(till, i18n),
            // The app lends the till to the terminal for these (see `ui::app`).
            Message::PayCard | Message::CancelCard => {}
            Message::NewSale => self.new_sale(),
            // The app handles these; see `ui::app`.
            Message::Reprint | Message::ToggleLanguage => {}
            Message::Input(Input::Shortcut(shortcut)) => self.shortcut(till, i18n, shortcut),
            Message::Input(Input::Stray(text)) => {
                // Keys that reached no widget belong to the barcode field: a scan is never lost.
                self.scan.push_str(&text);
                self.focus = Field::Scan;
            }
            Message::Input(Input::StrayEnter) => match self.focus {
                Field::Cash => self.submit_cash(till, i18n),
                Field::Scan => {
                    let input = self.scan.take_typed();
                    self.submit_scan(till, i18n, input);
                }
                field @ (Field::DiscountValue | Field::DiscountReason | Field::Pin) => {
                    self.field_submitted(till, i18n, field)
                }
            },
            Message::Tick => {
                // Not a cashier action: leave the focus (and the cursor) where it is.
                self.refresh_status(till);
                self.refresh_quick_keys(till);
                return Task::none();
            }
        }
        self.refocus()
    }

    fn scan_changed(&mut self, till: &Till, i18n: &I18n, epoch: u64, value: String) -> Task<Message> {
        let before_empty = self.scan.text().is_empty();
        self.scan.changed(epoch, value);
        // "+" or "-" typed into an empty field adjusts the selected line: the field always
        // has focus, and no barcode starts with a sign.
        let delta = match self.scan.text() {
            "+" if before_empty => 1,
            "-" if before_empty => -1,
            _ => return Task::none(),
        };
        let _ = self.scan.take_from_widget(epoch);
        self.step_selected(till, i18n, delta);
        // Refocusing puts the cursor back at the start of the now empty field.
        self.refocus()
    }

    fn step_selected(&mut self, till: &Till, i18n: &I18n, delta: i64) {
        if let Some(index) = self.selected {
            self.change_quantity_quietly(till, i18n, index, delta);
        }
    }

    fn shortcut(&mut self, till: &mut Till, i18n: &I18n, shortcut: Shortcut) {
        match shortcut {
            Shortcut::FocusScan => self.focus = Field::Scan,
            // The cash field is where the tender panel is: a tool panel gives way to it.
            Shortcut::FocusCash => {
                self.close_panel();
                self.focus = Field::Cash;
            }
            Shortcut::Pay => self.pay(till, i18n),
            // The app handles these (they leave the checkout).
            Shortcut::PayCard
            | Shortcut::EndOfDay
            | Shortcut::Refund
            | Shortcut::Reports
            | Shortcut::Lock
            | Shortcut::Settings
            | Shortcut::Incidents
            | Shortcut::Quit => {}
            Shortcut::Park => self.park_key(till, i18n),
            Shortcut::Discount => self.discount_key(i18n),
            Shortcut::Escape => self.escape(),
            Shortcut::Increase => self.step_selected(till, i18n, 1),
            Shortcut::Decrease => self.step_selected(till, i18n, -1),
            Shortcut::SelectPrevious if self.step_recall_list(-1) => {}
            Shortcut::SelectNext if self.step_recall_list(1) => {}
            Shortcut::SelectPrevious => {
                self.selected = match self.selected {
                    Some(i) => Some(i.saturating_sub(1)),
                    None => self.cart.lines().len().checked_sub(1),
                };
            }
            Shortcut::SelectNext => {
                let last = self.cart.lines().len().checked_sub(1);
                self.selected = match (self.selected, last) {
                    (Some(i), Some(last)) => Some((i + 1).min(last)),
                    (None, last) => last.map(|_| 0),
                    (Some(_), None) => None,
                };
            }
        }
    }

    /// Esc undoes the most recent, smallest thing: an open tool panel, the error, then the
    /// search, then the cash typed, then the finished sale's panel, then the half-typed code.
    /// It never voids a cart.
    fn escape(&mut self) {
        if self.manual_escape() {
            return;
        }
        if self.panel.is_some() {
            self.close_panel();
            return;
        }
        // After the panel: one opened over the standalone card form closes first.
        if self.standalone_escape() {
            return;
        }
        if self.error.take().is_some() {
            return;
        }
        if self.search.take().is_some() {
            return;
        }
        if self.focus == Field::Cash {
            self.cash.clear();
            self.focus = Field::Scan;
            return;
        }
        if self.completed.is_some() {
            self.new_sale();
            return;
        }
        self.scan.clear();
        self.notice = None;
    }

    fn submit_scan(&mut self, till: &mut Till, i18n: &I18n, input: String) {
        let input = input.trim().to_string();
        if input.is_empty() {
            // With the parked sales listed, Enter recalls the highlighted one.
            if self.recall_selected(till, i18n) {
                return;
            }
            // Enter on an empty field moves on to taking the cash.
            if !self.cart.is_empty() {
                self.focus = Field::Cash;
            }
            return;
        }
        self.focus = Field::Scan;
        self.add(till, i18n, &input);
    }

    /// Adds a code (with optional xQTY) to the cart, or offers a name search if it is not one.
    fn add(&mut self, till: &mut Till, i18n: &I18n, input: &str) {
        if self.completed.is_some() {
            // Scanning after a sale starts the next one.
            self.new_sale();
        }
        if matches!(self.panel, Some(Panel::Recall(_))) {
            // Selling on instead of recalling.
            self.close_panel();
        }
        self.error = None;
        self.notice = None;
        match till.scan(&mut self.cart, input) {
            Ok(index) => {
                self.selected = Some(index);
                self.search = None;
                if let Some(line) = self.cart.lines().get(index) {
                    let name = line.name(i18n.language().is_zh()).to_string();
                    self.notice = Some(i18n.t_args("ui-added", &[("name", name)]));
                }
            }
            Err(TillError::Lookup(e @ (LookupError::Unknown(_) | LookupError::Malformed(_)))) => {
                let zh = i18n.language().is_zh();
                let found: Vec<Found> = till
                    .catalog()
                    .search(input, SEARCH_LIMIT)
                    .into_iter()
                    .map(|p| Found {
                        sku: p.sku.clone(),
                        label: format!("{}  {}", p.name(zh), p.price.display()),
                    })
                    .collect();
                if found.is_empty() {
                    self.search = None;
                    self.error = Some(scan_error(i18n, input, &reason::lookup_error(i18n, &e)));
                } else {
                    self.search = Some(Search {
                        query: input.to_string(),
                        found,
                    });
                }
            }
            Err(e) => self.error = Some(scan_error(i18n, input, &reason::till_error(i18n, &e))),
        }
    }

    fn change_quantity(&mut self, till: &Till, i18n: &I18n, index: usize, delta: i64) {
        self.selected = Some(index);
        if let Err(e) = self.try_change_quantity(till, index, delta) {
            self.quantity_refused(i18n, &e);
        }
    }

    /// Keyboard +/- at the ends of the range does nothing rather than raising an error; a
    /// discount the change would take above the cashier's limit is still said.
    fn change_quantity_quietly(&mut self, till: &Till, i18n: &I18n, index: usize, delta: i64) {
        if let Err(e @ ToolError::OverLimit { .. }) = self.try_change_quantity(till, index, delta) {
            self.quantity_refused(i18n, &e);
        }
    }

    fn quantity_refused(&mut self, i18n: &I18n, e: &ToolError) {
        let reason = match e {
            ToolError::Till(TillError::Sale(e)) => reason::sale_error(i18n, e),
            other => tools::tool_error(i18n, other),
        };
        self.error = Some(i18n.t_args("ui-error-quantity", &[("reason", reason)]));
    }

    /// Through the till, which refuses a change that takes a discount above the limit.
    fn try_change_quantity(&mut self, till: &Till, index: usize, delta: i64) -> Result<(), ToolError> {
        let Some(line) = self.cart.lines().get(index) else {
            return Err(crate::sale::SaleError::NoSuchLine(index).into());
        };
        let quantity = line.quantity.saturating_add(delta);
        till.set_quantity(&mut self.cart, index, quantity)?;
        self.error = None;
        Ok(())
    }

    fn submit_cash(&mut self, till: &mut Till, i18n: &I18n) {
        let typed = self.cash.trim().to_string();
        // A scanner fired into the cash field: treat it as the scan it is.
        if typed.len() >= MIN_SCAN_LEN && till.catalog().lookup(&typed).is_ok() {
            self.cash.clear();
            self.focus = Field::Scan;
            self.add(till, i18n, &typed);
            return;
        }
        self.pay(till, i18n);
    }

    fn pay(&mut self, till: &mut Till, i18n: &I18n) {
        if self.cart.is_empty() {
            // F12 again on the finished sale's screen is not an error.
            if self.completed.is_none() {
                self.error = Some(i18n.t("ui-error-empty-cart"));
            }
            return;
        }
        let Some(given) = self.typed_cash(till, i18n) else {
            return;
        };
        match till.pay_cash(&self.cart, given) {
            Ok(sale) => self.sale_completed(till, sale),
            Err(e) => {
                self.error = Some(i18n.t_args("ui-error-pay", &[("reason", reason::till_error(i18n, &e))]));
            }
        }
    }

    /// The cash typed: `Some(None)` when nothing was typed, `None` (reason shown) when it is
    /// not an amount.
    fn typed_cash(&mut self, till: &Till, i18n: &I18n) -> Option<Option<Money>> {
        let typed = self.cash.trim().to_string();
        if typed.is_empty() {
            return Some(None);
        }
        match Money::parse_non_negative(&typed, till.currency()) {
            Ok(m) => Some(Some(m)),
            Err(e) => {
                self.error = Some(i18n.t_args(
                    "ui-error-cash",
                    &[("input", typed), ("reason", reason::money_error(i18n, &e))],
                ));
                self.focus = Field::Cash;
                None
            }
        }
    }

    /// The sale is stored: show its receipt and get ready for the next customer.
    fn sale_completed(&mut self, till: &Till, sale: SaleRecord) {
        let receipt = till.receipt_text(&sale);
        self.completed = Some(Completed {
            sale,
            receipt,
            print: Print::None,
        });
        self.unprinted = true;
        self.manual = None;
        self.standalone_form = None;
        self.cart.clear();
        self.cash.clear();
        self.selected = None;
        self.search = None;
        self.panel = None;
        self.error = None;
        self.notice = None;
        self.focus = Field::Scan;
        self.refresh_status(till);
    }

    fn new_sale(&mut self) {
        self.completed = None;
        self.manual = None;
        self.standalone_form = None;
        self.unprinted = false;
        self.cart.clear();
        self.cash.clear();
        self.selected = None;
        self.search = None;
        self.panel = None;
        self.error = None;
        self.notice = None;
        self.focus = Field::Scan;
    }

    /// The sale just completed, once, for its receipt to be printed.
    pub fn take_unprinted(&mut self) -> Option<&SaleRecord> {
        if !std::mem::take(&mut self.unprinted) {
            return None;
        }
        self.completed.as_ref().map(|c| &c.sale)
    }

    /// The finished sale's receipt job, and what became of it.
    pub fn set_print(&mut self, print: Print) {
        if let Some(c) = self.completed.as_mut() {
            c.print = print;
        }
    }

    /// A print job's outcome; only the finished sale's own job changes what is shown.
    pub fn print_finished(&mut self, job: i64, result: &Result<(), String>) {
        let Some(c) = self.completed.as_mut() else { return };
        if matches!(c.print, Print::Sending(j) | Print::Printed(j) | Print::Failed { job: j, .. } if j == job) {
            c.print = match result {
                Ok(()) => Print::Printed(job),
                Err(error) => Print::Failed {
                    job,
                    error: error.clone(),
                },
            };
        }
    }

    /// The job to reprint for the finished sale.
    pub fn reprint_request(&self) -> Option<i64> {
        match self.completed.as_ref().map(|c| &c.print) {
            Some(Print::Printed(job) | Print::Failed { job, .. }) => Some(*job),
            _ => None,
        }
    }

    pub(crate) fn refresh_status(&mut self, till: &Till) {
        self.status = till.status().map_err(|e| e.to_string());
        // The settings screen may have changed the terminal.
        self.standalone_terminal = till.standalone().cloned();
    }
}

fn scan_error(i18n: &I18n, input: &str, reason: &str) -> String {
    i18n.t_args(
        "ui-error-scan",
        &[("input", input.to_string()), ("reason", reason.to_string())],
    )
}
