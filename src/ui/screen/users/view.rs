//! Layout of the users screen: the active users, each with its role buttons, change PIN and
//! deactivate (with their inline forms), on the left; the add form on the right.

use super::{ADD_AGAIN_ID, ADD_NAME_ID, ADD_PIN_ID, Message, NEW_AGAIN_ID, NEW_PIN_ID, PinPair, ROLES, State};
use crate::i18n::I18n;

use crate::ui::screen::login::role_text;
use crate::ui::theme;
use crate::ui::widget::{message_line, page, panel, screen_header, touch_button};
use crate::users::{Operator, Role};
use iced::widget::{Column, Row, button, column, row, scrollable, text, text_input};
use iced::{Center, Element, Fill, Length};

/// What a field sends as it is typed in.
type OnInput = fn(String) -> Message;

/// A labelled field with its error line under it.
fn field<'a>(
    label: String,
    id: &'static str,
    value: &'a str,
    secure: bool,
    on_input: OnInput,
    on_submit: Message,
    error: Option<&'a str>,
) -> Column<'a, Message> {
    let input = text_input("", value)
        .id(iced::widget::Id::new(id))
        .secure(secure)
        .on_input(on_input)
        .on_submit(on_submit)
        .size(theme::TEXT)
        .padding(8);
    let mut field = column![text(label).size(theme::TEXT), input].spacing(4);
    if let Some(error) = error {
        field = field.push(text(error.to_string()).size(theme::TEXT).style(text::danger));
    }
    field
}

fn pin_fields<'a>(
    pair: &'a PinPair,
    ids: (&'static str, &'static str),
    messages: (OnInput, OnInput),
    submit: Message,
    i18n: &I18n,
) -> Column<'a, Message> {
    column![
        field(
            i18n.t("users-pin"),
            ids.0,
            pair.pin(),
            true,
            messages.0,
            submit.clone(),
            pair.pin_error.as_deref()
        ),
        field(
            i18n.t("users-pin-again"),
            ids.1,
            pair.again(),
            true,
            messages.1,
            submit,
            pair.again_error.as_deref()
        ),
    ]
    .spacing(theme::SPACING)
}

impl State {
    pub fn view<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        page(
            screen_header(i18n.t("users-title"), i18n.t("users-back"), Some(Message::Back)),
            message_line(self.error.as_deref(), self.notice.as_deref()),
            vec![
                panel(scrollable(self.list(i18n)).height(Fill), 3),
                panel(scrollable(self.add_form(i18n)).height(Fill), 2),
            ],
        )
    }

    fn list<'a>(&'a self, i18n: &'a I18n) -> Column<'a, Message> {
        let mut list = column![text(i18n.t("users-list")).size(theme::LARGE)].spacing(theme::SPACING);
        for u in &self.users {
            list = list.push(self.user_row(u, i18n));
        }
        list
    }

    fn user_row<'a>(&'a self, u: &'a Operator, i18n: &'a I18n) -> Column<'a, Message> {
        let roles = role_picker(u.role, |role| Message::SetRole(u.id, role), i18n);
        let line = row![
            column![
                text(u.name.clone()).size(theme::LARGE),
                text(role_text(u.role, i18n)).size(theme::SMALL)
            ]
            .width(Fill),
            roles,
            touch_button(i18n.t("users-change-pin"), Length::Shrink)
                .style(button::secondary)
                .on_press(Message::ChangePin(u.id)),
            touch_button(i18n.t("users-deactivate"), Length::Shrink)
                .style(button::danger)
                .on_press(Message::Deactivate(u.id)),
        ]
        .spacing(theme::SPACING)
        .align_y(Center);
        let mut block = column![line].spacing(theme::SPACING);
        if let Some((_, pair)) = self.pin_form.as_ref().filter(|(id, _)| *id == u.id) {
            block = block.push(
                column![
                    text(i18n.t_args("users-new-pin-for", &[("name", u.name.clone())])).size(theme::TEXT),
                    pin_fields(
                        pair,
                        (NEW_PIN_ID, NEW_AGAIN_ID),
                        (Message::NewPin, Message::NewAgain),
                        Message::SavePin,
                        i18n
                    ),
                    row![
                        touch_button(i18n.t("users-save-pin"), Length::Shrink)
                            .style(button::primary)
                            .on_press(Message::SavePin),
                        touch_button(i18n.t("users-cancel"), Length::Shrink)
                            .style(button::secondary)
                            .on_press(Message::CancelPin),
                    ]
                    .spacing(theme::SPACING),
                ]
                .spacing(theme::SPACING)
                .padding([0.0, 20.0]),
            );
        }
        if self.confirm == Some(u.id) {
            block = block.push(
                row![
                    text(i18n.t_args("users-confirm-deactivate", &[("name", u.name.clone())]))
                        .size(theme::TEXT)
                        .width(Fill),
                    touch_button(i18n.t("users-confirm"), Length::Shrink)
                        .style(button::danger)
                        .on_press(Message::ConfirmDeactivate),
                    touch_button(i18n.t("users-cancel"), Length::Shrink)
                        .style(button::secondary)
                        .on_press(Message::CancelDeactivate),
                ]
                .spacing(theme::SPACING)
                .align_y(Center)
                .padding([0.0, 20.0]),
            );
        }
        block
    }

    fn add_form<'a>(&'a self, i18n: &'a I18n) -> Column<'a, Message> {
        let form = &self.add;
        let roles = role_picker(form.role, Message::AddRole, i18n);
        column![
            text(i18n.t("users-add-title")).size(theme::LARGE),
            field(
                i18n.t("users-name"),
                ADD_NAME_ID,
                &form.name,
                false,
                Message::AddName,
                Message::Add,
                form.name_error.as_deref()
            ),
            column![text(i18n.t("users-role")).size(theme::TEXT), roles].spacing(4),
            pin_fields(
                &form.pins,
                (ADD_PIN_ID, ADD_AGAIN_ID),
                (Message::AddPin, Message::AddAgain),
                Message::Add,
                i18n
            ),
            touch_button(i18n.t("users-add"), Length::Shrink)
                .style(button::primary)
                .on_press(Message::Add),
        ]
        .spacing(theme::SPACING * 1.5)
    }
}

/// One button per role, the chosen one highlighted.
fn role_picker<'a>(chosen: Role, pick: impl Fn(Role) -> Message, i18n: &I18n) -> Row<'a, Message> {
    let mut roles = row![].spacing(4);
    for role in ROLES {
        let style = if role == chosen {
            button::primary
        } else {
            button::secondary
        };
        roles = roles.push(
            touch_button(role_text(role, i18n), Length::Shrink)
                .style(style)
                .on_press(pick(role)),
        );
    }
    roles
}
