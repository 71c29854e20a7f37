//! In-doubt recovery: what became of card transactions the journal could not finish.
//!
//! A pending or in-doubt row is judged by the terminal's last transaction (Repeat Receipt),
//! which can speak only for the newest transaction started on that terminal; anything older
//! stays in doubt for the manager rather than be guessed, until a settlement whose totals match
//! the ledger shows it was not booked (store/batch_settle.rs). An approved transaction whose
//! sale never reached the ledger (a crash between the two) gets its journaled sale committed.

use super::card::CardProgress;
use super::journal::{TURNOVER, TotalsKeeper, card_details, totals_record};
use super::{Till, TillError};
use crate::config::Language;
use crate::money::Money;
use crate::store::{CardJournal, CardKind, CardResultFields, CardState, StoreError, with_card};
use crate::terminal::CardTerminal;
use crate::terminal::outcome::{approves, fields};
use crate::terminal::session::{Exchange, SessionError};
use crate::terminal::zvt::codes::result_text;
use crate::terminal::zvt::messages::StatusInformation;
use jiff::civil::Date;

pub use report::{RecoveredCard, RecoveryOutcome, RecoveryReport};

/// What the terminal said when asked for its last transaction.
enum Answer {
    Last(Box<StatusInformation>),
    /// It answered but cannot say (nothing to repeat, command not supported).
    CannotSay(String),
    /// It could not be asked.
    Silent(String),
}

impl Till {
    /// Resolves every unfinished journal row of this terminal, and commits the journaled sale
    /// of every approved transaction that has none (whatever its terminal: that needs no
    /// terminal). Must run before the terminal's next transaction.
    pub fn recover_cards(
        &mut self,
        terminal: &mut dyn CardTerminal,
        progress: &mut dyn FnMut(CardProgress),
    ) -> Result<RecoveryReport, TillError> {
        let name = terminal.describe();
        let mut report = RecoveryReport {
            terminal: name.clone(),
            ..RecoveryReport::default()
        };
        self.resolve_interrupted_settlement(&name, terminal, progress, &mut report)?;
        let open: Vec<CardJournal> = self
            .store
            .unresolved_cards()?
            .into_iter()
            .filter(|c| c.terminal == name && matches!(c.state, CardState::Pending | CardState::InDoubt))
            .collect();
        if !open.is_empty() {
            match self.ask_last_transaction(&name, terminal, progress) {
                Answer::Last(info) => self.judge(&name, &open, &info, &mut report)?,
                Answer::CannotSay(reason) => {
                    for row in &open {
                        self.resolve(row, Verdict::InDoubt(reason.clone()), &mut report)?;
                    }
                }
                Answer::Silent(reason) => {
                    for row in &open {
                        let why = format!("the terminal did not answer the check: {reason}");
                        self.resolve(row, Verdict::InDoubt(why), &mut report)?;
                    }
                    report.terminal_error = Some(reason);
                }
            }
        }
        let approved: Vec<CardJournal> = self
            .store
            .unresolved_cards()?
            .into_iter()
            .filter(|c| c.state == CardState::Approved)
            .collect();
        for row in &approved {
            let card = self.recover_sale(row)?;
            report.set(card);
        }
        Ok(report)
    }

