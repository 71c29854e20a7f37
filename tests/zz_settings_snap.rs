mod ui_harness;
use iced_test::Simulator;
use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::till::{Paths, Till};
use tillguard::ui::keys::Shortcut;
use tillguard::ui::{App, TerminalSetup, Message};
use tillguard::config::edit::Field;
use tillguard::ui::screen::settings;
use ui_harness::*;

#[test]
fn snap() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths::resolve(Some(dir.path().to_path_buf()), None).expect("paths");
    let till = Till::open(&paths, Arc::new(ManualClock::new("2026-03-14T04:00:00Z".parse().unwrap()))).unwrap();
    let setup = TerminalSetup { spec: None, data_dir: dir.path().to_path_buf(), think_time: std::time::Duration::ZERO };
    let mut app = App::new(till, setup).0;
    log_in(&mut app, MANAGER);
    deliver(&mut app, vec![key(Shortcut::Settings)]);
    deliver(&mut app, vec![Message::Settings(settings::Message::Edit(Field::TimeZone, "Mars/Base".into()))]);
    deliver(&mut app, vec![Message::Settings(settings::Message::Edit(Field::TerminalKind, "serial".into()))]);
    let _ = std::fs::remove_file("/tmp/settings_snap.png");
    let mut ui = Simulator::with_settings(ui_harness::settings(), app.view());
    let form = ui.find(iced_test::selector::id(settings::FORM_ID)).unwrap();
    let t = ui.find(iced_test::selector::id(settings::TEST_TERMINAL_ID)).unwrap();
    use iced_test::selector::Bounded;
    ui.point_at(iced::Point::new(form.bounds().x + 20.0, form.bounds().center_y()));
    let _ = ui.simulate([iced::Event::Mouse(iced::mouse::Event::WheelScrolled { delta: iced::mouse::ScrollDelta::Pixels { x: 0.0, y: form.bounds().center_y() - t.bounds().center_y() } })]);
    let snap = ui.snapshot(&app.theme()).unwrap();
    snap.matches_image("/tmp/settings_snap.png").unwrap();
}
