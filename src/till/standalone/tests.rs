//! The standalone terminal through the till: recording, voids and refunds, the settlement
//! guard's scenarios (as for a ZVT terminal), the guided settlement and its reconciliation,
//! and the claim list of a batch cleared unsettled. ManualClock, UTC, cutoff 04:00.

use crate::clock::ManualClock;
use crate::config::{Config, Standalone};
use crate::sale::{PaymentMethod, PaymentState, RefundRequest, SaleRecord};
use crate::settlement::batch::{BatchState, DeferReason};
use crate::settlement::guard::{Verdict, Why};
use crate::settlement::reconcile::Reconciliation;
use crate::settlement::slip::SlipText;
use crate::store::{CardKind, Store};
use crate::till::fake_terminal::{at, log_in_manager};
use crate::till::standalone::StandaloneTender;
use crate::till::{Till, TillError};
use jiff::civil::Time;
use std::path::Path;
use std::sync::Arc;

const NAME: &str = "standalone 柜台POS";

fn config() -> Config {
    let mut config = Config::demo();
    config.time_zone = jiff::tz::TimeZone::UTC;
    config.terminal = None;
    config.terminal_auto_clear = Some(Time::constant(23, 0, 0, 0));
    config.standalone = Some(Standalone {
        name: "柜台POS".into(),
        acquirer: "银联商务".into(),
        terminal_id: "12345678".into(),
        voucher_on_slip: true,
    });
    config
}

fn till() -> (Till, Arc<ManualClock>) {
    till_with(|_| {})
}

fn till_with(adjust: impl FnOnce(&mut Config)) -> (Till, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at("2026-11-26T10:00:00Z")));
    let mut config = config();
    adjust(&mut config);
    let store = Store::open_in_memory(config.currency).expect("store");
    let mut till = Till::with_store(store, config, clock.clone()).expect("till");
    log_in_manager(&mut till);
    (till, clock)
}

/// A till on a ledger file that never clears by itself.
fn file_till(path: &Path, clock: Arc<ManualClock>) -> Till {
    let mut config = config();
    config.terminal_auto_clear = None;
    let store = Store::open(path, config.currency).expect("store");
    let mut till = Till::with_store(store, config, clock).expect("till");
    log_in_manager(&mut till);
    till
}

/// A card sale of one COLA (3.50) typed with `voucher`.
fn pay(till: &mut Till, voucher: &str) -> Result<SaleRecord, TillError> {
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA")?;
    till.pay_standalone(
        &cart,
        &StandaloneTender {
            voucher: voucher.into(),
            last4: "1234".into(),
            scheme: "银联".into(),
            ..StandaloneTender::default()
        },
    )
}

fn slip(count: &str, amount: &str, range: &str) -> SlipText {
    SlipText {
        count: count.into(),
        amount: amount.into(),
        per_scheme: Vec::new(),
        voucher_range: range.into(),
    }
}

fn must(why: Why) -> Verdict {
    Verdict::MustSettle {
        why,
        terminal: Some(NAME.into()),
    }
}

#[test]
fn a_typed_card_payment_is_journaled_like_a_terminals_in_its_batch() {
    let (mut till, _) = till();
    let sale = pay(&mut till, "000101").expect("card sale");
    let card = sale
        .draft
        .payments
        .iter()
        .find(|p| p.method == PaymentMethod::Card)
        .expect("card payment");
    assert_eq!(card.state, PaymentState::Approved);
    let details = card.card.as_ref().expect("journal details");
    assert_eq!(
        (details.receipt_no, details.pan.as_deref()),
        (Some(101), Some("****1234"))
    );
    let row = till
        .store()
        .card(details.journal_id)
        .expect("read")
        .expect("journal row");
    assert_eq!((row.terminal.as_str(), row.kind), (NAME, CardKind::Authorization));
    assert_eq!(row.fields.card_type.as_deref(), Some("unionpay"));
    assert_eq!(row.fields.terminal_id.as_deref(), Some("12345678"));
    let batches = till.unsettled_batches().expect("batches");
    assert_eq!(batches.len(), 1);
    assert_eq!((batches[0].terminal.as_str(), batches[0].payments), (NAME, 1));
    // The sale reads back with the same card details.
    assert_eq!(till.sale(sale.id).expect("sale").draft.payments, sale.draft.payments);
}

