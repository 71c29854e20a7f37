//! Any ZVT APDU as JSON or plain text, for `tillguard terminal decode HEX [--json]`: names the
//! message and every field a person would look for (amount, trace, receipt, card, result).

use super::apdu::{Apdu, DecodeError};
use super::bmp;
use super::codes;
use super::messages::{self, Completion, EcrCommand, PtMessage, StatusInformation, ci};
use super::tlv::{Tlv, TlvValue, tags};
use crate::config::Language;
use crate::money::{Currency, Money};
use serde_json::{Map, Value, json};

/// The message's stable name, e.g. "status_information" for 04 0F.
pub fn message_name(class: u8, instr: u8) -> &'static str {
    match (class, instr) {
        ci::REGISTRATION => "registration",
        ci::AUTHORIZATION => "authorization",
        ci::LOG_OFF => "log_off",
        ci::COMPLETION => "completion",
        ci::SEND_TURNOVER_TOTALS => "send_turnover_totals",
        ci::ABORT => "abort",
        ci::REPEAT_RECEIPT => "repeat_receipt",
        ci::REVERSAL => "reversal",
        ci::REFUND => "refund",
        ci::END_OF_DAY => "end_of_day",
        ci::ABORT_REQUEST => "abort_request",
        ci::PRINT_LINE => "print_line",
        ci::PRINT_TEXT_BLOCK => "print_text_block",
        ci::STATUS_ENQUIRY => "status_enquiry",
        ci::STATUS_INFORMATION => "status_information",
        ci::INTERMEDIATE_STATUS => "intermediate_status",
        (0x80, _) | (ci::NAK_CLASS, 0x00) => "ack",
        (ci::NAK_CLASS, _) => "nak",
        (0x04, 0x01) => "set_date_time_ecr",
        (0x04, 0x0D) => "input_request",
        (0x04, 0x0E) => "menu_request",
        (0x06, 0x03) => "account_balance_request",
        (0x06, 0x12) => "reprint_receipts",
        (0x06, 0x18) => "reset_terminal",
        (0x06, 0x1A) => "print_system_configuration",
        (0x06, 0x1B) => "set_terminal_id",
        (0x06, 0x21) => "telephonic_authorisation",
        (0x06, 0x22) => "pre_authorisation",
        (0x06, 0x23) => "partial_reversal",
        (0x06, 0x24) => "book_total",
        (0x06, 0x25) => "pre_authorisation_reversal",
        (0x06, 0x51) => "send_offline_transactions",
        (0x06, 0x70) => "diagnosis",
        (0x06, 0x79) => "selftest",
        (0x06, 0x85) => "display_text",
        (0x06, 0x91) => "set_date_time_pt",
        (0x06, 0x93) => "initialisation",
        (0x06, 0x95) => "change_password",
        (0x06, 0xC0) => "read_card",
        (0x06, 0xD8) => "dial_up",
        (0x06, 0xE0) => "display_text_input",
        _ => "unknown",
    }
}

/// Everything `describe` found, in display order.
struct Description {
    message: &'static str,
    class_instr: String,
    fields: Vec<(&'static str, Value)>,
}

impl Description {
    fn put(&mut self, key: &'static str, value: impl Into<Value>) {
        self.fields.push((key, value.into()));
    }

    fn put_opt<T: Into<Value>>(&mut self, key: &'static str, value: Option<T>) {
        if let Some(v) = value {
            self.put(key, v);
        }
    }
}

/// Decodes one APDU (the whole of `bytes`) into a JSON object:
/// `{"message": "status_information", "class_instr": "04 0F", "amount": "9.58", ...}`.
pub fn describe(bytes: &[u8]) -> Result<Value, DecodeError> {
    let d = read(bytes)?;
    let mut map = Map::new();
    map.insert("message".into(), Value::from(d.message));
    map.insert("class_instr".into(), Value::from(d.class_instr));
    for (key, value) in d.fields {
        map.insert(key.into(), value);
    }
    Ok(Value::Object(map))
}

/// The same as `describe`, as English text for people: a heading line, then one line per field.
pub fn describe_text(bytes: &[u8]) -> Result<String, DecodeError> {
    let d = read(bytes)?;
    let mut out = format!("{} ({})\n", d.message.replace('_', " "), d.class_instr);
    for (key, value) in &d.fields {
        let label = key.replace('_', " ");
        match value {
            Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
                out.push_str(&format!("  {label}:\n"));
                for item in items {
                    // Totals read best as "mastercard: count 2, amount 9.58".
                    let line = match (item.get("card_type"), item.get("count"), item.get("amount")) {
                        (Some(card), Some(count), Some(amount)) => {
                            format!("{}: count {}, amount {}", inline(card), inline(count), inline(amount))
                        }
                        _ => inline(item),
                    };
                    out.push_str(&format!("    - {line}\n"));
                }
            }
            Value::Array(items) if key == &"lines" => {
                out.push_str(&format!("  {label}:\n"));
                for item in items {
                    out.push_str(&format!("    | {}\n", item.as_str().unwrap_or_default()));
                }
            }
            other => out.push_str(&format!("  {label}: {}\n", inline(other))),
        }
    }
    Ok(out)
}

