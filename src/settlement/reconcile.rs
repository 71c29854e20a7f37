//! Reconciliation: a terminal's end-of-day totals against the ledger's card transactions of
//! the same batch. Pure.
//!
//! How transactions count, on both sides. ZVT (PA00P015 3.1.3) reports per card type a count
//! and a "total turnover" in unsigned BCD, and the receipt-number range of the batch; a
//! reversal (2.9) is carried out against the turnover storage, i.e. it takes the payment back
//! out of the turnover. The spec does not spell out more, so Tillguard counts as its simulator
//! does (src/terminal/simulator/batch.rs), which is what German terminals print:
//! - an approved payment counts once in its card type and adds its amount;
//! - a reversed payment and the reversal itself count nowhere;
//! - a refund counts once in its card type and subtracts its amount (turnover is net);
//! - BCD has no sign, so a card type whose refunds exceed its payments shows 0.
//!
//! The receipt range is the first and last receipt number of the batch, reversals and
//! refunds included; it may wrap past 9999. A terminal that counts otherwise shows up as a
//! difference for the manager to acknowledge, never as a silent match.
//!
//! A terminal uses up a receipt number for a transaction it then does not book (the line died,
//! the result was never acknowledged), so the range can have holes. A number in the range is
//! known when a journal row of the batch's period carries it: approved, not booked, or (when
//! every card type agrees) in doubt. A number no row carries is missing, unless the card types
//! all agree and a row that was not booked, whose number the till never heard, was journaled
//! between the rows holding the numbers on either side of the hole: that row took it. Agreeing
//! counts and sums mean no such row was booked (else the terminal would count one more).

use crate::money::{Currency, Money};
use serde_json::{Value, json};

/// The BMP 60 card groups, in their order there.
pub const CARD_GROUPS: [&str; 7] = ["girocard", "jcb", "mastercard", "amex", "visa", "diners", "other"];

/// What the terminal reported for the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalSide {
    /// First and last receipt number; None when the terminal reported none (or 0..0).
    pub receipt_range: Option<(u32, u32)>,
    /// (card group as in `CARD_GROUPS`, count, amount)
    pub per_card: Vec<(String, u32, Money)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerKind {
    Payment,
    Reversal,
    Refund,
}

/// One approved card transaction of the batch, as the ledger journaled it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerCard {
    /// The card journal id.
    pub id: i64,
    pub kind: LedgerKind,
    /// For a reversal: the journal id of the payment it takes back.
    pub refers_to: Option<i64>,
    /// Always positive.
    pub amount: Money,
    pub receipt_no: Option<u32>,
    /// The card type as journaled ("mastercard", "type 12", ...).
    pub card_type: Option<String>,
}

/// A card transaction of the batch's period on the same terminal that the ledger does not count:
/// the terminal declined or aborted it, recovery found it not booked, or it is still in doubt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UncountedCard {
    /// The card journal id (journal order is the order the terminal was asked in).
    pub id: i64,
    /// The receipt number the terminal gave it, if the till heard one.
    pub receipt_no: Option<u32>,
    /// Still in doubt: its number counts as known only when every card type agrees.
    pub in_doubt: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardDelta {
    pub card_type: String,
    pub terminal_count: u32,
    pub ledger_count: u32,
    pub terminal_amount: Money,
    pub ledger_amount: Money,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Differences {
    /// Receipt numbers in the terminal's range that no ledger transaction of the batch has.
    pub missing_in_ledger: Vec<u32>,
    /// Ledger transactions (journal id, receipt no) outside the terminal's range.
    pub outside_range: Vec<(i64, Option<u32>)>,
    /// Card groups whose count or amount differ.
    pub per_card: Vec<CardDelta>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reconciliation {
    Match,
    Mismatch(Differences),
}

impl Reconciliation {
    /// Match when there are no differences, else the mismatch listing them.
    pub fn of(d: Differences) -> Reconciliation {
        if d == Differences::default() {
            Reconciliation::Match
        } else {
            Reconciliation::Mismatch(d)
        }
    }

    pub fn is_match(&self) -> bool {
        matches!(self, Reconciliation::Match)
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Reconciliation::Match => "match",
            Reconciliation::Mismatch(_) => "mismatch",
        }
    }
}

/// The BMP 60 group a journaled card type belongs to (ZVT card-type ids, chapter 12).
pub fn card_group(card_type: Option<&str>) -> &'static str {
    let Some(t) = card_type.map(|t| t.trim().to_ascii_lowercase()) else {
        return "other";
    };
    let id = t.strip_prefix("type ").and_then(|n| n.trim().parse::<u8>().ok());
    match (t.as_str(), id) {
        ("girocard", _) | (_, Some(5)) => "girocard",
        ("mastercard" | "eurocard", _) | (_, Some(6)) => "mastercard",
        ("amex", _) | (_, Some(8)) => "amex",
        // 11 is VISA electron, counted with VISA.
        ("visa", _) | (_, Some(10 | 11)) => "visa",
        ("diners", _) | (_, Some(12)) => "diners",
        ("jcb", _) | (_, Some(14)) => "jcb",
        _ => "other",
    }
}

