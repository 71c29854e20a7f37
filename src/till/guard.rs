//! The settlement guard as the till applies it: the ledger's batches brought up to date with
//! the clock (clear times passed, deferrals run out, a settlement a crash interrupted), then
//! judged by the pure `settlement::guard::verdict`.

use super::{Till, TillError};
use crate::money::Money;
use crate::settlement::batch::{BatchState, BatchView};
use crate::settlement::guard::{ClearTime, GuardInput, Verdict, Why, cleared_since, minutes_to_clear, verdict};
use crate::settlement::reconcile::{ledger_net, ledger_totals};
use crate::settlement::slip::ledger_by_scheme;
use crate::store::{BatchRow, CardState};
use crate::terminal::connect::journal_name;

/// The command that settles the batch of `terminal`: a standalone terminal is settled on
/// itself, then its slip's totals typed.
pub fn settle_command(terminal: &str) -> &'static str {
    if terminal.starts_with(crate::config::STANDALONE_PREFIX) {
        "tillguard settle --manual"
    } else {
        "tillguard settle"
    }
}

/// What a refusal to sell says, naming the guard's reason and what to do.
pub(super) fn refusal_text(why: Why, terminal: Option<&str>) -> String {
    let of = terminal.map(|t| format!(" of {t}")).unwrap_or_default();
    let settle = settle_command(terminal.unwrap_or_default());
    match why {
        Why::PaymentInDoubt => {
            "selling is stopped: a card payment's outcome is unknown; run `tillguard recover` first".into()
        }
        Why::DayChanged => format!(
            "selling is stopped: the business day changed and the card batch{of} is not settled; settle it \
             ({settle}) or have a manager defer it (tillguard defer)"
        ),
        Why::EarlierDayUnsettled => format!(
            "selling is stopped: the card batch{of} of an earlier business day is not settled; settle it \
             ({settle}) or have a manager defer it (tillguard defer)"
        ),
        Why::AutoClearImminent => format!("the terminal{of} clears its batch in minutes: settle it now"),
        Why::QuitRequested => format!("the card batch{of} is not settled"),
    }
}

/// One unsettled batch with its transactions counted as the terminal counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSummary {
    pub view: BatchView,
    /// (card group, count, amount), BMP 60 order.
    pub per_card: Vec<(String, u32, Money)>,
    /// Why its last end-of-day failed.
    pub last_error: Option<String>,
}

impl Till {
    /// What the guard demands now. Before judging, batches whose terminal's clear time has
    /// passed become Lost, deferrals that ran out are lifted, and a batch a crash left
    /// Settling is settled by the totals stored for it; hence `&mut self`.
    pub fn guard(&mut self, quit_requested: bool) -> Result<Verdict, TillError> {
        self.verdict_now(quit_requested, true)
    }

    /// The guard's verdict; `count_doubt` false leaves payments in doubt out (a card
    /// transaction resolves them itself before it asks the terminal).
    fn verdict_now(&mut self, quit_requested: bool, count_doubt: bool) -> Result<Verdict, TillError> {
        self.tend_batches()?;
        let views = self.unsettled_batches()?;
        let clear_times = self.clear_times(&views);
        let in_doubt = if count_doubt {
            self.store
                .unresolved_cards()?
                .iter()
                .filter(|c| c.state != CardState::Approved)
                .count() as u64
        } else {
            0
        };
        let (today, _) = self.business_day()?;
        let input = GuardInput {
            now: self.clock.now(),
            rule: &self.rule,
            today,
            started_on: self.started_on,
            batches: &views,
            clear_times: &clear_times,
            in_doubt,
            quit_requested,
        };
        Ok(verdict(&input))
    }

    /// Minutes until the terminal clears its batch, if a clear time is configured.
    pub fn minutes_to_clear(&self) -> Result<Option<i64>, TillError> {
        let Some(at) = self.config.terminal_auto_clear else {
            return Ok(None);
        };
        let clear_times = [ClearTime {
            terminal: String::new(),
            at,
        }];
        let (today, _) = self.business_day()?;
        let input = GuardInput {
            now: self.clock.now(),
            rule: &self.rule,
            today,
            started_on: self.started_on,
            batches: &[],
            clear_times: &clear_times,
            in_doubt: 0,
            quit_requested: false,
        };
        Ok(minutes_to_clear(&input, ""))
    }

