//! The refund screen: find a sale by its number or its receipt code, give back some of it in
//! cash, to the card through the (simulated) terminal, or void a card sale.

mod ui_harness;

use std::time::Duration;
use tillguard::ui::app::Screen;
use tillguard::ui::keys::Shortcut;
use tillguard::ui::screen::checkout::SCAN_ID;
use tillguard::ui::screen::refund::{self, LOOKUP_ID};
use tillguard::ui::{App, Message};

use ui_harness::*;

/// F6, then the demo manager's PIN (the demo cashier is logged in; refunds need a manager).
fn open_refund(app: &mut App) {
    deliver(app, vec![key(Shortcut::Refund)]);
    assert!(matches!(app.screen(), Screen::Refund(_)), "F6 opens the refund screen");
    assert_shows(app, "退款和撤销需要经理：请输入经理 PIN。");
    type_and_enter(app, refund::PIN_ID, "1234");
    assert!(refund_state(app).gate.is_none(), "{:?}", refund_state(app).gate);
}

#[test]
fn a_cashier_meets_the_manager_prompt_and_cannot_get_past_it() {
    let mut app = demo_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    pay_exact_cash(&mut app);
    deliver(&mut app, vec![key(Shortcut::Refund)]);
    // The cashier's own PIN is not a manager's: refused, the prompt stays.
    type_and_enter(&mut app, refund::PIN_ID, "1111");
    let gate = refund_state(&app).gate.clone().expect("still asking");
    assert!(gate.1.is_some_and(|e| e.contains("PIN")), "says why");
    // Nothing behind the prompt answers: the sale cannot be looked up, let alone refunded.
    deliver(
        &mut app,
        vec![Message::Refund(refund::Message::LookupChanged("1".into()))],
    );
    deliver(&mut app, vec![Message::Refund(refund::Message::LookupSubmitted)]);
    assert!(refund_state(&app).found.is_none());
    let events = till(&app).store().audit_tail(5).expect("audit");
    assert!(
        events.iter().any(|e| e.kind == "manager_pin"),
        "the wrong PIN is audited: {events:?}"
    );
}

fn refund_state(app: &App) -> &refund::State {
    match app.screen() {
        Screen::Refund(state) => state,
        _ => panic!("not on the refund screen"),
    }
}

/// Runs a terminal job and hands every message back.
fn run(app: &mut App, job: Option<tillguard::ui::job::Job<Message>>) {
    let messages = job.expect("a terminal job").run_here();
    deliver(app, messages);
}

#[test]
fn a_scanned_receipt_code_finds_the_sale_and_one_unit_goes_back_in_cash() {
    let mut app = demo_app();
    type_and_enter(&mut app, SCAN_ID, &format!("{COLA}x2"));
    type_and_enter(&mut app, SCAN_ID, WATER);
    pay_exact_cash(&mut app);
    assert_eq!(till(&app).status().expect("status").sales_total, cny("9.00"));

    open_refund(&mut app);
    type_and_enter(&mut app, LOOKUP_ID, "garbage");
    assert!(
        refund_state(&app)
            .error
            .as_deref()
            .is_some_and(|e| e.contains("不是单号")),
        "{:?}",
        refund_state(&app).error
    );
    type_and_enter(&mut app, LOOKUP_ID, "999");
    assert!(refund_state(&app).error.is_some(), "no such sale");

    // The code a scanner reads from the receipt's QR.
    type_and_enter(&mut app, LOOKUP_ID, "TGS00000001");
    assert_eq!(refund_state(&app).error, None);
    assert_shows(&app, "可乐 330ml");
    assert_shows(&app, "退款 ¥9.00");
    // One cola and no water go back.
    deliver(
        &mut app,
        vec![
            Message::Refund(refund::Message::Less(0)),
            Message::Refund(refund::Message::Less(1)),
        ],
    );
    assert_shows(&app, "退款 ¥3.50");
    let _ = click_text(&mut app, "确认退款");
    assert_eq!(refund_state(&app).error, None);
    assert_shows(&app, "退货单 000002 已完成");
    assert_shows(&app, "已退 ¥3.50");
    let status = till(&app).status().expect("status");
    assert_eq!((status.refunds_count, status.refunds_total), (1, cny("-3.50")));

    // Again: one cola is left; asking for more than is left is not possible.
    let _ = click_text(&mut app, "再退一笔");
    type_and_enter(&mut app, LOOKUP_ID, "1");
    assert!(
        all_texts(&app).iter().any(|t| t.contains("可退 1 件")),
        "{:?}",
        all_texts(&app)
    );
    deliver(&mut app, vec![Message::Refund(refund::Message::More(0))]);
    assert_eq!(refund_state(&app).found.as_ref().map(|f| f.lines[0].chosen), Some(1));

    // A refund cannot be refunded; Esc goes back to the checkout with its cart.
    type_and_enter(&mut app, LOOKUP_ID, "2");
    assert!(
        refund_state(&app)
            .error
            .as_deref()
            .is_some_and(|e| e.contains("退货单"))
    );
    deliver(&mut app, vec![key(Shortcut::Escape)]);
    assert!(matches!(app.screen(), Screen::Checkout));
}

#[test]
fn a_card_sale_is_refunded_to_the_card_and_another_is_voided() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = simulator_app(dir.path(), Duration::ZERO);
    for _ in 0..2 {
        type_and_enter(&mut app, SCAN_ID, COLA);
        let job = click_text(&mut app, "刷卡（F11）");
        run(&mut app, job);
        assert_eq!(error_line(&app), None);
        let _ = click_text(&mut app, "新交易");
    }
    assert_eq!(till(&app).status().expect("status").sales_count, 2);

    open_refund(&mut app);
    type_and_enter(&mut app, LOOKUP_ID, "1");
    assert_eq!(refund_state(&app).method, Some(tillguard::sale::PaymentMethod::Card));
    let job = click_text(&mut app, "确认退款");
    assert!(app.till().is_none(), "the till is with the terminal");
    assert_shows(&app, "终端处理中…");
    run(&mut app, job);
    assert_eq!(refund_state(&app).error, None);
    assert_shows(&app, "退货单 000003 已完成");
    let refund = till(&app).sale(3).expect("refund stored");
    assert!(refund.draft.payments[0].card.is_some(), "money back to the card");

    let _ = click_text(&mut app, "再退一笔");
    type_and_enter(&mut app, LOOKUP_ID, "2");
    let job = click_text(&mut app, "撤销整笔刷卡交易（冲正）");
    run(&mut app, job);
    assert_eq!(refund_state(&app).error, None);
    assert_shows(&app, "退货单 000004 已完成");
    let void = till(&app).sale(4).expect("void stored");
    assert_eq!(void.draft.total, cny("-3.50"));
}
