//! Voids, card refunds and in-doubt recovery from the command line, against the simulated
//! terminal over a pseudo-terminal: journal rows hold the terminal's numbers, and a payment
//! whose outcome was lost is resolved by asking the terminal, never dropped or guessed.
#![cfg(unix)]

mod common;
mod terminal_sim;

use common::{json, json_approved, tillguard, tillguard_approved};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use terminal_sim::{simulate_pty, wait_for};
use tillguard::clock::SystemClock;
use tillguard::money::{Currency, Money};
use tillguard::sale::{Payment, PaymentMethod, PaymentState, SaleDraft, SaleRecord};
use tillguard::store::{CardJournal, CardKind, CardState, FILE_NAME, JournaledSale, Store};
use tillguard::terminal::CardTerminal;
use tillguard::terminal::outcome::approval;
use tillguard::terminal::session::{Accept, Session};
use tillguard::terminal::zvt::serial::SerialLink;
use tillguard::terminal::zvt_terminal::ZvtTerminal;
use tillguard::till::{Paths, Till};

fn store(dir: &Path) -> Store {
    Store::open(&dir.join(FILE_NAME), Currency::CNY).expect("ledger")
}

fn sale(dir: &Path, id: &Value) -> SaleRecord {
    let id = id.as_i64().expect("sale id");
    store(dir).sale(id).expect("read").expect("sale")
}

/// The journal row behind a sale's card payment.
fn card_row(dir: &Path, sale_id: &Value) -> CardJournal {
    let s = sale(dir, sale_id);
    let card = s
        .draft
        .payments
        .iter()
        .find_map(|p| p.card.clone())
        .expect("a card payment");
    store(dir).card(card.journal_id).expect("read").expect("journal row")
}

fn card_payment(sale: &Value) -> Value {
    sale["payments"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["method"] == "card"))
        .cloned()
        .expect("a card payment")
}

fn in_doubt(dir: &Path) -> Value {
    json(dir, &["status", "--json"])["card_in_doubt"].clone()
}

#[test]
fn a_void_and_a_card_refund_are_journaled_with_the_terminals_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let first = json(
        d,
        &[
            "sell", "--item", "COLAx2", "--item", "FOD-002", "--tender", "card", "--json",
        ],
    );
    let id = first["sale_id"].to_string();
    let void = json_approved(d, &["void", &id, "--json"]);
    assert_eq!(
        (&void["kind"], &void["refund_of"], &void["total"]),
        (&"refund".into(), &first["sale_id"], &"-19.80".into())
    );
    let reversed = card_payment(&void);
    assert_eq!(reversed["state"], "reversed");
    let row = card_row(d, &void["sale_id"]);
    let auth = card_row(d, &first["sale_id"]);
    assert_eq!(
        (row.kind, row.state, row.refers_to),
        (CardKind::Reversal, CardState::Approved, Some(auth.id))
    );
    assert_eq!(row.fields.trace.map(u64::from), reversed["trace"].as_u64());
    assert_eq!(row.fields.receipt_no.map(u64::from), reversed["receipt_no"].as_u64());
    assert!(row.fields.receipt_no.is_some() && row.fields.receipt_no != auth.fields.receipt_no);
    assert_eq!(
        sale(d, &first["sale_id"]).draft.payments[0].state,
        PaymentState::Reversed
    );

    let second = json(
        d,
        &[
            "sell", "--item", "COLAx2", "--item", "FOD-002", "--tender", "card", "--json",
        ],
    );
    let id = second["sale_id"].to_string();
    // Paid by card, so the refund goes back to the card by default.
    let refund = json_approved(d, &["refund", &id, "--line", "1x1", "--json"]);
    assert_eq!(
        (&refund["total"], &refund["refund_of"]),
        (&"-3.50".into(), &second["sale_id"])
    );
    let back = card_payment(&refund);
    assert_eq!((&back["state"], &back["amount"]), (&"approved".into(), &"-3.50".into()));
    let row = card_row(d, &refund["sale_id"]);
    assert_eq!((row.kind, row.state), (CardKind::Refund, CardState::Approved));
    assert_eq!(row.refers_to, Some(card_row(d, &second["sale_id"]).id));
    assert_eq!(row.fields.trace.map(u64::from), back["trace"].as_u64());
    assert_eq!(row.fields.receipt_no.map(u64::from), back["receipt_no"].as_u64());
    let cash = json_approved(d, &["refund", &id, "--line", "2", "--tender", "cash", "--json"]);
    assert_eq!(cash["total"], "-12.80");
    let x = json(d, &["report", "x", "--json"]);
    // The void counts nowhere; 19.80 - 3.50 stays on the card; 12.80 left the drawer.
    assert_eq!(
        (&x["tenders"]["card"], &x["tenders"]["cash"]),
        (&"16.30".into(), &"-12.80".into())
    );
    let out = tillguard_approved(d, &["void", &id]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("partly refunded"), "{err}");
}

