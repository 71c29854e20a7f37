//! Headless checkout tests (see `ui_harness` for how the app is driven without a window).

mod ui_harness;

use iced::Font;
use iced::keyboard::Key;
use iced::keyboard::key::Named;
use iced_test::Simulator;
use iced_test::selector;
use tillguard::ui::screen::checkout::{CASH_ID, RECEIPT_ID, SCAN_ID};
use tillguard::ui::theme;
use tillguard::ui::widget::segments;
use ui_harness::*;

#[test]
fn scan_two_items_raise_a_quantity_pay_cash_and_see_the_receipt() {
    let mut app = demo_app();
    assert_shows(&app, "演示模式");
    assert_shows(&app, "今日 0 笔，¥0.00");
    let day = till(&app).status().expect("status").business_day;
    assert_shows(&app, &format!("营业日 {day}"));

    type_and_enter(&mut app, SCAN_ID, COLA);
    type_and_enter(&mut app, SCAN_ID, WATER);
    assert_eq!(error_line(&app), None);
    assert_shows(&app, "可乐 330ml");
    assert_shows(&app, "矿泉水 550ml");
    assert_shows(&app, "合计 ¥5.50");

    click_id(&mut app, "line-0-plus");
    assert_shows(&app, "2"); // cola quantity
    assert_shows(&app, "¥7.00"); // cola line total
    assert_shows(&app, "合计 ¥9.00");
    // 9.00 tax-inclusive at 13 %: 9.00 × 13 / 113 = 1.035… → 1.04
    assert_shows(&app, "含税 13%");
    assert_shows(&app, "¥1.04");

    // Typing the cash shows the change before anything is committed.
    type_only(&mut app, CASH_ID, "20");
    assert_shows(&app, "找零 ¥11.00");
    assert_eq!(
        till(&app).status().expect("status").sales_count,
        0,
        "nothing is sold before paying"
    );

    // Enter in the cash field pays.
    type_and_enter(&mut app, CASH_ID, "");
    assert_eq!(error_line(&app), None);
    let status = till(&app).status().expect("status");
    assert_eq!(status.sales_count, 1, "the sale is in the ledger");
    assert_eq!(status.sales_total, cny("9.00"));
    assert_shows(&app, "找零 ¥11.00");
    assert_shows(&app, "今日 1 笔，¥9.00");

    // The receipt preview is visible and is the receipt of the sale as stored.
    let mut ui = Simulator::with_settings(settings(), app.view());
    let panel = ui.find(selector::id(RECEIPT_ID)).expect("receipt preview shown");
    assert!(
        panel.visible_bounds().is_some_and(|b| b.height > 100.0),
        "receipt panel is visible: {panel:?}"
    );
    drop(ui);
    let sale_id = {
        let state = app.checkout();
        state.completed().expect("completed sale").sale.id
    };
    let stored = till(&app).sale(sale_id).expect("sale stored");
    assert_eq!(stored.draft.total, cny("9.00"));
    assert_eq!(stored.draft.change(), cny("11.00"));
    // The preview shows the stored sale's receipt, piece by piece in order (the pieces are
    // pinned to their columns; see `ui::widget::monospace_block`).
    let receipt = till(&app).receipt_text(&stored);
    assert!(receipt.contains("可乐 330ml") && receipt.contains("11.00"), "{receipt}");
    let expected: Vec<String> = receipt.lines().flat_map(segments).map(|(_, piece)| piece).collect();
    let on_screen = all_texts(&app);
    let mut rest = on_screen.iter();
    for piece in &expected {
        assert!(
            rest.any(|t| t == piece),
            "receipt piece {piece:?} not on screen in order; screen: {on_screen:?}"
        );
    }

    // New sale clears the panel; the cart is empty.
    click_text(&mut app, "新交易");
    assert_shows(&app, "购物车为空，请扫码开始。");
    // The preview is gone (the name itself stays on screen on its quick key).
    let mut ui = Simulator::with_settings(settings(), app.view());
    assert!(ui.find(selector::id(RECEIPT_ID)).is_err(), "receipt gone");
    drop(ui);
    assert!(
        !all_texts(&app).iter().any(|t| t.contains("11.00")),
        "the change is no longer shown"
    );
}

