//! `tillguard void SALE_ID`: reverses a card sale of the current day on the terminal. A
//! manager's PIN approves it (TILLGUARD_MANAGER_PIN or standard input).

use super::defer::read_pin;
use super::{card_output, print_out};
use crate::permission::Action;
use crate::sale::PaymentMethod;
use crate::till::Till;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sale to void (its number, as `sell` printed it).
    #[arg(value_name = "SALE_ID")]
    sale: i64,
    /// A standalone terminal: the voucher number of the void slip (撤销) it printed.
    #[arg(long, value_name = "VOUCHER")]
    voucher: Option<String>,
    /// Print JSON (fields documented in the README).
    #[arg(long)]
    json: bool,
}

pub fn run(till: &mut Till, args: &Args, terminal: card_output::Connect<'_>) -> anyhow::Result<()> {
    // Named before connecting: a sale that cannot be voided needs no terminal.
    till.sale(args.sale)?;
    let refund = match (till.standalone().is_some(), args.voucher.as_deref()) {
        (true, Some(voucher)) => {
            let manager = till.approve(Action::VoidSale, &read_pin()?)?;
            till.void_standalone(args.sale, voucher, Some(&manager))?
        }
        (true, None) => {
            anyhow::bail!(
                "void the payment on the standalone terminal (撤销), then type its slip's voucher: --voucher N"
            )
        }
        (false, Some(_)) => {
            anyhow::bail!("--voucher is for a standalone terminal's void slip; this till's terminal voids by itself")
        }
        (false, None) => {
            let manager = till.approve(Action::VoidSale, &read_pin()?)?;
            card_output::run_with_terminal(till, terminal, args.json, |till, terminal, cancel, progress| {
                till.void_card(args.sale, Some(&manager), terminal, cancel, progress)
            })?
        }
    };
    if print_out::receipt(till, &refund, args.json)? {
        return Ok(());
    }
    println!("sale {} voided: refund {} committed", args.sale, refund.id);
    let cash = refund
        .draft
        .payments
        .iter()
        .filter(|p| p.method == PaymentMethod::Cash)
        .map(|p| -p.amount)
        .find(|a| !a.is_zero());
    if let Some(cash) = cash {
        println!("hand back {} in cash", cash.display());
    }
    Ok(())
}
