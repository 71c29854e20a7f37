use super::*;
use crate::config::{Language, ThemeChoice};
use crate::terminal::spec::BAUDS;
use std::collections::BTreeSet;

const FILE: &str = r#"# Tillguard at the corner shop
# (kept by hand: the settings screen must not lose this)

[store]
name = "小店"   # the name on receipts
currency = "CNY"
time_zone = "Asia/Shanghai"
day_cutoff = "04:00"

[till]
id = "7"
cashier = "Lin"

[guard]
manager_pin = "4321"

[printer]
# the counter printer
connection = "tcp:10.0.0.9:9100"
drawer = false # no drawer at this till
"#;

fn form_for(dir: &Path, text: &str) -> (PathBuf, SettingsForm) {
    let path = dir.join(crate::config::FILE_NAME);
    std::fs::write(&path, text).expect("write config");
    let running = Config::load(&path).expect("valid config");
    let (form, error) = SettingsForm::load(&path, &running, None);
    assert_eq!(error, None);
    assert!(form.is_valid(), "{:?}", form.errors());
    (path, form)
}

/// The files in `dir`, so a test sees that no temporary file was left behind.
fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn saving_keeps_comments_and_the_keys_the_form_does_not_show() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), FILE);
    form.set(Field::StoreName, "街角小店");
    form.set(Field::Theme, "dark");
    form.set(Field::LockMinutes, "5");
    form.set(Field::DiscountLimit, "12.5");
    let keys = [
        "[store] name",
        "[ui] theme",
        "[ui] lock_after_minutes",
        "[sale] cashier_discount_limit_percent",
    ];
    assert_eq!(form.changed(), keys);
    assert!(!form.needs_restart());

    let saved = form.save(&path).expect("saved");
    assert_eq!(saved.changed, keys);
    assert!(!saved.created);
    let text = std::fs::read_to_string(&path).expect("read");
    for kept in [
        "# Tillguard at the corner shop\n# (kept by hand: the settings screen must not lose this)\n",
        "name = \"街角小店\"   # the name on receipts\n",
        "time_zone = \"Asia/Shanghai\"\nday_cutoff = \"04:00\"\n",
        "[till]\nid = \"7\"\ncashier = \"Lin\"\n",
        "[guard]\nmanager_pin = \"4321\"\n",
        "# the counter printer\nconnection = \"tcp:10.0.0.9:9100\"\ndrawer = false # no drawer at this till\n",
        "theme = \"dark\"",
        "lock_after_minutes = 5",
        "cashier_discount_limit_percent = 12.5",
    ] {
        assert!(text.contains(kept), "{kept:?} missing in\n{text}");
    }
    let c = Config::load(&path).expect("the saved file loads");
    assert_eq!(c.store_name, "街角小店");
    assert_eq!((c.ui.theme, c.ui.lock_after_minutes), (ThemeChoice::Dark, 5));
    assert_eq!(c.sale.cashier_discount_limit_percent, Decimal::new(125, 1));
    assert_eq!((c.till_id.as_str(), c.cashier.as_str()), ("7", "Lin"));
    assert_eq!(c.manager_pin.as_deref(), Some("4321"));
    assert!(!c.printer.drawer);
    assert_eq!(saved.config.store_name, "街角小店");

    // Loaded again and saved unchanged, the file stays byte for byte the same.
    let (again, _) = SettingsForm::load(&path, &c, None);
    assert!(again.changed().is_empty());
    again.save(&path).expect("saved again");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    assert_eq!(
        names(dir.path()),
        BTreeSet::from([crate::config::FILE_NAME.to_string()])
    );
}

#[test]
fn a_table_written_inline_is_edited_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), "store = { name = \"A\", currency = \"CNY\" }\n");
    form.set(Field::StoreName, "B");
    form.save(&path).expect("saved");
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(text, "store = { name = \"B\", currency = \"CNY\" }\n");
}

