//! The card terminal cannot be reached: the checkout offers cash instead, or a card payment
//! the customer made on another (standalone) card device, entered in a small form. Driven
//! through the shared harness (see `ui_harness`); the terminal is a serial port that does not
//! exist, so connecting fails before anything is asked of it.

mod ui_harness;

use iced::keyboard::key::Named;
use std::sync::Arc;
use std::time::Duration;
use tillguard::clock::ManualClock;
use tillguard::sale::PaymentMethod;
use tillguard::terminal::spec::TerminalSpec;
use tillguard::till::Till;
use tillguard::ui::app::Screen;
use tillguard::ui::keys::Shortcut;
use tillguard::ui::screen::checkout::{CASH_ID, Field, MANUAL_AUTH_ID, MANUAL_LAST4_ID, Manual, SCAN_ID};
use tillguard::ui::screen::refund::{LOOKUP_ID, PIN_ID};
use tillguard::ui::{App, TerminalSetup};
use ui_harness::*;

const PAY_CARD: &str = "刷卡（F11）";
const CASH_INSTEAD: &str = "改收现金";
const OTHER_DEVICE: &str = "已在其他刷卡机刷卡";

/// A demo till whose terminal is unreachable, with the demo cashier logged in.
fn unreachable_app() -> App {
    let noon = "2025-03-14T04:00:00Z".parse().expect("timestamp");
    let till = Till::open_demo_in_memory(Arc::new(ManualClock::new(noon))).expect("demo till opens");
    let setup = TerminalSetup {
        spec: Some(TerminalSpec::Serial {
            path: "/dev/tillguard-no-such-port".into(),
            baud: 9600,
        }),
        data_dir: std::env::temp_dir(),
        think_time: Duration::ZERO,
    };
    let mut app = App::new(till, setup).0;
    unlock(&mut app);
    app
}

/// F11's button, then the card job run to its end: the terminal is not there.
fn card_fails(app: &mut App) {
    let job = click_text(app, PAY_CARD).expect("paying by card starts a terminal job");
    deliver(app, job.run_here());
    assert!(app.till().is_some(), "the till is back at the desk");
}

fn manual(app: &App) -> Option<Manual> {
    app.checkout().manual().cloned()
}

#[test]
fn an_unreachable_terminal_offers_a_card_paid_on_another_device() {
    let mut app = unreachable_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    type_and_enter(&mut app, SCAN_ID, WATER);
    card_fails(&mut app);

    let error = error_line(&app).expect("the reason is shown");
    assert!(error.starts_with("无法连接刷卡终端："), "{error}");
    assert!(error.contains("/dev/tillguard-no-such-port"), "{error}");
    assert_shows(&app, CASH_INSTEAD);
    assert_shows(&app, OTHER_DEVICE);
    assert_shows(&app, "¥5.50");
    // Nothing was asked of the terminal: no journal row, nothing in doubt.
    let status = till(&app).status().expect("status");
    assert_eq!((status.card_in_doubt.count, status.sales_count), (0, 0));
    assert!(till(&app).store().unresolved_cards().expect("journal").is_empty());

    let _ = click_text(&mut app, OTHER_DEVICE);
    let Some(Manual::Form(form)) = manual(&app) else {
        panic!("the form opens: {:?}", manual(&app))
    };
    assert_eq!(form.amount, "5.50", "prefilled with the card part");
    assert_shows(&app, "授权码");
    assert_shows(&app, "卡号后四位（可不填）");

    // A code too short and three digits for the last four: each error under its field.
    type_and_enter(&mut app, MANUAL_LAST4_ID, "424");
    type_and_enter(&mut app, MANUAL_AUTH_ID, "1");
    assert_shows(&app, "授权码应为 2 至 12 位字母或数字（见签购单）");
    assert_shows(&app, "须为 4 位数字，或留空");
    assert_eq!(till(&app).status().expect("status").sales_count, 0, "nothing sold");

    // Completed, Enter records the sale.
    type_and_enter(&mut app, MANUAL_LAST4_ID, "2");
    type_and_enter(&mut app, MANUAL_AUTH_ID, "23456");
    assert_eq!(error_line(&app), None);
    let done = app.checkout().completed().expect("sale completed").clone();
    let stored = till(&app).sale(done.sale.id).expect("stored");
    let [p] = stored.draft.payments.as_slice() else {
        panic!("one payment: {:?}", stored.draft.payments)
    };
    assert_eq!((p.method, p.amount), (PaymentMethod::ManualCard, cny("5.50")));
    let entry = p.manual.as_ref().expect("entry");
    assert_eq!(
        (entry.auth_code.as_deref(), entry.last4.as_deref()),
        (Some("123456"), Some("4242"))
    );
    assert!(done.receipt.contains("银行卡（手工）授权码 123456"), "{}", done.receipt);
    assert_eq!(manual(&app), None, "the form is gone with the sale");
    assert_shows(&app, "今日 1 笔，¥5.50");
}