#[test]
fn bad_entries_are_refused_and_commit_nothing() {
    let (mut till, _) = till();
    pay(&mut till, "101").expect("first");
    let e = pay(&mut till, "000101").expect_err("the same voucher twice");
    assert!(
        e.to_string().contains("000101") && e.to_string().contains("already recorded"),
        "{e}"
    );
    for (voucher, names) in [("", "voucher number"), ("10a", "'10a'"), ("1234567890", "'1234567890'")] {
        let e = pay(&mut till, voucher).expect_err(voucher);
        assert!(e.to_string().contains(names), "{voucher:?}: {e}");
    }
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA").expect("scan");
    let bad_last4 = StandaloneTender {
        voucher: "102".into(),
        last4: "12".into(),
        ..StandaloneTender::default()
    };
    assert!(till.pay_standalone(&cart, &bad_last4).is_err());
    let b = &till.unsettled_batches().expect("batches")[0];
    assert_eq!(b.payments, 1, "nothing but the first payment was recorded");
}

#[test]
fn voids_and_refunds_are_typed_the_same_way() {
    let (mut till, _) = till();
    let first = pay(&mut till, "101").expect("sale");
    let second = pay(&mut till, "102").expect("sale");
    let void = till.void_standalone(first.id, "103", None).expect("void");
    assert_eq!(void.draft.total.plain(), "-3.50");
    // Voiding again is refused: the payment is reversed.
    assert!(till.void_standalone(first.id, "104", None).is_err());
    let refund = till
        .refund_standalone(second.id, &RefundRequest::default(), "104", None)
        .expect("refund");
    assert_eq!(refund.draft.total.plain(), "-3.50");
    let kinds: Vec<CardKind> = till
        .store()
        .batch_cards(till.unsettled_batches().expect("batches")[0].id)
        .expect("cards")
        .iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![
            CardKind::Authorization,
            CardKind::Authorization,
            CardKind::Reversal,
            CardKind::Refund
        ]
    );
    // Net: the voided pair counts nowhere; payment 102 and its refund count, 0.00.
    let s = till.settle_standalone(&slip("2", "0.00", "101-104"), till.now());
    assert_eq!(s.expect("settled").reconciliation, Reconciliation::Match);
}

#[test]
fn the_guard_applies_unchanged_quit_reminders_deferral_and_settling() {
    let (mut till, clock) = till();
    assert_eq!(
        till.guard(true).expect("guard"),
        Verdict::Clear,
        "no card payments, no guard"
    );
    let sale = pay(&mut till, "101").expect("sale");
    assert_eq!(till.guard(true).expect("guard"), must(Why::QuitRequested));
    assert_eq!(till.guard(false).expect("guard"), Verdict::Clear);
    // Reminders before the 23:00 clear time, then settling is demanded.
    clock.set(at("2026-11-26T22:45:00Z"));
    assert!(matches!(
        till.guard(false).expect("guard"),
        Verdict::Remind { minutes: 15, .. }
    ));
    clock.set(at("2026-11-26T22:59:00Z"));
    assert_eq!(till.guard(false).expect("guard"), must(Why::AutoClearImminent));
    // A manager defers: quitting is allowed until the deferral runs out.
    clock.set(at("2026-11-26T20:00:00Z"));
    let until = at("2026-11-26T21:00:00Z");
    till.defer(
        crate::config::DEMO_MANAGER_PIN,
        DeferReason::TerminalOffline,
        Some(until),
    )
    .expect("defer");
    assert!(till.guard(true).expect("guard").allows_quit());
    clock.set(at("2026-11-26T21:00:01Z"));
    assert_eq!(till.guard(true).expect("guard"), must(Why::QuitRequested));
    // Settled with the slip's totals: the guard lifts.
    let s = till
        .settle_standalone(&slip("1", "3.50", "101-101"), till.settled_at("21:00").expect("time"))
        .expect("settle");
    assert_eq!(s.reconciliation, Reconciliation::Match);
    assert_eq!(till.guard(true).expect("guard"), Verdict::Clear);
    let row = till.store().batch(s.batch_id).expect("read").expect("batch");
    assert_eq!(row.state, BatchState::Settled);
    // The terminal settled it: voiding the payment there is no longer possible.
    let e = till.void_standalone(sale.id, "102", None).expect_err("settled");
    assert!(e.to_string().contains("refund it instead"), "{e}");
}

#[test]
fn the_day_change_stops_selling_until_the_slip_is_typed() {
    let (mut till, clock) = till_with(|c| c.terminal_auto_clear = None);
    pay(&mut till, "101").expect("sale");
    clock.set(at("2026-11-27T05:00:00Z"));
    assert_eq!(till.guard(false).expect("guard"), must(Why::DayChanged));
    let e = pay(&mut till, "102").expect_err("selling stopped");
    assert!(
        matches!(
            e,
            TillError::Guard {
                why: Why::DayChanged,
                ..
            }
        ),
        "{e}"
    );
    till.settle_standalone(&slip("1", "3.50", ""), till.settled_at("04:30").expect("time"))
        .expect("settle");
    assert_eq!(till.guard(false).expect("guard"), Verdict::Clear);
}

