//! The form's `[alerts]` fields: written under `[alerts]`, `[alerts.webhook]` and
//! `[alerts.email]`, a channel's whole table removed when its address is emptied, every field
//! checked as the loader checks it, and the mail password never repeated.

use super::*;
use crate::config::{EmailConfig, Language, SmtpSecurity, WebhookConfig};

const FILE: &str = r#"# the corner shop
[store]
name = "小店" # on receipts
currency = "CNY"

[alerts]
# the owner reads these on her phone
desktop = true
"#;

const PASSWORD: &str = " pa55 word ";

fn form_for(dir: &Path, text: &str) -> (PathBuf, SettingsForm) {
    let path = dir.join(crate::config::FILE_NAME);
    std::fs::write(&path, text).expect("write config");
    let running = Config::load(&path).expect("valid config");
    let (form, error) = SettingsForm::load(&path, &running, None);
    assert_eq!(error, None);
    assert!(form.is_valid(), "{:?}", form.errors());
    (path, form)
}

fn ca_path() -> String {
    if cfg!(windows) {
        r"C:\certs\ca.pem".into()
    } else {
        "/etc/tillguard/ca.pem".into()
    }
}

/// Both channels filled in, as a manager types them.
fn fill_in(form: &mut SettingsForm) {
    form.set(Field::AlertsDesktop, "false");
    form.set(Field::AlertsOfflineMinutes, "30");
    form.set(Field::WebhookUrl, " https://hooks.example.com/till?k=1 ");
    form.set(Field::WebhookTimeout, "20");
    form.set(Field::EmailServer, "smtp.example.com");
    // The mail fields show once there is a server; the port follows the security.
    assert!(form.in_use(Field::EmailTo));
    assert_eq!(form.get(Field::EmailPort), "587");
    form.set(Field::EmailSecurity, "tls");
    assert_eq!(form.get(Field::EmailPort), "465");
    form.set(Field::EmailUsername, "till");
    form.set(Field::EmailPassword, PASSWORD);
    form.set(Field::EmailFrom, "till@shop.example");
    form.set(Field::EmailTo, "boss@shop.example, owner@example.org,");
    form.set(Field::EmailCaFile, ca_path());
    assert!(form.is_valid(), "{:?}", form.errors());
}

#[test]
fn the_alert_fields_are_written_under_their_tables_and_load_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), FILE);
    assert_eq!(form.get(Field::WebhookUrl), "");
    assert!(!form.in_use(Field::WebhookTimeout) && !form.in_use(Field::EmailPort));
    fill_in(&mut form);
    let changed = form.changed();
    assert_eq!(
        changed,
        [
            "[alerts] desktop",
            "[alerts] device_offline_minutes",
            "[alerts.webhook] url",
            "[alerts.webhook] timeout_seconds",
            "[alerts.email] server",
            "[alerts.email] port",
            "[alerts.email] security",
            "[alerts.email] username",
            "[alerts.email] password",
            "[alerts.email] from",
            "[alerts.email] to",
            "[alerts.email] ca_file",
        ]
    );
    assert!(!form.needs_restart(), "alerts apply at once");
    let saved = form.save(&path).expect("saved");
    assert_eq!(saved.changed, changed);
    assert!(!format!("{saved:?}").is_empty());

    let text = std::fs::read_to_string(&path).expect("read");
    for kept in [
        "# the corner shop\n",
        "name = \"小店\" # on receipts\n",
        "# the owner reads these on her phone\ndesktop = false\n",
        "[alerts.webhook]\n",
        "[alerts.email]\n",
        "to = [\"boss@shop.example\", \"owner@example.org\"]\n",
    ] {
        assert!(text.contains(kept), "{kept:?} missing in\n{text}");
    }
    let alerts = Config::load(&path).expect("the saved file loads").alerts;
    assert!(!alerts.desktop);
    assert_eq!(alerts.device_offline_minutes, 30);
    assert_eq!(
        alerts.webhook,
        Some(WebhookConfig {
            url: "https://hooks.example.com/till?k=1".into(),
            timeout_secs: 20,
        })
    );
    assert_eq!(
        alerts.email,
        Some(EmailConfig {
            server: "smtp.example.com".into(),
            port: 465,
            security: SmtpSecurity::Tls,
            username: Some("till".into()),
            password: Some(PASSWORD.into()),
            from: "till@shop.example".into(),
            to: vec!["boss@shop.example".into(), "owner@example.org".into()],
            ca_file: Some(PathBuf::from(ca_path())),
            timeout_secs: crate::config::alerts::DEFAULT_TIMEOUT_SECS,
        })
    );
    assert_eq!(saved.config.alerts, alerts);

    // Loaded again, the form shows the file and saving it unchanged changes nothing.
    let (again, _) = SettingsForm::load(&path, &saved.config, None);
    assert!(again.changed().is_empty(), "{:?}", again.changed());
    assert_eq!(again.get(Field::EmailTo), "boss@shop.example, owner@example.org");
    assert_eq!(again.get(Field::EmailPort), "465");
    again.save(&path).expect("saved again");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}

