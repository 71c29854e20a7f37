//! Card sales from the command line against the simulated terminal: in-process (demo
//! mode), over a pseudo-terminal, and over TCP.

mod common;
mod terminal_sim;

use common::{json, tillguard};
use serde_json::Value;
#[cfg(unix)]
use terminal_sim::simulate_pty;
use terminal_sim::{simulate, wait_for};

fn assert_card_payment(sale: &Value, amount: &str) {
    let card = sale["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .find(|p| p["method"] == "card")
        .expect("a card payment");
    assert_eq!(card["amount"], amount);
    assert_eq!(card["state"], "approved");
    assert!(card["trace"].as_u64().is_some(), "trace: {card}");
    assert!(card["receipt_no"].as_u64().is_some(), "receipt_no: {card}");
    assert!(
        card["terminal_id"].as_str().is_some_and(|t| !t.is_empty()),
        "terminal_id: {card}"
    );
    assert!(card["card_type"].as_str().is_some(), "card_type: {card}");
}

#[test]
fn demo_mode_takes_cards_through_the_built_in_simulator() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let first = json(d, &["sell", "--item", "COLAx2", "--tender", "card", "--json"]);
    assert_eq!(first["total"], "7.00");
    assert_card_payment(&first, "7.00");
    // The simulated terminal keeps its batch across runs: numbers go on.
    let second = json(
        d,
        &[
            "sell", "--item", "FOD-002", "--tender", "cash:5", "--tender", "card", "--json",
        ],
    );
    assert_card_payment(&second, "7.80");
    let cash = second["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .find(|p| p["method"] == "cash")
        .cloned();
    assert_eq!(cash.expect("cash part")["amount"], "5.00");
    let trace = |s: &Value| {
        s["payments"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["method"] == "card"))
            .map(|p| p["trace"].as_u64())
    };
    assert_ne!(trace(&first), trace(&second));
    let z = json(d, &["report", "x", "--json"]);
    assert_eq!(z["tenders"]["card"], "14.80");
    assert_eq!(z["tenders"]["cash"], "5.00");
}

#[test]
fn a_declined_card_records_no_sale() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // The simulator declines amounts ending in .13.
    let out = tillguard(
        d,
        &[
            "sell",
            "--item",
            "COLA",
            "--tender",
            "cash:2.37",
            "--tender",
            "card:1.13",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("declined"), "{err}");
    assert_eq!(json(d, &["status", "--json"])["sales_count"], 0);
}

#[cfg(unix)]
#[test]
fn card_sale_against_a_simulator_on_a_pty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pt = dir.path().join("pt");
    let sim_dir = dir.path().join("sim");
    let _sim = simulate_pty(&sim_dir, &pt, &[]);
    let till = dir.path().join("till");
    let spec = format!("zvt+serial:{}", pt.display());
    let sale = json(
        &till,
        &[
            "--terminal",
            &spec,
            "sell",
            "--item",
            "B2B-001",
            "--tender",
            "card",
            "--json",
        ],
    );
    assert_card_payment(&sale, "28.25");
    let check = json(&till, &["--terminal", &spec, "terminal", "check", "--json"]);
    assert_eq!(check["terminal_id"], "52523535");
}

#[test]
fn card_sale_against_a_simulator_over_tcp() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let _sim = simulate(&dir.path().join("sim"), &["--tcp", &addr]);
    wait_for("the TCP listener", || std::net::TcpStream::connect(&addr).is_ok());
    let till = dir.path().join("till");
    let spec = format!("zvt+tcp:{addr}");
    let sale = json(
        &till,
        &[
            "--terminal",
            &spec,
            "sell",
            "--item",
            "COLA",
            "--tender",
            "card",
            "--json",
        ],
    );
    assert_card_payment(&sale, "3.50");
}

#[test]
fn decode_names_the_fields_of_a_real_terminal_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hex = "040f4d2700040000000009580b0009820d04060c08170660f0f5f30233023400000000000000000000000000000200000000095800000000000000000000000000000000000000000000000000000000";
    let v = json(dir.path(), &["terminal", "decode", hex, "--json"]);
    assert_eq!(v["amount"], "9.58");
    assert_eq!(v["receipt_range"], serde_json::json!([233, 234]));
    let mc = v["totals"]
        .as_array()
        .expect("totals")
        .iter()
        .find(|t| t["card_type"] == "mastercard")
        .cloned();
    assert_eq!(mc.expect("mastercard line")["count"], 2);
    let out = tillguard(dir.path(), &["terminal", "decode", "04 0f ff"]);
    assert!(!out.status.success(), "a truncated APDU is an error, not a panic");
}
