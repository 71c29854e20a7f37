//! A till whose card terminal is standalone (no cable): the Card tender opens a form where the
//! cashier types the terminal's slip, and the till records it as an approved card payment of
//! that terminal's batch. Driven through the shared harness (see `ui_harness`).

mod ui_harness;

use iced::keyboard::key::Named;
use iced::{Point, mouse};
use iced_test::selector;
use std::sync::Arc;
use std::time::Duration;
use tillguard::clock::ManualClock;
use tillguard::sale::{PaymentMethod, PaymentState, SaleRecord, Scheme};
use tillguard::store::Store;
use tillguard::till::Till;
use tillguard::ui::keys::Shortcut;
use tillguard::ui::screen::checkout::{
    self, CASH_ID, SCAN_ID, STANDALONE_LAST4_ID, STANDALONE_SCHEME_ID, STANDALONE_VOUCHER_ID, StandaloneForm,
    StandaloneMessage,
};
use tillguard::ui::{App, Message, TerminalSetup, theme};
use ui_harness::*;

const PAY_CARD: &str = "刷卡（F11）";
const HINT: &str = "请在 柜台POS 上刷卡，然后按签购单填写。";
const JOURNAL_NAME: &str = "standalone 柜台POS";

/// A demo catalog till whose only card terminal is a standalone one, the cashier logged in.
fn standalone_app(voucher_on_slip: bool) -> App {
    let noon = "2025-03-14T04:00:00Z".parse().expect("timestamp");
    let config = standalone_config(voucher_on_slip);
    let store = Store::open_in_memory(config.currency).expect("ledger");
    let till = Till::with_store(store, config, Arc::new(ManualClock::new(noon))).expect("till opens");
    let no_cable = TerminalSetup {
        spec: None,
        data_dir: std::env::temp_dir(),
        think_time: Duration::ZERO,
    };
    let mut app = App::new(till, no_cable).0;
    unlock(&mut app);
    app
}

fn form(app: &App) -> Option<StandaloneForm> {
    app.checkout().standalone_form().cloned()
}

/// The Card button: the form opens, and no terminal job starts.
fn open_form(app: &mut App) -> StandaloneForm {
    let job = click_text(app, PAY_CARD);
    assert!(job.is_none(), "nothing is asked of any terminal");
    form(app).unwrap_or_else(|| panic!("the form opens; error line: {:?}", error_line(app)))
}

fn set_voucher(app: &mut App, voucher: &str) {
    let change = checkout::Message::Standalone(StandaloneMessage::VoucherChanged(voucher.into()));
    deliver(app, vec![Message::Checkout(change)]);
}

fn sales_count(app: &App) -> u64 {
    till(app).status().expect("status").sales_count
}

fn completed(app: &App) -> SaleRecord {
    app.checkout()
        .completed()
        .unwrap_or_else(|| panic!("sale completed; form: {:?}", form(app)))
        .sale
        .clone()
}

#[test]
fn the_slip_typed_in_records_an_approved_card_payment_of_the_terminal() {
    let mut app = standalone_app(true);
    type_and_enter(&mut app, SCAN_ID, COLA);
    type_and_enter(&mut app, SCAN_ID, WATER);
    let opened = open_form(&mut app);
    assert_eq!(opened.amount, "5.50", "prefilled with what is due");
    assert_shows(&app, HINT);
    assert_shows(&app, "凭证号");
    assert_shows(&app, "卡号后四位（可不填）");
    assert_shows(&app, "卡组织（可不填）");

    type_only(&mut app, STANDALONE_VOUCHER_ID, "000123");
    type_and_enter(&mut app, STANDALONE_LAST4_ID, "1234");
    let sale = completed(&app);
    assert_eq!(form(&app), None, "the form is gone with the sale");
    assert!(app.checkout().cart().is_empty(), "a new cart");

    let stored = till(&app).sale(sale.id).expect("stored");
    let [p] = stored.draft.payments.as_slice() else {
        panic!("one payment: {:?}", stored.draft.payments)
    };
    assert_eq!(
        (p.method, p.state, p.amount),
        (PaymentMethod::Card, PaymentState::Approved, cny("5.50"))
    );
    let card = p.card.as_ref().expect("card details");
    assert_eq!(card.receipt_no, Some(123));
    assert_eq!(card.pan.as_deref(), Some("****1234"));
    let row = till(&app).store().card(card.journal_id).expect("journal").expect("row");
    assert_eq!(row.fields.receipt_no, Some(123));
    assert_eq!(row.terminal, JOURNAL_NAME);
    assert_eq!(row.sale_id, Some(sale.id));
    assert_eq!(row.fields.terminal_id.as_deref(), Some("12345678"));
    let receipt = &app.checkout().completed().expect("done").receipt;
    assert!(
        receipt.contains("终端凭证号 123") && receipt.contains("****1234"),
        "{receipt}"
    );

    assert_shows(&app, "今日 1 笔，¥5.50");
}