/// A fresh valid form, prepared for `field` (its terminal or printer kind chosen).
fn prepared(dir: &Path, field: Field) -> (PathBuf, SettingsForm) {
    let (path, mut form) = form_for(dir, FILE);
    match field {
        Field::TerminalHost | Field::TerminalTcpPort => {
            form.set(Field::TerminalKind, TERMINAL_TCP);
            form.set(Field::TerminalHost, "10.0.0.5");
        }
        Field::TerminalPort | Field::TerminalBaud | Field::TerminalPassword | Field::AutoClear => {
            form.set(Field::TerminalKind, TERMINAL_SERIAL);
            form.set(Field::TerminalPort, "/dev/ttyUSB0");
        }
        Field::StandaloneName | Field::StandaloneAcquirer | Field::StandaloneTerminalId | Field::VoucherOnSlip => {
            form.set(Field::TerminalKind, TERMINAL_STANDALONE);
            form.set(Field::StandaloneName, "柜台POS");
        }
        _ => {}
    }
    assert!(form.is_valid(), "{field:?}: {:?}", form.errors());
    (path, form)
}

#[test]
fn every_bad_value_gets_a_message_at_its_own_field() {
    let en = I18n::new(Language::En);
    let zh = I18n::new(Language::Zh);
    let dir = tempfile::tempdir().expect("tempdir");
    let a_file = dir.path().join("not-a-folder");
    std::fs::write(&a_file, "x").expect("file");
    let a_file = a_file.display().to_string();
    let too_long = "银".repeat(crate::config::standalone::TEXT_MAX + 1);
    let cases: Vec<(Field, &str)> = vec![
        (Field::StoreName, "  "),
        (Field::Currency, "XYZ"),
        (Field::DayCutoff, "13:00"),
        (Field::DayCutoff, "25:00"),
        (Field::DayCutoff, "4"),
        (Field::TimeZone, "Mars/Base"),
        (Field::TimeZone, ""),
        (Field::Language, "fr"),
        (Field::Theme, "blue"),
        (Field::LockMinutes, "-1"),
        (Field::LockMinutes, "99999"),
        (Field::LockMinutes, "ten"),
        (Field::DiscountLimit, "101"),
        (Field::DiscountLimit, "-1"),
        (Field::DiscountLimit, "1.234"),
        (Field::DiscountLimit, "x"),
        (Field::RemoveLineNeedsManager, "maybe"),
        (Field::TerminalKind, "bluetooth"),
        (Field::TerminalPort, ""),
        (Field::TerminalBaud, "12"),
        (Field::TerminalHost, ""),
        (Field::TerminalHost, "pt 1"),
        (Field::TerminalHost, "fe80::1"),
        (Field::TerminalTcpPort, "0"),
        (Field::TerminalTcpPort, "70000"),
        (Field::TerminalPassword, "12345"),
        (Field::TerminalPassword, ""),
        (Field::AutoClear, "25:61"),
        (Field::StandaloneName, "  "),
        (Field::StandaloneName, &too_long),
        (Field::StandaloneName, "柜台\tPOS"),
        (Field::StandaloneAcquirer, &too_long),
        (Field::StandaloneTerminalId, "1234\n5678"),
        (Field::VoucherOnSlip, "yes"),
        (Field::PrinterKind, "lpt"),
        (Field::PrinterAddress, ""),
        (Field::PrinterAddress, "host:port"),
        (Field::PrinterWidth, "76"),
        (Field::PrinterCut, "half"),
        (Field::PrinterChinese, "big5"),
        (Field::PrinterCodePage, "latin1"),
        (Field::PrinterCode, "ean"),
        (Field::PrinterDrawer, "yes"),
        (Field::PrinterStatus, "1"),
        (Field::PrinterFeed, "21"),
        (Field::PrinterFeed, "-1"),
        (Field::PrinterLogo, "missing.png"),
        (Field::BackupFolder, "relative/folder"),
        (Field::BackupFolder, &a_file),
    ];
    for (field, bad) in cases {
        let (path, mut form) = prepared(dir.path(), field);
        let before = std::fs::read(&path).expect("read");
        form.set(field, bad);
        let errors: Vec<Field> = form.errors().keys().copied().collect();
        assert_eq!(errors, vec![field], "{field:?} = {bad:?}");
        let problem = form.error(field).expect("problem");
        let text = problem.text(&en);
        assert_ne!(text, problem.id, "{field:?}: untranslated");
        assert_ne!(problem.text(&zh), problem.id, "{field:?}: untranslated in zh-CN");
        if field.is_secret() {
            assert!(bad.is_empty() || !text.contains(bad), "{text}");
        } else if !bad.trim().is_empty() {
            assert!(text.contains(bad.trim()), "{field:?}: {text:?} does not name {bad:?}");
        }
        // Saving names the field's key and leaves the file alone.
        let e = form.save(&path).expect_err("invalid");
        assert!(matches!(e, SaveError::Invalid(_)), "{e}");
        assert!(e.to_string().contains(&field.key_name()), "{e}");
        assert_eq!(std::fs::read(&path).expect("read"), before);
    }
}

