//! `[ui]`: how the window looks and when it locks itself.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UiSection {
    theme: Option<String>,
    lock_after_minutes: Option<i64>,
    kiosk: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeChoice {
    Light,
    Dark,
}

impl ThemeChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }
}

/// Longest idle time before the till locks itself (a day).
pub const MAX_LOCK_MINUTES: i64 = 24 * 60;
/// Idle minutes before the till locks when the config says nothing.
pub const DEFAULT_LOCK_MINUTES: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiConfig {
    pub theme: ThemeChoice,
    /// Idle minutes before the till locks and asks for a PIN; 0 = never.
    pub lock_after_minutes: u32,
    /// A full-screen window without title bar, for a till the cashier should not leave (the
    /// desktop out of reach); closing it still goes through the settlement guard.
    pub kiosk: bool,
}

impl Default for UiConfig {
    fn default() -> UiConfig {
        UiConfig {
            theme: ThemeChoice::Light,
            lock_after_minutes: DEFAULT_LOCK_MINUTES,
            kiosk: false,
        }
    }
}

impl UiSection {
    pub(super) fn check(self) -> Result<UiConfig, String> {
        let theme = match self.theme.as_deref().map(str::trim) {
            None | Some("light") => ThemeChoice::Light,
            Some("dark") => ThemeChoice::Dark,
            Some(other) => return Err(format!("[ui] theme: '{other}' is not light or dark")),
        };
        let lock_after_minutes = match self.lock_after_minutes {
            None => DEFAULT_LOCK_MINUTES,
            Some(m) if (0..=MAX_LOCK_MINUTES).contains(&m) => m as u32,
            Some(m) => {
                return Err(format!(
                    "[ui] lock_after_minutes: {m} is not between 0 (never) and {MAX_LOCK_MINUTES}"
                ));
            }
        };
        Ok(UiConfig {
            theme,
            lock_after_minutes,
            kiosk: self.kiosk.unwrap_or(false),
        })
    }
}
