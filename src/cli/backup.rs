//! `tillguard backup`: back the ledger up now (checked, rotated); `tillguard backup list`:
//! the backups in the backup folder, newest first (works when the ledger is damaged).

use super::{Cli, print_json};
use crate::backup::BackupFile;
use crate::config::Config;
use crate::till::restore;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

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
    /// The backups in the backup folder, newest first: time, size, reason.
    List,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    match args.command {
        Some(Sub::List) => list(cli, args.json),
        None => backup(cli, args.json),
    }
}

fn backup(cli: &Cli, as_json: bool) -> anyhow::Result<()> {
    let mut till = cli.open_till()?;
    let done = till.backup_now(crate::till::REASON_MANUAL)?;
    let made = &done.made;
    if as_json {
        let mut value = file_json(&made.file, &till.config().time_zone);
        if let Some(map) = value.as_object_mut() {
            map.insert("duration_ms".into(), json!(made.duration.as_millis() as u64));
            map.insert("integrity".into(), json!(made.integrity));
            map.insert(
                "removed".into(),
                json!(done.removed.iter().map(|p| p.display().to_string()).collect::<Vec<_>>()),
            );
        }
        return print_json(&value);
    }
    println!(
        "backup written: {} ({}, integrity {}, {} ms)",
        made.file.path.display(),
        size_text(made.file.size),
        made.integrity,
        made.duration.as_millis()
    );
    for old in &done.removed {
        println!("old backup removed: {}", old.display());
    }
    Ok(())
}

fn list(cli: &Cli, as_json: bool) -> anyhow::Result<()> {
    let paths = cli.paths()?;
    let files = restore::backups(&paths)?;
    if as_json {
        let zone = Config::load(&paths.config_file)?.time_zone;
        return print_json(&json!({
            "backups": files.iter().map(|f| file_json(f, &zone)).collect::<Vec<_>>(),
        }));
    }
    if files.is_empty() {
        println!("no backups yet (tillguard backup makes one)");
    }
    for f in &files {
        println!(
            "{}  {:>9}  {:<8}  {}",
            f.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
            size_text(f.size),
            f.reason.as_deref().unwrap_or("-"),
            f.path.display()
        );
    }
    Ok(())
}

/// One backup file as `backup --json` and `backup list --json` print it. Its name has the
/// store's local time; the JSON, as everywhere, UTC.
fn file_json(f: &BackupFile, zone: &TimeZone) -> Value {
    let taken_at = zone.to_timestamp(f.taken_at).ok().map(|t| t.to_string());
    json!({
        "file": f.path.display().to_string(),
        "taken_at": taken_at,
        "size": f.size,
        "reason": f.reason,
    })
}

/// Bytes for people: "512 B", "48.2 KB", "91.7 MB".
pub fn size_text(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} KB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}
