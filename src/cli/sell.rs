use super::{card_output, print_out};
use crate::money::Money;
use crate::till::Till;
use crate::till::card::CardTender;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// An item: BARCODE or SKU, optionally with a quantity as CODExN (repeatable).
    #[arg(long = "item", value_name = "CODE[xQTY]", required = true)]
    items: Vec<String>,
    /// The tender: `cash` (exact), `cash:AMOUNT` (handed over), `card`, `card:AMOUNT`;
    /// repeat it (or separate with spaces) to split, e.g. `--tender cash:10 --tender card`.
    #[arg(long = "tender", default_value = "cash", value_name = "METHOD[:AMOUNT]")]
    tenders: Vec<String>,
    /// Print JSON (fields documented in the README).
    #[arg(long)]
    json: bool,
}

/// The tenders as typed: cash handed over and the card part, each optional.
struct Tenders {
    cash: Option<Option<Money>>,
    card: Option<Option<Money>>,
}

fn parse_tenders(texts: &[String], till: &Till) -> anyhow::Result<Tenders> {
    let mut tenders = Tenders { cash: None, card: None };
    for part in texts.iter().flat_map(|t| t.split_whitespace()) {
        let (method, amount) = match part.split_once(':') {
            Some((m, a)) => (m, Some(a)),
            None => (part, None),
        };
        let amount = amount
            .map(|a| Money::parse_non_negative(a, till.currency()))
            .transpose()
            .map_err(|e| anyhow::anyhow!("tender: {e}"))?;
        let slot = match method.trim().to_ascii_lowercase().as_str() {
            "cash" => &mut tenders.cash,
            "card" => &mut tenders.card,
            other => anyhow::bail!("tender: unknown method '{other}' (use cash[:AMOUNT] and/or card[:AMOUNT])"),
        };
        if slot.replace(amount).is_some() {
            anyhow::bail!("tender: '{method}' is given twice");
        }
    }
    Ok(tenders)
}

pub fn run(till: &mut Till, args: &Args, terminal: card_output::Connect<'_>) -> anyhow::Result<()> {
    let mut cart = till.new_cart();
    for item in &args.items {
        till.scan(&mut cart, item)
            .map_err(|e| anyhow::anyhow!("item '{item}': {e}"))?;
    }
    let tenders = parse_tenders(&args.tenders, till)?;
    let sale = match tenders.card {
        None => till.pay_cash(&cart, tenders.cash.flatten())?,
        Some(card_amount) => {
            let tender = CardTender {
                cash_given: tenders.cash.flatten(),
                card_amount,
            };
            card_output::run_with_terminal(till, terminal, args.json, |till, terminal, cancel, progress| {
                till.pay_card(&cart, tender, terminal, cancel, progress)
            })?
        }
    };
    // The sale is committed: from here on a printer problem is reported, not an error.
    if print_out::receipt(till, &sale, args.json)? {
        return Ok(());
    }
    println!(
        "sale {} committed: total {}, change {}",
        sale.id,
        sale.draft.total.display(),
        sale.draft.change().display()
    );
    Ok(())
}
