//! Refunds and voids: find a sale by its number or by scanning the code on its receipt,
//! choose what goes back (whole lines or some units), in cash or to the card through the
//! terminal, or void a card sale of today (the terminal reverses the payment). The refund
//! receipt is shown and printed.
//!
//! Cash refunds are a quick ledger write done in `update`; a card refund or void runs on a
//! worker thread with the till (see `ui::desk`), its live status shown here. On a standalone
//! terminal the cashier does it on the terminal and types its slip (see `standalone`).

mod standalone;
mod view;

pub use standalone::{SLIP_VOUCHER_ID, SlipKind, SlipStep};

use crate::i18n::I18n;
use crate::money::Money;
use crate::permission::Action;
use crate::printer::layout::sale_code_number;
use crate::sale::{PaymentMethod, PaymentState, RefundRequest, SaleRecord, build_refund, left_to_refund};
use crate::till::card::CardProgress;
use crate::till::{Till, TillError};
use crate::ui::reason;
use crate::users::Operator;

/// The sale-number field (a scanner types the receipt's code into it).
pub const LOOKUP_ID: &str = "refund-lookup";
/// The manager PIN field.
pub const PIN_ID: &str = "refund-pin";

#[derive(Debug, Clone)]
pub enum Message {
    Back,
    LookupChanged(String),
    LookupSubmitted,
    /// One unit more or less of line `index` (of the found sale's lines).
    More(usize),
    Less(usize),
    /// Everything not refunded yet, or nothing.
    All(bool),
    Method(PaymentMethod),
    Refund,
    Void,
    /// Start over with another sale.
    Another,
    /// The manager PIN field (shown until someone who may refund is known).
    Pin(String),
    SubmitPin,
    /// The voucher number of the standalone terminal's void or refund slip, as typed.
    SlipVoucher(String),
    SlipConfirm,
    SlipCancel,
}

/// What the screen asks of the app (it lends the till to the terminal).
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    None,
    Back,
    RefundCard {
        sale: i64,
        request: RefundRequest,
        approval: Option<Operator>,
    },
    Void {
        sale: i64,
        approval: Option<Operator>,
    },
    /// Put the keyboard in this field.
    Focus(&'static str),
}

/// A line of the found sale: what is left to give back and what the cashier chose.
#[derive(Debug, Clone)]
pub struct LineChoice {
    pub line_no: u32,
    pub name: String,
    pub unit_price: Money,
    pub left: i64,
    pub chosen: i64,
}

#[derive(Debug, Clone)]
pub struct Found {
    pub sale: SaleRecord,
    pub lines: Vec<LineChoice>,
    /// The sale had an approved card payment: money can go back to the card.
    pub by_card: bool,
    /// The sale had a manual card payment (standalone device): its refund is manual too.
    pub by_manual_card: bool,
    /// Nothing was refunded yet: the card payment can be voided (reversed) as a whole.
    pub untouched: bool,
}

#[derive(Default)]
pub struct State {
    pub lookup: String,
    pub found: Option<Found>,
    pub method: Option<PaymentMethod>,
    pub error: Option<String>,
    /// The terminal is working; its status lines so far.
    pub working: Option<Vec<String>>,
    /// The refund just committed and its receipt.
    pub done: Option<(SaleRecord, String)>,
    /// What the chosen refund gives back (positive), as the ledger computes it.
    pub amount: Option<Money>,
    /// Until someone who may refund is known: the PIN typed so far, and why the last one
    /// was refused (refunds and voids need a manager; see `permission`).
    pub gate: Option<(String, Option<String>)>,
    /// A void or card refund done on the standalone terminal, waiting for its slip's number.
    pub slip: Option<SlipStep>,
    /// The manager whose PIN opened the screen; `None` when the logged-in user may refund.
    approval: Option<Operator>,
}

impl State {
    /// The screen for whoever is logged in: a cashier first meets the manager PIN prompt.
    pub fn new(till: &Till) -> State {
        State {
            gate: (!till.may(Action::Refund)).then(|| (String::new(), None)),
            ..State::default()
        }
    }

