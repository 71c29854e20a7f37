//! `tillguard --training`: every command works on the training till in `training/` of the
//! data folder, with the built-in simulated terminal, and leaves the real ledger, its reports
//! and its backups as they were.

mod common;

use common::{command, json, tillguard};
use std::path::Path;

/// A configured shop whose real terminal is an address nobody answers on (TEST-NET-1): a
/// training command that tried it would fail.
const CONFIG: &str = "[store]\nname = \"Corner Shop\"\n\n[guard]\nmanager_pin = \"4321\"\n\n\
                      [terminal]\nconnection = \"zvt+tcp:192.0.2.1:20007\"\n";

const CATALOG: &str =
    "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\nOWN1,,本店面包,House bread,6.50,9,true\n";

fn shop(dir: &Path) {
    std::fs::write(dir.join("tillguard.toml"), CONFIG).expect("config");
    let csv = dir.join("catalog.csv");
    std::fs::write(&csv, CATALOG).expect("csv");
    let out = tillguard(dir, &["catalog", "import", csv.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Runs `tillguard --training ARGS` that must succeed; returns stdout and stderr.
fn training(dir: &Path, args: &[&str]) -> (String, String) {
    let out = command(dir, &[&["--training"], args].concat()).output().expect("run");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert!(out.status.success(), "{args:?}: {stderr}");
    (stdout, stderr)
}

fn sales_in(ledger: &Path) -> i64 {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let conn = rusqlite::Connection::open_with_flags(ledger, flags).expect("ledger");
    conn.query_row("SELECT COUNT(*) FROM sales", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_training_day_of_card_sales_settles_and_closes_without_touching_the_real_till() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    shop(d);
    let real_ledger = d.join("tillguard.sqlite");

    // The shop's own product, paid by card on the simulator (the real terminal is never tried).
    let (sold, stderr) = training(d, &["sell", "--item", "OWN1", "--tender", "card", "--json"]);
    assert!(stderr.contains("TRAINING"), "{stderr}");
    let sale: serde_json::Value = serde_json::from_str(&sold).expect("JSON");
    assert_eq!(sale["total"], "6.50", "{sale}");
    let (status, _) = training(d, &["status", "--json"]);
    let status: serde_json::Value = serde_json::from_str(&status).expect("JSON");
    assert_eq!(status["training"], true);
    assert_eq!(status["sales_count"], 1);
    assert_eq!(status["batches"].as_array().map(Vec::len), Some(1), "{status}");
    let (human, _) = training(d, &["status"]);
    assert!(human.contains("TRAINING"), "{human}");

    let (settled, _) = training(d, &["settle", "--json"]);
    let settled: serde_json::Value = serde_json::from_str(&settled).expect("JSON");
    assert_eq!(settled["reconciliation"], "match", "{settled}");
    let (z, stderr) = training(d, &["report", "z", "--counted", "0"]);
    assert!(
        z.contains("TRAINING - NOT A RECEIPT") && z.contains("培训 - 非正式收据"),
        "{z}"
    );
    assert!(!stderr.contains("backup written"), "{stderr}");

    // The real till: nothing of it.
    let real = json(d, &["status", "--json"]);
    assert_eq!(real["sales_count"], 0, "{real}");
    assert_eq!(real["training"], false);
    assert_eq!(real["batches"], serde_json::json!([]));
    assert_eq!(real["z_number"], serde_json::Value::Null);
    let x = json(d, &["report", "x", "--json"]);
    assert_eq!(x["sales_count"], 0, "{x}");
    assert_eq!(sales_in(&real_ledger), 0);
    assert_eq!(sales_in(&d.join("training").join("tillguard.sqlite")), 1);
    assert!(!d.join("backups").exists(), "no backup of either ledger");
    assert!(!d.join("training").join("backups").exists());
    // The simulator kept its batch under training/; the real folder has no simulator.
    assert!(d.join("training").join("simulator-terminal.json").exists());
    assert!(!d.join("simulator-terminal.json").exists());
}

#[test]
fn the_real_ledger_is_not_written_by_training_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    shop(d);
    let real_ledger = d.join("tillguard.sqlite");
    let before = std::fs::read(&real_ledger).expect("real ledger");
    training(d, &["sell", "--item", "OWN1", "--tender", "cash"]);
    training(d, &["report", "x"]);
    assert_eq!(std::fs::read(&real_ledger).expect("real ledger"), before);
}

#[test]
fn backups_and_restores_are_refused_in_training() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    shop(d);
    let out = command(d, &["--training", "backup"]).output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("never backed up"));
    assert!(!d.join("backups").exists());
}
