//! `tillguard autostart on|off|status`: start the till window when the shop's user signs in
//! (Linux: XDG autostart entry; Windows: the user's Run key). `on` keeps the `--data-dir` and
//! `--config` this command was given, so the till opens the same ledger at sign-in.

use super::{Cli, print_json};
use crate::platform::autostart::{self, Entry};
use anyhow::Context;
use serde_json::json;
use std::ffi::OsString;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
    /// Print JSON.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Start the till at sign-in.
    On,
    /// Do not start the till at sign-in.
    Off,
    /// Whether the till starts at sign-in, and with which command (the default).
    Status,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    let entry = match args.command.as_ref().unwrap_or(&Sub::Status) {
        Sub::On => {
            let program = std::env::current_exe().context("cannot tell where this program is")?;
            autostart::enable(&program, &till_args(cli)?)?
        }
        Sub::Off => {
            autostart::disable()?;
            autostart::status()?
        }
        Sub::Status => autostart::status()?,
    };
    report(&entry, args.json)
}

/// The options that choose the ledger and config, made absolute (sign-in starts elsewhere).
fn till_args(cli: &Cli) -> anyhow::Result<Vec<OsString>> {
    let mut args = Vec::new();
    for (flag, path) in [("--data-dir", &cli.data_dir), ("--config", &cli.config)] {
        if let Some(path) = path {
            let absolute = std::path::absolute(path).with_context(|| format!("{flag} {}", path.display()))?;
            args.push(OsString::from(flag));
            args.push(absolute.into_os_string());
        }
    }
    Ok(args)
}

fn report(entry: &Entry, as_json: bool) -> anyhow::Result<()> {
    if as_json {
        return print_json(&json!({
            "enabled": entry.command.is_some(),
            "location": entry.location,
            "command": entry.command,
        }));
    }
    match &entry.command {
        Some(command) => println!("starts at sign-in: {command}\n  ({})", entry.location),
        None => println!("does not start at sign-in ({} absent)", entry.location),
    }
    Ok(())
}
