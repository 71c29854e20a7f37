//! Golden vectors: the Feig terminal traces in tests/data/zvt/ (copies of
//! /work/shared/zvt/traces) and the verified APDUs of REFERENCE.md. Every expected value was
//! read off the bytes by hand; the comment above each assertion shows those bytes.

use std::path::Path;
use tillguard::terminal::zvt::apdu::Apdu;
use tillguard::terminal::zvt::describe::{describe, describe_text};
use tillguard::terminal::zvt::messages::{
    CardScheme, CardTotal, Completion, EcrCommand, EodTotals, PtMessage, StatusInformation,
    completion_for_status_enquiry,
};
use tillguard::terminal::zvt::tlv::Tlv;

fn trace(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/zvt").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

/// Decodes a whole APDU (nothing may be left over).
fn apdu(bytes: &[u8]) -> Apdu {
    let (a, used) = Apdu::decode(bytes).unwrap();
    assert_eq!(used, bytes.len(), "the file holds exactly one APDU");
    a
}

fn pt(bytes: &[u8]) -> PtMessage {
    PtMessage::from_apdu(&apdu(bytes)).unwrap()
}

fn ecr(bytes: &[u8]) -> EcrCommand {
    EcrCommand::from_apdu(&apdu(bytes)).unwrap()
}

fn status(bytes: &[u8]) -> StatusInformation {
    match pt(bytes) {
        PtMessage::StatusInformation(s) => s,
        other => panic!("not a status information: {other:?}"),
    }
}

#[test]
fn every_trace_decodes_and_describes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/zvt");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let a = apdu(&bytes);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".ecr.bin") {
            EcrCommand::from_apdu(&a).unwrap_or_else(|e| panic!("{name}: {e}"));
        } else {
            PtMessage::from_apdu(&a).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        describe(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        describe_text(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        seen += 1;
    }
    assert_eq!(seen, 9);
}

#[test]
fn authorization_status_information() {
    let bytes = trace("authorization_status_04_0f.pt.bin");
    // 04 0F 5A: status information, 0x5A = 90 data bytes (93 in the file).
    assert_eq!(bytes.get(..3), Some(&[0x04, 0x0F, 0x5A][..]));
    let s = status(&bytes);
    // 27 00
    assert_eq!(s.result_code, Some(0x00));
    // 04 00 00 00 00 25 00 -> 2500 minor units = 25.00 (not 0.25: the BCD digits are 000000002500)
    assert_eq!(s.amount_minor, Some(2500));
    // 49 09 78 -> EUR
    assert_eq!(s.currency, Some(978));
    // 0C 22 55 58
    assert_eq!(s.time.as_deref(), Some("22:55:58"));
    // 0D 04 05 -> MMDD 04-05 (the slip in the print text block says 05.04.2023)
    assert_eq!(s.date.as_deref(), Some("04-05"));
    // 22 F0 F8 55 98 83 EE EE EE 80 74 -> LLVAR of 8 bytes, E = masked digit
    assert_eq!(s.pan.as_deref(), Some("559883******8074"));
    // 87 02 31
    assert_eq!(s.receipt_no, Some(231));
    // 3B 37 35 30 30 37 31 00 00 -> "750071" (the slip's Auth.-No.)
    assert_eq!(s.aid.as_deref(), Some("750071"));
    // 0B 00 09 75
    assert_eq!(s.trace, Some(975));
    // 19 60
    assert_eq!(s.payment_type, Some(0x60));
    // 29 52 52 35 35
    assert_eq!(s.terminal_id, Some(52_523_535));
    // 0E 24 05 -> YYMM
    assert_eq!(s.expiry.as_deref(), Some("2405"));
    // 8A 06 -> Mastercard
    assert_eq!(s.card_type, Some(0x06));
    // 8C 01
    assert_eq!(s.network_card_type, Some(0x01));
    // 8B F1 F1 4D 61 73 74 65 72 43 61 72 64 00 -> LLVAR of 11 bytes, "MasterCard" + NUL
    assert_eq!(s.card_name.as_deref(), Some("MasterCard"));
    // 2A 38 30 34 30 31 31 39 32 36 20 20 20 20 20 20 -> "804011926" + 6 spaces
    assert_eq!(s.vu_number.as_deref(), Some("804011926"));
    // Nothing else is in the message.
    assert_eq!(
        (
            s.original_trace,
            s.card_sequence,
            s.totals.as_ref(),
            s.turnover_no,
            s.date_full.as_deref()
        ),
        (None, None, None, None, None)
    );
    assert!(s.tlv.is_empty() && s.additional_text.is_none());

    let v = describe(&bytes).unwrap();
    assert_eq!(v["message"], "status_information");
    assert_eq!(v["class_instr"], "04 0F");
    assert_eq!(v["amount"], "25.00");
    assert_eq!(v["currency"], "EUR");
    assert_eq!(v["trace"], 975);
    assert_eq!(v["receipt_no"], 231);
    assert_eq!(v["pan"], "559883******8074");
    assert_eq!(v["card_type"], "mastercard");
    assert_eq!(v["card_name"], "MasterCard");
    assert_eq!(v["terminal_id"], "52523535");
    assert_eq!(v["result_code"], "00");
    assert_eq!(v["result"], "success");
}

#[test]
fn end_of_day_status_information() {
    let bytes = trace("end_of_day_status_04_0f.pt.bin");
    // 04 0F 4D: 77 data bytes.
    assert_eq!(bytes.get(..3), Some(&[0x04, 0x0F, 0x4D][..]));
    let s = status(&bytes);
    // 27 00
    assert_eq!(s.result_code, Some(0x00));
    // 04 00 00 00 00 09 58 -> 9.58
    assert_eq!(s.amount_minor, Some(958));
    // 0B 00 09 82
    assert_eq!(s.trace, Some(982));
    // 0D 04 06
    assert_eq!(s.date.as_deref(), Some("04-06"));
    // 0C 08 17 06
    assert_eq!(s.time.as_deref(), Some("08:17:06"));
    // 60 F0 F5 F3 (LLLVAR, 53 bytes): 02 33 | 02 34 | girocard 00 000000000000 | JCB 00 ...
    // | Eurocard/Mastercard 02 000000000958 | Amex, VISA, Diners, others all 00 000000000000
    let zero = |card| CardTotal {
        card,
        count: 0,
        amount_minor: 0,
    };
    assert_eq!(
        s.totals,
        Some(EodTotals {
            receipt_start: 233,
            receipt_end: 234,
            per_card: vec![
                zero(CardScheme::Girocard),
                zero(CardScheme::Jcb),
                CardTotal {
                    card: CardScheme::Mastercard,
                    count: 2,
                    amount_minor: 958
                },
                zero(CardScheme::Amex),
                zero(CardScheme::Visa),
                zero(CardScheme::Diners),
                zero(CardScheme::Other),
            ],
        })
    );
    // No currency BMP in this message.
    assert_eq!(s.currency, None);

    let v = describe(&bytes).unwrap();
    assert_eq!(v["amount"], "9.58");
    assert_eq!(v["trace"], 982);
    assert_eq!(v["receipt_range"], serde_json::json!([233, 234]));
    let totals = v["totals"].as_array().unwrap();
    assert_eq!(totals.len(), 7);
    assert_eq!(
        totals[2],
        serde_json::json!({"card_type": "mastercard", "count": 2, "amount": "9.58"})
    );
    assert_eq!(
        totals[0],
        serde_json::json!({"card_type": "girocard", "count": 0, "amount": "0.00"})
    );
    let text = describe_text(&bytes).unwrap();
    assert!(text.starts_with("status information (04 0F)\n"), "{text}");
    assert!(text.contains("  amount: 9.58\n"), "{text}");
    assert!(text.contains("    - mastercard: count 2, amount 9.58\n"), "{text}");
}

#[test]
fn registration_command() {
    let bytes = trace("registration_06_00.ecr.bin");
    // 06 00 06 | 12 34 56 (password) | DE (config) | 09 78 (bare currency, EUR)
    assert_eq!(
        ecr(&bytes),
        EcrCommand::Registration {
            password: 123_456,
            config: 0xDE,
            currency: Some(978),
            service: None
        }
    );
    assert_eq!(ecr(&bytes).to_apdu().encode(), bytes);
    let v = describe(&bytes).unwrap();
    assert_eq!(
        (v["message"].as_str(), v["password"].as_str(), v["config"].as_str()),
        (Some("registration"), Some("123456"), Some("DE"))
    );
}

#[test]
fn registration_completion() {
    let bytes = trace("registration_completion_06_0f.pt.bin");
    // 06 0F 0A | 19 10 (status byte) | 29 52 52 35 35 (terminal id) | 49 09 78 (EUR)
    let expected = Completion {
        status_byte: Some(0x10),
        terminal_id: Some(52_523_535),
        currency: Some(978),
        ..Default::default()
    };
    assert_eq!(pt(&bytes), PtMessage::Completion(expected.clone()));
    assert_eq!(PtMessage::Completion(expected).to_apdu().encode(), bytes);
    let v = describe(&bytes).unwrap();
    assert_eq!(
        (v["message"].as_str(), v["terminal_id"].as_str()),
        (Some("completion"), Some("52523535"))
    );
}

#[test]
fn empty_completion() {
    let bytes = trace("completion_06_0f.pt.bin");
    // 06 0F 00
    assert_eq!(pt(&bytes), PtMessage::Completion(Completion::default()));
    assert_eq!(PtMessage::Completion(Completion::default()).to_apdu().encode(), bytes);
    // Read as a status-enquiry answer it is just as empty.
    assert_eq!(completion_for_status_enquiry(&apdu(&bytes)), Ok(Completion::default()));
}

#[test]
fn intermediate_status() {
    let bytes = trace("intermediate_status_04_ff.pt.bin");
    // 04 FF 01 17 -> code 17 (please wait), no timeout
    assert_eq!(
        pt(&bytes),
        PtMessage::IntermediateStatus {
            code: 0x17,
            timeout_minutes: None
        }
    );
    assert_eq!(pt(&bytes).to_apdu().encode(), bytes);
    let v = describe(&bytes).unwrap();
    assert_eq!(
        (v["status_code"].as_str(), v["status"].as_str()),
        (Some("17"), Some("Please wait"))
    );
}

#[test]
fn print_text_block() {
    let bytes = trace("print_text_block_06_d3.pt.bin");
    // 06 D3 FF 61 04: extended length 0x0461 = 1121 data bytes (1126 in the file)
    assert_eq!(bytes.get(..5), Some(&[0x06, 0xD3, 0xFF, 0x61, 0x04][..]));
    assert_eq!(Apdu::total_len(&bytes[..5]), Some(1126));
    let a = apdu(&bytes);
    assert_eq!(a.data.len(), 0x0461);
    // 06 82 04 5D (TLV, 1117 bytes) | 1F 07 01 02 (receipt type 2, customer) | 25 82 04 55 (print
    // texts, 1109 bytes) | 07 00 (empty line) | 07 28 + 40 characters | ...
    let PtMessage::PrintTextBlock { lines } = pt(&bytes) else {
        panic!("not a print text block")
    };
    // 07 00
    assert_eq!(lines.first().map(String::as_str), Some(""));
    // 07 28 "          ** Customer Receipt **         " (40 bytes)
    assert_eq!(
        lines.get(1).map(|l| (l.trim(), l.len())),
        Some(("** Customer Receipt **", 40))
    );
    // 07 00 | 07 28 "          Purchase MASTERCARD ..."
    assert_eq!(lines.get(3).map(|l| l.trim()), Some("Purchase MASTERCARD"));
    // 07 00 | 07 28 "05.04.2023 ... 22:55:58"
    assert_eq!(lines.get(4).map(String::as_str), Some(""));
    assert!(
        lines
            .get(5)
            .is_some_and(|l| l.starts_with("05.04.2023") && l.ends_with("22:55:58"))
    );
    // 07 28 "TA-No.(old): ... 000975": the slip is the cancellation of trace 975.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("TA-No.(old):") && l.ends_with("000975"))
    );
    // 07 28 "Terminal-Id: ... 52523535"
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Terminal-Id:") && l.ends_with("52523535"))
    );
    // 07 28 "Card No.: ... xxxxxxxxxxxx8074"
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Card No.:") && l.ends_with("xxxxxxxxxxxx8074"))
    );
    // Last text line: 07 28 "      --------------------------------      "; then 07 00, then 09 01 FF
    // (tag 09, not a text line).
    assert_eq!(lines.last().map(String::as_str), Some(""));
    assert!(
        lines
            .iter()
            .rev()
            .nth(1)
            .is_some_and(|l| l.trim().chars().all(|c| c == '-'))
    );
    // 33 tag-07 lines in all (in the hex dump: 26 `07 28` lines of 40 characters, 7 empty `07 00`).
    assert_eq!(lines.len(), 33);
    let v = describe(&bytes).unwrap();
    assert_eq!(v["message"], "print_text_block");
    assert_eq!(v["receipt_type"], 2);
    assert_eq!(v["lines"].as_array().map(Vec::len), Some(33));
}

