//! Card payments in the GUI against the demo's simulated terminal, spoken to through the real
//! ZVT serial code over a pseudo-terminal pair (see `ui_harness` for how the app is driven).
#![cfg(unix)]

mod ui_harness;

use std::sync::mpsc;
use std::time::Duration;
use tillguard::config::Language;
use tillguard::money::Currency;
use tillguard::store::{CardKind, Store};
use tillguard::terminal::spec::TerminalSpec;
use tillguard::terminal::zvt::codes::intermediate_text;
use tillguard::till::card::CardProgress;
use tillguard::till::{Paths, Till};
use tillguard::ui::desk::Event;
use tillguard::ui::job::Job;
use tillguard::ui::screen::checkout::{CASH_ID, SCAN_ID};
use tillguard::ui::{App, Message, TerminalSetup};
use ui_harness::*;

const PAY_CARD: &str = "刷卡（F11）";

fn cart_lines(app: &App) -> Vec<(String, i64)> {
    {
        let state = app.checkout();
        state
            .cart()
            .lines()
            .iter()
            .map(|l| (l.sku.clone(), l.quantity))
            .collect()
    }
}

/// Starts the card payment with the button and returns its job; the till is then lent out.
fn start_card_payment(app: &mut App) -> Job<Message> {
    let job = click_text(app, PAY_CARD).expect("paying by card starts a terminal job");
    assert!(app.till().is_none(), "the till is with the terminal while it works");
    job
}

#[test]
fn a_card_payment_shows_each_terminal_status_and_stores_the_terminals_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = simulator_app(dir.path(), Duration::ZERO);
    type_and_enter(&mut app, SCAN_ID, COLA);
    type_and_enter(&mut app, SCAN_ID, WATER);
    assert_shows(&app, "合计 ¥5.50");

    let job = start_card_payment(&mut app);
    assert_shows(&app, "银行卡收款");
    assert_shows(&app, "¥5.50");
    assert_shows(&app, "正在连接刷卡终端…");

    // Each message reaches the screen as it arrives: the terminal's own words, in order.
    let mut statuses = Vec::new();
    for message in job.run_here() {
        let code = match &message {
            Message::Desk(Event::Progress(CardProgress::Terminal(code))) => Some(*code),
            _ => None,
        };
        deliver(&mut app, vec![message]);
        if let Some(code) = code {
            let text = intermediate_text(code, Language::Zh);
            assert_shows(&app, &text);
            statuses.push(text);
        }
    }
    assert_eq!(
        statuses,
        ["请插卡", "等待主机应答"],
        "the simulator's steps for a small amount"
    );

    assert_eq!(error_line(&app), None);
    let done = {
        let state = app.checkout();
        state.completed().expect("sale completed").clone()
    };
    let stored = till(&app).sale(done.sale.id).expect("sale stored");
    assert_eq!(stored.draft.total, cny("5.50"));
    let card = stored.draft.payments[0].card.clone().expect("a card payment");
    let (trace, receipt_no) = (card.trace.expect("trace"), card.receipt_no.expect("receipt no"));
    assert!(done.receipt.contains(&format!("流水号 {trace}")), "{}", done.receipt);
    assert!(
        done.receipt.contains(&format!("终端凭证号 {receipt_no}")),
        "{}",
        done.receipt
    );
    assert_shows(&app, "今日 1 笔，¥5.50");
}

#[test]
fn a_declined_card_returns_to_the_tender_with_the_terminals_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = simulator_app(dir.path(), Duration::ZERO);
    type_and_enter(&mut app, SCAN_ID, COLA);
    type_and_enter(&mut app, SCAN_ID, WATER);
    // 0.37 in cash leaves 5.13 for the card; the simulated bank declines amounts ending in .13.
    type_only(&mut app, CASH_ID, "0.37");
    let job = start_card_payment(&mut app);
    assert_shows(&app, "¥5.13");
    deliver(&mut app, job.run_here());

    let error = error_line(&app).expect("the decline is explained");
    assert!(error.starts_with("刷卡未成功："), "{error}");
    assert_eq!(till(&app).status().expect("status").sales_count, 0);
    assert_eq!(cart_lines(&app).len(), 2, "the cart waits for another tender");
    assert_shows(&app, PAY_CARD);
    // Cash still works for the same cart.
    let _ = click_text(&mut app, "整付");
    let _ = click_text(&mut app, "收款（F12）");
    assert_eq!(error_line(&app), None);
    assert_eq!(till(&app).status().expect("status").sales_count, 1);
}

