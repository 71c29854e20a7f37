//! Layout of the end-of-day screen: batches and settlement on the left, the day's report and
//! the Z close on the right. While a standalone terminal's slip is being typed, its steps and
//! form take the left side and the till's own figures are hidden (see `slip_view`).

use super::forms::{AckEdit, AckForm, DeferEdit, DeferForm, REASONS};
use super::{COUNTED_ID, Message, PIN_ID, State};
use crate::i18n::I18n;
use crate::money::{Currency, Money};
use crate::settlement::guard::Verdict;
use crate::settlement::reconcile::Reconciliation;
use crate::till::{BatchSummary, Settlement};
use crate::ui::banner::why_text;
use crate::ui::desk::Shop;
use crate::ui::theme;
use crate::ui::widget::{monospace_block, page, panel, touch_button};
use iced::widget::{Column, button, column, container, radio, row, rule, scrollable, space, text, text_input};
use iced::{Element, Fill, FillPortion, Length};

const REPORT_TEXT: f32 = 14.0;

impl State {
    pub fn view<'a>(&'a self, shop: &'a Shop, i18n: &'a I18n) -> Element<'a, Message> {
        let title = match &self.opened_for {
            Some(Verdict::MustSettle { why, .. }) => why_text(*why, i18n),
            _ => i18n.t("eod-title"),
        };
        let back = (!self.is_working()).then_some(Message::Back);
        page(
            row![
                crate::ui::widget::screen_header(title, i18n.t("eod-back"), back),
                self.incidents_button(i18n),
            ]
            .spacing(theme::SPACING)
            .into(),
            crate::ui::widget::message_line(self.error.as_deref(), self.notice.as_deref()),
            vec![
                match &self.slip {
                    Some(form) => panel(super::slip_view::slip_side(form, &self.batches, i18n), 3),
                    None => panel(scrollable(self.card_side(shop, i18n)).height(Fill), 3),
                },
                panel(self.day_side(i18n), 2),
            ],
        )
    }

    fn card_side<'a>(&'a self, shop: &'a Shop, i18n: &'a I18n) -> Column<'a, Message> {
        let mut side = column![text(i18n.t("eod-batches")).size(theme::LARGE)].spacing(theme::SPACING);
        let holding: Vec<&BatchSummary> = self.batches.iter().filter(|b| b.view.payments > 0).collect();
        if holding.is_empty() {
            side = side.push(text(i18n.t("eod-no-batch")).size(theme::TEXT));
        }
        for batch in holding {
            side = side.push(batch_block(batch, i18n));
        }
        if self.in_doubt > 0 {
            side = side.push(
                container(text(
                    i18n.t_args("eod-in-doubt", &[("count", self.in_doubt.to_string())]),
                ))
                .style(theme::error_line)
                .padding([6.0, 10.0])
                .width(Fill),
            );
        }
        if let Some(lines) = &self.working {
            side = side.push(working_block(lines));
        } else {
            let mut actions = row![].spacing(theme::SPACING);
            if self.in_doubt > 0 && shop.card {
                actions = actions.push(
                    touch_button(i18n.t("eod-check-terminal"), Length::Shrink)
                        .style(button::primary)
                        .on_press(Message::CheckTerminal),
                );
            }
            if shop.card || self.standalone.is_some() {
                actions = actions.push(
                    touch_button(i18n.t("eod-settle"), Length::Shrink)
                        .style(button::success)
                        .on_press(Message::Settle),
                );
            }
            if self.batches.iter().any(|b| b.view.payments > 0) {
                actions = actions.push(
                    touch_button(i18n.t("eod-defer"), Length::Shrink)
                        .style(button::secondary)
                        .on_press(Message::OpenDefer),
                );
            }
            side = side.push(actions.wrap().vertical_spacing(theme::SPACING));
        }
        if let Some(form) = &self.defer {
            side = side.push(defer_form(form, i18n));
        }
        if let Some(last) = &self.last {
            let slip = self.standalone.is_some();
            side = side
                .push(rule::horizontal(1))
                .push(settlement_block(last, slip, shop.currency, i18n));
            if !last.reconciliation.is_match() && self.ack.is_none() {
                side = side.push(
                    touch_button(i18n.t("eod-acknowledge"), Length::Shrink)
                        .style(button::danger)
                        .on_press(Message::OpenAck),
                );
            }
        }
        if let Some(form) = &self.ack {
            side = side.push(ack_form(form, i18n));
        }
        if let Some(lost) = self.lost_section(i18n) {
            side = side.push(rule::horizontal(1)).push(lost);
        }
        side
    }

    /// "Incidents (N open)": red while any is open; also the way to closed ones.
    fn incidents_button<'a>(&self, i18n: &I18n) -> Element<'a, Message> {
        let label = i18n.t_args("incidents-open-button", &[("count", self.incidents_open.to_string())]);
        let style = if self.incidents_open > 0 {
            button::danger
        } else {
            button::secondary
        };
        touch_button(label, Length::Shrink)
            .style(style)
            .on_press_maybe((!self.is_working()).then_some(Message::OpenIncidents))
            .into()
    }

    fn day_side<'a>(&'a self, i18n: &'a I18n) -> Column<'a, Message> {
        let day = self.day.map(|d| d.to_string()).unwrap_or_default();
        let report: Element<'a, Message> = match (&self.closed, &self.slip) {
            (Some(closed), _) => monospace_block(closed, REPORT_TEXT),
            (None, Some(_)) => text(i18n.t("eod-slip-report-hidden")).size(theme::TEXT).into(),
            (None, None) => monospace_block(&self.report, REPORT_TEXT),
        };
        let counted = text_input(&i18n.t("eod-counted-placeholder"), &self.counted)
            .id(iced::widget::Id::new(COUNTED_ID))
            .on_input(Message::Counted)
            .on_submit(Message::CloseDay)
            .size(theme::LARGE)
            .padding(8);
        column![
            text(i18n.t_args("eod-day", &[("day", day)])).size(theme::LARGE),
            container(scrollable(report).height(Fill))
                .style(theme::paper)
                .padding(10)
                .width(Fill)
                .height(Fill),
            text(i18n.t("eod-counted")).size(theme::TEXT),
            counted,
            touch_button(i18n.t("eod-close-day"), Fill)
                .style(button::primary)
                .on_press_maybe((!self.counted.trim().is_empty()).then_some(Message::CloseDay)),
        ]
        .spacing(theme::SPACING)
    }
}

