//! A shop with only a standalone card terminal, from the command line: card sales typed from
//! the slip, the guard at quit and at the day change, the guided settlement with the slip's
//! totals, and the claim list (CSV) of a batch the terminal cleared unsettled. The clock is
//! the CLI's test clock (TILLGUARD_FAKE_NOW).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Shop {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Shop {
    /// `auto_clear`: the terminal's clear time, if it clears by itself.
    fn new(auto_clear: Option<&str>) -> Shop {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().to_path_buf();
        let clear = auto_clear
            .map(|c| format!("auto_clear = \"{c}\"\n"))
            .unwrap_or_default();
        let config = format!(
            "[store]\ntime_zone = \"UTC\"\n[terminal]\nkind = \"standalone\"\nname = \"柜台POS\"\nacquirer = \"银联商务\"\n\
             terminal_id = \"12345678\"\n{clear}[guard]\nmanager_pin = \"2468\"\n"
        );
        std::fs::write(path.join("tillguard.toml"), config).expect("config");
        let shop = Shop { _dir: dir, path };
        let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo_catalog.csv");
        shop.ok(
            "2026-11-26T09:00:00Z",
            &["catalog", "import", catalog.to_str().expect("utf-8")],
        );
        shop
    }

    fn run(&self, now: &str, args: &[&str]) -> Output {
        self.command(now, args).output().expect("run tillguard")
    }

    /// `tillguard --data-dir DIR ARGS...` at `now`, isolated from the caller's environment.
    fn command(&self, now: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tillguard"));
        command
            .arg("--data-dir")
            .arg(&self.path)
            .args(args)
            .env_remove("TILLGUARD_DATA_DIR")
            .env_remove("TILLGUARD_CONFIG")
            .env_remove("TILLGUARD_TERMINAL")
            .env_remove("TILLGUARD_PRINTER")
            .env_remove("TILLGUARD_MANAGER_PIN")
            .env("TILLGUARD_FAKE_NOW", now);
        command
    }

    fn ok(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn json(&self, now: &str, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(now, args)).expect("JSON")
    }

    /// The command must fail; its reason on stderr.
    fn fails(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert!(
            !out.status.success(),
            "{args:?} should fail: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).to_string()
    }

    fn sell(&self, now: &str, voucher: &str) -> Value {
        let tender = format!("card:manual:{voucher}");
        self.json(
            now,
            &[
                "sell",
                "--item",
                "COLA",
                "--tender",
                &tender,
                "--last4",
                "1234",
                "--card-type",
                "银联",
                "--json",
            ],
        )
    }
}

const MORNING: &str = "2026-11-26T10:00:00Z";

#[test]
fn card_sales_are_typed_settled_with_the_slip_and_reconciled() {
    let shop = Shop::new(Some("23:00"));
    let sale = shop.sell(MORNING, "000101");
    let card = sale["payments"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["method"] == "card"))
        .cloned()
        .expect("card payment");
    assert_eq!(card["state"], "approved", "{sale}");
    shop.sell(MORNING, "000102");
    // The same voucher twice is refused and stores nothing.
    let e = shop.fails(MORNING, &["sell", "--item", "COLA", "--tender", "card:manual:102"]);
    assert!(e.contains("000102") && e.contains("already recorded"), "{e}");
    // `card` alone would ask a cable the terminal does not have.
    let e = shop.fails(MORNING, &["sell", "--item", "COLA", "--tender", "card"]);
    assert!(e.contains("standalone") && e.contains("card:manual:VOUCHER"), "{e}");

    let status = shop.json(MORNING, &["status", "--json"]);
    let batch = &status["batches"][0];
    assert_eq!(
        (batch["terminal"].as_str(), batch["count"].as_u64()),
        (Some("standalone 柜台POS"), Some(2))
    );
    assert_eq!(batch["per_card"][0]["card_type"], "unionpay", "{status}");

    // Settling needs the slip's totals; typos settle nothing.
    let e = shop.fails(MORNING, &["settle"]);
    assert!(e.contains("settle --manual"), "{e}");
    let e = shop.fails(MORNING, &["settle", "--manual", "--count", "2x", "--amount", "7.00"]);
    assert!(e.contains("'2x'"), "{e}");
    let e = shop.fails(
        MORNING,
        &[
            "settle", "--manual", "--count", "2", "--amount", "7.00", "--at", "11:30",
        ],
    );
    assert!(e.contains("in the future"), "{e}");
    let status = shop.json(MORNING, &["status", "--json"]);
    assert_eq!(status["batches"][0]["state"], "open");

    let amount = batch["amount"].as_str().expect("amount").to_string();
    let settled = shop.json(
        MORNING,
        &[
            "settle",
            "--manual",
            "--count",
            "2",
            "--amount",
            &amount,
            "--voucher-range",
            "101-102",
            "--json",
        ],
    );
    assert_eq!(settled["state"], "settled", "{settled}");
    assert_eq!(settled["reconciliation"], "match", "{settled}");
    let status = shop.json(MORNING, &["status", "--json"]);
    assert_eq!(status["guard"]["verdict"], "clear", "{status}");
    assert!(status["batches"].as_array().is_some_and(|b| b.is_empty()), "{status}");
}

