//! The window's palette, from the configured theme.

use super::App;
use iced::Theme;

impl App {
    /// Light or dark as the config says now (settings change it live); while the desk is
    /// lent to a job, as it was when the desk was last seen.
    pub fn theme(&self) -> Theme {
        let choice = match &self.desk {
            Some(desk) => desk.till.config().ui.theme,
            None => self.shop.look,
        };
        crate::ui::theme::theme(choice)
    }
}
