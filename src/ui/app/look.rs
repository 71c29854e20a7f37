//! The window's palette, from the configured theme, and its language at start.

use super::App;
use crate::config::Language;
use crate::i18n::I18n;
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

    /// The screen language the window starts in: the config's when it names one, else the
    /// system locale's (Chinese when that is neither Chinese nor English).
    pub fn start_in_system_language(&mut self) {
        let Some(till) = self.desk.as_ref().map(|d| &d.till) else {
            return;
        };
        if till.config().language_chosen {
            return;
        }
        if let Some(language) = Language::from_system() {
            self.i18n = I18n::new(language);
        }
    }
}
