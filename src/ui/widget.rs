//! Small view helpers used by several screens.

use super::theme;
use iced::widget::{Button, button, container, text};
use iced::{Center, Element, Fill, Length};

/// A button sized for a finger: `theme::TOUCH` high, label centred.
///
/// The label only fills the button when the button has a set width: a filling label inside
/// a shrinking button would make the button fill its row.
pub fn touch_button<'a, Message: Clone + 'a>(
    label: impl text::IntoFragment<'a>,
    width: impl Into<Length>,
) -> Button<'a, Message> {
    let width = width.into();
    let label = text(label)
        .size(theme::TEXT)
        .align_x(Center)
        .align_y(Center)
        .height(Fill);
    let label = if width == Length::Shrink {
        label
    } else {
        label.width(Fill)
    };
    button(label)
        .height(Length::Fixed(theme::TOUCH))
        .padding([0.0, 14.0])
        .width(width)
}

/// A label/value row of the totals panel.
pub fn amount_row<'a, Message: 'a>(label: String, value: String, size: f32) -> Element<'a, Message> {
    iced::widget::row![
        text(label).size(size).width(Fill),
        container(text(value).size(size)).align_right(Length::Shrink),
    ]
    .align_y(Center)
    .into()
}
