//! Voids and card refunds on a till whose card terminal is standalone (no cable): the cashier
//! voids (撤销) or refunds (退货) on the terminal, and the refund screen asks for the slip's
//! voucher number instead of starting a terminal job. A typo or a voucher already in the batch
//! stores nothing and keeps what was typed. Driven through the shared harness (`ui_harness`).

mod ui_harness;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tillguard::clock::ManualClock;
use tillguard::sale::{PaymentMethod, PaymentState, SaleRecord};
use tillguard::store::{CardJournal, CardKind, JobState, Store};
use tillguard::till::Till;
use tillguard::ui::app::Screen;
use tillguard::ui::keys::Shortcut;
use tillguard::ui::screen::refund::{self, LOOKUP_ID, SLIP_VOUCHER_ID, SlipKind};
use tillguard::ui::{App, Message, TerminalSetup};
use ui_harness::*;

const JOURNAL_NAME: &str = "standalone 柜台POS";
const VOID: &str = "撤销整笔刷卡交易（冲正）";
const REFUND: &str = "确认退款";
const VOUCHER_INVALID: &str = "凭证号为 1 至 9 位数字（见签购单）";

/// A demo till whose only card terminal is standalone, with one sale (a cola and a water,
/// ¥5.50) paid on it with voucher 101 before the window opens; the cashier logged in. Its
/// ledger is a file in `dir`, so receipts print as previews into `dir/receipts`.
fn standalone_app(dir: &Path) -> App {
    let noon = "2025-03-14T04:00:00Z".parse().expect("timestamp");
    let config = standalone_config(true);
    let store = Store::open(&dir.join(tillguard::store::FILE_NAME), config.currency).expect("ledger");
    let mut till = Till::with_store(store, config, Arc::new(ManualClock::new(noon))).expect("till opens");
    let sale = pay_on_counter_pos(&mut till, &[COLA, WATER], "101");
    assert_eq!(sale.id, 1);
    let no_cable = TerminalSetup {
        spec: None,
        data_dir: dir.to_path_buf(),
        think_time: Duration::ZERO,
    };
    let mut app = App::new(till, no_cable).0;
    unlock(&mut app);
    app
}

/// F6, the demo manager's PIN, then sale 1 looked up: its card payment is preselected.
fn open_sale_one(app: &mut App) {
    deliver(app, vec![key(Shortcut::Refund)]);
    assert!(matches!(app.screen(), Screen::Refund(_)), "F6 opens the refund screen");
    type_and_enter(app, refund::PIN_ID, "1234");
    assert!(state(app).gate.is_none(), "{:?}", state(app).gate);
    type_and_enter(app, LOOKUP_ID, "1");
    assert_eq!(state(app).error, None);
    assert_eq!(state(app).method, Some(PaymentMethod::Card));
}

fn state(app: &App) -> &refund::State {
    match app.screen() {
        Screen::Refund(state) => state,
        _ => panic!("not on the refund screen"),
    }
}

/// A button that opens the slip step: nothing is asked of any terminal.
fn open_step(app: &mut App, button: &str) {
    let job = click_text(app, button);
    assert!(job.is_none(), "no terminal job");
    assert!(app.till().is_some(), "the till stays at the desk");
    assert!(
        state(app).slip.is_some(),
        "the slip step opens; error: {:?}",
        state(app).error
    );
}

fn slip_error(app: &App) -> Option<String> {
    state(app).slip.as_ref().and_then(|s| s.error.clone())
}

fn set_voucher(app: &mut App, voucher: &str) {
    deliver(app, vec![Message::Refund(refund::Message::SlipVoucher(voucher.into()))]);
}

/// The standalone terminal's open batch, oldest row first.
fn batch(app: &App) -> Vec<CardJournal> {
    let store = till(app).store();
    let open = store
        .current_batch(JOURNAL_NAME)
        .expect("batches")
        .expect("an open batch");
    store.batch_cards(open.id).expect("cards")
}

