//! Logging in, locking and switching cashier, the idle lock, and managing users, in the
//! window (see `ui_harness` for how the app is driven without a window).

mod ui_harness;

use iced::keyboard::Key;
use iced::keyboard::key::Named;
use jiff::SignedDuration;
use std::sync::Arc;
use std::time::Duration;
use tillguard::clock::ManualClock;
use tillguard::config::Config;
use tillguard::store::Store;
use tillguard::terminal::spec::TerminalSpec;
use tillguard::till::Till;
use tillguard::ui::app::Screen;
use tillguard::ui::keys::Shortcut;
use tillguard::ui::screen::checkout::SCAN_ID;
use tillguard::ui::screen::login::{FIRST_AGAIN_ID, FIRST_PIN_ID, NAME_ID, PIN_ID};
use tillguard::ui::screen::users::{self, ADD_AGAIN_ID, ADD_NAME_ID, ADD_PIN_ID};
use tillguard::ui::{App, Message, TerminalSetup};
use tillguard::users::Role;
use ui_harness::*;

fn noon() -> Arc<ManualClock> {
    Arc::new(ManualClock::new("2025-03-14T04:00:00Z".parse().expect("timestamp")))
}

/// Types a PIN into the PIN field and presses Enter, as a cashier at the keyboard does.
fn type_pin(app: &mut App, pin: &str) {
    let mut events: Vec<iced::Event> = pin
        .chars()
        .map(|c| key_press(Key::Character(c.to_string().into()), Some(&c.to_string())))
        .collect();
    events.push(key_press(Key::Named(Named::Enter), Some("\r")));
    keystrokes(app, Some(PIN_ID), events);
}

fn login_error(app: &App) -> Option<String> {
    app.login_screen().and_then(|l| l.error.clone())
}

fn who(app: &App) -> Option<String> {
    app.operator().map(|o| o.name.clone())
}

#[test]
fn the_till_starts_locked_a_wrong_pin_is_refused_and_the_right_one_opens_the_checkout() {
    let mut app = demo_app_locked();
    assert!(app.is_locked());
    assert_shows(&app, "请登录");
    for name in [CASHIER.0, MANAGER.0, ADMIN.0] {
        assert_shows(&app, name);
    }
    // Demo mode says which PINs to type.
    let texts = all_texts(&app);
    assert!(
        texts
            .iter()
            .any(|t| t.contains("王芳 Wang Fang 1111") && t.contains("李经理 Manager Li 1234")),
        "{texts:?}"
    );
    assert!(
        !shows(&app, "购物车为空，请扫码开始。"),
        "nothing of the checkout shows"
    );
    // The first user is chosen; a wrong PIN on the pad is refused with the attempts left.
    assert_shows(&app, "王芳 Wang Fang 的密码");
    for key in ["9", "8", "7", "6", "确定"] {
        click_text(&mut app, key);
    }
    assert_eq!(
        login_error(&app).as_deref(),
        Some("密码错误：再错 2 次该用户将被锁定 5 分钟")
    );
    assert_shows(&app, "密码错误：再错 2 次该用户将被锁定 5 分钟");
    assert!(app.is_locked());
    assert_eq!(
        app.login_screen().map(|l| l.pin().len()),
        Some(0),
        "the PIN is not kept"
    );

    // The pad's delete key takes back a digit.
    for key in ["5", "5", "← 删除"] {
        click_text(&mut app, key);
    }
    assert_eq!(app.login_screen().map(|l| l.pin().to_string()), Some("5".into()));
    deliver(&mut app, vec![key(Shortcut::Escape)]);
    assert_eq!(app.login_screen().map(|l| l.pin().len()), Some(0), "Esc clears the PIN");

    // The keyboard: digits and Enter in the PIN field.
    type_pin(&mut app, CASHIER.1);
    assert!(!app.is_locked(), "{:?}", login_error(&app));
    assert_eq!(who(&app).as_deref(), Some(CASHIER.0));
    assert_shows(&app, "购物车为空，请扫码开始。");
    assert_shows(&app, "王芳 Wang Fang（收银员）");
    assert_shows(&app, "锁定（F7）");
    assert!(!shows(&app, "用户管理"), "cashiers do not manage users");
}

