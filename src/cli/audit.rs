//! `tillguard audit verify`: walks the whole audit chain and names the first broken link;
//! `tillguard audit show`: the newest events. Both open the ledger only to read it.

use super::{Cli, Exit, print_json};
use crate::config::Config;
use crate::store::{ChainReport, FILE_NAME, Store};
use serde_json::json;
use std::time::Instant;

/// Exit code of `audit verify` when the chain is broken (README, "Exit codes").
pub const EXIT_BROKEN: u8 = 4;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Check every event: it follows the previous one, its content is as written, and the
    /// chain reaches its recorded head. Exits 4 at the first broken link.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// The newest events, oldest first.
    Show {
        /// How many.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(i64).range(1..=100_000))]
        last: i64,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    let store = open(cli)?;
    match args.command {
        Sub::Verify { json } => verify(&store, json),
        Sub::Show { last, json } => show(&store, last, json),
    }
}

fn open(cli: &Cli) -> anyhow::Result<Store> {
    let paths = cli.paths()?;
    let ledger = paths.data_dir.join(FILE_NAME);
    if !ledger.exists() {
        anyhow::bail!("no ledger at {}: nothing to check", ledger.display());
    }
    let config = Config::load(&paths.config_file)?;
    Ok(Store::open(&ledger, config.currency)?)
}

fn verify(store: &Store, as_json: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let report = store.check_audit()?;
    let took = started.elapsed();
    if as_json {
        print_json(&report_json(&report, took.as_millis() as u64))?;
    } else {
        match &report.first_break {
            None => println!(
                "audit chain intact: {} events checked in {} ms{}",
                report.events,
                took.as_millis(),
                report
                    .head
                    .as_ref()
                    .map(|(seq, hash)| format!(", head #{seq} {}", &hash[..hash.len().min(16)]))
                    .unwrap_or_default()
            ),
            Some(b) => println!(
                "audit chain BROKEN at event #{}: {} ({} events before it are intact)",
                b.seq, b.problem, report.events
            ),
        }
    }
    match &report.first_break {
        None => Ok(()),
        Some(b) => Err(Exit {
            code: EXIT_BROKEN,
            message: format!("audit chain broken at event #{}: {}", b.seq, b.problem),
        }
        .into()),
    }
}

fn report_json(report: &ChainReport, took_ms: u64) -> serde_json::Value {
    json!({
        "intact": report.first_break.is_none(),
        "events_checked": report.events,
        "head": report.head.as_ref().map(|(seq, hash)| json!({"seq": seq, "hash": hash})),
        "first_break": report.first_break.as_ref().map(|b| json!({"seq": b.seq, "problem": b.problem})),
        "duration_ms": took_ms,
    })
}

fn show(store: &Store, last: i64, as_json: bool) -> anyhow::Result<()> {
    let events = store.audit_tail(last)?;
    if as_json {
        let list: Vec<_> = events
            .iter()
            .map(|e| json!({"seq": e.seq, "at": e.at, "actor": e.actor, "kind": e.kind, "detail": e.detail}))
            .collect();
        return print_json(&json!(list));
    }
    for e in events {
        println!("#{:<7} {}  {:<20} {:<22} {}", e.seq, e.at, e.actor, e.kind, e.detail);
    }
    Ok(())
}
