//! End of day (and recovery at start-up): the unsettled card batches, Settle with the
//! terminal's live status, the reconciliation, a manager's deferral or acknowledgement, and
//! closing the business day with its Z-report after the cash count; below, batches the
//! terminal cleared unsettled (Lost) with their claim lists (see `lost`).
//!
//! Settling runs on a worker thread with the till (see `ui::desk`); everything else here is
//! a quick ledger write done in `update`, settling a standalone terminal by its slip too
//! (see `slip`). The view only reads this state, so it can be drawn while the till is with
//! the terminal.

mod forms;
mod lost;
mod lost_view;
mod slip;
mod slip_view;
mod view;

pub use forms::{AckEdit, AckForm, DeferEdit, DeferForm, ReasonChoice};
pub use lost::{ClaimNote, LostBatch};
pub use slip::{SLIP_AMOUNT_ID, SLIP_AT_ID, SLIP_COUNT_ID, SLIP_FROM_ID, SLIP_TO_ID, SchemeRow, SlipEdit, SlipForm};

use crate::config::Standalone;
use crate::i18n::I18n;
use crate::money::Money;
use crate::settlement::batch::DeferReason;
use crate::settlement::guard::Verdict;
use crate::till::card::CardProgress;
use crate::till::{BatchSummary, Settlement, Till, TillError};
use crate::ui::reason;
use jiff::civil::Date;

/// The cash-counted field.
pub const COUNTED_ID: &str = "eod-counted";
/// The manager PIN field of the defer and acknowledge forms.
pub const PIN_ID: &str = "eod-pin";

#[derive(Debug, Clone)]
pub enum Message {
    Back,
    Settle,
    /// Ask the terminal what became of card payments left in doubt.
    CheckTerminal,
    OpenDefer,
    Defer(forms::DeferEdit),
    SubmitDefer,
    OpenAck,
    Ack(forms::AckEdit),
    SubmitAck,
    CancelForm,
    /// The standalone terminal's slip form.
    Slip(slip::SlipEdit),
    /// Enter in a slip field: on to the next one.
    SlipNext(&'static str),
    /// "Settled on the terminal": the slip's totals are confirmed.
    SubmitSlip,
    Counted(String),
    CloseDay,
    /// A lost batch's claim list to the printer.
    PrintClaim(i64),
    /// A lost batch's claim list written as CSV into the data folder.
    ExportClaim(i64),
    /// Shows or hides a lost batch's claim lines.
    ShowClaim(i64),
    /// The incidents screen.
    OpenIncidents,
}

/// What the screen asks of the app (it owns the till and lends it to the terminal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    None,
    Back,
    Settle,
    CheckTerminal,
    /// Put the keyboard in this field.
    Focus(&'static str),
    /// Send this print job (a claim list, maybe one queued earlier and still waiting).
    Print(i64),
    /// Open the incidents screen.
    Incidents,
}

pub struct State {
    /// The guard's reason when the screen was opened by it (start-up, day change, quit).
    pub opened_for: Option<Verdict>,
    pub batches: Vec<BatchSummary>,
    pub in_doubt: u64,
    /// The terminal is working; its status lines so far.
    pub working: Option<Vec<String>>,
    pub last: Option<Settlement>,
    pub error: Option<String>,
    pub notice: Option<String>,
    pub defer: Option<DeferForm>,
    pub ack: Option<AckForm>,
    /// The till's standalone terminal, settled by its slip instead of by asking it.
    pub standalone: Option<Standalone>,
    /// The guided settlement of the standalone terminal, while it is open.
    pub slip: Option<SlipForm>,
    pub counted: String,
    /// The day a Z-report would close, and its running figures as printed.
    pub day: Option<Date>,
    pub report: String,
    /// The Z-report just closed.
    pub closed: Option<String>,
    /// Lost batches among the newest ones, newest first.
    pub lost: Vec<LostBatch>,
    /// The lost batch whose claim lines are shown.
    pub claim_open: Option<i64>,
    /// What the last claim button did, for that batch.
    pub claim_note: Option<(i64, ClaimNote)>,
    /// Incidents not yet closed (the Incidents button says how many).
    pub incidents_open: i64,
}

impl State {
    pub fn new(till: &mut Till, opened_for: Option<Verdict>) -> State {
        let mut state = State {
            opened_for,
            batches: Vec::new(),
            in_doubt: 0,
            working: None,
            last: None,
            error: None,
            notice: None,
            defer: None,
            ack: None,
            standalone: till.standalone().cloned(),
            slip: None,
            counted: String::new(),
            day: None,
            report: String::new(),
            closed: None,
            lost: Vec::new(),
            claim_open: None,
            claim_note: None,
            incidents_open: 0,
        };
        state.refresh(till);
        state
    }

