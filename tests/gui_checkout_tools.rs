//! Headless tests of the checkout's tools: quick keys, discounts with a manager's PIN, the
//! line-removal rule, park and recall (see `ui_harness` for how the app is driven).

mod ui_harness;

use iced::keyboard::Key;
use iced::keyboard::key::Named;
use iced_test::selector;
use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::config::Config;
use tillguard::store::Store;
use tillguard::till::Till;
use tillguard::ui::keys::Shortcut;
use tillguard::ui::screen::checkout::{
    DISCOUNT_REASON_ID, DISCOUNT_VALUE_ID, Field, Message as CheckoutMessage, PIN_ID, Panel, SCAN_ID, ToolMessage,
};
use tillguard::ui::{App, Message, TerminalSetup};
use ui_harness::*;

/// The demo manager's name and PIN (a demo user).
fn manager_name() -> String {
    MANAGER.0.to_string()
}

fn press(app: &mut App, shortcut: Shortcut) {
    deliver(app, vec![key(shortcut)]);
}

fn tool(app: &mut App, message: ToolMessage) {
    deliver(app, vec![Message::Checkout(CheckoutMessage::Tool(message))]);
}

fn line_quantities(app: &App) -> Vec<(String, i64)> {
    app.checkout()
        .cart()
        .lines()
        .iter()
        .map(|l| (l.sku.clone(), l.quantity))
        .collect()
}

fn total(app: &App) -> String {
    app.checkout().cart().totals().expect("totals").total.plain()
}

/// A demo till whose `[sale]` rules are changed, at the checkout with the cashier logged in.
fn app_with(configure: impl FnOnce(&mut Config)) -> App {
    let mut config = Config::demo();
    configure(&mut config);
    let store = Store::open_in_memory(config.currency).expect("store");
    let clock = Arc::new(ManualClock::new("2025-03-14T04:00:00Z".parse().expect("time")));
    let till = Till::with_store(store, config, clock).expect("till");
    let no_terminal = TerminalSetup {
        spec: None,
        data_dir: std::env::temp_dir(),
        think_time: std::time::Duration::ZERO,
    };
    let mut app = App::new(till, no_terminal).0;
    unlock(&mut app);
    app
}

#[test]
fn a_quick_key_adds_one_like_a_scan_and_the_keyboard_stays_in_the_scan_field() {
    let mut app = demo_app();
    // The demo catalog's tabs, and the first tab's keys with their prices.
    for tab in ["饮料", "食品", "日用", "服务"] {
        assert_shows(&app, tab);
    }
    assert_shows(&app, "¥3.50");
    assert!(
        all_texts(&app)
            .iter()
            .any(|t| t.contains("F5 折扣") && t.contains("F3 挂单"))
    );

    click_id(&mut app, "quick-DRK-001");
    click_id(&mut app, "quick-DRK-001");
    assert_eq!(line_quantities(&app), [("DRK-001".to_string(), 2)]);
    assert_eq!(app.checkout().focus(), Field::Scan);
    assert_shows(&app, "合计 ¥7.00");

    // Another tab, another key; a scan still goes on the same cart.
    click_id(&mut app, "quick-tab-1");
    click_id(&mut app, "quick-FOD-001");
    type_and_enter(&mut app, SCAN_ID, WATER);
    assert_eq!(
        line_quantities(&app),
        [("DRK-001".to_string(), 2), ("FOD-001".into(), 1), ("DRK-002".into(), 1)]
    );
    assert_shows(&app, "合计 ¥12.20");
    assert_eq!(error_line(&app), None);
}