/// A value on one line: strings bare, arrays comma separated, objects as `key=value`.
fn inline(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(inline).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}={}", inline(v)))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

fn read(bytes: &[u8]) -> Result<Description, DecodeError> {
    let (a, used) = Apdu::decode(bytes)?;
    if used < bytes.len() {
        return Err(DecodeError::TrailingBytes {
            what: "APDU",
            offset: used,
            count: bytes.len() - used,
        });
    }
    let mut d = Description {
        message: message_name(a.class, a.instr),
        class_instr: format!("{:02X} {:02X}", a.class, a.instr),
        fields: Vec::new(),
    };
    match (a.class, a.instr) {
        ci::REGISTRATION
        | ci::AUTHORIZATION
        | ci::REVERSAL
        | ci::REFUND
        | ci::END_OF_DAY
        | ci::SEND_TURNOVER_TOTALS
        | ci::REPEAT_RECEIPT
        | ci::STATUS_ENQUIRY
        | ci::LOG_OFF
        | ci::ABORT_REQUEST => ecr_fields(&mut d, &EcrCommand::from_apdu(&a)?),
        _ => pt_fields(&mut d, &a)?,
    }
    Ok(d)
}

fn ecr_fields(d: &mut Description, cmd: &EcrCommand) {
    match cmd {
        EcrCommand::Registration {
            password,
            config,
            currency,
            service,
        } => {
            d.put("password", format!("{password:06}"));
            d.put("config", hex2(*config));
            d.put("config_flags", config_flags(*config));
            currency_fields(d, *currency);
            d.put_opt("service", service.map(hex2));
        }
        EcrCommand::Authorization {
            amount_minor,
            currency,
            payment_type,
        } => {
            d.put("amount", amount_text(*amount_minor, *currency));
            currency_fields(d, *currency);
            d.put_opt("payment_type", payment_type.map(hex2));
        }
        EcrCommand::Reversal {
            password,
            receipt_no,
            amount_minor,
            currency,
        } => {
            d.put("password", format!("{password:06}"));
            d.put("receipt_no", *receipt_no);
            d.put_opt("amount", amount_minor.map(|a| amount_text(a, *currency)));
            currency_fields(d, *currency);
        }
        EcrCommand::Refund {
            password,
            amount_minor,
            currency,
        } => {
            d.put("password", format!("{password:06}"));
            d.put("amount", amount_text(*amount_minor, *currency));
            currency_fields(d, *currency);
        }
        EcrCommand::EndOfDay { password }
        | EcrCommand::SendTurnoverTotals { password }
        | EcrCommand::RepeatReceipt { password } => d.put("password", format!("{password:06}")),
        EcrCommand::StatusEnquiry { password, service } => {
            d.put_opt("password", password.map(|p| format!("{p:06}")));
            d.put_opt("service", service.map(hex2));
        }
        EcrCommand::LogOff | EcrCommand::Abort | EcrCommand::Other(_) => {}
    }
}

fn pt_fields(d: &mut Description, a: &Apdu) -> Result<(), DecodeError> {
    match PtMessage::from_apdu(a)? {
        PtMessage::Ack => {}
        PtMessage::Nak { code } => result_fields(d, code),
        PtMessage::IntermediateStatus { code, timeout_minutes } => {
            d.put("status_code", hex2(code));
            d.put("status_name", codes::intermediate_name(code));
            d.put("status", codes::intermediate_text(code, Language::En));
            d.put_opt("timeout_minutes", timeout_minutes);
        }
        PtMessage::StatusInformation(info) => status_fields(d, &info),
        PtMessage::PrintLine { attribute, text } => {
            d.put("attribute", hex2(attribute));
            d.put("text", text);
        }
        PtMessage::PrintTextBlock { lines } => {
            let items = messages::print_text_block_tlv(a)?;
            let receipt_type = super::tlv::find_all(&items, tags::RECEIPT_TYPE)
                .first()
                .and_then(|t| t.primitive_value())
                .and_then(|v| v.first().copied());
            d.put_opt("receipt_type", receipt_type);
            d.put("lines", lines);
        }
        PtMessage::Completion(c) => completion_fields(d, &c),
        PtMessage::Abort { result_code } => result_fields(d, result_code),
        PtMessage::Other(other) => {
            // Many other messages are BMP sequences: show their fields when they read as one.
            if let Ok(info) = bmp::parse_status(&other.data, other.header_len()) {
                status_fields(d, &info);
            }
            d.put("data", hex::encode_upper(&other.data));
        }
    }
    Ok(())
}

