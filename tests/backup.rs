//! Backups and restores through the `tillguard` binary, each on a private data folder: the
//! backup command and its rotation, the backup after a Z-report, a restore refused over an
//! unsettled card batch and forced by an admin, and a damaged ledger.

mod common;

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use tillguard::money::Currency;
use tillguard::store::{FILE_NAME, Store};

/// Runs `tillguard --data-dir DIR ARGS...` at `now` (TILLGUARD_FAKE_NOW), with a PIN on
/// standard input when given.
fn run_at(dir: &Path, now: &str, args: &[&str], stdin_pin: Option<&str>) -> Output {
    let mut child = common::command(dir, args)
        .env("TILLGUARD_FAKE_NOW", now)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tillguard");
    if let Some(mut stdin) = child.stdin.take() {
        let line = stdin_pin.map(|p| format!("{p}\n")).unwrap_or_default();
        stdin.write_all(line.as_bytes()).expect("stdin");
    }
    child.wait_with_output().expect("wait")
}

const NOW: &str = "2026-11-27T10:00:00Z";

fn run(dir: &Path, args: &[&str]) -> Output {
    run_at(dir, NOW, args, None)
}

fn ok_json(out: Output, what: &str) -> Value {
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// A command that must fail with `code`; returns its stderr.
fn fails(out: Output, code: i32) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.starts_with("tillguard: "), "reason on stderr: {err}");
    err
}

fn backup_files(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn sell_cash(d: &Path) {
    ok_json(run(d, &["sell", "--item", "COLA", "--json"]), "cash sale");
}

#[test]
fn backup_checks_the_copy_and_rotation_keeps_the_configured_number() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(
        d.join("tillguard.toml"),
        "[store]\ntime_zone = \"UTC\"\n\n[backup]\nkeep = 2\n",
    )
    .expect("config");
    let mut made = Vec::new();
    for (i, now) in ["2026-11-27T10:00:00Z", "2026-11-27T11:00:00Z", "2026-11-27T12:00:00Z"]
        .into_iter()
        .enumerate()
    {
        let b = ok_json(run_at(d, now, &["backup", "--json"], None), "backup");
        assert_eq!(b["integrity"], "ok");
        assert!(b["size"].as_u64().expect("size") > 0);
        assert!(b["duration_ms"].is_u64());
        assert_eq!(b["reason"], "manual");
        let file = b["file"].as_str().expect("file").to_string();
        assert_eq!(
            Path::new(&file).file_name().and_then(|n| n.to_str()),
            Some(format!("tillguard-20261127-1{i}0000-manual.sqlite").as_str())
        );
        let removed: Vec<String> = serde_json::from_value(b["removed"].clone()).expect("removed");
        assert_eq!(
            removed,
            made.first().filter(|_| i == 2).cloned().into_iter().collect::<Vec<_>>()
        );
        made.push(file);
    }
    let folder = d.join("backups");
    assert_eq!(
        backup_files(&folder),
        [
            "tillguard-20261127-110000-manual.sqlite",
            "tillguard-20261127-120000-manual.sqlite"
        ]
    );
    let list = ok_json(run(d, &["backup", "list", "--json"]), "list");
    let listed: Vec<&str> = list["backups"]
        .as_array()
        .expect("backups")
        .iter()
        .map(|b| b["file"].as_str().expect("file"))
        .collect();
    assert_eq!(listed, [made[2].as_str(), made[1].as_str()], "newest first");
    assert_eq!(list["backups"][0]["taken_at"], "2026-11-27T12:00:00Z");
    let text = run(d, &["backup", "list"]);
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(text.starts_with("2026-11-27 12:00:00"), "{text}");

    std::fs::write(d.join("tillguard.toml"), "[backup]\nkeep = 0\n").expect("config");
    let err = fails(run(d, &["backup"]), 1);
    assert!(err.contains("[backup] keep"), "{err}");
}

