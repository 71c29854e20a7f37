//! The card tender on a till whose card terminal is standalone (no cable): there is nothing to
//! reach, so the Card button opens a form instead. The cashier takes the payment on the
//! terminal and types its slip: the card amount (prefilled with what is due, editable for a
//! split with cash), the voucher number (or a free reference when the slip prints none), and
//! optionally the last four digits and the card scheme. Each field's error shows under it;
//! what the till refuses (a voucher already in the batch, the day closed) shows under the
//! form, which keeps what was typed. Esc or Cancel goes back to the cart.

use super::manual::form_field;
use super::{Field, Message, State};
use crate::config::Standalone;
use crate::i18n::I18n;
use crate::money::Money;
use crate::sale::{Scheme, SlipCard, manual_card};
use crate::till::Till;
use crate::till::card::CardTender;
use crate::till::standalone::StandaloneTender;
use crate::ui::reason;
use crate::ui::theme;
use crate::ui::widget::touch_button;
use iced::widget::{Id, button, column, container, operation, pick_list, row, scrollable, text};
use iced::{Center, Element, Fill, Task};
use std::fmt;

/// The card-amount field of the standalone card form.
pub const STANDALONE_AMOUNT_ID: &str = "checkout-standalone-amount";
/// The voucher number (or reference) field.
pub const STANDALONE_VOUCHER_ID: &str = "checkout-standalone-voucher";
/// The optional last-four-digits field.
pub const STANDALONE_LAST4_ID: &str = "checkout-standalone-last4";
/// The container of the card-scheme pick list.
pub const STANDALONE_SCHEME_ID: &str = "checkout-standalone-scheme";

#[derive(Debug, Clone)]
pub enum StandaloneMessage {
    AmountChanged(String),
    VoucherChanged(String),
    Last4Changed(String),
    /// `None`: the scheme is not given.
    SchemePicked(Option<Scheme>),
    Submit,
    Cancel,
}

/// The form as typed, and what is wrong after the last Enter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StandaloneForm {
    pub amount: String,
    pub voucher: String,
    pub last4: String,
    pub scheme: Option<Scheme>,
    /// The cashier has typed or picked something (see `standalone_focus`).
    pub typed: bool,
    /// The cart's total when the amount was prefilled: a changed cart needs a new look at it.
    pub total: Option<Money>,
    pub amount_error: Option<String>,
    pub voucher_error: Option<String>,
    pub last4_error: Option<String>,
    /// Why the till refused the payment; nothing was recorded.
    pub refused: Option<String>,
}

/// One entry of the scheme pick list, named in the window's language.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SchemeChoice {
    scheme: Option<Scheme>,
    label: String,
}

impl fmt::Display for SchemeChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl State {
    pub fn standalone_form(&self) -> Option<&StandaloneForm> {
        self.standalone_form.as_ref()
    }

    /// The till's standalone terminal as last read (at start, and on every status refresh).
    pub fn standalone_terminal(&self) -> Option<&Standalone> {
        self.standalone_terminal.as_ref()
    }

    /// The Card tender on a standalone terminal: the form, prefilled with the card part (the
    /// total less any cash typed first). Nothing is asked of any terminal.
    pub(super) fn open_standalone(&mut self, till: &Till, i18n: &I18n) {
        let total = match self.cart.totals() {
            Ok(t) => t.total,
            Err(e) => {
                self.error = Some(i18n.t_args("ui-error-pay", &[("reason", reason::sale_error(i18n, &e))]));
                return;
            }
        };
        let Some(cash_given) = self.typed_cash(till, i18n) else {
            return;
        };
        let card_amount = total - cash_given.unwrap_or(Money::zero(total.currency())).min(total);
        if card_amount.is_zero() {
            self.error = Some(i18n.t("ui-card-cash-covers"));
            return;
        }
        self.standalone_form = Some(StandaloneForm {
            amount: card_amount.plain(),
            total: Some(total),
            ..StandaloneForm::default()
        });
        self.error = None;
        self.notice = None;
        self.search = None;
        self.manual = None;
        // A discount or PIN panel left open would cover the form.
        self.panel = None;
    }

    /// Esc closes the form (back to the cart, nothing recorded); true when it did.
    pub(super) fn standalone_escape(&mut self) -> bool {
        if self.standalone_form.take().is_none() {
            return false;
        }
        self.focus = Field::Scan;
        true
    }

