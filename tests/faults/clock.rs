//! The clock jumping back (a wrong manual setting, a flat CMOS battery) and forward again, with
//! a card batch open: the business day does not move back, the batch cannot be hidden, a sale
//! made meanwhile lands on the right day, and the jump is recorded.

use crate::shop::{SELL_CARD, Shop, audit_kinds, stderr};
use tillguard::store::FILE_NAME;

const DAY1: Option<&str> = Some("2026-11-26T10:00:00Z");
/// Two days before DAY1.
const BEHIND: Option<&str> = Some("2026-11-24T09:00:00Z");
const DAY2: Option<&str> = Some("2026-11-27T10:00:00Z");

#[test]
fn a_clock_that_jumps_back_and_forward_neither_hides_the_batch_nor_moves_the_day() {
    let shop = Shop::new();
    let _sim = shop.simulator(&[]);
    assert_eq!(shop.json(DAY1, &SELL_CARD)["business_day"], "2026-11-26");

    let status = shop.json(BEHIND, &["status", "--json"]);
    assert_eq!(
        (&status["business_day"], &status["clock_behind"]),
        (&"2026-11-26".into(), &true.into()),
        "{status}"
    );
    assert_eq!(
        status["batches"][0]["count"], 1,
        "the open batch is still shown: {status}"
    );
    let text = shop.run(BEHIND, &["status"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("clock is behind"));
    // A sale while the clock is behind belongs to the day already recorded.
    let sale = shop.json(BEHIND, &SELL_CARD);
    assert_eq!(sale["business_day"], "2026-11-26", "{sale}");

    // Forward past the cutoff: the batch of the 26th (both sales) must be settled first.
    let out = shop.run(DAY2, &["sell", "--item", "COLA", "--tender", "cash"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let settled = shop.json(DAY2, &["settle", "--json"]);
    assert_eq!(settled["reconciliation"], "match", "{settled}");
    assert_eq!(settled["terminal_totals"]["total"], "7.00", "{settled}");
    let z = shop.json(DAY2, &["report", "z", "--counted", "0", "--json"]);
    assert_eq!(z["business_day"], "2026-11-26", "{z}");
    let next = shop.json(DAY2, &SELL_CARD);
    assert_eq!(next["business_day"], "2026-11-27");
    shop.assert_ledger_whole();
}

#[test]
fn a_clock_set_back_is_recorded_in_the_audit_log() {
    let shop = Shop::new();
    let cash = ["sell", "--item", "COLA", "--tender", "cash", "--json"];
    shop.json(DAY1, &cash);
    let before = audit_kinds(&shop.till.join(FILE_NAME)).len();
    let sale = shop.json(BEHIND, &cash);
    assert_eq!(sale["business_day"], "2026-11-26");
    let kinds = audit_kinds(&shop.till.join(FILE_NAME));
    let new = &kinds[before..];
    assert!(
        new.iter().any(|(k, d)| k.contains("clock") || d.contains("clock")),
        "a sale made with the clock two days behind left no audit record of it: {new:?}"
    );
    shop.assert_ledger_whole();
}
