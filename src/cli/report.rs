use super::{guard_json, print_json, print_out};
use crate::money::Money;
use crate::till::Till;
use jiff::civil::Date;

mod month;

/// `YYYY-MM` as the month's first day.
fn parse_month(text: &str) -> Result<Date, String> {
    let bad = || format!("'{text}' is not a month (YYYY-MM, e.g. 2026-11)");
    let (year, month) = text.trim().split_once('-').ok_or_else(bad)?;
    let year: i16 = year.parse().map_err(|_| bad())?;
    let month: i8 = month.parse().map_err(|_| bad())?;
    Date::new(year, month, 1).map_err(|_| bad())
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    kind: Kind,
}

#[derive(Debug, clap::Subcommand)]
enum Kind {
    /// The running figures of a day; changes nothing.
    X {
        /// Business day YYYY-MM-DD (default: today's business day).
        #[arg(long)]
        day: Option<Date>,
        /// Print it too (on the configured printer, or --printer).
        #[arg(long)]
        print: bool,
        #[arg(long)]
        json: bool,
    },
    /// Close a day: count the cash, then store its numbered, immutable Z-report.
    /// For a day already closed, prints its stored Z-report.
    Z {
        /// Business day YYYY-MM-DD (default: the oldest day not yet closed, else today).
        #[arg(long)]
        day: Option<Date>,
        /// Cash counted in the drawer.
        #[arg(long, value_name = "AMOUNT")]
        counted: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A month's figures, its business days (with their Z-reports) and its best-selling products.
    Month {
        /// The month, YYYY-MM (default: the month of today's business day).
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Option<Date>,
        #[arg(long)]
        json: bool,
    },
    /// Every sale and refund of a range of business days as CSV (for accounting).
    Export {
        /// First business day YYYY-MM-DD (default: today's business day).
        #[arg(long)]
        from: Option<Date>,
        /// Last business day (default: the first).
        #[arg(long)]
        until: Option<Date>,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// The claim list of a card batch the terminal cleared unsettled (Lost): every approved
    /// payment, for the acquirer.
    Claim {
        /// The batch number (status shows it).
        #[arg(long)]
        batch: i64,
        #[arg(long)]
        json: bool,
        /// Also write the list as CSV to this file, for the acquirer ("-" = standard output,
        /// instead of the table).
        #[arg(long, value_name = "FILE")]
        csv: Option<std::path::PathBuf>,
    },
}

pub fn run(till: &mut Till, args: &Args) -> anyhow::Result<()> {
    // A Z-report is printed when this command closes it (`printer reprint z:N` prints a
    // stored one again as a copy); an X-report when asked to.
    let mut print = false;
    let (report, json) = match &args.kind {
        Kind::Claim { batch, json, csv } => return claim(till, *batch, *json, csv.as_deref()),
        Kind::Month { month, json } => return month::run(till, *month, *json),
        Kind::Export { from, until, out } => return export(till, *from, *until, out.as_deref()),
        Kind::X { day, print: p, json } => {
            print = *p;
            (till.x_report(*day)?, *json)
        }
        Kind::Z { day, counted, json } => {
            let target = match day {
                Some(d) => *d,
                None => till.day_to_close()?,
            };
            match (till.stored_z_report(target)?, counted) {
                (Some(stored), None) => (stored, *json),
                (Some(stored), Some(_)) => anyhow::bail!(
                    "business day {target} is already closed by Z-report #{}; omit --counted to print it",
                    stored.z_number.unwrap_or_default()
                ),
                (None, None) => {
                    anyhow::bail!("closing business day {target} needs the cash count: report z --counted AMOUNT")
                }
                (None, Some(text)) => {
                    let counted = Money::parse_non_negative(text, till.currency())
                        .map_err(|e| anyhow::anyhow!("--counted: {e}"))?;
                    print = true;
                    (till.close_day(Some(target), counted)?, *json)
                }
            }
        }
    };
    let printed = match print {
        true => print_out::queue_and_send(till, |till| till.queue_report(&report))?,
        false => None,
    };
    if json {
        let mut value = report.to_json();
        if let Some(p) = &printed {
            value["print"] = p.to_json();
        }
        return print_json(&value);
    }
    print!("{}", till.report_text(&report));
    if let Some(p) = &printed {
        p.report(match report.kind {
            crate::settlement::report::ReportKind::Z => "Z-report",
            _ => "X-report",
        });
    }
    Ok(())
}

fn claim(till: &mut Till, batch: i64, json: bool, csv: Option<&std::path::Path>) -> anyhow::Result<()> {
    // The guard first turns a batch whose clear time passed into Lost.
    till.guard(false)?;
    let lines = till.claim_list(batch)?;
    let to_stdout = csv.is_some_and(|p| p.as_os_str() == "-");
    if to_stdout && json {
        anyhow::bail!("--csv - and --json both write to standard output: give --csv a file name");
    }
    if let Some(path) = csv {
        let text = crate::till::claim_csv(&lines);
        if to_stdout {
            print!("{text}");
        } else {
            std::fs::write(path, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        }
    }
    let printed = print_out::queue_and_send(till, |till| till.queue_claim(batch))?;
    let row = till.store().batch(batch)?;
    let total = lines.iter().fold(Money::zero(till.currency()), |sum, l| match l.kind {
        crate::store::CardKind::Refund => sum - l.amount,
        _ => sum + l.amount,
    });
    if json {
        return print_json(&serde_json::json!({
            "batch_id": batch,
            "terminal": row.as_ref().map(|r| r.terminal.clone()),
            "state": row.as_ref().map(|r| r.state.as_str()),
            "lost_at": row.as_ref().and_then(|r| r.closed_at).map(|t| t.to_string()),
            "currency": till.currency().alpha,
            "total": total.plain(),
            "lines": lines.iter().map(guard_json::claim_line).collect::<Vec<_>>(),
            "print": printed.as_ref().map(|p| p.to_json()),
        }));
    }
    if to_stdout {
        return Ok(());
    }
    if let Some(path) = csv {
        println!("Claim list written as CSV to {}", path.display());
    }
    println!(
        "Claim list, card batch #{batch}{}: {} transaction(s), {}",
        row.as_ref().map(|r| format!(" of {}", r.terminal)).unwrap_or_default(),
        lines.len(),
        total.display()
    );
    println!("date       time     amount      trace  receipt  card                     type        terminal");
    for l in &lines {
        let amount = match l.kind {
            crate::store::CardKind::Refund => format!("-{}", l.amount.plain()),
            _ => l.amount.plain(),
        };
        let opt = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
        println!(
            "{} {} {:>10} {:>6} {:>8}  {:<24} {:<11} {}",
            l.date,
            l.time,
            amount,
            opt(l.trace),
            opt(l.receipt_no),
            l.pan.as_deref().unwrap_or("-"),
            l.card_type.as_deref().unwrap_or("-"),
            l.terminal_id.as_deref().unwrap_or("-")
        );
    }
    if let Some(p) = &printed {
        p.report("claim list");
    }
    Ok(())
}

fn export(till: &Till, from: Option<Date>, until: Option<Date>, out: Option<&std::path::Path>) -> anyhow::Result<()> {
    let from = match from {
        Some(d) => d,
        None => till.business_day()?.0,
    };
    let until = until.unwrap_or(from);
    if until < from {
        anyhow::bail!("--until {until} is before --from {from}");
    }
    let count = match out {
        Some(path) => {
            let mut file =
                std::fs::File::create(path).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            let n = till.export_csv(from, until, &mut file)?;
            file.sync_all()?;
            n
        }
        None => till.export_csv(from, until, &mut std::io::stdout().lock())?,
    };
    if let Some(path) = out {
        println!("{count} sale(s) of {from}..{until} written to {}", path.display());
    }
    Ok(())
}