#[test]
fn end_of_day_command() {
    let bytes = trace("end_of_day_06_50.ecr.bin");
    // 06 50 03 | 12 34 56
    assert_eq!(ecr(&bytes), EcrCommand::EndOfDay { password: 123_456 });
    assert_eq!(ecr(&bytes).to_apdu().encode(), bytes);
    assert_eq!(describe(&bytes).unwrap()["message"], "end_of_day");
}

#[test]
fn preauth_reversal_passes_through() {
    let bytes = trace("preauth_reversal_06_25.ecr.bin");
    // 06 25 08 | 19 40 | 87 02 31 | 49 09 78: not a command the codec types, kept whole.
    let a = apdu(&bytes);
    assert_eq!(ecr(&bytes), EcrCommand::Other(a.clone()));
    assert_eq!(EcrCommand::Other(a).to_apdu().encode(), bytes);
    let v = describe(&bytes).unwrap();
    assert_eq!(v["message"], "pre_authorisation_reversal");
    // 87 02 31
    assert_eq!(v["receipt_no"], 231);
    // 19 40
    assert_eq!(v["payment_type"], "40");
}

// ---- REFERENCE.md verified APDUs (unstuffed) ---------------------------------------------

#[test]
fn reference_registration_config_ba() {
    let bytes = hex("06 00 04 12 34 56 BA");
    let cmd = EcrCommand::Registration {
        password: 123_456,
        config: 0xBA,
        currency: None,
        service: None,
    };
    assert_eq!(ecr(&bytes), cmd);
    assert_eq!(cmd.to_apdu().encode(), bytes);
}

