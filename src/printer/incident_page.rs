//! The printout of one incident, for the manager's file or the acquirer's claim.

use super::doc::Doc;
use super::layout::{Header, Tr, header_lines, training_marks};
use crate::incident::{Incident, local_time as local};
use jiff::tz::TimeZone;

pub fn incident(h: &Header, tr: Tr<'_>, i: &Incident, kind_title: &str, tz: &TimeZone, cols: usize) -> Doc {
    let mut d = Doc::new(cols);
    header_lines(&mut d, h, tr);
    d.title(&tr("print-incident-title", &[("id", i.id.to_string())]));
    d.wrap(kind_title);
    d.pair(&tr("incident-alert-opened", &[]), &local(i.opened_at, tz));
    if let Some(t) = &i.terminal {
        d.pair(&tr("incident-alert-terminal", &[]), t);
    }
    if let Some(b) = i.batch_id {
        d.pair(&tr("incident-alert-batch", &[]), &format!("#{b}"));
    }
    if let Some(a) = i.amount {
        d.pair_bold(&tr("incident-alert-amount", &[]), &a.plain());
    }
    d.rule();
    let mut section = |key: &str, text: &str| {
        d.wrap(&format!("{}:", tr(key, &[])));
        d.wrap(if text.is_empty() { "-" } else { text });
    };
    section("incident-alert-what", &i.what);
    section("incident-alert-action", &i.action);
    section("print-incident-cause", &i.cause);
    section("print-incident-remedy", &i.remedy);
    d.rule();
    match &i.closed {
        Some(c) => d.wrap(&tr(
            "print-incident-closed",
            &[("by", c.by.clone()), ("at", local(c.at, tz))],
        )),
        None => d.wrap(&tr("print-incident-open", &[])),
    }
    training_marks(&mut d, h);
    d
}
