//! One journaled card transaction, shared by payments, reversals and refunds: the intent and
//! the sale it pays for are committed before the terminal is asked, every Status-Information
//! is stored before it is acknowledged, and batch totals are kept wherever they arrive.

use super::card::CardProgress;
use super::{Till, TillError};
use crate::clock::Clock;
use crate::config::Language;
use crate::money::Money;
use crate::sale::{CardDetails, SaleDraft, SaleRecord};
use crate::store::{CardKind, CardResultFields, CardState, JournaledSale, Store, StoreError, TerminalTotals};
use crate::terminal::CardTerminal;
use crate::terminal::outcome::{approves, fields};
use crate::terminal::session::{Exchange, Observer, SessionError};
use crate::terminal::zvt::codes::result_text;
use crate::terminal::zvt::messages::StatusInformation;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Contexts whose totals close no batch by themselves: Send Turnover Totals only reports, and
/// `settle` marks its own end-of-day's batch once the exchange is over.
pub(super) const TURNOVER: &str = "turnover_totals";
pub(super) const END_OF_DAY: &str = "end_of_day";

/// Stores a Status-Information that carries batch totals (an end-of-day, possibly automatic,
/// which can arrive inside any exchange). Returns whether it was one. Totals arriving in any
/// other exchange than `settle`'s are an end-of-day the terminal ran by itself: they settle
/// the terminal's unsettled batch in the same transaction.
pub(super) fn keep_totals(
    store: &mut Store,
    terminal: &str,
    context: &str,
    info: &StatusInformation,
    now: jiff::Timestamp,
) -> Result<bool, String> {
    let Some(record) = totals_record(terminal, context, info) else {
        return Ok(false);
    };
    let stored = if context == TURNOVER || context == END_OF_DAY {
        store.record_terminal_totals(&record, now).map(|_| ())
    } else {
        store.record_end_of_day(&record, now).map(|_| ())
    };
    stored.map(|()| true).map_err(|e| e.to_string())
}

/// The batch totals a Status-Information carries, as stored.
pub(super) fn totals_record(terminal: &str, context: &str, info: &StatusInformation) -> Option<TerminalTotals> {
    let totals = info.totals.as_ref()?;
    Some(TerminalTotals {
        terminal: terminal.to_string(),
        context: context.to_string(),
        result_code: info.result_code,
        total_minor: info.amount_minor.and_then(|a| i64::try_from(a).ok()),
        receipt_range: Some((totals.receipt_start, totals.receipt_end)),
        per_card: totals
            .per_card
            .iter()
            .map(|c| {
                (
                    c.card.name().to_string(),
                    u32::from(c.count),
                    i64::try_from(c.amount_minor).unwrap_or(0),
                )
            })
            .collect(),
        trace: info.trace,
    })
}

/// Accepts whatever a query (Status Enquiry, Repeat Receipt) brings, storing batch totals
/// before they are acknowledged.
pub(super) struct TotalsKeeper<'a> {
    pub store: &'a mut Store,
    pub clock: Arc<dyn Clock>,
    pub terminal: String,
    pub context: &'static str,
    pub progress: &'a mut dyn FnMut(CardProgress),
}

impl Observer for TotalsKeeper<'_> {
    fn intermediate(&mut self, code: u8) {
        (self.progress)(CardProgress::Terminal(code));
    }

    fn status_information(&mut self, info: &StatusInformation) -> Result<(), String> {
        keep_totals(self.store, &self.terminal, self.context, info, self.clock.now()).map(|_| ())
    }
}

/// Journals every Status-Information of a transaction before the session acknowledges it.
struct Journal<'a> {
    keeper: TotalsKeeper<'a>,
    id: i64,
    /// The business day of the transaction (a batch opened by it starts on this day).
    day: jiff::civil::Date,
    approved: Option<CardResultFields>,
    declined: Option<u8>,
}

impl Observer for Journal<'_> {
    fn intermediate(&mut self, code: u8) {
        self.keeper.intermediate(code);
    }

    fn status_information(&mut self, info: &StatusInformation) -> Result<(), String> {
        let k = &mut self.keeper;
        let now = k.clock.now();
        if keep_totals(k.store, &k.terminal, k.context, info, now)? {
            return Ok(());
        }
        let f = fields(info);
        let approved = approves(info);
        // The terminal books an approval only when our acknowledgement reaches it, so until
        // then the approval is stored in doubt (with its numbers): a crash before the
        // acknowledgement leaves a row that recovery asks the terminal about, not a payment
        // the terminal never booked. `run_journaled` approves it once acknowledged.
        let state = if approved {
            CardState::InDoubt
        } else {
            CardState::Declined
        };
        k.store
            .card_record(self.id, state, &f, self.day, now)
            .map_err(|e| e.to_string())?;
        (k.progress)(CardProgress::Recorded { approved });
        if approved {
            self.approved = Some(f);
        } else {
            self.declined = info.result_code;
        }
        Ok(())
    }
}

/// What is about to be asked of the terminal, and the sale to commit once it approves.
pub(super) struct Intent<'a> {
    pub kind: CardKind,
    pub amount: Money,
    pub refers_to: Option<i64>,
    pub sale: &'a JournaledSale,
}

/// A transaction the terminal approved (and was told so): its journal row and fields.
pub(super) struct Approved {
    pub id: i64,
    pub fields: CardResultFields,
    pub slip: Vec<String>,
}

/// The terminal command to run, e.g. `|t, observer, cancel| t.authorize(amount, observer, cancel)`.
pub(super) type Command<'c> =
    &'c mut dyn FnMut(&mut dyn CardTerminal, &mut dyn Observer, &AtomicBool) -> Result<Exchange, SessionError>;