#[test]
fn a_voucher_already_in_the_batch_is_refused_and_nothing_is_stored() {
    let mut app = standalone_app(true);
    type_and_enter(&mut app, SCAN_ID, COLA);
    open_form(&mut app);
    type_and_enter(&mut app, STANDALONE_VOUCHER_ID, "000123");
    completed(&app);

    type_and_enter(&mut app, SCAN_ID, WATER);
    open_form(&mut app);
    type_and_enter(&mut app, STANDALONE_VOUCHER_ID, "123");
    let refused = form(&app)
        .and_then(|f| f.refused)
        .expect("the till's refusal under the form");
    assert!(refused.starts_with("未收款："), "{refused}");
    assert!(
        refused.contains("凭证号 000123 已在本批次中登记"),
        "names the voucher, in Chinese: {refused}"
    );
    assert_shows(&app, &refused);
    assert_eq!(sales_count(&app), 1, "nothing stored");
    assert!(app.checkout().completed().is_none());
    assert_eq!(
        form(&app).map(|f| f.voucher),
        Some("123".into()),
        "the typed voucher is kept"
    );
    assert_eq!(app.checkout().cart().lines().len(), 1, "the cart is kept");

    // The cashier corrects the typo: the sale is recorded.
    set_voucher(&mut app, "124");
    let _ = click_text(&mut app, "记录刷卡（回车）");
    let sale = completed(&app);
    assert_eq!(
        sale.draft.payments[0].card.as_ref().and_then(|c| c.receipt_no),
        Some(124)
    );
    assert_eq!(sales_count(&app), 2);
}

#[test]
fn letters_in_the_voucher_or_last_four_are_shown_under_their_fields() {
    let mut app = standalone_app(true);
    type_and_enter(&mut app, SCAN_ID, COLA);
    open_form(&mut app);
    // Enter with nothing typed: the slip prints a voucher number.
    type_and_enter(&mut app, STANDALONE_VOUCHER_ID, "");
    assert_shows(&app, "签购单上有凭证号，请填写");

    type_only(&mut app, STANDALONE_LAST4_ID, "12x4");
    type_and_enter(&mut app, STANDALONE_VOUCHER_ID, "12AB");
    let f = form(&app).expect("the form stays");
    assert_eq!(f.voucher_error.as_deref(), Some("凭证号为 1 至 9 位数字（见签购单）"));
    assert_eq!(f.last4_error.as_deref(), Some("须为 4 位数字，或留空"));
    assert_shows(&app, "凭证号为 1 至 9 位数字（见签购单）");
    assert_eq!(
        (f.voucher.as_str(), f.last4.as_str()),
        ("12AB", "12x4"),
        "kept for the fix"
    );
    assert_eq!(sales_count(&app), 0, "nothing stored");
    assert!(till(&app).store().unresolved_cards().expect("journal").is_empty());
    // Every error showing, the buttons are still on screen.
    let _ = click_text(&mut app, "取消（Esc）");
    assert_eq!(form(&app), None);
}

#[test]
fn a_cart_changed_under_the_form_offers_the_new_amount_first() {
    let mut app = standalone_app(true);
    type_and_enter(&mut app, SCAN_ID, COLA);
    open_form(&mut app);
    // The next item is scanned while the form is open.
    type_and_enter(&mut app, SCAN_ID, WATER);
    type_and_enter(&mut app, STANDALONE_VOUCHER_ID, "55");
    let f = form(&app).expect("the form stays");
    assert_eq!(f.amount, "5.50", "the new card part");
    assert_eq!(
        f.amount_error.as_deref(),
        Some("购物车已变动，刷卡金额现为 ¥5.50，请核对后再次确认。")
    );
    assert_eq!(sales_count(&app), 0, "nothing stored");

    // The card takes part of it; the rest is cash, exact.
    let change = checkout::Message::Standalone(StandaloneMessage::AmountChanged("5.00".into()));
    deliver(&mut app, vec![Message::Checkout(change)]);
    type_and_enter(&mut app, STANDALONE_VOUCHER_ID, "");
    let paid: Vec<(PaymentMethod, String)> = completed(&app)
        .draft
        .payments
        .iter()
        .map(|p| (p.method, p.amount.plain()))
        .collect();
    assert_eq!(
        paid,
        vec![
            (PaymentMethod::Cash, "0.50".to_string()),
            (PaymentMethod::Card, "5.00".to_string())
        ]
    );
}

