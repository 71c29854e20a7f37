//! The discount panel (F5): `DiscountForm`, applying and removing a discount, and reading what was typed.

use super::{Mode, Panel, REASONS, tool_error};
use crate::i18n::I18n;
use crate::money::{Currency, Money};
use crate::sale::Discount;
use crate::till::Till;
use crate::till::discount::DiscountTarget;
use crate::ui::screen::checkout::{Field, State};
use crate::users::Operator;
use rust_decimal::Decimal;
use std::str::FromStr;

#[derive(Debug)]
pub struct DiscountForm {
    pub target: DiscountTarget,
    /// The target line's SKU when the panel opened: the cart may change under the panel.
    pub(super) sku: Option<String>,
    pub mode: Mode,
    pub value: String,
    pub reason: String,
    /// Asked for once the discount turned out to need a manager.
    pub pin: Option<String>,
    pub error: Option<String>,
}

impl State {
    /// F5: opens the discount panel on the selected line (the sale when none is); in the
    /// panel it steps through line %, line amount, sale %, sale amount.
    pub(in crate::ui::screen::checkout) fn discount_key(&mut self, i18n: &I18n) {
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

    pub(super) fn choose_target(&mut self, sale: bool) {
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
    pub(super) fn apply_discount(&mut self, till: &mut Till, i18n: &I18n, approval: Option<&Operator>) {
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

    pub(super) fn remove_discount(&mut self, till: &mut Till, i18n: &I18n) {
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
}

/// An empty value or 0 takes the discount off.
pub(super) fn is_removal(value: &str) -> bool {
    let value = value.trim().trim_end_matches('%').trim();
    value.is_empty() || Decimal::from_str(value).is_ok_and(|v| v.is_zero())
}

/// A ready-made reason typed by its number.
pub(super) fn picked_reason(text: &str) -> Option<usize> {
    text.trim().parse::<usize>().ok().filter(|n| (1..=REASONS).contains(n))
}

/// The value typed: `10` in percent mode or `10%` is a percentage, else an amount. `Err`
/// carries the text for the message.
pub(super) fn parse_discount(value: &str, mode: Mode, reason: &str, currency: Currency) -> Result<Discount, String> {
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
