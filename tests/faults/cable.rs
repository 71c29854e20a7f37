//! The terminal's cable pulled during a card payment: while the terminal works, and right after
//! it sent its result (before it could hear the acknowledgement it books on).

use crate::shop::{SELL_CARD, Shop, audit_kinds, stderr};
use crate::terminal_sim::wait_for;
use std::time::Duration;
use tillguard::store::{CardState, FILE_NAME};

/// FOD-002 (12.80) by card.
const SELL_FOOD: [&str; 6] = ["sell", "--item", "FOD-002", "--tender", "card", "--json"];

/// `recover` settles the one payment in doubt as not booked, and says so in the audit log.
fn recover_as_not_booked(shop: &Shop) {
    let doubt = shop.status()["card_in_doubt"].clone();
    assert_eq!(
        (&doubt["count"], &doubt["amount"]),
        (&1.into(), &"12.80".into()),
        "{doubt}"
    );
    let id = doubt["ids"][0].as_i64().expect("journal id");
    let report = shop.json(None, &["recover", "--json"]);
    assert_eq!(
        (&report["cards"][0]["id"], &report["cards"][0]["outcome"]),
        (&id.into(), &"not_booked".into()),
        "{report}"
    );
    let row = shop.store().card(id).expect("read").expect("journal row");
    assert_eq!(row.state, CardState::Declined);
    let kinds = audit_kinds(&shop.till.join(FILE_NAME));
    assert!(
        kinds
            .iter()
            .any(|(k, d)| k == "card_recovery" && d.contains(&format!("#{id}"))),
        "{kinds:?}"
    );
}

#[test]
fn a_line_that_dies_while_the_terminal_works_leaves_the_payment_in_doubt_until_recovery() {
    let shop = Shop::new();
    {
        let _sim = shop.simulator(&[]);
        shop.json(None, &SELL_CARD);
    }
    let sim = shop.simulator(&["--fault", "silence-after-ack"]);
    let run = shop.spawn(&SELL_FOOD);
    wait_for("the journaled intent", || shop.status()["card_in_doubt"]["count"] == 1);
    // Give the command time to reach the terminal, which answers 80 00 and works on.
    std::thread::sleep(Duration::from_millis(300));
    // The cable goes: the terminal's end of the line disappears with its process.
    drop(sim);
    let out = run.wait_with_output().expect("sell ends");
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(out.stdout.is_empty(), "no sale reported");
    let err = stderr(&out);
    assert!(err.contains("closed") && err.contains("in doubt"), "{err}");
    assert_eq!(shop.status()["sales_count"], 1);
    assert_eq!(shop.terminal_batch().len(), 1);

    let _sim = shop.simulator(&[]);
    recover_as_not_booked(&shop);
    shop.settles_cleanly(2, "7.00");
}

#[test]
fn a_cable_pulled_right_after_the_result_books_nothing_and_the_day_still_reconciles() {
    let shop = Shop::new();
    {
        let _sim = shop.simulator(&[]);
        shop.json(None, &SELL_CARD);
    }
    {
        let _sim = shop.simulator(&["--fault", "disconnect-after-status"]);
        let out = shop.run(None, &SELL_FOOD);
        assert!(!out.status.success());
        assert!(out.stdout.is_empty(), "no sale reported");
        assert!(stderr(&out).contains("in doubt"), "{}", stderr(&out));
    }
    // The till stored the terminal's approval before acknowledging it; the terminal never
    // heard the acknowledgement, so it booked nothing: the ledger must not count the sale.
    let status = shop.status();
    assert_eq!(status["sales_count"], 1, "{status}");
    assert_eq!(shop.terminal_batch().len(), 1);
    let x = shop.json(None, &["report", "x", "--json"]);
    assert_eq!(x["tenders"]["card"], "3.50", "{x}");

    let _sim = shop.simulator(&[]);
    recover_as_not_booked(&shop);
    // The terminal skipped the receipt number it announced; the settlement still matches.
    shop.settles_cleanly(2, "7.00");
}
