//! Receipt and report layout. Labels come from the caller's translator so the layout
//! itself holds no language.

use super::text::{center, pair, wrap};
use crate::sale::{Kind, SaleRecord};
use crate::settlement::report::{Report, ReportKind};

/// Store details printed at the top.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub store_name: String,
    pub address: String,
    pub tax_id: String,
    pub demo: bool,
}

/// A translator: message id -> text, with named arguments.
pub type Tr<'a> = &'a dyn Fn(&str, &[(&str, String)]) -> String;

pub struct Receipt {
    pub lines: Vec<String>,
}

impl Receipt {
    pub fn text(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }
}

fn rule(cols: usize) -> String {
    "-".repeat(cols)
}

fn header_lines(out: &mut Vec<String>, h: &Header, tr: Tr<'_>, cols: usize) {
    out.extend(center(&h.store_name, cols));
    if !h.address.is_empty() {
        out.extend(center(&h.address, cols));
    }
    if !h.tax_id.is_empty() {
        out.extend(center(&tr("receipt-tax-id", &[("id", h.tax_id.clone())]), cols));
    }
    if h.demo {
        out.extend(center(&tr("receipt-demo", &[]), cols));
    }
    out.push(rule(cols));
}

/// A sale or refund receipt.
pub fn receipt(
    sale: &SaleRecord,
    h: &Header,
    tr: Tr<'_>,
    zh: bool,
    time_zone: &jiff::tz::TimeZone,
    cols: usize,
) -> Receipt {
    let d = &sale.draft;
    let mut out = Vec::new();
    header_lines(&mut out, h, tr, cols);
    if d.kind == Kind::Refund {
        out.extend(center(&tr("receipt-refund-title", &[]), cols));
        if let Some(of) = d.refund_of {
            out.extend(wrap(&tr("receipt-refund-of", &[("number", format!("{of:06}"))]), cols));
        }
    }
    let local = sale.created_at.to_zoned(time_zone.clone());
    out.extend(pair(
        &tr("receipt-number", &[("number", format!("{:06}", sale.id))]),
        &local.strftime("%Y-%m-%d %H:%M").to_string(),
        cols,
    ));
    out.extend(pair(
        &tr("receipt-day", &[("day", sale.business_day.to_string())]),
        &tr("receipt-cashier", &[("name", sale.cashier.clone())]),
        cols,
    ));
    out.push(rule(cols));
    for l in &d.lines {
        out.extend(wrap(l.name(zh), cols));
        out.extend(pair(
            &format!("  {} x {}", l.quantity, l.unit_price.plain()),
            &l.gross.plain(),
            cols,
        ));
        if !l.line_discount.is_zero() {
            let reason = l.discount_reason.clone().unwrap_or_default();
            out.extend(pair(
                &format!("  {}", tr("receipt-discount", &[("reason", reason)])),
                &(-l.line_discount).plain(),
                cols,
            ));
        }
    }
    out.push(rule(cols));
    if !d.sale_discount.is_zero() {
        let reason = d.sale_discount_reason.clone().unwrap_or_default();
        out.extend(pair(
            &tr("receipt-sale-discount", &[("reason", reason)]),
            &(-d.sale_discount).plain(),
            cols,
        ));
    }
    out.extend(pair(&tr("receipt-total", &[]), &d.total.plain(), cols));
    for t in &d.taxes {
        out.extend(pair(
            &tr(
                "receipt-tax-line",
                &[("rate", t.rate.to_string()), ("gross", t.gross.plain())],
            ),
            &t.tax.plain(),
            cols,
        ));
    }
    for p in &d.payments {
        let method = tr(&format!("tender-{}", p.method.as_str()), &[]);
        out.extend(pair(&method, &p.given.unwrap_or(p.amount).plain(), cols));
        if !p.change.is_zero() {
            out.extend(pair(&tr("receipt-change", &[]), &p.change.plain(), cols));
        }
    }
    out.push(rule(cols));
    out.extend(center(&tr("receipt-thanks", &[]), cols));
    Receipt { lines: out }
}

/// An X- or Z-report.
pub fn report(r: &Report, h: &Header, tr: Tr<'_>, time_zone: &jiff::tz::TimeZone, cols: usize) -> Receipt {
    let mut out = Vec::new();
    header_lines(&mut out, h, tr, cols);
    let title = match (r.kind, r.z_number) {
        (ReportKind::Z, Some(n)) => tr("report-z-title", &[("number", n.to_string())]),
        _ => tr("report-x-title", &[]),
    };
    out.extend(center(&title, cols));
    out.extend(pair(&tr("report-day", &[]), &r.business_day.to_string(), cols));
    let at = r
        .generated_at
        .to_zoned(time_zone.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    out.extend(pair(&tr("report-printed", &[]), &at, cols));
    out.push(rule(cols));
    let f = &r.figures;
    out.extend(pair(
        &tr("report-sales", &[("count", f.sales_count.to_string())]),
        &f.sales_total.plain(),
        cols,
    ));
    out.extend(pair(
        &tr("report-refunds", &[("count", f.refunds_count.to_string())]),
        &f.refunds_total.plain(),
        cols,
    ));
    out.extend(pair(&tr("report-discounts", &[]), &f.discounts_total.plain(), cols));
    out.extend(pair(&tr("report-gross", &[]), &r.gross_total().plain(), cols));
    out.extend(pair(&tr("report-net", &[]), &r.net_total().plain(), cols));
    out.push(rule(cols));
    for t in &f.taxes {
        out.extend(pair(
            &tr(
                "receipt-tax-line",
                &[("rate", t.rate.to_string()), ("gross", t.gross.plain())],
            ),
            &t.tax.plain(),
            cols,
        ));
    }
    out.extend(pair(&tr("report-tax-total", &[]), &r.tax_total().plain(), cols));
    out.push(rule(cols));
    for (method, amount) in &f.tenders {
        out.extend(pair(
            &tr(&format!("tender-{}", method.as_str()), &[]),
            &amount.plain(),
            cols,
        ));
    }
    out.extend(pair(&tr("report-cash-expected", &[]), &r.cash_expected().plain(), cols));
    if let (Some(counted), Some(diff)) = (r.cash_counted, r.cash_difference()) {
        out.extend(pair(&tr("report-cash-counted", &[]), &counted.plain(), cols));
        out.extend(pair(&tr("report-cash-difference", &[]), &diff.plain(), cols));
    }
    out.push(rule(cols));
    Receipt { lines: out }
}
