//! When the card terminal cannot be reached (nothing was asked of it, so nothing is in doubt)
//! the checkout offers two ways on: take cash instead, or record a card payment the customer
//! made on a standalone card device. The small form asks for the device's authorisation code,
//! the card amount (the card part, prefilled) and optionally the card's last four digits;
//! errors show under their field, Enter records the sale, Esc goes back to the tender.

use super::{Field, Message, State};
use crate::i18n::I18n;
use crate::money::Money;
use crate::sale::manual_card;
use crate::till::Till;
use crate::till::card::CardTender;
use crate::till::manual_card::ManualCardTender;
use crate::ui::reason;
use crate::ui::theme;
use crate::ui::widget::touch_button;
use iced::widget::{Column, Id, button, column, container, operation, rule, space, text, text_input};
use iced::{Element, Fill, Task};

/// The authorisation-code field of the manual card form.
pub const MANUAL_AUTH_ID: &str = "checkout-manual-auth";
/// The card-amount field.
pub const MANUAL_AMOUNT_ID: &str = "checkout-manual-amount";
/// The optional last-four-digits field.
pub const MANUAL_LAST4_ID: &str = "checkout-manual-last4";

#[derive(Debug, Clone)]
pub enum ManualMessage {
    /// Take cash for the sale instead: the keyboard goes to the cash field.
    CashInstead,
    /// The card was paid on another device: open the form.
    Open,
    AuthChanged(String),
    AmountChanged(String),
    Last4Changed(String),
    Submit,
    Cancel,
}

/// The checkout's state after the terminal could not be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manual {
    /// The two choices, with the card part that was to be paid.
    Offer {
        card_amount: Money,
    },
    Form(ManualForm),
}

/// The form as typed, and what is wrong with each field after the last Enter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManualForm {
    pub auth: String,
    pub amount: String,
    pub last4: String,
    pub auth_error: Option<String>,
    pub amount_error: Option<String>,
    pub last4_error: Option<String>,
}

impl State {
    pub fn manual(&self) -> Option<&Manual> {
        self.manual.as_ref()
    }

    /// The card payment could not reach the terminal: say why and offer the two ways on.
    pub(super) fn offer_manual(&mut self, i18n: &I18n, reason: &str, card_amount: Option<Money>) {
        let card_amount = card_amount
            .or_else(|| self.cart.totals().ok().map(|t| t.total))
            .unwrap_or_else(|| Money::zero(self.cart.currency()));
        self.error = Some(i18n.t_args("ui-manual-unreachable", &[("reason", reason.to_string())]));
        self.manual = Some(Manual::Offer { card_amount });
    }

    /// Esc closes the offer or the form (back to the tender); true when it did.
    pub(super) fn manual_escape(&mut self) -> bool {
        if self.manual.take().is_none() {
            return false;
        }
        self.error = None;
        self.focus = Field::Scan;
        true
    }

    /// While the form is open the keyboard stays where the cashier put it (a click into a
    /// field of the form); otherwise `None`: the usual focus rule applies.
    pub(super) fn manual_focus(&self) -> Option<Task<Message>> {
        matches!(self.manual, Some(Manual::Form(_))).then(Task::none)
    }

    pub(super) fn manual_update(&mut self, till: &mut Till, i18n: &I18n, message: ManualMessage) -> Task<Message> {
        let form = match &mut self.manual {
            Some(Manual::Form(form)) => Some(form),
            _ => None,
        };
        match (message, form) {
            (ManualMessage::CashInstead, _) => {
                self.manual = None;
                self.error = None;
                self.focus = Field::Cash;
                self.refocus()
            }
            (ManualMessage::Open, _) => {
                let Some(Manual::Offer { card_amount }) = self.manual else {
                    return Task::none();
                };
                self.manual = Some(Manual::Form(ManualForm {
                    amount: card_amount.plain(),
                    ..ManualForm::default()
                }));
                self.error = None;
                operation::focus(Id::new(MANUAL_AUTH_ID))
            }
            // Typing stays in its field: no refocus, the cursor must not move.
            (ManualMessage::AuthChanged(t), Some(form)) => {
                form.auth = t;
                Task::none()
            }
            (ManualMessage::AmountChanged(t), Some(form)) => {
                form.amount = t;
                Task::none()
            }
            (ManualMessage::Last4Changed(t), Some(form)) => {
                form.last4 = t;
                Task::none()
            }
            (ManualMessage::Submit, Some(_)) => self.submit_manual(till, i18n),
            (ManualMessage::Cancel, _) => {
                self.manual = None;
                self.error = None;
                self.focus = Field::Scan;
                self.refocus()
            }
            _ => Task::none(),
        }
    }