/// The transactions a terminal counts, each with its signed amount: payments not reversed
/// (adding) and refunds (subtracting); reversed payments and reversals count nowhere.
pub fn counted(ledger: &[LedgerCard]) -> impl Iterator<Item = (&LedgerCard, Money)> {
    let reversed: Vec<i64> = ledger
        .iter()
        .filter(|c| c.kind == LedgerKind::Reversal)
        .filter_map(|c| c.refers_to)
        .collect();
    ledger.iter().filter_map(move |c| match c.kind {
        LedgerKind::Payment if reversed.contains(&c.id) => None,
        LedgerKind::Reversal => None,
        LedgerKind::Payment => Some((c, c.amount)),
        LedgerKind::Refund => Some((c, -c.amount)),
    })
}

/// The ledger's side as the terminal would count it: (group, count, amount) per group that
/// has transactions, in BMP 60 order. Amounts below zero show as 0, as on the terminal.
pub fn ledger_totals(ledger: &[LedgerCard], currency: Currency) -> Vec<(String, u32, Money)> {
    let mut out: Vec<(String, u32, Money)> = Vec::new();
    for group in CARD_GROUPS {
        let mut count = 0u32;
        let mut amount = Money::zero(currency);
        for (_, signed) in counted(ledger).filter(|(c, _)| card_group(c.card_type.as_deref()) == group) {
            amount += signed;
            count += 1;
        }
        if count > 0 {
            let shown = if amount.is_negative() {
                Money::zero(currency)
            } else {
                amount
            };
            out.push((group.to_string(), count, shown));
        }
    }
    out
}

/// The counted transactions (payments not reversed, and refunds) and their net amount.
pub fn ledger_net(ledger: &[LedgerCard], currency: Currency) -> (u64, Money) {
    counted(ledger).fold((0, Money::zero(currency)), |(n, sum), (_, signed)| {
        (n + 1, sum + signed)
    })
}

fn in_range(n: u32, (start, end): (u32, u32)) -> bool {
    if start <= end {
        (start..=end).contains(&n)
    } else {
        // The counter wrapped 9999 -> 1 inside the batch.
        n >= start || n <= end
    }
}

/// The numbers of a receipt range in order, wrapping after 9999.
fn range_numbers((start, end): (u32, u32)) -> Vec<u32> {
    if start <= end {
        (start..=end).collect()
    } else {
        (start..=9999).chain(1..=end).collect()
    }
}

/// `uncounted`: the journal rows of the batch's period (same terminal) that are neither
/// approved nor part of `ledger`, see `UncountedCard`.
pub fn reconcile(
    terminal: &TerminalSide,
    ledger: &[LedgerCard],
    uncounted: &[UncountedCard],
    currency: Currency,
) -> Reconciliation {
    let range = terminal.receipt_range.filter(|r| *r != (0, 0));
    let mut d = Differences {
        per_card: card_deltas(terminal, ledger, currency),
        ..Differences::default()
    };
    let totals_agree = d.per_card.is_empty();
    if let Some(range) = range {
        d.missing_in_ledger = missing(range, ledger, uncounted, totals_agree);
    }
    d.outside_range = ledger
        .iter()
        .filter(|c| match (c.receipt_no, range) {
            (Some(n), Some(r)) => !in_range(n, r),
            _ => true,
        })
        .map(|c| (c.id, c.receipt_no))
        .collect();
    Reconciliation::of(d)
}

/// The card groups whose count or amount differ between the terminal and the ledger.
fn card_deltas(terminal: &TerminalSide, ledger: &[LedgerCard], currency: Currency) -> Vec<CardDelta> {
    let ours = ledger_totals(ledger, currency);
    let mut out = Vec::new();
    for group in CARD_GROUPS {
        let find = |side: &[(String, u32, Money)]| {
            side.iter()
                .filter(|(g, _, _)| card_group(Some(g)) == group)
                .fold((0u32, Money::zero(currency)), |(n, a), (_, c, m)| {
                    (n.saturating_add(*c), a + *m)
                })
        };
        let (terminal_count, terminal_amount) = find(&terminal.per_card);
        let (ledger_count, ledger_amount) = find(&ours);
        if terminal_count != ledger_count || terminal_amount != ledger_amount {
            out.push(CardDelta {
                card_type: group.to_string(),
                terminal_count,
                ledger_count,
                terminal_amount,
                ledger_amount,
            });
        }
    }
    out
}

