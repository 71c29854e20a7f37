//! The till window's own settings: size or kiosk (full screen, no title bar), icon, and the
//! application id a Linux desktop matches with `tillguard.desktop`.

use crate::config::UiConfig;
use iced::Size;
use iced::window::{self, Icon};
use std::io::Cursor;

/// The window's icon, as the packages install it (`assets/icons/`).
const ICON_PNG: &[u8] = include_bytes!("../../assets/icons/tillguard-64.png");

/// The window manager class / Wayland app id: the desktop entry's basename.
pub const APP_ID: &str = "tillguard";

/// The till's window.
pub fn settings(ui: &UiConfig) -> window::Settings {
    window::Settings {
        fullscreen: ui.kiosk,
        decorations: !ui.kiosk,
        // The app decides: not while the terminal is in the middle of a payment.
        exit_on_close_request: false,
        ..plain(Size::new(1280.0, 800.0))
    }
}

/// A window of `size` with Tillguard's icon and id (the restore window).
pub fn plain(size: Size) -> window::Settings {
    window::Settings {
        size,
        icon: icon(),
        #[cfg(target_os = "linux")]
        platform_specific: window::settings::PlatformSpecific {
            application_id: APP_ID.into(),
            ..Default::default()
        },
        ..window::Settings::default()
    }
}

/// The icon as RGBA pixels; `None` (the system's default icon) if it cannot be decoded.
fn icon() -> Option<Icon> {
    let mut decoder = png::Decoder::new(Cursor::new(ICON_PNG));
    decoder.set_transformations(png::Transformations::normalize_to_color8() | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    if info.color_type != png::ColorType::Rgba {
        return None;
    }
    buf.truncate(info.buffer_size());
    window::icon::from_rgba(buf, info.width, info.height).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_decodes() {
        assert!(icon().is_some());
    }

    #[test]
    fn kiosk_is_full_screen_without_title_bar() {
        let kiosk = settings(&UiConfig {
            kiosk: true,
            ..UiConfig::default()
        });
        assert!(kiosk.fullscreen && !kiosk.decorations && !kiosk.exit_on_close_request);
        let plain = settings(&UiConfig::default());
        assert!(!plain.fullscreen && plain.decorations && !plain.exit_on_close_request);
    }
}
