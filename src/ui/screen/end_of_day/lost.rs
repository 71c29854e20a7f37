//! Lost batches on the end-of-day screen: batches the terminal cleared unsettled, whose
//! payments the acquirer pays only against a claim list. The manager prints it or writes it
//! as CSV here (the CLI has `report claim` for the same).

use super::{Message, Request, State};
use crate::i18n::I18n;
use crate::money::Money;
use crate::settlement::batch::BatchState;
use crate::store::CardKind;
use crate::till::{ClaimLine, Till, TillError};
use crate::ui::reason;
use jiff::civil::Date;

/// How many of the newest batches are looked through for lost ones: older claims are long
/// filed, and the CLI reaches every batch.
const HISTORY: u32 = 20;

#[derive(Debug, Clone)]
pub struct LostBatch {
    pub id: i64,
    pub terminal: String,
    pub first_day: Date,
    /// When the till found it cleared, local "YYYY-MM-DD HH:MM".
    pub lost_at: String,
    pub lines: Vec<ClaimLine>,
    /// Payments less refunds, as the printed claim list totals them.
    pub net: Money,
}

/// What the last claim button did, shown under its batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimNote {
    /// Print job sent to the printer; its outcome comes back as `printed`.
    Printing(i64),
    Printed,
    Exported(String),
    Failed(String),
}

/// The lost batches among the newest ones, newest first, with their claim lines.
pub fn lost_batches(till: &Till) -> Result<Vec<LostBatch>, TillError> {
    let tz = till.config().time_zone.clone();
    let currency = till.currency();
    let mut lost = Vec::new();
    for row in till.batch_history(HISTORY)? {
        if row.state != BatchState::Lost {
            continue;
        }
        let lines = till.claim_list(row.id)?;
        let net = lines.iter().fold(Money::zero(currency), |sum, l| match l.kind {
            CardKind::Refund => sum - l.amount,
            _ => sum + l.amount,
        });
        let at = row.closed_at.unwrap_or(row.updated_at);
        lost.push(LostBatch {
            id: row.id,
            terminal: row.terminal,
            first_day: row.first_day,
            lost_at: at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
            lines,
            net,
        });
    }
    Ok(lost)
}

impl State {
    pub(super) fn claim_message(&mut self, till: &mut Till, i18n: &I18n, message: Message) -> Request {
        match message {
            Message::PrintClaim(batch) => return self.print_claim(till, i18n, batch),
            Message::ExportClaim(batch) => {
                let note = match till.export_claim_csv(batch) {
                    Ok(path) => ClaimNote::Exported(path.display().to_string()),
                    Err(e) => ClaimNote::Failed(
                        i18n.t_args("eod-claim-export-failed", &[("reason", reason::till_error(i18n, &e))]),
                    ),
                };
                self.claim_note = Some((batch, note));
            }
            Message::ShowClaim(batch) => {
                self.claim_open = (self.claim_open != Some(batch)).then_some(batch);
            }
            _ => {}
        }
        Request::None
    }

    /// Queues the claim list (or takes the one still waiting, e.g. queued when the batch was
    /// lost) for the app to send.
    fn print_claim(&mut self, till: &mut Till, i18n: &I18n, batch: i64) -> Request {
        if till.print_target(None).is_none() {
            self.claim_note = Some((batch, ClaimNote::Failed(i18n.t("eod-claim-no-printer"))));
            return Request::None;
        }
        match till.queue_claim(batch) {
            Ok(job) => {
                self.claim_note = Some((batch, ClaimNote::Printing(job)));
                Request::Print(job)
            }
            Err(e) => {
                let reason = reason::till_error(i18n, &e);
                let text = i18n.t_args("eod-claim-print-failed", &[("reason", reason)]);
                self.claim_note = Some((batch, ClaimNote::Failed(text)));
                Request::None
            }
        }
    }

    /// A print job's outcome: the claim list being printed says how it went (a failed job
    /// stays queued, and the app's print backlog strip offers to send it again).
    pub fn printed(&mut self, job: i64, result: &Result<(), String>, i18n: &I18n) {
        let Some((_, note)) = self.claim_note.as_mut() else {
            return;
        };
        if *note != ClaimNote::Printing(job) {
            return;
        }
        *note = match result {
            Ok(()) => ClaimNote::Printed,
            Err(e) => ClaimNote::Failed(i18n.t_args("eod-claim-not-printed", &[("reason", e.clone())])),
        };
    }
}
