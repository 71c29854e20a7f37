//! The ledger is checked at every start, on a worker thread with a connection of its own,
//! so the first screen does not wait for it (a busy year takes about two seconds): every
//! page (`PRAGMA quick_check`), then the audit chain. A damaged ledger stops the till at
//! once and marks the data folder, so the next start opens the restore window; a broken
//! chain is audited and shown to every manager or admin who logs in.

use super::{App, Message};
use crate::money::Currency;
use crate::store::{ChainBreak, Store};
use crate::ui::job::Job;
use crate::ui::theme;
use iced::widget::{container, text};
use iced::{Element, Fill};
use std::path::{Path, PathBuf};

/// The file name of the mark a damaged ledger leaves beside itself for the next start.
pub const DAMAGED_MARK: &str = "ledger-damaged.txt";

/// What the start-up check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartCheck {
    Intact,
    /// The audit chain's first broken link.
    Broken(ChainBreak),
    /// Pages of the ledger are damaged (why).
    Damaged(String),
    /// The check itself could not run (why).
    Unreadable(String),
}

/// Every page of the ledger at `ledger`, then its whole audit chain.
pub fn check(ledger: &Path, currency: Currency) -> StartCheck {
    let store = match Store::open_checked(ledger, currency) {
        Ok(store) => store,
        Err(e) if e.damaged_ledger() => return StartCheck::Damaged(e.to_string()),
        Err(e) => return StartCheck::Unreadable(e.to_string()),
    };
    match store.verify_audit() {
        Ok(None) => StartCheck::Intact,
        Ok(Some(b)) => StartCheck::Broken(b),
        Err(e) => StartCheck::Unreadable(e.to_string()),
    }
}

/// The check as a job (`None` for a ledger in memory, which no other connection can see).
pub fn job(ledger: PathBuf, currency: Currency) -> Option<Job<Message>> {
    if !ledger.is_file() {
        return None;
    }
    Some(Job::new(move |send: &mut dyn FnMut(Message)| {
        send(Message::LedgerChecked(check(&ledger, currency)))
    }))
}

impl App {
    pub(super) fn ledger_checked(&mut self, result: StartCheck) {
        let (problem, detail) = match result {
            StartCheck::Intact => return,
            StartCheck::Damaged(why) => return self.ledger_damaged(why),
            StartCheck::Broken(b) => (
                self.i18n.t_args(
                    "audit-broken",
                    &[("seq", b.seq.to_string()), ("problem", b.problem.clone())],
                ),
                format!("event {}: {}", b.seq, b.problem),
            ),
            StartCheck::Unreadable(why) => (
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

    /// Stops the till: nothing more is written into a damaged ledger. The mark beside it
    /// makes the next start check every page first and open the restore window.
    fn ledger_damaged(&mut self, why: String) {
        tracing::error!("the ledger is damaged: {why}");
        if let Some(folder) = self
            .desk
            .as_ref()
            .and_then(|d| d.till.store().path().parent().map(Path::to_path_buf))
            && let Err(e) = std::fs::write(folder.join(DAMAGED_MARK), &why)
        {
            tracing::warn!("the damaged-ledger mark could not be written: {e}");
        }
        self.ledger_damaged = Some(why);
    }

    /// What the window shows instead of the till once the ledger was found damaged.
    pub(super) fn damaged_view(&self) -> Option<Element<'_, Message>> {
        let why = self.ledger_damaged.as_ref()?;
        let page = iced::widget::column![
            text(self.i18n.t("restore-title")).size(theme::LARGE),
            text(self.i18n.t_args("restore-problem", &[("problem", why.clone())])).size(theme::TEXT),
            text(self.i18n.t("damaged-restart"))
                .size(theme::TEXT)
                .style(text::danger),
        ]
        .spacing(theme::SPACING)
        .padding(theme::SPACING * 2.0);
        Some(container(page).width(Fill).height(Fill).into())
    }

    /// The ledger was found damaged while the till ran (nothing more is done with it).
    pub fn ledger_is_damaged(&self) -> bool {
        self.ledger_damaged.is_some()
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
