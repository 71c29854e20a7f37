//! The command line: `tillguard` opens the GUI; subcommands serve installers and scripts.

mod audit;
mod autostart;
mod backup;
mod card_output;
mod catalog;
mod defer;
mod guard_json;
mod incidents;
mod json;
mod pipe;
mod print_out;
mod printer;
mod recover;
mod refund;
mod report;
mod restore;
mod sell;
mod settle;
mod status;
mod terminal;
mod void;

use crate::clock::{Clock, ShiftedClock, SystemClock};
use crate::till::{Paths, Till, TillError};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(name = "tillguard", version, about = "Point of sale with a card-settlement guard")]
pub struct Cli {
    /// Folder for the ledger (tillguard.sqlite) and, if present, tillguard.toml.
    #[arg(long, global = true, env = "TILLGUARD_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file (default: tillguard.toml in the data folder, else the user's config folder).
    #[arg(long, global = true, env = "TILLGUARD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Card terminal for this run: zvt+serial:PATH[@BAUD], zvt+tcp:HOST[:PORT] or simulator
    /// (overrides [terminal] connection in the config file).
    #[arg(long, global = true, env = "TILLGUARD_TERMINAL", value_name = "SPEC")]
    pub terminal: Option<String>,
    /// Receipt printer for this run: serial:PATH[@BAUD], tcp:HOST[:PORT], device:PATH,
    /// file:PATH or usb:VID:PID (overrides [printer] connection in the config file).
    #[arg(long, global = true, env = "TILLGUARD_PRINTER", value_name = "SPEC")]
    pub printer: Option<String>,
    /// Practise: the training till (its own ledger in training/ in the data folder, the
    /// built-in simulated terminal whatever --terminal says, printouts marked TRAINING).
    /// The real ledger is only read (products, users), never written.
    #[arg(long, global = true)]
    pub training: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Business day, whether it is open, sales so far.
    Status(status::Args),
    /// Ring up a sale: items by barcode or SKU, then a tender.
    Sell(sell::Args),
    /// Give back (part of) an earlier sale, in cash or to the card through the terminal.
    Refund(refund::Args),
    /// Void a card sale of the current day: the terminal reverses its card payment.
    Void(void::Args),
    /// Ask the terminal what became of unfinished card transactions; commit their sales.
    Recover(recover::Args),
    /// Settle the card batch: turnover totals, end-of-day, reconciliation with the ledger.
    Settle(settle::Args),
    /// A manager postpones settling (PIN from standard input or TILLGUARD_MANAGER_PIN).
    Defer(defer::Args),
    /// X-report (running, changes nothing) or Z-report (closes the day).
    Report(report::Args),
    /// Product catalog.
    Catalog(catalog::Args),
    /// Card terminal tools: ports, check, decode, simulate.
    Terminal(terminal::Args),
    /// Receipt printer tools: test page, status, queue, reprint.
    Printer(printer::Args),
    /// Back the ledger up now (checked, rotated); `backup list` shows the backups.
    Backup(backup::Args),
    /// Put a backup in place of the ledger (the replaced one is kept in replaced/).
    Restore(restore::Args),
    /// The tamper-evident audit log: `verify` checks the whole chain, `show` lists events.
    Audit(audit::Args),
    /// Start the till window at sign-in: `autostart on|off|status`.
    Autostart(autostart::Args),
    /// Incidents (lost batches, mismatches, deferrals, payments in doubt, clock jumps, failed
    /// backups, devices offline): list, show, note/close (manager), print, export.
    Incidents(incidents::Args),
    /// The alert queue (webhook, e-mail): status, send now, send a test alert.
    Alerts(incidents::AlertArgs),
}

impl Cli {
    /// The folders this run works in: the training till's with `--training`.
    pub fn paths(&self) -> anyhow::Result<Paths> {
        let paths = self.shop_paths()?;
        Ok(if self.training { paths.training() } else { paths })
    }

    /// The data folder's own folders, `--training` or not.
    pub fn shop_paths(&self) -> anyhow::Result<Paths> {
        Ok(Paths::resolve(self.data_dir.clone(), self.config.clone())?)
    }