#[test]
fn esc_and_cancel_go_back_to_the_cart() {
    let mut app = standalone_app(true);
    type_and_enter(&mut app, SCAN_ID, COLA);
    open_form(&mut app);
    press_key(&mut app, Named::Escape);
    assert_eq!(form(&app), None);
    assert_shows(&app, PAY_CARD);
    assert_eq!(app.checkout().cart().lines().len(), 1);

    // F11 opens it too; Cancel closes it.
    deliver(&mut app, vec![key(Shortcut::PayCard)]);
    assert!(form(&app).is_some(), "F11 opens the form");
    let _ = click_text(&mut app, "取消（Esc）");
    assert_eq!(form(&app), None);
    assert_eq!(app.checkout().cart().lines().len(), 1);
    assert_eq!(sales_count(&app), 0);
}

#[test]
fn cash_typed_first_pays_part_and_the_scheme_is_kept() {
    let mut app = standalone_app(true);
    type_and_enter(&mut app, SCAN_ID, COLA);
    type_and_enter(&mut app, SCAN_ID, WATER);
    type_only(&mut app, CASH_ID, "2");
    let opened = open_form(&mut app);
    assert_eq!(opened.amount, "3.50", "the card part");

    // The scheme from its pick list: "not given" first, then the schemes.
    pick_scheme(&mut app, 1);
    assert_eq!(form(&app).and_then(|f| f.scheme), Some(Scheme::UnionPay));
    type_and_enter(&mut app, STANDALONE_VOUCHER_ID, "7");
    let sale = completed(&app);
    let paid: Vec<(PaymentMethod, String)> = sale
        .draft
        .payments
        .iter()
        .map(|p| (p.method, p.amount.plain()))
        .collect();
    assert_eq!(
        paid,
        vec![
            (PaymentMethod::Cash, "2.00".to_string()),
            (PaymentMethod::Card, "3.50".to_string())
        ]
    );
    let card = sale.draft.payments[1].card.as_ref().expect("card");
    assert_eq!(card.card_type.as_deref(), Some("unionpay"));
    assert_eq!(card.receipt_no, Some(7));
}

/// Clicks the scheme list open, then its `index`th option in the menu (below the list, or
/// above when there is more room there); the simulator cannot find the menu's texts.
fn pick_scheme(app: &mut App, index: usize) {
    let options = 1 + Scheme::ALL.len();
    interact(app, |ui| {
        let list = ui
            .click(selector::id(STANDALONE_SCHEME_ID))
            .unwrap_or_else(|e| panic!("scheme list not reachable: {e}"))
            .visible_bounds()
            .expect("visible");
        // iced's menu: one row per option, as tall as a line of text and the list's padding.
        let row = theme::TEXT * 1.3 + 2.0 * 10.0;
        // The simulator's window is iced's default size.
        let height = iced::window::Settings::default().size.height;
        let below = height - (list.y + list.height) > list.y;
        let top = if below {
            list.y + list.height
        } else {
            list.y - row * options as f32
        };
        let at = Point::new(list.center_x(), top + row * (index as f32 + 0.5));
        ui.point_at(at);
        let _ = ui.simulate([
            iced::Event::Mouse(mouse::Event::CursorMoved { position: at }),
            iced::Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)),
            iced::Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)),
        ]);
        Vec::new()
    });
}

#[test]
fn a_slip_without_voucher_numbers_takes_an_optional_reference() {
    let mut app = standalone_app(false);
    type_and_enter(&mut app, SCAN_ID, COLA);
    open_form(&mut app);
    assert_shows(&app, "参考号（可不填）");
    type_and_enter(&mut app, STANDALONE_VOUCHER_ID, "x");
    assert_eq!(
        form(&app).and_then(|f| f.voucher_error).as_deref(),
        Some("参考号为 2 至 20 位字母或数字，或留空")
    );
    set_voucher(&mut app, "");
    type_and_enter(&mut app, STANDALONE_VOUCHER_ID, "");
    let sale = completed(&app);
    let card = sale.draft.payments[0].card.as_ref().expect("card");
    assert_eq!(card.receipt_no, None);
    assert_eq!(sale.draft.payments[0].state, PaymentState::Approved);
}

#[test]
fn the_form_speaks_english_too() {
    let mut app = standalone_app(true);
    let _ = click_text(&mut app, "English");
    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = click_text(&mut app, "Card (F11)");
    assert!(job.is_none());
    assert_shows(&app, "Take the payment on 柜台POS, then type what its slip says.");
    assert_shows(&app, "Voucher no.");
    assert_shows(&app, "Card scheme (optional)");
    type_and_enter(&mut app, STANDALONE_VOUCHER_ID, "12AB");
    assert_shows(&app, "The voucher number is 1 to 9 digits, as the slip prints it");
}