impl CardKind {
    fn noun(self) -> &'static str {
        match self {
            CardKind::Authorization => "payment",
            CardKind::Reversal => "reversal",
            CardKind::Refund => "refund",
        }
    }
}

impl Till {
    /// Runs one card transaction with the journaling guarantees. Earlier transactions of the
    /// same terminal are resolved first (Repeat Receipt only knows the last one); the caller
    /// gets that report from `take_recovery`.
    /// Before any command to a terminal with unfinished transactions: ask it about them first
    /// (it can only repeat its last one). A terminal that cannot say blocks the command.
    pub(super) fn recover_first(
        &mut self,
        name: &str,
        terminal: &mut dyn CardTerminal,
        progress: &mut dyn FnMut(CardProgress),
    ) -> Result<(), TillError> {
        if !self.store.card_recovery_due(name)? {
            return Ok(());
        }
        let report = self.recover_cards(terminal, progress)?;
        let blocked = report.terminal_error.clone().map(|reason| TillError::RecoveryBlocked {
            ids: report.in_doubt(),
            reason,
        });
        self.last_recovery = Some(report);
        blocked.map_or(Ok(()), Err)
    }

    pub(super) fn run_journaled(
        &mut self,
        intent: Intent<'_>,
        terminal: &mut dyn CardTerminal,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(CardProgress),
        command: Command<'_>,
    ) -> Result<Approved, TillError> {
        let name = terminal.describe();
        self.recover_first(&name, terminal, progress)?;
        let id = self.store.card_begin(
            intent.kind,
            intent.amount,
            &name,
            intent.refers_to,
            Some(intent.sale),
            self.clock.now(),
        )?;
        progress(CardProgress::Asking { amount: intent.amount });
        let context = intent.kind.as_str();
        let (result, approved, declined) = {
            let mut journal = Journal {
                keeper: TotalsKeeper {
                    store: &mut self.store,
                    clock: self.clock.clone(),
                    terminal: name,
                    context,
                    progress,
                },
                id,
                day: intent.sale.day,
                approved: None,
                declined: None,
            };
            let result = command(terminal, &mut journal, cancel);
            (result, journal.approved, journal.declined)
        };
        let now = self.clock.now();
        let failed = |reason: String, in_doubt: bool| match intent.kind {
            CardKind::Authorization => TillError::Card { reason, in_doubt },
            kind => TillError::CardReturn {
                what: kind.noun(),
                reason,
                in_doubt,
            },
        };
        match (approved, result) {
            (Some(_), Err(e @ SessionError::Unacknowledged { .. })) => {
                // The terminal books on our acknowledgement; recovery asks it what happened.
                let _ = self.store.card_set_state(id, CardState::InDoubt, &e.to_string(), now);
                Err(failed(e.to_string(), true))
            }
            // Once its Status-Information is acknowledged the transaction counts, even if the
            // Completion never arrives.
            (Some(fields), result) => {
                if let Err(e) = self.store.card_acknowledged(id, intent.sale.day, now) {
                    // Still in doubt with the terminal's numbers: recovery settles it.
                    return Err(failed(
                        format!("the terminal approved it, but the approval could not be stored: {e}"),
                        true,
                    ));
                }
                let slip = result.map(|e| e.print_lines).unwrap_or_default();
                if !slip.is_empty() {
                    // The approval is already journaled; a slip that cannot be stored only
                    // means the receipt prints without the terminal's lines.
                    if let Err(e) = self.store.card_slip_set(id, &slip) {
                        tracing::warn!("card payment #{id}: slip not stored: {e}");
                    }
                }
                Ok(Approved { id, fields, slip })
            }
            (None, Ok(exchange)) => {
                let code = declined.or(exchange.aborted).unwrap_or(0xFF);
                if declined.is_none() {
                    self.store.card_set_state(
                        id,
                        CardState::Declined,
                        &format!("terminal aborted ({code:02X})"),
                        now,
                    )?;
                }
                Err(match intent.kind {
                    CardKind::Authorization => TillError::CardDeclined { code },
                    kind => TillError::NotDone {
                        what: kind.noun(),
                        code,
                        text: result_text(code, Language::En),
                    },
                })
            }
            (None, Err(e)) => {
                let state = match &e {
                    // The terminal refused the command outright: nothing can have been booked.
                    SessionError::Refused { .. } => CardState::Cancelled,
                    _ => CardState::InDoubt,
                };
                // If even this write fails the row stays 'pending', which recovery treats the same.
                let _ = self.store.card_set_state(id, state, &e.to_string(), now);
                Err(failed(e.to_string(), state == CardState::InDoubt))
            }
        }
    }

    /// Commits the journaled sale with the terminal's card details. If this fails the row
    /// stays approved without a sale, and recovery commits it from the journal.
    pub(super) fn commit_card_sale(&mut self, draft: SaleDraft, approved: Approved) -> Result<SaleRecord, TillError> {
        let card = CardDetails {
            slip: approved.slip,
            ..card_details(approved.id, &approved.fields)
        };
        let draft = crate::store::with_card(draft, card)
            .map_err(|e| StoreError::Damaged(format!("card payment #{}: {e}", approved.id)))?;
        self.commit_unguarded(&draft)
    }
}

pub(super) fn card_details(journal_id: i64, f: &CardResultFields) -> CardDetails {
    CardDetails {
        journal_id,
        trace: f.trace,
        receipt_no: f.receipt_no,
        card_type: f.card_type.clone(),
        card_name: f.card_name.clone(),
        pan: f.pan.clone(),
        terminal_id: f.terminal_id.clone(),
        slip: Vec::new(),
    }
}