#[test]
fn a_refused_file_leaves_the_old_one_and_no_temporary_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), FILE);
    form.set(Field::StoreName, "New");
    // Meanwhile someone put a key the form does not show, and it is wrong.
    let edited = FILE.replace("[till]\nid", "[tills]\nid");
    std::fs::write(&path, &edited).expect("edit");
    let e = form.save(&path).expect_err("refused");
    assert!(matches!(e, SaveError::Refused(_)), "{e}");
    assert!(e.to_string().contains("tills"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), edited);
    assert_eq!(
        names(dir.path()),
        BTreeSet::from([crate::config::FILE_NAME.to_string()])
    );

    std::fs::write(&path, "[store\nname = 1").expect("broken");
    let e = form.save(&path).expect_err("not toml");
    assert!(matches!(e, SaveError::NotToml { .. }), "{e}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "[store\nname = 1");
}

#[cfg(unix)]
#[test]
fn the_file_is_for_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), FILE);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    form.set(Field::Address, "1 Main St");
    form.save(&path).expect("saved");
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn saving_a_demo_creates_the_file_with_every_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config").join(crate::config::FILE_NAME);
    let demo = Config::demo();
    let (mut form, error) = SettingsForm::load(&path, &demo, None);
    assert_eq!(error, None);
    // A zone no test machine is in, so it is a change wherever the test runs.
    form.set(Field::TimeZone, "Pacific/Chatham");
    form.set(Field::DayCutoff, "05:00");
    form.set(Field::Language, "en");
    assert!(form.needs_restart());
    let saved = form.save(&path).expect("created");
    assert!(saved.created);
    assert_eq!(
        saved.changed,
        ["[store] day_cutoff", "[store] time_zone", "[store] language"]
    );
    let c = Config::load(&path).expect("loads");
    assert!(!c.demo);
    assert_eq!(c.store_name, demo.store_name);
    assert_eq!(c.terminal, Some(TerminalSpec::Simulator));
    assert_eq!(c.terminal_password, demo.terminal_password);
    // The users (and their PINs) live in the ledger, not in this file.
    assert_eq!(c.manager_pin, None);
    assert_eq!(c.language, Language::En);
    assert_eq!(c.time_zone_name, "Pacific/Chatham");
    assert_eq!(c.printer, demo.printer);
    assert_eq!(c.ui, demo.ui);
    assert_eq!(c.sale, demo.sale);
}

#[test]
fn the_currency_is_fixed_once_the_ledger_has_sales() {
    let running = Config::parse(FILE).expect("valid");
    let ledger = |holds_money, has_products| {
        Some(LedgerCurrency {
            currency: Currency::CNY,
            holds_money,
            has_products,
        })
    };
    let mut form = SettingsForm::new(&running, PathBuf::from("."), ledger(true, true));
    assert_eq!(form.currency_fixed(), Some("CNY"));
    form.set(Field::Currency, "EUR");
    let problem = form.error(Field::Currency).expect("locked");
    assert_eq!(problem.id, "settings-error-currency-locked");
    assert!(problem.text(&I18n::new(Language::En)).contains("CNY"));
    form.set(Field::Currency, "cny");
    assert!(form.is_valid());
    assert!(form.changed().is_empty(), "{:?}", form.changed());

    let mut free = SettingsForm::new(&running, PathBuf::from("."), ledger(false, true));
    assert_eq!(free.currency_fixed(), None);
    free.set(Field::Currency, "EUR");
    assert!(free.is_valid());
    assert!(free.needs_restart());
    assert_eq!(free.changed(), ["[store] currency"]);
    // The catalog's prices are in cents; yen have none.
    free.set(Field::Currency, "JPY");
    assert_eq!(
        free.error(Field::Currency).map(|p| p.id),
        Some("settings-error-currency-decimals")
    );
    let mut empty = SettingsForm::new(&running, PathBuf::from("."), ledger(false, false));
    empty.set(Field::Currency, "JPY");
    assert!(empty.is_valid());
}

