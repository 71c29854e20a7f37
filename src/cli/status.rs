use super::{guard_json, json, print_json};
use crate::settlement::guard::Verdict;
use crate::till::Till;
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON (fields documented in the README).
    #[arg(long)]
    json: bool,
}

pub fn run(till: &mut Till, args: &Args) -> anyhow::Result<()> {
    let s = till.status()?;
    let verdict = till.guard(false)?;
    let batches = till.batch_summaries()?;
    let minutes = till.minutes_to_clear()?;
    let unprinted = till.store().print_unfinished_count()?;
    // What the guard just found (a lost batch, a clock jump) is counted at once.
    till.sweep_incidents()?;
    let incidents = till.open_incident_count()?;
    let alerts_waiting = till.alerts_waiting()?.len();
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
            "training": till.is_training(),
            "card_in_doubt": json::card_doubt(&s.card_in_doubt),
            "card_approved_without_sale": json::card_doubt(&s.card_without_sale),
            "guard": guard_json::verdict(&verdict, minutes),
            "batches": batches.iter().map(guard_json::batch).collect::<Vec<_>>(),
            "print_queue": unprinted,
            "incidents_open": incidents,
            "alerts_waiting": alerts_waiting,
        }));
    }
    println!(
        "Business day:  {}{}",
        s.business_day,
        if s.demo { "  (DEMO)" } else { "" }
    );
    if till.is_training() {
        println!("Mode:          TRAINING - nothing here is real");
    }
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
    if incidents > 0 {
        println!("Incidents:     {incidents} open; see `tillguard incidents`");
    }
    if alerts_waiting > 0 {
        println!("Alerts:        {alerts_waiting} not sent yet; see `tillguard alerts status`");
    }
    if unprinted > 0 {
        println!("Not printed:   {unprinted} printout(s); see `tillguard printer queue`");
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
    for b in &batches {
        let v = &b.view;
        println!(
            "Card batch:    #{} {} on {}: {} transaction(s), {} (since {}){}",
            v.id,
            v.state.as_str(),
            v.terminal,
            v.payments,
            v.amount.display(),
            v.first_day,
            b.last_error
                .as_ref()
                .map(|e| format!("; last end-of-day failed: {e}"))
                .unwrap_or_default()
        );
    }
    let tz = till.config().time_zone.clone();
    let local = |t: jiff::Timestamp| t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string();
    match &verdict {
        Verdict::Clear => println!("Guard:         clear"),
        Verdict::Remind { minutes, terminal } => println!(
            "Guard:         settle soon: {terminal} clears its batch in {minutes} minute(s) ({})",
            crate::till::settle_command(terminal)
        ),
        Verdict::MustSettle { why, terminal } => println!(
            "Guard:         MUST SETTLE ({}{}); {}",
            why.as_str(),
            terminal.as_ref().map(|t| format!(", {t}")).unwrap_or_default(),
            if why.stops_selling() {
                "selling is stopped"
            } else {
                "quitting is stopped"
            }
        ),
        Verdict::Deferred { until, by, reason } => println!(
            "Guard:         deferred by {by} until {} ({})",
            local(*until),
            reason.code()
        ),
    }
    if s.clock_behind {
        println!("Warning:       the system clock is behind the last recorded business day");
    }
    Ok(())
}
