//! The manager's Settings screen (F10): a manager PIN first when no manager is logged in,
//! inline errors that keep Save from doing anything, a save that writes the config file and
//! switches the language at once, and a test page printed with the form's printer. All in
//! the 1024x768 window the simulator uses.

mod ui_harness;

use iced::keyboard::key::{NativeCode, Physical};
use iced::keyboard::{self, Key, Location, Modifiers};
use iced::{Point, mouse};
use iced_test::Simulator;
use iced_test::selector;
use std::path::Path;
use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::config::edit::Field;
use tillguard::config::{Config, Language};
use tillguard::terminal::spec::TerminalSpec;
use tillguard::till::{Paths, Till};
use tillguard::ui::app::Screen;
use tillguard::ui::keys::Shortcut;
use tillguard::ui::screen::settings::{
    self, CONFIRM_ID, FORM_ID, PIN_ID, SAVE_ID, TEST_PRINTER_ID, TEST_TERMINAL_ID, USERS_ID, input_id,
};
use tillguard::ui::theme;
use tillguard::ui::{App, Message, TerminalSetup};
use ui_harness::*;

/// A demo till (no config file yet) with its ledger and config file in `dir`, `who`
/// logged in, and no card terminal connected.
fn app_in(dir: &Path, who: (&str, &str)) -> App {
    app_with_terminal(dir, who, None)
}

fn app_with_terminal(dir: &Path, who: (&str, &str), terminal: Option<TerminalSpec>) -> App {
    let paths = Paths::resolve(Some(dir.to_path_buf()), None).expect("paths");
    let noon = "2026-03-14T04:00:00Z".parse().expect("timestamp");
    let till = Till::open(&paths, Arc::new(ManualClock::new(noon))).expect("till");
    assert!(till.is_demo());
    let setup = TerminalSetup {
        spec: terminal,
        data_dir: dir.to_path_buf(),
        think_time: std::time::Duration::ZERO,
    };
    let mut app = App::new(till, setup).0;
    log_in(&mut app, who);
    app
}

fn state(app: &App) -> &settings::State {
    match app.screen() {
        Screen::Settings(state) => state,
        _ => panic!("not on the settings screen"),
    }
}

fn on_screen(app: &App, part: &str) -> bool {
    all_texts(app).iter().any(|t| t.contains(part))
}

/// Ctrl+A (select all), with the modifier changes a text input follows.
fn ctrl_a() -> [iced::Event; 3] {
    let key = Key::Character("a".into());
    let press = keyboard::Event::KeyPressed {
        key: key.clone(),
        modified_key: key,
        physical_key: Physical::Unidentified(NativeCode::Unidentified),
        location: Location::Standard,
        modifiers: Modifiers::CTRL,
        text: None,
        repeat: false,
    };
    [
        iced::Event::Keyboard(keyboard::Event::ModifiersChanged(Modifiers::CTRL)),
        iced::Event::Keyboard(press),
        iced::Event::Keyboard(keyboard::Event::ModifiersChanged(Modifiers::empty())),
    ]
}

/// Scrolls the form, as the wheel does, until the widget `id` is in its middle (the
/// simulator is rebuilt every round, so a scroll lasts for the round it is made in).
fn reveal(ui: &mut Simulator<'_, Message>, id: &'static str) {
    let form = ui.find(selector::id(FORM_ID)).expect("the form").bounds();
    let target = ui.find(selector::id(id)).expect("the widget").bounds();
    // Over the labels' column: a pick list under the wheel would change its choice.
    ui.point_at(Point::new(form.x + 40.0, form.center_y()));
    let wheel = mouse::Event::WheelScrolled {
        delta: mouse::ScrollDelta::Pixels {
            x: 0.0,
            y: form.center_y() - target.center_y(),
        },
    };
    let _ = ui.simulate([iced::Event::Mouse(wheel)]);
}

/// Replaces a field's text the way a person does: scroll to it, click, select all, type.
fn retype(app: &mut App, field: Field, text: &str) {
    interact(app, |ui| {
        reveal(ui, input_id(field));
        ui.click(selector::id(input_id(field)))
            .unwrap_or_else(|e| panic!("{field:?} not reachable: {e}"));
        let _ = ui.simulate(ctrl_a());
        let _ = ui.typewrite(text);
        Vec::new()
    });
    assert_eq!(state(app).form.get(field), text, "{field:?} as typed");
}

