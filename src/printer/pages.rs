//! Printouts other than receipts and day reports: the printer test page, the settlement
//! report, the deferral slip and the claim list of a lost batch.

use super::card_section::card_settlement;
use super::doc::Doc;
use super::layout::{Header, Tr, header_lines, training_marks};
use crate::money::Money;
use crate::settlement::batch::Deferral;
use crate::settlement::report::CardSettlement;
use crate::store::CardKind;
use crate::till::ClaimLine;
use jiff::Timestamp;
use jiff::tz::TimeZone;

fn local(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string()
}

/// A page that shows at a glance whether the printer is set up right: the width ruler must
/// end exactly at the edge, the Chinese and the accented lines must read correctly, the
/// QR code must scan, and the paper must be cut below.
pub fn test_page(h: &Header, tr: Tr<'_>, target: &str, now: Timestamp, tz: &TimeZone, cols: usize) -> Doc {
    let mut d = Doc::new(cols);
    d.title(&tr("print-test-title", &[]));
    d.center(&h.store_name);
    d.rule();
    d.pair(&tr("print-test-printer", &[]), target);
    d.pair(&tr("print-test-time", &[]), &local(now, tz));
    d.pair(&tr("print-test-width", &[]), &cols.to_string());
    let ruler: String = (1..=cols).map(|i| char::from(b'0' + (i % 10) as u8)).collect();
    d.push(ruler);
    d.rule();
    d.wrap("中文 GB18030：合计 ¥12.50 欢迎光临 谢谢惠顾");
    d.wrap("Western 1252: Café €1.50 £2 Ñandú Größe");
    d.pair_bold(&tr("print-test-bold", &[]), "88.00");
    d.title(&tr("print-test-double", &[]));
    d.qr("TILLGUARD PRINTER TEST");
    d.center(&tr("print-test-end", &[]));
    training_marks(&mut d, h);
    d
}

/// After a settlement: the batch with the terminal's totals against the ledger and the
/// reconciliation, then the terminal's own end-of-day lines.
pub fn settlement(
    h: &Header,
    tr: Tr<'_>,
    section: &CardSettlement,
    terminal_lines: &[String],
    tz: &TimeZone,
    cols: usize,
) -> Doc {
    let mut d = Doc::new(cols);
    header_lines(&mut d, h, tr);
    d.title(&tr("print-settlement-title", &[]));
    d.rule();
    card_settlement(&mut d, section, tr, tz, cols);
    if !terminal_lines.is_empty() {
        d.rule();
        for line in terminal_lines {
            d.wrap(line.trim_end());
        }
    }
    d.rule();
    training_marks(&mut d, h);
    d
}

/// The slip a deferral prints: who postponed which batch, why, and until when - kept with
/// the day's papers and shown to the acquirer if the batch is lost anyway.
pub fn deferral_slip(
    h: &Header,
    tr: Tr<'_>,
    batch_id: i64,
    terminal: &str,
    def: &Deferral,
    tz: &TimeZone,
    cols: usize,
) -> Doc {
    let mut d = Doc::new(cols);
    header_lines(&mut d, h, tr);
    d.title(&tr("print-deferral-title", &[]));
    d.rule();
    d.pair(&tr("print-batch", &[]), &format!("#{batch_id}"));
    d.wrap(terminal);
    d.pair(&tr("print-deferral-by", &[]), &def.by);
    d.pair(&tr("print-deferral-at", &[]), &local(def.at, tz));
    d.pair_bold(&tr("print-deferral-until", &[]), &local(def.until, tz));
    let reason = match def.reason.text() {
        Some(text) => text.to_string(),
        None => tr(
            &format!("report-card-reason-{}", def.reason.code().replace('_', "-")),
            &[],
        ),
    };
    d.wrap(&tr("print-deferral-reason", &[("reason", reason)]));
    d.rule();
    d.wrap(&tr("print-deferral-note", &[]));
    training_marks(&mut d, h);
    d
}

/// What opening the drawer without a sale prints: when, who, who approved, why, so the
/// drawer count at the end of the day can be explained.
pub struct NoSale<'a> {
    pub at: Timestamp,
    pub cashier: &'a str,
    pub approved_by: &'a str,
    pub reason: &'a str,
}

pub fn no_sale_slip(h: &Header, tr: Tr<'_>, n: &NoSale<'_>, tz: &TimeZone, cols: usize) -> Doc {
    let mut d = Doc::new(cols);
    header_lines(&mut d, h, tr);
    d.title(&tr("print-no-sale-title", &[]));
    d.rule();
    d.pair(&tr("print-no-sale-at", &[]), &local(n.at, tz));
    d.pair(&tr("print-no-sale-cashier", &[]), n.cashier);
    d.pair(&tr("print-no-sale-approved", &[]), n.approved_by);
    d.wrap(&tr("print-no-sale-reason", &[("reason", n.reason.to_string())]));
    d.rule();
    training_marks(&mut d, h);
    d
}

/// The claim list of a lost batch: every card payment the acquirer must be asked for.
pub fn claim_list(h: &Header, tr: Tr<'_>, batch_id: i64, terminal: &str, lines: &[ClaimLine], cols: usize) -> Doc {
    let mut d = Doc::new(cols);
    header_lines(&mut d, h, tr);
    d.title(&tr("print-claim-title", &[]));
    d.pair(&tr("print-batch", &[]), &format!("#{batch_id}"));
    d.wrap(terminal);
    d.rule();
    let mut total: Option<Money> = None;
    for l in lines {
        let signed = if l.kind == CardKind::Refund {
            -l.amount
        } else {
            l.amount
        };
        total = Some(total.map_or(signed, |t| t + signed));
        d.pair(&format!("{} {}", l.date, l.time), &signed.plain());
        let opt = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
        let numbers = tr(
            "print-claim-numbers",
            &[("trace", opt(l.trace)), ("receipt", opt(l.receipt_no))],
        );
        d.wrap(&format!("  {numbers}"));
        let card: Vec<&str> = [l.card_name.as_deref().or(l.card_type.as_deref()), l.pan.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !card.is_empty() {
            d.wrap(&format!("  {}", card.join(" ")));
        }
    }
    d.rule();
    let count = lines.len().to_string();
    let total = total.map(|t| t.plain()).unwrap_or_else(|| "0".into());
    d.pair_bold(&tr("print-claim-total", &[("count", count)]), &total);
    training_marks(&mut d, h);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use crate::i18n::I18n;
    use crate::printer::doc::Block;

    #[test]
    fn test_page_has_both_scripts_a_ruler_to_the_edge_and_a_qr() {
        for lang in [Language::Zh, Language::En] {
            let i18n = I18n::new(lang);
            let tr = |k: &str, a: &[(&str, String)]| i18n.t_args(k, a);
            let now: Timestamp = "2026-11-27T02:00:00Z".parse().expect("t");
            let d = test_page(&Header::default(), &tr, "tcp:10.0.0.9:9100", now, &TimeZone::UTC, 32);
            assert!(d.fits());
            let text = d.text();
            for needle in [
                "合计 ¥12.50",
                "Café €1.50",
                "12345678901234567890123456789012",
                "tcp:10.0.0.9:9100",
            ] {
                assert!(text.contains(needle), "{lang:?}: {needle} missing in\n{text}");
            }
            assert!(d.blocks.contains(&Block::Qr("TILLGUARD PRINTER TEST".into())));
            assert!(!text.contains("print-test"), "{lang:?}: an untranslated id in\n{text}");
        }
    }
}
