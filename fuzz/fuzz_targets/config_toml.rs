//! Feeds arbitrary bytes, as text (invalid UTF-8 replaced), to the parser of
//! `tillguard.toml` (`Config::parse`), then hands an accepted config to the Settings form
//! (`config::edit::SettingsForm`) the way the Settings screen loads it.
//!
//! Asserts: no panic, in the parser or the form; an accepted config re-validates: the file
//! the form writes for it (`render`, as for a new file) is accepted by `Config::parse` again,
//! and when the form finds no problem with it, the config read back shows the same value
//! (trimmed, as the form writes it) in every field the form uses; and an unchanged form
//! leaves an existing file byte for byte as it was (but for a byte order mark toml_edit
//! drops and a line break it adds after a last line that lacks one).
//! The logo is left out of the form's check: it is a file the form would load from disk,
//! which a fuzz target must not read.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use tillguard::config::Config;
use tillguard::config::edit::{FIELDS, SettingsForm};

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let Ok(mut config) = Config::parse(&text) else { return };
    config.printer.logo_file = None;
    let form = SettingsForm::new(&config, folder(), None);

    let rendered = form
        .render(None)
        .unwrap_or_else(|e| panic!("the form cannot write a new file: {e}"));
    let again = Config::parse(&rendered).unwrap_or_else(|e| panic!("{e}\nthe form wrote:\n{rendered}"));
    if form.is_valid() {
        let form_again = SettingsForm::new(&again, folder(), None);
        // The form writes every value trimmed (a store name "Shop " is saved as "Shop").
        for &field in FIELDS {
            if form.in_use(field) {
                assert_eq!(
                    form_again.get(field),
                    form.get(field).trim(),
                    "{field:?} changed; the form wrote:\n{rendered}"
                );
            }
        }
    }

    // toml_edit drops a byte order mark and ends a last line that lacks a line break with
    // one; nothing else may change.
    if let Ok(kept) = form.render(Some(&text)) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let same = kept == text || kept.strip_suffix('\n') == Some(text);
        assert!(same, "an unchanged form rewrote the file:\n{kept:?}\nwas:\n{text:?}");
    }
});

/// A folder that does not exist: nothing relative to it is found.
fn folder() -> PathBuf {
    PathBuf::from("/nonexistent/tillguard-fuzz")
}
