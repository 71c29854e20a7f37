//! The headless GUI harness the GUI tests share: the real `App` is driven through its
//! `view` and `step` the way iced drives it. Each step builds the view in an iced_test
//! `Simulator`, plays the user's clicks and keys on it, and feeds the messages the widgets
//! produced to the app.
//!
//! What the simulator does not do: run the `Task`s the app returns (the focus operations)
//! or the subscription. So each step clicks the field it types into, as the focus task would
//! have put the keyboard there, and key presses are passed through `ui::keys::classify` with
//! the status the widgets gave them, which is what the subscription does in the real app.
//! Background jobs (a card payment) are handed back to the test, which runs them.
#![allow(dead_code)] // each test file uses a part of the harness

use iced::keyboard::key::{Named, NativeCode, Physical};
use iced::keyboard::{Key, Location, Modifiers};
use iced::{Settings, window};
use iced_test::Simulator;
use iced_test::selector::{self, Candidate};
use std::sync::{Arc, Once};
use tillguard::clock::ManualClock;
use tillguard::money::{Currency, Money};
use tillguard::till::{DEMO_USERS, Till};
use tillguard::ui::job::Job;
use tillguard::ui::screen::checkout::{self, CASH_ID, SCAN_ID};
use tillguard::ui::screen::login;
use tillguard::ui::{App, Message, TerminalSetup, keys, theme};

pub const COLA: &str = "2000000010106"; // 可乐 330ml, ¥3.50, 13 %
pub const WATER: &str = "2000000020204"; // 矿泉水 550ml, ¥2.00, 13 %

static SETUP: Once = Once::new();

/// Settings for every simulator. The bundled font goes into iced's process-wide font system
/// once, before any simulator lays text out; loading it per simulator would pile up copies.
pub fn settings() -> Settings {
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

/// The demo users (see `tillguard::till::DEMO_USERS`) and their PINs.
pub const CASHIER: (&str, &str) = (DEMO_USERS[0].name, DEMO_USERS[0].pin);
pub const MANAGER: (&str, &str) = (DEMO_USERS[1].name, DEMO_USERS[1].pin);
pub const ADMIN: (&str, &str) = (DEMO_USERS[2].name, DEMO_USERS[2].pin);
/// The admin `unlock` creates on a till that has no users.
pub const FIRST_ADMIN: (&str, &str) = ("Admin", "2580");

/// A demo till with the demo cashier logged in, at the checkout.
pub fn demo_app() -> App {
    let mut app = demo_app_locked();
    unlock(&mut app);
    app
}

/// A demo till with the built-in simulated terminal (the real ZVT code over a pty), the
/// cashier logged in; the terminal waits `think_time` per step.
pub fn simulator_app(dir: &std::path::Path, think_time: std::time::Duration) -> App {
    let noon = "2025-03-14T04:00:00Z".parse().expect("timestamp");
    let till = Till::open_demo_in_memory(Arc::new(ManualClock::new(noon))).expect("demo till opens");
    let setup = TerminalSetup {
        spec: Some(tillguard::terminal::spec::TerminalSpec::Simulator),
        data_dir: dir.to_path_buf(),
        think_time,
    };
    let mut app = App::new(till, setup).0;
    unlock(&mut app);
    app
}

/// A demo till on its login screen, as the window starts; its clock is `ManualClock` `clock`.
pub fn demo_app_at(clock: Arc<ManualClock>) -> App {
    let till = Till::open_demo_in_memory(clock).expect("demo till opens");
    let no_terminal = TerminalSetup {
        spec: None,
        data_dir: std::env::temp_dir(),
        think_time: std::time::Duration::ZERO,
    };
    App::new(till, no_terminal).0
}

/// A demo till on its login screen, as the window starts.
pub fn demo_app_locked() -> App {
    let noon = "2025-03-14T04:00:00Z".parse().expect("timestamp");
    demo_app_at(Arc::new(ManualClock::new(noon)))
}

/// Gets past the login screen as the tests before it expected: the demo cashier logs in, or
/// on a till without users its first admin is created.
pub fn unlock(app: &mut App) {
    let first = app.login_screen().is_some_and(|l| l.first.is_some());
    if first {
        let (name, pin) = FIRST_ADMIN;
        let form = [
            login::Message::Name(name.into()),
            login::Message::FirstPin(pin.into()),
            login::Message::FirstAgain(pin.into()),
            login::Message::CreateAdmin,
        ];
        deliver(app, form.into_iter().map(Message::Login).collect());
        assert!(!app.is_locked(), "the first admin is created and logged in");
    } else {
        log_in(app, CASHIER);
    }
}

/// Logs a user in by messages (the login tests use the real buttons and keys).
pub fn log_in(app: &mut App, (name, pin): (&str, &str)) {
    let id = till(app)
        .users()
        .expect("users")
        .into_iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("no user {name}"))
        .id;
    let steps = [
        login::Message::Pick(id),
        login::Message::Pin(pin.into()),
        login::Message::Submit,
    ];
    deliver(app, steps.into_iter().map(Message::Login).collect());
    assert_eq!(
        app.operator().map(|o| o.name.as_str()),
        Some(name),
        "{name} logs in; login screen says {:?}",
        app.login_screen().and_then(|l| l.error.clone())
    );
}

