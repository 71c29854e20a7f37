//! The shop under test: a till data folder, a simulated terminal running as its own
//! long-lived process (TCP, with a state file, so it outlives every killed till), and the
//! observing relay the till connects through.

use super::proxy::Proxy;
use std::cell::Cell;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use tillguard::money::Currency;
use tillguard::store::{FILE_NAME, Store};

/// Every till run gets its own test clock, this far after the previous one, so the ledger's
/// timestamps only move forward and the business day stays the same (no day change mid-test).
const CLOCK_STEP_SECS: i64 = 3;
const CLOCK_START: &str = "2026-11-26T08:00:00Z";

pub struct Shop {
    _dir: tempfile::TempDir,
    pub till: PathBuf,
    pub state_file: PathBuf,
    simulator: Child,
    pub proxy: Proxy,
    runs: Cell<i64>,
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = self.simulator.kill();
        let _ = self.simulator.wait();
    }
}

impl Shop {
    /// Starts the terminal and the relay, and sets the till up (UTC, demo catalog). The data
    /// lives under the build's temporary folder, on a real disk, so that durable writes take
    /// the time they take in a shop (a kill can land while one is being flushed).
    pub fn open() -> Shop {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
        let (till, sim) = (dir.path().join("till"), dir.path().join("terminal"));
        let state_file = sim.join("terminal-state.json");
        std::fs::create_dir_all(&sim).expect("terminal folder");
        let terminal = free_local_addr();
        let simulator = Command::new(env!("CARGO_BIN_EXE_tillguard"))
            .arg("--data-dir")
            .arg(&sim)
            .args(["terminal", "simulate", "--tcp", &terminal.to_string(), "--state"])
            .arg(&state_file)
            .env_remove("TILLGUARD_DATA_DIR")
            .env_remove("TILLGUARD_CONFIG")
            .env_remove("TILLGUARD_FAKE_NOW")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the simulated terminal");
        let start = Instant::now();
        while TcpStream::connect(terminal).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the terminal did not start listening"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let proxy = Proxy::start(terminal);
        std::fs::create_dir_all(&till).expect("till folder");
        let config = format!(
            "[store]\ntime_zone = \"UTC\"\n[terminal]\nconnection = \"zvt+tcp:{}\"\n",
            proxy.addr()
        );
        std::fs::write(till.join("tillguard.toml"), config).expect("config");
        let shop = Shop {
            _dir: dir,
            till,
            state_file,
            simulator,
            proxy,
            runs: Cell::new(0),
        };
        let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo_catalog.csv");
        let out = shop.run(&["catalog", "import", catalog.to_str().expect("utf-8 path")]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        shop
    }

    /// The name the till's card journal files this terminal's transactions under.
    pub fn terminal_name(&self) -> String {
        format!("tcp {}", self.proxy.addr())
    }

    /// `tillguard --data-dir TILL ARGS`, output piped, on the next test clock.
    pub fn command(&self, args: &[&str]) -> Command {
        let run = self.runs.get();
        self.runs.set(run + 1);
        let start: jiff::Timestamp = CLOCK_START.parse().expect("start time");
        let now = start + jiff::SignedDuration::from_secs(run * CLOCK_STEP_SECS);
        let mut command = Command::new(env!("CARGO_BIN_EXE_tillguard"));
        command
            .arg("--data-dir")
            .arg(&self.till)
            .args(args)
            .env_remove("TILLGUARD_DATA_DIR")
            .env_remove("TILLGUARD_CONFIG")
            .env_remove("TILLGUARD_TERMINAL")
            .env_remove("TILLGUARD_PRINTER")
            .env("TILLGUARD_FAKE_NOW", now.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run tillguard")
    }

    /// A command that must succeed and print JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("stdout is JSON")
    }

    pub fn store(&self) -> Store {
        Store::open(&self.till.join(FILE_NAME), Currency::CNY).expect("the ledger opens")
    }

    /// Fails the test if the terminal process died (it must outlive every till).
    pub fn terminal_alive(&mut self) {
        if let Ok(Some(status)) = self.simulator.try_wait() {
            panic!("the simulated terminal exited: {status}");
        }
    }
}

fn free_local_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port")
}
