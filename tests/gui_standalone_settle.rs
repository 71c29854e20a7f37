//! Settling a standalone card terminal (no cable to the till) in the window: the guided
//! steps naming the terminal, the blind form for the settlement slip's totals, a typo that
//! settles nothing, the reconciliation shown as a ZVT terminal's is, and the quit guard's
//! "Settle now" leading to the same steps (see `ui_harness` for how the app is driven).
#![cfg(unix)]

mod ui_harness;

use std::path::PathBuf;
use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::sale::Scheme;
use tillguard::store::Store;
use tillguard::till::Till;
use tillguard::ui::screen::end_of_day::{
    self, AckEdit, SLIP_AMOUNT_ID, SLIP_COUNT_ID, SLIP_FROM_ID, SLIP_TO_ID, SlipEdit,
};
use tillguard::ui::{App, Message};
use ui_harness::*;

const SETTLE: &str = "结算（终端日结）";
const CONFIRM: &str = "已在终端结算";
const STEP_ONE: &str = "1. 在 柜台POS（终端号 12345678，收单机构 银联商务）上按“结算”，等待打印结算单。";
const STEP_TWO: &str =
    "2. 在下方输入结算单上的合计：笔数和净额（撤销不计，退货扣减）；结算单分卡组织列出时逐行填写；以及凭证号范围。";
const STEP_THREE: &str = "3. 确认终端结算的时间。";

struct Shop {
    dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
}

impl Shop {
    fn ledger(&self) -> PathBuf {
        self.dir.path().join(tillguard::store::FILE_NAME)
    }
}

fn shop() -> Shop {
    Shop {
        dir: tempfile::tempdir().expect("tempdir"),
        clock: Arc::new(ManualClock::new("2025-03-14T04:00:00Z".parse().expect("timestamp"))),
    }
}

fn till_of(shop: &Shop) -> Till {
    let config = standalone_config(true);
    let store = Store::open(&shop.ledger(), config.currency).expect("ledger");
    Till::with_store(store, config, shop.clock.clone()).expect("till")
}

/// One cola (¥3.50) paid on the standalone terminal per voucher, before the window opens.
fn paid_on_the_terminal(shop: &Shop, vouchers: &[&str]) {
    let mut till = till_of(shop);
    for voucher in vouchers {
        pay_on_counter_pos(&mut till, &[COLA], voucher);
    }
}

fn open(shop: &Shop) -> App {
    app_without_cable(till_of(shop), shop.dir.path())
}

fn state(app: &App) -> &end_of_day::State {
    end_of_day_state(app)
}

/// (payments, settled) of the standalone terminal's batches still holding payments.
fn open_batches(app: &App) -> Vec<u64> {
    till(app)
        .unsettled_batches()
        .expect("batches")
        .into_iter()
        .filter(|b| b.payments > 0)
        .map(|b| b.payments)
        .collect()
}

/// The end-of-day screen's Settle button, which opens the guided steps (no terminal job).
fn open_steps(app: &mut App) {
    deliver(app, vec![Message::OpenEndOfDay]);
    assert!(click_text(app, SETTLE).is_none(), "nothing is asked of a terminal");
    assert!(state(app).slip.is_some(), "the guided settlement is open");
}

fn type_slip(app: &mut App, count: &str, amount: &str, from: &str, to: &str) {
    for (field, text) in [
        (SLIP_COUNT_ID, count),
        (SLIP_AMOUNT_ID, amount),
        (SLIP_FROM_ID, from),
        (SLIP_TO_ID, to),
    ] {
        if !text.is_empty() {
            type_only(app, field, text);
        }
    }
}

/// "Settled on the terminal". A settled slip queues the settlement report; its print job
/// is left queued (this test is not about printing).
fn confirm(app: &mut App) {
    let _ = click_text(app, CONFIRM);
}

fn slip_error(app: &App) -> Option<String> {
    state(app).slip.as_ref().and_then(|f| f.error.clone())
}

