//! Headless checkout tests: the real `App` is driven through its `view` and `update` the way
//! iced drives it. Each step builds the view in an iced_test `Simulator`, plays the user's
//! clicks and keys on it, and feeds the messages the widgets produced to `App::update`.
//!
//! What the simulator does not do: run the `Task`s `update` returns (the focus operations)
//! or the subscription. So each step clicks the field it types into, as the focus task would
//! have put the keyboard there, and key presses are passed through `ui::keys::classify` with
//! the status the widgets gave them, which is what the subscription does in the real app.

use iced::keyboard::key::{Named, NativeCode, Physical};
use iced::keyboard::{Key, Location, Modifiers};
use iced::{Font, Settings, window};
use iced_test::Simulator;
use iced_test::selector::{self, Candidate};
use std::sync::{Arc, Once};
use tillguard::clock::ManualClock;
use tillguard::money::{Currency, Money};
use tillguard::till::Till;
use tillguard::ui::screen::checkout::{CASH_ID, RECEIPT_ID, SCAN_ID};
use tillguard::ui::widget::segments;
use tillguard::ui::{App, Message, keys, theme};

const COLA: &str = "2000000010106"; // 可乐 330ml, ¥3.50, 13 %
const WATER: &str = "2000000020204"; // 矿泉水 550ml, ¥2.00, 13 %

static SETUP: Once = Once::new();

/// Settings for every simulator. The bundled font goes into iced's process-wide font system
/// once, before any simulator lays text out; loading it per simulator would pile up copies.
fn settings() -> Settings {
    SETUP.call_once(|| {
        // Software rendering: the tests need no GPU. Set inside `Once`, before any renderer
        // reads it, while every other test thread waits here.
        // SAFETY: every test calls `settings()` before anything reads the environment.
        unsafe { std::env::set_var("ICED_TEST_BACKEND", "tiny-skia") };
        for font in tillguard::ui::settings().fonts {
            iced_test::renderer::graphics::text::font_system()
                .write()
                .expect("font system lock")
                .load_font(font);
        }
    });
    Settings {
        default_font: theme::UI_FONT,
        ..Settings::default()
    }
}

fn demo_app() -> App {
    let noon = "2025-03-14T04:00:00Z".parse().expect("timestamp");
    let till = Till::open_demo_in_memory(Arc::new(ManualClock::new(noon))).expect("demo till opens");
    App::new(till).0
}

fn cny(amount: &str) -> Money {
    Money::parse(amount, Currency::CNY).expect("amount")
}

/// One round of the event loop: view, user actions, then every resulting message to update.
fn interact(app: &mut App, act: impl FnOnce(&mut Simulator<'_, Message>) -> Vec<Message>) {
    let messages: Vec<Message> = {
        let mut ui = Simulator::with_settings(settings(), app.view());
        let mut extra = act(&mut ui);
        let mut messages: Vec<Message> = ui.into_messages().collect();
        messages.append(&mut extra);
        messages
    };
    for message in messages {
        let _ = app.update(message);
    }
}

fn click_text(app: &mut App, label: &str) {
    let label = label.to_string();
    interact(app, |ui| {
        ui.click(label.as_str())
            .unwrap_or_else(|e| panic!("no clickable {label:?}: {e}"));
        Vec::new()
    });
}

fn click_id(app: &mut App, id: &'static str) {
    interact(app, |ui| {
        ui.click(selector::id(id))
            .unwrap_or_else(|e| panic!("no widget {id}: {e}"));
        Vec::new()
    });
}

/// Types into a field and presses Enter, like a USB scanner (or a cashier) does.
fn type_and_enter(app: &mut App, field: &'static str, input: &str) {
    interact(app, |ui| {
        ui.click(selector::id(field))
            .unwrap_or_else(|e| panic!("field {field} not visible: {e}"));
        let _ = ui.typewrite(input);
        let _ = ui.tap_key(Key::Named(Named::Enter));
        Vec::new()
    });
}

fn type_only(app: &mut App, field: &'static str, input: &str) {
    interact(app, |ui| {
        ui.click(selector::id(field))
            .unwrap_or_else(|e| panic!("field {field} not visible: {e}"));
        let _ = ui.typewrite(input);
        Vec::new()
    });
}

/// Key events as the real app gets them: the widgets see each event first; then the
/// subscription filter gets it with the status the widgets returned. `focused` is the field
/// the app's focus task would have focused (`None`: the keyboard is nowhere).
fn keystrokes(app: &mut App, focused: Option<&'static str>, events: Vec<iced::Event>) {
    interact(app, |ui| {
        if let Some(field) = focused {
            ui.click(selector::id(field))
                .unwrap_or_else(|e| panic!("field {field} not visible: {e}"));
        }
        let mut from_subscription = Vec::new();
        for event in events {
            let status = ui
                .simulate([event.clone()])
                .first()
                .copied()
                .unwrap_or(iced::event::Status::Ignored);
            if let Some(input) = keys::classify(event, status, window::Id::unique()) {
                from_subscription.push(Message::Checkout(tillguard::ui::screen::checkout::Message::Input(
                    input,
                )));
            }
        }
        from_subscription
    });
}

fn key_press(key: Key, text: Option<&str>) -> iced::Event {
    iced::Event::Keyboard(iced::keyboard::Event::KeyPressed {
        key: key.clone(),
        modified_key: key,
        physical_key: Physical::Unidentified(NativeCode::Unidentified),
        location: Location::Standard,
        modifiers: Modifiers::default(),
        text: text.map(Into::into),
        repeat: false,
    })
}

fn press_key(app: &mut App, named: Named) {
    keystrokes(app, Some(SCAN_ID), vec![key_press(Key::Named(named), None)]);
}

/// A scanner firing a code and Enter while no field has focus.
fn scan_unfocused(app: &mut App, code: &str) {
    let mut events: Vec<iced::Event> = code
        .chars()
        .map(|c| key_press(Key::Character(c.to_string().into()), Some(&c.to_string())))
        .collect();
    events.push(key_press(Key::Named(Named::Enter), Some("\r")));
    keystrokes(app, None, events);
}

fn shows(app: &App, text: &str) -> bool {
    Simulator::with_settings(settings(), app.view()).find(text).is_ok()
}

/// Every text on screen, in layout order.
fn all_texts(app: &App) -> Vec<String> {
    let mut texts = Vec::new();
    let mut ui = Simulator::with_settings(settings(), app.view());
    // A selector that never matches visits the whole tree; it records what it passes.
    let _ = ui.find(|candidate: Candidate<'_>| {
        if let Candidate::Text { content, .. } = candidate {
            texts.push(content.to_string());
        }
        None::<()>
    });
    drop(ui);
    texts
}