#[test]
fn the_terminal_fields_make_one_connection_and_the_password_is_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), FILE);
    assert!(!form.in_use(Field::TerminalPort) && !form.in_use(Field::TerminalPassword));
    form.set(Field::TerminalKind, TERMINAL_SERIAL);
    form.set(Field::TerminalPort, "/dev/ttyUSB0");
    form.set(Field::TerminalBaud, "115200");
    form.set(Field::TerminalPassword, "00-01-02");
    assert_eq!(form.get(Field::TerminalPassword), "000102");
    assert!(form.in_use(Field::TerminalBaud) && !form.in_use(Field::TerminalHost));
    assert_eq!(
        form.terminal_spec(),
        Some(Ok(TerminalSpec::Serial {
            path: "/dev/ttyUSB0".into(),
            baud: 115200
        }))
    );
    assert_eq!(form.changed(), ["[terminal] connection", "[terminal] password"]);
    assert!(form.needs_restart());
    form.save(&path).expect("saved");
    let c = Config::load(&path).expect("loads");
    assert_eq!(
        c.terminal.map(|t| t.to_string()).as_deref(),
        Some("zvt+serial:/dev/ttyUSB0@115200")
    );
    assert_eq!(c.terminal_password, 102);

    // No terminal: the connection goes, the password stays for when it comes back.
    let (mut form, _) = SettingsForm::load(&path, &Config::load(&path).expect("loads"), None);
    assert_eq!(form.get(Field::TerminalPassword), "000102");
    form.set(Field::TerminalKind, TERMINAL_NONE);
    assert_eq!(form.changed(), ["[terminal] connection"]);
    form.save(&path).expect("saved");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        !text.contains("connection = \"zvt") && text.contains("password = \"000102\""),
        "{text}"
    );
}

#[test]
fn the_printer_kind_and_address_make_one_connection() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), FILE);
    assert_eq!(
        (form.get(Field::PrinterKind), form.get(Field::PrinterAddress)),
        ("tcp", "10.0.0.9:9100")
    );
    form.set(Field::PrinterKind, "file");
    form.set(Field::PrinterAddress, "/tmp/receipts.bin");
    form.set(Field::PrinterWidth, "80");
    assert_eq!(
        form.printer_spec(),
        Some(Ok(PrinterSpec::File {
            path: "/tmp/receipts.bin".into()
        }))
    );
    let saved = form.save(&path).expect("saved");
    assert_eq!(saved.changed, ["[printer] connection", "[printer] width"]);
    assert_eq!(saved.config.printer.cols, crate::printer::text::WIDTH_80MM);
    form.set(Field::PrinterKind, PRINTER_NONE);
    assert!(form.is_valid() && form.printer_spec().is_none());
}

#[test]
fn every_text_the_form_uses_exists_in_both_languages() {
    for language in [Language::Zh, Language::En] {
        let i18n = I18n::new(language);
        let ids = PROBLEM_IDS.iter().copied().chain(FIELDS.iter().map(|f| f.label_id()));
        for id in ids {
            assert_ne!(i18n.t(id), id, "{id} missing in {}", language.code());
        }
    }
    let bauds: Vec<String> = BAUDS.iter().map(u32::to_string).collect();
    assert_eq!(
        BAUD_TEXTS,
        bauds.iter().map(String::as_str).collect::<Vec<_>>().as_slice()
    );
}