    /// A batch a crash left Settling: the terminal closes its batch only on our acknowledgement
    /// of the end-of-day totals, so stored totals prove nothing by themselves. Its turnover now
    /// tells: if the stored totals' last receipt is still in its open batch, it did not settle.
    fn resolve_interrupted_settlement(
        &mut self,
        name: &str,
        terminal: &mut dyn CardTerminal,
        progress: &mut dyn FnMut(CardProgress),
        report: &mut RecoveryReport,
    ) -> Result<(), TillError> {
        let Some(batch) = self.store.current_batch(name)? else {
            return Ok(());
        };
        if batch.state != crate::settlement::batch::BatchState::Settling {
            return Ok(());
        }
        let now = self.clock.now();
        let Some(totals_id) = self.store.settling_totals(&batch)? else {
            self.store.batch_failed(
                batch.id,
                "the end-of-day was interrupted before the terminal sent its totals",
                now,
            )?;
            return Ok(());
        };
        let stored_end = self
            .store
            .terminal_totals(totals_id)?
            .and_then(|t| t.receipt_range)
            .map_or(0, |r| r.1);
        let mut keeper = TotalsKeeper {
            store: &mut self.store,
            clock: self.clock.clone(),
            terminal: name.to_string(),
            context: TURNOVER,
            progress,
        };
        let current = match terminal.turnover_totals(&mut keeper) {
            Ok(ex) => ex
                .status
                .iter()
                .rev()
                .find_map(|s| totals_record(name, TURNOVER, s))
                .filter(|t| t.succeeded()),
            Err(_) => None,
        };
        let Some(current) = current else {
            report.terminal_error =
                Some("the terminal did not report its turnover after an interrupted end-of-day".into());
            return Ok(());
        };
        let from = current.receipt_range.map_or(0, |r| r.0);
        let now = self.clock.now();
        // Settled only when provably so: the stored totals' last receipt has left the
        // terminal's batch. Empty totals prove nothing; the next settle runs the end-of-day again.
        if stored_end != 0 && (from == 0 || from > stored_end) {
            self.store.batch_settle(batch.id, totals_id, now)?;
        } else {
            self.store.batch_failed(
                batch.id,
                "the end-of-day was interrupted before the terminal closed its batch",
                now,
            )?;
        }
        Ok(())
    }

    fn ask_last_transaction(
        &mut self,
        name: &str,
        terminal: &mut dyn CardTerminal,
        progress: &mut dyn FnMut(CardProgress),
    ) -> Answer {
        let mut keeper = TotalsKeeper {
            store: &mut self.store,
            clock: self.clock.clone(),
            terminal: name.to_string(),
            context: "repeat_receipt",
            progress,
        };
        let result = terminal.last_transaction(&mut keeper);
        // Batch totals (an automatic end-of-day) may arrive too; they are not a transaction.
        let last = |ex: &Exchange| ex.status.iter().rev().find(|s| s.totals.is_none()).cloned();
        match result {
            Ok(exchange) => match (last(&exchange), exchange.aborted) {
                (Some(info), _) => Answer::Last(Box::new(info)),
                (None, Some(code)) => Answer::CannotSay(format!(
                    "the terminal could not repeat its last transaction (result {code:02X}: {})",
                    result_text(code, Language::En)
                )),
                (None, None) => Answer::CannotSay("the terminal repeated no transaction".into()),
            },
            Err(SessionError::Refused { code }) => {
                Answer::CannotSay(format!("the terminal refused Repeat Receipt (84 {code:02X})"))
            }
            Err(e) => match e.partial().and_then(last) {
                Some(info) => Answer::Last(Box::new(info)),
                None => Answer::Silent(e.to_string()),
            },
        }
    }