fn batch_block<'a>(batch: &'a BatchSummary, i18n: &'a I18n) -> Element<'a, Message> {
    let v = &batch.view;
    let mut block = column![
        text(i18n.t_args(
            "eod-batch-line",
            &[
                ("terminal", v.terminal.clone()),
                ("state", i18n.t(&format!("batch-{}", v.state.as_str()))),
                ("day", v.first_day.to_string()),
                ("count", v.payments.to_string()),
                ("amount", v.amount.display()),
            ],
        ))
        .size(theme::TEXT)
    ]
    .spacing(2);
    for (group, count, amount) in &batch.per_card {
        let args = [
            ("card", group.clone()),
            ("count", count.to_string()),
            ("amount", amount.display()),
        ];
        block = block.push(text(format!("    {}", i18n.t_args("eod-card-line", &args))).size(theme::SMALL));
    }
    if let Some(error) = &batch.last_error {
        block = block.push(
            text(i18n.t_args("eod-last-error", &[("reason", error.clone())]))
                .size(theme::SMALL)
                .style(text::danger),
        );
    }
    block.into()
}

fn working_block(lines: &[String]) -> Element<'_, Message> {
    let mut block = Column::new().spacing(4);
    let last = lines.len().saturating_sub(1);
    for (i, line) in lines.iter().enumerate() {
        let size = if i == last { theme::LARGE } else { theme::SMALL };
        block = block.push(text(line.as_str()).size(size));
    }
    container(block)
        .style(theme::notice_line)
        .padding(12)
        .width(Fill)
        .into()
}

