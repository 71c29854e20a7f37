//! The checkout's tools: quick keys, discounts (F5), the manager's PIN for what a cashier may
//! not do alone (a discount above the limit, removing a line when the shop says so), and
//! parking / recalling sales (F3). The rules are the till's (`till::discount`, `till::park`);
//! this is the panel the cashier works them from.
//!
//! Focus: an open panel's field has the keyboard (F5 puts it in the discount value, a PIN
//! request in the PIN field); whatever ends the panel (apply, approve, recall, Esc, Cancel)
//! gives it back to the barcode field. A scanner firing into a panel field is recognised on
//! its Enter (a known product code of scanner length): the panel closes and the item is
//! added, and what the scanner sends after that, before the screen is rebuilt, goes on to the
//! barcode field (`Leftover`). Anything else typed stays in the field, with the reason it is
//! not a discount or a PIN, so no keystroke vanishes.

use super::{Field, MIN_SCAN_LEN, Message, State};
use crate::catalog::{Catalog, Category};
use crate::i18n::I18n;
use crate::money::Money;
use crate::sale::Discount;
use crate::store::ParkedRow;
use crate::till::discount::{DiscountTarget, ToolError};
use crate::till::park::Recalled;
use crate::till::{Till, TillError};
use crate::ui::reason;
use crate::users::Operator;
use iced::Task;
use iced::widget::{Id, operation};
use rust_decimal::Decimal;
use std::str::FromStr;

/// The discount panel's amount / percentage field.
pub const DISCOUNT_VALUE_ID: &str = "checkout-discount-value";
/// The discount panel's reason field.
pub const DISCOUNT_REASON_ID: &str = "checkout-discount-reason";
/// The manager PIN field (discount above the limit, removing a line).
pub const PIN_ID: &str = "checkout-manager-pin";
/// The open tool's side panel.
pub const TOOL_PANEL_ID: &str = "checkout-tool-panel";
/// How many ready-made reasons the discount panel offers (`tools-reason-1` …).
pub const REASONS: usize = 4;
/// Longest text a panel field keeps: room for a barcode typed into it by mistake.
const FIELD_MAX: usize = 64;

