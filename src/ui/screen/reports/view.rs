//! Layout of the reports screen: the days on the left; the chosen day's chart, report and
//! buttons in the middle; the printouts waiting for the printer on the right.

use super::{Message, RANGE_FROM_ID, RANGE_UNTIL_ID, State};
use crate::i18n::I18n;
use crate::ui::desk::Shop;
use crate::ui::theme;
use crate::ui::widget::{message_line, monospace_block, page, panel, screen_header, touch_button};
use iced::widget::{Column, button, column, container, row, scrollable, space, text, text_input};
use iced::{Center, Element, Fill, Length};

const REPORT_TEXT: f32 = 13.0;
/// The longest bar of the hourly chart, in pixels.
const BAR: f32 = 180.0;
/// The longest bar of the two smaller charts side by side under it.
const SMALL_BAR: f32 = 90.0;

/// One bar of a chart: what it is, its length as a share of the longest (0 to 1), and the
/// figures written beside it, so the chart reads without colour.
struct Bar {
    label: String,
    share: f32,
    figures: String,
}

/// A titled bar chart: label, bar, figures on each row.
fn bar_chart<'a>(title: String, empty: String, bars: Vec<Bar>, label_width: f32, longest: f32) -> Column<'a, Message> {
    let mut chart = column![text(title).size(theme::TEXT)].spacing(4);
    if bars.is_empty() {
        chart = chart.push(text(empty).size(theme::SMALL));
    }
    for b in bars {
        let bar = container(space())
            .width(Length::Fixed((longest * b.share.clamp(0.0, 1.0)).max(2.0)))
            .height(Length::Fixed(14.0))
            .style(theme::chart_bar);
        chart = chart.push(
            row![
                text(b.label).size(theme::SMALL).width(Length::Fixed(label_width)),
                bar,
                text(b.figures).size(theme::SMALL),
            ]
            .spacing(theme::SPACING)
            .align_y(Center),
        );
    }
    chart
}

/// `part / whole` as a bar length (f32 only for drawing; 0 when there is no whole).
fn share(part: rust_decimal::Decimal, whole: Option<rust_decimal::Decimal>) -> f32 {
    match whole.filter(|w| !w.is_zero()) {
        Some(w) => (part / w).try_into().unwrap_or(0.0f32),
        None => 0.0,
    }
}

