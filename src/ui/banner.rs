//! The guard banner, always on screen: green when no card batch holds money, amber while a
//! batch is open (with the countdown to the terminal's clear time) or deferred, red when the
//! batch must be settled now. Its button opens the end-of-day screen.

use super::theme;
use crate::i18n::I18n;
use crate::money::{Currency, Money};
use crate::settlement::batch::{BatchView, DeferReason};
use crate::settlement::guard::{Verdict, Why};
use iced::widget::{button, container, row, space, text};
use iced::{Center, Element, Fill, Theme};
use jiff::tz::TimeZone;

/// The banner's id, for tests and for reading it on screen.
pub const BANNER_ID: &str = "guard-banner";
/// The printer strip's id.
pub const PRINT_BACKLOG_ID: &str = "print-backlog";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Settled,
    Open,
    Urgent,
}

/// The banner's level and words for a verdict and the unsettled batches. `blind`: a slip's
/// totals are being typed, so the till's own count and amount stay out of sight.
pub fn describe(
    verdict: &Verdict,
    batches: &[BatchView],
    currency: Currency,
    time_zone: &TimeZone,
    i18n: &I18n,
    blind: bool,
) -> (Level, String) {
    let holding: Vec<&BatchView> = batches.iter().filter(|b| b.payments > 0).collect();
    let count: u64 = holding.iter().map(|b| b.payments).sum();
    let amount = holding
        .iter()
        .fold(Money::zero(currency), |sum, b| sum + b.amount)
        .display();
    let open = || {
        if blind {
            return i18n.t("banner-open-blind");
        }
        i18n.t_args(
            "banner-open",
            &[("count", count.to_string()), ("amount", amount.clone())],
        )
    };
    match verdict {
        Verdict::Clear if holding.is_empty() => (Level::Settled, i18n.t("banner-clear")),
        Verdict::Clear => (Level::Open, open()),
        Verdict::Remind { minutes, .. } => (
            Level::Open,
            format!(
                "{} · {}",
                open(),
                i18n.t_args("banner-remind", &[("minutes", minutes.to_string())])
            ),
        ),
        Verdict::MustSettle { why, .. } => (Level::Urgent, format!("{} · {}", why_text(*why, i18n), open())),
        Verdict::Deferred { until, by, reason } => {
            let until = until.to_zoned(time_zone.clone()).strftime("%H:%M").to_string();
            let args = [
                ("until", until),
                ("by", by.clone()),
                ("reason", reason_text(reason, i18n)),
            ];
            (
                Level::Open,
                format!("{} · {}", i18n.t_args("banner-deferred", &args), open()),
            )
        }
    }
}

pub fn why_text(why: Why, i18n: &I18n) -> String {
    i18n.t(match why {
        Why::QuitRequested => "why-quit",
        Why::DayChanged => "why-day-changed",
        Why::EarlierDayUnsettled => "why-earlier-day",
        Why::AutoClearImminent => "why-auto-clear",
        Why::PaymentInDoubt => "why-in-doubt",
    })
}

pub fn reason_text(reason: &DeferReason, i18n: &I18n) -> String {
    match reason {
        DeferReason::TerminalOffline => i18n.t("defer-terminal-offline"),
        DeferReason::HostUnreachable => i18n.t("defer-host-unreachable"),
        DeferReason::AcquirerMaintenance => i18n.t("defer-acquirer-maintenance"),
        DeferReason::Other(text) => text.clone(),
    }
}

/// The strip itself; `open_end_of_day` is the message its button sends (none: no button).
pub fn view<'a, Message: Clone + 'a>(
    level: Level,
    words: String,
    i18n: &I18n,
    open_end_of_day: Option<Message>,
) -> Element<'a, Message> {
    let style: fn(&Theme) -> container::Style = match level {
        Level::Settled => theme::notice_line,
        Level::Open => theme::demo_badge,
        Level::Urgent => theme::error_line,
    };
    let mut strip = row![text(words).size(theme::TEXT), space::horizontal()]
        .spacing(theme::SPACING)
        .align_y(Center);
    if let Some(message) = open_end_of_day {
        strip = strip.push(
            button(text(i18n.t("banner-end-of-day")).size(theme::TEXT))
                .style(button::secondary)
                .on_press(message),
        );
    }
    container(strip)
        .id(iced::widget::Id::new(BANNER_ID))
        .style(style)
        .padding([6.0, 12.0])
        .width(Fill)
        .into()
}

/// The printer strip: shown while printouts wait in the queue, with a button that sends them.
pub fn print_backlog<'a, Message: Clone + 'a>(
    count: usize,
    reason: &str,
    i18n: &I18n,
    resend: Message,
) -> Element<'a, Message> {
    let words = i18n.t_args(
        "ui-print-backlog",
        &[("count", count.to_string()), ("reason", reason.to_string())],
    );
    let strip = row![
        text(words).size(theme::TEXT).width(Fill),
        button(text(i18n.t("ui-print-resend")).size(theme::TEXT))
            .style(button::secondary)
            .on_press(resend),
    ]
    .spacing(theme::SPACING)
    .align_y(Center);
    container(strip)
        .id(iced::widget::Id::new(PRINT_BACKLOG_ID))
        .style(theme::error_line)
        .padding([6.0, 12.0])
        .width(Fill)
        .into()
}
