//! The GUI's update path for a scan (issue 6's target: from the scan's Enter to the cart
//! showing the line in under 16 ms, one frame, with a 100,000-product catalog). Measured on
//! the real `App`: the Enter key goes through the widget tree of the checkout view (iced_test's
//! simulator), the messages it produces through `App::step` (lookup, cart, totals), then the
//! next view is built and laid out, which is what iced does before it draws the frame. Drawing
//! the pixels is left out: it depends on the GPU or the software renderer, not on us.

#[path = "support/ean.rs"]
mod ean;

use criterion::{Criterion, criterion_group, criterion_main};
use iced::keyboard::Key;
use iced::keyboard::key::Named;
use iced_test::Simulator;
use iced_test::selector;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tillguard::catalog::parse_csv;
use tillguard::clock::ManualClock;
use tillguard::config::Config;
use tillguard::money::Currency;
use tillguard::store::Store;
use tillguard::till::Till;
use tillguard::ui::screen::checkout::{self, SCAN_ID};
use tillguard::ui::screen::login;
use tillguard::ui::{App, Message, TerminalSetup, theme};

const PRODUCTS: u64 = 100_000;
/// The demo cashier's PIN (README).
const DEMO_CASHIER_PIN: &str = "1111";
/// Lines kept in the cart while measuring, as in a busy sale.
const CART_LINES: usize = 8;

fn settings() -> iced::Settings {
    // SAFETY: set before any renderer exists, on the only thread so far.
    unsafe { std::env::set_var("ICED_TEST_BACKEND", "tiny-skia") };
    for font in tillguard::ui::settings().fonts {
        iced_test::renderer::graphics::text::font_system()
            .write()
            .expect("font system lock")
            .load_font(font);
    }
    iced::Settings {
        default_font: theme::UI_FONT,
        ..iced::Settings::default()
    }
}

fn app() -> App {
    let mut csv = String::from("sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\n");
    for n in 0..PRODUCTS {
        csv.push_str(&format!(
            "P{n:06},{},商品{n},Product {n},{}.{:02},{},{}\n",
            ean::ean13(n),
            1 + n % 500,
            n % 100,
            ["13", "9", "6", "0"][(n % 4) as usize],
            n % 5 != 0
        ));
    }
    let products = parse_csv(&csv, Currency::CNY).expect("catalog");
    let now = "2026-03-14T04:00:00Z".parse().expect("timestamp");
    let mut store = Store::open_in_memory(Currency::CNY).expect("ledger");
    store.import_products(&products, now).expect("import");
    let till = Till::with_store(store, Config::demo(), Arc::new(ManualClock::new(now))).expect("till");
    let setup = TerminalSetup {
        spec: None,
        data_dir: std::env::temp_dir(),
        think_time: std::time::Duration::ZERO,
    };
    let (mut app, _) = App::boot(till, setup);
    log_in(&mut app);
    app
}

/// The demo cashier logs in, as at the start of a shift.
fn log_in(app: &mut App) {
    let cashier = app
        .till()
        .and_then(|till| till.users().ok())
        .and_then(|users| users.into_iter().find(|u| !u.role.is_manager()))
        .expect("the demo has a cashier");
    let steps = [
        login::Message::Pick(cashier.id),
        login::Message::Pin(DEMO_CASHIER_PIN.into()),
        login::Message::Submit,
    ];
    step_all(app, steps.into_iter().map(Message::Login).collect());
    assert!(!app.is_locked(), "the cashier is logged in");
}

fn step_all(app: &mut App, messages: Vec<Message>) {
    for message in messages {
        black_box(app.step(message));
    }
}

/// Types a code into the scan field (not measured: the scanner's keystrokes arrive over
/// tens of milliseconds, each its own frame).
fn type_code(app: &mut App, settings: &iced::Settings, code: &str) {
    let messages: Vec<Message> = {
        let mut ui = Simulator::with_settings(settings.clone(), app.view());
        ui.click(selector::id(SCAN_ID)).expect("scan field");
        let _ = ui.typewrite(code);
        ui.into_messages().collect()
    };
    step_all(app, messages);
}

/// Enter: the widget turns it into the submit message, the app adds the line, and the next
/// frame's view is built and laid out.
fn enter(app: &mut App, settings: &iced::Settings) {
    let messages: Vec<Message> = {
        let mut ui = Simulator::with_settings(settings.clone(), app.view());
        ui.click(selector::id(SCAN_ID)).expect("scan field");
        let _ = ui.tap_key(Key::Named(Named::Enter));
        ui.into_messages().collect()
    };
    step_all(app, messages);
    black_box(Simulator::with_settings(settings.clone(), app.view()));
}

fn scan_update(c: &mut Criterion) {
    let settings = settings();
    let mut app = app();
    let codes: Vec<String> = (0..1000u64).map(|i| ean::ean13(i * 97 % PRODUCTS)).collect();
    let mut next = 0usize;
    c.bench_function("GUI: scan Enter -> update -> view + layout (100k products)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                next = (next + 1) % codes.len();
                if app.checkout().cart().lines().len() >= CART_LINES {
                    step_all(&mut app, vec![Message::Checkout(checkout::Message::Remove(0))]);
                }
                type_code(&mut app, &settings, &codes[next]);
                let started = Instant::now();
                enter(&mut app, &settings);
                spent += started.elapsed();
            }
            spent
        })
    });
    assert!(
        !app.checkout().cart().is_empty(),
        "the scans reached the cart (otherwise the bench measured nothing)"
    );
}

criterion_group!(benches, scan_update);
criterion_main!(benches);