#[test]
fn esc_leaves_the_form_and_cash_instead_takes_the_sale_in_cash() {
    let mut app = unreachable_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    card_fails(&mut app);
    let _ = click_text(&mut app, OTHER_DEVICE);
    assert!(matches!(manual(&app), Some(Manual::Form(_))));

    // Esc: back to the tender with the cart, nothing recorded.
    press_key(&mut app, Named::Escape);
    assert_eq!(manual(&app), None);
    assert_shows(&app, PAY_CARD);
    assert_eq!(app.checkout().cart().lines().len(), 1);

    // The card fails again; this time the cashier takes cash.
    card_fails(&mut app);
    let _ = click_text(&mut app, CASH_INSTEAD);
    assert_eq!(manual(&app), None);
    assert_eq!(error_line(&app), None);
    assert_eq!(app.checkout().focus(), Field::Cash, "the keyboard is in the cash field");
    let _ = pay_exact_cash(&mut app);
    let done = app.checkout().completed().expect("paid in cash").clone();
    assert_eq!(done.sale.draft.payments[0].method, PaymentMethod::Cash);
    assert_eq!(done.sale.draft.total, cny("3.50"));
}

#[test]
fn cash_typed_first_pays_part_and_the_other_device_the_rest() {
    let mut app = unreachable_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    type_and_enter(&mut app, SCAN_ID, WATER);
    type_only(&mut app, CASH_ID, "2");
    card_fails(&mut app);
    assert_eq!(
        manual(&app),
        Some(Manual::Offer {
            card_amount: cny("3.50")
        })
    );
    let _ = click_text(&mut app, OTHER_DEVICE);
    type_and_enter(&mut app, MANUAL_AUTH_ID, "a1b2c3");
    let done = app.checkout().completed().expect("split sale").clone();
    let paid: Vec<(PaymentMethod, String)> = done
        .sale
        .draft
        .payments
        .iter()
        .map(|p| (p.method, p.amount.plain()))
        .collect();
    assert_eq!(
        paid,
        [
            (PaymentMethod::Cash, "2.00".to_string()),
            (PaymentMethod::ManualCard, "3.50".to_string())
        ]
    );
}

#[test]
fn a_manual_card_sale_is_refunded_on_the_other_device_without_the_terminal() {
    let mut app = unreachable_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    card_fails(&mut app);
    let _ = click_text(&mut app, OTHER_DEVICE);
    type_and_enter(&mut app, MANUAL_AUTH_ID, "654321");
    let sale = app.checkout().completed().expect("sold").sale.id;

    deliver(&mut app, vec![key(Shortcut::Refund)]);
    // Refunds need a manager: the demo manager's PIN opens the screen for the cashier.
    type_and_enter(&mut app, PIN_ID, MANAGER.1);
    type_and_enter(&mut app, LOOKUP_ID, &sale.to_string());
    let Screen::Refund(state) = app.screen() else {
        panic!("F6 opens the refund screen")
    };
    assert_eq!(
        state.method,
        Some(PaymentMethod::ManualCard),
        "back the way it was paid"
    );
    // The screen offers the other device (its radio button), not the terminal.
    assert_eq!(
        state.found.as_ref().map(|f| (f.by_card, f.by_manual_card)),
        Some((false, true))
    );
    // No terminal job starts: the refund is recorded at once.
    assert!(click_text(&mut app, "确认退款").is_none());
    let Screen::Refund(state) = app.screen() else {
        panic!("still on the refund screen")
    };
    assert_eq!(state.error, None);
    let (refund, _) = state.done.clone().expect("refund recorded");
    let [p] = refund.draft.payments.as_slice() else {
        panic!("{:?}", refund.draft.payments)
    };
    assert_eq!((p.method, p.amount), (PaymentMethod::ManualCard, cny("-3.50")));
    assert!(till(&app).store().unresolved_cards().expect("journal").is_empty());
}
