//! Manual card payments (made on a standalone card device) as a report lists them: apart from
//! every terminal batch, one line each, so the manager can tick them off against the device's
//! own settlement slip. Pure; the store reads them.

use crate::money::{Currency, Money, sum};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Value, json};

/// One manual card payment (or refund, with a negative amount).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualCardLine {
    pub sale_id: i64,
    pub refund: bool,
    pub business_day: Date,
    pub at: Timestamp,
    pub amount: Money,
    pub auth_code: Option<String>,
    pub card_type: Option<String>,
    pub last4: Option<String>,
    pub operator: String,
}

/// How many there are and what they come to (refunds subtract), as the device counts them.
pub fn manual_totals(lines: &[ManualCardLine], currency: Currency) -> (u64, Money) {
    (lines.len() as u64, sum(currency, lines.iter().map(|l| l.amount)))
}

/// `{count, amount, payments: [{sale_id, kind, business_day, at, amount, auth_code, card_type,
/// last4, operator}]}` (documented in the README).
pub fn manual_json(lines: &[ManualCardLine], currency: Currency) -> Value {
    let (count, amount) = manual_totals(lines, currency);
    json!({
        "count": count,
        "amount": amount.plain(),
        "payments": lines.iter().map(|l| json!({
            "sale_id": l.sale_id,
            "kind": if l.refund { "refund" } else { "sale" },
            "business_day": l.business_day.to_string(),
            "at": l.at.to_string(),
            "amount": l.amount.plain(),
            "auth_code": l.auth_code,
            "card_type": l.card_type,
            "last4": l.last4,
            "operator": l.operator,
        })).collect::<Vec<_>>(),
    })
}

/// Reads back what `manual_json` wrote; every value checked (a stored Z-report is outside
/// input). The error names the field.
pub fn manual_from_json(v: &Value, currency: Currency) -> Result<Vec<ManualCardLine>, String> {
    let bad = |key: &str| format!("card_settlement.manual.{key}");
    let mut out = Vec::new();
    for p in v["payments"].as_array().ok_or_else(|| bad("payments"))? {
        let text = |key: &str| p[key].as_str().ok_or_else(|| bad(key));
        let optional = |key: &str| match &p[key] {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            _ => Err(bad(key)),
        };
        out.push(ManualCardLine {
            sale_id: p["sale_id"].as_i64().ok_or_else(|| bad("sale_id"))?,
            refund: match text("kind")? {
                "sale" => false,
                "refund" => true,
                _ => return Err(bad("kind")),
            },
            business_day: text("business_day")?.parse().map_err(|_| bad("business_day"))?,
            at: text("at")?.parse().map_err(|_| bad("at"))?,
            amount: Money::parse(text("amount")?, currency).map_err(|_| bad("amount"))?,
            auth_code: optional("auth_code")?,
            card_type: optional("card_type")?,
            last4: optional("last4")?,
            operator: text("operator")?.to_string(),
        });
    }
    // The totals are derived from the lines; a stored report whose totals disagree was edited.
    let (count, amount) = manual_totals(&out, currency);
    if v["count"].as_u64() != Some(count) {
        return Err(bad("count"));
    }
    if v["amount"].as_str().and_then(|a| Money::parse(a, currency).ok()) != Some(amount) {
        return Err(bad("amount"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(sale_id: i64, amount: &str, auth: Option<&str>) -> ManualCardLine {
        ManualCardLine {
            sale_id,
            refund: amount.starts_with('-'),
            business_day: jiff::civil::date(2026, 11, 26),
            at: "2026-11-26T10:00:00Z".parse().expect("ts"),
            amount: Money::parse(amount, Currency::CNY).expect("amount"),
            auth_code: auth.map(str::to_string),
            card_type: Some("VISA".into()),
            last4: None,
            operator: "ann".into(),
        }
    }

    #[test]
    fn refunds_subtract_and_the_json_reads_back() {
        let lines = vec![line(1, "12.00", Some("123456")), line(2, "-2.50", None)];
        let (count, amount) = manual_totals(&lines, Currency::CNY);
        assert_eq!((count, amount.plain()), (2, "9.50".to_string()));
        let json = manual_json(&lines, Currency::CNY);
        assert_eq!(json["payments"][0]["auth_code"], "123456");
        assert_eq!(json["payments"][1]["kind"], "refund");
        assert_eq!(manual_from_json(&json, Currency::CNY).expect("reads back"), lines);
    }

    #[test]
    fn an_edited_list_is_refused_naming_the_field() {
        let lines = vec![line(1, "12.00", Some("123456"))];
        let mut json = manual_json(&lines, Currency::CNY);
        json["payments"][0]["amount"] = json!("99.00");
        assert_eq!(
            manual_from_json(&json, Currency::CNY),
            Err("card_settlement.manual.amount".into())
        );
        let mut json = manual_json(&lines, Currency::CNY);
        json["payments"][0]["kind"] = json!("void");
        assert_eq!(
            manual_from_json(&json, Currency::CNY),
            Err("card_settlement.manual.kind".into())
        );
    }
}
