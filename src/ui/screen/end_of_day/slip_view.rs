//! Layout of the standalone terminal's guided settlement: the steps, then the slip's totals
//! as the operator types them (never the till's own figures), then Confirm.

use super::Message;
use super::slip::{
    SLIP_AMOUNT_ID, SLIP_AT_ID, SLIP_COUNT_ID, SLIP_FROM_ID, SLIP_TO_ID, SchemeRow, SlipEdit, SlipForm, scheme_label,
    step_one,
};
use crate::i18n::I18n;
use crate::sale::Scheme;
use crate::till::BatchSummary;
use crate::ui::theme;
use crate::ui::widget::touch_button;
use iced::widget::{Column, button, column, container, pick_list, row, scrollable, text, text_input};
use iced::{Center, Element, Fill, FillPortion, Length};

/// A scheme in the pick list, named in the window's language.
#[derive(Debug, Clone)]
struct SchemeChoice {
    scheme: Scheme,
    label: String,
}

impl PartialEq for SchemeChoice {
    fn eq(&self, other: &Self) -> bool {
        self.scheme == other.scheme
    }
}

impl std::fmt::Display for SchemeChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

fn choice(i18n: &I18n, scheme: Scheme) -> SchemeChoice {
    SchemeChoice {
        scheme,
        label: scheme_label(i18n, scheme.as_str()),
    }
}

/// A labelled field; Enter goes on to `next`.
fn field<'a>(
    label: String,
    placeholder: &str,
    value: &'a str,
    id: &'static str,
    edit: fn(String) -> SlipEdit,
    next: Message,
) -> Column<'a, Message> {
    column![
        text(label).size(theme::TEXT),
        text_input(placeholder, value)
            .id(iced::widget::Id::new(id))
            .on_input(move |t| Message::Slip(edit(t)))
            .on_submit(next)
            .size(theme::TEXT)
            .padding(6),
    ]
    .spacing(4)
    .width(Fill)
}

/// The left side of the screen while the slip is typed: the steps and fields scroll, the
/// error and the Confirm button stay in view. `batches`: named without their figures.
pub fn slip_side<'a>(form: &'a SlipForm, batches: &[BatchSummary], i18n: &'a I18n) -> Element<'a, Message> {
    let vouchers = form.terminal.voucher_on_slip;
    let step_two = if vouchers {
        "eod-slip-step2"
    } else {
        "eod-slip-step2-no-vouchers"
    };
    let after_amount = if vouchers { SLIP_FROM_ID } else { SLIP_AT_ID };
    let mut fields =
        column![text(i18n.t_args("eod-slip-title", &[("name", form.terminal.name.clone())])).size(theme::LARGE)]
            .spacing(8);
    for batch in batches.iter().filter(|b| b.view.payments > 0) {
        fields = fields.push(text(blind_line(batch, i18n)).size(theme::SMALL));
    }
    fields = fields.push(
        column![
            text(step_one(i18n, &form.terminal)).size(theme::TEXT),
            text(i18n.t(step_two)).size(theme::TEXT),
            text(i18n.t("eod-slip-step3")).size(theme::TEXT),
            text(i18n.t("eod-slip-blind")).size(theme::SMALL),
        ]
        .spacing(6),
    );
    fields = fields.push(
        row![
            field(
                i18n.t("eod-slip-count"),
                "0",
                &form.count,
                SLIP_COUNT_ID,
                SlipEdit::Count,
                Message::SlipNext(SLIP_AMOUNT_ID),
            ),
            field(
                i18n.t("eod-slip-amount"),
                "0.00",
                &form.amount,
                SLIP_AMOUNT_ID,
                SlipEdit::Amount,
                Message::SlipNext(after_amount),
            ),
        ]
        .spacing(theme::SPACING),
    );
    let mut schemes = row![text(i18n.t("eod-slip-per-scheme")).size(theme::TEXT)]
        .spacing(theme::SPACING)
        .align_y(Center);
    if form.schemes.len() < Scheme::ALL.len() {
        schemes = schemes.push(
            button(text(i18n.t("eod-slip-add-scheme")).size(theme::TEXT))
                .style(button::secondary)
                .on_press(Message::Slip(SlipEdit::AddScheme)),
        );
    }
    fields = fields.push(schemes);
    let choices: Vec<SchemeChoice> = Scheme::ALL.into_iter().map(|s| choice(i18n, s)).collect();
    for (i, r) in form.schemes.iter().enumerate() {
        fields = fields.push(scheme_row(i, r, &choices, i18n));
    }
    let at = field(
        i18n.t("eod-slip-at"),
        "HH:MM / YYYY-MM-DD HH:MM",
        &form.at,
        SLIP_AT_ID,
        SlipEdit::At,
        Message::SubmitSlip,
    );
    fields = fields.push(if vouchers {
        row![range(form, i18n).width(FillPortion(3)), at.width(FillPortion(2))].spacing(theme::SPACING)
    } else {
        row![at]
    });
    let mut side = column![scrollable(container(fields).padding(iced::Padding::ZERO.right(14))).height(Fill)]
        .spacing(theme::SPACING);
    if let Some(error) = &form.error {
        side = side.push(
            container(text(error.as_str()).size(theme::TEXT))
                .style(theme::error_line)
                .padding([6.0, 10.0])
                .width(Fill),
        );
    }
    side.push(
        row![
            touch_button(i18n.t("eod-slip-confirm"), Length::Shrink)
                .style(button::success)
                .on_press(Message::SubmitSlip),
            touch_button(i18n.t("eod-cancel"), Length::Shrink)
                .style(button::secondary)
                .on_press(Message::CancelForm),
        ]
        .spacing(theme::SPACING),
    )
    .into()
}