#[test]
fn three_wrong_pins_lock_the_user_and_the_screen_says_until_when() {
    let mut app = demo_app_locked();
    for _ in 0..3 {
        type_pin(&mut app, "0000");
    }
    // 04:00 UTC plus five minutes, in the demo's (the system's) time zone.
    let local = "2025-03-14T04:05:00Z"
        .parse::<jiff::Timestamp>()
        .expect("timestamp")
        .to_zoned(till(&app).config().time_zone.clone())
        .strftime("%H:%M")
        .to_string();
    let error = login_error(&app).expect("locked");
    assert_eq!(error, format!("王芳 Wang Fang 连续 3 次密码错误，已锁定至 {local}"));
    type_pin(&mut app, CASHIER.1);
    assert!(app.is_locked(), "the right PIN waits for the lock to end");
    // Another user is not locked.
    click_text(&mut app, MANAGER.0);
    type_pin(&mut app, MANAGER.1);
    assert_eq!(who(&app).as_deref(), Some(MANAGER.0));
}

#[test]
fn locking_keeps_the_cart_and_the_next_cashier_sells_under_their_own_name() {
    let mut app = demo_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    assert_shows(&app, "合计 ¥3.50");

    // F7 locks: the login screen hides the cart, which is kept.
    press_key(&mut app, Named::F7);
    assert!(app.is_locked());
    assert!(!shows(&app, "合计 ¥3.50"));
    assert_eq!(app.checkout().cart().lines().len(), 1);
    assert_eq!(till(&app).operator(), None, "nobody is logged in");
    // Whoever locked is chosen again; another user is picked with their button.
    assert_shows(&app, "王芳 Wang Fang 的密码");
    click_text(&mut app, MANAGER.0);
    type_pin(&mut app, MANAGER.1);
    assert_eq!(who(&app).as_deref(), Some(MANAGER.0));
    assert_shows(&app, "合计 ¥3.50");

    pay_exact_cash(&mut app);
    assert_eq!(error_line(&app), None);
    let sale = app.checkout().completed().expect("sold").sale.id;
    let stored = till(&app).sale(sale).expect("stored");
    assert_eq!(stored.cashier, MANAGER.0, "the sale carries the second user's name");
    assert_eq!(stored.draft.total, cny("3.50"));

    // The Lock button does the same as F7 (and Ctrl+L, see ui::keys).
    click_text(&mut app, "锁定（F7）");
    assert!(app.is_locked());
}

#[test]
fn the_till_locks_itself_after_the_idle_minutes_of_the_config() {
    let clock = noon();
    let mut app = demo_app_at(clock.clone());
    unlock(&mut app);
    clock.advance(SignedDuration::from_mins(9));
    deliver(&mut app, vec![Message::GuardTick]);
    assert!(!app.is_locked(), "9 of 10 minutes");
    // Input restarts the count.
    type_and_enter(&mut app, SCAN_ID, COLA);
    clock.advance(SignedDuration::from_mins(9));
    deliver(&mut app, vec![Message::GuardTick]);
    assert!(!app.is_locked(), "9 minutes since the scan");
    clock.advance(SignedDuration::from_secs(61));
    deliver(&mut app, vec![Message::GuardTick]);
    assert!(app.is_locked(), "10 idle minutes lock the till");
    assert_eq!(app.checkout().cart().lines().len(), 1, "the cart is kept");
    log_in(&mut app, CASHIER);
    assert_shows(&app, "合计 ¥3.50");

    // lock_after_minutes = 0: never.
    let clock = noon();
    let mut config = Config::demo();
    config.ui.lock_after_minutes = 0;
    let store = Store::open_in_memory(config.currency).expect("store");
    let till = Till::with_store(store, config, clock.clone()).expect("till");
    let no_terminal = TerminalSetup {
        spec: None,
        data_dir: std::env::temp_dir(),
        think_time: Duration::ZERO,
    };
    let mut app = App::new(till, no_terminal).0;
    unlock(&mut app);
    clock.advance(SignedDuration::from_hours(5));
    deliver(&mut app, vec![Message::GuardTick]);
    assert!(!app.is_locked());
}

#[test]
fn a_card_payment_is_never_interrupted_and_the_lock_never_hides_the_guard() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Till::open_demo_in_memory(noon()).expect("till");
    let setup = TerminalSetup {
        spec: Some(TerminalSpec::Simulator),
        data_dir: dir.path().to_path_buf(),
        think_time: Duration::ZERO,
    };
    let mut app = App::new(demo, setup).0;
    unlock(&mut app);
    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = click_text(&mut app, "刷卡（F11）").expect("card job");
    // F7 during the payment waits for the terminal; so does the idle lock.
    deliver(&mut app, vec![key(Shortcut::Lock), Message::GuardTick]);
    assert!(!app.is_locked(), "the payment goes on");
    deliver(&mut app, job.run_here());
    assert!(app.is_locked(), "locked once the terminal gave the till back");
    assert_eq!(
        till(&app).status().expect("status").sales_count,
        1,
        "the payment completed"
    );

    // Locked, the banner still shows the unsettled batch, and a close request is refused
    // with the quit dialog over the login screen.
    assert_shows(&app, "未结算刷卡批次：1 笔，¥3.50");
    deliver(&mut app, vec![Message::CloseRequested]);
    assert!(app.quit_dialog().is_some(), "the guard answers while locked");
    assert!(app.is_locked());
    assert_shows(&app, "关闭 Tillguard 前请先结算刷卡批次");
}

