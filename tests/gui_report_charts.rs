//! The reports screen's charts (F8): the tender mix (cash / card / manual card with amount and
//! share) and the card types of the day's card payments, each figure written beside its bar.
//! A cash sale and a card sale through the demo's simulated terminal (pseudo-terminal pair).
#![cfg(unix)]

mod ui_harness;

use std::time::Duration;
use tillguard::ui::keys::Shortcut;
use tillguard::ui::screen::checkout::SCAN_ID;
use ui_harness::*;

/// The texts of the row that holds `label`, as laid out: the label, then the figures.
fn row_after(texts: &[String], label: &str) -> Option<String> {
    let at = texts.iter().position(|t| t == label)?;
    texts.get(at + 1).cloned()
}

#[test]
fn the_day_shows_its_tender_mix_and_card_types_with_their_figures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = simulator_app(dir.path(), Duration::ZERO);
    // 3.50 by card (the simulator's first card is a Mastercard), then 7.00 in cash.
    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = click_text(&mut app, "刷卡（F11）").expect("card job");
    deliver(&mut app, job.run_here());
    assert_eq!(error_line(&app), None);
    type_and_enter(&mut app, SCAN_ID, &format!("{COLA}x2"));
    let _ = pay_exact_cash(&mut app);
    assert_eq!(till(&app).status().expect("status").sales_count, 2);

    deliver(&mut app, vec![key(Shortcut::Reports)]);
    let texts = all_texts(&app);
    for title in ["收款方式占比", "银行卡类型", "每小时销售额"] {
        assert!(texts.iter().any(|t| t == title), "no {title:?} in {texts:?}");
    }
    // Each tender with its amount and its share of the 10.50 taken, readable as text.
    assert_eq!(row_after(&texts, "现金").as_deref(), Some("¥7.00 · 66.7%"), "{texts:?}");
    assert_eq!(
        row_after(&texts, "银行卡").as_deref(),
        Some("¥3.50 · 33.3%"),
        "{texts:?}"
    );
    assert_eq!(
        row_after(&texts, "银行卡（手工）").as_deref(),
        Some("¥0.00 · 0.0%"),
        "{texts:?}"
    );
    // The card payment under the card type the terminal named, with count and amount.
    assert_eq!(
        row_after(&texts, "Mastercard").as_deref(),
        Some("¥3.50 (1)"),
        "{texts:?}"
    );
}

#[test]
fn a_day_without_card_payments_says_so() {
    let mut app = demo_app();
    type_and_enter(&mut app, SCAN_ID, COLA);
    let _ = pay_exact_cash(&mut app);
    deliver(&mut app, vec![key(Shortcut::Reports)]);
    let texts = all_texts(&app);
    assert_eq!(
        row_after(&texts, "现金").as_deref(),
        Some("¥3.50 · 100.0%"),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t == "当天没有刷卡"), "{texts:?}");
}
