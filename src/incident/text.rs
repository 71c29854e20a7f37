//! Incidents worded for people: the record's "what happened" and "what the till did", the
//! kind's title, and the CSV export.

use super::{Device, Incident, IncidentKind, NewIncident, Source};
use crate::i18n::I18n;
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A time as the shop reads it (the record, its CSV and its printout).
pub fn local(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string()
}

pub fn kind_title(kind: IncidentKind, i18n: &I18n) -> String {
    i18n.t(&format!("incident-kind-{}", kind.as_str()))
}

/// Words a fact for the record, in the printouts' language and the store's time zone.
pub fn describe(source: &Source, i18n: &I18n, tz: &TimeZone) -> NewIncident {
    let t = |key: &str, args: &[(&str, String)]| i18n.t_args(key, args);
    let (terminal, batch_id, amount, what, action) = match source {
        Source::LostBatch {
            batch_id,
            terminal,
            payments,
            amount,
            at,
        } => (
            Some(terminal.clone()),
            Some(*batch_id),
            Some(*amount),
            t(
                "incident-what-lost",
                &[
                    ("batch", batch_id.to_string()),
                    ("terminal", terminal.clone()),
                    ("count", payments.to_string()),
                    ("amount", amount.display()),
                    ("at", local(*at, tz)),
                ],
            ),
            t("incident-action-lost", &[]),
        ),
        Source::Mismatch {
            batch_id,
            terminal,
            ledger_amount,
            terminal_amount,
            missing,
            unknown,
            at,
        } => (
            Some(terminal.clone()),
            Some(*batch_id),
            Some(*ledger_amount),
            t(
                "incident-what-mismatch",
                &[
                    ("batch", batch_id.to_string()),
                    ("terminal", terminal.clone()),
                    ("at", local(*at, tz)),
                    ("terminal_amount", terminal_amount.display()),
                    ("ledger_amount", ledger_amount.display()),
                    ("missing", missing.to_string()),
                    ("unknown", unknown.to_string()),
                ],
            ),
            t("incident-action-mismatch", &[]),
        ),
        Source::Deferral {
            batch_id,
            terminal,
            amount,
            by,
            reason,
            until,
            ..
        } => (
            Some(terminal.clone()),
            Some(*batch_id),
            Some(*amount),
            t(
                "incident-what-deferral",
                &[
                    ("by", by.clone()),
                    ("batch", batch_id.to_string()),
                    ("terminal", terminal.clone()),
                    ("amount", amount.display()),
                    ("until", local(*until, tz)),
                    ("reason", reason.clone()),
                ],
            ),
            t("incident-action-deferral", &[("until", local(*until, tz))]),
        ),
        Source::InDoubt {
            card_id,
            terminal,
            amount,
            error,
            at,
        } => (
            Some(terminal.clone()),
            None,
            Some(*amount),
            t(
                "incident-what-in-doubt",
                &[
                    ("card", card_id.to_string()),
                    ("amount", amount.display()),
                    ("terminal", terminal.clone()),
                    ("at", local(*at, tz)),
                    ("error", error.clone()),
                ],
            ),
            t("incident-action-in-doubt", &[]),
        ),
        Source::ClockJump { detail, .. } => (
            None,
            None,
            None,
            t("incident-what-clock", &[("detail", detail.clone())]),
            t("incident-action-clock", &[]),
        ),
        Source::BackupFailed { detail, .. } => (
            None,
            None,
            None,
            t("incident-what-backup", &[("detail", detail.clone())]),
            t("incident-action-backup", &[]),
        ),
        Source::Offline {
            device,
            name,
            since,
            last_error,
            ..
        } => {
            let which = match device {
                Device::Terminal => "terminal",
                Device::Printer => "printer",
            };
            let args = [
                ("name", name.clone()),
                ("since", local(*since, tz)),
                ("error", last_error.clone()),
            ];
            (
                (*device == Device::Terminal).then(|| name.clone()),
                None,
                None,
                t(&format!("incident-what-offline-{which}"), &args),
                t(&format!("incident-action-offline-{which}"), &[]),
            )
        }
    };
    NewIncident {
        kind: source.kind(),
        key: source.key(),
        at: source_time(source),
        terminal,
        batch_id,
        amount,
        what,
        action,
    }
}

/// When the fact happened (the incident's opening time is when the till found it).
fn source_time(source: &Source) -> Timestamp {
    match source {
        Source::LostBatch { at, .. }
        | Source::Mismatch { at, .. }
        | Source::Deferral { at, .. }
        | Source::InDoubt { at, .. }
        | Source::ClockJump { at, .. }
        | Source::BackupFailed { at, .. }
        | Source::Offline { at, .. } => *at,
    }
}

/// The incidents as CSV for a spreadsheet or the acquirer: one row each, times in the store's
/// zone, amounts as plain decimals.
pub fn csv(incidents: &[Incident], tz: &TimeZone) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "id",
        "kind",
        "opened",
        "terminal",
        "batch",
        "amount",
        "what",
        "action",
        "cause",
        "remedy",
        "closed",
        "closed_by",
    ];
    // Writing to a Vec cannot fail; a failure would only lose the export, never data.
    let _ = out.write_record(header);
    for i in incidents {
        let _ = out.write_record([
            i.id.to_string(),
            i.kind.as_str().to_string(),
            local(i.opened_at, tz),
            i.terminal.clone().unwrap_or_default(),
            i.batch_id.map(|b| b.to_string()).unwrap_or_default(),
            i.amount.map(|a| a.plain()).unwrap_or_default(),
            i.what.clone(),
            i.action.clone(),
            i.cause.clone(),
            i.remedy.clone(),
            i.closed.as_ref().map(|c| local(c.at, tz)).unwrap_or_default(),
            i.closed.as_ref().map(|c| c.by.clone()).unwrap_or_default(),
        ]);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}