    /// Until the cashier types into the form the keyboard belongs to the voucher field (the
    /// amount is prefilled, the voucher is not); then it stays where they put it.
    pub(super) fn standalone_focus(&self) -> Option<Task<Message>> {
        let form = self.standalone_form.as_ref()?;
        Some(if form.typed {
            Task::none()
        } else {
            operation::focus(Id::new(STANDALONE_VOUCHER_ID))
        })
    }

    pub(super) fn standalone_update(
        &mut self,
        till: &mut Till,
        i18n: &I18n,
        message: StandaloneMessage,
    ) -> Task<Message> {
        if let StandaloneMessage::Cancel = message {
            self.standalone_form = None;
            self.focus = Field::Scan;
            return self.refocus();
        }
        if let StandaloneMessage::Submit = message {
            return self.submit_standalone(till, i18n);
        }
        let Some(form) = self.standalone_form.as_mut() else {
            return Task::none();
        };
        // Typing stays in its field: no refocus, the cursor must not move.
        form.typed = true;
        match message {
            StandaloneMessage::AmountChanged(t) => form.amount = t,
            StandaloneMessage::VoucherChanged(t) => form.voucher = t,
            StandaloneMessage::Last4Changed(t) => form.last4 = t,
            StandaloneMessage::SchemePicked(s) => form.scheme = s,
            StandaloneMessage::Submit | StandaloneMessage::Cancel => {}
        }
        Task::none()
    }

    /// Checks each field (its error under it), then asks the till to record the sale; a
    /// refusal shows under the form and leaves everything typed for the fix.
    fn submit_standalone(&mut self, till: &mut Till, i18n: &I18n) -> Task<Message> {
        let Some(terminal) = till.standalone().cloned() else {
            return Task::none();
        };
        let total = match self.cart.totals() {
            Ok(t) => t.total,
            Err(e) => {
                self.error = Some(i18n.t_args("ui-error-pay", &[("reason", reason::sale_error(i18n, &e))]));
                return Task::none();
            }
        };
        let Some(form) = self.standalone_form.as_mut() else {
            return Task::none();
        };
        form.refused = None;
        if form.total != Some(total) {
            // Items were added or taken off since the amount was prefilled: offer the new
            // card part rather than charge the old one.
            let cash = Money::parse_non_negative(self.cash.trim(), total.currency()).ok();
            let due = total - cash.unwrap_or(Money::zero(total.currency())).min(total);
            form.amount = due.plain();
            form.total = Some(total);
            form.amount_error = Some(i18n.t_args("ui-slip-cart-changed", &[("amount", due.display())]));
            return operation::focus(Id::new(STANDALONE_AMOUNT_ID));
        }
        form.amount_error = match Money::parse_non_negative(&form.amount, total.currency()) {
            Err(e) => Some(reason::money_error(i18n, &e)),
            Ok(a) if a.is_zero() || a.amount() > total.amount() => {
                Some(i18n.t_args("ui-manual-amount-range", &[("total", total.display())]))
            }
            Ok(_) => None,
        };
        form.voucher_error = SlipCard::entered(&form.voucher, "", "", terminal.voucher_on_slip)
            .err()
            .map(|e| voucher_error(i18n, &e));
        form.last4_error = manual_card::last4(&form.last4)
            .err()
            .map(|_| i18n.t("ui-manual-last4-invalid"));
        let first_bad = [
            (form.amount_error.is_some(), STANDALONE_AMOUNT_ID),
            (form.voucher_error.is_some(), STANDALONE_VOUCHER_ID),
            (form.last4_error.is_some(), STANDALONE_LAST4_ID),
        ]
        .into_iter()
        .find_map(|(bad, id)| bad.then_some(id));
        if let Some(id) = first_bad {
            return operation::focus(Id::new(id));
        }
        let card_amount = Money::parse_non_negative(&form.amount, total.currency()).ok();
        let typed = (form.voucher.clone(), form.last4.clone(), form.scheme);
        let Some(cash_given) = self.typed_cash(till, i18n) else {
            return Task::none();
        };
        let (voucher, last4, scheme) = typed;
        let tender = StandaloneTender {
            split: CardTender {
                cash_given,
                card_amount,
            },
            voucher,
            last4,
            scheme: scheme.map(|s| s.as_str().to_string()).unwrap_or_default(),
        };
        match till.pay_standalone(&self.cart, &tender) {
            Ok(sale) => {
                self.sale_completed(till, sale);
                self.refocus()
            }
            Err(e) => {
                if let Some(form) = self.standalone_form.as_mut() {
                    form.refused = Some(i18n.t_args("ui-error-pay", &[("reason", reason::till_error(i18n, &e))]));
                }
                Task::none()
            }
        }
    }

