//! No secret leaves the till: with the most verbose logging, a configured till's terminal
//! password and manager PIN appear neither in the log output nor in the audit log, and the
//! ledger and config file are private to their owner.

mod common;

const PASSWORD: &str = "975318";
const PIN: &str = "86420";

fn run(dir: &std::path::Path, args: &[&str], pin: Option<&str>) -> (bool, String) {
    let mut command = common::command(dir, args);
    command.env("TILLGUARD_LOG", "trace");
    if let Some(pin) = pin {
        command.env("TILLGUARD_MANAGER_PIN", pin);
    }
    let out = command.output().expect("run");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// `secret` as a value of its own: digits inside a longer run (a timestamp's nanoseconds,
/// a hash) are a coincidence, not a leak.
fn standalone(text: &str, secret: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices(secret).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + secret.len()).copied();
        let part_of_more = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_hexdigit() || b == b'.');
        !part_of_more(before) && !part_of_more(after)
    })
}

#[test]
fn standalone_finds_values_not_digits_inside_timestamps() {
    assert!(standalone("password = \"975318\"", "975318"));
    assert!(standalone("pin 86420.", "86420") || standalone("pin 86420 ", "86420"));
    assert!(!standalone("08:36:12.975318412Z", "975318"));
    assert!(!standalone("hash a8642071", "86420"));
}

#[test]
fn the_terminal_password_and_pins_stay_out_of_logs_and_the_audit_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let config = format!(
        "[store]\nname = \"Shop\"\ntime_zone = \"Asia/Shanghai\"\n\n[terminal]\nconnection = \"simulator\"\npassword = \"{PASSWORD}\"\n\n[guard]\nmanager_pin = \"{PIN}\"\n"
    );
    std::fs::write(d.join("tillguard.toml"), config).expect("config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join("tillguard.toml"), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    std::fs::write(
        d.join("catalog.csv"),
        "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\nTEA,,茶,Tea,5.00,13,true\n",
    )
    .expect("catalog");
    let catalog = d.join("catalog.csv").display().to_string();
    let mut output = String::new();
    for (args, pin, must_succeed) in [
        (vec!["catalog", "import", catalog.as_str()], None, true),
        (vec!["sell", "--item", "TEA", "--tender", "card", "--json"], None, true),
        (
            vec!["sell", "--item", "TEA", "--tender", "cash:10", "--json"],
            None,
            true,
        ),
        (vec!["refund", "2", "--json"], Some("99999"), false),
        (vec!["refund", "2", "--json"], Some(PIN), true),
        (vec!["settle", "--json"], None, true),
        (vec!["status", "--json"], None, true),
    ] {
        let (ok, text) = run(d, &args, pin);
        assert_eq!(ok, must_succeed, "{args:?}: {text}");
        output.push_str(&text);
    }
    assert!(
        output.contains("TRACE") || output.contains("DEBUG") || output.contains("INFO"),
        "logging was on"
    );
    let (ok, events) = run(d, &["audit", "show", "--last", "1000", "--json"], None);
    assert!(ok, "{events}");
    assert!(
        events.contains("permission.approved"),
        "the refund's approval is there: {events}"
    );
    for secret in [PASSWORD, PIN] {
        let at = output.find(secret).unwrap_or(0);
        let context: String = output[at.saturating_sub(200)..].chars().take(260).collect();
        assert!(!standalone(&output, secret), "{secret} in the log output: ...{context}");
        assert!(!standalone(&events, secret), "{secret} in the audit log");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("tillguard.sqlite"))
            .expect("ledger")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the ledger is private: {mode:o}");
    }
}
