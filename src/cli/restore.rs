//! `tillguard restore FILE`: puts a backup in place of the ledger (see `till::restore`).
//! `--force` replaces a ledger whose card batch is unsettled, with an admin's PIN read from
//! TILLGUARD_MANAGER_PIN or standard input, never from an argument.

use super::{Cli, EXIT_GUARD, Exit, clock, print_json};
use crate::till::restore::{self, Current, RestoreError, RestoreRequest};
use serde_json::json;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup to restore (`tillguard backup list` shows them).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Restore even though the ledger holds unsettled card payments: an admin's PIN.
    #[arg(long)]
    force: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    let paths = cli.paths()?;
    let pin = if args.force {
        Some(super::defer::read_pin()?)
    } else {
        None
    };
    let request = RestoreRequest {
        backup: &args.file,
        admin_pin: pin.as_deref(),
        by: None,
    };
    let done = match restore::restore(&paths, clock()?, request) {
        Ok(done) => done,
        // Refused as the settlement guard refuses: scripts tell it from other errors.
        Err(e @ RestoreError::Unsettled { .. }) => {
            return Err(Exit {
                code: EXIT_GUARD,
                message: e.to_string(),
            }
            .into());
        }
        Err(e) => return Err(e.into()),
    };
    let (replaced, damage) = match &done.replaced {
        Current::Missing => ("missing", None),
        Current::Damaged(why) => ("damaged", Some(why.clone())),
        Current::Healthy { .. } => ("healthy", None),
    };
    if args.json {
        return print_json(&json!({
            "backup": done.backup.path.display().to_string(),
            "ledger": done.ledger.display().to_string(),
            "kept_aside": done.kept_aside.as_ref().map(|p| p.display().to_string()),
            "replaced": replaced,
            "damage": damage,
            "forced_by": done.forced_by,
            "sales": done.backup.sales,
            "last_day": done.backup.last_day,
            "last_z": done.backup.last_z,
            "duration_ms": done.duration.as_millis() as u64,
        }));
    }
    println!(
        "restored {} into {} ({} sale(s), last business day {}, last Z-report {})",
        done.backup.path.display(),
        done.ledger.display(),
        done.backup.sales,
        done.backup.last_day.as_deref().unwrap_or("none"),
        done.backup
            .last_z
            .map_or_else(|| "none".to_string(), |z| format!("#{z}"))
    );
    match &done.kept_aside {
        Some(kept) => println!("the replaced ledger is kept as {}", kept.display()),
        None => println!("there was no ledger to replace"),
    }
    if let Some(why) = damage {
        println!("the replaced ledger was damaged: {why}");
    }
    if let Some(admin) = &done.forced_by {
        println!("forced by {admin}");
    }
    Ok(())
}
