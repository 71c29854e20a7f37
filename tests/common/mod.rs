//! Running the `tillguard` binary on a private data folder, as the CLI tests do.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `tillguard --data-dir DIR ARGS...`, isolated from the caller's environment.
pub fn tillguard(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tillguard"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("TILLGUARD_DATA_DIR")
        .env_remove("TILLGUARD_CONFIG")
        .env_remove("TILLGUARD_TERMINAL")
        .env_remove("TILLGUARD_PRINTER")
        .output()
        .expect("run tillguard")
}

/// Runs a command that must succeed and print JSON.
pub fn json(dir: &Path, args: &[&str]) -> Value {
    let out = tillguard(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}