/// A batch by terminal, state and first day: no count, no amount.
fn blind_line(batch: &BatchSummary, i18n: &I18n) -> String {
    let v = &batch.view;
    let args = [
        ("terminal", v.terminal.clone()),
        ("state", i18n.t(&format!("batch-{}", v.state.as_str()))),
        ("day", v.first_day.to_string()),
    ];
    i18n.t_args("eod-batch-line-blind", &args)
}

/// A per-scheme line: the scheme, its count and amount, and a button to drop it.
fn scheme_row<'a>(i: usize, r: &'a SchemeRow, choices: &[SchemeChoice], i18n: &'a I18n) -> Element<'a, Message> {
    let picked = r.scheme.map(|s| choice(i18n, s));
    row![
        pick_list(choices.to_vec(), picked, move |c: SchemeChoice| {
            Message::Slip(SlipEdit::Scheme(i, c.scheme))
        })
        .placeholder(i18n.t("eod-slip-scheme"))
        .text_size(theme::TEXT)
        .padding(6)
        .width(FillPortion(3)),
        text_input(&i18n.t("eod-slip-count"), &r.count)
            .on_input(move |t| Message::Slip(SlipEdit::SchemeCount(i, t)))
            .size(theme::TEXT)
            .padding(6)
            .width(FillPortion(2)),
        text_input(&i18n.t("eod-slip-amount"), &r.amount)
            .on_input(move |t| Message::Slip(SlipEdit::SchemeAmount(i, t)))
            .size(theme::TEXT)
            .padding(6)
            .width(FillPortion(3)),
        button(text(i18n.t("eod-slip-remove")).size(theme::TEXT))
            .style(button::secondary)
            .on_press(Message::Slip(SlipEdit::RemoveScheme(i))),
    ]
    .spacing(theme::SPACING)
    .align_y(Center)
    .into()
}

/// The slip's first and last voucher number.
fn range<'a>(form: &'a SlipForm, i18n: &'a I18n) -> Column<'a, Message> {
    column![
        text(i18n.t("eod-slip-range")).size(theme::TEXT),
        row![
            text_input(&i18n.t("eod-slip-range-from"), &form.from)
                .id(iced::widget::Id::new(SLIP_FROM_ID))
                .on_input(|t| Message::Slip(SlipEdit::From(t)))
                .on_submit(Message::SlipNext(SLIP_TO_ID))
                .size(theme::TEXT)
                .padding(6),
            text("–").size(theme::TEXT),
            text_input(&i18n.t("eod-slip-range-to"), &form.to)
                .id(iced::widget::Id::new(SLIP_TO_ID))
                .on_input(|t| Message::Slip(SlipEdit::To(t)))
                .on_submit(Message::SlipNext(SLIP_AT_ID))
                .size(theme::TEXT)
                .padding(6),
        ]
        .spacing(6)
        .align_y(Center),
    ]
    .spacing(4)
}