#[test]
fn voids_and_refunds_take_their_slips_voucher() {
    let shop = Shop::new(Some("23:00"));
    let first = shop.sell(MORNING, "101")["sale_id"]
        .as_i64()
        .expect("sale id")
        .to_string();
    let second = shop.sell(MORNING, "102")["sale_id"]
        .as_i64()
        .expect("sale id")
        .to_string();
    let approved = |args: &[&str]| {
        let out = shop
            .command(MORNING, args)
            .env("TILLGUARD_MANAGER_PIN", "2468")
            .output()
            .expect("run");
        (out.status.success(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let (ok, err) = approved(&["void", &first]);
    assert!(!ok && err.contains("--voucher"), "{err}");
    let (ok, err) = approved(&["void", &first, "--voucher", "103"]);
    assert!(ok, "{err}");
    let (ok, err) = approved(&["refund", &second, "--tender", "card", "--voucher", "104"]);
    assert!(ok, "{err}");
    let status = shop.json(MORNING, &["status", "--json"]);
    // 101 voided (counts nowhere), 102 and its refund count: 2 transactions, net 0.
    let batch = &status["batches"][0];
    assert_eq!(
        (batch["count"].as_u64(), batch["amount"].as_str()),
        (Some(2), Some("0.00")),
        "{status}"
    );
    let settled = shop.json(
        MORNING,
        &[
            "settle",
            "--manual",
            "--count",
            "2",
            "--amount",
            "0",
            "--voucher-range",
            "101-104",
            "--json",
        ],
    );
    assert_eq!(settled["reconciliation"], "match", "{settled}");
}

#[test]
fn a_slip_with_a_voucher_the_till_never_saw_is_a_mismatch() {
    let shop = Shop::new(Some("23:00"));
    let sale = shop.sell(MORNING, "7");
    let amount = sale["total"].as_str().expect("total").to_string();
    let out = shop.run(
        MORNING,
        &[
            "settle",
            "--manual",
            "--count",
            "2",
            "--amount",
            &amount,
            "--voucher-range",
            "7-8",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "a mismatch exits 2");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["reconciliation"], "mismatch");
    assert_eq!(v["differences"]["missing_in_ledger"], serde_json::json!([8]), "{v}");
}

#[test]
fn the_day_change_stops_selling_and_a_cleared_batch_gets_a_claim_list() {
    let shop = Shop::new(Some("23:00"));
    shop.sell(MORNING, "101");
    shop.sell(MORNING, "102");
    // Reminder before the clear time.
    let status = shop.json("2026-11-26T22:45:00Z", &["status", "--json"]);
    assert_eq!(status["guard"]["verdict"], "remind", "{status}");
    // The clear time passes unsettled: the batch is lost, the claim list is for the acquirer.
    let status = shop.json("2026-11-26T23:01:00Z", &["status", "--json"]);
    assert_eq!(status["guard"]["verdict"], "clear", "{status}");
    let csv_path = shop.path.join("claim.csv");
    let out = shop.ok(
        "2026-11-26T23:02:00Z",
        &[
            "report",
            "claim",
            "--batch",
            "1",
            "--csv",
            csv_path.to_str().expect("utf-8"),
        ],
    );
    assert!(
        out.contains("standalone 柜台POS") && out.contains("2 transaction"),
        "{out}"
    );
    let csv = std::fs::read_to_string(&csv_path).expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "date,time,kind,amount,voucher,trace,card,scheme,terminal_id");
    assert!(lines[1].starts_with("2026-11-26,10:00:00,authorization,"), "{csv}");
    assert!(lines[1].ends_with(",101,,****1234,unionpay,12345678"), "{csv}");
    assert!(lines[2].contains(",102,,"), "{csv}");
    assert_eq!(lines.len(), 3);
}

#[test]
fn a_new_day_with_an_open_batch_stops_selling_until_it_is_settled() {
    let shop = Shop::new(None);
    shop.sell(MORNING, "101");
    let e = shop.fails("2026-11-27T05:00:00Z", &["sell", "--item", "COLA", "--tender", "cash"]);
    assert!(
        e.contains("not settled") && e.contains("standalone 柜台POS") && e.contains("settle --manual"),
        "{e}"
    );
    let status = shop.json("2026-11-27T05:00:00Z", &["status", "--json"]);
    assert_eq!(status["guard"]["verdict"], "must_settle", "{status}");
    let amount = status["batches"][0]["amount"].as_str().expect("amount").to_string();
    shop.ok(
        "2026-11-27T05:00:00Z",
        &[
            "settle",
            "--manual",
            "--count",
            "1",
            "--amount",
            &amount,
            "--at",
            "2026-11-26 23:50",
        ],
    );
    let status = shop.json("2026-11-27T05:00:00Z", &["status", "--json"]);
    assert_eq!(status["guard"]["verdict"], "clear", "{status}");
}