    /// The right-hand panel while the form is up.
    pub(super) fn standalone_panel<'a>(&'a self, i18n: &'a I18n) -> Option<Element<'a, Message>> {
        let form = self.standalone_form.as_ref()?;
        let terminal = self.standalone_terminal.as_ref();
        let name = terminal.map(|t| t.name.clone()).unwrap_or_default();
        let on_slip = terminal.is_none_or(|t| t.voucher_on_slip);
        let voucher_label = i18n.t(if on_slip {
            "ui-slip-voucher"
        } else {
            "ui-slip-reference"
        });
        let due = self.cart.totals().map(|t| t.total.display()).unwrap_or_default();
        let submit = Message::Standalone(StandaloneMessage::Submit);
        let fields = column![
            form_field(
                i18n.t("ui-manual-amount"),
                STANDALONE_AMOUNT_ID,
                &form.amount,
                |t| Message::Standalone(StandaloneMessage::AmountChanged(t)),
                submit.clone(),
                form.amount_error.as_deref(),
            ),
            form_field(
                voucher_label,
                STANDALONE_VOUCHER_ID,
                &form.voucher,
                |t| Message::Standalone(StandaloneMessage::VoucherChanged(t)),
                submit.clone(),
                form.voucher_error.as_deref(),
            ),
            form_field(
                i18n.t("ui-manual-last4"),
                STANDALONE_LAST4_ID,
                &form.last4,
                |t| Message::Standalone(StandaloneMessage::Last4Changed(t)),
                submit.clone(),
                form.last4_error.as_deref(),
            ),
            scheme_field(form.scheme, i18n),
        ]
        .spacing(theme::SPACING);
        let mut content = column![
            row![
                text(i18n.t("ui-slip-title")).size(theme::LARGE).width(Fill),
                text(i18n.t_args("ui-slip-due", &[("total", due)])).size(theme::TEXT),
            ]
            .spacing(theme::SPACING)
            .align_y(Center),
            text(i18n.t_args("ui-slip-hint", &[("name", name)])).size(theme::SMALL),
            // On a small screen with every field's error showing, the fields scroll; the
            // till's refusal and the buttons stay in view.
            scrollable(fields).height(Fill),
        ]
        .spacing(theme::SPACING);
        if let Some(refused) = &form.refused {
            content = content.push(
                container(text(refused.clone()).size(theme::TEXT))
                    .style(theme::error_line)
                    .padding([6.0, 10.0])
                    .width(Fill),
            );
        }
        content = content
            .push(
                touch_button(i18n.t("ui-slip-submit"), Fill)
                    .style(button::success)
                    .on_press(submit),
            )
            .push(
                touch_button(i18n.t("ui-manual-cancel"), Fill)
                    .style(button::secondary)
                    .on_press(Message::Standalone(StandaloneMessage::Cancel)),
            );
        Some(
            container(content)
                .style(theme::panel)
                .padding(theme::SPACING * 1.5)
                .height(Fill)
                .into(),
        )
    }
}

/// The card scheme, optional: "not given" first, then the schemes as slips group them.
fn scheme_field<'a>(picked: Option<Scheme>, i18n: &I18n) -> Element<'a, Message> {
    let none = SchemeChoice {
        scheme: None,
        label: i18n.t("ui-slip-scheme-none"),
    };
    let options: Vec<SchemeChoice> = std::iter::once(none)
        .chain(Scheme::ALL.into_iter().map(|s| SchemeChoice {
            scheme: Some(s),
            label: i18n.t(&format!("ui-scheme-{}", s.as_str())),
        }))
        .collect();
    let selected = options.iter().find(|c| c.scheme == picked).cloned();
    let list = pick_list(options, selected, |c: SchemeChoice| {
        Message::Standalone(StandaloneMessage::SchemePicked(c.scheme))
    })
    .text_size(theme::TEXT)
    .padding(10)
    .width(Fill);
    column![
        text(i18n.t("ui-slip-scheme")).size(theme::TEXT),
        container(list).id(Id::new(STANDALONE_SCHEME_ID))
    ]
    .spacing(4)
    .into()
}

/// The voucher field's error in the window's language.
fn voucher_error(i18n: &I18n, e: &crate::sale::SlipCardError) -> String {
    use crate::sale::SlipCardError as E;
    match e {
        E::VoucherMissing => i18n.t("ui-slip-voucher-missing"),
        E::Voucher(_) => i18n.t("ui-slip-voucher-invalid"),
        E::Reference(_) => i18n.t("ui-slip-reference-invalid"),
        // Not reached for the voucher alone; said as the till says it.
        other => other.to_string(),
    }
}
