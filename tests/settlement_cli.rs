//! The settlement guard end to end: `tillguard` against a `tillguard terminal simulate`
//! process on a pseudo-terminal, with the CLI's test clock (TILLGUARD_FAKE_NOW) moved past
//! the cutoff and the terminal's clear time.
#![cfg(unix)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const PIN: &str = "2468";

/// A simulator process, killed when dropped.
struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A till folder and a simulator folder sharing one config: UTC, the terminal on a pty.
struct Shop {
    _dir: tempfile::TempDir,
    till: PathBuf,
    sim: PathBuf,
    pt: PathBuf,
}

impl Shop {
    fn new(auto_clear: Option<&str>) -> Shop {
        let dir = tempfile::tempdir().expect("tempdir");
        let (till, sim, pt) = (dir.path().join("till"), dir.path().join("sim"), dir.path().join("pt"));
        let clear = auto_clear
            .map(|c| format!("auto_clear = \"{c}\"\n"))
            .unwrap_or_default();
        let config = format!(
            "[store]\ntime_zone = \"UTC\"\n[terminal]\nconnection = \"zvt+serial:{}\"\n{clear}[guard]\nmanager_pin = \"{PIN}\"\n",
            pt.display()
        );
        for d in [&till, &sim] {
            std::fs::create_dir_all(d).expect("folder");
            std::fs::write(d.join("tillguard.toml"), &config).expect("config");
        }
        let shop = Shop {
            _dir: dir,
            till,
            sim,
            pt,
        };
        let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo_catalog.csv");
        let out = shop.run(None, &["catalog", "import", catalog.to_str().expect("utf-8")]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        shop
    }

    /// Starts the simulator with its clock at `now` (None: the real clock).
    fn simulator(&self, now: Option<&str>, extra: &[&str]) -> Sim {
        let _ = std::fs::remove_file(&self.pt);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tillguard"));
        cmd.arg("--data-dir")
            .arg(&self.sim)
            .args(["terminal", "simulate", "--pty"])
            .arg(&self.pt)
            .args(extra)
            .env_remove("TILLGUARD_FAKE_NOW")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(now) = now {
            cmd.env("TILLGUARD_FAKE_NOW", now);
        }
        let sim = Sim(cmd.spawn().expect("start simulator"));
        let start = Instant::now();
        while !self.pt.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the pty link did not come up"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        sim
    }

    /// Runs `tillguard --data-dir TILL ARGS` at `now`, with `env` and `stdin`.
    fn run_with(&self, now: Option<&str>, env: &[(&str, &str)], stdin: Option<&str>, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tillguard"));
        cmd.arg("--data-dir")
            .arg(&self.till)
            .args(args)
            .env_remove("TILLGUARD_DATA_DIR")
            .env_remove("TILLGUARD_CONFIG")
            .env_remove("TILLGUARD_TERMINAL")
            .env_remove("TILLGUARD_MANAGER_PIN")
            .env_remove("TILLGUARD_FAKE_NOW")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(now) = now {
            cmd.env("TILLGUARD_FAKE_NOW", now);
        }
        let mut child = cmd.spawn().expect("run tillguard");
        if let Some(mut input) = child.stdin.take() {
            let _ = input.write_all(stdin.unwrap_or("").as_bytes());
        }
        child.wait_with_output().expect("tillguard output")
    }

    fn run(&self, now: Option<&str>, args: &[&str]) -> Output {
        self.run_with(now, &[], None, args)
    }

    /// A command that must succeed and print JSON.
    fn json(&self, now: Option<&str>, args: &[&str]) -> Value {
        let out = self.run(now, args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("stdout is JSON")
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const SELL_CARD: [&str; 6] = ["sell", "--item", "COLA", "--tender", "card", "--json"];
const SELL_CASH: [&str; 5] = ["sell", "--item", "COLA", "--tender", "cash"];

#[test]
fn sell_by_card_then_settle_reconciles_a_match() {
    let shop = Shop::new(None);
    let _sim = shop.simulator(None, &[]);
    shop.json(None, &SELL_CARD);
    let status = shop.json(None, &["status", "--json"]);
    assert_eq!(status["guard"]["verdict"], "clear", "{status}");
    let batches = status["batches"].as_array().expect("batches");
    assert_eq!(batches.len(), 1);
    assert_eq!(
        (&batches[0]["state"], &batches[0]["count"], &batches[0]["amount"]),
        (&"open".into(), &1.into(), &"3.50".into())
    );
    assert_eq!(batches[0]["per_card"][0]["card_type"], "mastercard");
    assert_eq!(status["card_in_doubt"]["count"], 0);

    let settled = shop.json(None, &["settle", "--json"]);
    assert_eq!(settled["state"], "settled", "{settled}");
    assert_eq!(settled["reconciliation"], "match");
    assert_eq!(settled["differences"], Value::Null);
    assert_eq!(settled["terminal_totals"]["total"], "3.50");
    assert_eq!(settled["terminal_totals"]["receipt_range"], serde_json::json!([1, 1]));
    assert_eq!(settled["turnover_totals"]["total"], "3.50");
    let status = shop.json(None, &["status", "--json"]);
    assert_eq!(status["batches"], serde_json::json!([]));
    assert_eq!(status["guard"]["verdict"], "clear");
}

#[test]
fn a_till_that_never_saw_the_payment_gets_a_mismatch_and_a_failed_end_of_day_exits_1() {
    let shop = Shop::new(None);
    let other = Shop::new(None);
    std::fs::write(
        other.till.join("tillguard.toml"),
        std::fs::read_to_string(shop.till.join("tillguard.toml")).expect("config"),
    )
    .expect("same terminal");
    let sim = shop.simulator(None, &[]);
    shop.json(None, &SELL_CARD);
    // Another till settles the same terminal: the terminal holds a payment its ledger lacks.
    let out = other.run(None, &["settle", "--json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["reconciliation"], "mismatch");
    assert_eq!(v["differences"]["missing_in_ledger"], serde_json::json!([1]));
    assert_eq!(v["differences"]["per_card"][0]["terminal_count"], 1);
    drop(sim);

    let _failing = shop.simulator(None, &["--fault", "end-of-day-fails"]);
    shop.json(None, &SELL_CARD);
    let out = shop.run(None, &["settle", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["state"], "failed");
    assert!(v["error"].as_str().is_some_and(|e| e.contains("77")), "{v}");
    let status = shop.json(None, &["status", "--json"]);
    assert_eq!(status["batches"][0]["state"], "failed");
    assert!(
        status["batches"][0]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("77"))
    );
}

#[test]
fn past_the_cutoff_selling_is_refused_until_the_batch_is_settled_and_the_day_closed() {
    let shop = Shop::new(None);
    let _sim = shop.simulator(None, &[]);
    let day1 = Some("2026-11-26T10:00:00Z");
    let day2 = Some("2026-11-27T10:00:00Z");
    shop.json(day1, &SELL_CARD);
    let out = shop.run(day2, &SELL_CASH);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("settle"), "{}", stderr(&out));
    let out = shop.run(day2, &SELL_CARD);
    assert_eq!(out.status.code(), Some(3), "a card sale too: {}", stderr(&out));
    let status = shop.json(day2, &["status", "--json"]);
    assert_eq!(status["guard"]["verdict"], "must_settle");
    assert_eq!(status["guard"]["why"], "earlier_day_unsettled");
    assert_eq!(status["guard"]["allows_selling"], false);

    let settled = shop.json(day2, &["settle", "--json"]);
    assert_eq!(settled["reconciliation"], "match", "{settled}");
    // The batch is settled; the 26th still needs its Z-report before the 27th sells.
    let out = shop.run(day2, &SELL_CASH);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("report z"), "{}", stderr(&out));
    shop.json(day2, &["report", "z", "--counted", "0", "--json"]);
    let sale = shop.json(day2, &["sell", "--item", "COLA", "--json"]);
    assert_eq!(sale["business_day"], "2026-11-27");
}

#[test]
fn past_the_cutoff_a_manager_deferral_lets_selling_resume() {
    let shop = Shop::new(None);
    let _sim = shop.simulator(None, &[]);
    let day1 = Some("2026-11-26T10:00:00Z");
    let day2 = Some("2026-11-27T10:00:00Z");
    shop.json(day1, &SELL_CARD);
    shop.json(day1, &["report", "z", "--counted", "0", "--json"]);
    assert_eq!(shop.run(day2, &SELL_CASH).status.code(), Some(3));
    let defer = ["defer", "--reason", "host_unreachable", "--json"];
    let wrong = shop.run_with(day2, &[], Some("1111\n"), &defer);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(stderr(&wrong).contains("wrong manager PIN"), "{}", stderr(&wrong));
    let late = shop.run_with(
        day2,
        &[("TILLGUARD_MANAGER_PIN", PIN)],
        None,
        &[&defer[..], &["--until", "2026-11-29T00:00:00Z"]].concat(),
    );
    assert!(stderr(&late).contains("later than allowed"), "{}", stderr(&late));
    let out = shop.run_with(day2, &[], Some(&format!("{PIN}\n")), &defer);
    assert!(out.status.success(), "{}", stderr(&out));
    let d: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(d["until"], "2026-11-28T04:00:00Z", "the next cutoff");
    assert_eq!(d["reason"], "host_unreachable");
    // Each run's test clock starts at TILLGUARD_FAKE_NOW, so later runs say a later time (a
    // deferral does not count before it was made).
    let later = Some("2026-11-27T10:05:00Z");
    let status = shop.json(later, &["status", "--json"]);
    assert_eq!(status["guard"]["verdict"], "deferred", "{status}");
    assert_eq!(status["guard"]["reason"], "host_unreachable");
    assert_eq!(status["batches"][0]["state"], "deferred");
    let out = shop.run(later, &SELL_CASH);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_batch_the_terminal_clears_unsettled_is_lost_and_report_claim_lists_its_payment() {
    let shop = Shop::new(Some("22:00"));
    let before = Some("2026-11-26T21:00:00Z");
    let after = Some("2026-11-26T22:01:00Z");
    let sim = shop.simulator(before, &["--auto-clear", "22:00"]);
    let sale = shop.json(before, &SELL_CARD);
    let status = shop.json(Some("2026-11-26T21:45:00Z"), &["status", "--json"]);
    assert_eq!(status["guard"]["verdict"], "remind", "{status}");
    assert_eq!(status["guard"]["minutes_to_clear"], 15);
    drop(sim);
    // The terminal comes back after its clear time: it cleared the batch unsettled.
    let _sim = shop.simulator(after, &["--auto-clear", "22:00"]);
    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(shop.sim.join("simulator-terminal.json")).expect("simulator state"),
    )
    .expect("state JSON");
    assert_eq!(state["lost_batches"].as_array().map(|l| l.len()), Some(1), "{state}");

    let status = shop.json(after, &["status", "--json"]);
    assert_eq!(status["batches"], serde_json::json!([]), "{status}");
    assert_eq!(status["guard"]["verdict"], "clear");
    let claim = shop.json(after, &["report", "claim", "--batch", "1", "--json"]);
    assert_eq!(claim["state"], "lost");
    assert_eq!(claim["total"], "3.50");
    let card = sale["payments"][0].clone();
    let line = &claim["lines"][0];
    assert_eq!(line["amount"], "3.50");
    assert_eq!(
        (&line["trace"], &line["receipt_no"]),
        (&card["trace"], &card["receipt_no"])
    );
    assert_eq!(line["pan"], card["pan"]);
    assert_eq!(line["terminal_id"], "52523535");
    assert_eq!((&line["date"], &line["time"]), (&"2026-11-26".into(), &line["time"]));
    let text = shop.run(after, &["report", "claim", "--batch", "1"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("Claim list"));
}