#[test]
fn a_manager_adds_a_cashier_who_then_logs_in() {
    let mut app = demo_app_locked();
    click_text(&mut app, MANAGER.0);
    type_pin(&mut app, MANAGER.1);
    click_text(&mut app, "用户管理");
    assert!(matches!(app.screen(), Screen::Users(_)));
    assert_shows(&app, "在职用户");

    // The fields are checked where they are: two different PINs.
    type_only(&mut app, ADD_NAME_ID, "赵敏 Zhao Min");
    type_only(&mut app, ADD_PIN_ID, "2468");
    type_only(&mut app, ADD_AGAIN_ID, "2467");
    click_text(&mut app, "添加用户");
    assert_shows(&app, "两次输入的密码不一致");
    type_only(&mut app, ADD_PIN_ID, "2468");
    type_only(&mut app, ADD_AGAIN_ID, "2468");
    click_text(&mut app, "添加用户");
    assert_shows(&app, "已添加 赵敏 Zhao Min（收银员）");
    assert!(
        till(&app)
            .users()
            .expect("users")
            .iter()
            .any(|u| u.name == "赵敏 Zhao Min")
    );

    // A manager may not add an admin: the till's reason is shown.
    deliver(
        &mut app,
        vec![
            Message::Users(users::Message::AddName("钱 Qian".into())),
            Message::Users(users::Message::AddRole(Role::Admin)),
            Message::Users(users::Message::AddPin("1357".into())),
            Message::Users(users::Message::AddAgain("1357".into())),
            Message::Users(users::Message::Add),
        ],
    );
    assert_shows(&app, "只有管理员可以添加或修改经理和管理员");
    assert!(!till(&app).users().expect("users").iter().any(|u| u.name == "钱 Qian"));

    // Esc goes back; lock; the new cashier logs in with their PIN.
    deliver(&mut app, vec![key(Shortcut::Escape)]);
    assert!(matches!(app.screen(), Screen::Checkout));
    press_key(&mut app, Named::F7);
    click_text(&mut app, "赵敏 Zhao Min");
    type_pin(&mut app, "2468");
    assert_eq!(who(&app).as_deref(), Some("赵敏 Zhao Min"));
    assert_eq!(app.operator().map(|o| o.role), Some(Role::Cashier));
}

#[test]
fn a_till_without_users_asks_for_its_first_admin() {
    let config = Config::parse("[store]\ntime_zone = \"UTC\"\n").expect("config");
    let store = Store::open_in_memory(config.currency).expect("store");
    let till = Till::with_store(store, config, noon()).expect("till");
    let no_terminal = TerminalSetup {
        spec: None,
        data_dir: std::env::temp_dir(),
        think_time: Duration::ZERO,
    };
    let mut app = App::new(till, no_terminal).0;
    assert_shows(&app, "设置第一位管理员");
    type_only(&mut app, NAME_ID, "老板 Boss");
    type_only(&mut app, FIRST_PIN_ID, "12");
    click_text(&mut app, "创建管理员并登录");
    assert_shows(&app, "密码须为 4 到 8 位数字");
    type_only(&mut app, FIRST_PIN_ID, "3690");
    type_only(&mut app, FIRST_AGAIN_ID, "3690");
    click_text(&mut app, "创建管理员并登录");
    assert_eq!(who(&app).as_deref(), Some("老板 Boss"));
    assert_eq!(app.operator().map(|o| o.role), Some(Role::Admin));
    assert_shows(&app, "用户管理");
}

#[test]
fn the_login_screen_switches_to_english_before_anyone_logs_in() {
    let mut app = demo_app_locked();
    assert_shows(&app, "请登录");
    click_text(&mut app, "English");
    assert!(app.is_locked(), "switching language logs nobody in");
    assert!(!shows(&app, "请登录"), "the title is in English now");
    click_text(&mut app, "中文");
    assert_shows(&app, "请登录");
    click_text(&mut app, "English");
    type_pin(&mut app, CASHIER.1);
    assert_eq!(who(&app).as_deref(), Some(CASHIER.0));
    assert_shows(&app, "中文");
}
