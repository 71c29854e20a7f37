//! `tillguard refund SALE_ID`: gives back (part of) an earlier sale, in cash or through the
//! card terminal. A manager's PIN approves it (TILLGUARD_MANAGER_PIN or standard input).

use super::defer::read_pin;
use super::{card_output, print_out};
use crate::permission::Action;
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
    /// How the money goes back: `cash`, `card` through the terminal, or `manual-card` on the
    /// standalone card device that took a manual card payment. Default: the way the sale's
    /// card part was paid, else cash.
    #[arg(long, value_name = "cash|card|manual-card")]
    tender: Option<String>,
    /// `manual-card`: the refund's authorisation code, if the card device printed one.
    #[arg(long, value_name = "CODE")]
    auth: Option<String>,
    /// `card` on a standalone terminal: the voucher number of the refund slip (退货) it printed.
    #[arg(long, value_name = "VOUCHER")]
    voucher: Option<String>,
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
    let card_part = original
        .draft
        .payments
        .iter()
        .find(|p| p.method != PaymentMethod::Cash && p.state == PaymentState::Approved);
    let method = match args
        .tender
        .as_deref()
        .map(|t| t.trim().to_ascii_lowercase().replace('-', "_"))
    {
        None => card_part.map_or(PaymentMethod::Cash, |p| p.method),
        Some(t) => {
            PaymentMethod::parse(&t).ok_or_else(|| anyhow::anyhow!("--tender '{t}': use cash, card or manual-card"))?
        }
    };
    if args.voucher.is_some() && (method != PaymentMethod::Card || till.standalone().is_none()) {
        anyhow::bail!("--voucher is the refund slip's number of a standalone terminal: use it with --tender card");
    }
    if args.auth.is_some() && method != PaymentMethod::ManualCard {
        anyhow::bail!("--auth is the code of a manual card refund: use it with --tender manual-card");
    }
    let request = RefundRequest {
        lines: (!lines.is_empty()).then_some(lines),
        method: Some(method),
    };
    // Refunds need a manager (permission table): the PIN approves this one refund.
    let manager = till.approve(Action::Refund, &read_pin()?)?;
    let approval = Some(&manager);
    let refund = match method {
        PaymentMethod::Cash => till.refund(args.sale, &request, approval)?,
        PaymentMethod::ManualCard => till.refund_manual_card(args.sale, &request, args.auth.as_deref(), approval)?,
        PaymentMethod::Card if till.standalone().is_some() => {
            let Some(voucher) = args.voucher.as_deref() else {
                anyhow::bail!(
                    "refund the card part on the standalone terminal (退货), then type its slip's voucher: --voucher N"
                );
            };
            till.refund_standalone(args.sale, &request, voucher, approval)?
        }
        PaymentMethod::Card => {
            card_output::run_with_terminal(till, terminal, args.json, |till, terminal, cancel, progress| {
                till.refund_card(args.sale, &request, approval, terminal, cancel, progress)
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
            PaymentMethod::ManualCard => "to the card on the standalone device (manual)",
        }
    );
    Ok(())
}