#[test]
fn a_z_report_makes_a_backup_that_holds_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    sell_cash(d);
    let out = run(d, &["report", "z", "--counted", "3.50", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let z = ok_json(out, "report z");
    assert!(stderr.contains("backup written: "), "{stderr}");
    let list = ok_json(run(d, &["backup", "list", "--json"]), "list");
    let backups = list["backups"].as_array().expect("backups");
    assert_eq!(backups.len(), 1);
    assert_eq!(backups[0]["reason"], format!("z{}", z["z_number"]));
    let file = PathBuf::from(backups[0]["file"].as_str().expect("file"));
    let checked = tillguard::backup::check(&file).expect("a whole ledger");
    assert_eq!(checked.last_z, z["z_number"].as_i64());
    assert_eq!(checked.sales, 1);
}

/// The ledger's newest audit event (actor, kind, detail) and whether the chain is whole.
fn last_event(ledger: &Path) -> ((String, String, String), bool) {
    let store = Store::open(ledger, Currency::CNY).expect("the restored ledger opens");
    let event = store
        .connection()
        .query_row(
            "SELECT actor, kind, detail FROM audit_events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("event");
    (event, store.verify_audit().expect("verify").is_none())
}

#[test]
fn a_restore_over_an_open_card_batch_needs_an_admin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    sell_cash(d);
    let backup = ok_json(run(d, &["backup", "--json"]), "backup")["file"]
        .as_str()
        .expect("file")
        .to_string();
    // Demo mode pays by card through the built-in simulator: its batch is now open.
    ok_json(
        run(d, &["sell", "--item", "COLA", "--tender", "card", "--json"]),
        "card sale",
    );

    let err = fails(run(d, &["restore", &backup]), 3);
    assert!(err.contains("not yet settled") && err.contains("--force"), "{err}");
    let err = fails(run_at(d, NOW, &["restore", &backup, "--force"], Some("1234")), 1);
    assert!(err.contains("admin"), "a manager may not: {err}");
    let status = ok_json(run(d, &["status", "--json"]), "status");
    assert_eq!(status["sales_count"], 2, "nothing was replaced");

    let done = ok_json(
        run_at(d, NOW, &["restore", &backup, "--force", "--json"], Some("8888")),
        "forced restore",
    );
    assert_eq!(done["forced_by"], "管理员 Admin");
    assert_eq!(done["replaced"], "healthy");
    assert_eq!(done["sales"], 1);
    let kept = PathBuf::from(done["kept_aside"].as_str().expect("kept"));
    assert_eq!(kept.parent(), Some(d.join("replaced").as_path()));
    assert_eq!(tillguard::backup::check(&kept).expect("kept whole").sales, 2);

    let ((actor, kind, detail), chain_whole) = last_event(&d.join(FILE_NAME));
    assert_eq!((actor.as_str(), kind.as_str()), ("管理员 Admin", "restore"));
    assert!(
        detail.contains(&backup) && detail.contains(&kept.display().to_string()),
        "{detail}"
    );
    assert!(detail.contains("forced by 管理员 Admin"), "{detail}");
    assert!(chain_whole, "the restored ledger's audit chain verifies");
    let status = ok_json(run(d, &["status", "--json"]), "status after");
    assert_eq!(status["sales_count"], 1);
}

#[test]
fn a_damaged_ledger_is_named_refused_for_backup_and_restored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    sell_cash(d);
    let backup = ok_json(run(d, &["backup", "--json"]), "backup")["file"]
        .as_str()
        .expect("file")
        .to_string();
    let ledger = d.join(FILE_NAME);
    let len = std::fs::metadata(&ledger).expect("ledger").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&ledger)
        .and_then(|f| f.set_len(len / 2))
        .expect("truncate");
    let err = fails(run(d, &["status"]), 1);
    assert!(err.contains(&ledger.display().to_string()), "names the file: {err}");
    assert!(err.contains("damaged") && err.contains("tillguard restore"), "{err}");

    let err = fails(run_at(d, "2026-11-27T10:30:00Z", &["backup"], None), 1);
    assert!(err.contains("tillguard restore"), "{err}");
    assert_eq!(
        backup_files(&d.join("backups")).len(),
        1,
        "no backup of a damaged ledger"
    );
    let list = ok_json(run(d, &["backup", "list", "--json"]), "list works without the ledger");
    assert_eq!(list["backups"][0]["file"], backup.as_str());

    // Overwritten from the start: not SQLite any more.
    std::fs::write(&ledger, vec![0x42u8; 8192]).expect("overwrite");
    let err = fails(run(d, &["status"]), 1);
    assert!(
        err.contains("not a Tillguard database") && err.contains("tillguard restore"),
        "{err}"
    );

    let done = ok_json(run(d, &["restore", &backup, "--json"]), "restore");
    assert_eq!(done["replaced"], "damaged");
    let kept = PathBuf::from(done["kept_aside"].as_str().expect("kept"));
    assert_eq!(
        std::fs::read(&kept).expect("kept"),
        vec![0x42u8; 8192],
        "kept as it was"
    );
    let ((_, kind, detail), chain_whole) = last_event(&ledger);
    assert_eq!(kind, "restore");
    assert!(detail.contains("damaged"), "{detail}");
    assert!(chain_whole);
    assert_eq!(ok_json(run(d, &["status", "--json"]), "status")["sales_count"], 1);
}