#[test]
fn a_preview_is_the_config_the_file_would_give() {
    let running = Config::parse(FILE).expect("valid");
    let mut form = SettingsForm::new(&running, PathBuf::from("."), None);
    form.set(Field::TerminalKind, TERMINAL_TCP);
    form.set(Field::TerminalHost, "pt.local");
    form.set(Field::TerminalPassword, "654321");
    let preview = form.preview(&running).expect("valid");
    assert_eq!(
        preview.terminal.map(|t| t.to_string()).as_deref(),
        Some("zvt+tcp:pt.local:20007")
    );
    assert_eq!(preview.terminal_password, 654321);
    assert_eq!(
        preview.manager_pin.as_deref(),
        Some("4321"),
        "kept from the running config"
    );
    form.set(Field::TimeZone, "Nowhere/Land");
    assert!(matches!(form.preview(&running), Err(SaveError::Invalid(_))));
}

#[test]
fn a_windows_file_keeps_its_line_breaks_and_byte_order_mark() {
    let windows = format!("\u{feff}{}", FILE.replace('\n', "\r\n"));
    let running = Config::parse(&windows).expect("valid");
    let mut form = SettingsForm::new(&running, PathBuf::from("."), None);
    assert_eq!(form.render(Some(&windows)).expect("toml"), windows, "unchanged");
    form.set(Field::StoreName, "Corner Shop");
    let saved = form.render(Some(&windows)).expect("toml");
    assert!(saved.starts_with('\u{feff}'), "{saved:?}");
    assert_eq!(saved.matches('\n').count(), saved.matches("\r\n").count(), "{saved:?}");
    assert!(saved.contains("Corner Shop"));
    assert_eq!(Config::parse(&saved).expect("valid").store_name, "Corner Shop");
}

/// A ZVT file whose [terminal] the form switches to a standalone terminal.
const ZVT_FILE: &str = r#"[store]
name = "小店"
currency = "CNY"
time_zone = "Asia/Shanghai"

# the terminal on the counter
[terminal]
connection = "zvt+tcp:10.0.0.5:20007"
password = "010203"
auto_clear = "23:00"
"#;

/// The `[terminal]` table of a config file, key by key.
fn terminal_keys(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("read");
    let doc: DocumentMut = text.parse().expect("toml");
    doc.get("terminal")
        .and_then(Item::as_table_like)
        .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn a_zvt_terminal_switched_to_standalone_and_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), ZVT_FILE);
    for field in [Field::StandaloneName, Field::StandaloneTerminalId, Field::VoucherOnSlip] {
        assert!(!form.in_use(field), "{field:?} hidden for ZVT");
    }
    form.set(Field::TerminalKind, TERMINAL_STANDALONE);
    // The manager names it before it can be saved.
    assert_eq!(
        form.error(Field::StandaloneName).map(|p| p.id),
        Some("settings-error-required")
    );
    assert!(form.in_use(Field::AutoClear) && !form.in_use(Field::TerminalPassword));
    assert!(!form.in_use(Field::TerminalHost));
    form.set(Field::StandaloneName, " 柜台POS ");
    form.set(Field::StandaloneAcquirer, "银联商务");
    form.set(Field::StandaloneTerminalId, "12345678");
    form.set(Field::VoucherOnSlip, "false");
    assert!(form.is_valid(), "{:?}", form.errors());
    assert_eq!(form.terminal_spec(), None, "nothing to connect to");
    assert!(form.needs_restart());
    let saved = form.save(&path).expect("saved");
    assert_eq!(
        saved.changed,
        [
            "[terminal] connection",
            "[terminal] kind",
            "[terminal] name",
            "[terminal] acquirer",
            "[terminal] terminal_id",
            "[terminal] password",
            "[terminal] voucher_on_slip",
        ]
    );
    assert_eq!(
        terminal_keys(&path),
        [
            "auto_clear",
            "kind",
            "name",
            "acquirer",
            "terminal_id",
            "voucher_on_slip"
        ]
    );
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("kind = \"standalone\"\nname = \"柜台POS\"\n"), "{text}");
    let c = Config::load(&path).expect("the standalone file loads");
    assert_eq!(c.terminal, None);
    assert_eq!(
        c.standalone,
        Some(crate::config::Standalone {
            name: "柜台POS".into(),
            acquirer: "银联商务".into(),
            terminal_id: "12345678".into(),
            voucher_on_slip: false,
        })
    );
    assert_eq!(c.terminal_auto_clear, Some(jiff::civil::Time::constant(23, 0, 0, 0)));
    assert_eq!(saved.config.standalone, c.standalone);

    // Loaded again it shows the standalone terminal; back to ZVT over TCP.
    let (mut form, error) = SettingsForm::load(&path, &c, None);
    assert_eq!(error, None);
    assert_eq!(form.get(Field::TerminalKind), TERMINAL_STANDALONE);
    assert_eq!(form.get(Field::StandaloneTerminalId), "12345678");
    assert_eq!(form.get(Field::VoucherOnSlip), "false");
    form.set(Field::TerminalKind, TERMINAL_TCP);
    form.set(Field::TerminalHost, "10.0.0.5");
    form.set(Field::TerminalPassword, "010203");
    assert!(form.is_valid(), "{:?}", form.errors());
    form.save(&path).expect("saved");
    assert_eq!(terminal_keys(&path), ["auto_clear", "connection", "password"]);
    let c = Config::load(&path).expect("the ZVT file loads");
    assert_eq!(c.standalone, None);
    assert_eq!(
        c.terminal.map(|t| t.to_string()).as_deref(),
        Some("zvt+tcp:10.0.0.5:20007")
    );
    assert_eq!(c.terminal_password, 10203);
    // The comment on the table survived both saves.
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("# the terminal on the counter\n[terminal]\n"), "{text}");
}

