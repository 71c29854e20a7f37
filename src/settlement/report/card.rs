//! The card-settlement section of a day's report: the batches the day accounts for, as they
//! stood when the report was made, and which batches those are. Pure; the store gathers them.
//!
//! Which batches a day's report carries:
//! - every batch still unsettled (open, settling, failed, deferred) whose first transaction is
//!   on that day or earlier: money the shop has not been paid yet;
//! - a settled or lost batch once: on the report of the last business day it holds
//!   transactions of, unless that day's Z-report was closed before the batch was settled (it
//!   was settled later, e.g. after a deferral); then on the next Z-report closed after that.
//!   So a Z-report shows a settlement that happened after it on the following Z-report
//!   instead of losing it, and a batch spanning days is not counted twice.

use crate::money::{Currency, Money};
use crate::settlement::batch::{Acknowledgement, BatchState, DeferReason, Deferral};
use crate::settlement::reconcile::Reconciliation;
use crate::settlement::report::manual::{ManualCardLine, manual_from_json, manual_json};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Value, json};

/// What a terminal reported at the end-of-day that settled a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettledTotals {
    pub total: Option<Money>,
    /// First and last receipt number of the batch.
    pub receipt_range: Option<(u32, u32)>,
    /// (card group, count, amount)
    pub per_card: Vec<(String, u32, Money)>,
}

/// A batch the terminal settled, with its reconciliation against the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettledBatch {
    pub id: i64,
    pub terminal: String,
    pub first_day: Date,
    pub settled_at: Timestamp,
    /// The ledger's transactions of the batch as the terminal counts them, and their net amount.
    pub count: u64,
    pub amount: Money,
    /// None only if the ledger lost the totals row (shown, not hidden).
    pub totals: Option<SettledTotals>,
    pub reconciliation: Option<Reconciliation>,
    pub acknowledged: Option<Acknowledgement>,
    /// Its last deferral, if settling it was ever deferred.
    pub deferral: Option<Deferral>,
}

/// A batch still holding unsettled money when the report was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsettledBatch {
    pub id: i64,
    pub terminal: String,
    pub state: BatchState,
    pub first_day: Date,
    pub count: u64,
    pub amount: Money,
    /// The deferral in force (state Deferred) or the last one that ran out.
    pub deferral: Option<Deferral>,
    /// Why its last end-of-day failed.
    pub last_error: Option<String>,
}

/// A batch the terminal cleared unsettled: its payments must be claimed from the acquirer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostBatch {
    pub id: i64,
    pub terminal: String,
    pub first_day: Date,
    pub lost_at: Timestamp,
    pub count: u64,
    pub amount: Money,
    pub deferral: Option<Deferral>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardSettlement {
    pub settled: Vec<SettledBatch>,
    pub unsettled: Vec<UnsettledBatch>,
    pub lost: Vec<LostBatch>,
    /// Card payments made on a standalone device: in no batch, listed on their own.
    pub manual: Vec<ManualCardLine>,
}

/// What decides whether a batch is on a day's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchDays {
    pub state: BatchState,
    pub first_day: Date,
    /// The last business day it holds a transaction of (its first day if it holds none).
    pub last_day: Date,
    /// When it was settled or lost.
    pub closed_at: Option<Timestamp>,
    /// When the Z-reports of days from `last_day` up to the report's day were closed.
    pub z_closed: Vec<(Date, Timestamp)>,
}

/// Whether the report of `day` carries the batch (the rule in the module comment).
pub fn on_report(day: Date, b: &BatchDays) -> bool {
    if b.state.is_unsettled() {
        return b.first_day <= day;
    }
    let Some(closed) = b.closed_at else {
        return b.last_day == day;
    };
    if b.last_day > day {
        return false;
    }
    // A Z-report of an earlier day, closed after the batch was, carries it already.
    let carried = b
        .z_closed
        .iter()
        .any(|(d, at)| *d >= b.last_day && *d < day && *at >= closed);
    // This day's Z-report, closed before the batch was, could not carry it.
    let too_early = b.z_closed.iter().any(|(d, at)| *d == day && *at < closed);
    !carried && !too_early
}