    /// Checks every field (each error under its own), then commits the sale: the card part
    /// as typed, the rest in cash (the cash field's amount handed over, else exact).
    fn submit_manual(&mut self, till: &mut Till, i18n: &I18n) -> Task<Message> {
        let total = match self.cart.totals() {
            Ok(t) => t.total,
            Err(e) => {
                self.error = Some(i18n.t_args("ui-error-pay", &[("reason", reason::sale_error(i18n, &e))]));
                return Task::none();
            }
        };
        let Some(Manual::Form(form)) = self.manual.as_mut() else {
            return Task::none();
        };
        form.auth_error = manual_card::auth_code(&form.auth)
            .err()
            .map(|_| i18n.t("ui-manual-auth-invalid"));
        form.amount_error = match Money::parse_non_negative(&form.amount, total.currency()) {
            Err(e) => Some(reason::money_error(i18n, &e)),
            Ok(a) if a.is_zero() || a.amount() > total.amount() => {
                Some(i18n.t_args("ui-manual-amount-range", &[("total", total.display())]))
            }
            Ok(_) => None,
        };
        form.last4_error = manual_card::last4(&form.last4)
            .err()
            .map(|_| i18n.t("ui-manual-last4-invalid"));
        let first_bad = [
            (form.auth_error.is_some(), MANUAL_AUTH_ID),
            (form.amount_error.is_some(), MANUAL_AMOUNT_ID),
            (form.last4_error.is_some(), MANUAL_LAST4_ID),
        ]
        .into_iter()
        .find_map(|(bad, id)| bad.then_some(id));
        if let Some(id) = first_bad {
            return operation::focus(Id::new(id));
        }
        let card_amount = Money::parse_non_negative(&form.amount, total.currency()).ok();
        let (auth_code, last4) = (form.auth.clone(), form.last4.clone());
        let Some(cash_given) = self.typed_cash(till, i18n) else {
            return Task::none();
        };
        let tender = ManualCardTender {
            split: CardTender {
                cash_given,
                card_amount,
            },
            auth_code,
            card_type: String::new(),
            last4,
        };
        match till.pay_manual_card(&self.cart, &tender) {
            Ok(sale) => {
                self.sale_completed(till, sale);
                self.refocus()
            }
            Err(e) => {
                self.error = Some(i18n.t_args("ui-error-pay", &[("reason", reason::till_error(i18n, &e))]));
                Task::none()
            }
        }
    }

    /// The right-hand panel while the offer or the form is up.
    pub(super) fn manual_panel<'a>(&'a self, i18n: &'a I18n) -> Option<Element<'a, Message>> {
        let content: Column<'a, Message> = match self.manual.as_ref()? {
            Manual::Offer { card_amount } => column![
                text(i18n.t("ui-manual-title")).size(theme::LARGE),
                text(card_amount.display()).size(theme::HUGE),
                rule::horizontal(1),
                text(i18n.t("ui-manual-choose")).size(theme::TEXT),
                space::vertical(),
                touch_button(i18n.t("ui-manual-cash-instead"), Fill)
                    .style(button::success)
                    .on_press(Message::Manual(ManualMessage::CashInstead)),
                touch_button(i18n.t("ui-manual-other-device"), Fill)
                    .style(button::primary)
                    .on_press(Message::Manual(ManualMessage::Open)),
            ],
            Manual::Form(form) => column![
                text(i18n.t("ui-manual-form-title")).size(theme::LARGE),
                text(i18n.t("ui-manual-form-hint")).size(theme::SMALL),
                field(
                    i18n.t("ui-manual-auth"),
                    MANUAL_AUTH_ID,
                    &form.auth,
                    ManualMessage::AuthChanged,
                    form.auth_error.as_deref()
                ),
                field(
                    i18n.t("ui-manual-amount"),
                    MANUAL_AMOUNT_ID,
                    &form.amount,
                    ManualMessage::AmountChanged,
                    form.amount_error.as_deref()
                ),
                field(
                    i18n.t("ui-manual-last4"),
                    MANUAL_LAST4_ID,
                    &form.last4,
                    ManualMessage::Last4Changed,
                    form.last4_error.as_deref()
                ),
                space::vertical(),
                touch_button(i18n.t("ui-manual-submit"), Fill)
                    .style(button::success)
                    .on_press(Message::Manual(ManualMessage::Submit)),
                touch_button(i18n.t("ui-manual-cancel"), Fill)
                    .style(button::secondary)
                    .on_press(Message::Manual(ManualMessage::Cancel)),
            ],
        };
        Some(
            container(content.spacing(theme::SPACING))
                .style(theme::panel)
                .padding(theme::SPACING * 1.5)
                .height(Fill)
                .into(),
        )
    }
}

/// A labelled field of the form with its error (if any) underneath; Enter submits the form.
fn field<'a>(
    label: String,
    id: &'static str,
    value: &str,
    on_input: fn(String) -> ManualMessage,
    error: Option<&'a str>,
) -> Element<'a, Message> {
    form_field(
        label,
        id,
        value,
        move |t| Message::Manual(on_input(t)),
        Message::Manual(ManualMessage::Submit),
        error,
    )
}

/// A labelled text field with its error (if any) underneath, for the card forms: Enter
/// sends `on_submit`.
pub(super) fn form_field<'a>(
    label: String,
    id: &'static str,
    value: &str,
    on_input: impl Fn(String) -> Message + 'a,
    on_submit: Message,
    error: Option<&'a str>,
) -> Element<'a, Message> {
    let input = text_input("", value)
        .id(Id::new(id))
        .on_input(on_input)
        .on_submit(on_submit)
        .size(theme::LARGE)
        .padding(10);
    let mut col = column![text(label).size(theme::TEXT), input].spacing(4);
    if let Some(error) = error {
        col = col.push(text(error.to_string()).size(theme::SMALL).style(text::danger));
    }
    col.into()
}