#[test]
fn cancel_asks_the_terminal_to_abort_and_nothing_is_sold() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A terminal that takes its time, as a real card holder would.
    let mut app = simulator_app(dir.path(), Duration::from_millis(400));
    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = start_card_payment(&mut app);
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        job.run(|m| {
            let _ = tx.send(m);
        })
    });
    // Wait until the terminal has the amount, then press Cancel on screen.
    loop {
        let message = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("progress from the terminal");
        let asked = matches!(message, Message::Desk(Event::Progress(CardProgress::Asking { .. })));
        deliver(&mut app, vec![message]);
        if asked {
            break;
        }
    }
    let _ = click_text(&mut app, "取消（Esc）");
    assert_shows(&app, "正在请终端取消…");
    for message in rx.iter() {
        deliver(&mut app, vec![message]);
    }
    worker.join().expect("the job ends");

    let error = error_line(&app).expect("the cancellation is explained");
    assert!(error.starts_with("刷卡已取消"), "{error}");
    assert_eq!(till(&app).status().expect("status").sales_count, 0);
    assert_eq!(cart_lines(&app).len(), 1, "the cart is kept");
}

#[test]
fn a_scan_during_the_card_payment_waits_and_starts_the_next_sale() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = simulator_app(dir.path(), Duration::ZERO);
    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = start_card_payment(&mut app);
    // The next customer's item is scanned while the terminal still works.
    type_and_enter(&mut app, SCAN_ID, WATER);
    assert_eq!(cart_lines(&app).len(), 1, "the cart being paid for does not change");
    deliver(&mut app, job.run_here());

    assert_eq!(till(&app).status().expect("status").sales_count, 1, "the card sale");
    assert_eq!(
        cart_lines(&app),
        [("DRK-002".to_string(), 1)],
        "the waiting scan started the next sale"
    );
}

#[test]
fn an_idle_till_polls_the_terminal_and_shows_its_status_but_not_while_ringing_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = simulator_app(dir.path(), Duration::ZERO);
    let job = deliver(&mut app, vec![Message::PollTerminal]).expect("an idle till polls");
    deliver(&mut app, job.run_here());
    assert_shows(&app, "终端：终端就绪");

    type_and_enter(&mut app, SCAN_ID, COLA);
    assert!(
        deliver(&mut app, vec![Message::PollTerminal]).is_none(),
        "no poll while a customer is served"
    );
    assert!(app.till().is_some());
}

#[test]
fn start_up_checks_a_payment_left_pending_with_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths::resolve(Some(dir.path().to_path_buf()), None).expect("paths");
    let clock = || std::sync::Arc::new(tillguard::clock::SystemClock);
    let setup = TerminalSetup {
        spec: Some(TerminalSpec::Simulator),
        data_dir: dir.path().to_path_buf(),
        think_time: Duration::ZERO,
    };
    // A first run sells by card, so the terminal's last transaction is one the ledger knows.
    let terminal_name = {
        let first = Till::open(&paths, clock()).expect("till");
        let (mut app, boot) = App::boot(first, setup.clone());
        assert!(boot.job.is_none(), "nothing to recover on a fresh ledger");
        unlock(&mut app);
        type_and_enter(&mut app, SCAN_ID, COLA);
        let job = start_card_payment(&mut app);
        deliver(&mut app, job.run_here());
        let sale = till(&app).status().expect("status");
        assert_eq!(sale.sales_count, 1);
        let store = till(&app).store();
        let card = store.unresolved_cards().expect("journal");
        assert!(card.is_empty(), "{card:?}");
        let id = {
            let state = app.checkout();
            {
                state.completed().expect("sold").sale.draft.payments[0]
                    .card
                    .clone()
                    .expect("card")
                    .journal_id
            }
        };
        store.card(id).expect("row").expect("row").terminal
    };
    // Then a crash right after a second payment was journaled, before the terminal had it.
    {
        let mut store = Store::open(&dir.path().join(tillguard::store::FILE_NAME), Currency::CNY).expect("ledger");
        store
            .card_begin(
                CardKind::Authorization,
                cny("3.50"),
                &terminal_name,
                None,
                None,
                jiff::Timestamp::now(),
            )
            .expect("pending row");
    }
    let again = Till::open(&paths, clock()).expect("till");
    assert_eq!(again.status().expect("status").card_in_doubt.count, 1);
    let (mut app, boot) = App::boot(again, setup);
    assert!(app.till().is_none(), "the terminal is asked before anything else");
    deliver(&mut app, boot.job.expect("start-up recovery").run_here());
    unlock(&mut app);

    let notice = all_texts(&app)
        .into_iter()
        .find(|t| t.starts_with("已向终端核实"))
        .expect("the recovery is reported");
    assert!(notice.contains("未扣款 1 笔"), "{notice}");
    assert_eq!(till(&app).status().expect("status").card_in_doubt.count, 0);
    assert!(!shows(&app, "1 笔刷卡结果未知（¥3.50）"));
}

#[test]
fn the_window_stays_open_while_the_terminal_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = simulator_app(dir.path(), Duration::ZERO);
    type_and_enter(&mut app, SCAN_ID, COLA);
    let job = start_card_payment(&mut app);
    assert!(deliver(&mut app, vec![Message::CloseRequested]).is_none());
    let error = error_line(&app).expect("the refusal is explained");
    assert!(error.starts_with("刷卡终端仍在处理中"), "{error}");
    deliver(&mut app, job.run_here());
    assert_eq!(
        till(&app).status().expect("status").sales_count,
        1,
        "the payment completed"
    );
}