#[test]
fn a_standalone_terminal_is_loaded_and_saved_unchanged() {
    let file = "[store]\nname = \"小店\"\ntime_zone = \"Asia/Shanghai\"\n\n[terminal]\nkind = \"standalone\" # no cable\n\
                name = \"柜台POS\"\nacquirer = \"\"\nterminal_id = \"12345678\"\nauto_clear = \"23:00\"\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), file);
    assert_eq!(form.get(Field::TerminalKind), TERMINAL_STANDALONE);
    assert_eq!(form.get(Field::StandaloneName), "柜台POS");
    assert_eq!(form.get(Field::StandaloneAcquirer), "");
    assert_eq!(form.get(Field::AutoClear), "23:00");
    // voucher_on_slip is absent: its default.
    assert_eq!(form.get(Field::VoucherOnSlip), "true");
    assert!(form.changed().is_empty(), "{:?}", form.changed());
    form.save(&path).expect("saved");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), file);

    // A new name only changes the name; the kind keeps its comment.
    form.set(Field::StandaloneName, "前台");
    assert_eq!(form.changed(), ["[terminal] name"]);
    form.save(&path).expect("saved");
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(text, file.replace("柜台POS", "前台"));

    // No terminal at all: every standalone key goes, even the empty acquirer.
    let (mut form, _) = SettingsForm::load(&path, &Config::load(&path).expect("loads"), None);
    form.set(Field::TerminalKind, TERMINAL_NONE);
    form.save(&path).expect("saved");
    assert_eq!(terminal_keys(&path), ["auto_clear"]);
    let c = Config::load(&path).expect("loads");
    assert_eq!((c.terminal, c.standalone), (None, None));
}

#[test]
fn a_bad_standalone_name_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), ZVT_FILE);
    form.set(Field::TerminalKind, TERMINAL_STANDALONE);
    let en = I18n::new(Language::En);
    let long = "x".repeat(crate::config::standalone::TEXT_MAX + 1);
    for (bad, says) in [
        ("", "Required"),
        ("   ", "Required"),
        (long.as_str(), "at most 40 characters"),
        ("a\tb", "one line"),
    ] {
        form.set(Field::StandaloneName, bad);
        let problem = form.error(Field::StandaloneName).expect("refused");
        assert!(problem.text(&en).contains(says), "{bad:?}: {}", problem.text(&en));
        let e = form.save(&path).expect_err("invalid");
        assert!(e.to_string().contains("[terminal] name"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), ZVT_FILE);
    }
    // Exactly the longest name fits.
    form.set(Field::StandaloneName, "x".repeat(crate::config::standalone::TEXT_MAX));
    assert!(form.is_valid(), "{:?}", form.errors());
    // A ZVT kind neither checks nor writes the standalone fields.
    form.set(Field::StandaloneName, "");
    form.set(Field::TerminalKind, TERMINAL_TCP);
    assert!(form.is_valid(), "{:?}", form.errors());
    assert!(form.changed().is_empty(), "{:?}", form.changed());
}
