//! Small view helpers used by several screens.

use super::theme;
use iced::widget::text::Shaping;
use iced::widget::{Button, Column, Stack, button, container, pin, text};
use iced::{Center, Element, Fill, Font, Length};
use unicode_width::UnicodeWidthChar;

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

/// The error (red) or the last confirmation (green) under a screen's title. The line is
/// always there, empty if need be, so the controls below never jump under a finger.
pub fn message_line<'a, Message: 'a>(error: Option<&'a str>, notice: Option<&'a str>) -> Element<'a, Message> {
    let (content, style): (&str, fn(&iced::Theme) -> container::Style) = match (error, notice) {
        (Some(error), _) => (error, theme::error_line),
        (None, Some(notice)) => (notice, theme::notice_line),
        (None, None) => (" ", container::transparent),
    };
    container(text(content).size(theme::TEXT))
        .style(style)
        .padding([8.0, 12.0])
        .width(Fill)
        .into()
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

/// Width of one character cell of `monospace_block`, as a share of the text size. Common
/// monospace fonts advance 0.55–0.61 em; the cell is at least that so segments never touch.
const CELL_EM: f32 = 0.61;

/// Monospace text laid out on an exact character grid (receipts, reports).
///
/// A monospace font alone does not keep the columns: its CJK glyphs come from a fallback
/// font and are rarely exactly two cells wide. So each line is cut at runs of two or more
/// spaces and every piece is pinned at its column (CJK counting as two), which keeps the
/// amounts aligned whatever fonts the machine has.
pub fn monospace_block<'a, Message: 'a>(content: &str, size: f32) -> Element<'a, Message> {
    monospace_block_within(content, size, f32::INFINITY)
}

/// As `monospace_block`, the text made smaller when needed so the widest line fits `width`
/// (an 80 mm receipt's 48 columns in the side panel).
pub fn monospace_block_within<'a, Message: 'a>(content: &str, size: f32, width: f32) -> Element<'a, Message> {
    let columns = content.lines().map(display_width).max().unwrap_or(0);
    let fitting = width / (columns as f32 * CELL_EM + 1.0);
    let size = size.min(fitting.max(6.0));
    let cell = size * CELL_EM;
    let line_height = (size * 1.3).ceil();
    let width = Length::Fixed(cell * columns as f32 + size);
    let lines = content.lines().map(|line| {
        let pieces = segments(line).into_iter().map(|(column, piece)| {
            // Advanced shaping falls back to another font when the machine has no monospace
            // one; basic shaping (iced's choice for ASCII) would draw nothing at all.
            let piece = text(piece).font(Font::MONOSPACE).size(size).shaping(Shaping::Advanced);
            pin(piece).x(cell * column as f32).into()
        });
        Stack::with_children(pieces)
            .width(width)
            .height(Length::Fixed(line_height))
            .into()
    });
    Column::with_children(lines).into()
}

/// The pieces of a line and the display column each starts at.
pub fn segments(line: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut column = 0;
    let mut current: Option<(usize, String)> = None;
    let mut spaces = 0;
    for c in line.chars() {
        if c == ' ' {
            spaces += 1;
        } else {
            match current.as_mut() {
                // A single space stays inside the piece ("1 x 3.50").
                Some((_, piece)) if spaces == 1 => piece.push(' '),
                Some(_) if spaces > 1 => out.extend(current.take()),
                _ => {}
            }
            current.get_or_insert_with(|| (column, String::new())).1.push(c);
            spaces = 0;
        }
        column += UnicodeWidthChar::width(c).unwrap_or(0);
    }
    out.extend(current);
    out
}

fn display_width(line: &str) -> usize {
    line.chars().map(|c| UnicodeWidthChar::width(c).unwrap_or(0)).sum()
}

/// One panel of a screen's body, taking `portion` of the width.
pub fn panel<'a, Message: 'a>(content: impl Into<Element<'a, Message>>, portion: u16) -> Element<'a, Message> {
    container(content)
        .style(theme::panel)
        .padding(theme::SPACING * 1.5)
        .width(iced::FillPortion(portion))
        .height(Fill)
        .into()
}

/// A screen other than the checkout: its header row, its message line, its panels side by side.
/// A screen's title with its Back button on the right (`None`: Back is disabled while the
/// screen's work runs).
pub fn screen_header<'a, Message: Clone + 'a>(
    title: String,
    back_label: String,
    back: Option<Message>,
) -> Element<'a, Message> {
    let back = touch_button(back_label, Length::Shrink)
        .style(button::secondary)
        .on_press_maybe(back);
    iced::widget::row![text(title).size(theme::LARGE).width(Fill), back]
        .spacing(theme::SPACING)
        .align_y(Center)
        .into()
}

pub fn page<'a, Message: 'a>(
    header: Element<'a, Message>,
    message: Element<'a, Message>,
    panels: Vec<Element<'a, Message>>,
) -> Element<'a, Message> {
    let body = iced::widget::Row::with_children(panels)
        .spacing(theme::SPACING * 1.5)
        .height(Fill);
    iced::widget::column![header, message, body]
        .spacing(theme::SPACING)
        .padding(theme::SPACING * 1.5)
        .into()
}

/// The words of a manager PIN prompt.
pub struct GateText {
    pub why: String,
    pub placeholder: String,
    pub unlock: String,
}

/// A screen's "a manager must type their PIN" prompt (settings, refunds): a secure field
/// that submits on Enter, its button, and why the last PIN was refused.
pub fn pin_gate<'a, Message: Clone + 'a>(
    id: &'static str,
    words: GateText,
    pin: &'a str,
    error: Option<&'a str>,
    on_input: impl Fn(String) -> Message + 'a,
    submit: Message,
) -> Element<'a, Message> {
    let field = iced::widget::text_input(&words.placeholder, pin)
        .id(iced::widget::Id::new(id))
        .secure(true)
        .on_input(on_input)
        .on_submit(submit.clone())
        .size(theme::LARGE)
        .padding(10)
        .width(Length::Fixed(260.0));
    let mut prompt = Column::new()
        .push(text(words.why).size(theme::TEXT))
        .push(
            iced::widget::row![
                field,
                touch_button(words.unlock, Length::Shrink)
                    .style(button::primary)
                    .on_press(submit),
            ]
            .spacing(theme::SPACING)
            .align_y(Center),
        )
        .spacing(theme::SPACING);
    if let Some(error) = error {
        prompt = prompt.push(text(error).size(theme::TEXT).style(text::danger));
    }
    container(prompt)
        .style(theme::panel)
        .padding(theme::SPACING * 2.0)
        .width(Fill)
        .into()
}

#[cfg(test)]
mod tests {
    use super::segments;

    #[test]
    fn lines_are_cut_at_wide_gaps_and_columns_count_cjk_as_two() {
        let pieces = |line: &str| segments(line);
        assert_eq!(
            pieces("合计          29.10"),
            vec![(0, "合计".to_string()), (14, "29.10".to_string())]
        );
        assert_eq!(
            pieces("  1 x 3.50     3.50"),
            vec![(2, "1 x 3.50".to_string()), (15, "3.50".to_string())]
        );
        assert_eq!(pieces("   "), Vec::<(usize, String)>::new());
        assert_eq!(pieces("可乐 330ml"), vec![(0, "可乐 330ml".to_string())]);
    }
}
