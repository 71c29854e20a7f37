//! The device health panel: for the card terminal and the receipt printer, whether they
//! answer, when they last did, their last error and how long they have been up (or down).
//! View only, with no messages of its own, so any screen can show it.

use crate::health::{DeviceHealth, Health, Status};
use crate::i18n::I18n;
use crate::ui::theme;
use iced::widget::{column, container, row, text};
use iced::{Element, Fill};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// The panel's container, for tests and for screens that place it.
pub const HEALTH_ID: &str = "device-health";

pub fn view<'a, Message: 'a>(health: &Health, now: Timestamp, tz: &TimeZone, i18n: &I18n) -> Element<'a, Message> {
    let devices = row![
        device(&health.terminal, i18n.t("health-terminal"), now, tz, i18n),
        device(&health.printer, i18n.t("health-printer"), now, tz, i18n),
    ]
    .spacing(theme::SPACING * 2.0);
    container(column![text(i18n.t("health-title")).size(theme::TEXT), devices].spacing(theme::SPACING / 2.0))
        .id(iced::widget::Id::new(HEALTH_ID))
        .style(theme::panel)
        .padding(theme::SPACING)
        .width(Fill)
        .into()
}

fn device<'a, Message: 'a>(
    health: &DeviceHealth,
    name: String,
    now: Timestamp,
    tz: &TimeZone,
    i18n: &I18n,
) -> Element<'a, Message> {
    let status = match health.status() {
        Status::Online => text(i18n.t("health-online")).style(text::success),
        Status::Offline => text(i18n.t("health-offline")).style(text::danger),
        Status::Unknown => text(i18n.t("health-unknown")),
    };
    let seen = health
        .last_seen()
        .map_or_else(|| i18n.t("health-never"), |t| when(t, now, tz));
    let mut lines = column![
        row![text(name).size(theme::TEXT), status.size(theme::TEXT)].spacing(theme::SPACING),
        small(i18n.t_args("health-last-seen", &[("at", seen)])),
    ]
    .spacing(2.0);
    if let Some(d) = health.offline_for(now) {
        lines = lines.push(small(i18n.t_args("health-offline-for", &[("duration", span(d, i18n))])));
    } else if let Some(d) = health.uptime(now) {
        lines = lines.push(small(i18n.t_args("health-uptime", &[("duration", span(d, i18n))])));
    }
    lines = lines.push(match health.last_error() {
        Some(e) => small(i18n.t_args(
            "health-last-error",
            &[("at", when(e.at, now, tz)), ("error", e.text.clone())],
        ))
        .style(text::danger),
        None => small(i18n.t("health-no-error")),
    });
    lines.width(Fill).into()
}

fn small<'a>(words: String) -> iced::widget::Text<'a> {
    text(words).size(theme::SMALL)
}

/// A time of today as its clock time; an earlier one with its date.
fn when(at: Timestamp, now: Timestamp, tz: &TimeZone) -> String {
    let at = at.to_zoned(tz.clone());
    if at.date() == now.to_zoned(tz.clone()).date() {
        at.strftime("%H:%M:%S").to_string()
    } else {
        at.strftime("%Y-%m-%d %H:%M").to_string()
    }
}

/// A duration in words, to the second below a minute and to the minute above.
pub fn span(d: SignedDuration, i18n: &I18n) -> String {
    let secs = d.as_secs().max(0);
    let (days, hours, minutes) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60);
    let n = |v: i64| v.to_string();
    if secs < 60 {
        i18n.t_args("health-seconds", &[("s", n(secs))])
    } else if secs < 3_600 {
        i18n.t_args("health-minutes", &[("m", n(minutes))])
    } else if secs < 86_400 {
        i18n.t_args("health-hours", &[("h", n(hours)), ("m", n(minutes))])
    } else {
        i18n.t_args("health-days", &[("d", n(days)), ("h", n(hours))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;

    #[test]
    fn durations_read_in_both_languages() {
        let en = I18n::new(Language::En);
        let zh = I18n::new(Language::Zh);
        assert_eq!(span(SignedDuration::from_secs(42), &en), "42 s");
        assert_eq!(span(SignedDuration::from_mins(11), &en), "11 min");
        assert_eq!(span(SignedDuration::from_mins(125), &en), "2 h 5 min");
        assert_eq!(span(SignedDuration::from_hours(50), &en), "2 d 2 h");
        assert_eq!(span(SignedDuration::from_mins(11), &zh), "11 分钟");
        assert_eq!(span(SignedDuration::from_secs(-5), &zh), "0 秒");
    }

    #[test]
    fn times_of_today_leave_the_date_out() {
        let now: Timestamp = "2026-03-14T04:00:00Z".parse().expect("timestamp");
        assert_eq!(
            when(now - SignedDuration::from_mins(5), now, &TimeZone::UTC),
            "03:55:00"
        );
        assert_eq!(
            when(now - SignedDuration::from_hours(6), now, &TimeZone::UTC),
            "2026-03-13 22:00"
        );
    }
}
