//! `tillguard settle`: Send Turnover Totals, End-of-Day, reconciliation against the ledger.

use super::{Exit, card_output, guard_json, print_json, print_out};
use crate::settlement::reconcile::Reconciliation;
use crate::settlement::report::{manual_json, manual_totals};
use crate::till::{Till, TillError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON (fields documented in the README).
    #[arg(long)]
    json: bool,
}

/// Exit code of a settlement the terminal made whose totals differ from the ledger.
pub const EXIT_MISMATCH: u8 = 2;

pub fn run(till: &mut Till, args: &Args, connect: card_output::Connect<'_>) -> anyhow::Result<()> {
    let outcome = card_output::run_with_terminal(till, connect, args.json, |till, terminal, _cancel, progress| {
        Ok(till.settle(terminal, progress))
    })?;
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
        println!("Batch #{} settled by the terminal:", settlement.batch_id);
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