#[test]
fn reference_positive_ack() {
    let bytes = hex("80 00 00");
    assert_eq!(pt(&bytes), PtMessage::Ack);
    assert_eq!(PtMessage::Ack.to_apdu().encode(), bytes);
}

#[test]
fn reference_authorization_10_eur() {
    // Inside the serial frame the 10 is doubled; the APDU has it once and LEN stays 0C.
    let bytes = hex("06 01 0C 04 00 00 00 00 10 00 49 09 78 06 00");
    let cmd = EcrCommand::Authorization {
        amount_minor: 1000,
        currency: Some(978),
        payment_type: None,
    };
    assert_eq!(ecr(&bytes), cmd);
    assert_eq!(cmd.to_apdu().encode(), bytes);
    assert_eq!(describe(&bytes).unwrap()["amount"], "10.00");
}

#[test]
fn reference_end_of_day() {
    let bytes = hex("06 50 03 12 34 56");
    assert_eq!(ecr(&bytes), EcrCommand::EndOfDay { password: 123_456 });
    assert_eq!(EcrCommand::EndOfDay { password: 123_456 }.to_apdu().encode(), bytes);
}

/// The status informations are re-encoded in the spec's field order, which differs from the
/// Feig's, so the bytes differ; the decoded values must survive.
#[test]
fn status_informations_survive_re_encoding() {
    // The card name's trailing NUL (8B F1 F1 ... 64 00) is padding and is not sent again, so
    // the authorization comes back one byte shorter; the end-of-day has no text.
    for (name, shorter_by) in [
        ("authorization_status_04_0f.pt.bin", 1),
        ("end_of_day_status_04_0f.pt.bin", 0),
    ] {
        let m = pt(&trace(name));
        let again = m.to_apdu().encode();
        assert_eq!(pt(&again), m, "{name}");
        assert_eq!(again.len() + shorter_by, trace(name).len(), "{name}: same fields");
    }
}

#[test]
fn print_text_block_survives_re_encoding() {
    let m = pt(&trace("print_text_block_06_d3.pt.bin"));
    assert_eq!(pt(&m.to_apdu().encode()), m);
}

#[test]
fn tlv_of_the_print_block() {
    let a = apdu(&trace("print_text_block_06_d3.pt.bin"));
    let items = tillguard::terminal::zvt::messages::print_text_block_tlv(&a).unwrap();
    // 1F 07 01 02
    assert_eq!(items.first(), Some(&Tlv::primitive(0x1F07, vec![0x02])));
    // 25 82 04 55 ... 09 01 FF at its end
    let Some(tillguard::terminal::zvt::tlv::TlvValue::Constructed(children)) = items.get(1).map(|t| &t.value) else {
        panic!("25 is constructed")
    };
    assert_eq!(children.last(), Some(&Tlv::primitive(0x09, vec![0xFF])));
    assert_eq!(items.len(), 2);
}