#[test]
fn the_steps_name_the_terminal_and_a_typo_settles_nothing() {
    let shop = shop();
    paid_on_the_terminal(&shop, &["101", "102"]);
    let mut app = open(&shop);
    open_steps(&mut app);
    for line in ["按结算单结算 柜台POS", STEP_ONE, STEP_TWO, STEP_THREE, CONFIRM] {
        assert_shows(&app, line);
    }
    // Blind: nothing on screen, the banner included, shows the batch's count or amount.
    let leaks: Vec<String> = all_texts(&app)
        .into_iter()
        .filter(|t| t.contains("7.00") || t.contains("3.50") || t.contains("2 笔"))
        .collect();
    assert_eq!(
        leaks,
        Vec::<String>::new(),
        "the till's totals are hidden while the slip is typed"
    );
    assert_shows(&app, "确认结算单后再显示本营业日报表。");
    assert_shows(&app, "刷卡批次未结算（录入结算单后显示本机合计）");

    type_slip(&mut app, "2x", "7.00", "101", "102");
    confirm(&mut app);
    let error = slip_error(&app).expect("the typo is refused");
    assert_eq!(error, "笔数“2x”须为整数：结算单上的刷卡笔数");
    assert_shows(&app, &error);
    let form = state(&app).slip.clone().expect("the form stays open");
    assert_eq!(
        (
            form.count.as_str(),
            form.amount.as_str(),
            form.from.as_str(),
            form.to.as_str()
        ),
        ("2x", "7.00", "101", "102"),
        "what was typed is kept"
    );
    assert_eq!(open_batches(&app), [2], "the batch stays unsettled");
    assert!(state(&app).last.is_none());

    // A settlement time in the future is refused too, in the window's language.
    let at = form.at.clone();
    deliver(
        &mut app,
        vec![
            Message::EndOfDay(end_of_day::Message::Slip(SlipEdit::Count("2".into()))),
            Message::EndOfDay(end_of_day::Message::Slip(SlipEdit::At("23:59".into()))),
            Message::EndOfDay(end_of_day::Message::SubmitSlip),
        ],
    );
    let error = slip_error(&app).expect("a time in the future is refused");
    assert!(error.contains("晚于现在") || error.contains("早于本批次"), "{error}");
    deliver(
        &mut app,
        vec![
            Message::EndOfDay(end_of_day::Message::Slip(SlipEdit::At("25:00".into()))),
            Message::EndOfDay(end_of_day::Message::SubmitSlip),
        ],
    );
    assert_eq!(
        slip_error(&app).as_deref(),
        Some("结算时间“25:00”须为 HH:MM 或 YYYY-MM-DD HH:MM")
    );
    assert_eq!(open_batches(&app), [2], "still unsettled");
    assert!(!at.is_empty(), "the time is prefilled with now");
}

#[test]
fn the_slips_totals_settle_the_batch_and_match() {
    let shop = shop();
    paid_on_the_terminal(&shop, &["101", "102"]);
    let mut app = open(&shop);
    assert_shows(&app, "未结算刷卡批次：2 笔，¥7.00");
    open_steps(&mut app);
    type_slip(&mut app, "2", "7.00", "101", "102");
    confirm(&mut app);
    assert_eq!(slip_error(&app), None);
    assert!(state(&app).slip.is_none(), "the steps close once settled");
    assert_shows(&app, "对账结果：一致");
    assert_shows(&app, "结算完成：终端汇总与账本一致");
    assert_shows(&app, "终端凭证号 101 至 102");
    assert_shows(&app, "合计");
    assert!(
        state(&app)
            .last
            .as_ref()
            .expect("a settlement")
            .reconciliation
            .is_match()
    );
    assert_eq!(open_batches(&app), Vec::<u64>::new(), "the batch is settled");
    assert_shows(&app, "刷卡批次：无需结算");
    assert!(!shows(&app, "确认差异（经理）"), "nothing to acknowledge");
}

