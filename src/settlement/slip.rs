//! The settlement of a standalone terminal: the totals the operator types from the terminal's
//! settlement slip, checked, and reconciled with the ledger into the same `Reconciliation` a
//! ZVT end-of-day gets. Pure.
//!
//! Counting follows the ZVT reconciliation (see `reconcile`): a payment counts once and adds
//! its amount, a voided payment and its void count nowhere, a refund counts once and
//! subtracts. The screen says so beside the fields.

use super::reconcile::{CardDelta, Differences, LedgerCard, Reconciliation, counted};
use crate::money::{Currency, Money};
use crate::sale::Scheme;
use jiff::Timestamp;
use std::collections::HashSet;

/// The widest voucher range taken (a typo such as 1-999999 must not list a million vouchers).
pub const RANGE_MAX: u32 = 100_000;

/// The group name of the whole slip when it shows no per-scheme lines.
pub const TOTAL: &str = "total";

/// A settlement slip's totals as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipFigures {
    pub count: u32,
    pub amount: Money,
    /// Per scheme, when the slip shows them (they add up to `count` and `amount`).
    pub per_scheme: Vec<(Scheme, u32, Money)>,
    /// First and last voucher number on the slip, when it prints them.
    pub voucher_range: Option<(u32, u32)>,
}

/// The slip as typed, before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlipText {
    pub count: String,
    pub amount: String,
    /// (scheme, count, amount); rows left wholly empty are skipped.
    pub per_scheme: Vec<(String, String, String)>,
    /// "A-B", or empty.
    pub voucher_range: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlipError {
    #[error("count '{0}' must be a whole number (the number of card transactions on the slip)")]
    Count(String),
    #[error("amount '{0}' is not an amount of money")]
    Amount(String),
    #[error("card scheme '{0}' is not one of unionpay, visa, mastercard, amex, jcb, diners, other")]
    Scheme(String),
    #[error("card scheme {0} is given twice")]
    SchemeTwice(String),
    #[error(
        "the schemes add up to {count} transactions and {amount}, but the slip's total says {total_count} and {total_amount}"
    )]
    SchemesDisagree {
        count: u32,
        amount: String,
        total_count: u32,
        total_amount: String,
    },
    #[error("voucher range '{0}' must be two voucher numbers, first-last (e.g. 000101-000135)")]
    Range(String),
    #[error("voucher range {0}-{1} runs backwards")]
    RangeBackwards(u32, u32),
    #[error("voucher range {0}-{1} spans more than {RANGE_MAX} vouchers; check the numbers")]
    RangeWide(u32, u32),
    #[error("the settlement time {0} is in the future")]
    Future(String),
    #[error("the settlement time {0} is before the batch's first payment ({1})")]
    BeforeBatch(String, String),
}

fn count(text: &str) -> Result<u32, SlipError> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SlipError::Count(t.to_string()));
    }
    t.parse().map_err(|_| SlipError::Count(t.to_string()))
}

fn amount(text: &str, currency: Currency) -> Result<Money, SlipError> {
    Money::parse(text.trim(), currency).map_err(|_| SlipError::Amount(text.trim().to_string()))
}

/// "A-B" (each 1-9 digits; spaces and an en dash or "~" accepted) or empty for none.
pub fn voucher_range(text: &str) -> Result<Option<(u32, u32)>, SlipError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || SlipError::Range(t.to_string());
    let (a, b) = t.split_once(['-', '–', '~']).ok_or_else(bad)?;
    let a = crate::sale::slip_card::voucher(a).map_err(|_| bad())?;
    let b = crate::sale::slip_card::voucher(b).map_err(|_| bad())?;
    if a > b {
        return Err(SlipError::RangeBackwards(a, b));
    }
    if b - a >= RANGE_MAX {
        return Err(SlipError::RangeWide(a, b));
    }
    Ok(Some((a, b)))
}

impl SlipText {
    /// Checks every field.
    pub fn check(&self, currency: Currency) -> Result<SlipFigures, SlipError> {
        let total_count = count(&self.count)?;
        let total_amount = amount(&self.amount, currency)?;
        let mut per_scheme: Vec<(Scheme, u32, Money)> = Vec::new();
        for (s, c, a) in &self.per_scheme {
            if s.trim().is_empty() && c.trim().is_empty() && a.trim().is_empty() {
                continue;
            }
            let scheme = Scheme::parse(s).ok_or_else(|| SlipError::Scheme(s.trim().to_string()))?;
            if per_scheme.iter().any(|(x, _, _)| *x == scheme) {
                return Err(SlipError::SchemeTwice(scheme.as_str().to_string()));
            }
            per_scheme.push((scheme, count(c)?, amount(a, currency)?));
        }
        if !per_scheme.is_empty() {
            let n = per_scheme.iter().fold(0u32, |n, (_, c, _)| n.saturating_add(*c));
            let sum = per_scheme.iter().fold(Money::zero(currency), |s, (_, _, a)| s + *a);
            if n != total_count || sum != total_amount {
                return Err(SlipError::SchemesDisagree {
                    count: n,
                    amount: sum.plain(),
                    total_count,
                    total_amount: total_amount.plain(),
                });
            }
        }
        Ok(SlipFigures {
            count: total_count,
            amount: total_amount,
            per_scheme,
            voucher_range: voucher_range(&self.voucher_range)?,
        })
    }
}

