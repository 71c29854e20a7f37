//! A shop for the end-to-end fault tests: a till folder and a simulator folder sharing one
//! config (UTC, the terminal on a pseudo-terminal, a manager PIN), driven as `tillguard`
//! processes, and the end state every fault must leave behind.

use crate::terminal_sim::{Sim, simulate_pty};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use tillguard::money::Currency;
use tillguard::store::{FILE_NAME, Store};

pub const PIN: &str = "2468";
/// One cola (3.50) by card.
pub const SELL_CARD: [&str; 6] = ["sell", "--item", "COLA", "--tender", "card", "--json"];

pub struct Shop {
    _dir: tempfile::TempDir,
    pub till: PathBuf,
    pub sim: PathBuf,
    pub pt: PathBuf,
}

impl Shop {
    pub fn new() -> Shop {
        let dir = tempfile::tempdir().expect("tempdir");
        let (till, sim, pt) = (dir.path().join("till"), dir.path().join("sim"), dir.path().join("pt"));
        let config = format!(
            "[store]\ntime_zone = \"UTC\"\n[terminal]\nconnection = \"zvt+serial:{}\"\n[guard]\nmanager_pin = \"{PIN}\"\n",
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
        assert!(out.status.success(), "{}", stderr(&out));
        shop
    }

    /// A `tillguard terminal simulate` process on the shop's pty; the batch file stays in the
    /// simulator's folder across restarts.
    pub fn simulator(&self, extra: &[&str]) -> Sim {
        simulate_pty(&self.sim, &self.pt, extra)
    }

    /// `tillguard --data-dir TILL ARGS`, its clock at `now` (None: the real clock).
    pub fn command(&self, now: Option<&str>, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tillguard"));
        cmd.arg("--data-dir")
            .arg(&self.till)
            .args(args)
            .env_remove("TILLGUARD_DATA_DIR")
            .env_remove("TILLGUARD_CONFIG")
            .env_remove("TILLGUARD_TERMINAL")
            .env_remove("TILLGUARD_PRINTER")
            .env_remove("TILLGUARD_FAKE_NOW")
            .env("TILLGUARD_MANAGER_PIN", PIN)
            .stdin(Stdio::null());
        if let Some(now) = now {
            cmd.env("TILLGUARD_FAKE_NOW", now);
        }
        cmd
    }

    pub fn run(&self, now: Option<&str>, args: &[&str]) -> Output {
        self.command(now, args).output().expect("run tillguard")
    }

    /// Starts a command and returns at once, its output piped.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(None, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tillguard")
    }

    /// A command that must succeed and print JSON.
    pub fn json(&self, now: Option<&str>, args: &[&str]) -> Value {
        let out = self.run(now, args);
        assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("stdout is JSON")
    }

    pub fn status(&self) -> Value {
        self.json(None, &["status", "--json"])
    }

    pub fn store(&self) -> Store {
        Store::open(&self.till.join(FILE_NAME), Currency::CNY).expect("ledger")
    }

    /// The simulated terminal's batch file: the transactions it holds.
    pub fn terminal_batch(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.sim.join("simulator-terminal.json")).expect("simulator state");
        let state: Value = serde_json::from_str(&text).expect("state JSON");
        state["batch"]["transactions"].as_array().cloned().unwrap_or_default()
    }

    /// The end state after any fault: nothing in doubt or approved without its sale, the next
    /// card sale goes through, and the terminal's batch settles and reconciles with the ledger
    /// at `sales` card sales for `total` (the new one included): nothing lost, nothing twice.
    pub fn settles_cleanly(&self, sales: u64, total: &str) {
        let status = self.status();
        assert_eq!(status["card_in_doubt"]["count"], 0, "{status}");
        assert_eq!(status["card_approved_without_sale"]["count"], 0, "{status}");
        let sale = self.json(None, &SELL_CARD);
        assert_eq!(sale["payments"][0]["state"], "approved", "{sale}");
        assert_eq!(self.status()["sales_count"], sales);
        assert_eq!(
            self.terminal_batch().len() as u64,
            sales,
            "the terminal booked each sale once"
        );
        let out = self.run(None, &["settle", "--json"]);
        let settled: Value = serde_json::from_slice(&out.stdout).expect("settle prints JSON");
        assert_eq!(settled["state"], "settled", "{settled}");
        assert_eq!(settled["terminal_totals"]["total"], total, "{settled}");
        assert_eq!(settled["turnover_totals"]["total"], total, "{settled}");
        assert_eq!(
            (&settled["reconciliation"], out.status.code()),
            (&"match".into(), Some(0)),
            "{settled}"
        );
        assert!(self.terminal_batch().is_empty(), "the terminal's batch is cleared");
        self.assert_ledger_whole();
    }

    pub fn assert_ledger_whole(&self) {
        let store = self.store();
        store.quick_check().expect("database intact");
        assert_eq!(store.verify_audit().expect("verify"), None, "audit chain intact");
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The kinds of the audit events, oldest first.
pub fn audit_kinds(ledger: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(ledger).expect("ledger");
    let mut stmt = conn
        .prepare("SELECT kind, detail FROM audit_events ORDER BY seq")
        .expect("audit query");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("audit rows")
        .collect::<Result<_, _>>()
        .expect("audit rows")
}