#[test]
fn a_cashier_discounts_up_to_the_limit_and_a_manager_pin_approves_more() {
    let mut app = demo_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    type_and_enter(&mut app, SCAN_ID, WATER);
    press(&mut app, Shortcut::SelectPrevious); // the cola line

    // F5, 10, Enter, reason 1, Enter: within the cashier's 10 %.
    press_key(&mut app, Named::F5);
    assert!(matches!(app.checkout().panel(), Some(Panel::Discount(_))));
    assert_eq!(app.checkout().focus(), Field::DiscountValue);
    type_and_enter(&mut app, DISCOUNT_VALUE_ID, "10");
    assert_eq!(app.checkout().focus(), Field::DiscountReason, "the reason comes next");
    type_and_enter(&mut app, DISCOUNT_REASON_ID, "1");
    assert!(app.checkout().panel().is_none(), "applied and closed");
    assert_eq!(app.checkout().focus(), Field::Scan);
    assert_eq!(total(&app), "5.15"); // 3.50 - 0.35 + 2.00
    assert_shows(&app, "合计 ¥5.15");
    assert_shows(&app, "单品折扣");
    assert_shows(&app, "-¥0.35");

    // 30 % on the same line: the panel asks for a manager's PIN.
    press_key(&mut app, Named::F5);
    type_and_enter(&mut app, DISCOUNT_VALUE_ID, "30");
    assert_eq!(app.checkout().focus(), Field::Pin);
    assert_shows(&app, "超过收银员折扣上限 10%：需经理输入密码批准。");
    assert_eq!(total(&app), "5.15", "nothing changes before the approval");

    // A wrong PIN is refused inline and the PIN field stays.
    type_and_enter(&mut app, PIN_ID, "0000");
    assert_shows(&app, "密码错误（再错 2 次将锁定批准）");
    assert_eq!(app.checkout().focus(), Field::Pin);
    assert_eq!(total(&app), "5.15");

    // The manager's PIN: 3.50 × 70 % = 2.45, plus 2.00.
    type_and_enter(&mut app, PIN_ID, MANAGER.1);
    assert!(app.checkout().panel().is_none());
    assert_eq!(total(&app), "4.45");
    assert_shows(&app, "合计 ¥4.45");
    let line = app.checkout().cart().lines()[0].clone();
    let discount = line.discount.expect("discount");
    assert_eq!(discount.approved_by, Some(manager_name()));
    assert!(all_texts(&app).iter().any(|t| t.contains("优惠 30% -¥1.05 · 商品破损")));

    // A sale discount by keys only: F5 steps to the sale, 5 %, reason 3 (member).
    press_key(&mut app, Named::F5); // line %
    press_key(&mut app, Named::F5); // line amount
    press_key(&mut app, Named::F5); // sale %
    assert!(
        matches!(app.checkout().panel(), Some(Panel::Discount(f)) if f.target == tillguard::till::discount::DiscountTarget::Sale)
    );
    type_and_enter(&mut app, DISCOUNT_VALUE_ID, "5");
    type_and_enter(&mut app, DISCOUNT_REASON_ID, "3");
    // 5 % of 4.45 = 0.2225 → 0.22; 4.45 - 0.22 = 4.23.
    assert_eq!(total(&app), "4.23");
    assert_shows(&app, "整单折扣 5%（会员优惠）");
    assert_shows(&app, "-¥0.22");
    assert_shows(&app, "合计 ¥4.23");
    // The totals read down: 5.50 - 1.05 - 0.22 = 4.23.
    assert_shows(&app, "¥5.50");
    assert_shows(&app, "-¥1.05");

    pay_exact_cash(&mut app);
    let sale = app.checkout().completed().expect("paid").sale.clone();
    let stored = till(&app).sale(sale.id).expect("stored");
    assert_eq!(stored.draft.total, cny("4.23"));
    assert_eq!(stored.draft.discount_total(), cny("1.27"));
    assert_eq!(
        stored.draft.lines[0].discount_reason.as_deref(),
        Some(format!("商品破损 (approved: {})", manager_name()).as_str()),
        "the approving manager is kept with the reason"
    );
    assert_eq!(stored.draft.sale_discount_reason.as_deref(), Some("会员优惠"));
}

#[test]
fn a_discount_is_taken_off_again_and_a_bad_value_stays_with_its_reason() {
    let mut app = demo_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    press_key(&mut app, Named::F5);
    type_and_enter(&mut app, DISCOUNT_VALUE_ID, "abc");
    type_and_enter(&mut app, DISCOUNT_REASON_ID, "dented");
    assert_shows(&app, "“abc”不是有效折扣：请输入不超过 100 的百分比或金额");
    assert!(
        matches!(app.checkout().panel(), Some(Panel::Discount(f)) if f.value == "abc"),
        "the typing is kept"
    );
    // Amount mode, 0.30 off the 3.50 cola (8.6 %).
    tool(
        &mut app,
        ToolMessage::Mode(tillguard::ui::screen::checkout::Mode::Amount),
    );
    tool(&mut app, ToolMessage::ValueChanged("0.30".into()));
    type_and_enter(&mut app, DISCOUNT_VALUE_ID, "");
    assert_eq!(total(&app), "3.20");
    // Esc closes a panel without changing anything; Remove discount takes it off.
    press_key(&mut app, Named::F5);
    press_key(&mut app, Named::Escape);
    assert!(app.checkout().panel().is_none());
    assert_eq!(total(&app), "3.20");
    press_key(&mut app, Named::F5);
    click_text(&mut app, "取消折扣");
    assert_eq!(total(&app), "3.50");
    assert!(app.checkout().cart().lines()[0].discount.is_none());
}

