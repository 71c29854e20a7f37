use super::{json, print_json};
use crate::money::Money;
use crate::till::Till;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// An item: BARCODE or SKU, optionally with a quantity as CODExN (repeatable).
    #[arg(long = "item", value_name = "CODE[xQTY]", required = true)]
    items: Vec<String>,
    /// The tender: `cash` (exact amount) or `cash:AMOUNT` (amount handed over).
    #[arg(long, default_value = "cash", value_name = "cash[:AMOUNT]")]
    tender: String,
    /// Print JSON (fields documented in the README).
    #[arg(long)]
    json: bool,
}

pub fn run(till: &mut Till, args: &Args) -> anyhow::Result<()> {
    let mut cart = till.new_cart();
    for item in &args.items {
        till.scan(&mut cart, item)
            .map_err(|e| anyhow::anyhow!("item '{item}': {e}"))?;
    }
    let (method, amount) = match args.tender.split_once(':') {
        Some((m, a)) => (m, Some(a)),
        None => (args.tender.as_str(), None),
    };
    let sale = match method.trim().to_ascii_lowercase().as_str() {
        "cash" => {
            let given = amount
                .map(|a| Money::parse_non_negative(a, till.currency()))
                .transpose()
                .map_err(|e| anyhow::anyhow!("tender: {e}"))?;
            till.pay_cash(&cart, given)?
        }
        "card" => anyhow::bail!("tender: card payments need a card terminal, which this version does not drive yet"),
        other => anyhow::bail!("tender: unknown method '{other}' (use cash or cash:AMOUNT)"),
    };
    if args.json {
        return print_json(&json::sale(&sale));
    }
    print!("{}", till.receipt_text(&sale));
    println!(
        "sale {} committed: total {}, change {}",
        sale.id,
        sale.draft.total.display(),
        sale.draft.change().display()
    );
    Ok(())
}
