//! Layout of the discount panel: target and mode switches, value, reason, and the manager PIN step.

use super::approval::pin_block;
use super::tool;
use crate::i18n::I18n;
use crate::till::discount::DiscountTarget;
use crate::ui::desk::Shop;
use crate::ui::screen::checkout::tools::{DISCOUNT_REASON_ID, DISCOUNT_VALUE_ID, REASONS};
use crate::ui::screen::checkout::{DiscountForm, Message, Mode, State, ToolMessage};
use crate::ui::theme;
use crate::ui::widget::touch_button;
use iced::widget::{Id, Row, button, column, row, scrollable, space, text, text_input};
use iced::{Element, Fill};

impl State {
    fn target_text(&self, target: DiscountTarget, i18n: &I18n) -> String {
        let zh = i18n.language().is_zh();
        match target {
            DiscountTarget::Line(i) => {
                let name = self
                    .cart
                    .lines()
                    .get(i)
                    .map(|l| l.name(zh).to_string())
                    .unwrap_or_default();
                i18n.t_args("tools-target-line", &[("name", name)])
            }
            DiscountTarget::Sale => i18n.t("tools-target-sale"),
        }
    }

    pub(super) fn discount_panel<'a>(
        &'a self,
        form: &'a DiscountForm,
        shop: &'a Shop,
        i18n: &'a I18n,
    ) -> Element<'a, Message> {
        let mut panel = column![
            text(i18n.t("tools-discount-title")).size(theme::LARGE),
            text(self.target_text(form.target, i18n)).size(theme::TEXT),
        ]
        .spacing(theme::SPACING);
        let current = match form.target {
            DiscountTarget::Line(i) => self.cart.lines().get(i).and_then(|l| l.discount.as_ref()),
            DiscountTarget::Sale => self.cart.sale_discount(),
        };
        if let Some(pin) = &form.pin {
            // The discount is set; only the manager's PIN is missing.
            panel = panel
                .push(text(format!("{}  {}", typed_value(form, shop), form.reason.trim())).size(theme::TEXT))
                .push(pin_block(pin, form.error.as_deref(), i18n));
            let buttons = row![
                touch_button(i18n.t("tools-approve"), Fill)
                    .style(button::primary)
                    .on_press(tool(ToolMessage::PinSubmitted)),
                touch_button(i18n.t("tools-cancel"), Fill)
                    .style(button::secondary)
                    .on_press(tool(ToolMessage::ClosePanel)),
            ]
            .spacing(theme::SPACING);
            return panel.push(space::vertical()).push(buttons).into();
        }
        if let Some(d) = current {
            panel = panel.push(
                text(i18n.t_args(
                    "tools-discount-current",
                    &[("discount", d.describe()), ("reason", d.reason.clone())],
                ))
                .size(theme::SMALL),
            );
        }
        // Two switches side by side: line or sale, percent or amount; the chosen side is
        // highlighted.
        let on_line = matches!(form.target, DiscountTarget::Line(_));
        let line_selected = self.selected.is_some_and(|i| i < self.cart.lines().len());
        let choice = |label: String, chosen: bool, message: Option<ToolMessage>| {
            let style = if chosen { button::primary } else { button::secondary };
            touch_button(label, Fill).style(style).on_press_maybe(message.map(tool))
        };
        let switches = row![
            choice(
                i18n.t("tools-target-line-button"),
                on_line,
                line_selected.then_some(ToolMessage::Target { sale: false })
            ),
            choice(
                i18n.t("tools-target-sale-button"),
                !on_line,
                Some(ToolMessage::Target { sale: true })
            ),
            choice(
                "%".to_string(),
                form.mode == Mode::Percent,
                Some(ToolMessage::Mode(Mode::Percent))
            ),
            choice(
                shop.currency.symbol.to_string(),
                form.mode == Mode::Amount,
                Some(ToolMessage::Mode(Mode::Amount))
            ),
        ]
        .spacing(6);
        let value = text_input(&i18n.t("tools-value-placeholder"), &form.value)
            .id(Id::new(DISCOUNT_VALUE_ID))
            .on_input(|t| tool(ToolMessage::ValueChanged(t)))
            .on_submit(tool(ToolMessage::ValueSubmitted))
            .size(theme::LARGE)
            .padding(8)
            .style(theme::scan_input);
        let reasons = (1..=REASONS).map(|n| {
            let label = format!("{n} {}", i18n.t(&format!("tools-reason-{n}")));
            button(text(label).size(theme::SMALL))
                .style(button::secondary)
                .padding([8.0, 10.0])
                .on_press(tool(ToolMessage::ReasonPicked(n)))
                .into()
        });
        let reason = text_input(&i18n.t("tools-reason-placeholder"), &form.reason)
            .id(Id::new(DISCOUNT_REASON_ID))
            .on_input(|t| tool(ToolMessage::ReasonChanged(t)))
            .on_submit(tool(ToolMessage::ReasonSubmitted))
            .size(theme::TEXT)
            .padding(8);
        let fields = column![
            switches,
            value,
            text(i18n.t("tools-reason-label")).size(theme::SMALL),
            Row::with_children(reasons).spacing(6).wrap().vertical_spacing(6),
            reason,
        ]
        .spacing(theme::SPACING);
        // The fields scroll if the window is short: the message and the buttons stay in view.
        panel = panel.push(scrollable(fields).height(Fill));
        panel = match &form.error {
            Some(error) => panel.push(text(error.as_str()).size(theme::TEXT).style(text::danger)),
            None => panel.push(text(i18n.t("tools-discount-help")).size(theme::SMALL)),
        };
        // Short labels: three buttons share the panel's width (the keys are in the help line).
        let mut buttons = row![
            touch_button(i18n.t("tools-apply"), Fill)
                .style(button::primary)
                .on_press(tool(ToolMessage::Apply))
        ]
        .spacing(theme::SPACING);
        if current.is_some() {
            buttons = buttons.push(
                touch_button(i18n.t("tools-remove-discount"), Fill)
                    .style(button::danger)
                    .on_press(tool(ToolMessage::RemoveDiscount)),
            );
        }
        buttons = buttons.push(
            touch_button(i18n.t("tools-close"), Fill)
                .style(button::secondary)
                .on_press(tool(ToolMessage::ClosePanel)),
        );
        panel.push(buttons).into()
    }
}

/// The discount as typed, with its unit: a typed `%` wins over the mode.
fn typed_value(form: &DiscountForm, shop: &Shop) -> String {
    let value = form.value.trim();
    if value.ends_with('%') {
        value.to_string()
    } else {
        match form.mode {
            Mode::Percent => format!("{value}%"),
            Mode::Amount => format!("{}{value}", shop.currency.symbol),
        }
    }
}