/// Picks `value` in a field's pick list as a person does: scroll to it, click it open, click
/// the option in the menu that opens (below it, or above when there is more room there).
fn pick(app: &mut App, field: Field, value: &str) {
    let options = field.choices().expect("a pick list");
    let index = options.iter().position(|o| *o == value).expect("one of its options") as f32;
    interact(app, |ui| {
        reveal(ui, input_id(field));
        let list = ui
            .click(selector::id(input_id(field)))
            .unwrap_or_else(|e| panic!("{field:?} not reachable: {e}"))
            .visible_bounds()
            .expect("visible");
        // iced's menu: one row per option, as tall as a line of text and the list's padding.
        let row = theme::TEXT * 1.3 + 2.0 * 8.0;
        // The simulator's window is iced's default size.
        let height = iced::window::Settings::default().size.height;
        let below = height - (list.y + list.height) > list.y;
        let top = if below {
            list.y + list.height
        } else {
            list.y - row * options.len() as f32
        };
        let at = Point::new(list.center_x(), top + row * (index + 0.5));
        ui.point_at(at);
        let _ = ui.simulate([
            iced::Event::Mouse(mouse::Event::CursorMoved { position: at }),
            iced::Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)),
            iced::Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)),
        ]);
        Vec::new()
    });
    assert_eq!(state(app).form.get(field), value, "{field:?} as picked");
}

fn click_save(app: &mut App) {
    interact(app, |ui| {
        ui.click(selector::id(SAVE_ID)).expect("the Save button is on screen");
        Vec::new()
    });
}

/// F10 as a cashier: the manager PIN first (a wrong one is refused), then the form.
fn open_as_cashier(app: &mut App) {
    deliver(app, vec![key(Shortcut::Settings)]);
    assert!(state(app).needs_pin(), "a cashier is asked for a manager PIN");
    assert!(on_screen(app, "设置仅限经理"), "{:?}", all_texts(app));
    type_and_enter(app, PIN_ID, "9999");
    assert!(state(app).needs_pin());
    assert!(on_screen(app, "密码"), "the refusal is shown: {:?}", all_texts(app));
    let (_, pin) = MANAGER;
    type_and_enter(app, PIN_ID, pin);
    assert!(!state(app).needs_pin(), "the manager PIN opens the form");
}

#[test]
fn a_bad_time_zone_is_shown_at_its_field_and_save_does_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_in(dir.path(), CASHIER);
    open_as_cashier(&mut app);
    // Only a logged-in manager goes on to manage users.
    assert!(!shows_id(&app, USERS_ID));
    // The catalog's tax rates are listed, each with its products, all products counted.
    let rates = state(&app).tax_rates.clone();
    let active = till(&app).catalog().products().iter().filter(|p| p.active).count();
    assert!(rates.len() >= 2, "{rates:?}");
    assert_eq!(rates.iter().map(|(_, n)| n).sum::<usize>(), active);
    for (rate, count) in &rates {
        assert!(on_screen(&app, &format!("{rate}：{count} 种商品")), "{rate}");
    }

    retype(&mut app, Field::TimeZone, "Mars/Base");
    assert!(on_screen(&app, "“Mars/Base”不是时区"), "{:?}", all_texts(&app));
    assert!(!state(&app).can_save());
    // Confirming the new file does not make an invalid form savable.
    click_id(&mut app, CONFIRM_ID);
    click_save(&mut app);
    assert!(
        !dir.path().join(tillguard::config::FILE_NAME).exists(),
        "nothing written"
    );
    assert!(matches!(app.screen(), Screen::Settings(_)));

    // Esc goes back to the checkout, nothing saved.
    deliver(&mut app, vec![key(Shortcut::Escape)]);
    assert!(matches!(app.screen(), Screen::Checkout));
    assert!(!dir.path().join(tillguard::config::FILE_NAME).exists());
}

