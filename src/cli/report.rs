use super::print_json;
use crate::money::Money;
use crate::till::Till;
use jiff::civil::Date;

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
}

pub fn run(till: &mut Till, args: &Args) -> anyhow::Result<()> {
    let (report, json) = match &args.kind {
        Kind::X { day, json } => (till.x_report(*day)?, *json),
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
                    (till.close_day(Some(target), counted)?, *json)
                }
            }
        }
    };
    if json {
        return print_json(&report.to_json());
    }
    print!("{}", till.report_text(&report));
    Ok(())
}
