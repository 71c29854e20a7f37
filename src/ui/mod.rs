//! The desktop GUI (iced). The only part of Tillguard that imports iced.

pub mod app;
pub mod banner;
pub mod desk;
pub mod inhibitor;
pub mod job;
pub mod keys;
pub mod quit;
pub mod reason;
pub mod restore;
pub mod screen;
pub mod theme;
pub mod widget;
pub mod window;

use crate::till::Till;
use std::sync::Mutex;

pub use app::{App, Message, Step};
pub use desk::TerminalSetup;

/// The settings the window and the headless tests share: bundled CJK font as default.
pub fn settings() -> iced::Settings {
    iced::Settings {
        fonts: vec![theme::UI_FONT_BYTES.into()],
        default_font: theme::UI_FONT,
        ..iced::Settings::default()
    }
}

/// Opens the main window and runs until it is closed; `training`: on the training till
/// (`tillguard --training`).
pub fn run(till: Till, terminal: TerminalSetup, training: bool) -> anyhow::Result<()> {
    // Without a display the window system's start-up would panic; say what is missing.
    #[cfg(all(unix, not(target_os = "macos")))]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        anyhow::bail!(
            "no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set): the till window needs one; \
             the command line works without it (tillguard --help)"
        );
    }
    let window = window::settings(&till.config().ui);
    // iced's boot hook is an `Fn`, but the till can only be handed over once.
    let slot = Mutex::new(Some(till));
    let boot = move || {
        let till = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        // iced calls boot exactly once per application run.
        let (mut app, task) = App::new(till.expect("iced boots the application once"), terminal.clone());
        app.start_in_system_language();
        if training {
            app.start_in_training();
        }
        app.hold_off_shutdown(inhibitor::Inhibitor::start());
        (app, task)
    };
    iced::application(boot, App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .theme(App::theme)
        .settings(settings())
        .window(window)
        .run()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::config::Language;
    use crate::i18n::I18n;

    /// A missing message would show its id on screen; catch typos in the ids the UI uses.
    #[test]
    fn every_message_the_ui_asks_for_exists_in_both_languages() {
        let sources = [
            include_str!("app.rs"),
            include_str!("screen/checkout/mod.rs"),
            include_str!("screen/checkout/view.rs"),
            include_str!("screen/checkout/card.rs"),
            include_str!("screen/checkout/terminal.rs"),
            include_str!("banner.rs"),
            include_str!("app/print.rs"),
            include_str!("screen/refund/mod.rs"),
            include_str!("screen/refund/view.rs"),
            include_str!("screen/reports/mod.rs"),
            include_str!("screen/reports/view.rs"),
            include_str!("quit.rs"),
            include_str!("screen/end_of_day/mod.rs"),
            include_str!("screen/end_of_day/view.rs"),
            include_str!("screen/end_of_day/forms.rs"),
            include_str!("screen/settings/mod.rs"),
            include_str!("screen/settings/view.rs"),
            include_str!("screen/settings/sections.rs"),
            include_str!("screen/login/mod.rs"),
            include_str!("screen/login/view.rs"),
            include_str!("screen/users/mod.rs"),
            include_str!("screen/users/view.rs"),
            include_str!("restore.rs"),
            include_str!("app/audit_check.rs"),
            include_str!("app/notes.rs"),
            include_str!("app/training.rs"),
            include_str!("app/incidents_screen.rs"),
            include_str!("screen/incidents/mod.rs"),
            include_str!("screen/incidents/view.rs"),
            include_str!("screen/refund/view.rs"),
        ];
        let mut ids = Vec::new();
        for source in sources {
            for (start, _) in source.match_indices(".t(\"").chain(source.match_indices(".t_args(\"")) {
                let rest = &source[start..];
                let Some(open) = rest.find('"') else { continue };
                let Some(len) = rest[open + 1..].find('"') else {
                    continue;
                };
                ids.push(rest[open + 1..open + 1 + len].to_string());
            }
        }
        assert!(ids.len() > 20, "found only {ids:?}");
        // Ids built at run time: the print job kinds the reports screen names.
        for kind in [
            "receipt",
            "report_x",
            "report_z",
            "settlement",
            "deferral",
            "claim",
            "incident",
            "test",
        ] {
            ids.push(format!("print-kind-{}", kind.replace('_', "-")));
        }
        for language in [Language::Zh, Language::En] {
            let i18n = I18n::new(language);
            for id in &ids {
                assert_ne!(&i18n.t(id), id, "message {id} missing in {}", language.code());
            }
        }
    }
}
