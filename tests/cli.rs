//! The command line as scripts use it: a fresh --data-dir, JSON contracts, exit codes.

mod common;

use common::{failure, json, json_approved, tillguard};
use serde_json::Value;

#[test]
fn sell_and_close_the_day_on_a_fresh_data_dir() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let status = json(d, &["status", "--json"]);
    assert_eq!(status["day_open"], true);
    assert_eq!(status["sales_count"], 0);
    assert_eq!(status["demo"], true);
    let business_day = status["business_day"].as_str().expect("day").to_string();

    // Demo catalog: cola 3.50 (13%), eggs 12.80 (9%), copy paper 25.00 net + 13%.
    let sale = json(
        d,
        &[
            "sell",
            "--item",
            "2000000010106x2",
            "--item",
            "FOD-002",
            "--tender",
            "cash:50",
            "--json",
        ],
    );
    assert_eq!(sale["total"], "19.80");
    assert_eq!(sale["change"], "30.20");
    // 13%: 7.00 -> 0.81; 9%: 12.80 -> 1.06
    assert_eq!(sale["tax_total"], "1.87");
    assert_eq!(sale["payments"][0]["method"], "cash");
    assert_eq!(sale["payments"][0]["amount"], "19.80");
    assert_eq!(sale["payments"][0]["state"], "approved");
    assert_eq!(sale["business_day"], business_day.as_str());
    let first_id = sale["sale_id"].as_i64().expect("id");
    let sale2 = json(d, &["sell", "--item", "B2B-001", "--json"]);
    assert_eq!(sale2["total"], "28.25");
    assert_eq!(sale2["sale_id"].as_i64(), Some(first_id + 1));

    let status = json(d, &["status", "--json"]);
    assert_eq!(status["sales_count"], 2);
    assert_eq!(status["sales_total"], "48.05");

    let x = json(d, &["report", "x", "--json"]);
    assert_eq!(x["gross_total"], "48.05");
    assert_eq!(x["z_number"], Value::Null);

    let mut z = json(d, &["report", "z", "--counted", "48.00", "--json"]);
    // Demo mode prints into the preview folder; the report itself has no "print".
    let printed = z
        .as_object_mut()
        .and_then(|o| o.remove("print"))
        .expect("print outcome");
    assert_eq!(printed["state"], "done", "{printed}");
    let preview = std::fs::read_to_string(
        d.join("receipts")
            .join(format!("{:06}-report_z.txt", printed["job"].as_i64().expect("job"))),
    )
    .expect("preview file");
    assert!(preview.contains("48.05"), "{preview}");
    assert_eq!(z["z_number"], 1);
    assert_eq!(z["business_day"], business_day.as_str());
    assert_eq!(z["sales_count"], 2);
    assert_eq!(z["gross_total"], "48.05");
    assert_eq!(z["tenders"]["cash"], "48.05");
    assert_eq!(z["cash_expected"], "48.05");
    assert_eq!(z["cash_counted"], "48.00");
    assert_eq!(z["cash_difference"], "-0.05");
    let tax: Vec<(String, String)> = z["tax"]
        .as_array()
        .expect("tax list")
        .iter()
        .map(|t| {
            (
                t["rate"].as_str().unwrap_or("").to_string(),
                t["amount"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    // 9%: 12.80 -> 1.06; 13%: 7.00 + 28.25 = 35.25 -> 4.06
    assert_eq!(
        tax,
        [
            ("9".to_string(), "1.06".to_string()),
            ("13".to_string(), "4.06".to_string())
        ]
    );

    // The Z-report is immutable: printing it again gives the same document.
    assert_eq!(json(d, &["report", "z", "--json"]), z);
    let err = failure(d, &["sell", "--item", "COLA"]);
    assert!(err.contains("closed"), "{err}");
    assert_eq!(json(d, &["status", "--json"])["day_open"], false);
    let err = failure(d, &["report", "z", "--counted", "1"]);
    assert!(err.contains("already closed"), "{err}");
}

#[test]
fn bad_input_is_named_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for (args, expected) in [
        (vec!["sell", "--item", "2000000010107"], "check digit"),
        (vec!["sell", "--item", "6900000000007"], "unknown barcode"),
        (vec!["sell", "--item", "COLAx0"], "quantity"),
        (vec!["sell", "--item", "COLAx10000"], "quantity"),
        (
            vec!["sell", "--item", "COLA", "--tender", "cash:3.49"],
            "less than the total",
        ),
        (vec!["sell", "--item", "COLA", "--tender", "cash:-5"], "negative"),
        (vec!["sell", "--item", "COLA", "--tender", "cash:abc"], "not an amount"),
        (vec!["sell", "--item", "COLA", "--tender", "bitcoin"], "unknown method"),
        (vec!["report", "z"], "--counted"),
        (vec!["report", "z", "--counted", "1.234"], "decimal places"),
        (vec!["report", "z", "--day", "2999-01-01", "--counted", "1"], "future"),
    ] {
        let err = failure(d, &args);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    let status = json(d, &["status", "--json"]);
    assert_eq!(status["sales_count"], 0);
    assert_eq!(status["day_open"], true);
}

#[test]
fn catalog_import_is_all_or_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bad = d.join("bad.csv");
    std::fs::write(
        &bad,
        "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\nN1,96385074,新品,New,5.00,13,true\nN2,,坏,Bad,five,13,true\n",
    )
    .expect("write");
    let err = failure(d, &["catalog", "import", bad.to_str().expect("utf-8 path")]);
    assert!(err.contains("line 3") && err.contains("price"), "{err}");
    let err = failure(d, &["sell", "--item", "96385074"]);
    assert!(err.contains("unknown"), "nothing from the bad file was imported: {err}");

    let good = d.join("good.csv");
    std::fs::write(
        &good,
        "\u{feff}sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\nN1,96385074|N1-ALT,新品,New,5.00,13,true\n",
    )
    .expect("write");
    let out = tillguard(d, &["catalog", "import", good.to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sale = json(d, &["sell", "--item", "N1-ALTx2", "--json"]);
    assert_eq!(sale["total"], "10.00");

    let missing = d.join("missing.csv");
    std::fs::write(&missing, "sku,barcode,price\nA,1,1\n").expect("write");
    let err = failure(d, &["catalog", "import", missing.to_str().expect("utf-8 path")]);
    assert!(err.contains("lacks column") && err.contains("name_zh"), "{err}");
}

#[test]
fn a_bad_config_file_is_named_with_its_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let config = d.join("tillguard.toml");
    std::fs::write(&config, "[store]\ntimezone = \"Asia/Shanghai\"\n").expect("write");
    let err = failure(d, &["status"]);
    assert!(err.contains("tillguard.toml") && err.contains("timezone"), "{err}");
    std::fs::write(&config, "[store]\ntime_zone = \"Asia/Atlantis\"\n").expect("write");
    let err = failure(d, &["status"]);
    assert!(err.contains("Asia/Atlantis"), "{err}");
    // A valid file leaves demo mode: no demo catalog, the configured currency and zone.
    std::fs::write(
        &config,
        "[store]\nname = \"小店\"\ntime_zone = \"Asia/Shanghai\"\ncurrency = \"CNY\"\n",
    )
    .expect("write");
    let status = json(d, &["status", "--json"]);
    assert_eq!(status["demo"], false);
    let err = failure(d, &["sell", "--item", "COLA"]);
    assert!(err.contains("unknown"), "{err}");
}

#[test]
fn a_damaged_database_is_refused_without_touching_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let db = d.join("tillguard.sqlite");
    std::fs::write(&db, vec![0x42u8; 8192]).expect("write");
    let err = failure(d, &["status"]);
    assert!(err.contains("not a Tillguard database"), "{err}");
    assert_eq!(std::fs::read(&db).expect("read"), vec![0x42u8; 8192]);
}

#[test]
fn a_missing_serial_port_is_named_once_with_the_ports_that_exist() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let port = "zvt+serial:/dev/tillguard-no-such-port";
    let out = tillguard(d, &["--terminal", port, "sell", "--item", "COLA", "--tender", "card"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("tillguard: cannot open serial port /dev/tillguard-no-such-port"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("cannot open").count(), 1, "said once: {stderr}");
    assert!(stderr.contains("ports on this computer"), "{stderr}");
    assert_eq!(json(d, &["status", "--json"])["sales_count"], 0);
}

#[test]
fn a_day_exports_as_csv_whose_rows_add_up_to_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    json(d, &["sell", "--item", "COLA", "--tender", "cash:10", "--json"]);
    json(d, &["sell", "--item", "COLAx3", "--json"]);
    json_approved(d, &["refund", "2", "--line", "1x1", "--json"]);
    let out = d.join("day.csv");
    let done = tillguard(d, &["report", "export", "--out", out.to_str().expect("path")]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let mut reader = csv::Reader::from_path(&out).expect("csv");
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(&headers[0], "sale");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 3);
    let total: rust_decimal::Decimal = rows
        .iter()
        .map(|r| r[7].parse::<rust_decimal::Decimal>().expect("total"))
        .sum();
    let x = json(d, &["report", "x", "--json"]);
    let figure = |key: &str| -> rust_decimal::Decimal { x[key].as_str().expect(key).parse().expect("decimal") };
    assert_eq!(total, figure("gross_total"), "sales less refunds");
    assert_eq!(total, figure("sales_total") + figure("refunds_total"));
    assert_eq!((&rows[2][1], &rows[2][2]), ("refund", "2"));
    assert_eq!(&rows[0][9], "3.50", "the cash part of sale 1");
    // A range that ends before it starts is refused.
    let bad = tillguard(
        d,
        &["report", "export", "--from", "2026-01-02", "--until", "2026-01-01"],
    );
    assert!(!bad.status.success());
}

#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn the_window_without_a_display_is_a_named_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tillguard"))
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run tillguard");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("tillguard: no graphical display"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
