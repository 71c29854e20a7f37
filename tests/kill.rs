//! A sale reported done survives the process being killed (SIGKILL) at any moment, and a
//! kill mid-commit leaves no partial sale behind.

#![cfg(unix)]

use std::process::{Command, Stdio};
use std::time::Duration;
use tillguard::money::Currency;
use tillguard::store::Store;

/// The same two-item cash sale every time (19.80).
fn sell(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tillguard"));
    command
        .arg("--data-dir")
        .arg(dir)
        .args([
            "sell", "--item", "COLAx2", "--item", "FOD-002", "--tender", "cash:100", "--json",
        ])
        .env_remove("TILLGUARD_DATA_DIR")
        .env_remove("TILLGUARD_CONFIG");
    command
}

#[test]
fn sigkill_at_random_points_loses_no_reported_sale_and_leaves_no_half_sale() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut reported = Vec::new();
    // Kill delays spread over the life of a `sell` process (start-up, commit, printing).
    for round in 0..24u64 {
        let mut child = sell(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let delay = Duration::from_micros((round * 7_919) % 40_000);
        std::thread::sleep(delay);
        let _ = child.kill();
        let out = child.wait_with_output().expect("wait");
        if out.status.success()
            && let Ok(json) = serde_json::from_slice::<serde_json::Value>(&out.stdout)
        {
            reported.push((
                json["sale_id"].as_i64().expect("id"),
                json["total"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    eprintln!("{} of 24 sales were reported before the kill", reported.len());
    // The till keeps working after the kills: no stale lock, no half-written state in the way.
    let out = sell(dir.path()).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    reported.push((
        json["sale_id"].as_i64().expect("id"),
        json["total"].as_str().unwrap_or("").to_string(),
    ));
    let store = Store::open(&dir.path().join("tillguard.sqlite"), Currency::CNY).expect("ledger opens after kills");
    store.quick_check().expect("database intact");
    assert_eq!(store.verify_audit().expect("verify"), None, "audit chain intact");
    for (id, total) in &reported {
        let sale = store
            .sale(*id)
            .expect("read")
            .unwrap_or_else(|| panic!("reported sale {id} lost"));
        assert_eq!(&sale.draft.total.plain(), total);
    }
    // Every sale present is whole: lines, taxes and payments add up to its total.
    let day = store.latest_day().expect("day").expect("a day with sales").day;
    let f = store.day_figures(day).expect("figures");
    assert!(f.sales_count as usize >= reported.len());
    for id in 1..=(f.sales_count as i64) {
        let s = store.sale(id).expect("read").expect("ids are dense");
        let lines: i64 = s.draft.lines.iter().map(|l| l.total.minor()).sum();
        let paid: i64 = s.draft.payments.iter().map(|p| p.amount.minor()).sum();
        assert_eq!(lines, s.draft.total.minor(), "sale {id} lines");
        assert_eq!(paid, s.draft.total.minor(), "sale {id} payments");
        assert_eq!(s.draft.total.plain(), "19.80");
    }
    assert_eq!(f.sales_total.minor(), 1980 * f.sales_count as i64);
}