#[test]
fn unknown_text_offers_a_name_search_and_bad_input_names_the_problem() {
    let mut app = demo_app();

    // Not a code: the products whose names match are offered as buttons.
    type_and_enter(&mut app, SCAN_ID, "奶");
    assert_shows(&app, "与“奶”匹配的商品（点击添加）");
    click_text(&mut app, "纯牛奶 250ml  ¥3.20");
    assert_shows(&app, "纯牛奶 250ml");
    assert_shows(&app, "合计 ¥3.20");

    // CODExQTY adds several at once.
    type_and_enter(&mut app, SCAN_ID, &format!("{WATER}x3"));
    assert_shows(&app, "合计 ¥9.20");

    // A mistyped EAN (bad check digit) is refused with the reason.
    type_and_enter(&mut app, SCAN_ID, "2000000010107");
    let error = error_line(&app).expect("error shown");
    assert!(
        error.contains("2000000010107") && error.contains("校验位错误"),
        "{error}"
    );
    assert_shows(&app, &error);

    // Esc (captured by the text field, still seen by the shortcut filter) clears the error.
    press_key(&mut app, Named::Escape);
    assert_eq!(error_line(&app), None);

    // Too little cash: the sale is refused, nothing is stored, the reason is on screen.
    type_only(&mut app, CASH_ID, "5");
    assert_shows(&app, "还差 ¥4.20");
    click_text(&mut app, "收款（F12）");
    let error = error_line(&app).expect("error shown");
    assert!(error.contains("现金 5.00 少于应收 9.20"), "{error}");
    assert_eq!(till(&app).status().expect("status").sales_count, 0);

    // Not an amount at all.
    type_and_enter(&mut app, CASH_ID, "abc");
    let error = error_line(&app).expect("error shown");
    assert!(error.contains("abc”不是金额"), "{error}");
    assert_eq!(till(&app).status().expect("status").sales_count, 0);
}

#[test]
fn keyboard_only_sale_with_plus_key_and_f12() {
    let mut app = demo_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    // "+" typed into the (empty) barcode field raises the selected line.
    type_only(&mut app, SCAN_ID, "+");
    type_only(&mut app, SCAN_ID, "+");
    assert_shows(&app, "合计 ¥10.50");
    type_only(&mut app, SCAN_ID, "-");
    assert_shows(&app, "合计 ¥7.00");

    // Quick-cash button fills the cash field, F12 pays.
    click_text(&mut app, "¥10.00");
    assert_shows(&app, "找零 ¥3.00");
    press_key(&mut app, Named::F12);
    let status = till(&app).status().expect("status");
    assert_eq!((status.sales_count, status.sales_total), (1, cny("7.00")));
    assert_shows(&app, "找零 ¥3.00");

    // F12 again on the finished sale does not raise an error or sell twice.
    press_key(&mut app, Named::F12);
    assert_eq!(error_line(&app), None);
    assert_eq!(till(&app).status().expect("status").sales_count, 1);

    // Scanning straight away starts the next sale, even if a click left no field focused:
    // keys that reach no widget are handed to the barcode field.
    scan_unfocused(&mut app, WATER);
    assert_eq!(error_line(&app), None);
    assert_shows(&app, "合计 ¥2.00");
    assert!(
        !all_texts(&app).iter().any(|t| t.contains("找零")),
        "the finished sale's panel is gone"
    );
}

#[test]
fn bundled_font_carries_the_family_name_the_app_asks_for() {
    // Guards the promise that the UI renders without system fonts: the family name the app
    // asks for must be the one inside the bundled file.
    let _ = settings();
    let family = Font::with_name("Noto Sans CJK SC");
    assert_eq!(theme::UI_FONT, family);
    let bytes = theme::UI_FONT_BYTES;
    let needle: Vec<u8> = "Noto Sans CJK SC".encode_utf16().flat_map(u16::to_be_bytes).collect();
    assert!(
        bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
        "family name in the font's name table"
    );
}

#[test]
fn scans_that_arrive_before_the_screen_is_rebuilt_are_all_counted() {
    // One simulator = one view: like a batch of key events iced delivers to the widgets of
    // the last view when the UI thread was busy (e.g. committing the previous sale).
    let mut app = demo_app();
    interact(&mut app, |ui| {
        ui.click(selector::id(SCAN_ID)).expect("scan field visible");
        for code in [COLA, WATER, COLA, &format!("{WATER}x2")] {
            let _ = ui.typewrite(code);
            let _ = ui.tap_key(Key::Named(Named::Enter));
        }
        Vec::new()
    });
    assert_eq!(error_line(&app), None);
    let quantities: Vec<i64> = {
        let state = app.checkout();
        state.cart().lines().iter().map(|l| l.quantity).collect()
    };
    assert_eq!(quantities, [2, 3], "cola twice, water once plus twice");
    assert_shows(&app, "合计 ¥13.00");
}

#[test]
fn the_language_switches_live_and_back_keeping_the_cart() {
    let mut app = demo_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    let _ = click_text(&mut app, "English");
    let texts = all_texts(&app);
    assert!(texts.iter().any(|t| t.starts_with("F2 scan")), "{texts:?}");
    assert_shows(&app, "中文");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Cola 330ml") || t.contains("可乐 330ml")),
        "the cart is kept: {texts:?}"
    );
    assert_eq!(app.checkout().cart().lines().len(), 1);
    let _ = click_text(&mut app, "中文");
    assert!(all_texts(&app).iter().any(|t| t.starts_with("F2 扫码")));
}
