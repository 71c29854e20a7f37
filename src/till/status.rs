//! What `status` reports: the business day, its figures, and card transactions whose outcome
//! the ledger does not know yet.

use super::{Till, TillError};
use crate::money::{Currency, Money};
use crate::settlement::day::clock_jump;
use crate::store::{CardJournal, CardState};
use jiff::Timestamp;
use jiff::civil::Date;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub business_day: Date,
    /// Sales can be rung up on this day.
    pub day_open: bool,
    pub z_number: Option<i64>,
    pub sales_count: u64,
    pub sales_total: Money,
    pub refunds_count: u64,
    pub refunds_total: Money,
    /// Earlier days that still have no Z-report.
    pub unclosed_days: Vec<Date>,
    pub clock_behind: bool,
    pub demo: bool,
    /// Card transactions still pending or in doubt: recovery could not resolve them, or has
    /// not run since.
    pub card_in_doubt: CardDoubt,
    /// Card transactions the terminal approved whose sale (or refund) is not in the ledger yet.
    pub card_without_sale: CardDoubt,
}

/// A set of card journal rows: how many, their amounts added up (each counted positive), ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardDoubt {
    pub count: u64,
    pub amount: Money,
    pub ids: Vec<i64>,
}

impl CardDoubt {
    fn of<'a>(rows: impl Iterator<Item = &'a CardJournal>, currency: Currency) -> CardDoubt {
        let mut doubt = CardDoubt {
            count: 0,
            amount: Money::zero(currency),
            ids: Vec::new(),
        };
        for row in rows {
            doubt.count += 1;
            doubt.amount += Money::from_minor(row.amount_minor, currency);
            doubt.ids.push(row.id);
        }
        doubt
    }
}

impl Till {
    pub fn status(&self) -> Result<Status, TillError> {
        let (day, clock_behind) = self.business_day()?;
        let row = self.store.day(day)?;
        let figures = self.store.day_figures(day)?;
        let unclosed_days = self
            .store
            .open_days()?
            .into_iter()
            .map(|d| d.day)
            .filter(|d| *d < day)
            .collect();
        let cards = self.store.unresolved_cards()?;
        let currency = self.config.currency;
        Ok(Status {
            business_day: day,
            day_open: row.as_ref().is_none_or(|r| r.z_number.is_none()),
            z_number: row.and_then(|r| r.z_number),
            sales_count: figures.sales_count,
            sales_total: figures.sales_total,
            refunds_count: figures.refunds_count,
            refunds_total: figures.refunds_total,
            unclosed_days,
            clock_behind,
            demo: self.config.demo,
            card_in_doubt: CardDoubt::of(cards.iter().filter(|c| c.state != CardState::Approved), currency),
            card_without_sale: CardDoubt::of(cards.iter().filter(|c| c.state == CardState::Approved), currency),
        })
    }
}

impl Till {
    /// Records a jump of the wall clock in the audit log (DESIGN, guard rule 6): back behind the
    /// newest time recorded, or far past it. Once per jump: the event is then the newest time
    /// recorded, which the next check compares with.
    pub(super) fn note_clock(&mut self) -> Result<(), TillError> {
        let now = self.clock.now();
        let newest = self
            .store
            .audit_tail(1)?
            .pop()
            .and_then(|e| e.at.parse::<Timestamp>().ok());
        if let Some(jump) = clock_jump(now, newest) {
            self.store.audit(now, "till", jump.kind(), &jump.describe())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
