//! What the checkout shows about the card terminal: its answer to the idle status poll, and
//! what start-up recovery found out about card payments an earlier run left unfinished.

use super::State;
use crate::i18n::I18n;
use crate::terminal::TerminalInfo;
use crate::terminal::zvt::codes::terminal_status_text;
use crate::till::recover::{RecoveryOutcome, RecoveryReport};
use crate::till::{Till, TillError};

/// The terminal as last seen, for the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalSeen {
    pub text: String,
    /// Ready to take a card.
    pub ready: bool,
}

impl State {
    pub fn terminal_seen(&self) -> Option<&TerminalSeen> {
        self.terminal.as_ref()
    }

    /// Nothing is being rung up or paid: the terminal may be asked for its status.
    pub fn is_idle(&self) -> bool {
        self.cart.is_empty() && self.card.is_none() && self.scan.text().is_empty()
    }

    /// Says why another screen did not open: a sale is under way (a key that seems to do
    /// nothing gets pressed again and again).
    pub fn finish_sale_first(&mut self, i18n: &I18n) {
        self.error = Some(i18n.t("ui-finish-sale-first"));
    }

    pub fn terminal_polled(&mut self, till: &Till, i18n: &I18n, result: &Result<TerminalInfo, TillError>) {
        self.terminal = Some(match result {
            Ok(info) => {
                let code = info.status.unwrap_or(0);
                let status = terminal_status_text(code, i18n.language());
                TerminalSeen {
                    text: i18n.t_args("ui-terminal-status", &[("status", status)]),
                    ready: code == 0,
                }
            }
            Err(e) => TerminalSeen {
                text: i18n.t_args("ui-terminal-offline", &[("reason", e.to_string())]),
                ready: false,
            },
        });
        // An automatic end-of-day or a recovered sale changes the day's figures.
        self.refresh_status(till);
    }

    pub fn recovered(&mut self, till: &Till, i18n: &I18n, result: Result<RecoveryReport, TillError>) {
        self.refresh_status(till);
        match result {
            Ok(report) if report.cards.is_empty() && report.terminal_error.is_none() => {}
            Ok(report) => match recovery_text(&report, i18n) {
                Ok(text) => self.notice = Some(text),
                Err(text) => self.error = Some(text),
            },
            Err(e) => self.error = Some(i18n.t_args("ui-recovery-failed", &[("reason", e.to_string())])),
        }
    }
}

/// What recovery found, in words: `Err` when something is still unresolved.
pub fn recovery_text(report: &RecoveryReport, i18n: &I18n) -> Result<String, String> {
    if let Some(reason) = &report.terminal_error {
        return Err(i18n.t_args("ui-recovery-failed", &[("reason", reason.clone())]));
    }
    if report.cards.is_empty() {
        return Ok(i18n.t("ui-recovery-nothing"));
    }
    let count = |outcome: RecoveryOutcome| report.cards.iter().filter(|c| c.outcome == outcome).count().to_string();
    let unresolved = report.in_doubt().len() + report.without_sale().len();
    let text = i18n.t_args(
        "ui-recovery-done",
        &[
            ("count", report.cards.len().to_string()),
            ("recovered", count(RecoveryOutcome::SaleRecovered)),
            ("not_booked", count(RecoveryOutcome::NotBooked)),
            ("in_doubt", unresolved.to_string()),
        ],
    );
    if unresolved == 0 { Ok(text) } else { Err(text) }
}