#[test]
fn a_new_start_on_a_later_day_finds_the_earlier_batch() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("ledger.sqlite");
    let clock = Arc::new(ManualClock::new(at("2026-11-26T10:00:00Z")));
    {
        let mut till = file_till(&path, clock.clone());
        pay(&mut till, "101").expect("sale");
    }
    clock.set(at("2026-11-27T09:00:00Z"));
    let mut till = file_till(&path, clock);
    assert_eq!(till.guard(false).expect("guard"), must(Why::EarlierDayUnsettled));
}

#[test]
fn typos_settle_nothing() {
    let (mut till, clock) = till();
    pay(&mut till, "101").expect("sale");
    clock.set(at("2026-11-26T12:00:00Z"));
    let now = till.now();
    let cases = [
        (slip("1x", "3.50", ""), now, "'1x'"),
        (slip("1", "3,5.0", ""), now, "'3,5.0'"),
        (slip("1", "3.50", "105-101"), now, "backwards"),
        (slip("1", "3.50", ""), at("2026-11-26T12:30:00Z"), "in the future"),
        (slip("1", "3.50", ""), at("2026-11-26T09:00:00Z"), "before the batch"),
    ];
    for (text, when, says) in cases {
        let e = till.settle_standalone(&text, when).expect_err(says);
        assert!(e.to_string().contains(says), "{says}: {e}");
    }
    let mut schemes = slip("1", "3.50", "");
    schemes.per_scheme = vec![("visa".into(), "1".into(), "3.00".into())];
    let e = till.settle_standalone(&schemes, now).expect_err("schemes");
    assert!(e.to_string().contains("add up"), "{e}");
    assert!(till.settled_at("25:00").is_err());
    let b = &till.unsettled_batches().expect("batches")[0];
    assert_eq!(b.state, BatchState::Open, "still unsettled after every typo");
}

#[test]
fn reconciliation_names_missing_and_extra_vouchers() {
    let (mut till, clock) = till();
    pay(&mut till, "101").expect("sale");
    pay(&mut till, "102").expect("sale");
    pay(&mut till, "105").expect("sale");
    clock.set(at("2026-11-26T12:00:00Z"));
    // The slip: 101-104 (four payments, 14.00); 103 and 104 were never typed in, 105 is not on it.
    let s = till
        .settle_standalone(&slip("4", "14.00", "101-104"), till.now())
        .expect("settled, with differences");
    let Reconciliation::Mismatch(d) = s.reconciliation else {
        panic!("must not match");
    };
    assert_eq!(d.missing_in_ledger, vec![103, 104]);
    assert_eq!(d.outside_range.iter().map(|o| o.1).collect::<Vec<_>>(), vec![Some(105)]);
    assert_eq!((d.per_card[0].terminal_count, d.per_card[0].ledger_count), (4, 3));
    // The typed totals are kept with who typed them; a manager acknowledges the mismatch.
    let totals = s.totals.expect("stored totals");
    assert_eq!(totals.context, crate::store::SLIP_CONTEXT);
    till.acknowledge_mismatch(s.batch_id, crate::config::DEMO_MANAGER_PIN, "103, 104 typed late")
        .expect("acknowledged");
}

#[test]
fn a_batch_past_its_clear_time_is_lost_with_a_claim_list() {
    let (mut till, clock) = till();
    let sale = pay(&mut till, "101").expect("sale");
    pay(&mut till, "102").expect("sale");
    till.void_standalone(sale.id, "103", None).expect("void");
    clock.set(at("2026-11-26T23:00:30Z"));
    till.guard(false).expect("guard");
    let lost = till.batch_history(5).expect("history");
    assert_eq!(lost[0].state, BatchState::Lost);
    let claim = till.claim_list(lost[0].id).expect("claim list");
    // The voided payment and its void cancel out: only voucher 102 is claimed.
    assert_eq!(claim.len(), 1);
    assert_eq!(
        (claim[0].receipt_no, claim[0].pan.as_deref()),
        (Some(102), Some("****1234"))
    );
    assert_eq!(claim[0].amount.plain(), "3.50");
    let csv = crate::till::claim_csv(&claim);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("date,time,kind,amount,voucher,trace,card,scheme,terminal_id")
    );
    assert_eq!(
        lines.next(),
        Some("2026-11-26,10:00:00,authorization,3.50,102,,****1234,unionpay,12345678")
    );
    assert_eq!(lines.next(), None);
    // The printed claim names the terminal, its acquirer and terminal id, and the voucher.
    let printed = till.claim_doc(lost[0].id).expect("claim doc").text();
    for says in ["柜台POS · 银联商务 · TID", "12345678", "102", "****1234"] {
        assert!(printed.contains(says), "{says}: {printed}");
    }
    // Settling the lost batch is no longer possible; a new payment opens a new batch.
    assert!(till.unsettled_batches().expect("batches").is_empty());
}
