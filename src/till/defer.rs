//! Deferring a settlement: only a manager (by the PIN of an active manager or admin), with a
//! reason, and an expiry at most the earlier of the next business day's start and the
//! terminal's clear time. Three wrong manager PINs in a row lock approvals for five minutes
//! (whoever's PIN it was meant to be: an approval names no user before the PIN matches).

use super::{Till, TillError};
use crate::settlement::batch::{BatchState, DeferReason, Deferral};
use crate::settlement::guard::deferral_limit;
use crate::users::Operator;
use jiff::{SignedDuration, Timestamp};

/// Wrong manager PINs in a row before approvals (deferral, refunds, overrides) are locked.
pub const PIN_ATTEMPTS: u32 = 3;
/// How long the lock lasts.
pub const PIN_LOCK_MINUTES: i64 = 5;

impl Till {
    /// Local "YYYY-MM-DD HH:MM" for messages.
    pub(super) fn local_text(&self, at: Timestamp) -> String {
        at.to_zoned(self.config.time_zone.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// A manager's approval by PIN, for what a cashier may not do alone: the active manager
    /// or admin whose PIN it is. Wrong PINs are counted and audited; the third in a row locks
    /// approvals for five minutes.
    pub fn manager_approval(&mut self, pin: &str) -> Result<Operator, TillError> {
        let now = self.clock.now();
        let (failures, locked_until) = self.store.pin_failures()?;
        if let Some(until) = locked_until
            && until > now
        {
            return Err(TillError::PinLocked {
                attempts: PIN_ATTEMPTS,
                until: self.local_text(until),
            });
        }
        if let Some(manager) = self.manager_by_pin(pin.trim())? {
            self.store.pin_succeeded()?;
            return Ok(manager);
        }
        // After a lock ran out the count starts again.
        let count = if locked_until.is_some() { 1 } else { failures + 1 };
        let lock = (count >= PIN_ATTEMPTS).then(|| {
            now.checked_add(SignedDuration::from_mins(PIN_LOCK_MINUTES))
                .unwrap_or(Timestamp::MAX)
        });
        self.store.pin_failed(count, lock, now)?;
        match lock {
            Some(until) => Err(TillError::PinLocked {
                attempts: PIN_ATTEMPTS,
                until: self.local_text(until),
            }),
            None => Err(TillError::WrongPin {
                left: PIN_ATTEMPTS - count,
            }),
        }
    }

    /// The latest a deferral made now may run.
    pub fn deferral_limit(&self) -> Result<Timestamp, TillError> {
        let (today, _) = self.business_day()?;
        Ok(deferral_limit(
            self.clock.now(),
            &self.rule,
            today,
            self.config.terminal_auto_clear,
        ))
    }

    /// Defers every unsettled batch that holds card payments until `until` (default and
    /// maximum: `deferral_limit`). Stored and audited; the guard returns when it runs out.
    pub fn defer(
        &mut self,
        manager_pin: &str,
        reason: DeferReason,
        until: Option<Timestamp>,
    ) -> Result<Deferral, TillError> {
        if let DeferReason::Other(text) = &reason
            && text.trim().is_empty()
        {
            return Err(TillError::Defer("the reason 'other' needs a text saying why".into()));
        }
        let manager = self.approve(crate::permission::Action::DeferSettlement, manager_pin)?;
        self.tend_batches()?;
        let now = self.clock.now();
        let limit = self.deferral_limit()?;
        let until = until.unwrap_or(limit);
        if until <= now {
            return Err(TillError::Defer(format!(
                "'until' {} is not in the future (now {})",
                self.local_text(until),
                self.local_text(now)
            )));
        }
        if until > limit {
            return Err(TillError::Defer(format!(
                "'until' {} is later than allowed: at most {} (the next business day's start or the terminal's \
                 clear time, whichever comes first)",
                self.local_text(until),
                self.local_text(limit)
            )));
        }
        let views: Vec<_> = self
            .unsettled_batches()?
            .into_iter()
            .filter(|b| b.payments > 0)
            .collect();
        if views.is_empty() {
            return Err(TillError::Defer("no unsettled card batch holds payments".into()));
        }
        if let Some(b) = views.iter().find(|b| b.state == BatchState::Settling) {
            return Err(TillError::Defer(format!(
                "batch #{} is being settled; wait for the terminal",
                b.id
            )));
        }
        let reason = match reason {
            DeferReason::Other(text) => DeferReason::Other(text.trim().to_string()),
            r => r,
        };
        let deferral = Deferral {
            until,
            by: manager.name,
            reason,
            at: now,
        };
        for b in &views {
            // A deferral still in force is replaced: lifted, then deferred anew.
            if b.state == BatchState::Deferred {
                self.store.batch_reopen(b.id, now)?;
            }
            self.store.batch_defer(b.id, &deferral, now)?;
        }
        Ok(deferral)
    }
}
