//! One module per screen, each with its own State, Message, update and view.

pub mod checkout;
pub mod end_of_day;
pub mod health;
pub mod incidents;
pub mod lessons;
pub mod login;
pub mod refund;
pub mod reports;
pub mod settings;
pub mod users;

use crate::i18n::I18n;
use crate::till::card::CardProgress;

/// Adds the terminal's own status text to the log a screen shows while the terminal works
/// (end of day, refunds); other progress and an idle screen (`None`) add nothing.
pub fn log_terminal_step(log: Option<&mut Vec<String>>, progress: CardProgress, i18n: &I18n) {
    if let (Some(lines), CardProgress::Terminal(code)) = (log, progress) {
        lines.push(crate::terminal::zvt::codes::intermediate_text(code, i18n.language()));
    }
}