/// The till, which is at the desk whenever no card payment is under way.
pub fn till(app: &App) -> &Till {
    app.till().expect("the till is at the desk")
}

pub fn cny(amount: &str) -> Money {
    Money::parse(amount, Currency::CNY).expect("amount")
}

/// One round of the event loop: view, user actions, then every resulting message to update.
pub fn interact(app: &mut App, act: impl FnOnce(&mut Simulator<'_, Message>) -> Vec<Message>) -> Option<Job<Message>> {
    let messages: Vec<Message> = {
        let mut ui = Simulator::with_settings(settings(), app.view());
        let mut extra = act(&mut ui);
        let mut messages: Vec<Message> = ui.into_messages().collect();
        messages.append(&mut extra);
        messages
    };
    deliver(app, messages)
}

/// Hands messages to the app as iced would; returns the background job one of them started
/// (a card payment), for the test to run.
pub fn deliver(app: &mut App, messages: Vec<Message>) -> Option<Job<Message>> {
    let mut started = None;
    for message in messages {
        if let Some(job) = app.step(message).job {
            started = Some(job);
        }
    }
    started
}

/// Enter in the (empty) cash field: pays the exact amount in cash; returns the job the sale
/// started (its receipt going to the printer), if any.
pub fn pay_exact_cash(app: &mut App) -> Option<Job<Message>> {
    interact(app, |ui| {
        ui.click(selector::id(CASH_ID)).expect("cash field");
        let _ = ui.tap_key(Key::Named(Named::Enter));
        Vec::new()
    })
}

/// A shortcut key as the subscription delivers it.
pub fn key(shortcut: keys::Shortcut) -> Message {
    Message::Checkout(checkout::Message::Input(keys::Input::Shortcut(shortcut)))
}

pub fn click_text(app: &mut App, label: &str) -> Option<Job<Message>> {
    let label = label.to_string();
    interact(app, |ui| {
        ui.click(label.as_str())
            .unwrap_or_else(|e| panic!("no clickable {label:?}: {e}"));
        Vec::new()
    })
}

pub fn click_id(app: &mut App, id: &'static str) {
    interact(app, |ui| {
        ui.click(selector::id(id))
            .unwrap_or_else(|e| panic!("no widget {id}: {e}"));
        Vec::new()
    });
}

/// Types into a field and presses Enter, like a USB scanner (or a cashier) does.
pub fn type_and_enter(app: &mut App, field: &'static str, input: &str) {
    interact(app, |ui| {
        ui.click(selector::id(field))
            .unwrap_or_else(|e| panic!("field {field} not visible: {e}"));
        let _ = ui.typewrite(input);
        let _ = ui.tap_key(Key::Named(Named::Enter));
        Vec::new()
    });
}

pub fn type_only(app: &mut App, field: &'static str, input: &str) {
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
pub fn keystrokes(app: &mut App, focused: Option<&'static str>, events: Vec<iced::Event>) {
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

pub fn key_press(key: Key, text: Option<&str>) -> iced::Event {
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

pub fn press_key(app: &mut App, named: Named) {
    keystrokes(app, Some(SCAN_ID), vec![key_press(Key::Named(named), None)]);
}

/// A scanner firing a code and Enter while no field has focus.
pub fn scan_unfocused(app: &mut App, code: &str) {
    let mut events: Vec<iced::Event> = code
        .chars()
        .map(|c| key_press(Key::Character(c.to_string().into()), Some(&c.to_string())))
        .collect();
    events.push(key_press(Key::Named(Named::Enter), Some("\r")));
    keystrokes(app, None, events);
}

pub fn shows(app: &App, text: &str) -> bool {
    Simulator::with_settings(settings(), app.view()).find(text).is_ok()
}

/// Every text on screen, in layout order.
pub fn all_texts(app: &App) -> Vec<String> {
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

pub fn assert_shows(app: &App, text: &str) {
    assert!(
        shows(app, text),
        "expected {text:?} on screen; error line: {:?}",
        error_line(app)
    );
}

pub fn error_line(app: &App) -> Option<String> {
    {
        let state = app.checkout();
        state.error().map(str::to_string)
    }
}

/// The standalone terminal the standalone-terminal tests configure: 柜台POS of 银联商务.
pub fn counter_pos(voucher_on_slip: bool) -> tillguard::config::Standalone {
    tillguard::config::Standalone {
        name: "柜台POS".into(),
        acquirer: "银联商务".into(),
        terminal_id: "12345678".into(),
        voucher_on_slip,
    }
}

/// The demo config with the standalone terminal `counter_pos` instead of a ZVT terminal.
pub fn standalone_config(voucher_on_slip: bool) -> tillguard::config::Config {
    let mut config = tillguard::config::Config::demo();
    config.terminal = None;
    config.standalone = Some(counter_pos(voucher_on_slip));
    config
}

/// A card sale of one of each of `codes`, paid on the standalone terminal with `voucher`.
pub fn pay_on_counter_pos(till: &mut Till, codes: &[&str], voucher: &str) -> tillguard::sale::SaleRecord {
    let mut cart = tillguard::sale::Cart::new(Currency::CNY);
    for code in codes {
        let item = till.catalog().lookup(code).expect("in the demo catalog").clone();
        cart.add(&item, 1, Some(code)).expect("scanned");
    }
    let tender = tillguard::till::standalone::StandaloneTender {
        voucher: voucher.into(),
        last4: "1234".into(),
        scheme: "unionpay".into(),
        ..Default::default()
    };
    till.pay_standalone(&cart, &tender)
        .expect("paid on the standalone terminal")
}

/// The window over `till`, which has no terminal to connect to (a standalone terminal's),
/// logged in; `data_dir` is where the till keeps its files.
pub fn app_without_cable(till: Till, data_dir: &std::path::Path) -> App {
    let no_cable = TerminalSetup {
        spec: None,
        data_dir: data_dir.to_path_buf(),
        think_time: std::time::Duration::ZERO,
    };
    let (mut app, boot) = App::boot(till, no_cable);
    assert!(boot.job.is_none(), "nothing to ask a terminal");
    unlock(&mut app);
    app
}

/// The end-of-day screen's state; the screen must be open.
pub fn end_of_day_state(app: &App) -> &tillguard::ui::screen::end_of_day::State {
    match app.screen() {
        tillguard::ui::app::Screen::EndOfDay(state) => state,
        _ => panic!("the end-of-day screen is not open"),
    }
}

/// From now on the app's desktop notifications are kept, not shown; returns where they go.
pub fn record_notes(app: &mut App) -> tillguard::platform::RecordingNotifier {
    let notes = tillguard::platform::RecordingNotifier::new();
    app.set_notifier(Box::new(notes.clone()));
    notes
}
