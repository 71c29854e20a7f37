//! The terminal rebooted mid-day (power cycled): it keeps its batch, the till reconnects on the
//! next payment, and the end-of-day reconciles every payment from before and after the reboot.

use crate::shop::{SELL_CARD, Shop};

fn trace(sale: &serde_json::Value) -> u64 {
    sale["payments"][0]["trace"].as_u64().expect("trace")
}

#[test]
fn a_terminal_rebooted_mid_day_keeps_its_batch_and_settlement_matches() {
    let shop = Shop::new();
    let sim = shop.simulator(&[]);
    let first = shop.json(None, &SELL_CARD);
    let second = shop.json(None, &SELL_CARD);
    // Power off: the process dies (SIGKILL) without a word to anyone.
    drop(sim);
    let kept = shop.terminal_batch();
    assert_eq!(kept.len(), 2, "the batch is in the terminal's memory: {kept:?}");
    let status = shop.status();
    assert_eq!(
        (&status["batches"][0]["count"], &status["batches"][0]["amount"]),
        (&2.into(), &"7.00".into()),
        "{status}"
    );

    let _sim = shop.simulator(&[]);
    let third = shop.json(None, &SELL_CARD);
    // Numbers go on after the reboot: nothing is numbered (or counted) twice.
    assert!(trace(&first) < trace(&second) && trace(&second) < trace(&third));
    assert_eq!(shop.terminal_batch().len(), 3);
    let settled = shop.json(None, &["settle", "--json"]);
    assert_eq!(settled["reconciliation"], "match", "{settled}");
    assert_eq!(settled["terminal_totals"]["total"], "10.50", "{settled}");
    assert_eq!(
        settled["terminal_totals"]["receipt_range"],
        serde_json::json!([first["payments"][0]["receipt_no"], third["payments"][0]["receipt_no"]])
    );
    assert!(shop.terminal_batch().is_empty());
    assert_eq!(shop.status()["batches"], serde_json::json!([]));
    shop.assert_ledger_whole();
}
