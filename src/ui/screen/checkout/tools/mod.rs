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

mod approval;
mod discount;
mod fields;
mod park;
mod quick;
#[cfg(test)]
mod tests;

pub use approval::RemoveForm;
pub use discount::DiscountForm;
pub(super) use fields::Leftover;
pub use park::RecallList;
pub use quick::QuickGrid;

use super::{Field, Message, State};
use crate::i18n::I18n;
use crate::till::Till;
use crate::till::discount::ToolError;
use crate::ui::reason;
use iced::Task;
use iced::widget::{Id, operation};

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

impl State {
    pub fn panel(&self) -> Option<&Panel> {
        self.panel.as_ref()
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

    fn reopen(&mut self, panel: Panel, field: Field) {
        self.panel = Some(panel);
        self.focus = field;
    }
}

fn tool(message: ToolMessage) -> Message {
    Message::Tool(message)
}

pub(super) fn tool_error(i18n: &I18n, e: &ToolError) -> String {
    match e {
        ToolError::OverLimit { share, limit } => i18n.t_args(
            "tools-error-over-limit",
            &[("share", share.to_string()), ("limit", limit.to_string())],
        ),
        ToolError::NoReason => i18n.t("tools-error-reason"),
        ToolError::RemoveNeedsManager => i18n.t("tools-error-remove-needs-manager"),
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
