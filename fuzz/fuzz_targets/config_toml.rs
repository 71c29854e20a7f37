//! Feeds arbitrary bytes, as text (invalid UTF-8 replaced), to the parser of
//! `tillguard.toml` (`Config::parse`), then hands an accepted config to the Settings form
//! (`config::edit::SettingsForm`) the way the Settings screen loads it.
//!
//! Asserts: no panic, in the parser or the form; an accepted config re-validates: the file
//! the form writes for it (`render`, as for a new file) is accepted by `Config::parse` again,
//! and when the form finds no problem with it, the config read back shows the same value
//! (trimmed, as the form writes it) in every field the form uses; and an unchanged form
//! leaves an existing file byte for byte as it was (but for a line break added after a last
//! line that lacks one, and CRLF written as LF in a file that mixes both).
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

    // A last line that lacks a line break gets one; a file that mixes CRLF and LF gets LF
    // only; nothing else may change.
    if let Ok(kept) = form.render(Some(&text)) {
        let unix = text.replace("\r\n", "\n");
        let same = [text.as_ref(), unix.as_str()]
            .iter()
            .any(|was| kept == *was || kept.strip_suffix('\n') == Some(was) || kept.strip_suffix("\r\n") == Some(was));
        assert!(same, "an unchanged form rewrote the file:\n{kept:?}\nwas:\n{text:?}");
    }
});

/// A folder that does not exist: nothing relative to it is found.
fn folder() -> PathBuf {
    PathBuf::from("/nonexistent/tillguard-fuzz")
}
