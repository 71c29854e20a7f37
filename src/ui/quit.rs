//! The quit dialog: shown over the page when the guard refuses to let the till close.

use super::app::{Message, QuitChoice};
use super::banner::why_text;
use super::theme;
use super::widget::touch_button;
use crate::i18n::I18n;
use crate::settlement::guard::Verdict;
use iced::widget::{button, center, column, container, opaque, row, stack, text};
use iced::{Color, Element, Length};

/// The dialog's id, for tests.
pub const QUIT_ID: &str = "quit-dialog";

pub fn dialog<'a>(page: Element<'a, Message>, verdict: &Verdict, i18n: &I18n) -> Element<'a, Message> {
    let why = match verdict {
        Verdict::MustSettle { why, .. } => why_text(*why, i18n),
        _ => String::new(),
    };
    let buttons = row![
        touch_button(i18n.t("quit-settle"), Length::Shrink)
            .style(button::success)
            .on_press(Message::Quit(QuitChoice::SettleNow)),
        touch_button(i18n.t("quit-defer"), Length::Shrink)
            .style(button::secondary)
            .on_press(Message::Quit(QuitChoice::Defer)),
        touch_button(i18n.t("quit-stay"), Length::Shrink)
            .style(button::primary)
            .on_press(Message::Quit(QuitChoice::Stay)),
    ]
    .spacing(theme::SPACING);
    let card = container(
        column![
            text(i18n.t("quit-title")).size(theme::LARGE),
            text(why).size(theme::TEXT),
            buttons
        ]
        .spacing(theme::SPACING * 1.5),
    )
    .id(iced::widget::Id::new(QUIT_ID))
    .style(theme::panel)
    .padding(theme::SPACING * 2.0)
    .max_width(640);
    // A dimmed page that takes no clicks: the dialog must be answered.
    let shade = container(center(card)).style(|_: &iced::Theme| container::Style {
        background: Some(Color::from_rgba(0.0, 0.0, 0.0, 0.45).into()),
        ..container::Style::default()
    });
    stack![page, opaque(shade)].into()
}