    /// Decides every open row from the terminal's last transaction.
    fn judge(
        &mut self,
        name: &str,
        open: &[CardJournal],
        info: &StatusInformation,
        report: &mut RecoveryReport,
    ) -> Result<(), TillError> {
        let f = fields(info);
        let approved = approves(info);
        let seen = describe(&f, info.amount_minor, self.config.currency);
        let known = self
            .store
            .card_with_numbers(name, f.terminal_id.as_deref(), f.trace, f.receipt_no)?;
        if let Some(k) = known {
            for row in open {
                let verdict = if row.id == k && approved {
                    Verdict::Booked(f.clone(), format!("the terminal repeated it as booked ({seen})"))
                } else if row.id == k {
                    Verdict::NotBooked(format!("it repeated this one as not approved ({seen})"))
                } else if row.id > k {
                    Verdict::NotBooked(format!(
                        "its last transaction is #{k} ({seen}), journaled before this one"
                    ))
                } else {
                    later_ran(k)
                };
                self.resolve(row, verdict, report)?;
            }
            return Ok(());
        }
        // Not in the journal: it can only be the newest open row.
        let Some((newest, older)) = open.split_last() else {
            return Ok(());
        };
        for row in older {
            self.resolve(row, later_ran(newest.id), report)?;
        }
        let later = self.store.cards_after(name, newest.id)?;
        if let Some(l) = later.iter().find(|c| c.state == CardState::Approved) {
            return self.resolve(newest, later_ran(l.id), report);
        }
        let verdict = match (self.mismatch(newest, info)?, approved) {
            (None, true) => Verdict::Booked(f, format!("the terminal's last transaction matches it ({seen})")),
            (None, false) => Verdict::NotBooked(format!("its last transaction was not approved ({seen})")),
            (Some(why), _) => Verdict::NotBooked(format!("its last transaction is another one ({seen}; {why})")),
        };
        self.resolve(newest, verdict, report)
    }

    /// Why the terminal's last transaction cannot be this row, if it cannot.
    fn mismatch(&self, row: &CardJournal, info: &StatusInformation) -> Result<Option<String>, TillError> {
        let currency = self.config.currency;
        let amount = i64::try_from(info.amount_minor.unwrap_or(u64::MAX)).unwrap_or(-1);
        if amount != row.amount_minor {
            return Ok(Some(format!(
                "amount {} instead of {}",
                info.amount_minor
                    .map_or("none".into(), |_| Money::from_minor(amount, currency).plain()),
                Money::from_minor(row.amount_minor, currency).plain()
            )));
        }
        if info.currency.is_some_and(|c| c != currency.numeric) {
            return Ok(Some("another currency".into()));
        }
        // A reversal's result names the trace it reverses (BMP 37); nothing else does.
        match (row.kind, info.original_trace) {
            (CardKind::Reversal, None) => return Ok(Some("it is not a reversal".into())),
            (CardKind::Reversal, Some(reversed)) => {
                let original = match row.refers_to {
                    Some(id) => self.store.card(id)?.and_then(|c| c.fields.trace),
                    None => None,
                };
                if original.is_some_and(|t| t != reversed) {
                    return Ok(Some(format!("it reverses trace {reversed}")));
                }
            }
            (_, Some(_)) => return Ok(Some("it is a reversal".into())),
            (_, None) => {}
        }
        Ok(None)
    }

    fn resolve(&mut self, row: &CardJournal, verdict: Verdict, report: &mut RecoveryReport) -> Result<(), TillError> {
        let now = self.clock.now();
        let (state, fields, outcome, reason) = match verdict {
            Verdict::Booked(f, why) => (CardState::Approved, Some(f), RecoveryOutcome::Approved, why),
            Verdict::NotBooked(why) => (CardState::Declined, None, RecoveryOutcome::NotBooked, why),
            Verdict::InDoubt(why) => (CardState::InDoubt, None, RecoveryOutcome::InDoubt, why),
        };
        let note = match outcome {
            RecoveryOutcome::NotBooked => format!("not booked by the terminal: {reason}"),
            _ => reason.clone(),
        };
        // A transaction recovered as approved joins the batch of its own business day.
        let day = match self.store.card_sale(row.id) {
            Ok(Some(journaled)) => journaled.day,
            _ => self.business_day()?.0,
        };
        self.store
            .card_resolve(row.id, state, fields.as_ref(), &note, day, now)?;
        let numbers = fields.as_ref().unwrap_or(&row.fields);
        report.set(RecoveredCard {
            id: row.id,
            kind: row.kind,
            amount: Money::from_minor(row.amount_minor, self.config.currency),
            outcome,
            reason,
            sale_id: None,
            trace: numbers.trace,
            receipt_no: numbers.receipt_no,
        });
        Ok(())
    }

