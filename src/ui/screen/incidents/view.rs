//! Layout of the incidents screen: the list on the left, the picked incident on the right
//! (its record, who was told, and the manager's write-up with its buttons).

use super::{CAUSE_ID, Message, PIN_ID, REMEDY_ID, Selected, State};
use crate::alert::Channel;
use crate::i18n::I18n;
use crate::incident::{Incident, kind_title};
use crate::store::{AlertState, QueuedAlert};
use crate::ui::desk::Shop;
use crate::ui::theme;
use crate::ui::widget::{message_line, page, panel, screen_header, touch_button};
use iced::widget::{Column, button, checkbox, column, container, row, rule, scrollable, text, text_input};
use iced::{Element, Fill, Length};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A moment as the shop's clock shows it.
fn local(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string()
}

impl State {
    pub fn view<'a>(&'a self, shop: &'a Shop, i18n: &'a I18n) -> Element<'a, Message> {
        let detail: Element<'a, Message> = match &self.selected {
            // Room on the right for the scrollbar, which would cover the fields' edge.
            Some(selected) => self
                .detail(selected, &shop.time_zone, i18n)
                .padding(iced::Padding::ZERO.right(16))
                .into(),
            None => text(i18n.t("incidents-pick")).size(theme::TEXT).into(),
        };
        page(
            screen_header(i18n.t("incidents-title"), i18n.t("incidents-back"), Some(Message::Back)),
            message_line(self.error.as_deref(), self.notice.as_deref()),
            vec![
                panel(scrollable(self.list(&shop.time_zone, i18n)).height(Fill), 2),
                panel(scrollable(detail).height(Fill), 3),
            ],
        )
    }

    fn list<'a>(&'a self, tz: &TimeZone, i18n: &'a I18n) -> Column<'a, Message> {
        let toggle = checkbox(self.show_closed)
            .label(i18n.t("incidents-show-closed"))
            .text_size(theme::TEXT)
            .on_toggle(Message::ShowClosed);
        let mut list = column![toggle].spacing(theme::SPACING);
        if self.incidents.is_empty() {
            let none = if self.show_closed {
                "incidents-none"
            } else {
                "incidents-none-open"
            };
            list = list.push(text(i18n.t(none)).size(theme::TEXT));
        }
        let picked = self.selected.as_ref().map(|s| s.incident.id);
        for incident in &self.incidents {
            let style = if picked == Some(incident.id) {
                button::primary
            } else if incident.is_open() {
                button::secondary
            } else {
                button::text
            };
            let entry = column![
                text(i18n.t_args(
                    "incidents-row",
                    &[
                        ("id", incident.id.to_string()),
                        ("title", kind_title(incident.kind, i18n)),
                    ],
                ))
                .size(theme::TEXT),
                text(facts(incident, tz, i18n)).size(theme::SMALL),
            ]
            .spacing(2);
            list = list.push(
                button(entry)
                    .style(style)
                    .width(Fill)
                    .padding([8.0, 12.0])
                    .on_press(Message::Select(incident.id)),
            );
        }
        list
    }

    fn detail<'a>(&'a self, selected: &'a Selected, tz: &TimeZone, i18n: &'a I18n) -> Column<'a, Message> {
        let i = &selected.incident;
        let title = i18n.t_args(
            "incidents-row",
            &[("id", i.id.to_string()), ("title", kind_title(i.kind, i18n))],
        );
        let mut block = column![
            text(title).size(theme::LARGE),
            text(facts(i, tz, i18n)).size(theme::TEXT),
            text(i18n.t("incident-alert-what")).size(theme::SMALL),
            text(i.what.as_str()).size(theme::TEXT),
            text(i18n.t("incident-alert-action")).size(theme::SMALL),
            text(i.action.as_str()).size(theme::TEXT),
            rule::horizontal(1),
            text(i18n.t("incidents-told")).size(theme::SMALL),
        ]
        .spacing(6);
        if selected.alerts.is_empty() {
            block = block.push(text(i18n.t("incidents-told-none")).size(theme::TEXT));
        }
        for alert in &selected.alerts {
            block = block.push(alert_line(alert, tz, i18n));
        }
        block = block.push(rule::horizontal(1));
        if let Some(stamp) = &i.updated {
            let args = [("by", stamp.by.clone()), ("at", local(stamp.at, tz))];
            block = block.push(text(i18n.t_args("incidents-updated", &args)).size(theme::SMALL));
        }
        match &i.closed {
            Some(stamp) => {
                let args = [("by", stamp.by.clone()), ("at", local(stamp.at, tz))];
                block = block
                    .push(text(i18n.t("print-incident-cause")).size(theme::SMALL))
                    .push(text(i.cause.as_str()).size(theme::TEXT))
                    .push(text(i18n.t("print-incident-remedy")).size(theme::SMALL))
                    .push(text(i.remedy.as_str()).size(theme::TEXT))
                    .push(
                        container(text(i18n.t_args("print-incident-closed", &args)).size(theme::TEXT))
                            .style(theme::notice_line)
                            .padding([6.0, 10.0])
                            .width(Fill),
                    );
            }
            None => block = block.push(self.write_up(selected, i18n)),
        }
        block.push(
            row![
                touch_button(i18n.t("incidents-print"), Length::Shrink)
                    .style(button::secondary)
                    .on_press(Message::Print),
                touch_button(i18n.t("incidents-export"), Length::Shrink)
                    .style(button::secondary)
                    .on_press(Message::Export),
            ]
            .spacing(theme::SPACING),
        )
    }

    /// The manager's fields: cause, remedy, a manager's PIN for a cashier, Save and Close.
    fn write_up<'a>(&'a self, selected: &'a Selected, i18n: &'a I18n) -> Column<'a, Message> {
        let field = |id: &'static str, hint: &str, value: &'a str, on_input: fn(String) -> Message| {
            text_input(hint, value)
                .id(iced::widget::Id::new(id))
                .on_input(on_input)
                .on_submit(Message::Save)
                .size(theme::TEXT)
                .padding(8)
        };
        let mut form = column![
            text(i18n.t("print-incident-cause")).size(theme::SMALL),
            field(
                CAUSE_ID,
                &i18n.t("incidents-cause-hint"),
                &selected.cause,
                Message::Cause
            ),
            text(i18n.t("print-incident-remedy")).size(theme::SMALL),
            field(
                REMEDY_ID,
                &i18n.t("incidents-remedy-hint"),
                &selected.remedy,
                Message::Remedy
            ),
        ]
        .spacing(6);
        if self.gate && self.approval.is_none() {
            form = form.push(text(i18n.t("incidents-pin")).size(theme::SMALL)).push(
                text_input("••••", &self.pin)
                    .id(iced::widget::Id::new(PIN_ID))
                    .secure(true)
                    .on_input(Message::Pin)
                    .on_submit(Message::Save)
                    .size(theme::TEXT)
                    .padding(8)
                    .width(Length::Fixed(200.0)),
            );
        }
        form.push(
            row![
                touch_button(i18n.t("incidents-save"), Length::Shrink)
                    .style(button::primary)
                    .on_press(Message::Save),
                touch_button(i18n.t("incidents-close"), Length::Shrink)
                    .style(button::success)
                    .on_press(Message::Close),
            ]
            .spacing(theme::SPACING),
        )
    }
}