/// The time the operator says the terminal settled must not be after `now` nor before
/// `opened_at`, the batch's first payment (`shown` renders a time in the operator's zone).
pub fn check_settled_at(
    settled_at: Timestamp,
    now: Timestamp,
    opened_at: Timestamp,
    shown: &dyn Fn(Timestamp) -> String,
) -> Result<(), SlipError> {
    // A minute of grace: the operator types the minute the slip printed.
    if settled_at.as_second() > now.as_second() + 60 {
        return Err(SlipError::Future(shown(settled_at)));
    }
    // Compared by the minute: the typed time has no seconds.
    if settled_at.as_second() / 60 < opened_at.as_second() / 60 {
        return Err(SlipError::BeforeBatch(shown(settled_at), shown(opened_at)));
    }
    Ok(())
}

impl SlipFigures {
    /// How the figures are kept in `terminal_totals.per_card`: per scheme, or one "total" row.
    pub fn per_card(&self) -> Vec<(String, u32, i64)> {
        if self.per_scheme.is_empty() {
            return vec![(TOTAL.to_string(), self.count, self.amount.minor())];
        }
        self.per_scheme
            .iter()
            .map(|(s, c, a)| (s.as_str().to_string(), *c, a.minor()))
            .collect()
    }

    /// Reads back what `per_card` wrote, with the slip's total amount and voucher range.
    pub fn from_stored(
        per_card: &[(String, u32, i64)],
        total_minor: i64,
        voucher_range: Option<(u32, u32)>,
        currency: Currency,
    ) -> SlipFigures {
        let count = per_card.iter().fold(0u32, |n, (_, c, _)| n.saturating_add(*c));
        let per_scheme = match per_card {
            [(group, _, _)] if group == TOTAL => Vec::new(),
            rows => rows
                .iter()
                .map(|(s, c, a)| (Scheme::of_stored(Some(s)), *c, Money::from_minor(*a, currency)))
                .collect(),
        };
        SlipFigures {
            count,
            amount: Money::from_minor(total_minor, currency),
            per_scheme,
            voucher_range,
        }
    }
}

/// (count, net amount) per scheme of the ledger's side, counted as the slip counts, in the
/// order the schemes first appear.
pub fn ledger_by_scheme(ledger: &[LedgerCard]) -> Vec<(Scheme, u32, Money)> {
    let mut out: Vec<(Scheme, u32, Money)> = Vec::new();
    for (c, signed) in counted(ledger) {
        let scheme = Scheme::of_stored(c.card_type.as_deref());
        match out.iter_mut().find(|(s, _, _)| *s == scheme) {
            Some(row) => {
                row.1 += 1;
                row.2 += signed;
            }
            None => out.push((scheme, 1, signed)),
        }
    }
    out
}

fn delta(group: &str, slip: (u32, Money), ledger: (u32, Money)) -> Option<CardDelta> {
    (slip != ledger).then(|| CardDelta {
        card_type: group.to_string(),
        terminal_count: slip.0,
        ledger_count: ledger.0,
        terminal_amount: slip.1,
        ledger_amount: ledger.1,
    })
}

/// The slip against the batch's ledger: the whole slip's count and amount, each scheme the
/// slip lists (or the ledger holds, when the slip lists any), and the voucher range (vouchers
/// on the slip that the till never recorded; vouchers recorded in the till but not on the slip).
pub fn reconcile_slip(slip: &SlipFigures, ledger: &[LedgerCard], currency: Currency) -> Reconciliation {
    let ours = ledger_by_scheme(ledger);
    let zero = Money::zero(currency);
    let ledger_total = ours.iter().fold((0u32, zero), |(n, a), (_, c, m)| (n + c, a + *m));
    let mut d = Differences::default();
    d.per_card.extend(delta(TOTAL, (slip.count, slip.amount), ledger_total));
    if !slip.per_scheme.is_empty() {
        for scheme in Scheme::ALL {
            let find = |side: &[(Scheme, u32, Money)]| {
                side.iter()
                    .find(|(s, _, _)| *s == scheme)
                    .map_or((0, zero), |(_, c, a)| (*c, *a))
            };
            d.per_card
                .extend(delta(scheme.as_str(), find(&slip.per_scheme), find(&ours)));
        }
    }
    if let Some((from, to)) = slip.voucher_range {
        let recorded: HashSet<u32> = ledger.iter().filter_map(|c| c.receipt_no).collect();
        d.missing_in_ledger = (from..=to).filter(|n| !recorded.contains(n)).collect();
        d.outside_range = ledger
            .iter()
            .filter(|c| c.receipt_no.is_none_or(|n| !(from..=to).contains(&n)))
            .map(|c| (c.id, c.receipt_no))
            .collect();
    }
    Reconciliation::of(d)
}

#[cfg(test)]
mod tests;