    /// Re-reads the batches and the day to close from the ledger.
    pub fn refresh(&mut self, till: &mut Till) {
        let read = (|| -> Result<(), TillError> {
            self.batches = till.batch_summaries()?;
            self.in_doubt = till.status()?.card_in_doubt.count;
            let day = till.day_to_close()?;
            self.report = till.report_text(&till.x_report(Some(day))?);
            self.day = Some(day);
            self.lost = lost::lost_batches(till)?;
            self.incidents_open = till.open_incident_count()?;
            Ok(())
        })();
        if let Err(e) = read {
            self.error = Some(e.to_string());
        }
    }

    pub fn is_working(&self) -> bool {
        self.working.is_some()
    }

    pub fn update(&mut self, till: &mut Till, i18n: &I18n, message: Message) -> Request {
        match message {
            Message::Back => return Request::Back,
            Message::OpenIncidents => return Request::Incidents,
            Message::Settle if self.standalone.is_some() => return self.open_slip(till),
            Message::Settle => {
                self.clear_messages();
                self.working = Some(vec![i18n.t("eod-settling")]);
                return Request::Settle;
            }
            Message::CheckTerminal => {
                self.clear_messages();
                self.working = Some(vec![i18n.t("eod-checking")]);
                return Request::CheckTerminal;
            }
            Message::OpenDefer => {
                self.ack = None;
                self.slip = None;
                self.defer = Some(DeferForm::new(till));
            }
            Message::Defer(edit) => {
                if let Some(form) = self.defer.as_mut() {
                    form.edit(edit);
                }
            }
            Message::SubmitDefer => self.submit_defer(till, i18n),
            Message::OpenAck => {
                self.defer = None;
                self.ack = Some(AckForm::default());
            }
            Message::Ack(edit) => {
                if let Some(form) = self.ack.as_mut() {
                    form.edit(edit);
                }
            }
            Message::SubmitAck => self.submit_ack(till, i18n),
            Message::CancelForm => {
                self.defer = None;
                self.ack = None;
                self.slip = None;
            }
            Message::Slip(edit) => {
                if let Some(form) = self.slip.as_mut() {
                    form.edit(edit);
                }
            }
            Message::SlipNext(field) => return Request::Focus(field),
            Message::SubmitSlip => self.submit_slip(till, i18n),
            Message::Counted(text) => self.counted = text,
            Message::CloseDay => self.close_day(till, i18n),
            Message::PrintClaim(_) | Message::ExportClaim(_) | Message::ShowClaim(_) => {
                return self.claim_message(till, i18n, message);
            }
        }
        Request::None
    }

    fn clear_messages(&mut self) {
        self.error = None;
        self.notice = None;
    }

    /// A terminal status line while settling.
    pub fn progress(&mut self, progress: CardProgress, i18n: &I18n) {
        super::log_terminal_step(self.working.as_mut(), progress, i18n);
    }

    pub fn settled(&mut self, till: &mut Till, i18n: &I18n, result: Result<Settlement, TillError>) {
        self.working = None;
        match result {
            Ok(settlement) => {
                self.notice = Some(if settlement.reconciliation.is_match() {
                    i18n.t("eod-settled-match")
                } else {
                    i18n.t("eod-settled-mismatch")
                });
                self.last = Some(settlement);
            }
            Err(e) => self.error = Some(i18n.t_args("eod-settle-failed", &[("reason", reason::till_error(i18n, &e))])),
        }
        self.refresh(till);
    }

    /// The guided settlement of the standalone terminal (kept, with what was typed, if open).
    fn open_slip(&mut self, till: &mut Till) -> Request {
        self.clear_messages();
        self.defer = None;
        self.ack = None;
        if self.slip.is_none()
            && let Some(terminal) = self.standalone.clone()
        {
            self.slip = Some(SlipForm::new(till, terminal));
        }
        Request::Focus(slip::SLIP_COUNT_ID)
    }