impl State {
    pub fn view<'a>(&'a self, _shop: &'a Shop, i18n: &'a I18n) -> Element<'a, Message> {
        page(
            screen_header(i18n.t("reports-title"), i18n.t("reports-back"), Some(Message::Back)),
            message_line(self.error.as_deref(), self.notice.as_deref()),
            vec![
                panel(scrollable(self.day_list(i18n)).height(Fill), 2),
                panel(self.day(i18n), 4),
                panel(scrollable(self.queue_list(i18n)).height(Fill), 2),
            ],
        )
    }

    fn day_list<'a>(&'a self, i18n: &'a I18n) -> Column<'a, Message> {
        let mut list = column![text(i18n.t("reports-days")).size(theme::LARGE)].spacing(6);
        if self.days.is_empty() {
            list = list.push(text(i18n.t("reports-no-days")).size(theme::TEXT));
        }
        for d in &self.days {
            let closed = match d.z_number {
                Some(z) => i18n.t_args("reports-day-closed", &[("number", z.to_string())]),
                None => i18n.t("reports-day-open"),
            };
            let label = column![
                text(d.day.to_string()).size(theme::TEXT),
                text(format!(
                    "{} · {} · {closed}",
                    i18n.t_args("reports-day-sales", &[("count", d.sales_count.to_string())]),
                    (d.sales_total + d.refunds_total).display()
                ))
                .size(theme::SMALL),
            ];
            let style = if self.selected == Some(d.day) {
                button::primary
            } else {
                button::secondary
            };
            list = list.push(button(label).width(Fill).style(style).on_press(Message::Select(d.day)));
        }
        list
    }

    fn day<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        if self.selected.is_none() {
            return text(i18n.t("reports-no-days")).size(theme::TEXT).into();
        }
        let max = self.hourly.iter().map(|b| b.total.amount()).max();
        let hours = self
            .hourly
            .iter()
            .map(|b| Bar {
                label: format!("{:02}:00", b.hour),
                share: share(b.total.amount(), max),
                figures: format!("{} ({})", b.total.display(), b.count),
            })
            .collect();
        let chart = column![
            bar_chart(i18n.t("reports-per-hour"), i18n.t("reports-no-sales"), hours, 48.0, BAR),
            row![self.tender_chart(i18n), self.card_type_chart(i18n)].spacing(theme::SPACING * 2.0),
        ]
        .spacing(theme::SPACING);
        let print = match self.z_number {
            Some(_) => i18n.t("reports-reprint-z"),
            None => i18n.t("reports-print-x"),
        };
        column![
            chart,
            container(scrollable(monospace_block(&self.report, REPORT_TEXT)).height(Fill))
                .style(theme::paper)
                .padding(10)
                .width(Fill)
                .height(Fill),
            self.sale_list(i18n),
            row![
                touch_button(print, Fill)
                    .style(button::primary)
                    .on_press(Message::Print),
                touch_button(i18n.t("reports-export"), Fill)
                    .style(button::secondary)
                    .on_press(Message::Export),
            ]
            .spacing(theme::SPACING),
            row![
                text(i18n.t("reports-range")).size(theme::TEXT),
                text_input("YYYY-MM-DD", &self.range_from)
                    .id(iced::widget::Id::new(RANGE_FROM_ID))
                    .on_input(Message::RangeFrom)
                    .on_submit(Message::ExportRange)
                    .size(theme::TEXT)
                    .width(Length::Fixed(150.0)),
                text("–").size(theme::TEXT),
                text_input("YYYY-MM-DD", &self.range_until)
                    .id(iced::widget::Id::new(RANGE_UNTIL_ID))
                    .on_input(Message::RangeUntil)
                    .on_submit(Message::ExportRange)
                    .size(theme::TEXT)
                    .width(Length::Fixed(150.0)),
                touch_button(i18n.t("reports-export-range"), Fill)
                    .style(button::secondary)
                    .on_press(Message::ExportRange),
            ]
            .spacing(theme::SPACING)
            .align_y(Center),
        ]
        .spacing(theme::SPACING)
        .into()
    }

    /// Cash, card and manual card: each tender's takings and its share of the day's.
    fn tender_chart<'a>(&'a self, i18n: &'a I18n) -> Column<'a, Message> {
        let takings = self.tender_mix.iter().any(|t| t.percent > rust_decimal::Decimal::ZERO);
        let bars = self
            .tender_mix
            .iter()
            .filter(|_| takings)
            .map(|t| Bar {
                label: i18n.t(&format!("tender-{}", t.method.as_str())),
                share: share(t.percent, Some(rust_decimal::Decimal::ONE_HUNDRED)),
                figures: format!("{} · {}%", t.amount.display(), t.percent),
            })
            .collect();
        bar_chart(
            i18n.t("reports-tender-mix"),
            i18n.t("reports-no-payments"),
            bars,
            110.0,
            SMALL_BAR,
        )
    }

    /// The approved card payments per card type: count and amount.
    fn card_type_chart<'a>(&'a self, i18n: &'a I18n) -> Column<'a, Message> {
        let max = self.card_types.iter().map(|b| b.amount.amount()).max();
        let bars = self
            .card_types
            .iter()
            .map(|b| Bar {
                label: b.card_type.clone().unwrap_or_else(|| i18n.t("reports-card-unknown")),
                share: share(b.amount.amount(), max),
                figures: format!("{} ({})", b.amount.display(), b.count),
            })
            .collect();
        bar_chart(
            i18n.t("reports-card-types"),
            i18n.t("reports-no-cards"),
            bars,
            90.0,
            SMALL_BAR,
        )
    }

    /// The day's sales, newest first, each with a reprint button.
    fn sale_list<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let mut list = column![].spacing(4);
        for s in self.sales.iter().rev() {
            let kind = if s.kind == "refund" {
                i18n.t("reports-sale-refund")
            } else {
                String::new()
            };
            list = list.push(
                row![
                    text(format!("{:06} {kind}", s.id)).size(theme::SMALL).width(Fill),
                    text(s.total.display()).size(theme::SMALL),
                    button(text(i18n.t("ui-print-reprint")).size(theme::SMALL))
                        .style(button::secondary)
                        .on_press(Message::ReprintSale(s.id)),
                ]
                .spacing(theme::SPACING)
                .align_y(Center),
            );
        }
        scrollable(list).height(Length::Fixed(120.0)).into()
    }

    fn queue_list<'a>(&'a self, i18n: &'a I18n) -> Column<'a, Message> {
        let mut list = column![text(i18n.t("reports-queue")).size(theme::LARGE)].spacing(6);
        if self.queue.is_empty() {
            list = list.push(text(i18n.t("reports-queue-empty")).size(theme::TEXT));
        }
        for j in &self.queue {
            let kind = i18n.t(&format!("print-kind-{}", j.kind.replace('_', "-")));
            let what = i18n.t_args(
                "reports-queue-job",
                &[
                    ("job", j.id.to_string()),
                    ("kind", kind),
                    ("reference", j.reference.clone().unwrap_or_default()),
                ],
            );
            let error = j.last_error.clone().unwrap_or_else(|| i18n.t("reports-queue-waiting"));
            list = list.push(
                column![
                    text(what).size(theme::TEXT),
                    text(error).size(theme::SMALL).style(text::danger),
                    button(text(i18n.t("ui-print-reprint")).size(theme::SMALL))
                        .style(button::secondary)
                        .on_press(Message::Reprint(j.id)),
                ]
                .spacing(4),
            );
        }
        list
    }
}
