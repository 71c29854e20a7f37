//! JSON forms shared by several subcommands (the documented contract).

use crate::sale::{Payment, SaleRecord};
use crate::till::CardDoubt;
use crate::till::recover::{RecoveryOutcome, RecoveryReport};
use serde_json::{Value, json};

pub fn sale(s: &SaleRecord) -> Value {
    let d = &s.draft;
    json!({
        "sale_id": s.id,
        "kind": d.kind.as_str(),
        "refund_of": d.refund_of,
        "business_day": s.business_day.to_string(),
        "created_at": s.created_at.to_string(),
        "currency": d.currency.alpha,
        "total": d.total.plain(),
        "tax_total": d.tax_total.plain(),
        "discount_total": d.discount_total().plain(),
        "change": d.change().plain(),
        "tax": d.taxes.iter().map(|t| json!({
            "rate": t.rate.percent_value().to_string(),
            "gross": t.gross.plain(),
            "amount": t.tax.plain(),
        })).collect::<Vec<_>>(),
        "lines": d.lines.iter().map(|l| json!({
            "line_no": l.line_no,
            "sku": l.sku,
            "barcode": l.barcode,
            "name_zh": l.name_zh,
            "name_en": l.name_en,
            "quantity": l.quantity,
            "unit_price": l.unit_price.plain(),
            "total": l.total.plain(),
        })).collect::<Vec<_>>(),
        "payments": d.payments.iter().map(payment).collect::<Vec<_>>(),
    })
}

fn payment(p: &Payment) -> Value {
    let mut v = json!({
        "method": p.method.as_str(),
        "amount": p.amount.plain(),
        "given": p.given.map(|g| g.plain()),
        "change": p.change.plain(),
        "state": p.state.as_str(),
    });
    if let (Some(card), Some(map)) = (&p.card, v.as_object_mut()) {
        map.insert("trace".into(), json!(card.trace));
        map.insert("receipt_no".into(), json!(card.receipt_no));
        map.insert("card_type".into(), json!(card.card_type));
        map.insert("card_name".into(), json!(card.card_name));
        map.insert("pan".into(), json!(card.pan));
        map.insert("terminal_id".into(), json!(card.terminal_id));
    }
    if let (Some(manual), Some(map)) = (&p.manual, v.as_object_mut()) {
        map.insert("auth_code".into(), json!(manual.auth_code));
        map.insert("card_type".into(), json!(manual.card_type));
        map.insert("last4".into(), json!(manual.last4));
        map.insert("operator".into(), json!(manual.operator));
    }
    v
}

/// `recover --json`.
pub fn recovery(r: &RecoveryReport) -> Value {
    json!({
        "terminal": (!r.terminal.is_empty()).then_some(&r.terminal),
        "terminal_error": r.terminal_error,
        "cards": r.cards.iter().map(|c| json!({
            "id": c.id,
            "kind": c.kind.as_str(),
            "amount": c.amount.plain(),
            "outcome": c.outcome.as_str(),
            "reason": c.reason,
            "sale_id": c.sale_id,
            "trace": c.trace,
            "receipt_no": c.receipt_no,
        })).collect::<Vec<_>>(),
        "in_doubt": r.in_doubt(),
        "approved_without_sale": r.without_sale(),
    })
}

/// `{count, amount, ids}` of a set of card journal rows (`status --json`).
pub fn card_doubt(d: &CardDoubt) -> Value {
    json!({"count": d.count, "amount": d.amount.plain(), "ids": d.ids})
}

pub fn outcome_text(o: RecoveryOutcome) -> &'static str {
    match o {
        RecoveryOutcome::Approved => "approved, sale not committed",
        RecoveryOutcome::NotBooked => "not booked",
        RecoveryOutcome::InDoubt => "still in doubt",
        RecoveryOutcome::SaleRecovered => "sale recovered",
    }
}
