use crate::config::Language;
use crate::i18n::I18n;
use crate::money::{Currency, Money};
use crate::printer::layout::{Header, report};
use crate::printer::text::{WIDTH_58MM, WIDTH_80MM, width};
use crate::settlement::batch::{Acknowledgement, BatchState, DeferReason, Deferral};
use crate::settlement::reconcile::{CardDelta, Differences, Reconciliation};
use crate::settlement::report::{
    CardSettlement, DayFigures, LostBatch, ManualCardLine, Report, ReportKind, SettledBatch, SettledTotals,
    UnsettledBatch,
};
use jiff::Timestamp;
use jiff::civil::date;

fn at(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn cny(s: &str) -> Money {
    Money::parse(s, Currency::CNY).expect("amount")
}

fn settled(id: i64, reconciliation: Reconciliation, acknowledged: Option<Acknowledgement>) -> SettledBatch {
    SettledBatch {
        id,
        terminal: "pt".into(),
        first_day: date(2026, 11, 26),
        settled_at: at("2026-11-26T12:00:00Z"),
        count: 2,
        amount: cny("7.00"),
        totals: Some(SettledTotals {
            total: Some(cny("7.00")),
            receipt_range: Some((1, 2)),
            per_card: vec![("mastercard".into(), 2, cny("7.00"))],
        }),
        reconciliation: Some(reconciliation),
        acknowledged,
        deferral: None,
    }
}

fn sample() -> CardSettlement {
    let mismatch = Reconciliation::Mismatch(Differences {
        missing_in_ledger: vec![2],
        outside_range: vec![(9, Some(77))],
        per_card: vec![CardDelta {
            card_type: "mastercard".into(),
            terminal_count: 2,
            ledger_count: 1,
            terminal_amount: cny("7.00"),
            ledger_amount: cny("3.50"),
        }],
    });
    let ack = Acknowledgement {
        by: "manager".into(),
        note: "test payment".into(),
        at: at("2026-11-26T13:00:00Z"),
    };
    CardSettlement {
        settled: vec![settled(1, Reconciliation::Match, None), settled(2, mismatch, Some(ack))],
        unsettled: vec![UnsettledBatch {
            id: 3,
            terminal: "pt".into(),
            state: BatchState::Deferred,
            first_day: date(2026, 11, 26),
            count: 1,
            amount: cny("3.50"),
            deferral: Some(Deferral {
                until: at("2026-11-26T20:00:00Z"),
                by: "manager".into(),
                reason: DeferReason::TerminalOffline,
                at: at("2026-11-26T11:00:00Z"),
            }),
            last_error: Some("result 77".into()),
        }],
        lost: vec![LostBatch {
            id: 4,
            terminal: "pt".into(),
            first_day: date(2026, 11, 25),
            lost_at: at("2026-11-25T15:30:00Z"),
            count: 3,
            amount: cny("10.50"),
            deferral: None,
        }],
        manual: vec![manual(5, "12.00", Some("123456")), manual(6, "-2.50", None)],
    }
}

/// A card payment made on a standalone device (a refund when the amount is negative).
fn manual(sale_id: i64, amount: &str, auth: Option<&str>) -> ManualCardLine {
    ManualCardLine {
        sale_id,
        refund: amount.starts_with('-'),
        business_day: date(2026, 11, 26),
        at: at("2026-11-26T12:30:00Z"),
        amount: cny(amount),
        auth_code: auth.map(str::to_string),
        card_type: auth.map(|_| "VISA".to_string()),
        last4: auth.map(|_| "4242".to_string()),
        operator: "ann".into(),
    }
}

fn render(lang: Language, cols: usize, cards: Option<CardSettlement>) -> Vec<String> {
    let i18n = I18n::new(lang);
    let tr = |k: &str, a: &[(&str, String)]| i18n.t_args(k, a);
    let r = Report {
        kind: ReportKind::Z,
        z_number: Some(7),
        business_day: date(2026, 11, 26),
        generated_at: at("2026-11-26T14:00:00Z"),
        currency: Currency::CNY,
        figures: DayFigures::empty(Currency::CNY),
        cash_counted: Some(cny("0")),
        card_settlement: cards,
    };
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").expect("tz");
    report(&r, &Header::default(), &tr, &tz, cols).lines()
}

/// The lines after the section's title, joined as read, without white space (wrapping
/// breaks Latin text at a space and CJK text anywhere; compare with `bare`).
fn section(lines: &[String], title: &str) -> String {
    let start = lines.iter().position(|l| l == title).expect("section title");
    bare(&lines[start..].concat())
}

fn bare(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The section on both paper widths: every line fits, each expected text is there (however
/// it wrapped), and no message id shows instead of its text.
fn assert_section(lang: Language, title: &str, expected: &[&str]) {
    for cols in [WIDTH_58MM, WIDTH_80MM] {
        let lines = render(lang, cols, Some(sample()));
        assert!(lines.iter().all(|l| width(l) <= cols), "{cols}: {lines:#?}");
        let text = section(&lines, title);
        for expected in expected {
            assert!(
                text.contains(&bare(expected)),
                "{cols}: missing {expected:?} in\n{}",
                lines.join("\n")
            );
        }
        assert!(!text.contains("report-card"), "a message id leaked: {text}");
    }
}

#[test]
fn the_section_in_english() {
    assert_section(
        Language::En,
        "Card settlement",
        &[
            "Batch #1 pt: settled",
            "2026-11-26 20:00",
            "Terminal receipts",
            "1-2",
            "mastercard (2)",
            "Terminal total",
            "Ledger (2)",
            "Reconciled: match",
            "Batch #2 pt: settled",
            "Reconciled: DIFFERENCES",
            "Receipts the ledger lacks: 2",
            "Card #9 (receipt 77) is outside the terminal's receipts",
            "mastercard: terminal 2 for 7.00, ledger 1 for 3.50",
            "Acknowledged by manager: test payment",
            "Batch #3 pt: NOT SETTLED (deferred)",
            "Deferred by manager until 2026-11-27 04:00: terminal offline",
            "Last end-of-day failed: result 77",
            "Batch #4 pt: LOST (cleared unsettled)",
            "2026-11-25 23:30",
            "10.50",
            "Claim from the acquirer: tillguard report claim --batch 4",
            "Manual card payments (standalone device): 2",
            "9.50",
            "No. 000005 auth 123456 VISA ****4242",
            "12.00",
            "Refund No. 000006",
            "-2.50",
            "Not in any terminal batch: match them with that device's own settlement",
        ],
    );
}

#[test]
fn the_section_in_chinese() {
    assert_section(
        Language::Zh,
        "银行卡结算",
        &[
            "批次 #1 pt：已结算",
            "对账：一致",
            "对账：有差异",
            "本机缺少的凭证：2",
            "manager 已确认：test payment",
            "批次 #3 pt：未结算（已延期）",
            "manager 延期至 2026-11-27 04:00：终端离线",
            "上次结算失败：result 77",
            "批次 #4 pt：已丢失",
            "tillguard report claim --batch 4",
            "手工刷卡（其他刷卡机）：2 笔",
            "单号 000005 授权码 123456 VISA ****4242",
            "退货单号 000006",
            "不在任何终端批次中",
        ],
    );
}

#[test]
fn no_batches_is_said_and_an_old_report_has_no_section() {
    let lines = render(Language::En, WIDTH_58MM, Some(CardSettlement::default()));
    assert!(section(&lines, "Card settlement").contains(&bare("No card batches")));
    let old = render(Language::En, WIDTH_58MM, None);
    assert!(!old.iter().any(|l| l.contains("Card settlement")), "{old:#?}");
}
