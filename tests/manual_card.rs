//! Manual card payments from the command line: a card paid on a standalone device while the
//! terminal is unreachable, recorded with its authorisation code, kept out of the terminal's
//! reconciliation and listed apart on the settlement and Z-report.

mod common;

use common::{failure, json, json_approved, tillguard};
use serde_json::Value;

/// A terminal that cannot be reached: a serial port that does not exist.
const NO_TERMINAL: &str = "zvt+serial:/dev/tillguard-no-such-port";

fn payment<'a>(sale: &'a Value, method: &str) -> &'a Value {
    sale["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .find(|p| p["method"] == method)
        .unwrap_or_else(|| panic!("no {method} payment in {sale}"))
}

#[test]
fn a_manual_card_sale_needs_no_terminal_and_names_its_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // The terminal cannot be reached; the sale does not ask it.
    let sale = json(
        d,
        &[
            "--terminal",
            NO_TERMINAL,
            "sell",
            "--item",
            "COLAx2",
            "--tender",
            "manual-card",
            "--auth",
            "ab12cd",
            "--card-type",
            "VISA",
            "--last4",
            "4242",
            "--json",
        ],
    );
    assert_eq!(sale["total"], "7.00");
    let [p] = sale["payments"].as_array().expect("payments").as_slice() else {
        panic!("one payment: {sale}")
    };
    assert_eq!(p["method"], "manual_card");
    assert_eq!(p["amount"], "7.00");
    assert_eq!(p["state"], "approved");
    assert_eq!(p["auth_code"], "AB12CD");
    assert_eq!(p["card_type"], "VISA");
    assert_eq!(p["last4"], "4242");
    assert!(p["operator"].as_str().is_some_and(|o| !o.is_empty()), "{p}");
    assert!(p.get("trace").is_none(), "no terminal numbers: {p}");

    // Split: cash handed over for part, the device took the rest.
    let split = json(
        d,
        &[
            "sell",
            "--item",
            "COLAx2",
            "--tender",
            "cash:10",
            "--tender",
            "manual-card:4",
            "--auth",
            "123456",
            "--json",
        ],
    );
    assert_eq!(payment(&split, "cash")["amount"], "3.00");
    assert_eq!(split["change"], "7.00");
    assert_eq!(payment(&split, "manual_card")["amount"], "4.00");

    // Without --json the receipt shows the code, and a line says where the payment stands.
    let out = tillguard(
        d,
        &["sell", "--item", "COLA", "--tender", "manual-card", "--auth", "777777"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("777777"), "{text}");
    assert!(
        text.contains("manual card payment ¥3.50 (standalone device, auth 777777)"),
        "{text}"
    );

    let x = json(d, &["report", "x", "--json"]);
    assert_eq!(x["tenders"]["manual_card"], "14.50");
    assert_eq!(x["tenders"]["cash"], "3.00");
    assert_eq!(x["card_settlement"]["manual"]["count"], 3);
    assert_eq!(x["card_settlement"]["manual"]["amount"], "14.50");
    assert_eq!(x["card_settlement"]["manual"]["payments"][0]["auth_code"], "AB12CD");
}

#[test]
fn a_manual_card_tender_is_checked_before_anything_is_sold() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let sell = |extra: &[&str]| {
        let mut args = vec!["sell", "--item", "COLA"];
        args.extend_from_slice(extra);
        failure(d, &args)
    };
    let err = sell(&["--tender", "manual-card"]);
    assert!(err.contains("needs --auth"), "{err}");
    let err = sell(&["--tender", "manual-card", "--auth", "1"]);
    assert!(err.contains("authorisation code '1'"), "{err}");
    let err = sell(&["--tender", "manual-card", "--auth", "123456", "--last4", "42"]);
    assert!(err.contains("last 4 digits '42'"), "{err}");
    let err = sell(&["--tender", "manual-card:9", "--auth", "123456"]);
    assert!(err.contains("at most the total 3.50"), "{err}");
    let err = sell(&["--auth", "123456"]);
    assert!(err.contains("add --tender manual-card"), "{err}");
    let err = sell(&["--tender", "card", "--tender", "manual-card", "--auth", "123456"]);
    assert!(err.contains("one card part"), "{err}");
    // Typing a standalone terminal's voucher on a till whose terminal is cabled is refused.
    let err = sell(&["--tender", "card:manual:123"]);
    assert!(err.contains("standalone terminal") && err.contains("use card"), "{err}");
    assert_eq!(json(d, &["status", "--json"])["sales_count"], 0);
}

#[test]
fn settlement_matches_the_terminal_alone_and_lists_manual_payments_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // Demo mode: card payments through the built-in simulated terminal.
    let card = json(d, &["sell", "--item", "COLAx2", "--tender", "card", "--json"]);
    assert_eq!(payment(&card, "card")["amount"], "7.00");
    let manual = json(
        d,
        &[
            "sell",
            "--item",
            "FOD-002",
            "--tender",
            "manual-card",
            "--auth",
            "654321",
            "--json",
        ],
    );
    let manual_id = manual["sale_id"].as_i64().expect("id");

    // The terminal's totals know the card payment only: a match, not a false mismatch.
    let settled = json(d, &["settle", "--json"]);
    assert_eq!(settled["state"], "settled");
    assert_eq!(settled["reconciliation"], "match", "{settled}");
    assert_eq!(settled["manual_card"]["count"], 1);
    assert_eq!(settled["manual_card"]["amount"], "12.80");
    assert_eq!(settled["manual_card"]["payments"][0]["sale_id"], manual_id);
    assert_eq!(settled["manual_card"]["payments"][0]["auth_code"], "654321");

    // A refund of the manual sale is manual too: no terminal, and it is listed with it.
    let refund = json_approved(
        d,
        &["--terminal", NO_TERMINAL, "refund", &manual_id.to_string(), "--json"],
    );
    let back = payment(&refund, "manual_card");
    assert_eq!(back["amount"], "-12.80");
    assert_eq!(back["auth_code"], Value::Null);

    let z = json(d, &["report", "z", "--counted", "0", "--json"]);
    assert_eq!(z["tenders"]["card"], "7.00");
    assert_eq!(z["tenders"]["manual_card"], "0.00");
    let cards = &z["card_settlement"];
    assert_eq!(cards["settled"][0]["reconciliation"], "match");
    assert_eq!(cards["settled"][0]["amount"], "7.00");
    assert_eq!(cards["manual"]["count"], 2);
    assert_eq!(cards["manual"]["amount"], "0.00");
    assert_eq!(cards["manual"]["payments"][1]["kind"], "refund");

    // The day's CSV has a column of its own for it.
    let out = d.join("day.csv");
    let done = tillguard(d, &["report", "export", "--out", out.to_str().expect("path")]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let mut reader = csv::Reader::from_path(&out).expect("csv");
    assert_eq!(&reader.headers().expect("headers")[11], "manual_card");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(
        rows.iter()
            .map(|r| (r[10].to_string(), r[11].to_string()))
            .collect::<Vec<_>>(),
        [
            ("7.00".to_string(), "0.00".to_string()),
            ("0.00".to_string(), "12.80".to_string()),
            ("0.00".to_string(), "-12.80".to_string())
        ]
    );
}
