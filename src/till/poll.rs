//! The idle Status Enquiry (05 01). Terminals run timed events such as an automatic
//! end-of-day inside it, so its batch totals are stored before they are acknowledged.

use super::card::CardProgress;
use super::journal::TotalsKeeper;
use super::{Till, TillError};
use crate::terminal::{CardTerminal, TerminalInfo};

impl Till {
    /// Asks the terminal's status; the GUI calls this about once a minute while idle, as the
    /// ZVT spec asks of the cash register.
    pub fn poll_terminal(&mut self, terminal: &mut dyn CardTerminal) -> Result<TerminalInfo, TillError> {
        let mut quiet = |_: CardProgress| {};
        let mut keeper = TotalsKeeper {
            store: &mut self.store,
            clock: self.clock.clone(),
            terminal: terminal.describe(),
            context: "status_enquiry",
            progress: &mut quiet,
        };
        terminal
            .status(&mut keeper)
            .map_err(|e| TillError::Terminal(e.to_string()))
    }
}