#[test]
fn a_scanner_firing_into_the_discount_field_adds_its_items() {
    let mut app = demo_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    press_key(&mut app, Named::F5);
    // Two scans in one batch, before the screen is rebuilt: both reach the cart.
    interact(&mut app, |ui| {
        ui.click(selector::id(DISCOUNT_VALUE_ID)).expect("value field");
        for code in [WATER, COLA] {
            let _ = ui.typewrite(code);
            let _ = ui.tap_key(Key::Named(Named::Enter));
        }
        Vec::new()
    });
    assert!(app.checkout().panel().is_none(), "the scan closed the panel");
    assert_eq!(
        line_quantities(&app),
        [("DRK-001".to_string(), 2), ("DRK-002".into(), 1)]
    );
    assert_eq!(app.checkout().focus(), Field::Scan);
    assert_eq!(total(&app), "9.00");
    assert!(app.checkout().cart().lines().iter().all(|l| l.discount.is_none()));
}

#[test]
fn park_with_f3_recall_the_same_lines_and_pay() {
    let mut app = demo_app();
    type_and_enter(&mut app, SCAN_ID, &format!("{COLA}x2"));
    type_and_enter(&mut app, SCAN_ID, WATER);
    let before = app.checkout().cart().clone();

    press_key(&mut app, Named::F3);
    assert!(app.checkout().cart().is_empty(), "parked");
    assert_shows(&app, "已挂单，单号 1（2 行，¥9.00）。按 F3 查看挂单。");
    let parked = till(&app).parked_sales().expect("parked");
    assert_eq!((parked.len(), parked[0].lines, parked[0].items), (1, 2, 3));
    assert_eq!(parked[0].parked_by, till(&app).cashier());

    // Another customer meanwhile.
    type_and_enter(&mut app, SCAN_ID, WATER);
    pay_exact_cash(&mut app);
    assert_eq!(till(&app).status().expect("status").sales_count, 1);

    // F3 on the empty cart lists the parked sale; Enter recalls it.
    press_key(&mut app, Named::F3);
    assert!(matches!(app.checkout().panel(), Some(Panel::Recall(_))));
    assert_shows(&app, "2 行，3 件，挂单时 ¥9.00");
    type_and_enter(&mut app, SCAN_ID, "");
    assert!(app.checkout().panel().is_none());
    assert_eq!(app.checkout().cart(), &before, "the same lines");
    assert_shows(&app, "已取回挂单 1（2 行，按当前价格）。");
    assert!(
        till(&app).parked_sales().expect("parked").is_empty(),
        "no longer parked"
    );

    // Recalling with a sale open is refused with the reason.
    press_key(&mut app, Named::F3); // parks it again
    type_and_enter(&mut app, SCAN_ID, COLA);
    let id = till(&app).parked_sales().expect("parked")[0].id;
    tool(&mut app, ToolMessage::Recall(id));
    assert_eq!(
        error_line(&app).as_deref(),
        Some("当前有未结交易：请先收款或挂单（F3），再取回挂单")
    );
    assert_eq!(till(&app).parked_sales().expect("parked").len(), 1);
    click_id(&mut app, "line-0-remove");
    tool(&mut app, ToolMessage::Park); // the Recall button with an empty cart
    assert!(all_texts(&app).iter().any(|t| t.starts_with("单号 2 · ")), "listed");
    click_id(&mut app, "parked-2");
    assert_eq!(app.checkout().cart(), &before);

    pay_exact_cash(&mut app);
    let status = till(&app).status().expect("status");
    assert_eq!((status.sales_count, status.sales_total), (2, cny("11.00")));
}

#[test]
fn with_the_rule_on_removing_a_line_asks_for_a_manager_pin() {
    let mut app = app_with(|c| c.sale.remove_line_needs_manager = true);
    type_and_enter(&mut app, SCAN_ID, COLA);
    type_and_enter(&mut app, SCAN_ID, WATER);
    click_id(&mut app, "line-0-remove");
    assert!(matches!(app.checkout().panel(), Some(Panel::Remove(_))));
    assert_eq!(app.checkout().focus(), Field::Pin);
    assert_shows(&app, "删除商品行需经理批准。");
    assert_eq!(app.checkout().cart().lines().len(), 2, "not removed yet");

    // The cashier's own PIN is no manager's.
    type_and_enter(&mut app, PIN_ID, CASHIER.1);
    assert_shows(&app, "密码错误（再错 2 次将锁定批准）");
    assert_eq!(app.checkout().cart().lines().len(), 2);

    type_and_enter(&mut app, PIN_ID, MANAGER.1);
    assert!(app.checkout().panel().is_none());
    assert_eq!(line_quantities(&app), [("DRK-002".to_string(), 1)]);
    assert_shows(&app, &format!("已删除 可乐 330ml（{} 批准）", manager_name()));
    assert_eq!(app.checkout().focus(), Field::Scan);

    // Without the rule a line goes at once.
    let mut free = demo_app();
    type_and_enter(&mut free, SCAN_ID, COLA);
    click_id(&mut free, "line-0-remove");
    assert!(free.checkout().cart().is_empty() && free.checkout().panel().is_none());
}