#[test]
fn an_emptied_address_removes_its_channel_with_the_keys_the_form_does_not_show() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), FILE);
    fill_in(&mut form);
    form.save(&path).expect("saved");
    // A key the form does not show, added by hand.
    let text = std::fs::read_to_string(&path).expect("read");
    let text = text.replace(
        "[alerts.email]\n",
        "[alerts.email]\ntimeout_seconds = 30 # slow relay\n",
    );
    std::fs::write(&path, &text).expect("write");
    let running = Config::load(&path).expect("valid");
    let (mut form, _) = SettingsForm::load(&path, &running, None);

    form.set(Field::WebhookUrl, "  ");
    assert!(!form.in_use(Field::WebhookTimeout));
    form.set(Field::EmailServer, "");
    assert!(!form.in_use(Field::EmailFrom) && !form.in_use(Field::EmailPassword));
    assert!(form.is_valid(), "{:?}", form.errors());
    let saved = form.save(&path).expect("saved");
    assert!(saved.changed.contains(&"[alerts.webhook] url".to_string()));
    assert!(saved.changed.contains(&"[alerts.email] server".to_string()));
    let text = std::fs::read_to_string(&path).expect("read");
    for gone in [
        "webhook",
        "email",
        "timeout_seconds",
        "smtp",
        "password",
        PASSWORD.trim(),
    ] {
        assert!(!text.contains(gone), "{gone:?} left in\n{text}");
    }
    assert!(
        text.contains("# the owner reads these on her phone\ndesktop = false\n"),
        "{text}"
    );
    let alerts = Config::load(&path).expect("loads").alerts;
    assert_eq!((alerts.webhook, alerts.email), (None, None));
    assert_eq!(alerts.device_offline_minutes, 30);
}

#[test]
fn a_new_channel_in_a_file_without_alerts_and_in_an_inline_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), "[store]\nname = \"A\"\n");
    form.set(Field::WebhookUrl, "http://127.0.0.1:8080/hook");
    form.save(&path).expect("saved");
    let text = std::fs::read_to_string(&path).expect("read");
    // No empty [alerts] header above the channel's table.
    assert_eq!(
        text,
        "[store]\nname = \"A\"\n\n[alerts.webhook]\nurl = \"http://127.0.0.1:8080/hook\"\ntimeout_seconds = 10\n"
    );

    let (path, mut form) = form_for(dir.path(), "store = { name = \"A\" }\nalerts = { desktop = true }\n");
    form.set(Field::WebhookUrl, "http://127.0.0.1:8080/hook");
    form.save(&path).expect("saved");
    let config = Config::load(&path).expect("loads");
    assert_eq!(
        config.alerts.webhook.as_ref().map(|w| w.url.as_str()),
        Some("http://127.0.0.1:8080/hook")
    );
    let (mut form, _) = SettingsForm::load(&path, &config, None);
    form.set(Field::WebhookUrl, "");
    form.save(&path).expect("saved");
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(text, "store = { name = \"A\" }\nalerts = { desktop = true }\n");
}