fn stored_sales(app: &App) -> (u64, u64) {
    let status = till(app).status().expect("status");
    (status.sales_count, status.refunds_count)
}

/// The journal row of a record's (one) card payment.
fn card_row(app: &App, record: &SaleRecord) -> CardJournal {
    let card = record
        .draft
        .payments
        .iter()
        .find(|p| p.method == PaymentMethod::Card)
        .and_then(|p| p.card.as_ref())
        .unwrap_or_else(|| panic!("a card payment with its journal row: {:?}", record.draft.payments));
    till(app).store().card(card.journal_id).expect("journal").expect("row")
}

#[test]
fn a_card_sale_is_voided_with_the_void_slips_voucher() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = standalone_app(dir.path());
    open_sale_one(&mut app);
    open_step(&mut app, VOID);
    assert_eq!(state(&app).slip.as_ref().map(|s| &s.kind), Some(&SlipKind::Void));
    assert_shows(
        &app,
        "请先在 柜台POS 上撤销这笔 ¥5.50 的刷卡交易，再填写撤销签购单上的凭证号。",
    );
    assert_shows(&app, "撤销凭证号");

    set_voucher(&mut app, "102");
    let print = click_text(&mut app, "记录撤销（回车）");
    assert_eq!(slip_error(&app), None);
    assert_eq!(state(&app).error, None);
    assert!(state(&app).slip.is_none(), "the step closes");
    assert_shows(&app, "退货单 000002 已完成");
    assert_shows(&app, "已退 ¥5.50");
    assert!(state(&app).found.is_none(), "the screen starts over");

    let void = till(&app).sale(2).expect("the void is stored");
    assert_eq!(void.draft.total, cny("-5.50"));
    let [paid] = void.draft.payments.as_slice() else {
        panic!("the card payment goes back whole: {:?}", void.draft.payments)
    };
    assert_eq!((paid.method, paid.state), (PaymentMethod::Card, PaymentState::Reversed));
    assert_eq!(paid.amount, cny("-5.50"));
    let original = card_row(&app, &till(&app).sale(1).expect("sale 1"));
    let reversal = card_row(&app, &void);
    assert_eq!(reversal.kind, CardKind::Reversal);
    assert_eq!(
        reversal.refers_to,
        Some(original.id),
        "reverses the sale's card payment"
    );
    assert_eq!(reversal.fields.receipt_no, Some(102));
    let kinds: Vec<(CardKind, Option<u32>)> = batch(&app).iter().map(|c| (c.kind, c.fields.receipt_no)).collect();
    assert_eq!(
        kinds,
        vec![(CardKind::Authorization, Some(101)), (CardKind::Reversal, Some(102))]
    );
    let receipt = &state(&app).done.as_ref().expect("the receipt").1;
    assert!(
        receipt.contains("终端凭证号 102"),
        "the receipt names the slip: {receipt}"
    );
    // Its receipt is queued and sent to the (preview) printer, as after a terminal's void.
    let messages = print.expect("the receipt goes to the printer").run_here();
    deliver(&mut app, messages);
    let jobs = till(&app).store().print_jobs_for("receipt", "2").expect("print jobs");
    assert_eq!(jobs.iter().map(|j| j.state).collect::<Vec<_>>(), vec![JobState::Done]);

    // Voided: it cannot be voided again.
    let _ = click_text(&mut app, "再退一笔");
    type_and_enter(&mut app, LOOKUP_ID, "1");
    assert!(!shows(&app, VOID));
    assert_shows(&app, "这笔交易已全部退回");
}

