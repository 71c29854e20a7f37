use super::{card_output, print_out};
use crate::money::Money;
use crate::till::Till;
use crate::till::card::CardTender;
use crate::till::manual_card::ManualCardTender;
use crate::till::standalone::StandaloneTender;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// An item: BARCODE or SKU, optionally with a quantity as CODExN (repeatable).
    #[arg(long = "item", value_name = "CODE[xQTY]", required = true)]
    items: Vec<String>,
    /// The tender: `cash` (exact), `cash:AMOUNT` (handed over), `card`, `card:AMOUNT`,
    /// `card:manual:VOUCHER[:AMOUNT]` (taken on the till's standalone terminal, the voucher
    /// number from its slip), or `manual-card[:AMOUNT]` (a fallback device while the ZVT
    /// terminal is down, with --auth); repeat it (or separate with spaces) to split, e.g.
    /// `--tender cash:10 --tender card`.
    #[arg(long = "tender", default_value = "cash", value_name = "METHOD[:AMOUNT]")]
    tenders: Vec<String>,
    /// `manual-card`: the authorisation code the standalone card device printed (2-12 letters
    /// or digits).
    #[arg(long, value_name = "CODE")]
    auth: Option<String>,
    /// `manual-card` and `card:manual`: the card type (scheme) as the slip printed it
    /// (optional), e.g. VISA or 银联.
    #[arg(long, value_name = "TEXT")]
    card_type: Option<String>,
    /// `manual-card` and `card:manual`: the card's last four digits (optional).
    #[arg(long, value_name = "DIGITS")]
    last4: Option<String>,
    /// Print JSON (fields documented in the README).
    #[arg(long)]
    json: bool,
}

/// The tenders as typed: cash handed over and the card part (terminal or manual), each optional.
struct Tenders {
    cash: Option<Option<Money>>,
    card: Option<Option<Money>>,
    manual: Option<Option<Money>>,
    /// `card:manual:VOUCHER[:AMOUNT]`: the voucher and the card part.
    slip: Option<(String, Option<Money>)>,
}

fn parse_tenders(texts: &[String], till: &Till) -> anyhow::Result<Tenders> {
    let mut tenders = Tenders {
        cash: None,
        card: None,
        manual: None,
        slip: None,
    };
    for part in texts.iter().flat_map(|t| t.split_whitespace()) {
        if let Some(rest) = part.strip_prefix("card:manual:") {
            let (voucher, amount) = match rest.split_once(':') {
                Some((v, a)) => (v, Some(a)),
                None => (rest, None),
            };
            let amount = amount
                .map(|a| Money::parse_non_negative(a, till.currency()))
                .transpose()
                .map_err(|e| anyhow::anyhow!("tender: {e}"))?;
            if tenders.slip.replace((voucher.to_string(), amount)).is_some() {
                anyhow::bail!("tender: 'card:manual' is given twice");
            }
            continue;
        }
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
            "manual-card" | "manual_card" => &mut tenders.manual,
            other => anyhow::bail!(
                "tender: unknown method '{other}' (use cash[:AMOUNT] and/or card[:AMOUNT] or manual-card[:AMOUNT])"
            ),
        };
        if slot.replace(amount).is_some() {
            anyhow::bail!("tender: '{method}' is given twice");
        }
    }
    let card_parts = [tenders.card.is_some(), tenders.manual.is_some(), tenders.slip.is_some()];
    if card_parts.iter().filter(|c| **c).count() > 1 {
        anyhow::bail!("tender: a sale takes one card part: card, card:manual or manual-card, not two");
    }
    if let Some(s) = till.standalone()
        && tenders.card.is_some()
    {
        anyhow::bail!(
            "tender: this till's card terminal ({}) is standalone: take the payment on it, then type its slip's \
             voucher number with --tender card:manual:VOUCHER",
            s.name
        );
    }
    if tenders.slip.is_some() && till.standalone().is_none() {
        anyhow::bail!(
            "tender: card:manual is for a standalone terminal ([terminal] kind = \"standalone\"); this till's \
             terminal is reached by cable (use card), or use manual-card with --auth while it is down"
        );
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
    if args.auth.is_some() && tenders.manual.is_none() {
        anyhow::bail!("--auth describes a manual card payment: add --tender manual-card");
    }
    if (args.card_type.is_some() || args.last4.is_some()) && tenders.manual.is_none() && tenders.slip.is_none() {
        anyhow::bail!(
            "--card-type and --last4 describe a typed card payment: add --tender card:manual:VOUCHER or manual-card"
        );
    }
    let sale = match (tenders.card, tenders.manual) {
        _ if tenders.slip.is_some() => {
            let (voucher, card_amount) = tenders.slip.clone().unwrap_or_default();
            let tender = StandaloneTender {
                split: CardTender {
                    cash_given: tenders.cash.flatten(),
                    card_amount,
                },
                voucher,
                last4: args.last4.clone().unwrap_or_default(),
                scheme: args.card_type.clone().unwrap_or_default(),
            };
            till.pay_standalone(&cart, &tender)?
        }
        (_, Some(card_amount)) => {
            let Some(auth) = args.auth.clone() else {
                anyhow::bail!("--tender manual-card needs --auth CODE: the authorisation code the card device printed");
            };
            let tender = ManualCardTender {
                split: CardTender {
                    cash_given: tenders.cash.flatten(),
                    card_amount,
                },
                auth_code: auth,
                card_type: args.card_type.clone().unwrap_or_default(),
                last4: args.last4.clone().unwrap_or_default(),
            };
            till.pay_manual_card(&cart, &tender)?
        }
        (None, None) => till.pay_cash(&cart, tenders.cash.flatten())?,
        (Some(card_amount), None) => {
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
    for p in sale.draft.payments.iter().filter(|p| p.manual.is_some()) {
        println!(
            "manual card payment {} (standalone device, auth {}): in no terminal batch; reports list it apart",
            p.amount.display(),
            p.manual.as_ref().and_then(|m| m.auth_code.clone()).unwrap_or_default()
        );
    }
    Ok(())
}