#[test]
fn a_lost_acknowledgement_leaves_the_payment_in_doubt_until_recover_asks_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (pt, sim_dir, till) = (dir.path().join("pt"), dir.path().join("sim"), dir.path().join("till"));
    let spec = format!("zvt+serial:{}", pt.display());
    let sell = |item: &str| {
        tillguard(
            &till,
            &["--terminal", &spec, "sell", "--item", item, "--tender", "card"],
        )
    };
    {
        let _sim = simulate_pty(&sim_dir, &pt, &[]);
        assert!(sell("COLA").status.success());
    }
    {
        // The terminal sends its result and drops off the line before our acknowledgement.
        let _sim = simulate_pty(&sim_dir, &pt, &["--fault", "disconnect-after-status"]);
        let out = sell("FOD-002");
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("in doubt"), "{err}");
    }
    let doubt = in_doubt(&till);
    assert_eq!((&doubt["count"], &doubt["amount"]), (&1.into(), &"12.80".into()));
    let _sim = simulate_pty(&sim_dir, &pt, &[]);
    let report = json(&till, &["--terminal", &spec, "recover", "--json"]);
    let card = &report["cards"][0];
    assert_eq!(
        (&card["id"], &card["outcome"]),
        (&doubt["ids"][0], &"not_booked".into())
    );
    assert_eq!(report["in_doubt"], serde_json::json!([]));
    assert_eq!(in_doubt(&till)["count"], 0);
    let row = store(&till)
        .card(card["id"].as_i64().expect("id"))
        .expect("read")
        .expect("row");
    assert_eq!(row.state, CardState::Declined);
    assert!(row.note.is_some_and(|n| n.contains("not booked")));
    assert_eq!(json(&till, &["status", "--json"])["sales_count"], 1);
}

#[test]
fn a_run_killed_mid_payment_is_resolved_before_the_next_card_sale() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (pt, sim_dir, till) = (dir.path().join("pt"), dir.path().join("sim"), dir.path().join("till"));
    let spec = format!("zvt+serial:{}", pt.display());
    let sell = [
        "--terminal",
        &spec,
        "sell",
        "--item",
        "COLA",
        "--tender",
        "card",
        "--json",
    ];
    {
        let _sim = simulate_pty(&sim_dir, &pt, &[]);
        json(&till, &sell);
    }
    {
        // The terminal accepts the command and goes quiet; the till is killed while it waits.
        let _sim = simulate_pty(&sim_dir, &pt, &["--fault", "silence-after-ack"]);
        let mut run = Command::new(env!("CARGO_BIN_EXE_tillguard"))
            .arg("--data-dir")
            .arg(&till)
            .args(sell)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sell");
        wait_for("the journaled intent", || in_doubt(&till)["count"] == 1);
        std::thread::sleep(std::time::Duration::from_millis(300));
        run.kill().expect("kill");
        run.wait().expect("reap");
    }
    let id = in_doubt(&till)["ids"][0].as_i64().expect("id");
    assert_eq!(
        store(&till).card(id).expect("read").expect("row").state,
        CardState::Pending
    );
    let _sim = simulate_pty(&sim_dir, &pt, &[]);
    // The next card sale asks the terminal about the pending one first, then sells.
    let out = tillguard(&till, &sell);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("#{id} authorization 3.50: not booked")), "{err}");
    assert_eq!(
        store(&till).card(id).expect("read").expect("row").state,
        CardState::Declined
    );
    assert_eq!(in_doubt(&till)["count"], 0);
    assert_eq!(json(&till, &["status", "--json"])["sales_count"], 2);
}

#[test]
fn a_payment_the_terminal_booked_but_the_till_never_stored_is_recovered_with_its_sale() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (pt, sim_dir, till_dir) = (dir.path().join("pt"), dir.path().join("sim"), dir.path().join("till"));
    let _sim = simulate_pty(&sim_dir, &pt, &[]);
    let path = pt.to_str().expect("utf-8");
    let mut zvt = ZvtTerminal::new(
        Session::new(Box::new(SerialLink::open(path, 9600).expect("open pty"))),
        123_456,
        156,
    );
    // The till's half of a crash: intent and sale journaled, then the process died.
    let till = Till::open(
        &Paths::resolve(Some(till_dir.clone()), None).expect("paths"),
        Arc::new(SystemClock),
    )
    .expect("till");
    let mut cart = till.new_cart();
    till.scan(&mut cart, "FOD-002").expect("scan");
    let amount = Money::parse("12.80", Currency::CNY).expect("amount");
    let card = Payment {
        method: PaymentMethod::Card,
        amount,
        given: None,
        change: Money::zero(Currency::CNY),
        state: PaymentState::Approved,
        card: None,
        manual: None,
    };
    let journaled = JournaledSale {
        day: till.selling_day().expect("day"),
        draft: SaleDraft::from_cart(&cart, vec![card]).expect("draft"),
    };
    drop(till);
    let now = jiff::Timestamp::now();
    let id = store(&till_dir)
        .card_begin(
            CardKind::Authorization,
            amount,
            &zvt.describe(),
            None,
            Some(&journaled),
            now,
        )
        .expect("begin");
    // The terminal's half: it booked the payment.
    let exchange = zvt
        .authorize(amount, &mut Accept, &AtomicBool::new(false))
        .expect("authorize");
    let booked = approval(&exchange).cloned().expect("approved");
    drop(zvt);

    let spec = format!("zvt+serial:{path}");
    let report = json(&till_dir, &["--terminal", &spec, "recover", "--json"]);
    let card = &report["cards"][0];
    assert_eq!((&card["id"], &card["outcome"]), (&id.into(), &"sale_recovered".into()));
    assert_eq!(card["receipt_no"].as_u64(), booked.receipt_no.map(u64::from));
    let recovered = sale(&till_dir, &card["sale_id"]);
    assert_eq!((recovered.draft.total, recovered.business_day), (amount, journaled.day));
    let details = recovered.draft.payments[0].card.clone().expect("card details");
    assert_eq!((details.journal_id, details.trace), (id, booked.trace));
    let status = json(&till_dir, &["status", "--json"]);
    assert_eq!(
        (&status["sales_count"], &status["card_in_doubt"]["count"]),
        (&1.into(), &0.into())
    );
}
