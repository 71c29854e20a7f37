//! A till in this process, talking to a simulated terminal thread over a pseudo-terminal with
//! the real serial code, with a short T4 so a terminal that goes quiet is given up in seconds.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tillguard::clock::SystemClock;
use tillguard::sale::SaleRecord;
use tillguard::terminal::session::{Session, SessionTiming};
use tillguard::terminal::simulator::{SimConfig, SimFaults, spawn_pty_pair};
use tillguard::terminal::zvt::serial::SerialLink;
use tillguard::terminal::zvt_terminal::ZvtTerminal;
use tillguard::till::card::CardTender;
use tillguard::till::{Paths, Till, TillError};

/// The journal files transactions under the link's name: the same for every connection.
pub const LINE: &str = "faults line";
/// How long the till waits for a terminal that stopped talking mid-exchange.
pub const T4: Duration = Duration::from_secs(2);

/// A simulator thread (CNY, its batch in `state`), stopped when dropped.
pub struct SimThread {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for SimThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a simulator; returns it and the ECR end of its line.
pub fn simulator(state: &Path, faults: SimFaults) -> (SimThread, Box<dyn serialport::SerialPort>) {
    let config = SimConfig {
        currency: 156,
        state_file: Some(state.to_path_buf()),
        faults,
        ..SimConfig::default()
    };
    let (port, _name, thread, stop) = spawn_pty_pair(config, Arc::new(SystemClock)).expect("simulator");
    (
        SimThread {
            stop,
            thread: Some(thread),
        },
        port,
    )
}

/// The till's side of the line: the ZVT terminal over `port`.
pub fn terminal(port: Box<dyn serialport::SerialPort>) -> ZvtTerminal {
    let timing = SessionTiming {
        t4: T4,
        ..SessionTiming::default()
    };
    let link = SerialLink::from_port(port, LINE.to_string());
    ZvtTerminal::new(Session::new(Box::new(link)).with_timing(timing), 123_456, 156)
}

/// A demo till on a ledger file in `dir`.
pub fn till(dir: &Path) -> Till {
    let paths = Paths::resolve(Some(dir.to_path_buf()), Some(dir.join("tillguard.toml"))).expect("paths");
    Till::open(&paths, Arc::new(SystemClock)).expect("till")
}

/// Sells `code` by card through `terminal`.
pub fn sell(till: &mut Till, terminal: &mut ZvtTerminal, code: &str) -> Result<SaleRecord, TillError> {
    let mut cart = till.new_cart();
    till.scan(&mut cart, code)?;
    till.pay_card(
        &cart,
        CardTender::default(),
        terminal,
        &AtomicBool::new(false),
        &mut |_| {},
    )
}

/// The simulator's batch file: amounts (minor units) of the transactions it holds.
pub fn booked(state: &Path) -> Vec<u64> {
    let Ok(text) = std::fs::read_to_string(state) else {
        return Vec::new();
    };
    let value: serde_json::Value = serde_json::from_str(&text).expect("state JSON");
    value["batch"]["transactions"]
        .as_array()
        .map(|t| t.iter().filter_map(|t| t["amount_minor"].as_u64()).collect())
        .unwrap_or_default()
}

/// A folder for a till and its terminal's state file.
pub fn folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("terminal.json");
    (dir, state)
}

/// Settles through `terminal` and checks the result matches; the ledger and its audit chain
/// are whole.
pub fn settle_matches(till: &mut Till, terminal: &mut ZvtTerminal, total_minor: i64) {
    let settled = till.settle(terminal, &mut |_| {}).expect("settle");
    let totals = settled.totals.clone().expect("end-of-day totals");
    assert_eq!(totals.total_minor, Some(total_minor), "{totals:?}");
    assert!(settled.reconciliation.is_match(), "{:?}", settled.reconciliation);
    till.store().quick_check().expect("database intact");
    assert_eq!(till.store().verify_audit().expect("verify"), None, "audit chain intact");
}
