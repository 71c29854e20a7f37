//! The permission table from the command line: refunds and the no-sale drawer need a
//! manager's PIN; a cashier's PIN or none is refused and the refusal is in the audit log.

mod common;

use common::{json, json_approved};

fn with_pin(dir: &std::path::Path, pin: &str, args: &[&str]) -> std::process::Output {
    common::command(dir, args)
        .env("TILLGUARD_MANAGER_PIN", pin)
        .output()
        .expect("run")
}

#[test]
fn a_refund_needs_a_managers_pin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    json(d, &["sell", "--item", "COLA", "--tender", "cash:10", "--json"]);
    let out = with_pin(d, "1111", &["refund", "1", "--json"]);
    assert!(!out.status.success(), "the demo cashier's PIN approves nothing");
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong manager PIN"));
    let refund = json_approved(d, &["refund", "1", "--json"]);
    assert_eq!(refund["total"], "-3.50");
    let events = json(d, &["audit", "show", "--last", "3", "--json"]);
    let kinds: Vec<&str> = events
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["manager_pin", "permission.approved", "refund"], "{events}");
}

#[test]
fn the_drawer_opens_without_a_sale_only_for_a_manager_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let out = with_pin(d, "1234", &["printer", "drawer", "--reason", " ", "--json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a reason"));
    let opened = json_approved(d, &["printer", "drawer", "--reason", "change for the float", "--json"]);
    assert_eq!(opened["print"]["state"], "done");
    let slip = std::fs::read_to_string(d.join("receipts/000001-no_sale.txt")).expect("the slip");
    assert!(
        slip.contains("change for the float") && slip.contains("李经理"),
        "{slip}"
    );
    let bytes = std::fs::read(d.join("receipts/000001-no_sale.escpos")).expect("the bytes");
    // ESC p: the drawer kick.
    assert!(bytes.windows(2).any(|w| w == [0x1B, b'p']), "the job kicks the drawer");
    let events = json(d, &["audit", "show", "--last", "1", "--json"]);
    assert_eq!(events[0]["kind"], "drawer_no_sale");
}