    /// Commits the sale journaled with an approved row: on its own business day while that is
    /// open, else on the current selling day; the audit event says which.
    fn recover_sale(&mut self, row: &CardJournal) -> Result<RecoveredCard, TillError> {
        let mut card = RecoveredCard {
            id: row.id,
            kind: row.kind,
            amount: Money::from_minor(row.amount_minor, self.config.currency),
            outcome: RecoveryOutcome::Approved,
            reason: String::new(),
            sale_id: None,
            trace: row.fields.trace,
            receipt_no: row.fields.receipt_no,
        };
        let journaled = match self.store.card_sale(row.id) {
            Ok(Some(j)) => j,
            Ok(None) => {
                card.reason = "approved by the terminal, but no sale was journaled with it (an older Tillguard): \
                               the manager must enter the sale"
                    .into();
                return Ok(card);
            }
            Err(StoreError::Damaged(e)) => {
                card.reason = format!("approved by the terminal, but {e}: the manager must enter the sale");
                return Ok(card);
            }
            Err(e) => return Err(e.into()),
        };
        let draft = match with_card(journaled.draft, card_details(row.id, &row.fields)) {
            Ok(d) => d,
            Err(e) => {
                card.reason = format!("approved by the terminal, but its journaled sale is unusable: {e}");
                return Ok(card);
            }
        };
        let (day, note) = match self.recovery_day(row.id, journaled.day)? {
            Ok(d) => d,
            Err(reason) => {
                card.reason = reason;
                return Ok(card);
            }
        };
        let now = self.clock.now();
        let cashier = self.cashier();
        match self.store.commit_recovered_sale(&draft, day, now, &cashier, &note) {
            Ok(sale) => {
                card.outcome = RecoveryOutcome::SaleRecovered;
                card.sale_id = Some(sale.id);
                card.reason = format!("{} #{} {note}", draft.kind.as_str(), sale.id);
            }
            Err(e) => card.reason = format!("approved by the terminal, but its sale could not be committed: {e}"),
        }
        Ok(card)
    }

    /// The day a recovered sale lands on, and the audit note; or why it cannot land yet.
    fn recovery_day(&self, id: i64, original: Date) -> Result<Result<(Date, String), String>, TillError> {
        let (today, _) = self.business_day()?;
        let closed = self.store.day(original)?.and_then(|d| d.z_number);
        if original <= today && closed.is_none() {
            return Ok(Ok((
                original,
                format!("committed for card #{id} on its own business day {original}"),
            )));
        }
        Ok(match self.selling_day() {
            Ok(day) => Ok((
                day,
                format!("committed for card #{id} on {day}: its own business day {original} is closed"),
            )),
            Err(e) => Err(format!(
                "approved by the terminal; its sale waits for an open business day ({e})"
            )),
        })
    }
}

/// A row's fate and why; NotBooked reasons say what the terminal answered.
enum Verdict {
    Booked(CardResultFields, String),
    NotBooked(String),
    InDoubt(String),
}

fn later_ran(later: i64) -> Verdict {
    Verdict::InDoubt(format!(
        "transaction #{later} was started on the terminal after this one, and Repeat Receipt shows only the \
         newest: check the terminal's journal or the end-of-day receipt"
    ))
}

/// "amount 3.50, receipt 12, trace 40, result 00" for notes and reports.
fn describe(f: &CardResultFields, amount_minor: Option<u64>, currency: crate::money::Currency) -> String {
    let mut parts = Vec::new();
    if let Some(a) = amount_minor.and_then(|a| i64::try_from(a).ok()) {
        parts.push(format!("amount {}", Money::from_minor(a, currency).plain()));
    }
    if let Some(r) = f.receipt_no {
        parts.push(format!("receipt {r}"));
    }
    if let Some(t) = f.trace {
        parts.push(format!("trace {t}"));
    }
    parts.push(format!("result {:02X}", f.result_code.unwrap_or(0)));
    parts.join(", ")
}

mod report;
#[cfg(test)]
mod tests;
