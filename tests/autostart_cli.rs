//! `tillguard autostart on|off|status` writes, reports and removes the XDG autostart entry
//! (in a scratch XDG_CONFIG_HOME), keeping the data folder it was given.
#![cfg(all(unix, not(target_os = "macos")))]

mod common;

use serde_json::Value;
use std::path::Path;

fn autostart(data: &Path, home: &Path, args: &[&str]) -> Value {
    let out = common::command(data, &[&["autostart"], args, &["--json"]].concat())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .expect("run tillguard");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn on_writes_an_entry_that_opens_the_same_ledger_and_off_removes_it() {
    let data = tempfile::tempdir().expect("tempdir");
    let home = tempfile::tempdir().expect("tempdir");
    let file = home.path().join("config/autostart/tillguard.desktop");

    let before = autostart(data.path(), home.path(), &["status"]);
    assert_eq!(before["enabled"], false);
    assert_eq!(before["location"], file.display().to_string());

    let on = autostart(data.path(), home.path(), &["on"]);
    assert_eq!(on["enabled"], true);
    let text = std::fs::read_to_string(&file).expect("entry written");
    let exec = text.lines().find_map(|l| l.strip_prefix("Exec=")).expect("Exec");
    let program = std::fs::canonicalize(env!("CARGO_BIN_EXE_tillguard")).expect("exe");
    assert_eq!(
        exec,
        format!("\"{}\" \"--data-dir\" \"{}\"", program.display(), data.path().display())
    );
    assert_eq!(on["command"], exec);
    assert!(text.contains("\nType=Application\n") && text.contains("\nIcon=tillguard\n"));
    assert!(
        !text.contains("autostart"),
        "the entry opens the window, not the command"
    );

    assert_eq!(autostart(data.path(), home.path(), &["status"])["enabled"], true);
    assert_eq!(autostart(data.path(), home.path(), &["off"])["enabled"], false);
    assert!(!file.exists());
    // Off twice is not an error: the till simply does not start at sign-in.
    assert_eq!(autostart(data.path(), home.path(), &["off"])["enabled"], false);
}