    /// Refuses selling while the guard stops it, and on a new business day until the earlier
    /// day is closed (DESIGN: at the cutoff "the previous day's Z-report is closed"; the till
    /// does not close it by itself, because only a counted drawer makes a Z-report, and the
    /// drawer still holds exactly that day's cash until the new day's first sale).
    pub(super) fn check_selling(&mut self, card_resolves_doubt: bool) -> Result<(), TillError> {
        if let Verdict::MustSettle { why, terminal } = self.verdict_now(false, !card_resolves_doubt)?
            && why.stops_selling()
        {
            return Err(TillError::Guard { why, terminal });
        }
        let (today, _) = self.business_day()?;
        if let Some(open) = self.store.open_days()?.into_iter().find(|d| d.day < today) {
            return Err(TillError::EarlierDayOpen { day: open.day, today });
        }
        Ok(())
    }

    /// The configured terminal's name in the card journal (ZVT or standalone), if one is configured.
    pub fn terminal_name(&self) -> Option<String> {
        match &self.config.standalone {
            Some(s) => Some(s.journal_name()),
            None => self.config.terminal.as_ref().map(journal_name),
        }
    }

    /// The configured clear time applies to the till's terminal, under whichever name its
    /// transactions were journaled (the config has one [terminal] section).
    fn clear_times(&self, views: &[BatchView]) -> Vec<ClearTime> {
        let Some(at) = self.config.terminal_auto_clear else {
            return Vec::new();
        };
        let mut names: Vec<String> = self.terminal_name().into_iter().collect();
        for v in views {
            if !names.contains(&v.terminal) {
                names.push(v.terminal.clone());
            }
        }
        names.into_iter().map(|terminal| ClearTime { terminal, at }).collect()
    }

    /// Brings the stored batches up to date with the clock (a jump of the clock audited first);
    /// each change is audited.
    pub(super) fn tend_batches(&mut self) -> Result<(), TillError> {
        self.note_clock()?;
        let now = self.clock.now();
        for batch in self.store.unsettled_batches()? {
            if let Some(at) = self.config.terminal_auto_clear
                && cleared_since(batch.opened_at, now, &self.rule, at)
            {
                let why = format!("the terminal's clear time {} passed with the batch unsettled", at);
                self.store.batch_lost(batch.id, &why, now)?;
                // The acquirer needs the claim list: it goes to the printer queue at once.
                if self.print_target(None).is_some() {
                    self.queue_claim(batch.id)?;
                }
                continue;
            }
            if batch.state == BatchState::Deferred
                && self
                    .store
                    .batch_deferral(batch.id)?
                    .is_none_or(|d| d.deferral.until <= now)
            {
                self.store.batch_reopen(batch.id, now)?;
            }
        }
        Ok(())
    }

    /// Every unsettled batch, as the guard sees it.
    pub fn unsettled_batches(&self) -> Result<Vec<BatchView>, TillError> {
        self.store.unsettled_batches()?.iter().map(|b| self.view(b)).collect()
    }

    /// Unsettled batches with their per-card-type counts (status, the end-of-day screen).
    pub fn batch_summaries(&self) -> Result<Vec<BatchSummary>, TillError> {
        let currency = self.config.currency;
        self.store
            .unsettled_batches()?
            .iter()
            .map(|b| {
                let ledger = self.store.batch_ledger(b.id)?;
                // A standalone terminal's slip groups by scheme, a ZVT terminal's by BMP 60 group.
                let per_card = if self.standalone().is_some_and(|s| s.journal_name() == b.terminal) {
                    ledger_by_scheme(&ledger)
                        .into_iter()
                        .map(|(s, c, a)| (s.as_str().to_string(), c, a))
                        .collect()
                } else {
                    ledger_totals(&ledger, currency)
                };
                Ok(BatchSummary {
                    view: self.view(b)?,
                    per_card,
                    last_error: b.last_error.clone(),
                })
            })
            .collect()
    }

    /// The newest `limit` batches, settled and lost ones included, newest first.
    pub fn batch_history(&self, limit: u32) -> Result<Vec<BatchRow>, TillError> {
        Ok(self.store.batch_history(limit)?)
    }

    pub(super) fn view(&self, b: &BatchRow) -> Result<BatchView, TillError> {
        let (payments, amount) = ledger_net(&self.store.batch_ledger(b.id)?, self.config.currency);
        Ok(BatchView {
            id: b.id,
            terminal: b.terminal.clone(),
            state: b.state,
            opened_at: b.opened_at,
            first_day: b.first_day,
            payments,
            amount,
            deferral: self.store.batch_deferral(b.id)?.map(|d| d.deferral),
        })
    }
}

#[cfg(test)]
mod tests;
