//! The printer gone in the middle of a receipt (switched off, cable out): the sale stands, the
//! cashier is told how to reprint, and the job prints whole once the printer is back.

use crate::common::{json, tillguard};
use crate::printer_support::fake::{Behaviour, FakePrinter};
use std::time::Duration;
use tillguard::money::Currency;
use tillguard::store::{FILE_NAME, Store};

/// Four status requests (DLE EOT 1..4, three bytes each) come before the job.
const STATUS_BYTES: usize = 12;
/// How much of the job gets through before the printer goes.
const JOB_PART: usize = 40;

#[test]
fn a_printer_gone_mid_receipt_keeps_the_sale_and_the_job_prints_whole_when_it_is_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let printer = FakePrinter::start_tcp(Behaviour::StopsReadingAfter(STATUS_BYTES + JOB_PART));
    let spec = printer.spec();
    let sell = std::thread::scope(|s| {
        let sell = s.spawn(|| {
            tillguard(
                dir.path(),
                &[
                    "sell",
                    "--item",
                    "COLA",
                    "--tender",
                    "cash:10",
                    "--printer",
                    &spec,
                    "--json",
                ],
            )
        });
        assert!(
            printer.wait_for_len(STATUS_BYTES + JOB_PART, Duration::from_secs(10)),
            "the job started"
        );
        // Power off: the connection goes away with part of the receipt printed.
        printer.set_behaviour(Behaviour::RefusesConnections);
        sell.join().expect("sell")
    });
    let partial = printer.received().len();
    let stderr = String::from_utf8_lossy(&sell.stderr);
    assert!(sell.status.success(), "the sale is done whatever the printer: {stderr}");
    let sale: serde_json::Value = serde_json::from_slice(&sell.stdout).expect("json");
    assert_eq!(sale["print"]["state"], "failed", "{sale}");
    let error = sale["print"]["error"].as_str().unwrap_or_default();
    eprintln!("the cashier reads: {error}");
    assert!(
        error.contains(&printer.addr().to_string()),
        "names the printer: {error}"
    );
    assert_eq!(sale["print"]["job"], 1, "the job to reprint: {sale}");
    let status = json(dir.path(), &["status", "--json"]);
    assert_eq!((&status["sales_count"], &status["print_queue"]), (&1.into(), &1.into()));

    printer.set_behaviour(Behaviour::Normal);
    printer.clear();
    let again = json(
        dir.path(),
        &["printer", "reprint", "job:1", "--printer", &spec, "--json"],
    );
    assert_eq!(again["state"], "done", "{again}");
    assert!(printer.received().len() > partial, "the whole receipt this time");
    let page = printer.page().expect("a well-formed job");
    assert!(page.find("可乐 330ml").is_some(), "{}", page.text());
    assert!(!page.text().contains("副本"), "not a copy: it never printed whole");
    assert_eq!(page.cuts, 1);
    let status = json(dir.path(), &["status", "--json"]);
    assert_eq!((&status["sales_count"], &status["print_queue"]), (&1.into(), &0.into()));
    let store = Store::open(&dir.path().join(FILE_NAME), Currency::CNY).expect("ledger");
    assert_eq!(store.verify_audit().expect("verify"), None, "audit chain intact");
}
