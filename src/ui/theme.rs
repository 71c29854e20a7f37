//! Sizes and styles shared by the screens. Counter screens are used by touch and at arm's
//! length, so controls are at least `TOUCH` pixels high and the total is large.

use crate::config::ThemeChoice;
use iced::widget::{container, text_input};
use iced::{Border, Color, Font, Theme};

/// Family name inside the bundled font file (see assets/fonts/README.md).
pub const UI_FONT_FAMILY: &str = "Noto Sans CJK SC";
pub const UI_FONT: Font = Font::with_name(UI_FONT_FAMILY);
/// The bundled CJK font: the UI must show Chinese on a machine without system fonts.
pub const UI_FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Tillguard-Regular.otf");

/// Minimum height of anything the cashier taps.
pub const TOUCH: f32 = 48.0;
pub const TEXT: f32 = 18.0;
pub const SMALL: f32 = 14.0;
pub const LARGE: f32 = 24.0;
pub const HUGE: f32 = 36.0;
pub const SPACING: f32 = 10.0;

/// The window's palette. The dark one is for dim shops and evening trade; every style below
/// takes its colours from the palette, so both read the same way.
pub fn theme(choice: ThemeChoice) -> Theme {
    match choice {
        ThemeChoice::Light => Theme::Light,
        ThemeChoice::Dark => Theme::Dark,
    }
}

/// A rounded strip in one of the palette's colour pairs.
fn strip(pair: iced::theme::palette::Pair) -> container::Style {
    container::Style {
        background: Some(pair.color.into()),
        text_color: Some(pair.text),
        border: Border {
            radius: 4.0.into(),
            ..Border::default()
        },
        ..container::Style::default()
    }
}

/// The demo badge: impossible to mistake for a live till.
pub fn demo_badge(theme: &Theme) -> container::Style {
    strip(theme.extended_palette().warning.base)
}

pub fn error_line(theme: &Theme) -> container::Style {
    strip(theme.extended_palette().danger.base)
}

pub fn notice_line(theme: &Theme) -> container::Style {
    strip(theme.extended_palette().success.weak)
}

/// The cart line the +/- keys act on.
pub fn selected_line(theme: &Theme) -> container::Style {
    strip(theme.extended_palette().primary.weak)
}

pub fn panel(theme: &Theme) -> container::Style {
    container::bordered_box(theme)
}

/// Receipt preview: white paper with a dark border, like the printout.
pub fn paper(_theme: &Theme) -> container::Style {
    container::Style {
        background: Some(Color::WHITE.into()),
        text_color: Some(Color::BLACK),
        border: Border {
            width: 1.0,
            radius: 2.0.into(),
            color: Color::from_rgb8(0x88, 0x88, 0x88),
        },
        ..container::Style::default()
    }
}

/// The barcode field stands out so the cashier always sees where a scan lands.
pub fn scan_input(theme: &Theme, status: text_input::Status) -> text_input::Style {
    let mut style = text_input::default(theme, status);
    style.border.width = 2.0;
    style
}

/// A bar of the reports screen's chart.
pub fn chart_bar(theme: &Theme) -> container::Style {
    container::Style {
        background: Some(theme.extended_palette().primary.base.color.into()),
        ..container::Style::default()
    }
}