#[test]
fn a_line_refunded_to_the_card_a_typo_first_stores_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = standalone_app(dir.path());
    open_sale_one(&mut app);
    // The water (¥2.00) goes back, the cola stays.
    deliver(&mut app, vec![Message::Refund(refund::Message::Less(0))]);
    assert_shows(&app, "退款 ¥2.00");
    open_step(&mut app, REFUND);
    assert_shows(&app, "请先在 柜台POS 上退货 ¥2.00，再填写退货签购单上的凭证号。");
    assert_shows(&app, "退货凭证号");
    // The lines are as chosen while the step is up.
    deliver(&mut app, vec![Message::Refund(refund::Message::More(0))]);
    assert_eq!(state(&app).found.as_ref().map(|f| f.lines[0].chosen), Some(0));

    type_and_enter(&mut app, SLIP_VOUCHER_ID, "10x");
    assert_eq!(slip_error(&app).as_deref(), Some(VOUCHER_INVALID));
    assert_shows(&app, VOUCHER_INVALID);
    assert_eq!(
        state(&app).slip.as_ref().map(|s| s.voucher.as_str()),
        Some("10x"),
        "kept for the fix"
    );
    assert_eq!(stored_sales(&app), (1, 0), "nothing stored");
    assert_eq!(batch(&app).len(), 1, "nothing in the batch");

    set_voucher(&mut app, "103");
    let _ = click_text(&mut app, "记录退货（回车）");
    assert_eq!(slip_error(&app), None);
    assert_shows(&app, "退货单 000002 已完成");
    assert_shows(&app, "已退 ¥2.00");
    assert_eq!(stored_sales(&app), (1, 1));
    let refund = till(&app).sale(2).expect("the refund is stored");
    assert_eq!(refund.draft.total, cny("-2.00"));
    assert_eq!(refund.draft.lines.len(), 1, "the water only");
    let row = card_row(&app, &refund);
    assert_eq!((row.kind, row.fields.receipt_no), (CardKind::Refund, Some(103)));
    assert_eq!(
        row.refers_to,
        Some(card_row(&app, &till(&app).sale(1).expect("sale 1")).id)
    );
    assert_eq!(batch(&app).len(), 2);
}

#[test]
fn a_voucher_already_in_the_batch_is_refused_and_esc_leaves_the_step() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = standalone_app(dir.path());
    open_sale_one(&mut app);
    open_step(&mut app, VOID);
    type_and_enter(&mut app, SLIP_VOUCHER_ID, "101");
    let refused = slip_error(&app).expect("refused");
    assert!(refused.starts_with("退款未完成："), "{refused}");
    assert!(
        refused.contains("凭证号 000101 已在本批次中登记"),
        "names the voucher, in Chinese: {refused}"
    );
    assert_shows(&app, &refused);
    assert_eq!(stored_sales(&app), (1, 0), "nothing stored");
    assert_eq!(batch(&app).len(), 1);
    assert_eq!(state(&app).slip.as_ref().map(|s| s.voucher.as_str()), Some("101"));

    // Esc closes the step only: the sale is still there, nothing recorded.
    deliver(&mut app, vec![key(Shortcut::Escape)]);
    assert!(state(&app).slip.is_none());
    assert!(state(&app).found.is_some(), "the sale stays looked up");
    assert_shows(&app, VOID);
    assert_eq!(stored_sales(&app), (1, 0));
}

#[test]
fn the_step_speaks_english_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = standalone_app(dir.path());
    let _ = click_text(&mut app, "English");
    deliver(&mut app, vec![key(Shortcut::Refund)]);
    type_and_enter(&mut app, refund::PIN_ID, "1234");
    type_and_enter(&mut app, LOOKUP_ID, "1");
    open_step(&mut app, "Void the whole card sale (reversal)");
    assert_shows(
        &app,
        "Void (撤销) the card payment of ¥5.50 on 柜台POS first, then type the void slip's voucher number.",
    );
    assert_shows(&app, "Void slip voucher no.");
    let _ = click_text(&mut app, "Cancel (Esc)");
    assert!(state(&app).slip.is_none());
    let _ = click_text(&mut app, "Refund");
    assert_shows(
        &app,
        "Refund (退货) ¥5.50 on 柜台POS first, then type the refund slip's voucher number.",
    );
    assert_shows(&app, "Refund slip voucher no.");
    type_and_enter(&mut app, SLIP_VOUCHER_ID, "");
    assert_shows(&app, "The slip prints a voucher number: type it");
}