#[test]
fn a_good_change_is_saved_to_the_config_file_and_the_language_switches_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_in(dir.path(), CASHIER);
    open_as_cashier(&mut app);
    retype(&mut app, Field::StoreName, "街角小店");
    // A zone no test machine is in: a change wherever the test runs.
    retype(&mut app, Field::TimeZone, "Pacific/Chatham");
    // What the language pick list sends.
    deliver(
        &mut app,
        vec![Message::Settings(settings::Message::Edit(Field::Language, "en".into()))],
    );
    assert!(state(&app).form.is_valid(), "{:?}", state(&app).form.errors());

    // Demo mode: saving creates the config file, which must be confirmed first.
    assert!(on_screen(&app, "演示模式：保存将创建配置文件"), "{:?}", all_texts(&app));
    assert!(!state(&app).can_save());
    click_save(&mut app);
    let file = dir.path().join(tillguard::config::FILE_NAME);
    assert!(!file.exists(), "not before the confirmation");
    click_id(&mut app, CONFIRM_ID);
    assert!(state(&app).can_save());
    click_save(&mut app);

    let saved = Config::load(&file).expect("the saved file loads");
    assert!(!saved.demo, "the next start leaves demo mode");
    assert_eq!(saved.store_name, "街角小店");
    assert_eq!(saved.language, Language::En);
    assert_eq!(saved.time_zone_name, "Pacific/Chatham");
    // Live: the screen language, the store header; the time zone waits for the restart.
    assert_eq!(app.i18n().language(), Language::En);
    assert!(on_screen(&app, "Settings"), "{:?}", all_texts(&app));
    assert!(on_screen(&app, "Takes effect after a restart"), "{:?}", all_texts(&app));
    assert_eq!(till(&app).header().store_name, "街角小店");
    assert_ne!(till(&app).config().time_zone_name, "Pacific/Chatham");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    deliver(&mut app, vec![key(Shortcut::Escape)]);
    assert!(
        on_screen(&app, "Barcode / search"),
        "the checkout speaks English: {:?}",
        all_texts(&app)
    );
}

#[test]
fn the_test_page_goes_to_the_printer_the_form_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_in(dir.path(), MANAGER);
    deliver(&mut app, vec![key(Shortcut::Settings)]);
    assert!(!state(&app).needs_pin(), "a logged-in manager needs no PIN");
    assert!(shows_id(&app, USERS_ID));

    let out = dir.path().join("printer").join("test.bin");
    std::fs::create_dir_all(out.parent().expect("folder")).expect("printer folder");
    deliver(
        &mut app,
        vec![Message::Settings(settings::Message::Edit(
            Field::PrinterKind,
            "file".into(),
        ))],
    );
    retype(&mut app, Field::PrinterAddress, &out.display().to_string());
    let job = interact(&mut app, |ui| {
        reveal(ui, TEST_PRINTER_ID);
        ui.click(selector::id(TEST_PRINTER_ID)).expect("the test button");
        Vec::new()
    });
    // The page goes out on a worker thread; the test runs that job itself.
    let messages = job.expect("the test page is printed by a job").run_here();
    deliver(&mut app, messages);
    let bytes = std::fs::read(&out).expect("the printer file");
    assert!(bytes.windows(22).any(|w| w == b"TILLGUARD PRINTER TEST"));
    assert!(on_screen(&app, "打印机已接收测试页"), "{:?}", all_texts(&app));
    // Not saved: the printer for receipts is still the one configured.
    assert_eq!(till(&app).config().printer.connection, None);
    assert!(!dir.path().join(tillguard::config::FILE_NAME).exists());

    // "Users and PINs" goes on to the users screen.
    click_id(&mut app, USERS_ID);
    assert!(matches!(app.screen(), Screen::Users(_)));
}

/// Clicks "Test connection" and runs the job it starts, as its worker thread would.
fn test_terminal(app: &mut App) {
    let job = interact(app, |ui| {
        reveal(ui, TEST_TERMINAL_ID);
        ui.click(selector::id(TEST_TERMINAL_ID)).expect("the test button");
        Vec::new()
    });
    let messages = job.expect("the check runs in a job").run_here();
    deliver(app, messages);
}

#[test]
fn the_terminal_is_checked_through_the_desk_when_the_till_is_connected_to_it() {
    // Connected to the simulator: the check borrows the desk, so the port is opened once.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_with_terminal(dir.path(), MANAGER, Some(TerminalSpec::Simulator));
    deliver(&mut app, vec![key(Shortcut::Settings)]);
    assert_eq!(state(&app).form.get(Field::TerminalKind), "simulator");
    let job = interact(&mut app, |ui| {
        reveal(ui, TEST_TERMINAL_ID);
        ui.click(selector::id(TEST_TERMINAL_ID)).expect("the test button");
        Vec::new()
    });
    assert!(app.till().is_none(), "the desk is lent to the check");
    assert!(
        on_screen(&app, "通过收银台与 simulator 的连接检查"),
        "{:?}",
        all_texts(&app)
    );
    deliver(&mut app, job.expect("a desk job").run_here());
    assert!(app.till().is_some(), "the desk is back");
    assert!(on_screen(&app, "终端号：52523535"), "{:?}", all_texts(&app));

    // Not connected to any: the form's terminal is opened on a worker of its own.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_in(dir.path(), MANAGER);
    deliver(&mut app, vec![key(Shortcut::Settings)]);
    test_terminal(&mut app);
    assert!(on_screen(&app, "正在连接 simulator"), "{:?}", all_texts(&app));
    assert!(on_screen(&app, "终端号：52523535"), "{:?}", all_texts(&app));
    // A terminal nobody answers for: the error is shown, the screen stays usable.
    deliver(
        &mut app,
        vec![Message::Settings(settings::Message::Edit(
            Field::TerminalKind,
            "tcp".into(),
        ))],
    );
    retype(&mut app, Field::TerminalHost, "127.0.0.1");
    retype(&mut app, Field::TerminalTcpPort, "1");
    test_terminal(&mut app);
    assert!(on_screen(&app, "127.0.0.1:1"), "{:?}", all_texts(&app));
    assert!(!state(&app).terminal_test.running);
}

