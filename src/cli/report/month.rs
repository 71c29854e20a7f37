//! `tillguard report month [--month YYYY-MM] [--json]`: the month report as text or JSON.

use super::print_json;
use crate::settlement::report::month::MonthReport;
use crate::till::Till;
use jiff::civil::Date;

pub fn run(till: &Till, month: Option<Date>, json: bool) -> anyhow::Result<()> {
    let report = till.month_report(month)?;
    if json {
        return print_json(&report.to_json());
    }
    print!("{}", text(&report));
    Ok(())
}

fn text(r: &MonthReport) -> String {
    let f = &r.figures;
    let mut out = format!(
        "Month report {:04}-{:02} ({} to {}), {}\n\n\
         sales      {:>8}  {:>14}\nrefunds    {:>8}  {:>14}\ngross                {:>14}\n\
         tax                  {:>14}\ndiscounts            {:>14}\n",
        r.first.year(),
        r.first.month(),
        r.first,
        r.last,
        r.currency.alpha,
        f.sales_count,
        f.sales_total.plain(),
        f.refunds_count,
        f.refunds_total.plain(),
        r.gross_total().plain(),
        r.tax_total().plain(),
        f.discounts_total.plain(),
    );
    for (method, amount) in &f.tenders {
        out.push_str(&format!("  {:<18} {:>14}\n", method.as_str(), amount.plain()));
    }
    out.push_str("\nday          sales refunds          gross  Z\n");
    for d in &r.days {
        let z = d.z_number.map_or_else(|| "(open)".to_string(), |z| format!("#{z}"));
        out.push_str(&format!(
            "{}  {:>6}  {:>6}  {:>13}  {z}\n",
            d.day,
            d.sales_count,
            d.refunds_count,
            d.gross.plain()
        ));
    }
    if !r.top.is_empty() {
        out.push_str("\nbest-selling products\n");
        for p in &r.top {
            out.push_str(&format!(
                "  {:<12} {:<20} {:>7}  {:>13}\n",
                p.sku,
                p.name_en,
                p.quantity,
                p.gross.plain()
            ));
        }
    }
    let open = r.open_days();
    if !open.is_empty() {
        out.push_str(&format!("\n{} day(s) without a Z-report yet\n", open.len()));
    }
    out
}