    /// The manager PIN prompt: digits only, checked against the permission table.
    fn unlock(&mut self, till: &mut Till, i18n: &I18n, message: Message) -> Request {
        let Some((pin, error)) = &mut self.gate else {
            return Request::None;
        };
        match message {
            Message::Back => return Request::Back,
            Message::Pin(typed) => {
                *pin = typed
                    .chars()
                    .filter(char::is_ascii_digit)
                    .take(crate::users::PIN_MAX)
                    .collect();
                *error = None;
            }
            Message::SubmitPin => match till.approve(Action::Refund, &std::mem::take(pin)) {
                Ok(manager) => {
                    self.approval = Some(manager);
                    self.gate = None;
                }
                Err(e) => *error = Some(reason::till_error(i18n, &e)),
            },
            // Nothing else before a manager is known.
            _ => {}
        }
        Request::None
    }

    pub fn is_working(&self) -> bool {
        self.working.is_some()
    }

    pub fn update(&mut self, till: &mut Till, i18n: &I18n, message: Message) -> Request {
        if self.is_working() {
            return Request::None;
        }
        if self.gate.is_some() {
            return self.unlock(till, i18n, message);
        }
        let request = if self.slip.is_some() {
            self.slip_update(till, i18n, message)
        } else {
            self.apply(till, i18n, message)
        };
        self.amount = self.compute_amount(till);
        request
    }

    fn apply(&mut self, till: &mut Till, i18n: &I18n, message: Message) -> Request {
        match message {
            Message::Back => return Request::Back,
            Message::LookupChanged(text) => self.lookup = text,
            Message::LookupSubmitted => self.look_up(till, i18n),
            Message::More(i) => self.change(i, 1),
            Message::Less(i) => self.change(i, -1),
            Message::All(all) => {
                for l in self.found.iter_mut().flat_map(|f| f.lines.iter_mut()) {
                    l.chosen = if all { l.left } else { 0 };
                }
            }
            Message::Method(m) => self.method = Some(m),
            Message::Another => {
                *self = State {
                    approval: self.approval.take(),
                    ..State::default()
                }
            }
            Message::Pin(_)
            | Message::SubmitPin
            | Message::SlipVoucher(_)
            | Message::SlipConfirm
            | Message::SlipCancel => {}
            Message::Refund => return self.refund(till, i18n),
            Message::Void => {
                if let Some(step) = self.open_slip(till, SlipKind::Void) {
                    return step;
                }
                if let Some(f) = &self.found {
                    self.error = None;
                    self.working = Some(Vec::new());
                    return Request::Void {
                        sale: f.sale.id,
                        approval: self.approval.clone(),
                    };
                }
            }
        }
        Request::None
    }

    fn change(&mut self, index: usize, by: i64) {
        if let Some(l) = self.found.as_mut().and_then(|f| f.lines.get_mut(index)) {
            l.chosen = (l.chosen + by).clamp(0, l.left);
        }
    }

    fn look_up(&mut self, till: &Till, i18n: &I18n) {
        self.error = None;
        self.found = None;
        self.done = None;
        // The field empties for the next scan; messages quote what was typed.
        let typed = std::mem::take(&mut self.lookup).trim().to_string();
        let Some(id) = sale_code_number(&typed) else {
            self.error = Some(i18n.t_args("refund-not-a-number", &[("input", typed)]));
            return;
        };
        match found(till, id) {
            Ok(f) if f.sale.draft.kind == crate::sale::Kind::Refund => {
                self.error = Some(i18n.t_args("refund-is-a-refund", &[("number", format!("{id:06}"))]));
            }
            Ok(f) => {
                self.method = Some(if f.by_card {
                    PaymentMethod::Card
                } else if f.by_manual_card {
                    PaymentMethod::ManualCard
                } else {
                    PaymentMethod::Cash
                });
                if f.lines.iter().all(|l| l.left == 0) {
                    self.error = Some(i18n.t("refund-nothing-left"));
                }
                self.found = Some(f);
            }
            Err(e) => self.error = Some(reason::till_error(i18n, &e)),
        }
    }