#[test]
fn a_voucher_on_the_slip_the_till_never_recorded_is_a_mismatch_a_manager_acknowledges() {
    let shop = shop();
    paid_on_the_terminal(&shop, &["101", "102"]);
    let mut app = open(&shop);
    open_steps(&mut app);
    // One more voucher than recorded, the range typed whole into the first field.
    type_slip(&mut app, "3", "10.50", "101-103", "");
    confirm(&mut app);
    assert_eq!(slip_error(&app), None);
    assert_shows(&app, "对账结果：有差异");
    assert_shows(&app, "结算完成，但终端汇总与账本不一致：需经理确认差异");
    assert_shows(&app, "终端有而 Tillguard 没有的凭证：103");
    // The slip's total beside the till's.
    assert_shows(&app, "3 · ¥10.50");
    assert_shows(&app, "2 · ¥7.00");
    let last = state(&app).last.clone().expect("a settlement");
    assert!(!last.reconciliation.is_match());
    assert_eq!(open_batches(&app), Vec::<u64>::new(), "settled, with differences");

    assert!(click_text(&mut app, "确认差异（经理）").is_none());
    deliver(
        &mut app,
        vec![
            Message::EndOfDay(end_of_day::Message::Ack(AckEdit::Note(
                "slip voucher 103 not rung up".into(),
            ))),
            Message::EndOfDay(end_of_day::Message::Ack(AckEdit::Pin(MANAGER.1.into()))),
            Message::EndOfDay(end_of_day::Message::SubmitAck),
        ],
    );
    assert_eq!(state(&app).ack.as_ref().and_then(|f| f.error.clone()), None);
    assert_shows(&app, "差异已确认并记录");
}

#[test]
fn per_scheme_lines_must_add_up_to_the_slips_total() {
    let shop = shop();
    paid_on_the_terminal(&shop, &["101", "102"]);
    let mut app = open(&shop);
    open_steps(&mut app);
    type_slip(&mut app, "2", "7.00", "101", "102");
    assert!(click_text(&mut app, "添加卡组织").is_none());
    let row = |edit: SlipEdit| Message::EndOfDay(end_of_day::Message::Slip(edit));
    deliver(
        &mut app,
        vec![
            row(SlipEdit::Scheme(0, Scheme::UnionPay)),
            row(SlipEdit::SchemeCount(0, "1".into())),
            row(SlipEdit::SchemeAmount(0, "3.50".into())),
        ],
    );
    let picked = state(&app).slip.as_ref().map(|f| f.schemes[0].scheme);
    assert_eq!(picked, Some(Some(Scheme::UnionPay)));
    confirm(&mut app);
    assert_eq!(
        slip_error(&app).as_deref(),
        Some("各卡组织合计 1 笔 3.50，与结算单总计 2 笔 7.00 不符")
    );
    assert_eq!(open_batches(&app), [2]);

    // Both payments were typed as UnionPay: the slip's UnionPay line matches them.
    deliver(
        &mut app,
        vec![
            row(SlipEdit::SchemeCount(0, "2".into())),
            row(SlipEdit::SchemeAmount(0, "7.00".into())),
        ],
    );
    confirm(&mut app);
    assert_eq!(slip_error(&app), None);
    assert_shows(&app, "对账结果：一致");
    assert_shows(&app, "银联");
    assert_eq!(open_batches(&app), Vec::<u64>::new());
}

#[test]
fn settle_now_from_the_quit_dialog_opens_the_steps_and_quitting_is_allowed_once_settled() {
    let shop = shop();
    paid_on_the_terminal(&shop, &["101"]);
    let mut app = open(&shop);
    deliver(&mut app, vec![Message::CloseRequested]);
    assert!(
        app.quit_dialog().is_some(),
        "an unsettled standalone batch holds the till open"
    );
    assert_shows(&app, "关闭 Tillguard 前请先结算刷卡批次");
    assert!(
        click_text(&mut app, "立即结算（回车）").is_none(),
        "nothing is asked of a terminal"
    );
    assert!(app.quit_dialog().is_none());
    assert!(state(&app).slip.is_some(), "the guided settlement is open");
    assert_shows(&app, STEP_ONE);

    type_slip(&mut app, "1", "3.50", "101", "101");
    confirm(&mut app);
    assert_shows(&app, "对账结果：一致");
    deliver(&mut app, vec![Message::CloseRequested]);
    assert!(app.quit_dialog().is_none(), "a settled till may close");
}