fn deferral_json(d: &Option<Deferral>) -> Value {
    d.as_ref().map_or(Value::Null, |d| {
        json!({
            "until": d.until.to_string(),
            "by": d.by,
            "reason": d.reason.code(),
            "reason_text": d.reason.text(),
            "at": d.at.to_string(),
        })
    })
}

fn per_card_json(per_card: &[(String, u32, Money)]) -> Value {
    per_card
        .iter()
        .map(|(card, count, amount)| json!({"card_type": card, "count": count, "amount": amount.plain()}))
        .collect()
}

impl CardSettlement {
    pub fn is_empty(&self) -> bool {
        self.settled.is_empty() && self.unsettled.is_empty() && self.lost.is_empty()
    }

    /// `{settled: [...], unsettled: [...], lost: [...], manual: {...}}` (documented in the README).
    pub fn to_json(&self, currency: Currency) -> Value {
        json!({
            "manual": manual_json(&self.manual, currency),
            "settled": self.settled.iter().map(|b| json!({
                "batch_id": b.id,
                "terminal": b.terminal,
                "first_day": b.first_day.to_string(),
                "settled_at": b.settled_at.to_string(),
                "count": b.count,
                "amount": b.amount.plain(),
                "terminal_totals": b.totals.as_ref().map(|t| json!({
                    "total": t.total.map(|m| m.plain()),
                    "receipt_range": t.receipt_range.map(|(a, z)| vec![a, z]),
                    "per_card": per_card_json(&t.per_card),
                })),
                "reconciliation": b.reconciliation.as_ref().map(|r| r.as_str()),
                "differences": match &b.reconciliation {
                    Some(Reconciliation::Mismatch(d)) => d.to_json(),
                    _ => Value::Null,
                },
                "acknowledged": b.acknowledged.as_ref().map(|a| json!({
                    "by": a.by,
                    "note": a.note,
                    "at": a.at.to_string(),
                })),
                "deferral": deferral_json(&b.deferral),
            })).collect::<Vec<_>>(),
            "unsettled": self.unsettled.iter().map(|b| json!({
                "batch_id": b.id,
                "terminal": b.terminal,
                "state": b.state.as_str(),
                "first_day": b.first_day.to_string(),
                "count": b.count,
                "amount": b.amount.plain(),
                "deferral": deferral_json(&b.deferral),
                "last_error": b.last_error,
            })).collect::<Vec<_>>(),
            "lost": self.lost.iter().map(|b| json!({
                "batch_id": b.id,
                "terminal": b.terminal,
                "first_day": b.first_day.to_string(),
                "lost_at": b.lost_at.to_string(),
                "count": b.count,
                "amount": b.amount.plain(),
                "deferral": deferral_json(&b.deferral),
            })).collect::<Vec<_>>(),
        })
    }

    /// Reads back what `to_json` wrote; every value is checked (a stored Z-report may have
    /// been edited). The error names the field.
    pub fn from_json(v: &Value, currency: Currency) -> Result<CardSettlement, String> {
        let list = |key: &str| v[key].as_array().ok_or(format!("card_settlement.{key}"));
        let mut out = CardSettlement::default();
        for b in list("settled")? {
            let f = Fields(b, "card_settlement.settled");
            let totals = match &b["terminal_totals"] {
                Value::Null => None,
                t => {
                    let t = Fields(t, "card_settlement.settled.terminal_totals");
                    Some(SettledTotals {
                        total: t.opt_money("total", currency)?,
                        receipt_range: t.range("receipt_range")?,
                        per_card: t.per_card("per_card", currency)?,
                    })
                }
            };
            let reconciliation = match &b["reconciliation"] {
                Value::Null => None,
                r => Some(
                    Reconciliation::from_json(&json!({"result": r, "differences": b["differences"]}), currency)
                        .map_err(|e| format!("card_settlement.settled.reconciliation: {e}"))?,
                ),
            };
            let acknowledged = match &b["acknowledged"] {
                Value::Null => None,
                a => {
                    let a = Fields(a, "card_settlement.settled.acknowledged");
                    Some(Acknowledgement {
                        by: a.text("by")?.to_string(),
                        note: a.text("note")?.to_string(),
                        at: a.time("at")?,
                    })
                }
            };
            out.settled.push(SettledBatch {
                id: f.id()?,
                terminal: f.text("terminal")?.to_string(),
                first_day: f.date("first_day")?,
                settled_at: f.time("settled_at")?,
                count: f.count("count")?,
                amount: f.money("amount", currency)?,
                totals,
                reconciliation,
                acknowledged,
                deferral: f.deferral()?,
            });
        }
        for b in list("unsettled")? {
            let f = Fields(b, "card_settlement.unsettled");
            let state = f.text("state")?;
            out.unsettled.push(UnsettledBatch {
                id: f.id()?,
                terminal: f.text("terminal")?.to_string(),
                state: BatchState::parse(state).ok_or(format!("card_settlement.unsettled.state '{state}'"))?,
                first_day: f.date("first_day")?,
                count: f.count("count")?,
                amount: f.money("amount", currency)?,
                deferral: f.deferral()?,
                last_error: b["last_error"].as_str().map(str::to_string),
            });
        }
        // Absent from reports stored before manual card payments existed.
        if !v["manual"].is_null() {
            out.manual = manual_from_json(&v["manual"], currency)?;
        }
        for b in list("lost")? {
            let f = Fields(b, "card_settlement.lost");
            out.lost.push(LostBatch {
                id: f.id()?,
                terminal: f.text("terminal")?.to_string(),
                first_day: f.date("first_day")?,
                lost_at: f.time("lost_at")?,
                count: f.count("count")?,
                amount: f.money("amount", currency)?,
                deferral: f.deferral()?,
            });
        }
        Ok(out)
    }
}