/// The numbers of `range` no journal row accounts for (see the module comment).
fn missing(range: (u32, u32), ledger: &[LedgerCard], uncounted: &[UncountedCard], totals_agree: bool) -> Vec<u32> {
    let numbers = range_numbers(range);
    let position = |n: u32| numbers.iter().position(|x| *x == n);
    // Every row of the period in journal order, with the position of its number in the range.
    let mut rows: Vec<(i64, Option<u32>, bool)> = ledger.iter().map(|c| (c.id, c.receipt_no, true)).collect();
    rows.extend(
        uncounted
            .iter()
            .map(|c| (c.id, c.receipt_no, !c.in_doubt || totals_agree)),
    );
    rows.sort_by_key(|r| r.0);
    let known: Vec<u32> = rows.iter().filter(|r| r.2).filter_map(|r| r.1).collect();
    let mut holes: Vec<usize> = (0..numbers.len()).filter(|i| !known.contains(&numbers[*i])).collect();
    if !totals_agree || holes.is_empty() {
        return holes.into_iter().map(|i| numbers[i]).collect();
    }
    // For each uncounted row without a number: the positions strictly between the numbered rows
    // journaled before and after it (the whole range when there is none on a side).
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let unnumbered = row.1.is_none() && uncounted.iter().any(|c| c.id == row.0);
        if !unnumbered {
            continue;
        }
        let before = rows[..i].iter().rev().find_map(|r| r.1.and_then(position));
        let after = rows[i + 1..].iter().find_map(|r| r.1.and_then(position));
        spans.push((before.map_or(0, |b| b + 1), after.unwrap_or(numbers.len())));
    }
    // Each such row took at most one number; spans move forward in journal order, so taking
    // the first free span that holds a hole, hole by hole, explains as many as can be.
    let mut used = vec![false; spans.len()];
    holes.retain(|hole| {
        let found = spans
            .iter()
            .enumerate()
            .find(|(k, (from, to))| !used[*k] && (*from..*to).contains(hole));
        match found {
            Some((k, _)) => {
                used[k] = true;
                false
            }
            None => true,
        }
    });
    holes.into_iter().map(|i| numbers[i]).collect()
}

impl Differences {
    pub fn to_json(&self) -> Value {
        json!({
            "missing_in_ledger": self.missing_in_ledger,
            "outside_range": self.outside_range.iter().map(|(id, receipt)| json!({
                "card_id": id,
                "receipt_no": receipt,
            })).collect::<Vec<_>>(),
            "per_card": self.per_card.iter().map(|c| json!({
                "card_type": c.card_type,
                "terminal_count": c.terminal_count,
                "ledger_count": c.ledger_count,
                "terminal_amount": c.terminal_amount.plain(),
                "ledger_amount": c.ledger_amount.plain(),
            })).collect::<Vec<_>>(),
        })
    }
}

impl Reconciliation {
    /// `{"result": "match"}` or `{"result": "mismatch", "differences": {...}}`; amounts as
    /// plain decimals.
    pub fn to_json(&self) -> Value {
        match self {
            Reconciliation::Match => json!({"result": "match"}),
            Reconciliation::Mismatch(d) => json!({"result": "mismatch", "differences": d.to_json()}),
        }
    }

    /// Reads back what `to_json` wrote; every value checked (it comes from the database).
    pub fn from_json(v: &Value, currency: Currency) -> Result<Reconciliation, String> {
        match v["result"].as_str() {
            Some("match") => return Ok(Reconciliation::Match),
            Some("mismatch") => {}
            other => return Err(format!("unknown result {other:?}")),
        }
        let d = &v["differences"];
        let list = |key: &str| d[key].as_array().cloned().ok_or(format!("'{key}' is missing"));
        let number = |v: &Value, what: &str| {
            v.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or(format!("{what} '{v}' is not a number"))
        };
        let money = |v: &Value, what: &str| {
            v.as_str()
                .and_then(|s| Money::parse(s, currency).ok())
                .ok_or(format!("{what} '{v}' is not an amount"))
        };
        let mut out = Differences::default();
        for n in list("missing_in_ledger")? {
            out.missing_in_ledger.push(number(&n, "receipt number")?);
        }
        for o in list("outside_range")? {
            let id = o["card_id"]
                .as_i64()
                .ok_or(format!("card id '{}' is not a number", o["card_id"]))?;
            let receipt = match &o["receipt_no"] {
                Value::Null => None,
                n => Some(number(n, "receipt number")?),
            };
            out.outside_range.push((id, receipt));
        }
        for c in list("per_card")? {
            out.per_card.push(CardDelta {
                card_type: c["card_type"].as_str().unwrap_or("other").to_string(),
                terminal_count: number(&c["terminal_count"], "count")?,
                ledger_count: number(&c["ledger_count"], "count")?,
                terminal_amount: money(&c["terminal_amount"], "amount")?,
                ledger_amount: money(&c["ledger_amount"], "amount")?,
            });
        }
        Ok(Reconciliation::Mismatch(out))
    }
}

#[cfg(test)]
mod tests;