#[derive(Debug, Clone)]
pub enum ToolMessage {
    /// A quick-key tab was chosen.
    QuickTab(usize),
    /// A quick key was tapped (by SKU): one more, as if scanned.
    QuickKey(String),
    /// The Discount button (F5).
    OpenDiscount,
    /// Discount the whole sale (`true`) or the selected line.
    Target {
        sale: bool,
    },
    Mode(Mode),
    ValueChanged(String),
    ValueSubmitted,
    ReasonChanged(String),
    /// One of the ready-made reasons (1-based).
    ReasonPicked(usize),
    ReasonSubmitted,
    Apply,
    RemoveDiscount,
    PinChanged(String),
    PinSubmitted,
    ClosePanel,
    /// The Park / Recall button (F3).
    Park,
    Recall(i64),
    /// Whether a field had the keyboard after a click (asked while a panel is open).
    Focused(Field, bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Percent,
    Amount,
}

#[derive(Debug)]
pub enum Panel {
    Discount(DiscountForm),
    /// A manager's PIN before a line is removed.
    Remove(RemoveForm),
    Recall(RecallList),
}

#[derive(Debug)]
pub struct DiscountForm {
    pub target: DiscountTarget,
    /// The target line's SKU when the panel opened: the cart may change under the panel.
    sku: Option<String>,
    pub mode: Mode,
    pub value: String,
    pub reason: String,
    /// Asked for once the discount turned out to need a manager.
    pub pin: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct RemoveForm {
    pub index: usize,
    sku: String,
    pub pin: String,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct RecallList {
    pub rows: Vec<ParkedRow>,
    pub selected: usize,
}

/// The quick-key grid as the view shows it (the view has no till to ask during a card
/// payment, so the checkout keeps this copy).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuickGrid {
    pub tabs: Vec<QuickTab>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickTab {
    /// `None`: products on the grid without a category.
    pub category: Option<Category>,
    pub keys: Vec<QuickButton>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickButton {
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
    pub price: Money,
}

impl QuickButton {
    pub fn name(&self, zh: bool) -> &str {
        if (zh && !self.name_zh.is_empty()) || self.name_en.is_empty() {
            &self.name_zh
        } else {
            &self.name_en
        }
    }
}

impl QuickGrid {
    pub fn from_catalog(catalog: &Catalog) -> QuickGrid {
        let tabs = catalog
            .quick_tabs()
            .iter()
            .map(|tab| QuickTab {
                category: tab.category.clone(),
                keys: catalog
                    .quick_keys(tab)
                    .map(|p| QuickButton {
                        sku: p.sku.clone(),
                        name_zh: p.name_zh.clone(),
                        name_en: p.name_en.clone(),
                        price: p.price,
                    })
                    .collect(),
            })
            .collect();
        QuickGrid { tabs }
    }
}

/// A panel field whose Enter took a scan and closed the panel. Its widget lives on until
/// the screen is rebuilt and keeps sending its whole (growing) text: what follows the part
/// already taken belongs to the barcode field.
#[derive(Debug)]
pub(super) struct Leftover {
    field: Field,
    taken: String,
}

impl State {
    pub fn panel(&self) -> Option<&Panel> {
        self.panel.as_ref()
    }

    pub fn quick_grid(&self) -> &QuickGrid {
        &self.quick
    }

    pub fn quick_tab(&self) -> usize {
        self.quick_tab
    }

    /// Whether this field is on screen now.
    fn field_shown(&self, field: Field) -> bool {
        match (&self.panel, field) {
            (Some(Panel::Discount(form)), Field::DiscountValue | Field::DiscountReason) => form.pin.is_none(),
            (Some(Panel::Discount(form)), Field::Pin) => form.pin.is_some(),
            (Some(Panel::Remove(_)), Field::Pin) => true,
            _ => false,
        }
    }

    /// Closes whatever panel is open; the keyboard goes back to the barcode field.
    pub(super) fn close_panel(&mut self) {
        self.panel = None;
        self.focus = Field::Scan;
    }

    /// After a click with a panel open: which of its fields (or the barcode field) has the
    /// keyboard now. Only a "yes" changes anything, so the answers may come in any order.
    pub(super) fn panel_focus_query(&self) -> Task<Message> {
        let fields = [
            (super::SCAN_ID, Field::Scan),
            (DISCOUNT_VALUE_ID, Field::DiscountValue),
            (DISCOUNT_REASON_ID, Field::DiscountReason),
            (PIN_ID, Field::Pin),
        ];
        Task::batch(fields.into_iter().map(|(id, field)| {
            operation::is_focused(Id::new(id)).map(move |yes| tool(ToolMessage::Focused(field, yes)))
        }))
    }

    /// The quick-key grid follows the catalog (an import may have changed it).
    pub(super) fn refresh_quick_keys(&mut self, till: &Till) {
        let grid = QuickGrid::from_catalog(till.catalog());
        if grid != self.quick {
            self.quick_tab = self.quick_tab.min(grid.tabs.len().saturating_sub(1));
            self.quick = grid;
        }
    }

    pub(super) fn tool_update(&mut self, till: &mut Till, i18n: &I18n, message: ToolMessage) -> Task<Message> {
        match message {
            ToolMessage::Focused(field, true) => {
                self.focus = field;
                return Task::none();
            }
            ToolMessage::Focused(_, false) => return Task::none(),
            // The field that sent these has the keyboard already.
            ToolMessage::ValueChanged(text) => return self.field_changed(Field::DiscountValue, text),
            ToolMessage::ReasonChanged(text) => return self.field_changed(Field::DiscountReason, text),
            ToolMessage::PinChanged(text) => return self.field_changed(Field::Pin, text),
            ToolMessage::QuickTab(tab) => self.quick_tab = tab.min(self.quick.tabs.len().saturating_sub(1)),
            ToolMessage::QuickKey(sku) => {
                self.focus = Field::Scan;
                self.add(till, i18n, &sku);
            }
            ToolMessage::OpenDiscount => self.discount_key(i18n),
            ToolMessage::Target { sale } => self.choose_target(sale),
            ToolMessage::Mode(mode) => {
                if let Some(Panel::Discount(form)) = &mut self.panel {
                    form.mode = mode;
                    self.focus = Field::DiscountValue;
                }
            }
            ToolMessage::ReasonPicked(n) => {
                if let Some(Panel::Discount(form)) = &mut self.panel {
                    form.reason = i18n.t(&format!("tools-reason-{n}"));
                    form.error = None;
                    self.focus = Field::DiscountValue;
                }
            }
            ToolMessage::ValueSubmitted => self.field_submitted(till, i18n, Field::DiscountValue),
            ToolMessage::ReasonSubmitted => self.field_submitted(till, i18n, Field::DiscountReason),
            ToolMessage::PinSubmitted => self.field_submitted(till, i18n, Field::Pin),
            ToolMessage::Apply => self.apply_discount(till, i18n, None),
            ToolMessage::RemoveDiscount => self.remove_discount(till, i18n),
            ToolMessage::ClosePanel => self.close_panel(),
            ToolMessage::Park => self.park_key(till, i18n),
            ToolMessage::Recall(id) => self.recall(till, i18n, id),
        }
        self.refocus()
    }

    fn field_changed(&mut self, field: Field, text: String) -> Task<Message> {
        if !self.field_shown(field) {
            self.leftover_changed(field, text);
            return Task::none();
        }
        let text: String = text.chars().take(FIELD_MAX).collect();
        self.focus = field;
        match (&mut self.panel, field) {
            (Some(Panel::Discount(form)), Field::DiscountValue) => form.value = text,
            (Some(Panel::Discount(form)), Field::DiscountReason) => form.reason = text,
            (Some(Panel::Discount(DiscountForm { pin: Some(pin), .. })), Field::Pin) => *pin = text,
            (Some(Panel::Remove(form)), Field::Pin) => form.pin = text,
            _ => {}
        }
        Task::none()
    }

    /// Text from a panel field that is gone: the rest of a scan goes to the barcode field.
    fn leftover_changed(&mut self, field: Field, value: String) {
        let rest = match &self.leftover {
            Some(l) if l.field == field && value.starts_with(l.taken.as_str()) => value[l.taken.len()..].to_string(),
            _ => value,
        };
        self.scan.clear();
        self.scan.push_str(&rest);
        self.focus = Field::Scan;
    }

    /// Enter in a panel field (or, `StrayEnter`, with the keyboard recorded there).
    pub(super) fn field_submitted(&mut self, till: &mut Till, i18n: &I18n, field: Field) {
        if !self.field_shown(field) {
            // A gone field's Enter ends the scan its text went on to.
            let input = self.scan.take_typed();
            if let Some(l) = self.leftover.as_mut().filter(|l| l.field == field) {
                l.taken.push_str(&input);
            }
            self.focus = Field::Scan;
            self.submit_scan(till, i18n, input);
            return;
        }
        let typed = match (&self.panel, field) {
            (Some(Panel::Discount(form)), Field::DiscountValue) => form.value.clone(),
            (Some(Panel::Discount(form)), Field::DiscountReason) => form.reason.clone(),
            (Some(Panel::Discount(form)), Field::Pin) => form.pin.clone().unwrap_or_default(),
            (Some(Panel::Remove(form)), Field::Pin) => form.pin.clone(),
            _ => return,
        };
        if let Some(code) = scanned_code(till, &typed) {
            // A scanner fired into the panel: the scan wins and the panel closes.
            self.close_panel();
            self.leftover = Some(Leftover { field, taken: typed });
            self.add(till, i18n, &code);
            if self.error.is_none() {
                let added = self.notice.take().unwrap_or_default();
                self.notice = Some(i18n.t_args("tools-scan-in-panel", &[("added", added)]));
            }
            return;
        }
        match field {
            Field::DiscountValue => {
                let reason_missing = matches!(&self.panel, Some(Panel::Discount(f)) if f.reason.trim().is_empty());
                let removing = matches!(&self.panel, Some(Panel::Discount(f)) if is_removal(&f.value));
                if reason_missing && !removing {
                    // Next the reason; Enter there applies.
                    self.focus = Field::DiscountReason;
                    if let Some(Panel::Discount(form)) = &mut self.panel {
                        form.error = Some(i18n.t("tools-error-reason"));
                    }
                } else {
                    self.apply_discount(till, i18n, None);
                }
            }
            Field::DiscountReason => {
                if let Some(Panel::Discount(form)) = &mut self.panel
                    && let Some(n) = picked_reason(&form.reason)
                {
                    form.reason = i18n.t(&format!("tools-reason-{n}"));
                }
                self.apply_discount(till, i18n, None);
            }
            Field::Pin => self.pin_submitted(till, i18n),
            Field::Scan | Field::Cash => {}
        }
    }

    /// F5: opens the discount panel on the selected line (the sale when none is); in the
    /// panel it steps through line %, line amount, sale %, sale amount.
    pub(super) fn discount_key(&mut self, i18n: &I18n) {
        if let Some(Panel::Discount(form)) = &self.panel {
            if form.pin.is_none() {
                let line = self.selected.filter(|i| *i < self.cart.lines().len());
                let (target, mode) = match (form.target, form.mode) {
                    (DiscountTarget::Line(i), Mode::Percent) => (DiscountTarget::Line(i), Mode::Amount),
                    (DiscountTarget::Line(_), Mode::Amount) => (DiscountTarget::Sale, Mode::Percent),
                    (DiscountTarget::Sale, Mode::Percent) => (DiscountTarget::Sale, Mode::Amount),
                    (DiscountTarget::Sale, Mode::Amount) => match line {
                        Some(i) => (DiscountTarget::Line(i), Mode::Percent),
                        None => (DiscountTarget::Sale, Mode::Percent),
                    },
                };
                self.retarget(target, Some(mode));
            }
            return;
        }
        if self.cart.is_empty() {
            self.error = Some(i18n.t("tools-error-discount-empty"));
            return;
        }
        let target = match self.selected.filter(|i| *i < self.cart.lines().len()) {
            Some(i) => DiscountTarget::Line(i),
            None => DiscountTarget::Sale,
        };
        self.open_discount(target);
    }

    fn open_discount(&mut self, target: DiscountTarget) {
        let current = match target {
            DiscountTarget::Line(i) => self.cart.lines().get(i).and_then(|l| l.discount.as_ref()),
            DiscountTarget::Sale => self.cart.sale_discount(),
        };
        self.panel = Some(Panel::Discount(DiscountForm {
            target,
            sku: self.target_sku(target),
            mode: Mode::Percent,
            value: String::new(),
            // A discount already there is changed with its reason kept.
            reason: current.map(|d| d.reason.clone()).unwrap_or_default(),
            pin: None,
            error: None,
        }));
        self.search = None;
        self.error = None;
        self.leftover = None;
        self.focus = Field::DiscountValue;
    }

    fn target_sku(&self, target: DiscountTarget) -> Option<String> {
        match target {
            DiscountTarget::Line(i) => self.cart.lines().get(i).map(|l| l.sku.clone()),
            DiscountTarget::Sale => None,
        }
    }

    fn choose_target(&mut self, sale: bool) {
        let line = self.selected.filter(|i| *i < self.cart.lines().len());
        if !matches!(&self.panel, Some(Panel::Discount(form)) if form.pin.is_none()) {
            return;
        }
        let target = match (sale, line) {
            (false, Some(i)) => DiscountTarget::Line(i),
            (false, None) => return,
            (true, _) => DiscountTarget::Sale,
        };
        self.retarget(target, None);
    }

    /// Points the open discount panel at another target (and mode). A new target brings its
    /// own current reason, so a reason meant for one line is not given to the sale unseen.
    fn retarget(&mut self, target: DiscountTarget, mode: Option<Mode>) {
        let sku = self.target_sku(target);
        let current_reason = match target {
            DiscountTarget::Line(i) => self.cart.lines().get(i).and_then(|l| l.discount.as_ref()),
            DiscountTarget::Sale => self.cart.sale_discount(),
        }
        .map(|d| d.reason.clone())
        .unwrap_or_default();
        let Some(Panel::Discount(form)) = &mut self.panel else {
            return;
        };
        if form.target != target {
            form.target = target;
            form.sku = sku;
            form.reason = current_reason;
        }
        if let Some(mode) = mode {
            form.mode = mode;
        }
        form.error = None;
        self.focus = Field::DiscountValue;
    }

    /// The discount typed in the panel, applied (with the manager who approved it, if any);
    /// asks for the PIN when it is above what the cashier may give.
    fn apply_discount(&mut self, till: &mut Till, i18n: &I18n, approval: Option<&Operator>) {
        let Some(Panel::Discount(mut form)) = self.panel.take() else {
            return;
        };
        form.error = None;
        if self.target_sku(form.target) != form.sku {
            form.error = Some(i18n.t("tools-error-cart-changed"));
            self.reopen(Panel::Discount(form), Field::DiscountValue);
            return;
        }
        if is_removal(&form.value) {
            let has_discount = match form.target {
                DiscountTarget::Line(i) => self.cart.lines().get(i).is_some_and(|l| l.discount.is_some()),
                DiscountTarget::Sale => self.cart.sale_discount().is_some(),
            };
            if !has_discount {
                form.error = Some(i18n.t("tools-error-no-value"));
                self.reopen(Panel::Discount(form), Field::DiscountValue);
                return;
            }
            self.panel = Some(Panel::Discount(form));
            self.remove_discount(till, i18n);
            return;
        }
        let reason = match picked_reason(&form.reason) {
            Some(n) => i18n.t(&format!("tools-reason-{n}")),
            None => form.reason.trim().to_string(),
        };
        if reason.is_empty() {
            form.error = Some(i18n.t("tools-error-reason"));
            self.reopen(Panel::Discount(form), Field::DiscountReason);
            return;
        }
        let discount = match parse_discount(&form.value, form.mode, &reason, till.currency()) {
            Ok(d) => d,
            Err(input) => {
                form.error = Some(i18n.t_args("tools-error-value", &[("input", input)]));
                self.reopen(Panel::Discount(form), Field::DiscountValue);
                return;
            }
        };
        if approval.is_none() && form.pin.is_none() {
            match till.discount_needs_manager(&self.cart, form.target, &discount) {
                Ok(true) => {
                    form.pin = Some(String::new());
                    form.error = Some(
                        i18n.t_args(
                            "tools-needs-manager",
                            &[(
                                "limit",
                                till.config()
                                    .sale
                                    .cashier_discount_limit_percent
                                    .normalize()
                                    .to_string(),
                            )],
                        ),
                    );
                    self.reopen(Panel::Discount(form), Field::Pin);
                    return;
                }
                Ok(false) => {}
                Err(e) => {
                    form.error = Some(tool_error(i18n, &e));
                    self.reopen(Panel::Discount(form), Field::DiscountValue);
                    return;
                }
            }
        }
        let described = discount.describe();
        match till.apply_discount(&mut self.cart, form.target, discount, approval) {
            Ok(()) => {
                self.notice = Some(self.discount_notice(i18n, form.target, &described));
                self.error = None;
                self.close_panel();
            }
            Err(e) => {
                if form.pin.is_some() {
                    form.pin = Some(String::new());
                }
                form.error = Some(tool_error(i18n, &e));
                let field = if form.pin.is_some() {
                    Field::Pin
                } else {
                    Field::DiscountValue
                };
                self.reopen(Panel::Discount(form), field);
            }
        }
    }

    fn discount_notice(&self, i18n: &I18n, target: DiscountTarget, described: &str) -> String {
        let zh = i18n.language().is_zh();
        let totals = self.cart.totals().ok();
        let (what, amount, approved) = match target {
            DiscountTarget::Line(i) => (
                self.cart
                    .lines()
                    .get(i)
                    .map(|l| l.name(zh).to_string())
                    .unwrap_or_default(),
                totals.and_then(|t| t.lines.get(i).map(|l| l.line_discount)),
                self.cart
                    .lines()
                    .get(i)
                    .and_then(|l| l.discount.as_ref()?.approved_by.clone()),
            ),
            DiscountTarget::Sale => (
                i18n.t("tools-target-sale"),
                totals.map(|t| t.sale_discount),
                self.cart.sale_discount().and_then(|d| d.approved_by.clone()),
            ),
        };
        let amount = amount.map(|a| (-a).display()).unwrap_or_default();
        let args = [
            ("what", what),
            ("discount", described.to_string()),
            ("amount", amount),
            ("manager", approved.clone().unwrap_or_default()),
        ];
        if approved.is_some() {
            i18n.t_args("tools-discount-approved", &args)
        } else {
            i18n.t_args("tools-discount-done", &args)
        }
    }

    fn remove_discount(&mut self, till: &mut Till, i18n: &I18n) {
        let Some(Panel::Discount(mut form)) = self.panel.take() else {
            return;
        };
        if self.target_sku(form.target) != form.sku {
            form.error = Some(i18n.t("tools-error-cart-changed"));
            self.reopen(Panel::Discount(form), Field::DiscountValue);
            return;
        }
        match till.remove_discount(&mut self.cart, form.target) {
            Ok(()) => {
                self.notice = Some(i18n.t("tools-discount-removed"));
                self.close_panel();
            }
            Err(e) => {
                form.error = Some(tool_error(i18n, &e));
                self.reopen(Panel::Discount(form), Field::DiscountValue);
            }
        }
    }

    fn reopen(&mut self, panel: Panel, field: Field) {
        self.panel = Some(panel);
        self.focus = field;
    }

    /// The remove button: at once, or after a manager's PIN when the shop wants that.
    pub(super) fn remove_requested(&mut self, till: &mut Till, i18n: &I18n, index: usize) {
        let Some(line) = self.cart.lines().get(index) else {
            return;
        };
        if till.remove_line_needs_manager() {
            self.panel = Some(Panel::Remove(RemoveForm {
                index,
                sku: line.sku.clone(),
                pin: String::new(),
                error: None,
            }));
            self.selected = Some(index);
            self.leftover = None;
            self.focus = Field::Pin;
            return;
        }
        self.remove_line(till, i18n, index, None);
    }

    fn remove_line(&mut self, till: &mut Till, i18n: &I18n, index: usize, approval: Option<&Operator>) -> bool {
        match till.remove_line(&mut self.cart, index, approval) {
            Ok(removed) => {
                let len = self.cart.lines().len();
                self.selected = if len == 0 { None } else { Some(index.min(len - 1)) };
                self.error = None;
                let name = removed.line.name(i18n.language().is_zh()).to_string();
                let mut notice = match approval {
                    Some(manager) => i18n.t_args(
                        "tools-line-removed-approved",
                        &[("name", name), ("manager", manager.name.clone())],
                    ),
                    None => i18n.t_args("tools-line-removed", &[("name", name)]),
                };
                if removed.sale_discount_dropped {
                    notice.push_str(&i18n.t("tools-list-separator"));
                    notice.push_str(&i18n.t("tools-sale-discount-dropped"));
                }
                self.notice = Some(notice);
                true
            }
            Err(e) => {
                self.error = Some(tool_error(i18n, &e));
                false
            }
        }
    }

    fn pin_submitted(&mut self, till: &mut Till, i18n: &I18n) {
        let pin = match &mut self.panel {
            Some(Panel::Discount(DiscountForm { pin: Some(pin), .. })) => std::mem::take(pin),
            Some(Panel::Remove(form)) => std::mem::take(&mut form.pin),
            _ => return,
        };
        let pin = pin.trim().to_string();
        let refused = if pin.is_empty() || pin.len() > 8 || !pin.bytes().all(|b| b.is_ascii_digit()) {
            // Not a PIN at all: say so without counting it as a wrong one.
            Err(i18n.t("tools-pin-format"))
        } else {
            till.manager_approval(&pin).map_err(|e| approval_error(i18n, &e))
        };
        let manager = match refused {
            Ok(manager) => manager,
            Err(message) => {
                match &mut self.panel {
                    Some(Panel::Discount(form)) => form.error = Some(message),
                    Some(Panel::Remove(form)) => form.error = Some(message),
                    _ => {}
                }
                self.focus = Field::Pin;
                return;
            }
        };
        match self.panel.take() {
            Some(Panel::Discount(form)) => {
                self.panel = Some(Panel::Discount(form));
                self.apply_discount(till, i18n, Some(&manager));
            }
            Some(Panel::Remove(mut form)) => {
                if self.cart.lines().get(form.index).map(|l| &l.sku) != Some(&form.sku) {
                    form.error = Some(i18n.t("tools-error-cart-changed"));
                    self.reopen(Panel::Remove(form), Field::Pin);
                    return;
                }
                if self.remove_line(till, i18n, form.index, Some(&manager)) {
                    self.close_panel();
                } else {
                    form.error = self.error.take();
                    self.reopen(Panel::Remove(form), Field::Pin);
                }
            }
            other => self.panel = other,
        }
    }

    /// F3: parks the open sale; with an empty cart, lists the parked ones (F3 again closes).
    pub(super) fn park_key(&mut self, till: &mut Till, i18n: &I18n) {
        if matches!(self.panel, Some(Panel::Recall(_))) {
            self.close_panel();
            return;
        }
        if !self.cart.is_empty() {
            self.park(till, i18n);
            return;
        }
        match till.parked_sales() {
            Ok(rows) if rows.is_empty() => {
                self.notice = Some(i18n.t("tools-recall-none"));
                self.error = None;
            }
            Ok(rows) => {
                if self.completed.is_some() && !self.unprinted {
                    self.new_sale();
                }
                self.panel = Some(Panel::Recall(RecallList { rows, selected: 0 }));
                self.search = None;
                self.error = None;
                self.focus = Field::Scan;
            }
            Err(e) => self.error = Some(tool_error(i18n, &e)),
        }
    }

    fn park(&mut self, till: &mut Till, i18n: &I18n) {
        let total = self.cart.totals().map(|t| t.total.display()).unwrap_or_default();
        let lines = self.cart.lines().len();
        match till.park(&self.cart) {
            Ok(id) => {
                self.cart.clear();
                self.cash.clear();
                self.selected = None;
                self.search = None;
                self.panel = None;
                self.error = None;
                self.focus = Field::Scan;
                self.notice = Some(i18n.t_args(
                    "tools-parked",
                    &[
                        ("number", id.to_string()),
                        ("lines", lines.to_string()),
                        ("total", total),
                    ],
                ));
            }
            Err(e) => self.error = Some(tool_error(i18n, &e)),
        }
    }

    /// Enter with the parked list open and nothing typed: recall the highlighted one.
    pub(super) fn recall_selected(&mut self, till: &mut Till, i18n: &I18n) -> bool {
        let Some(Panel::Recall(list)) = &self.panel else {
            return false;
        };
        let Some(row) = list.rows.get(list.selected) else {
            return false;
        };
        let id = row.id;
        self.recall(till, i18n, id);
        true
    }

    /// ↑ / ↓ in the parked list. `false` when no list is open.
    pub(super) fn step_recall_list(&mut self, delta: isize) -> bool {
        let Some(Panel::Recall(list)) = &mut self.panel else {
            return false;
        };
        let last = list.rows.len().saturating_sub(1);
        list.selected = list.selected.saturating_add_signed(delta).min(last);
        true
    }

    fn recall(&mut self, till: &mut Till, i18n: &I18n, id: i64) {
        if !self.cart.is_empty() {
            self.error = Some(tool_error(i18n, &ToolError::CartOpen));
            return;
        }
        if self.completed.is_some() {
            // The finished sale's panel would start a new sale (and empty the recalled cart)
            // at the next scan; it goes first, once its receipt is on its way.
            if self.unprinted {
                self.error = Some(tool_error(i18n, &ToolError::CartOpen));
                return;
            }
            self.new_sale();
        }
        match till.recall(&mut self.cart, id) {
            Ok(recalled) => {
                self.close_panel();
                self.selected = self.cart.lines().len().checked_sub(1);
                self.search = None;
                let (notice, problems) = recall_report(i18n, &self.cart, &recalled);
                self.notice = Some(notice);
                self.error = problems;
            }
            Err(e) => {
                self.error = Some(tool_error(i18n, &e));
                // The list may be out of date (recalled elsewhere): read it again.
                if let Some(Panel::Recall(list)) = &mut self.panel
                    && let Ok(rows) = till.parked_sales()
                {
                    list.selected = list.selected.min(rows.len().saturating_sub(1));
                    list.rows = rows;
                }
            }
        }
    }
}

fn tool(message: ToolMessage) -> Message {
    Message::Tool(message)
}

/// Text typed into a panel that is a product code a scanner sent: long enough, and known.
fn scanned_code(till: &Till, typed: &str) -> Option<String> {
    let code = typed.trim();
    (code.len() >= MIN_SCAN_LEN && till.catalog().lookup(code).is_ok()).then(|| code.to_string())
}

/// An empty value or 0 takes the discount off.
fn is_removal(value: &str) -> bool {
    let value = value.trim().trim_end_matches('%').trim();
    value.is_empty() || Decimal::from_str(value).is_ok_and(|v| v.is_zero())
}

/// A ready-made reason typed by its number.
fn picked_reason(text: &str) -> Option<usize> {
    text.trim().parse::<usize>().ok().filter(|n| (1..=REASONS).contains(n))
}

/// The value typed: `10` in percent mode or `10%` is a percentage, else an amount. `Err`
/// carries the text for the message.
fn parse_discount(value: &str, mode: Mode, reason: &str, currency: crate::money::Currency) -> Result<Discount, String> {
    let value = value.trim();
    let (number, percent) = match value.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (value, mode == Mode::Percent),
    };
    let discount = if percent {
        Decimal::from_str(number)
            .ok()
            .and_then(|p| Discount::percent(p, reason).ok())
    } else {
        Money::parse_non_negative(number, currency)
            .ok()
            .and_then(|m| Discount::amount(m, reason).ok())
    };
    discount.ok_or_else(|| value.to_string())
}

/// A refused manager PIN, in the cashier's language when it is an everyday case.
fn approval_error(i18n: &I18n, e: &TillError) -> String {
    match e {
        TillError::WrongPin { left } => i18n.t_args("tools-pin-wrong", &[("left", left.to_string())]),
        TillError::PinLocked { until, .. } => i18n.t_args("tools-pin-locked", &[("until", until.clone())]),
        other => reason::till_error(i18n, other),
    }
}

pub(super) fn tool_error(i18n: &I18n, e: &ToolError) -> String {
    match e {
        ToolError::OverLimit { share, limit } => i18n.t_args(
            "tools-error-over-limit",
            &[("share", share.to_string()), ("limit", limit.to_string())],
        ),
        ToolError::NoReason => i18n.t("tools-error-reason"),
        ToolError::RemoveNeedsManager => i18n.t("tools-error-remove-needs-manager"),
        ToolError::NotAManager(name) => i18n.t_args("tools-error-not-manager", &[("name", name.clone())]),
        ToolError::NothingToPark => i18n.t("tools-error-park-empty"),
        ToolError::CartOpen => i18n.t("tools-error-cart-open"),
        ToolError::NoSuchParked(id) => i18n.t_args("tools-error-no-parked", &[("number", id.to_string())]),
        ToolError::ParkedDamaged { id, reason } => i18n.t_args(
            "tools-error-parked-damaged",
            &[("number", id.to_string()), ("reason", reason.clone())],
        ),
        ToolError::Till(e) => reason::till_error(i18n, e),
        ToolError::CartEncoding(_) => e.to_string(),
    }
}

/// What the cashier reads after a recall: the notice, and (red) what did not come back as
/// it was parked.
fn recall_report(i18n: &I18n, cart: &crate::sale::Cart, recalled: &Recalled) -> (String, Option<String>) {
    let zh = i18n.language().is_zh();
    let notice = i18n.t_args(
        "tools-recalled",
        &[
            ("number", recalled.id.to_string()),
            ("lines", cart.lines().len().to_string()),
        ],
    );
    let mut problems = Vec::new();
    for m in &recalled.missing {
        let key = if m.inactive {
            "tools-recall-inactive"
        } else {
            "tools-recall-gone"
        };
        problems.push(i18n.t_args(
            key,
            &[
                ("name", m.name(zh).to_string()),
                ("sku", m.sku.clone()),
                ("quantity", m.quantity.to_string()),
            ],
        ));
    }
    for r in &recalled.repriced {
        let name = cart
            .lines()
            .get(r.index)
            .map(|l| l.name(zh).to_string())
            .unwrap_or_default();
        problems.push(i18n.t_args(
            "tools-recall-repriced",
            &[("name", name), ("was", r.was.display()), ("now", r.now.display())],
        ));
    }
    for d in &recalled.dropped_discounts {
        let what = match d {
            Some(sku) => cart
                .lines()
                .iter()
                .find(|l| &l.sku == sku)
                .map(|l| l.name(zh).to_string())
                .unwrap_or_else(|| sku.clone()),
            None => i18n.t("tools-target-sale"),
        };
        problems.push(i18n.t_args("tools-recall-discount-dropped", &[("what", what)]));
    }
    if problems.is_empty() {
        (notice, None)
    } else {
        let joined = problems.join(i18n.t("tools-list-separator").as_str());
        (notice.clone(), Some(format!("{notice} {joined}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn typed_discounts_read_as_percent_or_amount() {
        let cny = Currency::CNY;
        let d = parse_discount("10", Mode::Percent, "r", cny).expect("percent");
        assert_eq!(d.describe(), "10%");
        let d = parse_discount(" 2.5 % ", Mode::Amount, "r", cny).expect("a % sign wins");
        assert_eq!(d.describe(), "2.5%");
        let d = parse_discount("1.20", Mode::Amount, "r", cny).expect("amount");
        assert_eq!(d.describe(), "1.20");
        for bad in ["abc", "150", "-5", "1.234"] {
            let mode = if bad == "1.234" { Mode::Amount } else { Mode::Percent };
            assert_eq!(
                parse_discount(bad, mode, "r", cny).map(|d| d.describe()),
                Err(bad.to_string())
            );
        }
        assert!(is_removal("") && is_removal("0") && is_removal("0.00%") && !is_removal("5"));
        assert_eq!(picked_reason(" 2 "), Some(2));
        assert_eq!(picked_reason("5"), None);
        assert_eq!(picked_reason("damaged"), None);
    }
}