/// Checked reads of one JSON object; errors name `where.key`.
struct Fields<'a>(&'a Value, &'static str);

impl Fields<'_> {
    fn bad(&self, key: &str) -> String {
        format!("{}.{key}", self.1)
    }

    fn text(&self, key: &str) -> Result<&str, String> {
        self.0[key].as_str().ok_or_else(|| self.bad(key))
    }

    fn id(&self) -> Result<i64, String> {
        self.0["batch_id"].as_i64().ok_or_else(|| self.bad("batch_id"))
    }

    fn count(&self, key: &str) -> Result<u64, String> {
        self.0[key].as_u64().ok_or_else(|| self.bad(key))
    }

    fn date(&self, key: &str) -> Result<Date, String> {
        self.text(key)?.parse().map_err(|_| self.bad(key))
    }

    fn time(&self, key: &str) -> Result<Timestamp, String> {
        self.text(key)?.parse().map_err(|_| self.bad(key))
    }

    fn money(&self, key: &str, currency: Currency) -> Result<Money, String> {
        Money::parse(self.text(key)?, currency).map_err(|_| self.bad(key))
    }

    fn opt_money(&self, key: &str, currency: Currency) -> Result<Option<Money>, String> {
        match &self.0[key] {
            Value::Null => Ok(None),
            _ => self.money(key, currency).map(Some),
        }
    }

    fn range(&self, key: &str) -> Result<Option<(u32, u32)>, String> {
        match &self.0[key] {
            Value::Null => Ok(None),
            Value::Array(pair) if pair.len() == 2 => {
                let n = |v: &Value| {
                    v.as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| self.bad(key))
                };
                Ok(Some((n(&pair[0])?, n(&pair[1])?)))
            }
            _ => Err(self.bad(key)),
        }
    }

    fn per_card(&self, key: &str, currency: Currency) -> Result<Vec<(String, u32, Money)>, String> {
        let mut out = Vec::new();
        for c in self.0[key].as_array().ok_or_else(|| self.bad(key))? {
            let c = Fields(c, self.1);
            let count = c
                .count("count")
                .ok()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| self.bad(key))?;
            out.push((c.text("card_type")?.to_string(), count, c.money("amount", currency)?));
        }
        Ok(out)
    }

    fn deferral(&self) -> Result<Option<Deferral>, String> {
        let d = match &self.0["deferral"] {
            Value::Null => return Ok(None),
            d => Fields(d, self.1),
        };
        let code = d.text("reason")?;
        let text = d.0["reason_text"].as_str().map(str::to_string);
        Ok(Some(Deferral {
            until: d.time("until")?,
            by: d.text("by")?.to_string(),
            reason: DeferReason::from_code(code, text).ok_or_else(|| self.bad("deferral.reason"))?,
            at: d.time("at")?,
        }))
    }
}

#[cfg(test)]
mod tests;
