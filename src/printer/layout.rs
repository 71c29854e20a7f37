//! Receipt and report layout. Labels come from the caller's translator so the layout
//! itself holds no language.

use super::doc::Doc;
use super::text::{pair, squeeze, wrap};
use crate::sale::{Kind, SaleRecord};
use crate::settlement::report::{Report, ReportKind};
use serde::{Deserialize, Serialize};

/// Store details printed at the top.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub store_name: String,
    pub address: String,
    pub tax_id: String,
    pub demo: bool,
    /// The code printed under a sale receipt so the sale can be found again by scanning.
    pub sale_code: SaleCode,
    /// A logo is set up: it heads every printout.
    pub logo: bool,
    /// A training till's printout: marked at both ends (`training_marks`).
    pub training: bool,
}

/// The mark at both ends of every printout of a training till, in both languages whatever
/// the till's language: a trainee's slip must never pass for a receipt.
pub const TRAINING_MARK_EN: &str = "TRAINING - NOT A RECEIPT";
pub const TRAINING_MARK_ZH: &str = "培训 - 非正式收据";

/// Marks a finished printout of a training till at the top and the bottom, emphasized.
pub(super) fn training_marks(out: &mut Doc, h: &Header) {
    if h.training {
        // Each call adds its line at both ends: English outermost, Chinese inside.
        out.mark_copy(TRAINING_MARK_ZH);
        out.mark_copy(TRAINING_MARK_EN);
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaleCode {
    #[default]
    Qr,
    Code128,
    None,
}

/// What a receipt's code holds: the sale number, scanner-friendly ASCII.
pub fn sale_code_text(sale_id: i64) -> String {
    format!("TGS{sale_id:08}")
}

/// The sale number in a receipt's code as a scanner types it, or typed as a plain number.
pub fn sale_code_number(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t.strip_prefix("TGS").or_else(|| t.strip_prefix("tgs")).unwrap_or(t);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

/// A translator: message id -> text, with named arguments.
pub type Tr<'a> = &'a dyn Fn(&str, &[(&str, String)]) -> String;

pub(super) fn header_lines(out: &mut Doc, h: &Header, tr: Tr<'_>) {
    if h.logo {
        out.logo();
    }
    out.title(&h.store_name);
    if !h.address.is_empty() {
        out.center(&h.address);
    }
    if !h.tax_id.is_empty() {
        out.center(&tr("receipt-tax-id", &[("id", h.tax_id.clone())]));
    }
    if h.demo {
        out.center(&tr("receipt-demo", &[]));
    }
    out.rule();
}

/// One line per tax rate: the rate, the amount it was computed on, the tax.
fn tax_lines(out: &mut Doc, taxes: &[crate::sale::TaxAmount], tr: Tr<'_>, cols: usize) {
    for t in taxes {
        let label = tr(
            "receipt-tax-line",
            &[("rate", t.rate.to_string()), ("gross", t.gross.plain())],
        );
        out.extend(pair(&label, &t.tax.plain(), cols));
    }
}

/// A sale or refund receipt.
pub fn receipt(
    sale: &SaleRecord,
    h: &Header,
    tr: Tr<'_>,
    zh: bool,
    time_zone: &jiff::tz::TimeZone,
    cols: usize,
) -> Doc {
    let d = &sale.draft;
    let mut out = Doc::new(cols);
    header_lines(&mut out, h, tr);
    if d.kind == Kind::Refund {
        out.title(&tr("receipt-refund-title", &[]));
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
    out.rule();
    for l in &d.lines {
        out.extend(wrap(l.name(zh), cols));
        // A net price is shown as typed, with the tax added, so the line total is explained.
        let plus_tax = if l.price_includes_tax {
            String::new()
        } else {
            format!(" {}", tr("receipt-plus-tax", &[("rate", l.tax_rate.to_string())]))
        };
        out.extend(pair(
            &format!("  {} x {}{plus_tax}", l.quantity, l.unit_price.plain()),
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
    out.rule();
    if !d.sale_discount.is_zero() {
        let reason = d.sale_discount_reason.clone().unwrap_or_default();
        out.extend(pair(
            &tr("receipt-sale-discount", &[("reason", reason)]),
            &(-d.sale_discount).plain(),
            cols,
        ));
    }
    out.pair_bold(&tr("receipt-total", &[]), &d.total.plain());
    tax_lines(&mut out, &d.taxes, tr, cols);
    for p in &d.payments {
        // A card paid on a standalone device names its authorisation code where a terminal
        // payment names its numbers.
        let method = match p.manual.as_ref().and_then(|m| m.auth_code.clone()) {
            Some(auth) => tr("receipt-manual-card", &[("auth", auth)]),
            None => tr(&format!("tender-{}", p.method.as_str()), &[]),
        };
        out.extend(pair(&method, &p.given.unwrap_or(p.amount).plain(), cols));
        if let Some(card) = &p.card {
            card_reference(&mut out, card, tr, cols);
        }
        if let Some(card) = p.manual.as_ref().and_then(|m| m.card_text()) {
            out.extend(wrap(&format!("  {card}"), cols));
        }
        if !p.change.is_zero() {
            out.extend(pair(&tr("receipt-change", &[]), &p.change.plain(), cols));
        }
    }
    out.rule();
    out.center(&tr("receipt-thanks", &[]));
    let code = sale_code_text(sale.id);
    match h.sale_code {
        SaleCode::Qr => out.qr(&code),
        SaleCode::Code128 => out.code128(&code),
        SaleCode::None => {}
    }
    training_marks(&mut out, h);
    out
}

/// What the customer and the acquirer need to find a card payment again: the card as the
/// terminal masked it, and the terminal's trace and receipt numbers.
fn card_reference(out: &mut Doc, card: &crate::sale::CardDetails, tr: Tr<'_>, cols: usize) {
    let name = card.card_name.clone().or_else(|| card.card_type.clone());
    let card_line: Vec<String> = [name, card.pan.clone()].into_iter().flatten().collect();
    if !card_line.is_empty() {
        out.extend(wrap(&format!("  {}", card_line.join(" ")), cols));
    }
    let numbers = [
        card.trace
            .map(|n| tr("receipt-card-trace", &[("number", n.to_string())])),
        card.receipt_no
            .map(|n| tr("receipt-card-receipt", &[("number", n.to_string())])),
        card.terminal_id
            .clone()
            .map(|id| tr("receipt-card-terminal", &[("id", id)])),
    ];
    for line in numbers.into_iter().flatten() {
        out.extend(wrap(&format!("  {line}"), cols));
    }
    // The terminal's own slip text, as it sent it: what the cardholder would sign or keep.
    for line in &card.slip {
        out.wrap(&squeeze(line, cols));
    }
}

/// An X- or Z-report.
pub fn report(r: &Report, h: &Header, tr: Tr<'_>, time_zone: &jiff::tz::TimeZone, cols: usize) -> Doc {
    let mut out = Doc::new(cols);
    header_lines(&mut out, h, tr);
    let title = match (r.kind, r.z_number) {
        (ReportKind::Z, Some(n)) => tr("report-z-title", &[("number", n.to_string())]),
        _ => tr("report-x-title", &[]),
    };
    out.title(&title);
    out.extend(pair(&tr("report-day", &[]), &r.business_day.to_string(), cols));
    let at = r
        .generated_at
        .to_zoned(time_zone.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    out.extend(pair(&tr("report-printed", &[]), &at, cols));
    out.rule();
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
    out.rule();
    tax_lines(&mut out, &f.taxes, tr, cols);
    out.extend(pair(&tr("report-tax-total", &[]), &r.tax_total().plain(), cols));
    out.rule();
    out.extend(wrap(&tr("report-tenders", &[]), cols));
    for (method, amount) in &f.tenders {
        out.extend(pair(
            &format!("  {}", tr(&format!("tender-{}", method.as_str()), &[])),
            &amount.plain(),
            cols,
        ));
    }
    out.extend(pair(&tr("report-cash-expected", &[]), &r.cash_expected().plain(), cols));
    if let (Some(counted), Some(diff)) = (r.cash_counted, r.cash_difference()) {
        out.extend(pair(&tr("report-cash-counted", &[]), &counted.plain(), cols));
        out.extend(pair(&tr("report-cash-difference", &[]), &diff.plain(), cols));
    }
    out.rule();
    if let Some(cards) = &r.card_settlement {
        super::card_section::card_settlement(&mut out, cards, tr, time_zone, cols);
        out.rule();
    }
    training_marks(&mut out, h);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Product;
    use crate::config::Language;
    use crate::i18n::I18n;
    use crate::money::{Currency, Money, TaxRate};
    use crate::printer::text::{WIDTH_58MM, WIDTH_80MM, width};
    use crate::sale::{Cart, SaleDraft, pay_cash};

    fn sale() -> SaleRecord {
        let m = |s: &str| Money::parse(s, Currency::CNY).expect("amount");
        let product = |sku: &str, zh: &str, price: &str, incl: bool| Product {
            sku: sku.into(),
            barcodes: vec![],
            name_zh: zh.into(),
            name_en: format!("{sku} item"),
            price: m(price),
            tax_rate: TaxRate::parse("13").expect("rate"),
            price_includes_tax: incl,
            active: true,
            category: None,
            quick_key: crate::catalog::QuickKey::Off,
        };
        let mut cart = Cart::new(Currency::CNY);
        cart.add(
            &product("A", "超长名称的进口有机特级初榨橄榄油礼盒装", "88.00", true),
            2,
            None,
        )
        .expect("add");
        cart.add(&product("B", "打印纸", "25.00", false), 1, None).expect("add");
        let due = cart.totals().expect("totals").total;
        let draft =
            SaleDraft::from_cart(&cart, vec![pay_cash(due, Some(m("300"))).expect("cash").payment()]).expect("d");
        SaleRecord {
            id: 42,
            business_day: jiff::civil::date(2026, 11, 26),
            created_at: "2026-11-26T11:30:00Z".parse().expect("ts"),
            cashier: "ann".into(),
            draft,
        }
    }

    fn render(lang: Language, cols: usize) -> Vec<String> {
        let i18n = I18n::new(lang);
        let tr = |k: &str, a: &[(&str, String)]| i18n.t_args(k, a);
        let header = Header {
            store_name: "小店 Corner Shop".into(),
            demo: true,
            ..Header::default()
        };
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").expect("tz");
        receipt(&sale(), &header, &tr, lang.is_zh(), &tz, cols).lines()
    }

    #[test]
    fn receipt_fits_the_paper_and_amounts_are_right_aligned() {
        for cols in [WIDTH_58MM, WIDTH_80MM] {
            let lines = render(Language::Zh, cols);
            assert!(lines.iter().all(|l| width(l) <= cols), "{cols}: {lines:#?}");
            let total = lines.iter().find(|l| l.starts_with("合计")).expect("total line");
            assert!(total.ends_with("204.25") && width(total) == cols, "{total:?}");
        }
    }

    #[test]
    fn the_receipt_code_reads_back_as_the_sale_number() {
        assert_eq!(sale_code_number(&sale_code_text(42)), Some(42));
        assert_eq!(sale_code_number(" 42 "), Some(42));
        for bad in ["", "TGS", "0", "TGS-1", "12a", "99999999999999", "tgs1x"] {
            assert_eq!(sale_code_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn receipt_content_in_english() {
        let text = render(Language::En, WIDTH_58MM).join("\n");
        for expected in [
            "DEMO - NOT A RECEIPT",
            "No. 000042",
            "2026-11-26 19:30",
            "Cashier ann",
            "2 x 88.00",
            "1 x 25.00 + VAT 13%",
            "28.25",
            "TOTAL",
            "204.25",
            "incl. VAT 13% on 204.25",
            "23.50",
            "Cash",
            "300.00",
            "Change",
            "95.75",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }
}
