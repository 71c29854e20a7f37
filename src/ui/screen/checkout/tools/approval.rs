//! The manager's PIN: removing a line (`RemoveForm`) and approving a discount above the limit.

use super::{DiscountForm, Panel, tool_error};
use crate::i18n::I18n;
use crate::till::{Till, TillError};
use crate::ui::reason;
use crate::ui::screen::checkout::{Field, State};
use crate::users::Operator;

#[derive(Debug)]
pub struct RemoveForm {
    pub index: usize,
    pub(super) sku: String,
    pub pin: String,
    pub error: Option<String>,
}

impl State {
    /// The remove button: at once, or after a manager's PIN when the shop wants that.
    pub(in crate::ui::screen::checkout) fn remove_requested(&mut self, till: &mut Till, i18n: &I18n, index: usize) {
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

    pub(super) fn pin_submitted(&mut self, till: &mut Till, i18n: &I18n) {
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
}

/// A refused manager PIN, in the cashier's language when it is an everyday case.
fn approval_error(i18n: &I18n, e: &TillError) -> String {
    match e {
        TillError::WrongPin { left } => i18n.t_args("tools-pin-wrong", &[("left", left.to_string())]),
        TillError::PinLocked { until, .. } => i18n.t_args("tools-pin-locked", &[("until", until.clone())]),
        other => reason::till_error(i18n, other),
    }
}
