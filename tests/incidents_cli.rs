//! Incidents and alerts from the command line, as a shop's manager would meet them: a
//! standalone terminal's batch is cleared unsettled, the command that finds it opens the
//! incident, `alerts send` delivers it to a webhook on 127.0.0.1 and to an SMTP server
//! (STARTTLS) started here, and the manager writes it up and closes it.

mod alert_support;

use alert_support::http::{Answer, HttpServer};
use alert_support::smtp::{Security, SmtpServer};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

struct Shop {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Shop {
    fn new(hook: &HttpServer, mail: &SmtpServer) -> Shop {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().to_path_buf();
        let ca = mail.cert.write_pem(&path, "relay-ca.pem");
        let config = format!(
            "[store]\nname = \"小店\"\ntime_zone = \"UTC\"\nlanguage = \"en\"\n\
             [terminal]\nkind = \"standalone\"\nname = \"POS\"\nacquirer = \"Acq\"\nauto_clear = \"23:00\"\n\
             [guard]\nmanager_pin = \"2468\"\n\
             [alerts.webhook]\nurl = \"{}\"\ntimeout_seconds = 3\n\
             [alerts.email]\nserver = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\nusername = \"till\"\n\
             password = \"secret\"\nfrom = \"till@shop.example\"\nto = [\"manager@shop.example\"]\nca_file = {:?}\n",
            hook.url("/hook"),
            mail.port(),
            ca.to_str().expect("utf-8"),
        );
        std::fs::write(path.join("tillguard.toml"), config).expect("config");
        let shop = Shop { _dir: dir, path };
        let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo_catalog.csv");
        shop.ok(
            "2026-11-26T09:00:00Z",
            &["catalog", "import", catalog.to_str().expect("utf-8")],
        );
        shop
    }

    fn run(&self, now: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tillguard"))
            .arg("--data-dir")
            .arg(&self.path)
            .args(args)
            .env_remove("TILLGUARD_DATA_DIR")
            .env_remove("TILLGUARD_CONFIG")
            .env_remove("TILLGUARD_TERMINAL")
            .env_remove("TILLGUARD_PRINTER")
            .env("TILLGUARD_MANAGER_PIN", "2468")
            .env("TILLGUARD_FAKE_NOW", now)
            .output()
            .expect("run tillguard")
    }

    fn ok(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn json(&self, now: &str, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(now, args)).expect("JSON")
    }
}

#[test]
fn a_lost_batch_is_an_incident_that_reaches_the_manager_and_is_closed_with_a_remedy() {
    let hook = HttpServer::start(Answer::Ok);
    let mail = SmtpServer::start(Security::StartTls, Some(("till", "secret")));
    let shop = Shop::new(&hook, &mail);
    shop.ok(
        "2026-11-26T10:00:00Z",
        &["sell", "--item", "COLA", "--tender", "card:manual:101"],
    );
    assert_eq!(
        shop.json("2026-11-26T10:01:00Z", &["incidents", "--json"])["incidents"],
        serde_json::json!([])
    );

    // The clear time passes unsettled: the first command after it finds the lost batch.
    let out = shop.run("2026-11-26T23:01:00Z", &["status"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("incident #1 opened"), "{stderr}");
    let list = shop.json("2026-11-26T23:02:00Z", &["incidents", "--json"]);
    let incident = &list["incidents"][0];
    assert_eq!(incident["kind"], "lost_batch");
    assert_eq!(incident["amount"], "3.50");
    let waiting = shop.json("2026-11-26T23:02:00Z", &["alerts", "status", "--json"]);
    assert_eq!(waiting["waiting"].as_array().map(Vec::len), Some(2), "{waiting}");

    let sent = shop.ok("2026-11-26T23:03:00Z", &["alerts", "send"]);
    assert!(sent.contains("2 alert(s) sent"), "{sent}");
    let posted = hook.wait_for_requests(1, Duration::from_secs(5));
    let json: Value = serde_json::from_slice(&posted[0].body).expect("JSON");
    assert_eq!(
        (json["shop"].as_str(), json["incident"]["kind"].as_str()),
        (Some("小店"), Some("lost_batch"))
    );
    let mails = mail.messages();
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].subject().expect("subject").contains("小店"),
        "the shop's name arrives intact"
    );

    // Who was told is on the record; the manager writes it up and closes it.
    let shown = shop.json("2026-11-26T23:04:00Z", &["incidents", "show", "1", "--json"]);
    let channels: Vec<&str> = shown["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .filter(|a| !a["sent_at"].is_null())
        .filter_map(|a| a["channel"].as_str())
        .collect();
    assert_eq!(channels, ["webhook", "email"]);
    let out = shop.run(
        "2026-11-27T09:00:00Z",
        &["incidents", "note", "1", "--cause", "forgot to settle", "--close"],
    );
    assert!(!out.status.success(), "closing needs a remedy");
    assert!(String::from_utf8_lossy(&out.stderr).contains("remedy"));
    shop.ok(
        "2026-11-27T09:00:00Z",
        &[
            "incidents",
            "note",
            "1",
            "--cause",
            "forgot to settle",
            "--remedy",
            "claim filed 2026-11-27",
            "--close",
        ],
    );
    assert_eq!(
        shop.json("2026-11-27T09:01:00Z", &["incidents", "--json"])["incidents"],
        serde_json::json!([])
    );
    let csv = shop.ok("2026-11-27T09:02:00Z", &["incidents", "export", "--csv", "-", "--all"]);
    assert!(
        csv.lines().nth(1).is_some_and(|l| l.contains("claim filed 2026-11-27")),
        "{csv}"
    );
    let audit = shop.ok("2026-11-27T09:03:00Z", &["audit", "show", "--last", "50"]);
    assert!(
        audit.contains("incident.open") && audit.contains("incident.close"),
        "{audit}"
    );
}

#[test]
fn a_test_alert_reaches_both_channels() {
    let hook = HttpServer::start(Answer::Ok);
    let mail = SmtpServer::start(Security::StartTls, Some(("till", "secret")));
    let shop = Shop::new(&hook, &mail);
    let out = shop.ok("2026-11-26T10:00:00Z", &["alerts", "test"]);
    assert!(
        out.contains("webhook and email") && out.contains("2 alert(s) sent"),
        "{out}"
    );
    let json: Value = serde_json::from_slice(&hook.wait_for_requests(1, Duration::from_secs(5))[0].body).expect("JSON");
    assert_eq!(json["event"], "test");
    assert!(mail.messages()[0].subject().expect("subject").contains("test alert"));
}
