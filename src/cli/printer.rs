//! `tillguard printer test|status|queue|reprint|drawer`: the installer's and the manager's
//! printer tools.

use super::print_json;
use super::print_out::{self, Outcome};
use crate::printer::link::{self, LinkOptions};
use crate::printer::spec::PrinterSpec;
use crate::printer::status::PrinterStatus;
use crate::store::PrintJob;
use crate::till::Till;
use crate::till::print::Target;
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Print a test page (Chinese and Western text, a QR code, a cut) and report the
    /// printer's status. Exit 1 if it did not print.
    Test {
        #[arg(long)]
        json: bool,
    },
    /// Ask the printer for its status (paper, cover, online); two-way links only.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Jobs waiting for the printer: queued, or failed with their error.
    Queue {
        #[arg(long)]
        json: bool,
    },
    /// Print again: `job:N` (a failed job goes out as it is; a printed one as a COPY),
    /// `sale:N` or just `N` (a sale's receipt), `z:N` (a Z-report).
    Reprint {
        #[arg(value_name = "SALE|job:N|sale:N|z:N")]
        what: String,
        #[arg(long)]
        json: bool,
    },
    /// Open the cash drawer without a sale ("no sale"): a manager's PIN (TILLGUARD_MANAGER_PIN
    /// or standard input) and a reason; audited, and a slip prints with the kick.
    Drawer {
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(till: &mut Till, args: &Args) -> anyhow::Result<()> {
    match &args.action {
        Action::Queue { json } => queue(till, *json),
        Action::Drawer { reason, json } => {
            let target = target(till)?;
            let manager = till.approve(crate::permission::Action::OpenDrawer, &super::defer::read_pin()?)?;
            let job = till.open_drawer(reason, Some(&manager))?;
            let outcome = print_out::send(till, job, &target)?;
            if *json {
                print_json(&json!({ "approved_by": manager.name, "print": outcome.to_json() }))?;
            } else {
                outcome.report("no-sale slip and drawer kick");
            }
            finish(&outcome)
        }
        Action::Status { json } => status(till, *json),
        Action::Test { json } => {
            let target = target(till)?;
            let status = match &target {
                Target::Printer(spec) => Some(read_status(spec)),
                Target::Preview(_) => None,
            };
            let doc = till.test_page(&target.to_string());
            let job = till.queue_print("test", None, &doc, false)?;
            let outcome = print_out::send(till, job, &target)?;
            if *json {
                let status = status.map(|s| status_json(&s));
                print_json(&json!({ "status": status, "print": outcome.to_json() }))?;
            } else {
                if let Some(s) = &status {
                    println!("{}", status_line(&target.to_string(), s));
                }
                outcome.report("test page");
            }
            finish(&outcome)
        }
        Action::Reprint { what, json } => {
            let target = target(till)?;
            let job = match parse_what(what)? {
                What::Job(n) => till.reprint_job(n)?,
                What::Sale(n) => till.reprint_sale(n)?,
                What::Z(n) => till.reprint_z(n)?,
            };
            let outcome = print_out::send(till, job, &target)?;
            if *json {
                print_json(&outcome.to_json())?;
            } else {
                outcome.report(&format!("reprint of {what}"));
            }
            finish(&outcome)
        }
    }
}

fn finish(outcome: &Outcome) -> anyhow::Result<()> {
    match &outcome.result {
        Ok(_) => Ok(()),
        Err(_) => Err(super::Exit {
            code: 1,
            message: format!("job {} did not print", outcome.job),
        }
        .into()),
    }
}

fn target(till: &Till) -> anyhow::Result<Target> {
    till.print_target(None).ok_or_else(|| {
        anyhow::anyhow!("no printer: set [printer] connection in the config file or pass --printer SPEC")
    })
}

enum What {
    Job(i64),
    Sale(i64),
    Z(i64),
}

fn parse_what(text: &str) -> anyhow::Result<What> {
    let (kind, number) = text.trim().split_once(':').unwrap_or(("sale", text.trim()));
    let n: i64 = number
        .trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| anyhow::anyhow!("reprint: '{number}' is not a positive number"))?;
    match kind.trim().to_ascii_lowercase().as_str() {
        "job" => Ok(What::Job(n)),
        "sale" => Ok(What::Sale(n)),
        "z" => Ok(What::Z(n)),
        other => anyhow::bail!("reprint: unknown kind '{other}' (use job:N, sale:N or z:N)"),
    }
}

fn read_status(spec: &PrinterSpec) -> Result<Option<PrinterStatus>, String> {
    let mut link = link::open(spec, &LinkOptions::default()).map_err(|e| e.to_string())?;
    link.status().map_err(|e| e.to_string())
}

fn status_line(target: &str, s: &Result<Option<PrinterStatus>, String>) -> String {
    match s {
        Ok(Some(st)) => {
            let mut line = match st.problem() {
                None => format!("printer {target}: ready"),
                Some(p) => format!("printer {target}: {p}"),
            };
            for w in st.warnings() {
                line.push_str(&format!(", {w}"));
            }
            line
        }
        Ok(None) => format!("printer {target}: one-way connection, status unknown"),
        Err(e) => format!("printer {target}: {e}"),
    }
}

fn status_json(s: &Result<Option<PrinterStatus>, String>) -> serde_json::Value {
    match s {
        Ok(Some(st)) => json!({
            "ready": st.problem().is_none(),
            "problem": st.problem(),
            "warnings": st.warnings(),
            "offline": st.offline,
            "cover_open": st.cover_open,
            "paper_out": st.paper_out,
            "paper_near_end": st.paper_near_end,
            "error": st.error,
        }),
        Ok(None) => json!({ "ready": null, "problem": null, "one_way": true }),
        Err(e) => json!({ "ready": false, "problem": "unreachable", "error": e }),
    }
}

fn status(till: &Till, json: bool) -> anyhow::Result<()> {
    let Target::Printer(spec) = target(till)? else {
        anyhow::bail!("the demo preview folder has no status; pass --printer SPEC");
    };
    let s = read_status(&spec);
    if json {
        print_json(&status_json(&s))?;
    } else {
        println!("{}", status_line(&spec.to_string(), &s));
    }
    match s {
        Ok(Some(st)) if st.problem().is_some() => Err(super::Exit {
            code: 1,
            message: "the printer cannot print".into(),
        }
        .into()),
        Err(e) => anyhow::bail!(e),
        _ => Ok(()),
    }
}

fn job_json(j: &PrintJob) -> serde_json::Value {
    json!({
        "job": j.id,
        "kind": j.kind,
        "reference": j.reference,
        "copy": j.copy,
        "state": j.state.as_str(),
        "attempts": j.attempts,
        "error": j.last_error,
        "printer": j.printer,
        "created_at": j.created_at.to_string(),
    })
}

fn queue(till: &Till, json: bool) -> anyhow::Result<()> {
    let jobs = till.print_queue()?;
    if json {
        return print_json(&json!({ "jobs": jobs.iter().map(job_json).collect::<Vec<_>>() }));
    }
    if jobs.is_empty() {
        println!("print queue empty: every job printed");
    }
    for j in &jobs {
        let reference = j.reference.as_deref().map(|r| format!(" {r}")).unwrap_or_default();
        let error = j.last_error.as_deref().map(|e| format!(": {e}")).unwrap_or_default();
        println!(
            "job {} {}{}{} - {} after {} attempt(s){}",
            j.id,
            j.kind,
            reference,
            if j.copy { " (copy)" } else { "" },
            j.state.as_str(),
            j.attempts,
            error
        );
    }
    Ok(())
}
