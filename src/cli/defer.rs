//! `tillguard defer`: a manager postpones settling, with a reason and an expiry. The PIN is
//! read from TILLGUARD_MANAGER_PIN or standard input, never from an argument (arguments show
//! in process lists and shell history).

use super::{print_json, print_out};
use crate::settlement::batch::DeferReason;
use crate::settlement::guard::next_local;
use crate::till::Till;
use jiff::Timestamp;
use serde_json::json;
use std::io::{BufRead, IsTerminal, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Reason {
    TerminalOffline,
    HostUnreachable,
    AcquirerMaintenance,
    Other,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum)]
    reason: Reason,
    /// Why, in words (required with --reason other).
    #[arg(long, value_name = "TEXT")]
    text: Option<String>,
    /// Until when: RFC 3339 (2026-11-27T03:00:00+08:00) or a local HH:MM (the next one).
    /// Default and maximum: the next business day's start or the terminal's clear time.
    #[arg(long, value_name = "RFC3339|HH:MM")]
    until: Option<String>,
    #[arg(long)]
    json: bool,
}

/// The manager PIN: TILLGUARD_MANAGER_PIN, else one line of standard input.
pub fn read_pin() -> anyhow::Result<String> {
    if let Ok(pin) = std::env::var("TILLGUARD_MANAGER_PIN") {
        return Ok(pin);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("manager PIN: ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let pin = line.trim().to_string();
    if pin.is_empty() {
        anyhow::bail!("no manager PIN given (standard input or TILLGUARD_MANAGER_PIN)");
    }
    Ok(pin)
}

/// `--until` as an instant: RFC 3339, or the next local HH:MM.
fn parse_until(text: &str, till: &Till) -> anyhow::Result<Timestamp> {
    let text = text.trim();
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    let bad = || anyhow::anyhow!("--until '{text}' is neither RFC 3339 (2026-11-27T03:00:00+08:00) nor HH:MM");
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    let (h, m): (i8, i8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let at = jiff::civil::Time::new(h, m, 0, 0).map_err(|_| bad())?;
    next_local(till.now(), till.day_rule(), at).ok_or_else(bad)
}

pub fn run(till: &mut Till, args: &Args) -> anyhow::Result<()> {
    let reason = match (args.reason, args.text.as_deref().map(str::trim)) {
        (Reason::Other, Some(text)) if !text.is_empty() => DeferReason::Other(text.to_string()),
        (Reason::Other, _) => anyhow::bail!("--reason other needs --text saying why"),
        (_, Some(_)) => anyhow::bail!("--text goes with --reason other"),
        (Reason::TerminalOffline, None) => DeferReason::TerminalOffline,
        (Reason::HostUnreachable, None) => DeferReason::HostUnreachable,
        (Reason::AcquirerMaintenance, None) => DeferReason::AcquirerMaintenance,
    };
    let until = args.until.as_deref().map(|u| parse_until(u, till)).transpose()?;
    let pin = read_pin()?;
    let d = till.defer(&pin, reason, until)?;
    let text = match &d.reason {
        DeferReason::Other(t) => Some(t.clone()),
        _ => None,
    };
    // The deferral is stored; its slips print where a printer is set up.
    let mut printed = Vec::new();
    if let Some(target) = till.print_target(None) {
        for job in till.queue_deferral_slips(&d)? {
            printed.push(print_out::send(till, job, &target)?);
        }
    }
    if args.json {
        return print_json(&json!({
            "until": d.until.to_string(),
            "by": d.by,
            "reason": d.reason.code(),
            "text": text,
            "at": d.at.to_string(),
            "print": printed.iter().map(|p| p.to_json()).collect::<Vec<_>>(),
        }));
    }
    let local = d.until.to_zoned(till.config().time_zone.clone());
    println!(
        "settlement deferred until {} by {} ({}{})",
        local.strftime("%Y-%m-%d %H:%M"),
        d.by,
        d.reason.code(),
        text.map(|t| format!(": {t}")).unwrap_or_default()
    );
    for p in &printed {
        p.report("deferral slip");
    }
    Ok(())
}
