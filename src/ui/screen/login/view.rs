//! Layout of the login screen: the users on the left, the PIN pad on the right (or the first
//! admin's form), demo mode's PINs underneath; and the strip that names who is logged in.

use super::{FIRST_AGAIN_ID, FIRST_PIN_ID, FirstAdmin, Message, NAME_ID, PIN_ID, State, role_text};
use crate::i18n::I18n;
use crate::till::DEMO_USERS;
use crate::ui::theme;
use crate::ui::widget::{message_line, page, panel, touch_button};
use crate::users::Operator;
use iced::widget::{Column, button, column, container, row, scrollable, text, text_input};
use iced::{Center, Element, Fill, Length};

/// A key of the PIN pad: wider than `TOUCH` so a thumb hits it.
const PAD_KEY: f32 = 96.0;

/// The login screen's id, for tests.
pub const LOGIN_ID: &str = "login-screen";

impl State {
    pub fn view<'a>(&'a self, demo: bool, i18n: &'a I18n) -> Element<'a, Message> {
        let title = match &self.first {
            Some(_) => i18n.t("login-first-title"),
            None => i18n.t("login-title"),
        };
        let language = button(text(i18n.t("ui-other-language")).size(theme::TEXT))
            .style(button::secondary)
            .on_press(Message::ToggleLanguage);
        let header = row![text(title).size(theme::LARGE).width(Fill), language].align_y(Center);
        let panels = match &self.first {
            Some(form) => vec![panel(first_admin(form, i18n), 1)],
            None => vec![
                panel(scrollable(self.user_list(i18n)).height(Fill), 3),
                panel(self.pin_pad(demo, i18n), 2),
            ],
        };
        let content = page(
            header.into(),
            message_line(self.error.as_deref(), self.notice.as_deref()),
            panels,
        );
        container(content).id(iced::widget::Id::new(LOGIN_ID)).into()
    }

    fn user_list<'a>(&'a self, i18n: &'a I18n) -> Column<'a, Message> {
        let mut list = column![text(i18n.t("login-who")).size(theme::LARGE)].spacing(theme::SPACING);
        for u in &self.users {
            let label = column![
                text(u.name.clone()).size(theme::LARGE),
                text(role_text(u.role, i18n)).size(theme::SMALL),
            ]
            .spacing(2);
            let style = if self.selected == Some(u.id) {
                button::primary
            } else {
                button::secondary
            };
            list = list.push(
                button(label)
                    .width(Fill)
                    .height(Length::Fixed(theme::TOUCH * 1.5))
                    .padding([6.0, 14.0])
                    .style(style)
                    .on_press(Message::Pick(u.id)),
            );
        }
        list
    }

    fn pin_pad<'a>(&'a self, demo: bool, i18n: &'a I18n) -> Element<'a, Message> {
        let who = match self.selected_user() {
            Some(u) => i18n.t_args("login-pin-for", &[("name", u.name.clone())]),
            None => i18n.t("login-choose-user"),
        };
        let field = text_input(&i18n.t("login-pin-placeholder"), &self.pin)
            .id(iced::widget::Id::new(PIN_ID))
            .secure(true)
            .on_input(Message::Pin)
            .on_submit(Message::Submit)
            .size(theme::HUGE)
            .padding(10)
            .width(Length::Fixed(PAD_KEY * 3.0 + theme::SPACING * 2.0));
        let key = |label: String, message: Message| {
            touch_button(label, Length::Fixed(PAD_KEY))
                .style(button::secondary)
                .on_press(message)
        };
        let mut pad = column![].spacing(theme::SPACING);
        for digits in [['1', '2', '3'], ['4', '5', '6'], ['7', '8', '9']] {
            let keys = digits.map(|d| key(d.to_string(), Message::Digit(d)).into());
            pad = pad.push(row(keys).spacing(theme::SPACING));
        }
        pad = pad.push(
            row![
                key(i18n.t("login-backspace"), Message::Backspace),
                key("0".to_string(), Message::Digit('0')),
                touch_button(i18n.t("login-ok"), Length::Fixed(PAD_KEY))
                    .style(button::primary)
                    .on_press(Message::Submit),
            ]
            .spacing(theme::SPACING),
        );
        let mut content = column![text(who).size(theme::LARGE), field, pad]
            .spacing(theme::SPACING * 1.5)
            .align_x(Center);
        if demo {
            let pins: Vec<String> = DEMO_USERS.iter().map(|u| format!("{} {}", u.name, u.pin)).collect();
            content = content.push(
                container(text(i18n.t_args("login-demo-pins", &[("pins", pins.join(" · "))])).size(theme::TEXT))
                    .style(theme::demo_badge)
                    .padding([6.0, 10.0]),
            );
        }
        content.width(Fill).into()
    }
}

/// The first admin of a till without users: name, PIN and the PIN again, each with its error.
fn first_admin<'a>(form: &'a FirstAdmin, i18n: &'a I18n) -> Element<'a, Message> {
    let field = |label: String, input: text_input::TextInput<'a, Message>, error: &'a Option<String>| {
        let mut field = column![text(label).size(theme::TEXT), input.size(theme::LARGE).padding(8)].spacing(4);
        if let Some(error) = error {
            field = field.push(text(error.clone()).size(theme::TEXT).style(text::danger));
        }
        field
    };
    let name = text_input("", &form.name)
        .id(iced::widget::Id::new(NAME_ID))
        .on_input(Message::Name)
        .on_submit(Message::CreateAdmin);
    let pin = text_input("", form.pin())
        .id(iced::widget::Id::new(FIRST_PIN_ID))
        .secure(true)
        .on_input(Message::FirstPin)
        .on_submit(Message::CreateAdmin);
    let again = text_input("", form.again())
        .id(iced::widget::Id::new(FIRST_AGAIN_ID))
        .secure(true)
        .on_input(Message::FirstAgain)
        .on_submit(Message::CreateAdmin);
    column![
        text(i18n.t("login-first-explain")).size(theme::TEXT),
        field(i18n.t("users-name"), name, &form.name_error),
        field(i18n.t("users-pin"), pin, &form.pin_error),
        field(i18n.t("users-pin-again"), again, &form.again_error),
        touch_button(i18n.t("login-first-create"), Length::Shrink)
            .style(button::primary)
            .on_press(Message::CreateAdmin),
    ]
    .spacing(theme::SPACING * 1.5)
    .max_width(520)
    .into()
}

/// Who is logged in, with the Lock button (F7) and, for managers, the Users button; it sits
/// beside the guard banner on every screen.
pub fn operator_bar<'a, M: Clone + 'a>(operator: &Operator, i18n: &I18n, lock: M, users: Option<M>) -> Element<'a, M> {
    let who = i18n.t_args(
        "login-logged-in",
        &[
            ("name", operator.name.clone()),
            ("role", role_text(operator.role, i18n)),
        ],
    );
    let mut bar = row![text(who).size(theme::TEXT)]
        .spacing(theme::SPACING)
        .align_y(Center);
    if let Some(users) = users {
        bar = bar.push(
            button(text(i18n.t("users-open")).size(theme::TEXT))
                .style(button::secondary)
                .on_press(users),
        );
    }
    bar = bar.push(
        button(text(i18n.t("login-lock")).size(theme::TEXT))
            .style(button::secondary)
            .on_press(lock),
    );
    bar.into()
}
