//! Layout of the manager's PIN: the remove-line panel and the PIN field both panels use.

use super::tool;
use crate::i18n::I18n;
use crate::ui::screen::checkout::tools::PIN_ID;
use crate::ui::screen::checkout::{Message, RemoveForm, State, ToolMessage};
use crate::ui::theme;
use crate::ui::widget::touch_button;
use iced::widget::{Id, button, column, row, space, text, text_input};
use iced::{Element, Fill};

impl State {
    pub(super) fn remove_panel<'a>(&'a self, form: &'a RemoveForm, i18n: &'a I18n) -> Element<'a, Message> {
        let zh = i18n.language().is_zh();
        let line = self
            .cart
            .lines()
            .get(form.index)
            .map(|l| format!("{} × {}", l.name(zh), l.quantity))
            .unwrap_or_default();
        let buttons = row![
            touch_button(i18n.t("tools-approve"), Fill)
                .style(button::danger)
                .on_press(tool(ToolMessage::PinSubmitted)),
            touch_button(i18n.t("tools-cancel"), Fill)
                .style(button::secondary)
                .on_press(tool(ToolMessage::ClosePanel)),
        ]
        .spacing(theme::SPACING);
        column![
            text(i18n.t("tools-remove-title")).size(theme::LARGE),
            text(line).size(theme::TEXT),
            text(i18n.t("tools-remove-needs-manager")).size(theme::TEXT),
            pin_block(&form.pin, form.error.as_deref(), i18n),
            space::vertical(),
            buttons,
        ]
        .spacing(theme::SPACING)
        .into()
    }
}

/// The manager PIN field with its label and, inline, why the last PIN was refused.
pub(super) fn pin_block<'a>(pin: &str, error: Option<&'a str>, i18n: &I18n) -> Element<'a, Message> {
    let field = text_input("••••", pin)
        .id(Id::new(PIN_ID))
        .secure(true)
        .on_input(|t| tool(ToolMessage::PinChanged(t)))
        .on_submit(tool(ToolMessage::PinSubmitted))
        .size(theme::LARGE)
        .padding(8)
        .style(theme::scan_input);
    let mut block = column![text(i18n.t("tools-pin-label")).size(theme::TEXT), field].spacing(6);
    if let Some(error) = error {
        block = block.push(text(error).size(theme::TEXT).style(text::danger));
    }
    block.into()
}