fn result_fields(d: &mut Description, code: u8) {
    d.put("result_code", hex2(code));
    d.put("result", codes::result_name(code));
    d.put("result_text", codes::result_text(code, Language::En));
}

fn completion_fields(d: &mut Description, c: &Completion) {
    d.put_opt("status_byte", c.status_byte.map(hex2));
    d.put_opt("terminal_id", c.terminal_id.map(|t| format!("{t:08}")));
    currency_fields(d, c.currency);
    d.put_opt("sw_version", c.sw_version.clone());
    if let Some(s) = c.terminal_status {
        d.put("terminal_status", hex2(s));
        d.put("status_name", codes::terminal_status_name(s));
        d.put("status", codes::terminal_status_text(s, Language::En));
    }
    if !c.tlv.is_empty() {
        d.put("tlv", tlv_json(&c.tlv));
    }
}

fn status_fields(d: &mut Description, s: &StatusInformation) {
    if let Some(rc) = s.result_code {
        result_fields(d, rc);
    }
    d.put_opt("amount", s.amount_minor.map(|a| amount_text(a, s.currency)));
    currency_fields(d, s.currency);
    d.put_opt("trace", s.trace);
    d.put_opt("original_trace", s.original_trace);
    d.put_opt("receipt_no", s.receipt_no);
    d.put_opt("turnover_no", s.turnover_no);
    d.put_opt("date", s.date.clone());
    d.put_opt("time", s.time.clone());
    d.put_opt("date_full", s.date_full.clone());
    d.put_opt("pan", s.pan.clone());
    d.put_opt("expiry", s.expiry.clone());
    d.put_opt("card_sequence", s.card_sequence);
    if let Some(t) = s.card_type {
        d.put("card_type", codes::card_type_name(t));
        d.put("card_type_id", t);
    }
    d.put_opt("card_name", s.card_name.clone());
    d.put_opt("network_card_type", s.network_card_type);
    d.put_opt("payment_type", s.payment_type.map(hex2));
    d.put_opt("terminal_id", s.terminal_id.map(|t| format!("{t:08}")));
    d.put_opt("vu_number", s.vu_number.clone());
    d.put_opt("aid", s.aid.clone());
    d.put_opt("additional_text", s.additional_text.clone());
    if let Some(t) = &s.totals {
        d.put("receipt_range", json!([t.receipt_start, t.receipt_end]));
        let totals: Vec<Value> = t
            .per_card
            .iter()
            .map(|c| json!({"card_type": c.card.name(), "count": c.count, "amount": amount_text(c.amount_minor, s.currency)}))
            .collect();
        d.put("totals", totals);
        d.put("totals_count", t.count());
        d.put("totals_amount", amount_text(t.amount_minor(), s.currency));
    }
    if !s.tlv.is_empty() {
        d.put("tlv", tlv_json(&s.tlv));
    }
}

fn currency_fields(d: &mut Description, currency: Option<u16>) {
    if let Some(code) = currency {
        let label = Currency::from_numeric(code).map_or_else(|_| format!("{code:03}"), |c| c.alpha.to_string());
        d.put("currency", label);
        d.put("currency_code", code);
    }
}

/// Minor units as a decimal string in major units: the currency's decimals when it is known,
/// else two.
pub fn amount_text(minor: u64, currency: Option<u16>) -> String {
    let known = currency.and_then(|c| Currency::from_numeric(c).ok());
    match (known, i64::try_from(minor)) {
        (Some(c), Ok(m)) => Money::from_minor(m, c).plain(),
        _ => format!("{}.{:02}", minor / 100, minor % 100),
    }
}

fn hex2(b: u8) -> String {
    format!("{b:02X}")
}

/// Registration config byte bits (PA00P015 2.1).
fn config_flags(config: u8) -> Vec<&'static str> {
    const FLAGS: [(u8, &str); 6] = [
        (0x02, "ecr_prints_payment_receipts"),
        (0x04, "ecr_prints_admin_receipts"),
        (0x08, "intermediate_status"),
        (0x10, "amount_not_editable"),
        (0x20, "admin_menu_locked"),
        (0x80, "receipts_as_print_lines"),
    ];
    FLAGS
        .iter()
        .filter(|(bit, _)| config & bit != 0)
        .map(|(_, name)| *name)
        .collect()
}

