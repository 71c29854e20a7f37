//! Voids and card refunds on a standalone terminal (no cable to the till): the cashier voids
//! (撤销) or refunds (退货) the payment on the terminal itself, then types the slip's voucher
//! number here and the till records it in the terminal's batch, synchronously like a cash
//! refund. A typo or a refusal shows under the field, keeps what was typed and stores nothing.

use super::{Message, Request, State};
use crate::config::Standalone;
use crate::i18n::I18n;
use crate::money::Money;
use crate::sale::{PaymentMethod, PaymentState, RefundRequest, SlipCard, SlipCardError};
use crate::till::Till;
use crate::ui::reason;
use crate::ui::theme;
use crate::ui::widget::touch_button;
use iced::widget::{Id, button, column, space, text, text_input};
use iced::{Element, Fill};

/// The voucher-number field of the void or refund slip.
pub const SLIP_VOUCHER_ID: &str = "refund-slip-voucher";

/// What was done on the terminal.
#[derive(Debug, Clone, PartialEq)]
pub enum SlipKind {
    /// The whole card sale, reversed in the open batch.
    Void,
    /// These lines, refunded to the card.
    Refund(RefundRequest),
}

/// The slip step: what the cashier does on the terminal, and its slip's number as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct SlipStep {
    pub kind: SlipKind,
    /// What the terminal gives back: the card payment (void) or the refund's amount.
    pub amount: Option<Money>,
    pub voucher: String,
    /// The terminal as configured when the step opened: its name, and whether its slips
    /// print a voucher number.
    pub terminal: Standalone,
    /// Why the last confirm did not go through; nothing was stored.
    pub error: Option<String>,
}

impl State {
    /// On a standalone terminal a card refund or void is typed from its slip: the step opens
    /// (and `Some` is returned) instead of a terminal job.
    pub(super) fn open_slip(&mut self, till: &Till, kind: SlipKind) -> Option<Request> {
        let terminal = till.standalone()?.clone();
        let f = self.found.as_ref()?;
        let amount = match kind {
            SlipKind::Void => f
                .sale
                .draft
                .payments
                .iter()
                .find(|p| p.method == PaymentMethod::Card && p.state == PaymentState::Approved)
                .map(|p| p.amount),
            SlipKind::Refund(_) => self.amount,
        };
        self.error = None;
        self.slip = Some(SlipStep {
            kind,
            amount,
            voucher: String::new(),
            terminal,
            error: None,
        });
        Some(Request::Focus(SLIP_VOUCHER_ID))
    }

    /// Messages while the slip step is up; the sale and its lines stay as chosen.
    pub(super) fn slip_update(&mut self, till: &mut Till, i18n: &I18n, message: Message) -> Request {
        let Some(step) = self.slip.as_mut() else {
            return Request::None;
        };
        match message {
            // Esc leaves the step, not the screen: nothing was recorded yet.
            Message::Back | Message::SlipCancel => self.slip = None,
            Message::SlipVoucher(typed) => {
                step.voucher = typed;
                step.error = None;
            }
            Message::SlipConfirm => return self.confirm_slip(till, i18n),
            _ => {}
        }
        Request::None
    }

    fn confirm_slip(&mut self, till: &mut Till, i18n: &I18n) -> Request {
        let (Some(step), Some(sale)) = (self.slip.as_mut(), self.found.as_ref().map(|f| f.sale.id)) else {
            return Request::None;
        };
        // Checked here first so a typo reads in the window's language.
        if let Err(e) = SlipCard::entered(&step.voucher, "", "", step.terminal.voucher_on_slip) {
            step.error = Some(voucher_error(i18n, &e));
            return Request::Focus(SLIP_VOUCHER_ID);
        }
        let voucher = step.voucher.clone();
        let result = match &step.kind {
            SlipKind::Void => till.void_standalone(sale, &voucher, self.approval.as_ref()),
            SlipKind::Refund(request) => till.refund_standalone(sale, request, &voucher, self.approval.as_ref()),
        };
        match result {
            Ok(record) => {
                self.slip = None;
                self.finished(till, i18n, Ok(record));
                Request::None
            }
            Err(e) => {
                if let Some(step) = self.slip.as_mut() {
                    step.error = Some(i18n.t_args("refund-failed", &[("reason", reason::till_error(i18n, &e))]));
                }
                Request::Focus(SLIP_VOUCHER_ID)
            }
        }
    }
}

/// The right-hand panel while the slip step is up.
pub(super) fn slip_panel<'a>(step: &'a SlipStep, i18n: &'a I18n) -> Element<'a, Message> {
    let void = step.kind == SlipKind::Void;
    let amount = step.amount.map(|a| a.display()).unwrap_or_default();
    let on_slip = step.terminal.voucher_on_slip;
    let (title, hint, label, confirm) = if void {
        (
            "refund-slip-void-title",
            "refund-slip-void-hint",
            "refund-slip-void-voucher",
            "refund-slip-void-confirm",
        )
    } else {
        (
            "refund-slip-refund-title",
            "refund-slip-refund-hint",
            "refund-slip-refund-voucher",
            "refund-slip-refund-confirm",
        )
    };
    let label = if on_slip { label } else { "ui-slip-reference" };
    let input = text_input("", &step.voucher)
        .id(Id::new(SLIP_VOUCHER_ID))
        .on_input(Message::SlipVoucher)
        .on_submit(Message::SlipConfirm)
        .size(theme::LARGE)
        .padding(10);
    let mut side = column![
        text(i18n.t(title)).size(theme::LARGE),
        text(i18n.t_args(hint, &[("name", step.terminal.name.clone()), ("amount", amount)])).size(theme::TEXT),
        text(i18n.t(label)).size(theme::TEXT),
        input,
    ]
    .spacing(theme::SPACING);
    if let Some(error) = &step.error {
        side = side.push(text(error.clone()).size(theme::TEXT).style(text::danger));
    }
    side.push(space().height(Fill))
        .push(
            touch_button(i18n.t(confirm), Fill)
                .style(if void { button::danger } else { button::primary })
                .on_press(Message::SlipConfirm),
        )
        .push(
            touch_button(i18n.t("ui-manual-cancel"), Fill)
                .style(button::secondary)
                .on_press(Message::SlipCancel),
        )
        .into()
}

/// The voucher field's error in the window's language.
fn voucher_error(i18n: &I18n, e: &SlipCardError) -> String {
    match e {
        SlipCardError::VoucherMissing => i18n.t("ui-slip-voucher-missing"),
        SlipCardError::Voucher(_) => i18n.t("ui-slip-voucher-invalid"),
        SlipCardError::Reference(_) => i18n.t("ui-slip-reference-invalid"),
        // Not reached for the voucher alone; said as the till says it.
        other => other.to_string(),
    }
}
