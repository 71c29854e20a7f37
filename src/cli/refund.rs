//! `tillguard refund SALE_ID`: gives back (part of) an earlier sale, in cash or through the
//! card terminal.

use super::{card_output, print_out};
use crate::sale::{PaymentMethod, PaymentState, RefundRequest, left_to_refund};
use crate::till::{Till, split_quantity};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sale to refund (its number, as `sell` printed it).
    #[arg(value_name = "SALE_ID")]
    sale: i64,
    /// A line of that sale, optionally with a quantity as NxQTY (repeatable); none = everything
    /// not refunded yet. A line without a quantity refunds what is left of it.
    #[arg(long = "line", value_name = "N[xQTY]")]
    lines: Vec<String>,
    /// How the money goes back: `cash`, or `card` through the terminal. Default: card if the
    /// sale was paid by card, else cash.
    #[arg(long, value_name = "cash|card")]
    tender: Option<String>,
    /// Print JSON (fields documented in the README).
    #[arg(long)]
    json: bool,
}

pub fn run(till: &mut Till, args: &Args, terminal: card_output::Connect<'_>) -> anyhow::Result<()> {
    let original = till.sale(args.sale)?;
    let earlier = till.store().refunded_lines(args.sale)?;
    let mut lines = Vec::new();
    for text in &args.lines {
        let (number, quantity) = match split_quantity(text) {
            Ok((n, q)) if n != text.trim() => (n, Some(q)),
            _ => (text.trim(), None),
        };
        let line_no: u32 = number
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| anyhow::anyhow!("--line '{text}': write N or NxQTY, N a line number of the sale"))?;
        let quantity = quantity.unwrap_or_else(|| left_to_refund(&original, &earlier, line_no));
        lines.push((line_no, quantity));
    }
    let paid_by_card = original
        .draft
        .payments
        .iter()
        .any(|p| p.method == PaymentMethod::Card && p.state == PaymentState::Approved);
    let method = match args.tender.as_deref().map(|t| t.trim().to_ascii_lowercase()) {
        None => {
            if paid_by_card {
                PaymentMethod::Card
            } else {
                PaymentMethod::Cash
            }
        }
        Some(t) => PaymentMethod::parse(&t).ok_or_else(|| anyhow::anyhow!("--tender '{t}': use cash or card"))?,
    };
    let request = RefundRequest {
        lines: (!lines.is_empty()).then_some(lines),
        method: Some(method),
    };
    let refund = match method {
        PaymentMethod::Cash => till.refund(args.sale, &request)?,
        PaymentMethod::Card => {
            card_output::run_with_terminal(till, terminal, args.json, |till, terminal, cancel, progress| {
                till.refund_card(args.sale, &request, terminal, cancel, progress)
            })?
        }
    };
    if print_out::receipt(till, &refund, args.json)? {
        return Ok(());
    }
    println!(
        "refund {} of sale {} committed: {} back {}",
        refund.id,
        args.sale,
        (-refund.draft.total).display(),
        match method {
            PaymentMethod::Cash => "in cash",
            PaymentMethod::Card => "to the card",
        }
    );
    Ok(())
}
