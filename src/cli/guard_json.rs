//! JSON and text forms of the settlement guard's objects: settlements, terminal totals,
//! reconciliation differences, batches, the verdict and claim lists (the documented contract).

use crate::money::{Currency, Money};
use crate::settlement::batch::DeferReason;
use crate::settlement::guard::Verdict;
use crate::settlement::reconcile::{Differences, Reconciliation};
use crate::store::TerminalTotals;
use crate::till::{BatchSummary, ClaimLine, Settlement};
use serde_json::{Value, json};

/// `{total, receipt_range, per_card: [{card_type, count, amount}], trace, result_code}`.
pub fn totals(t: &TerminalTotals, currency: Currency) -> Value {
    json!({
        "total": t.total_minor.map(|m| Money::from_minor(m, currency).plain()),
        "receipt_range": t.receipt_range.map(|(a, b)| vec![a, b]),
        "per_card": t.per_card.iter().map(|(card, count, amount)| json!({
            "card_type": card,
            "count": count,
            "amount": Money::from_minor(*amount, currency).plain(),
        })).collect::<Vec<_>>(),
        "trace": t.trace,
        "result_code": t.result_code.map(|c| format!("{c:02X}")),
    })
}

pub fn totals_lines(t: &TerminalTotals, currency: Currency) -> Vec<String> {
    let mut lines = vec![format!(
        "total {}, receipt (voucher) numbers {}",
        t.total_minor
            .map(|m| Money::from_minor(m, currency).display())
            .unwrap_or_else(|| "-".into()),
        t.receipt_range
            .map(|(a, b)| format!("{a}..{b}"))
            .unwrap_or_else(|| "-".into())
    )];
    for (card, count, amount) in t
        .per_card
        .iter()
        .filter(|(_, count, amount)| *count > 0 || *amount != 0)
    {
        lines.push(format!(
            "{card:<12} {count:>4}  {}",
            Money::from_minor(*amount, currency).display()
        ));
    }
    lines
}

pub fn difference_lines(d: &Differences) -> Vec<String> {
    let mut lines = Vec::new();
    if !d.missing_in_ledger.is_empty() {
        let numbers: Vec<String> = d.missing_in_ledger.iter().map(|n| n.to_string()).collect();
        lines.push(format!(
            "receipt (voucher) numbers on the terminal the ledger lacks: {}",
            numbers.join(", ")
        ));
    }
    for (id, receipt) in &d.outside_range {
        lines.push(format!(
            "card #{id} (receipt/voucher {}) is in the ledger but not in the terminal's range",
            receipt.map(|r| r.to_string()).unwrap_or_else(|| "none".into())
        ));
    }
    for c in &d.per_card {
        lines.push(format!(
            "{}: terminal {} for {}, ledger {} for {}",
            c.card_type,
            c.terminal_count,
            c.terminal_amount.plain(),
            c.ledger_count,
            c.ledger_amount.plain()
        ));
    }
    lines
}

/// `settle --json`.
pub fn settlement(s: &Settlement, currency: Currency) -> Value {
    json!({
        "batch_id": s.batch_id,
        "state": s.state.as_str(),
        "turnover_totals": s.turnover.as_ref().map(|t| totals(t, currency)),
        "terminal_totals": s.totals.as_ref().map(|t| totals(t, currency)),
        "reconciliation": s.reconciliation.as_str(),
        "differences": match &s.reconciliation {
            Reconciliation::Match => Value::Null,
            Reconciliation::Mismatch(d) => d.to_json(),
        },
        "receipt_lines": s.receipt_lines,
    })
}

fn reason_text(r: &DeferReason) -> Option<String> {
    match r {
        DeferReason::Other(t) => Some(t.clone()),
        _ => None,
    }
}

/// `status --json` `guard`.
pub fn verdict(v: &Verdict, minutes_to_clear: Option<i64>) -> Value {
    let mut out = json!({
        "verdict": v.as_str(),
        "why": null,
        "until": null,
        "by": null,
        "reason": null,
        "reason_text": null,
        "minutes_to_clear": minutes_to_clear,
        "terminal": null,
        "allows_selling": v.allows_selling(),
        "allows_quit": v.allows_quit(),
    });
    let Some(map) = out.as_object_mut() else {
        return out;
    };
    match v {
        Verdict::Clear => {}
        Verdict::Remind { minutes, terminal } => {
            map.insert("minutes_to_clear".into(), json!(minutes));
            map.insert("terminal".into(), json!(terminal));
        }
        Verdict::MustSettle { why, terminal } => {
            map.insert("why".into(), json!(why.as_str()));
            map.insert("terminal".into(), json!(terminal));
        }
        Verdict::Deferred { until, by, reason } => {
            map.insert("until".into(), json!(until.to_string()));
            map.insert("by".into(), json!(by));
            map.insert("reason".into(), json!(reason.code()));
            map.insert("reason_text".into(), json!(reason_text(reason)));
        }
    }
    out
}

/// `status --json` `batches`: the unsettled ones.
pub fn batch(b: &BatchSummary) -> Value {
    let v = &b.view;
    json!({
        "id": v.id,
        "terminal": v.terminal,
        "state": v.state.as_str(),
        "opened_at": v.opened_at.to_string(),
        "first_day": v.first_day.to_string(),
        "count": v.payments,
        "amount": v.amount.plain(),
        "per_card": b.per_card.iter().map(|(card, count, amount)| json!({
            "card_type": card,
            "count": count,
            "amount": amount.plain(),
        })).collect::<Vec<_>>(),
        "deferral": v.deferral.as_ref().map(|d| json!({
            "until": d.until.to_string(),
            "by": d.by,
            "reason": d.reason.code(),
            "reason_text": reason_text(&d.reason),
            "at": d.at.to_string(),
        })),
        "last_error": b.last_error,
    })
}

pub fn claim_line(c: &ClaimLine) -> Value {
    json!({
        "card_id": c.card_id,
        "kind": c.kind.as_str(),
        "date": c.date,
        "time": c.time,
        "amount": c.amount.plain(),
        "trace": c.trace,
        "receipt_no": c.receipt_no,
        "pan": c.pan,
        "card_type": c.card_type,
        "card_name": c.card_name,
        "terminal_id": c.terminal_id,
    })
}