/// Terminal totals beside the ledger's, per card group, then the differences. `slip`: the
/// totals were typed from a standalone terminal's slip (groups are schemes, or "total").
fn settlement_block<'a>(s: &'a Settlement, slip: bool, currency: Currency, i18n: &'a I18n) -> Element<'a, Message> {
    let group_name = |group: &str| {
        if slip {
            super::slip::scheme_label(i18n, group)
        } else {
            group.to_string()
        }
    };
    let (verdict, style): (String, fn(&iced::Theme) -> container::Style) = match &s.reconciliation {
        Reconciliation::Match => (i18n.t("eod-match"), theme::notice_line),
        Reconciliation::Mismatch(_) => (i18n.t("eod-mismatch"), theme::error_line),
    };
    let mut block = column![
        container(text(verdict).size(theme::LARGE))
            .style(style)
            .padding(8)
            .width(Fill)
    ]
    .spacing(theme::SPACING);
    let heading = row![
        text(i18n.t("eod-col-card")).width(FillPortion(2)),
        text(i18n.t("eod-col-terminal")).width(FillPortion(3)),
        text(i18n.t("eod-col-ledger")).width(FillPortion(3)),
    ];
    block = block.push(heading);
    let deltas = match &s.reconciliation {
        Reconciliation::Mismatch(d) => d.per_card.clone(),
        Reconciliation::Match => Vec::new(),
    };
    // Card groups the terminal reports as empty are left out, unless the ledger disagrees.
    let terminal_rows: Vec<(String, u32, i64)> = s
        .totals
        .as_ref()
        .map(|t| t.per_card.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|(group, count, minor)| *count > 0 || *minor != 0 || deltas.iter().any(|d| &d.card_type == group))
        .collect();
    for (group, count, minor) in &terminal_rows {
        let terminal = format!("{count} · {}", Money::from_minor(*minor, currency).display());
        let ledger = match deltas.iter().find(|d| &d.card_type == group) {
            Some(d) => format!("{} · {}", d.ledger_count, d.ledger_amount.display()),
            None => terminal.clone(),
        };
        block = block.push(row![
            text(group_name(group)).width(FillPortion(2)),
            text(terminal).width(FillPortion(3)),
            text(ledger).width(FillPortion(3)),
        ]);
    }
    for d in deltas
        .iter()
        .filter(|d| !terminal_rows.iter().any(|(g, _, _)| g == &d.card_type))
    {
        block = block.push(row![
            text(group_name(&d.card_type)).width(FillPortion(2)),
            text(format!("{} · {}", d.terminal_count, d.terminal_amount.display())).width(FillPortion(3)),
            text(format!("{} · {}", d.ledger_count, d.ledger_amount.display())).width(FillPortion(3)),
        ]);
    }
    if let Some((from, to)) = s.totals.as_ref().and_then(|t| t.receipt_range) {
        block = block.push(text(i18n.t_args(
            "eod-receipt-range",
            &[("from", from.to_string()), ("to", to.to_string())],
        )));
    }
    if let Reconciliation::Mismatch(d) = &s.reconciliation {
        if !d.missing_in_ledger.is_empty() {
            let list: Vec<String> = d.missing_in_ledger.iter().map(u32::to_string).collect();
            block = block.push(text(i18n.t_args("eod-missing", &[("receipts", list.join(", "))])).style(text::danger));
        }
        if !d.outside_range.is_empty() {
            let list: Vec<String> = d
                .outside_range
                .iter()
                .map(|(id, no)| format!("#{id} ({})", no.map(|n| n.to_string()).unwrap_or_else(|| "-".into())))
                .collect();
            block = block.push(text(i18n.t_args("eod-outside", &[("list", list.join(", "))])).style(text::danger));
        }
    }
    if !s.receipt_lines.is_empty() {
        block = block.push(
            container(monospace_block(&s.receipt_lines.join("\n"), REPORT_TEXT))
                .style(theme::paper)
                .padding(8),
        );
    }
    block.into()
}

fn defer_form<'a>(form: &'a DeferForm, i18n: &'a I18n) -> Element<'a, Message> {
    let mut reasons = Column::new().spacing(6);
    for choice in REASONS {
        reasons = reasons.push(radio(choice.label(i18n), choice, Some(form.reason), |c| {
            Message::Defer(DeferEdit::Reason(c))
        }));
    }
    let mut block = column![
        text(i18n.t("eod-defer-title")).size(theme::LARGE),
        reasons,
        text_input(&i18n.t("eod-defer-text"), &form.text).on_input(|t| Message::Defer(DeferEdit::Text(t))),
        text(i18n.t_args("eod-defer-until", &[("limit", form.limit.clone())])),
        text_input("HH:MM", &form.until).on_input(|t| Message::Defer(DeferEdit::Until(t))),
        text(i18n.t("eod-pin")),
        text_input("••••", &form.pin)
            .id(iced::widget::Id::new(PIN_ID))
            .secure(true)
            .on_input(|t| Message::Defer(DeferEdit::Pin(t)))
            .on_submit(Message::SubmitDefer),
    ]
    .spacing(6);
    if let Some(error) = &form.error {
        block = block.push(text(error.as_str()).style(text::danger));
    }
    block = block.push(
        row![
            touch_button(i18n.t("eod-defer-submit"), Length::Shrink)
                .style(button::primary)
                .on_press(Message::SubmitDefer),
            touch_button(i18n.t("eod-cancel"), Length::Shrink)
                .style(button::secondary)
                .on_press(Message::CancelForm),
            space::horizontal(),
        ]
        .spacing(theme::SPACING),
    );
    container(block).style(theme::panel).padding(12).width(Fill).into()
}

fn ack_form<'a>(form: &'a AckForm, i18n: &'a I18n) -> Element<'a, Message> {
    let mut block = column![
        text(i18n.t("eod-ack-title")).size(theme::LARGE),
        text_input(&i18n.t("eod-ack-note"), &form.note).on_input(|t| Message::Ack(AckEdit::Note(t))),
        text(i18n.t("eod-pin")),
        text_input("••••", &form.pin)
            .id(iced::widget::Id::new(PIN_ID))
            .secure(true)
            .on_input(|t| Message::Ack(AckEdit::Pin(t)))
            .on_submit(Message::SubmitAck),
    ]
    .spacing(6);
    if let Some(error) = &form.error {
        block = block.push(text(error.as_str()).style(text::danger));
    }
    block = block.push(
        row![
            touch_button(i18n.t("eod-ack-submit"), Length::Shrink)
                .style(button::danger)
                .on_press(Message::SubmitAck),
            touch_button(i18n.t("eod-cancel"), Length::Shrink)
                .style(button::secondary)
                .on_press(Message::CancelForm),
        ]
        .spacing(theme::SPACING),
    );
    container(block).style(theme::panel).padding(12).width(Fill).into()
}
