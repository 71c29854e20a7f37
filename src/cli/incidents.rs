//! `tillguard incidents`: the incident list, one incident with who was told, the manager's
//! write-up and close (manager PIN from TILLGUARD_MANAGER_PIN or standard input), print and
//! CSV export. `tillguard alerts`: the alert queue, sending it now, a test alert.

use super::defer::read_pin;
use super::print_json;
use crate::alert::outbox::Configured;
use crate::incident::{Incident, kind_title};
use crate::permission::Action;
use crate::store::{AlertState, QueuedAlert};
use crate::till::Till;
use serde_json::{Value, json};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
    /// Closed incidents too (newest first); without it the open ones, oldest first.
    #[arg(long)]
    all: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// One incident: what happened, what the till did, the write-up, who was told.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Write the cause and the remedy (a manager), and `--close` it (needs a remedy).
    Note {
        id: i64,
        #[arg(long, default_value = "")]
        cause: String,
        #[arg(long, default_value = "")]
        remedy: String,
        #[arg(long)]
        close: bool,
    },
    /// Queue the incident's printout (sent to the configured printer).
    Print { id: i64 },
    /// Write the incidents as CSV to FILE, or `-` for standard output.
    Export {
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct AlertArgs {
    #[command(subcommand)]
    command: AlertSub,
}

#[derive(Debug, clap::Subcommand)]
enum AlertSub {
    /// Alerts not sent yet, with their attempts and last error.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Send the alerts that are due now through the configured webhook and mail server.
    Send,
    /// Queue a test alert on every configured channel and send it now.
    Test,
}

fn incident_json(i: &Incident, till: &Till) -> Value {
    let stamp = |s: &Option<crate::incident::Stamp>| s.as_ref().map(|s| json!({"by": s.by, "at": s.at.to_string()}));
    json!({
        "id": i.id,
        "kind": i.kind.as_str(),
        "title": kind_title(i.kind, &crate::i18n::I18n::new(till.config().language)),
        "opened_at": i.opened_at.to_string(),
        "terminal": i.terminal,
        "batch": i.batch_id,
        "amount": i.amount.map(|a| a.plain()),
        "what": i.what,
        "action": i.action,
        "cause": i.cause,
        "remedy": i.remedy,
        "updated": stamp(&i.updated),
        "closed": stamp(&i.closed),
    })
}

fn alert_json(a: &QueuedAlert) -> Value {
    let (sent, next) = match &a.state {
        AlertState::Sent { at } => (Some(at.to_string()), None),
        AlertState::Waiting { next } => (None, Some(next.to_string())),
    };
    json!({
        "id": a.id,
        "incident": a.incident_id,
        "channel": a.channel.as_str(),
        "subject": a.message.subject,
        "attempts": a.attempts,
        "sent_at": sent,
        "next_attempt": next,
        "last_error": a.last_error,
    })
}

fn alert_line(a: &QueuedAlert) -> String {
    let state = match &a.state {
        AlertState::Sent { at } => format!("sent {at}"),
        AlertState::Waiting { next } => format!(
            "waiting, {} attempt(s), next {next}{}",
            a.attempts,
            a.last_error
                .as_ref()
                .map(|e| format!(", last error: {e}"))
                .unwrap_or_default()
        ),
    };
    format!("{:<8} {state}", a.channel.as_str())
}

pub fn run(till: &mut Till, args: &Args) -> anyhow::Result<()> {
    match &args.command {
        None => list(till, args.all, args.json),
        Some(Sub::Show { id, json }) => show(till, *id, *json),
        Some(Sub::Note {
            id,
            cause,
            remedy,
            close,
        }) => {
            let approval = match till.may(Action::ManageIncidents) {
                true => None,
                false => Some(till.approve(Action::ManageIncidents, &read_pin()?)?),
            };
            let i = till.note_incident(*id, cause, remedy, *close, approval.as_ref())?;
            let state = if i.is_open() { "noted (still open)" } else { "closed" };
            println!("incident #{} {state}", i.id);
            Ok(())
        }
        Some(Sub::Print { id }) => {
            let job = till.queue_incident(*id)?;
            println!("incident #{id} queued for printing (job #{job})");
            Ok(())
        }
        Some(Sub::Export { csv, all }) => {
            let text = till.incidents_csv(!all)?;
            if csv.as_os_str() == "-" {
                print!("{text}");
            } else {
                std::fs::write(csv, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", csv.display()))?;
                let actor = till.cashier();
                till.audit(
                    &actor,
                    "incidents.exported",
                    &format!("incidents written to {}", csv.display()),
                )?;
                println!("incidents written to {}", csv.display());
            }
            Ok(())
        }
    }
}

fn list(till: &Till, all: bool, as_json: bool) -> anyhow::Result<()> {
    let incidents = till.incidents(!all)?;
    if as_json {
        let list: Vec<Value> = incidents.iter().map(|i| incident_json(i, till)).collect();
        return print_json(&json!({ "incidents": list }));
    }
    if incidents.is_empty() {
        println!("{}", if all { "no incidents" } else { "no open incidents" });
        return Ok(());
    }
    let i18n = crate::i18n::I18n::new(till.config().language);
    for i in &incidents {
        let state = if i.is_open() { "OPEN" } else { "closed" };
        let amount = i.amount.map(|a| format!(" {}", a.display())).unwrap_or_default();
        println!(
            "#{:<4} {state:<6} {} {}{amount}",
            i.id,
            i.opened_at,
            kind_title(i.kind, &i18n)
        );
        println!("      {}", i.what);
    }
    Ok(())
}

fn show(till: &Till, id: i64, as_json: bool) -> anyhow::Result<()> {
    let i = till.incident(id)?;
    let alerts = till.incident_alerts(id)?;
    if as_json {
        let mut v = incident_json(&i, till);
        v["alerts"] = alerts.iter().map(alert_json).collect();
        return print_json(&v);
    }
    let i18n = crate::i18n::I18n::new(till.config().language);
    println!("incident #{} - {}", i.id, kind_title(i.kind, &i18n));
    println!("opened:  {}", i.opened_at);
    if let Some(a) = i.amount {
        println!("amount:  {}", a.display());
    }
    println!("what:    {}", i.what);
    println!("action:  {}", i.action);
    println!("cause:   {}", i.cause);
    println!("remedy:  {}", i.remedy);
    match &i.closed {
        Some(c) => println!("closed:  by {} at {}", c.by, c.at),
        None => println!("state:   open"),
    }
    for a in &alerts {
        println!("alert:   {}", alert_line(a));
    }
    Ok(())
}

pub fn run_alerts(till: &mut Till, args: &AlertArgs) -> anyhow::Result<()> {
    match args.command {
        AlertSub::Status { json } => {
            let waiting = till.alerts_waiting()?;
            if json {
                let list: Vec<Value> = waiting.iter().map(alert_json).collect();
                return print_json(&json!({ "waiting": list }));
            }
            if waiting.is_empty() {
                println!("no alerts waiting");
            }
            for a in &waiting {
                println!("#{:<4} {}  {}", a.id, alert_line(a), a.message.subject);
            }
            Ok(())
        }
        AlertSub::Send => send(till),
        AlertSub::Test => {
            let queued = till.queue_test_alert()?;
            println!("test alert queued on {}", names(queued.iter().map(|q| q.1.as_str())));
            send(till)
        }
    }
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(" and ")
}

/// Sends what is due; a failure leaves the alert queued for the next try and exits 1.
fn send(till: &mut Till) -> anyhow::Result<()> {
    let config = till.config().alerts.clone();
    let round = till.deliver_alerts(&Configured(&config))?;
    println!("{} alert(s) sent", round.sent);
    for (id, channel, e) in &round.failed {
        println!(
            "alert #{id} by {} failed (kept, tried again later): {e}",
            channel.as_str()
        );
    }
    if !round.failed.is_empty() {
        anyhow::bail!("{} alert(s) could not be sent", round.failed.len());
    }
    Ok(())
}