#[test]
fn a_manager_sets_up_a_standalone_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_in(dir.path(), MANAGER);
    deliver(&mut app, vec![key(Shortcut::Settings)]);
    assert!(!state(&app).needs_pin());
    assert!(
        shows_id(&app, input_id(Field::TerminalPassword)),
        "a ZVT terminal has a password"
    );

    pick(&mut app, Field::TerminalKind, "standalone");
    // No cable: no password, nothing to test; its name is asked for first.
    assert!(!shows_id(&app, input_id(Field::TerminalPassword)));
    assert!(!shows_id(&app, TEST_TERMINAL_ID));
    assert!(on_screen(&app, "独立刷卡机与收银台无连线"), "{:?}", all_texts(&app));
    assert!(
        on_screen(&app, "终端名称") && on_screen(&app, "必填。"),
        "{:?}",
        all_texts(&app)
    );
    click_id(&mut app, CONFIRM_ID);
    assert!(!state(&app).can_save(), "not without a name");

    retype(&mut app, Field::StandaloneName, "柜台POS");
    retype(&mut app, Field::StandaloneTerminalId, "12345678");
    // Its slips carry no voucher number: the switch, as a manager taps it.
    assert_eq!(state(&app).form.get(Field::VoucherOnSlip), "true");
    interact(&mut app, |ui| {
        reveal(ui, input_id(Field::VoucherOnSlip));
        ui.click(selector::id(input_id(Field::VoucherOnSlip)))
            .expect("the voucher switch");
        Vec::new()
    });
    assert_eq!(state(&app).form.get(Field::VoucherOnSlip), "false");
    assert!(state(&app).can_save(), "{:?}", state(&app).form.errors());
    click_save(&mut app);

    let file = dir.path().join(tillguard::config::FILE_NAME);
    let saved = Config::load(&file).expect("the saved file loads");
    assert_eq!(saved.terminal, None);
    let standalone = saved.standalone.expect("a standalone terminal");
    assert_eq!(standalone.name, "柜台POS");
    assert_eq!(standalone.terminal_id, "12345678");
    assert_eq!(standalone.acquirer, "");
    assert!(!standalone.voucher_on_slip);
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.contains("kind = \"standalone\""), "{text}");
    assert!(
        !text.contains("password") && !text.contains("connection = \"simulator"),
        "{text}"
    );
    assert!(on_screen(&app, "已保存"), "{:?}", all_texts(&app));
    // The form shows the file as saved.
    assert_eq!(state(&app).form.get(Field::TerminalKind), "standalone");
    assert!(state(&app).form.changed().is_empty());
}

#[test]
fn the_settings_open_only_from_an_idle_checkout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_in(dir.path(), CASHIER);
    type_and_enter(&mut app, tillguard::ui::screen::checkout::SCAN_ID, COLA);
    for screen_key in [Shortcut::Settings, Shortcut::Reports, Shortcut::Refund] {
        deliver(&mut app, vec![key(screen_key)]);
        assert!(matches!(app.screen(), Screen::Checkout), "not in the middle of a sale");
        assert!(
            on_screen(&app, "请先完成或挂起当前交易"),
            "{screen_key:?} says why it did not open"
        );
        deliver(&mut app, vec![key(Shortcut::Escape)]);
    }
    assert_eq!(app.checkout().cart().lines().len(), 1, "the sale is untouched");
}

fn shows_id(app: &App, id: &'static str) -> bool {
    Simulator::with_settings(ui_harness::settings(), app.view())
        .find(selector::id(id))
        .is_ok()
}