fn tlv_json(items: &[Tlv]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|t| match &t.value {
                TlvValue::Primitive(v) => json!({"tag": t.tag_hex(), "value": hex::encode_upper(v)}),
                TlvValue::Constructed(children) => json!({"tag": t.tag_hex(), "items": tlv_json(children)}),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    #[test]
    fn authorization_command() {
        let v = describe(&hex("06 01 0C 04 00 00 00 00 10 00 49 09 78 06 00")).unwrap();
        assert_eq!(v["message"], "authorization");
        assert_eq!(v["class_instr"], "06 01");
        assert_eq!(v["amount"], "10.00");
        assert_eq!(v["currency"], "EUR");
    }

    #[test]
    fn ack_nak_abort_intermediate() {
        assert_eq!(describe(&hex("80 00 00")).unwrap()["message"], "ack");
        let nak = describe(&hex("84 83 00")).unwrap();
        assert_eq!(
            (nak["message"].as_str(), nak["result"].as_str()),
            (Some("nak"), Some("function_not_possible"))
        );
        let abort = describe(&hex("06 1E 01 6C")).unwrap();
        assert_eq!(
            (abort["result_code"].as_str(), abort["result"].as_str()),
            (Some("6C"), Some("aborted"))
        );
        let status = describe(&hex("04 FF 01 0A")).unwrap();
        assert_eq!(status["status"], "Insert card");
    }

    #[test]
    fn other_message_shows_its_bmps() {
        let v = describe(&hex("06 25 08 19 40 87 02 31 49 09 78")).unwrap();
        assert_eq!(v["message"], "pre_authorisation_reversal");
        assert_eq!(v["receipt_no"], 231);
        assert_eq!(v["data"], "1940870231490978");
    }

    #[test]
    fn trailing_bytes_are_reported() {
        assert_eq!(
            describe(&hex("80 00 00 00")),
            Err(DecodeError::TrailingBytes {
                what: "APDU",
                offset: 3,
                count: 1
            })
        );
    }

    #[test]
    fn amount_uses_currency_decimals() {
        assert_eq!(amount_text(958, Some(978)), "9.58");
        assert_eq!(amount_text(958, None), "9.58");
        assert_eq!(amount_text(5, Some(1)), "0.05");
        assert_eq!(
            amount_text(1500, Some(392)),
            Money::from_minor(1500, Currency::from_numeric(392).unwrap()).plain()
        );
    }

    #[test]
    fn text_rendering() {
        let t = describe_text(&hex("06 D3 0C 06 0A 25 08 07 02 48 69 07 02 21 21")).unwrap();
        assert_eq!(t, "print text block (06 D3)\n  lines:\n    | Hi\n    | !!\n");
    }

    /// Valid APDUs of every kind, for mutation.
    fn samples() -> Vec<Vec<u8>> {
        [
            "06 00 06 12 34 56 DE 09 78",
            "06 01 0C 04 00 00 00 00 10 00 49 09 78 06 00",
            "06 30 09 12 34 56 87 02 31 49 09 78",
            "04 0F 0D 27 00 04 00 00 00 00 09 58 0B 00 09 82",
            "04 FF 02 0A 05",
            "06 0F 0A 19 10 29 52 52 35 35 49 09 78",
            "06 0F 07 F0 F0 F3 31 2E 30 F0",
            "06 D3 0C 06 0A 25 08 07 02 48 69 07 02 21 21",
            "06 D1 03 80 48 69",
            "06 1E 01 6C",
            "05 01 03 12 34 56",
        ]
        .iter()
        .map(|s| hex(s))
        .collect()
    }

    fn exercise(bytes: &[u8]) {
        let _ = describe(bytes);
        let _ = describe_text(bytes);
        if let Ok((a, _)) = Apdu::decode(bytes) {
            let _ = PtMessage::from_apdu(&a);
            let _ = EcrCommand::from_apdu(&a);
            let _ = messages::completion_for_status_enquiry(&a);
        }
        // The same bytes as the data of every message kind.
        for (class, instr) in [
            (0x04, 0x0F),
            (0x04, 0xFF),
            (0x06, 0x0F),
            (0x06, 0xD3),
            (0x06, 0x00),
            (0x06, 0x01),
        ] {
            let a = Apdu::new(class, instr, bytes.get(..0xFFFF).unwrap_or(bytes).to_vec());
            let _ = PtMessage::from_apdu(&a);
            let _ = EcrCommand::from_apdu(&a);
            let _ = messages::completion_for_status_enquiry(&a);
            let _ = describe(&a.encode());
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..65_536)) {
            exercise(&bytes);
        }

        #[test]
        fn mutated_apdus_never_panic(
            which in 0usize..11,
            edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..4), 1..8),
        ) {
            let mut bytes = samples().get(which).cloned().unwrap_or_default();
            for (at, value, kind) in edits {
                let i = if bytes.is_empty() { 0 } else { at % (bytes.len() + 1) };
                match kind {
                    0 => if let Some(b) = bytes.get_mut(i) { *b = value },
                    1 => bytes.insert(i.min(bytes.len()), value),
                    2 => if i < bytes.len() { bytes.remove(i); },
                    _ => bytes.truncate(i),
                }
            }
            exercise(&bytes);
        }
    }
}
