//! `tillguard settle`: Send Turnover Totals, End-of-Day, reconciliation against the ledger;
//! or, for a standalone terminal (`--manual`), the totals typed from its settlement slip.

use super::{Exit, card_output, guard_json, print_json, print_out};
use crate::settlement::reconcile::Reconciliation;
use crate::settlement::report::{manual_json, manual_totals};
use crate::settlement::slip::SlipText;
use crate::till::{Till, TillError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON (fields documented in the README).
    #[arg(long)]
    json: bool,
    /// A standalone terminal settled by hand (结算 pressed on it): type its settlement slip's
    /// totals with --count and --amount (and --scheme, --voucher-range, --at as the slip shows).
    #[arg(long, requires_all = ["count", "amount"])]
    manual: bool,
    /// `--manual`: the slip's number of card transactions (voids excluded, refunds included).
    #[arg(long, value_name = "N", requires = "manual")]
    count: Option<String>,
    /// `--manual`: the slip's net amount (refunds subtracted).
    #[arg(long, value_name = "AMOUNT", requires = "manual")]
    amount: Option<String>,
    /// `--manual`: the first and last voucher number on the slip.
    #[arg(long, value_name = "A-B", requires = "manual")]
    voucher_range: Option<String>,
    /// `--manual`: one scheme's line of the slip, SCHEME:COUNT:AMOUNT (repeatable), e.g.
    /// unionpay:12:1520.00; together they must add up to --count and --amount.
    #[arg(long = "scheme", value_name = "SCHEME:COUNT:AMOUNT", requires = "manual")]
    schemes: Vec<String>,
    /// `--manual`: when the terminal settled, HH:MM today or YYYY-MM-DD HH:MM (default now).
    #[arg(long, value_name = "TIME", requires = "manual")]
    at: Option<String>,
}

/// The slip as typed on the command line.
fn slip_text(args: &Args) -> anyhow::Result<SlipText> {
    let mut per_scheme = Vec::new();
    for s in &args.schemes {
        let mut parts = s.splitn(3, ':');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(scheme), Some(count), Some(amount)) => {
                per_scheme.push((scheme.to_string(), count.to_string(), amount.to_string()))
            }
            _ => anyhow::bail!("--scheme '{s}' must be SCHEME:COUNT:AMOUNT, e.g. unionpay:12:1520.00"),
        }
    }
    Ok(SlipText {
        count: args.count.clone().unwrap_or_default(),
        amount: args.amount.clone().unwrap_or_default(),
        per_scheme,
        voucher_range: args.voucher_range.clone().unwrap_or_default(),
    })
}

/// Exit code of a settlement the terminal made whose totals differ from the ledger.
pub const EXIT_MISMATCH: u8 = 2;

pub fn run(till: &mut Till, args: &Args, connect: card_output::Connect<'_>) -> anyhow::Result<()> {
    let outcome = match (args.manual, till.standalone().map(|s| s.name.clone())) {
        (true, Some(_)) => {
            let at = till.settled_at(args.at.as_deref().unwrap_or(""))?;
            till.settle_standalone(&slip_text(args)?, at)
        }
        (true, None) => anyhow::bail!(
            "--manual is for a standalone terminal ([terminal] kind = \"standalone\"); this till asks its terminal \
             for the totals: run tillguard settle"
        ),
        (false, Some(name)) => anyhow::bail!(
            "the card terminal {name} is standalone: press 结算 (settlement) on it, then type the slip's totals: \
             tillguard settle --manual --count N --amount X [--voucher-range A-B] [--scheme SCHEME:COUNT:AMOUNT]"
        ),
        (false, None) => {
            card_output::run_with_terminal(till, connect, args.json, |till, terminal, _cancel, progress| {
                Ok(till.settle(terminal, progress))
            })?
        }
    };
    let settlement = match outcome {
        Ok(s) => s,
        Err(TillError::SettleFailed { batch_id, reason }) => {
            if args.json {
                print_json(&serde_json::json!({
                    "batch_id": batch_id,
                    "state": "failed",
                    "error": reason,
                }))?;
            }
            return Err(TillError::SettleFailed { batch_id, reason }.into());
        }
        Err(e) => return Err(e.into()),
    };
    let mismatch = !settlement.reconciliation.is_match();
    let printed = print_out::queue_and_send(till, |till| till.queue_settlement(&settlement))?;
    // Card payments made on a standalone device meanwhile: in no batch, settled on that device.
    let manual = till.store().batch_section(settlement.batch_id)?.manual;
    let (manual_count, manual_amount) = manual_totals(&manual, till.currency());
    if args.json {
        let mut value = guard_json::settlement(&settlement, till.currency());
        value["manual_card"] = manual_json(&manual, till.currency());
        value["print"] = printed.as_ref().map(|p| p.to_json()).unwrap_or_default();
        print_json(&value)?;
    } else {
        if let Some(t) = &settlement.turnover {
            println!("Turnover before end-of-day:");
            for line in guard_json::totals_lines(t, till.currency()) {
                println!("  {line}");
            }
        }
        match till.standalone() {
            Some(s) => println!(
                "Batch #{} of {} settled with the slip's totals:",
                settlement.batch_id, s.name
            ),
            None => println!("Batch #{} settled by the terminal:", settlement.batch_id),
        }
        if let Some(t) = &settlement.totals {
            for line in guard_json::totals_lines(t, till.currency()) {
                println!("  {line}");
            }
        }
        match &settlement.reconciliation {
            Reconciliation::Match => println!("Reconciliation: match"),
            Reconciliation::Mismatch(d) => {
                println!("Reconciliation: MISMATCH (a manager must acknowledge it)");
                for line in guard_json::difference_lines(d) {
                    println!("  {line}");
                }
            }
        }
        if manual_count > 0 {
            println!(
                "Manual card payments (standalone device, not in this batch): {manual_count}, {}",
                manual_amount.display()
            );
            for l in &manual {
                println!(
                    "  sale {} {} auth {}",
                    l.sale_id,
                    l.amount.display(),
                    l.auth_code.as_deref().unwrap_or("-")
                );
            }
        }
        if !settlement.receipt_lines.is_empty() {
            println!();
            for line in &settlement.receipt_lines {
                println!("{line}");
            }
        }
        if let Some(p) = &printed {
            p.report("settlement report");
        }
    }
    if mismatch {
        return Err(Exit {
            code: EXIT_MISMATCH,
            message: format!(
                "batch #{} is settled, but the terminal's totals do not match the ledger",
                settlement.batch_id
            ),
        }
        .into());
    }
    Ok(())
}
