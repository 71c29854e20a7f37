//! Settling the terminal's batch: Send Turnover Totals (shown to the manager), then
//! End-of-Day. The batch is Settling (committed) before the terminal is asked; the totals are
//! stored before they are acknowledged; only then is the batch Settled and reconciled. A
//! terminal that does not settle leaves the batch Failed with its reason, the guard on.

use super::card::CardProgress;
use super::journal::{END_OF_DAY, TURNOVER, TotalsKeeper, totals_record};
use super::{Till, TillError};
use crate::config::Language;
use crate::settlement::batch::BatchState;
use crate::settlement::guard::cleared_since;
use crate::settlement::reconcile::Reconciliation;
use crate::store::{CardState, TerminalTotals};
use crate::terminal::CardTerminal;
use crate::terminal::session::{Exchange, SessionError};
use crate::terminal::zvt::codes::result_text;

/// The outcome of a settlement the terminal carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub batch_id: i64,
    pub state: BatchState,
    /// What Send Turnover Totals reported before the end-of-day (None if it failed).
    pub turnover: Option<TerminalTotals>,
    /// The end-of-day's totals, stored before they were acknowledged.
    pub totals: Option<TerminalTotals>,
    pub reconciliation: Reconciliation,
    /// The terminal's end-of-day receipt, for printing.
    pub receipt_lines: Vec<String>,
}

/// The totals an exchange carried that report success, if any.
fn successful_totals(terminal: &str, context: &str, exchange: &Exchange) -> Option<TerminalTotals> {
    exchange
        .status
        .iter()
        .rev()
        .filter_map(|s| totals_record(terminal, context, s))
        .find(|t| t.succeeded())
}

impl Till {
    /// Settles the terminal's unsettled batch (an empty one is opened if the ledger has none:
    /// the terminal may hold transactions the ledger never saw). Card transactions in doubt
    /// are resolved first, as before any terminal command.
    pub fn settle(
        &mut self,
        terminal: &mut dyn CardTerminal,
        progress: &mut dyn FnMut(CardProgress),
    ) -> Result<Settlement, TillError> {
        let name = terminal.describe();
        self.recover_first(&name, terminal, progress)?;
        self.tend_batches()?;
        let now = self.clock.now();
        let (today, _) = self.business_day()?;
        let batch_id = match self.store.current_batch(&name)? {
            Some(b) if b.state == BatchState::Settling => {
                // An end-of-day a crash interrupted, whose totals never arrived.
                self.store
                    .batch_failed(b.id, "the previous end-of-day was interrupted", now)?;
                b.id
            }
            Some(b) => b.id,
            None => self.store.batch_open(&name, today, now)?,
        };

        let turnover = {
            let mut keeper = TotalsKeeper {
                store: &mut self.store,
                clock: self.clock.clone(),
                terminal: name.clone(),
                context: TURNOVER,
                progress,
            };
            // Only shown to the manager: a terminal without 06 10 still settles.
            match terminal.turnover_totals(&mut keeper) {
                Ok(exchange) => successful_totals(&name, TURNOVER, &exchange),
                Err(e) => {
                    tracing::info!(error = %e, "send turnover totals failed; settling anyway");
                    None
                }
            }
        };

        // Whoever is logged in settles (the config's cashier from the command line).
        let by = self.cashier();
        self.store.batch_settling(batch_id, self.clock.now(), &by)?;
        let result = {
            let mut keeper = TotalsKeeper {
                store: &mut self.store,
                clock: self.clock.clone(),
                terminal: name.clone(),
                context: END_OF_DAY,
                progress,
            };
            terminal.end_of_day(&mut keeper)
        };
        let refused = |code: u8| format!("result {code:02X} ({})", result_text(code, Language::En));
        let (exchange, failure) = match result {
            Ok(exchange) => {
                let failure = match (successful_totals(&name, END_OF_DAY, &exchange), exchange.aborted) {
                    (Some(_), _) => None,
                    (None, Some(code)) => Some(format!("the terminal aborted the end-of-day: {}", refused(code))),
                    (None, None) => Some(
                        match exchange.status.iter().find_map(|s| s.result_code.filter(|c| *c != 0)) {
                            Some(code) => format!("the terminal reported {}", refused(code)),
                            None => "the terminal ended the end-of-day without sending totals".to_string(),
                        },
                    ),
                };
                (exchange, failure)
            }
            // The totals are stored, but the terminal closes its batch only on our
            // acknowledgement, which may not have arrived: not settled until it says so.
            Err(e @ SessionError::Unacknowledged { .. }) => (Exchange::default(), Some(e.to_string())),
            Err(e) => match e
                .partial()
                .filter(|p| successful_totals(&name, END_OF_DAY, p).is_some())
            {
                // Acknowledged totals count even if the Completion never came.
                Some(partial) => (partial.clone(), None),
                None => (Exchange::default(), Some(e.to_string())),
            },
        };
        let now = self.clock.now();
        if let Some(reason) = failure {
            self.store.batch_failed(batch_id, &reason, now)?;
            return Err(TillError::SettleFailed { batch_id, reason });
        }
        let row = self
            .store
            .batch(batch_id)?
            .ok_or_else(|| TillError::Batch(format!("batch #{batch_id} vanished while settling")))?;
        let totals_id = self.store.settling_totals(&row)?.ok_or_else(|| {
            TillError::Batch(format!(
                "the end-of-day totals of batch #{batch_id} are not in the ledger"
            ))
        })?;
        let reconciliation = self.store.batch_settle(batch_id, totals_id, now)?;
        if reconciliation.is_match() {
            self.settle_doubts(batch_id, totals_id)?;
        }
        Ok(Settlement {
            batch_id,
            state: BatchState::Settled,
            turnover,
            totals: self.store.terminal_totals(totals_id)?,
            reconciliation,
            receipt_lines: exchange.print_lines,
        })
    }

    /// Resolves as not booked the payments in doubt that the matching settlement of `batch_id`
    /// speaks for (see `Store::batch_settled_doubts`), audited. One that the terminal's clear time
    /// passed since may have gone with a batch the terminal cleared unnoticed: it stays in doubt.
    fn settle_doubts(&mut self, batch_id: i64, totals_id: i64) -> Result<(), TillError> {
        let now = self.clock.now();
        let (day, _) = self.business_day()?;
        for id in self.store.batch_settled_doubts(batch_id)? {
            let Some(row) = self.store.card(id)? else {
                continue;
            };
            if let Some(at) = self.config.terminal_auto_clear
                && cleared_since(row.created_at, now, &self.rule, at)
            {
                continue;
            }
            let note = format!(
                "not booked by the terminal: batch #{batch_id} settled with terminal totals #{totals_id} that match \
                 the ledger's approved transactions without it"
            );
            self.store
                .card_resolve(id, CardState::Declined, None, &note, day, now)?;
        }
        Ok(())
    }

    /// A manager acknowledges a settled batch's reconciliation mismatch, with a note saying
    /// what was found (stored and audited).
    pub fn acknowledge_mismatch(&mut self, batch_id: i64, manager_pin: &str, note: &str) -> Result<(), TillError> {
        if note.trim().is_empty() {
            return Err(TillError::Batch(
                "acknowledging a mismatch needs a note saying what was found".into(),
            ));
        }
        let manager = self.approve(crate::permission::Action::AcknowledgeMismatch, manager_pin)?;
        let now = self.clock.now();
        Ok(self
            .store
            .batch_acknowledge(batch_id, &manager.name, note.trim(), now)?)
    }
}

#[cfg(test)]
mod tests;
