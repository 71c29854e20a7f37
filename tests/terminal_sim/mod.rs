//! A `tillguard terminal simulate` process for the CLI tests, stopped when dropped.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A simulator process that is killed when the test ends.
pub struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn simulate(dir: &Path, args: &[&str]) -> Sim {
    let child = Command::new(env!("CARGO_BIN_EXE_tillguard"))
        .arg("--data-dir")
        .arg(dir)
        .args(["terminal", "simulate"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start simulator");
    Sim(child)
}

/// A simulator on a pty linked at `pt`, once the link is there. A link left by an earlier
/// simulator is removed first, so the wait sees the new one.
#[cfg(unix)]
pub fn simulate_pty(dir: &Path, pt: &Path, extra: &[&str]) -> Sim {
    let _ = std::fs::remove_file(pt);
    let mut args = vec!["--pty", pt.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    let sim = simulate(dir, &args);
    wait_for("the pty link", || pt.exists());
    sim
}

pub fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(10), "{what} did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
}