    fn submit_slip(&mut self, till: &mut Till, i18n: &I18n) {
        self.clear_messages();
        let Some(form) = self.slip.as_mut() else {
            return;
        };
        let Some(settlement) = form.submit(till, i18n) else {
            return;
        };
        self.slip = None;
        // The settlement report goes to the printer as a ZVT terminal's does.
        if let Err(e) = till.queue_if_printing(|t| t.queue_settlement(&settlement).map(|_| ())) {
            tracing::warn!("settlement report not queued: {e}");
        }
        self.settled(till, i18n, Ok(settlement));
    }

    /// The terminal was asked about payments in doubt; `outcome` is the text to show.
    pub fn checked(&mut self, till: &mut Till, outcome: Result<String, String>) {
        self.working = None;
        match outcome {
            Ok(text) => self.notice = Some(text),
            Err(text) => self.error = Some(text),
        }
        self.refresh(till);
    }

    fn submit_defer(&mut self, till: &mut Till, i18n: &I18n) {
        let Some(form) = self.defer.as_mut() else {
            return;
        };
        let (reason, until) = match form.parse(till, i18n) {
            Ok(parsed) => parsed,
            Err(message) => {
                form.error = Some(message);
                return;
            }
        };
        let pin = std::mem::take(&mut form.pin);
        match till.defer(&pin, reason, until) {
            Ok(deferral) => {
                // The slip is kept with the day's papers; the app sends it to the printer.
                if let Err(e) = till.queue_if_printing(|t| t.queue_deferral_slips(&deferral).map(|_| ())) {
                    tracing::warn!("deferral slip not queued: {e}");
                }
                let until = forms::local_hhmm(till, deferral.until);
                self.notice = Some(i18n.t_args("eod-deferred", &[("until", until)]));
                self.defer = None;
                self.refresh(till);
            }
            Err(e) => form.error = Some(reason::till_error(i18n, &e)),
        }
    }

    fn submit_ack(&mut self, till: &mut Till, i18n: &I18n) {
        let (Some(form), Some(last)) = (self.ack.as_mut(), self.last.as_ref()) else {
            return;
        };
        if form.note.trim().is_empty() {
            form.error = Some(i18n.t("eod-ack-needs-note"));
            return;
        }
        let pin = std::mem::take(&mut form.pin);
        match till.acknowledge_mismatch(last.batch_id, &pin, form.note.trim()) {
            Ok(()) => {
                self.notice = Some(i18n.t("eod-acknowledged"));
                self.ack = None;
            }
            Err(e) => form.error = Some(reason::till_error(i18n, &e)),
        }
    }

    fn close_day(&mut self, till: &mut Till, i18n: &I18n) {
        self.clear_messages();
        let counted = match Money::parse_non_negative(self.counted.trim(), till.currency()) {
            Ok(m) => m,
            Err(e) => {
                self.error = Some(i18n.t_args("eod-counted-invalid", &[("reason", reason::money_error(i18n, &e))]));
                return;
            }
        };
        match till.close_day(self.day, counted) {
            Ok(report) => {
                // The Z-report goes to the printer too; the app sends it from a worker.
                if let Err(e) = till.queue_if_printing(|t| t.queue_report(&report).map(|_| ())) {
                    tracing::warn!("Z-report not queued for printing: {e}");
                }
                self.closed = Some(till.report_text(&report));
                self.notice = Some(i18n.t_args(
                    "eod-day-closed",
                    &[("number", report.z_number.unwrap_or_default().to_string())],
                ));
                self.counted.clear();
                self.refresh(till);
            }
            Err(e) => self.error = Some(reason::till_error(i18n, &e)),
        }
    }
}

/// The words for a deferral reason chosen in the form.
pub fn defer_reason(choice: ReasonChoice, text: &str) -> DeferReason {
    match choice {
        ReasonChoice::TerminalOffline => DeferReason::TerminalOffline,
        ReasonChoice::HostUnreachable => DeferReason::HostUnreachable,
        ReasonChoice::AcquirerMaintenance => DeferReason::AcquirerMaintenance,
        ReasonChoice::Other => DeferReason::Other(text.trim().to_string()),
    }
}
