//! Layout of the settings screen: the manager PIN prompt, or the sections in a scrollable
//! column (so the form stays usable at 1024x768) with Save and the demo confirmation below.

use super::{CONFIRM_ID, Message, PIN_ID, SAVE_ID, State, USERS_ID};
use crate::i18n::I18n;
use crate::ui::desk::Shop;
use crate::ui::theme;
use crate::ui::widget::{GateText, message_line, pin_gate, touch_button};
use iced::widget::{Id, button, checkbox, column, container, row, scrollable, text};
use iced::{Center, Element, Fill, Length};

/// The settings screen's id, for tests.
pub const SETTINGS_ID: &str = "settings-screen";
/// The scrollable sections.
pub const FORM_ID: &str = "settings-form";

impl State {
    pub fn view<'a>(&'a self, _shop: &'a Shop, i18n: &'a I18n) -> Element<'a, Message> {
        let back = touch_button(i18n.t("settings-back"), Length::Shrink)
            .style(button::secondary)
            .on_press(Message::Back);
        let mut header = row![text(i18n.t("settings-title")).size(theme::LARGE).width(Fill)]
            .spacing(theme::SPACING)
            .align_y(Center);
        if self.gate.is_none() && self.users_allowed {
            header = header.push(
                container(
                    touch_button(i18n.t("settings-users"), Length::Shrink)
                        .style(button::secondary)
                        .on_press(Message::Users),
                )
                .id(Id::new(USERS_ID)),
            );
        }
        header = header.push(back);
        let body: Element<'a, Message> = match &self.gate {
            Some((pin, error)) => self.pin_prompt(pin, error.as_deref(), i18n),
            None => column![
                scrollable(self.sections(i18n).padding([0.0, theme::SPACING * 1.5]))
                    .id(Id::new(FORM_ID))
                    .height(Fill),
                self.footer(i18n),
            ]
            .spacing(theme::SPACING)
            .into(),
        };
        let page = column![
            header,
            message_line(self.error.as_deref(), self.notice.as_deref()),
            body
        ]
        .spacing(theme::SPACING)
        .padding(theme::SPACING * 1.5);
        container(page).id(Id::new(SETTINGS_ID)).into()
    }

    fn pin_prompt<'a>(&'a self, pin: &'a str, error: Option<&'a str>, i18n: &'a I18n) -> Element<'a, Message> {
        let words = GateText {
            why: i18n.t("settings-manager-needed"),
            placeholder: i18n.t("settings-pin-placeholder"),
            unlock: i18n.t("settings-unlock"),
        };
        pin_gate(PIN_ID, words, pin, error, Message::Pin, Message::SubmitPin)
    }

    /// Save, and what saving will do: the demo's new file (confirmed first), the restart.
    fn footer<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let mut notes = column![].spacing(4).width(Fill);
        if self.creates_file {
            let path = self
                .config_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            notes = notes.push(
                container(text(i18n.t_args("settings-demo-warning", &[("path", path)])).size(theme::SMALL))
                    .style(theme::demo_badge)
                    .padding([4.0, 8.0])
                    .width(Fill),
            );
            notes = notes.push(
                container(
                    checkbox(self.confirm_create)
                        .label(i18n.t("settings-demo-confirm"))
                        .text_size(theme::SMALL)
                        .on_toggle(Message::ConfirmCreate),
                )
                .id(Id::new(CONFIRM_ID)),
            );
        }
        if self.form.needs_restart() {
            notes = notes.push(text(i18n.t("settings-restart-when-saved")).size(theme::SMALL));
        }
        if !self.pending_restart.is_empty() {
            notes = notes.push(
                text(i18n.t_args("settings-restart-pending", &[("keys", self.pending_restart.join(", "))]))
                    .size(theme::SMALL)
                    .style(text::warning),
            );
        }
        if !self.form.is_valid() {
            notes = notes.push(
                text(i18n.t("settings-fix-errors"))
                    .size(theme::SMALL)
                    .style(text::danger),
            );
        }
        let save = touch_button(i18n.t("settings-save"), Length::Fixed(200.0))
            .style(button::primary)
            .on_press_maybe(self.can_save().then_some(Message::Save));
        row![notes, container(save).id(Id::new(SAVE_ID))]
            .spacing(theme::SPACING)
            .align_y(Center)
            .into()
    }
}
