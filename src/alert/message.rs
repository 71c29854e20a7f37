//! What an alert says: the e-mail's subject and text and the webhook's JSON, from an incident.

use super::AlertMessage;
use crate::i18n::I18n;
use crate::incident::{Incident, kind_title};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::json;

/// Which shop and till an alert comes from (a manager may look after several).
#[derive(Debug, Clone)]
pub struct Origin {
    pub shop: String,
    pub till_id: String,
    pub time_zone: TimeZone,
    /// A training till's alerts are never queued; the flag is in the JSON all the same.
    pub training: bool,
}

fn local(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M:%S %Z").to_string()
}

/// The alert for a newly opened incident.
pub fn for_incident(incident: &Incident, origin: &Origin, i18n: &I18n) -> AlertMessage {
    let title = kind_title(incident.kind, i18n);
    let subject = i18n.t_args(
        "incident-alert-subject",
        &[
            ("shop", origin.shop.clone()),
            ("title", title.clone()),
            ("id", incident.id.to_string()),
        ],
    );
    let mut lines = Vec::new();
    if origin.training {
        lines.push(i18n.t("incident-alert-training"));
    }
    lines.push(title.clone());
    lines.push(String::new());
    let mut field = |key: &str, value: String| lines.push(format!("{}: {value}", i18n.t(key)));
    field("incident-alert-opened", local(incident.opened_at, &origin.time_zone));
    if let Some(amount) = incident.amount {
        field("incident-alert-amount", amount.display());
    }
    if let Some(terminal) = &incident.terminal {
        field("incident-alert-terminal", terminal.clone());
    }
    if let Some(batch) = incident.batch_id {
        field("incident-alert-batch", format!("#{batch}"));
    }
    field("incident-alert-what", incident.what.clone());
    field("incident-alert-action", incident.action.clone());
    lines.push(String::new());
    lines.push(i18n.t("incident-alert-footer"));
    let json = json!({
        "event": "incident",
        "shop": origin.shop,
        "till": origin.till_id,
        "training": origin.training,
        "incident": {
            "id": incident.id,
            "kind": incident.kind.as_str(),
            "title": title,
            "opened_at": incident.opened_at.to_string(),
            "terminal": incident.terminal,
            "batch": incident.batch_id,
            "amount": incident.amount.map(|a| a.plain()),
            "currency": incident.amount.map(|a| a.currency().alpha.to_string()),
            "what": incident.what,
            "action": incident.action,
        },
    });
    AlertMessage {
        subject,
        text: lines.join("\n"),
        json,
    }
}

/// The settings screen's and `tillguard alerts test`'s message: proves the way works.
pub fn test(origin: &Origin, at: Timestamp, i18n: &I18n) -> AlertMessage {
    let when = local(at, &origin.time_zone);
    AlertMessage {
        subject: i18n.t_args("incident-alert-test-subject", &[("shop", origin.shop.clone())]),
        text: i18n.t_args(
            "incident-alert-test-text",
            &[
                ("shop", origin.shop.clone()),
                ("till", origin.till_id.clone()),
                ("at", when),
            ],
        ),
        json: json!({
            "event": "test",
            "shop": origin.shop,
            "till": origin.till_id,
            "training": origin.training,
            "at": at.to_string(),
        }),
    }
}

/// A reminder before a terminal's clear time: the batch is still unsettled. Sent to the
/// manager too, since a till nobody is at cannot remind anyone.
pub fn reminder(origin: &Origin, terminal: &str, minutes: i64, clear_at: Timestamp, i18n: &I18n) -> AlertMessage {
    let args = [
        ("shop", origin.shop.clone()),
        ("terminal", terminal.to_string()),
        ("minutes", minutes.to_string()),
        ("at", local(clear_at, &origin.time_zone)),
    ];
    AlertMessage {
        subject: i18n.t_args("incident-alert-reminder-subject", &args),
        text: i18n.t_args("incident-alert-reminder-text", &args),
        json: json!({
            "event": "reminder",
            "shop": origin.shop,
            "till": origin.till_id,
            "training": origin.training,
            "terminal": terminal,
            "minutes_to_clear": minutes,
            "clear_at": clear_at.to_string(),
        }),
    }
}