/// "Opened …, amount, terminal …, batch #…" (and when it was closed) in one line.
fn facts(i: &Incident, tz: &TimeZone, i18n: &I18n) -> String {
    let mut parts = vec![i18n.t_args("incidents-row-opened", &[("at", local(i.opened_at, tz))])];
    if let Some(amount) = &i.amount {
        parts.push(amount.display());
    }
    if let Some(terminal) = &i.terminal {
        parts.push(i18n.t_args("incidents-row-terminal", &[("terminal", terminal.clone())]));
    }
    if let Some(batch) = i.batch_id {
        parts.push(i18n.t_args("incidents-row-batch", &[("batch", batch.to_string())]));
    }
    if let Some(closed) = &i.closed {
        parts.push(i18n.t_args("incidents-row-closed", &[("at", local(closed.at, tz))]));
    }
    parts.join(" · ")
}

/// One alert: where it went, and whether it arrived or is still being tried (and why not).
fn alert_line<'a>(alert: &QueuedAlert, tz: &TimeZone, i18n: &I18n) -> Element<'a, Message> {
    let channel = i18n.t(match alert.channel {
        Channel::Webhook => "incidents-channel-webhook",
        Channel::Email => "incidents-channel-email",
    });
    let line = match &alert.state {
        AlertState::Sent { at } => i18n.t_args("incidents-alert-sent", &[("channel", channel), ("at", local(*at, tz))]),
        AlertState::Waiting { next } => i18n.t_args(
            "incidents-alert-waiting",
            &[
                ("channel", channel),
                ("attempts", alert.attempts.to_string()),
                ("next", local(*next, tz)),
            ],
        ),
    };
    let mut block = column![text(line).size(theme::TEXT)].spacing(2);
    if let Some(error) = &alert.last_error {
        block = block.push(
            text(i18n.t_args("incidents-alert-error", &[("error", error.clone())]))
                .size(theme::SMALL)
                .style(text::danger),
        );
    }
    block.into()
}