#[test]
fn every_bad_alert_value_gets_a_message_at_its_own_field() {
    let en = I18n::new(Language::En);
    let zh = I18n::new(Language::Zh);
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(Field, &str)] = &[
        (Field::AlertsOfflineMinutes, "0"),
        (Field::AlertsOfflineMinutes, "1441"),
        (Field::AlertsOfflineMinutes, "ten"),
        (Field::AlertsDesktop, "yes"),
        (Field::WebhookUrl, "ftp://example.com/x"),
        (Field::WebhookUrl, "example.com/hook"),
        (Field::WebhookUrl, "https://a b.com/"),
        (Field::WebhookTimeout, "0"),
        (Field::WebhookTimeout, "121"),
        (Field::WebhookTimeout, "soon"),
        (Field::EmailServer, "smtps://mail.example.com"),
        (Field::EmailPort, "0"),
        (Field::EmailPort, "70000"),
        (Field::EmailSecurity, "none"),
        (Field::EmailFrom, "till"),
        (Field::EmailFrom, ""),
        (Field::EmailTo, "boss"),
        (Field::EmailTo, "a@shop.example, b@"),
        (Field::EmailTo, "a@localhost"),
        (Field::EmailTo, " , "),
        (Field::EmailCaFile, "ca.pem"),
        (Field::EmailPassword, ""),
    ];
    for (field, bad) in cases {
        let (path, mut form) = form_for(dir.path(), FILE);
        fill_in(&mut form);
        let before = std::fs::read(&path).expect("read");
        form.set(*field, *bad);
        let errors: Vec<Field> = form.errors().keys().copied().collect();
        assert_eq!(errors, vec![*field], "{field:?} = {bad:?}");
        let problem = form.error(*field).expect("problem");
        let text = problem.text(&en);
        assert_ne!(text, problem.id, "{field:?}: untranslated");
        assert_ne!(problem.text(&zh), problem.id, "{field:?}: untranslated in zh-CN");
        let named = bad.split(',').map(str::trim).rfind(|b| !b.is_empty());
        if let Some(named) = named {
            assert!(text.contains(named), "{field:?}: {text:?} does not name {bad:?}");
        }
        let e = form.save(&path).expect_err("invalid");
        assert!(e.to_string().contains(&field.key_name()), "{e}");
        assert_eq!(std::fs::read(&path).expect("read"), before);
    }
}

#[test]
fn the_mail_password_is_never_repeated() {
    let en = I18n::new(Language::En);
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut form) = form_for(dir.path(), FILE);
    fill_in(&mut form);
    assert!(Field::EmailPassword.is_secret());
    // A password without a user name: the error is at the user name and does not quote it.
    form.set(Field::EmailUsername, " ");
    let problem = form.error(Field::EmailUsername).expect("a password needs a user");
    assert_eq!(problem.id, "settings-error-alerts-username");
    let e = form.save(&path).expect_err("invalid");
    for said in [problem.text(&en), e.to_string(), format!("{problem:?}")] {
        assert!(!said.contains(PASSWORD.trim()), "{said}");
    }
    // Saved, only key names are reported (the settings audit records these).
    form.set(Field::EmailUsername, "till");
    let saved = form.save(&path).expect("saved");
    assert!(saved.changed.contains(&"[alerts.email] password".to_string()));
    assert!(saved.changed.iter().all(|k| !k.contains(PASSWORD.trim())));
    // A changed password is a changed key, its value is not.
    let (mut form, _) = SettingsForm::load(&path, &saved.config, None);
    form.set(Field::EmailPassword, "n3w secret");
    assert_eq!(form.changed(), ["[alerts.email] password"]);
    // The user name without a password: the password's error, no value in it.
    form.set(Field::EmailPassword, "");
    let problem = form.error(Field::EmailPassword).expect("a user needs a password");
    assert!(!problem.text(&en).contains("till"));
    assert!(problem.args.is_empty());
    // No login at all is fine.
    form.set(Field::EmailUsername, "");
    assert!(form.is_valid(), "{:?}", form.errors());
}

#[test]
fn every_alert_text_exists_in_both_languages() {
    for language in [Language::Zh, Language::En] {
        let i18n = I18n::new(language);
        for value in SECURITY_TEXTS {
            let id = format!("settings-alerts-security-{value}");
            assert_ne!(i18n.t(&id), id);
        }
    }
}