    /// `--terminal`, parsed; `None` when not given.
    pub fn terminal_spec(&self) -> anyhow::Result<Option<crate::terminal::spec::TerminalSpec>> {
        self.terminal
            .as_deref()
            .map(crate::terminal::spec::TerminalSpec::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--terminal: {e}"))
    }

    /// `--printer`, parsed; `None` when not given.
    pub fn printer_spec(&self) -> anyhow::Result<Option<crate::printer::spec::PrinterSpec>> {
        self.printer
            .as_deref()
            .map(crate::printer::spec::PrinterSpec::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--printer: {e}"))
    }

    pub fn open_till(&self) -> anyhow::Result<Till> {
        let mut till = match self.training {
            true => Till::open_training(&self.shop_paths()?, clock()?)?,
            false => Till::open(&self.paths()?, clock()?)?,
        };
        till.set_printer(self.printer_spec()?);
        Ok(till)
    }
}

/// The CLI's clock: the system's, or, for end-to-end tests of day changes and clear times
/// only, one that starts at TILLGUARD_FAKE_NOW (RFC 3339) and runs on from there. Hidden:
/// not for shops (the audit log records every time it writes as usual).
pub fn clock() -> anyhow::Result<Arc<dyn Clock>> {
    match std::env::var("TILLGUARD_FAKE_NOW") {
        Ok(text) => {
            let at: jiff::Timestamp = text
                .trim()
                .parse()
                .map_err(|e| anyhow::anyhow!("TILLGUARD_FAKE_NOW '{text}' is not an RFC 3339 instant: {e}"))?;
            Ok(Arc::new(ShiftedClock::starting_at(at)))
        }
        Err(_) => Ok(Arc::new(SystemClock)),
    }
}

/// An error that ends the process with a particular exit code (after its output was printed).
#[derive(Debug)]
pub struct Exit {
    pub code: u8,
    pub message: String,
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Exit {}

/// Exit code when the settlement guard (or an earlier day without its Z-report) refuses to sell.
pub const EXIT_GUARD: u8 = 3;

/// The process exit code for an error (README, "Exit codes").
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if let Some(exit) = e.downcast_ref::<Exit>() {
        return exit.code;
    }
    match e.downcast_ref::<TillError>() {
        Some(TillError::Guard { why, .. }) if why.stops_selling() => EXIT_GUARD,
        Some(TillError::EarlierDayOpen { .. }) => EXIT_GUARD,
        _ => 1,
    }
}

/// Runs a subcommand; `Ok(false)` means no subcommand was given (open the GUI).
pub fn run(cli: &Cli) -> anyhow::Result<bool> {
    let Some(command) = &cli.command else {
        return Ok(false);
    };
    let spec = match cli.training {
        true => Some(crate::terminal::spec::TerminalSpec::Simulator),
        false => cli.terminal_spec()?,
    };
    if cli.training {
        if matches!(
            command,
            Command::Backup(_) | Command::Restore(_) | Command::Autostart(_)
        ) {
            anyhow::bail!("--training: a training ledger is never backed up or restored, nor started at sign-in");
        }
        // On stderr: stdout may be a command's JSON.
        eprintln!("TRAINING - nothing here is real ({})", cli.paths()?.data_dir.display());
    }
    // Listing and restoring backups must work when the ledger is damaged: no till opened here.
    match command {
        Command::Backup(args) => return pipe::quiet_on_closed_pipe(|| backup::run(cli, args)).map(|_| true),
        Command::Restore(args) => return pipe::quiet_on_closed_pipe(|| restore::run(cli, args)).map(|_| true),
        // Read-only: opening the till would add events (logins, clock checks) to what is checked.
        Command::Audit(args) => return pipe::quiet_on_closed_pipe(|| audit::run(cli, args)).map(|_| true),
        // A setting of the user's session, not of the ledger.
        Command::Autostart(args) => return pipe::quiet_on_closed_pipe(|| autostart::run(cli, args)).map(|_| true),
        _ => {}
    }
    if let Command::Terminal(args) = command {
        // Terminal tools work without opening the ledger.
        pipe::quiet_on_closed_pipe(|| terminal::run(args, &cli.paths()?, spec.as_ref()))?;
        return Ok(true);
    }
    let paths = cli.paths()?;
    let mut till = cli.open_till()?;
    let connect = |till: &Till| -> anyhow::Result<crate::terminal::connect::Connected> {
        let spec = spec.as_ref().or(till.config().terminal.as_ref());
        Ok(crate::terminal::connect::connect(
            spec,
            till.config(),
            &paths.data_dir,
            clock()?,
        )?)
    };
    // Human text uses println!: a reader gone (`| head`) ends the command's output quietly.
    pipe::quiet_on_closed_pipe(|| -> anyhow::Result<()> {
        match command {
            Command::Status(args) => status::run(&mut till, args)?,
            Command::Sell(args) => sell::run(&mut till, args, &connect)?,
            Command::Refund(args) => refund::run(&mut till, args, &connect)?,
            Command::Void(args) => void::run(&mut till, args, &connect)?,
            Command::Recover(args) => recover::run(&mut till, args, &connect)?,
            Command::Settle(args) => settle::run(&mut till, args, &connect)?,
            Command::Defer(args) => defer::run(&mut till, args)?,
            Command::Report(args) => report::run(&mut till, args)?,
            Command::Printer(args) => printer::run(&mut till, args)?,
            Command::Catalog(args) => catalog::run(&mut till, args)?,
            Command::Incidents(args) => incidents::run(&mut till, args)?,
            Command::Alerts(args) => incidents::run_alerts(&mut till, args)?,
            Command::Terminal(_)
            | Command::Backup(_)
            | Command::Restore(_)
            | Command::Audit(_)
            | Command::Autostart(_) => {}
        }
        Ok(())
    })?;
    // Whatever the command did or found (a lost batch, a deferral, a mismatch, a payment in
    // doubt, a clock jump, a failed backup) opens its incident, with its alerts queued; the
    // queue is sent by the window's worker or `tillguard alerts send`.
    if let Err(e) = till.sweep_incidents() {
        eprintln!("warning: incidents could not be checked: {e}");
    }
    for i in till.take_new_incidents() {
        eprintln!("incident #{} opened: {}", i.id, i.what);
    }
    // The backup a Z-report triggers; on stderr, as stdout may be the report's JSON.
    match till.take_backup_outcome() {
        Some(crate::till::BackupOutcome::Made(done)) => {
            eprintln!("backup written: {}", done.made.file.path.display())
        }
        Some(crate::till::BackupOutcome::Failed(why)) => {
            eprintln!("warning: the Z-report is closed, but its backup failed: {why}")
        }
        None => {}
    }
    // What the till queued on its own (the claim list of a batch the guard found lost).
    if let Some(target) = till.print_target(None) {
        for job in till.take_new_print_jobs() {
            let kind = till.print_job_row(job)?.map(|j| j.kind).unwrap_or_default();
            // On stderr: stdout may be a command's JSON.
            eprintln!("{}", print_out::send(&mut till, job, &target)?.describe(&kind));
        }
    }
    Ok(true)
}

/// Prints a JSON value on stdout, pretty, with a final newline (a closed pipe is no error).
fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    pipe::write_out(&format!("{}\n", serde_json::to_string_pretty(value)?))
}
