//! The manager's forms on the end-of-day screen: deferring the settlement (reason, until,
//! PIN) and acknowledging a reconciliation mismatch (note, PIN). PINs are never shown and
//! are dropped from memory as soon as they were checked.

use super::defer_reason;
use crate::i18n::I18n;
use crate::settlement::batch::DeferReason;
use crate::settlement::day::DayRule;
use crate::settlement::guard::next_local;
use crate::till::Till;
use jiff::Timestamp;
use jiff::civil::Time;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonChoice {
    TerminalOffline,
    HostUnreachable,
    AcquirerMaintenance,
    Other,
}

pub const REASONS: [ReasonChoice; 4] = [
    ReasonChoice::TerminalOffline,
    ReasonChoice::HostUnreachable,
    ReasonChoice::AcquirerMaintenance,
    ReasonChoice::Other,
];

impl ReasonChoice {
    pub fn label(&self, i18n: &I18n) -> String {
        i18n.t(match self {
            ReasonChoice::TerminalOffline => "defer-terminal-offline",
            ReasonChoice::HostUnreachable => "defer-host-unreachable",
            ReasonChoice::AcquirerMaintenance => "defer-acquirer-maintenance",
            ReasonChoice::Other => "defer-other",
        })
    }
}

#[derive(Debug, Clone)]
pub enum DeferEdit {
    Reason(ReasonChoice),
    Text(String),
    Until(String),
    Pin(String),
}

#[derive(Debug, Clone)]
pub struct DeferForm {
    pub reason: ReasonChoice,
    pub text: String,
    /// HH:MM, empty = as long as allowed.
    pub until: String,
    pub pin: String,
    /// The latest allowed, as the manager reads it.
    pub limit: String,
    pub error: Option<String>,
}

impl DeferForm {
    pub fn new(till: &Till) -> DeferForm {
        let limit = till.deferral_limit().map(|t| local_hhmm(till, t)).unwrap_or_default();
        DeferForm {
            reason: ReasonChoice::TerminalOffline,
            text: String::new(),
            until: String::new(),
            pin: String::new(),
            limit,
            error: None,
        }
    }

    pub fn edit(&mut self, edit: DeferEdit) {
        self.error = None;
        match edit {
            DeferEdit::Reason(r) => self.reason = r,
            DeferEdit::Text(t) => self.text = t,
            DeferEdit::Until(u) => self.until = u,
            // Digits only: a PIN pad, not a text field.
            DeferEdit::Pin(p) => self.pin = p.chars().filter(char::is_ascii_digit).take(8).collect(),
        }
    }

    /// The reason and the `until` the manager typed, or what is wrong with them.
    pub fn parse(&self, till: &Till, i18n: &I18n) -> Result<(DeferReason, Option<Timestamp>), String> {
        if self.reason == ReasonChoice::Other && self.text.trim().is_empty() {
            return Err(i18n.t("eod-defer-needs-text"));
        }
        let until = match self.until.trim() {
            "" => None,
            typed => {
                let time = parse_hhmm(typed)
                    .ok_or_else(|| i18n.t_args("eod-defer-bad-until", &[("input", typed.to_string())]))?;
                let config = till.config();
                let rule = DayRule::new(config.time_zone.clone(), config.day_cutoff);
                Some(
                    next_local(till.now(), &rule, time)
                        .ok_or_else(|| i18n.t_args("eod-defer-bad-until", &[("input", typed.to_string())]))?,
                )
            }
        };
        if self.pin.is_empty() {
            return Err(i18n.t("eod-pin-needed"));
        }
        Ok((defer_reason(self.reason, &self.text), until))
    }
}

#[derive(Debug, Clone)]
pub enum AckEdit {
    Pin(String),
    Note(String),
}

#[derive(Debug, Clone, Default)]
pub struct AckForm {
    pub pin: String,
    pub note: String,
    pub error: Option<String>,
}

impl AckForm {
    pub fn edit(&mut self, edit: AckEdit) {
        self.error = None;
        match edit {
            AckEdit::Pin(p) => self.pin = p.chars().filter(char::is_ascii_digit).take(8).collect(),
            AckEdit::Note(n) => self.note = n,
        }
    }
}

/// "HH:MM" (or "H:MM") as a time of day.
pub fn parse_hhmm(text: &str) -> Option<Time> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (i8, i8) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    if m.to_string().len() > 2 {
        return None;
    }
    Time::new(h, m, 0, 0).ok()
}

/// A moment as the shop's clock shows it.
pub fn local_hhmm(till: &Till, at: Timestamp) -> String {
    at.to_zoned(till.config().time_zone.clone())
        .strftime("%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_is_a_time_of_day() {
        assert_eq!(parse_hhmm("23:30"), Time::new(23, 30, 0, 0).ok());
        assert_eq!(parse_hhmm("7:05"), Time::new(7, 5, 0, 0).ok());
        for bad in ["24:00", "12", "ab:cd", "12:60", "-1:00", ""] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_pin_takes_digits_only() {
        let mut form = AckForm::default();
        form.edit(AckEdit::Pin("12a3-4".into()));
        assert_eq!(form.pin, "1234");
    }
}
