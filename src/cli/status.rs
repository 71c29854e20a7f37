use super::{json, print_json};
use crate::till::Till;
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON (fields documented in the README).
    #[arg(long)]
    json: bool,
}

pub fn run(till: &Till, args: &Args) -> anyhow::Result<()> {
    let s = till.status()?;
    if args.json {
        return print_json(&json!({
            "business_day": s.business_day.to_string(),
            "day_open": s.day_open,
            "z_number": s.z_number,
            "sales_count": s.sales_count,
            "sales_total": s.sales_total.plain(),
            "refunds_count": s.refunds_count,
            "refunds_total": s.refunds_total.plain(),
            "unclosed_days": s.unclosed_days.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "clock_behind": s.clock_behind,
            "currency": till.currency().alpha,
            "demo": s.demo,
            "card_in_doubt": json::card_doubt(&s.card_in_doubt),
            "card_approved_without_sale": json::card_doubt(&s.card_without_sale),
        }));
    }
    println!(
        "Business day:  {}{}",
        s.business_day,
        if s.demo { "  (DEMO)" } else { "" }
    );
    match s.z_number {
        None => println!("Day:           open"),
        Some(z) => println!("Day:           closed (Z-report #{z})"),
    }
    println!("Sales:         {} totalling {}", s.sales_count, s.sales_total.display());
    if s.refunds_count > 0 {
        println!(
            "Refunds:       {} totalling {}",
            s.refunds_count,
            s.refunds_total.display()
        );
    }
    if !s.unclosed_days.is_empty() {
        let days: Vec<String> = s.unclosed_days.iter().map(|d| d.to_string()).collect();
        println!(
            "Not closed:    {} (run `tillguard report z --counted AMOUNT`)",
            days.join(", ")
        );
    }
    let ids = |ids: &[i64]| ids.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ");
    if s.card_in_doubt.count > 0 {
        println!(
            "Card in doubt: {} totalling {} ({}); run `tillguard recover`",
            s.card_in_doubt.count,
            s.card_in_doubt.amount.display(),
            ids(&s.card_in_doubt.ids)
        );
    }
    if s.card_without_sale.count > 0 {
        println!(
            "Card paid, no sale: {} totalling {} ({}); run `tillguard recover`, else a manager enters them",
            s.card_without_sale.count,
            s.card_without_sale.amount.display(),
            ids(&s.card_without_sale.ids)
        );
    }
    if s.clock_behind {
        println!("Warning:       the system clock is behind the last recorded business day");
    }
    Ok(())
}
