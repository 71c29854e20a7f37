//! Running the `tillguard` binary on a private data folder, as the CLI tests do.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `tillguard --data-dir DIR ARGS...`, isolated from the caller's environment.
pub fn tillguard(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("run tillguard")
}

/// The demo manager's PIN, for the commands that need one (refund, void, defer).
#[allow(dead_code)] // not every CLI test file refunds
pub const DEMO_MANAGER_PIN: &str = "1234";

/// `tillguard` with the demo manager's PIN in TILLGUARD_MANAGER_PIN.
#[allow(dead_code)] // not every CLI test file refunds
pub fn tillguard_approved(dir: &Path, args: &[&str]) -> Output {
    command(dir, args)
        .env("TILLGUARD_MANAGER_PIN", DEMO_MANAGER_PIN)
        .output()
        .expect("run tillguard")
}

/// `tillguard_approved`'s JSON on success.
#[allow(dead_code)] // not every CLI test file refunds
pub fn json_approved(dir: &Path, args: &[&str]) -> Value {
    let out = tillguard_approved(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// `tillguard --data-dir DIR ARGS...` as a command, isolated from the caller's environment
/// (no data folder, config, terminal, printer or manager PIN from outside).
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tillguard"));
    command
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("TILLGUARD_DATA_DIR")
        .env_remove("TILLGUARD_CONFIG")
        .env_remove("TILLGUARD_TERMINAL")
        .env_remove("TILLGUARD_PRINTER")
        .env_remove("TILLGUARD_MANAGER_PIN");
    command
}

/// Runs a command that must succeed and print JSON.
#[allow(dead_code)] // not every CLI test file reads JSON
pub fn json(dir: &Path, args: &[&str]) -> Value {
    let out = tillguard(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// Runs a command that must fail; returns its one-line reason.
#[allow(dead_code)] // not every CLI test file has failures to check
pub fn failure(dir: &Path, args: &[&str]) -> String {
    let out = tillguard(dir, args);
    assert!(
        !out.status.success(),
        "{args:?} should fail but printed {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(err.starts_with("tillguard: "), "reason on stderr: {err}");
    err
}
