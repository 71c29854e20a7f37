//! Running a card command against the terminal, what it prints while the terminal works,
//! and recovery reports.

use super::json;
use crate::config::Language;
use crate::terminal::CardTerminal;
use crate::terminal::connect::Connected;
use crate::terminal::zvt::codes::intermediate_text;
use crate::till::card::CardProgress;
use crate::till::{Till, TillError};
use std::sync::atomic::AtomicBool;

/// How a command reaches the terminal (`--terminal`, else the config file's).
pub type Connect<'a> = &'a dyn Fn(&Till) -> anyhow::Result<Connected>;

/// Connects, runs one card operation with progress on stderr (none with `--json`), then
/// reports any earlier transactions the till had to check with the terminal first.
pub fn run_with_terminal<R>(
    till: &mut Till,
    connect: Connect<'_>,
    quiet: bool,
    operation: impl FnOnce(
        &mut Till,
        &mut dyn CardTerminal,
        &AtomicBool,
        &mut dyn FnMut(CardProgress),
    ) -> Result<R, TillError>,
) -> anyhow::Result<R> {
    let mut connected = connect(till)?;
    let mut progress = progress(till.language(), quiet);
    // The command line has no cancel button; Ctrl+C ends the process and recovery follows.
    let cancel = AtomicBool::new(false);
    let result = operation(till, connected.terminal.as_mut(), &cancel, &mut progress);
    earlier_recovery(till);
    Ok(result?)
}
use crate::till::recover::RecoveryReport;

/// Progress lines on stderr (none with `--json`, whose stdout is the answer).
pub fn progress(language: Language, quiet: bool) -> impl FnMut(CardProgress) {
    move |p: CardProgress| {
        if quiet {
            return;
        }
        match p {
            CardProgress::Asking { amount } => eprintln!("terminal: asking for {}", amount.display()),
            CardProgress::Terminal(code) => eprintln!("terminal: {}", intermediate_text(code, language)),
            CardProgress::Recorded { approved } => eprintln!(
                "terminal: result stored ({})",
                if approved { "approved" } else { "not approved" }
            ),
        }
    }
}

/// The recovery a card command had to run first, on stderr even with `--json`: it is news
/// about other transactions, not this command's answer.
pub fn earlier_recovery(till: &mut Till) {
    if let Some(report) = till.take_recovery() {
        eprintln!("checked earlier card transactions with the terminal first:");
        for line in lines(&report) {
            eprintln!("  {line}");
        }
    }
}

/// One line per journal row, e.g. "#4 authorization 3.50: sale recovered (sale 12) - ...".
pub fn lines(report: &RecoveryReport) -> Vec<String> {
    report
        .cards
        .iter()
        .map(|c| {
            let sale = c.sale_id.map(|s| format!(" (sale {s})")).unwrap_or_default();
            format!(
                "#{} {} {}: {}{sale} - {}",
                c.id,
                c.kind.as_str(),
                c.amount.plain(),
                json::outcome_text(c.outcome),
                c.reason
            )
        })
        .collect()
}