fn assert_shows(app: &App, text: &str) {
    assert!(
        shows(app, text),
        "expected {text:?} on screen; error line: {:?}",
        error_line(app)
    );
}

fn error_line(app: &App) -> Option<String> {
    match app.screen() {
        tillguard::ui::app::Screen::Checkout(state) => state.error().map(str::to_string),
    }
}

#[test]
fn scan_two_items_raise_a_quantity_pay_cash_and_see_the_receipt() {
    let mut app = demo_app();
    assert_shows(&app, "演示模式");
    assert_shows(&app, "今日 0 笔，¥0.00");
    let day = app.till().status().expect("status").business_day;
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
        app.till().status().expect("status").sales_count,
        0,
        "nothing is sold before paying"
    );

    // Enter in the cash field pays.
    type_and_enter(&mut app, CASH_ID, "");
    assert_eq!(error_line(&app), None);
    let status = app.till().status().expect("status");
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
    let sale_id = match app.screen() {
        tillguard::ui::app::Screen::Checkout(state) => state.completed().expect("completed sale").sale.id,
    };
    let stored = app.till().sale(sale_id).expect("sale stored");
    assert_eq!(stored.draft.total, cny("9.00"));
    assert_eq!(stored.draft.change(), cny("11.00"));
    // The preview shows the stored sale's receipt, piece by piece in order (the pieces are
    // pinned to their columns; see `ui::widget::monospace_block`).
    let receipt = app.till().receipt_text(&stored);
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
    assert!(
        !all_texts(&app).iter().any(|t| t.contains("可乐 330ml")),
        "receipt gone"
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
    assert_eq!(app.till().status().expect("status").sales_count, 0);

    // Not an amount at all.
    type_and_enter(&mut app, CASH_ID, "abc");
    let error = error_line(&app).expect("error shown");
    assert!(error.contains("abc”不是金额"), "{error}");
    assert_eq!(app.till().status().expect("status").sales_count, 0);
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
    let status = app.till().status().expect("status");
    assert_eq!((status.sales_count, status.sales_total), (1, cny("7.00")));
    assert_shows(&app, "找零 ¥3.00");

    // F12 again on the finished sale does not raise an error or sell twice.
    press_key(&mut app, Named::F12);
    assert_eq!(error_line(&app), None);
    assert_eq!(app.till().status().expect("status").sales_count, 1);

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
    let quantities: Vec<i64> = match app.screen() {
        tillguard::ui::app::Screen::Checkout(state) => state.cart().lines().iter().map(|l| l.quantity).collect(),
    };
    assert_eq!(quantities, [2, 3], "cola twice, water once plus twice");
    assert_shows(&app, "合计 ¥13.00");
}
