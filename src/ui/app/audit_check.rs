//! The audit chain is checked at every start, on a worker thread with a connection of its
//! own (a busy year of events takes about a second). A broken chain is audited and shown to
//! every manager or admin who logs in, until the till restarts on a repaired ledger.

use super::{App, Message};
use crate::money::Currency;
use crate::store::{ChainBreak, Store};
use crate::ui::job::Job;
use crate::ui::theme;
use iced::widget::{container, text};
use iced::{Element, Fill};
use std::path::{Path, PathBuf};

/// The whole chain of the ledger at `ledger`: the first break, or why it could not be read.
pub fn check(ledger: &Path, currency: Currency) -> Result<Option<ChainBreak>, String> {
    let store = Store::open(ledger, currency).map_err(|e| e.to_string())?;
    store.verify_audit().map_err(|e| e.to_string())
}

/// The check as a job (`None` for a ledger in memory, which no other connection can see).
pub fn job(ledger: PathBuf, currency: Currency) -> Option<Job<Message>> {
    if !ledger.is_file() {
        return None;
    }
    Some(Job::new(move |send: &mut dyn FnMut(Message)| {
        send(Message::AuditChecked(check(&ledger, currency)))
    }))
}

impl App {
    pub(super) fn audit_checked(&mut self, result: Result<Option<ChainBreak>, String>) {
        let (problem, detail) = match result {
            Ok(None) => return,
            Ok(Some(b)) => (
                self.i18n.t_args(
                    "audit-broken",
                    &[("seq", b.seq.to_string()), ("problem", b.problem.clone())],
                ),
                format!("event {}: {}", b.seq, b.problem),
            ),
            Err(why) => (
                self.i18n.t_args("audit-unreadable", &[("reason", why.clone())]),
                format!("could not be read: {why}"),
            ),
        };
        tracing::error!("audit chain check at start-up: {detail}");
        if let Some(desk) = self.desk.as_mut()
            && let Err(e) = desk.till.audit("till", "audit_broken", &detail)
        {
            tracing::warn!("the broken chain could not be recorded: {e}");
        }
        self.audit_alarm = Some(problem);
    }

    /// The warning line for a manager or admin; nothing for a cashier, who cannot act on it.
    pub(super) fn audit_alarm_view(&self) -> Option<Element<'_, Message>> {
        let alarm = self.audit_alarm.as_ref()?;
        let manager = self.lock.is_none() && self.who.as_ref().is_some_and(|w| w.role.is_manager());
        manager.then(|| {
            container(text(alarm.clone()).size(theme::TEXT).style(text::danger))
                .padding([4.0, theme::SPACING])
                .width(Fill)
                .into()
        })
    }

    /// The warning shown to managers, if the start-up check found the chain broken.
    pub fn audit_alarm(&self) -> Option<&str> {
        self.audit_alarm.as_deref()
    }
}