    /// The refund as chosen: the lines with a quantity, and the tender.
    pub fn request(&self) -> Option<RefundRequest> {
        let f = self.found.as_ref()?;
        let lines: Vec<(u32, i64)> = f
            .lines
            .iter()
            .filter(|l| l.chosen > 0)
            .map(|l| (l.line_no, l.chosen))
            .collect();
        if lines.is_empty() {
            return None;
        }
        Some(RefundRequest {
            lines: Some(lines),
            method: self.method,
        })
    }

    fn compute_amount(&self, till: &Till) -> Option<Money> {
        let (f, request) = (self.found.as_ref()?, self.request()?);
        let earlier = till.store().refunded_lines(f.sale.id).ok()?;
        build_refund(&f.sale, &earlier, &request).ok().map(|d| -d.total)
    }

    fn refund(&mut self, till: &mut Till, i18n: &I18n) -> Request {
        self.error = None;
        let (Some(f), Some(request)) = (self.found.as_ref(), self.request()) else {
            self.error = Some(i18n.t("refund-choose-lines"));
            return Request::None;
        };
        let sale = f.sale.id;
        if request.method == Some(PaymentMethod::Card) {
            if let Some(step) = self.open_slip(till, SlipKind::Refund(request.clone())) {
                return step;
            }
            self.working = Some(Vec::new());
            return Request::RefundCard {
                sale,
                request,
                approval: self.approval.clone(),
            };
        }
        let result = till.refund(sale, &request, self.approval.as_ref());
        self.finished(till, i18n, result);
        Request::None
    }

    /// A terminal status line while it refunds or voids.
    pub fn progress(&mut self, progress: CardProgress, i18n: &I18n) {
        super::log_terminal_step(self.working.as_mut(), progress, i18n);
    }

    /// The refund (or void) is committed, or why not; its receipt is queued for printing.
    pub fn finished(&mut self, till: &mut Till, i18n: &I18n, result: Result<SaleRecord, TillError>) {
        self.working = None;
        match result {
            Ok(refund) => {
                if let Err(e) = till.queue_if_printing(|t| t.queue_receipt(&refund).map(|_| ())) {
                    tracing::warn!("refund receipt not queued for printing: {e}");
                }
                let receipt = till.receipt_text(&refund);
                self.found = None;
                self.lookup.clear();
                self.done = Some((refund, receipt));
            }
            Err(e) => {
                self.error = Some(i18n.t_args("refund-failed", &[("reason", reason::till_error(i18n, &e))]));
                // What is left to refund may have changed (a partial refund went through).
                if let Some(id) = self.found.as_ref().map(|f| f.sale.id) {
                    self.found = found(till, id).ok();
                }
                self.amount = self.compute_amount(till);
            }
        }
    }
}

/// Sale `id` with what is left to refund of each line (all of it chosen).
fn found(till: &Till, id: i64) -> Result<Found, TillError> {
    let sale = till.sale(id)?;
    let earlier = till.store().refunded_lines(id)?;
    let zh = till.language().is_zh();
    let lines = sale
        .draft
        .lines
        .iter()
        .map(|l| {
            let left = left_to_refund(&sale, &earlier, l.line_no);
            LineChoice {
                line_no: l.line_no,
                name: l.name(zh).to_string(),
                unit_price: l.unit_price,
                left,
                chosen: left,
            }
        })
        .collect();
    let paid_by = |method: PaymentMethod| {
        sale.draft
            .payments
            .iter()
            .any(|p| p.method == method && p.state == PaymentState::Approved)
    };
    let (by_card, by_manual_card) = (paid_by(PaymentMethod::Card), paid_by(PaymentMethod::ManualCard));
    Ok(Found {
        by_manual_card,
        untouched: earlier.is_empty(),
        sale,
        lines,
        by_card,
    })
}
