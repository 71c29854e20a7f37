//! `tillguard recover`: asks the terminal what became of unfinished card transactions and
//! commits the sales of approved ones (see till/recover.rs).

use super::{card_output, json, print_json};
use crate::till::Till;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON (fields documented in the README).
    #[arg(long)]
    json: bool,
}

pub fn run(till: &mut Till, args: &Args, terminal: card_output::Connect<'_>) -> anyhow::Result<()> {
    if till.store().unresolved_cards()?.is_empty() {
        // Nothing to ask: no terminal needed.
        if args.json {
            return print_json(&json::recovery(&Default::default()));
        }
        println!("no unfinished card transactions");
        return Ok(());
    }
    let mut connected = terminal(till)?;
    let mut progress = card_output::progress(till.language(), args.json);
    let report = till.recover_cards(connected.terminal.as_mut(), &mut progress)?;
    if args.json {
        return print_json(&json::recovery(&report));
    }
    for line in card_output::lines(&report) {
        println!("{line}");
    }
    if let Some(e) = &report.terminal_error {
        println!("the terminal could not be asked: {e}");
    }
    let (doubt, without) = (report.in_doubt(), report.without_sale());
    if doubt.is_empty() && without.is_empty() {
        println!("all card transactions resolved");
    } else {
        println!(
            "{} still in doubt, {} approved without a sale: a manager must check them",
            doubt.len(),
            without.len()
        );
    }
    Ok(())
}
