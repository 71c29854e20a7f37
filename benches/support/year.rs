//! A year of trade for the benchmarks that need one: 365 business days of 300 sales, every
//! third paid by card, each day's card batch settled by the terminal's end-of-day and the
//! day closed with its Z-report; on the last day the batch is still open and the day not
//! closed. Shared by `status` and `cold_start` through `#[path]`.
#![allow(dead_code)] // each bench uses a part

use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use std::path::Path;
use std::time::{Duration, Instant};
use tillguard::catalog::{Catalog, parse_csv};
use tillguard::money::{Currency, Money};
use tillguard::sale::{CardDetails, Cart, Payment, PaymentMethod, PaymentState, SaleDraft, pay_cash};
use tillguard::store::{
    CardKind, CardResultFields, CardState, FILE_NAME, JournaledSale, Store, TerminalTotals, with_card,
};

pub const DAYS: i32 = 365;
pub const SALES_PER_DAY: u32 = 300;
/// Every third sale is paid by card.
pub const CARD_EVERY: u32 = 3;
pub const LAST_DAY: Date = date(2026, 11, 26);
/// When status is asked: the evening of the last day, its batch still open.
pub const NOW: &str = "2026-11-26T19:00:00Z";
/// The journal name of the configured terminal below (`zvt+tcp:127.0.0.1:20007`).
pub const TERMINAL: &str = "tcp 127.0.0.1:20007";

pub const CSV: &str = "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\n\
A,4006381333931,可乐,Cola,3.50,13,true\nB,96385074,面包,Bread,8.00,9,false\nC,036000291452,牛奶,Milk,12.80,9,true\n";

pub const CONFIG: &str = "[store]\nname = \"Bench\"\ncurrency = \"CNY\"\ntime_zone = \"UTC\"\nlanguage = \"en\"\n\n\
[terminal]\nconnection = \"zvt+tcp:127.0.0.1:20007\"\nauto_clear = \"23:30\"\n";

/// Products beyond the first three, for ledgers with longer sales (`build_with`).
fn extra_products(lines: usize) -> String {
    (4..=lines)
        .map(|i| {
            format!(
                "P{i:02},,商品{i},Product {i},{}.{:02},13,true\n",
                1 + i % 7,
                (i * 13) % 100
            )
        })
        .collect()
}

fn cart(catalog: &Catalog, n: u32, lines: usize) -> Cart {
    let mut cart = Cart::new(Currency::CNY);
    for (code, qty) in [
        ("4006381333931", 1 + i64::from(n % 3)),
        ("96385074", 1),
        ("036000291452", 2),
    ] {
        cart.add(catalog.lookup(code).expect("known"), qty, Some(code))
            .expect("add");
    }
    for i in 4..=lines {
        let sku = format!("P{i:02}");
        cart.add(catalog.lookup(&sku).expect("known"), 1, None).expect("add");
    }
    cart
}

fn card_sale(
    store: &mut Store,
    catalog: &Catalog,
    day: Date,
    at: Timestamp,
    n: u32,
    receipt: u32,
    lines: usize,
) -> i64 {
    let cart = cart(catalog, n, lines);
    let total = cart.totals().expect("totals").total;
    let card = Payment {
        method: PaymentMethod::Card,
        amount: total,
        given: None,
        change: Money::zero(Currency::CNY),
        state: PaymentState::Approved,
        card: None,
        manual: None,
    };
    let draft = SaleDraft::from_cart(&cart, vec![card]).expect("draft");
    let journaled = JournaledSale {
        day,
        draft: draft.clone(),
    };
    let id = store
        .card_begin(CardKind::Authorization, total, TERMINAL, None, Some(&journaled), at)
        .expect("intent");
    let fields = CardResultFields {
        result_code: Some(0),
        amount_minor: Some(total.minor()),
        trace: Some(receipt),
        receipt_no: Some(receipt),
        card_type: Some("mastercard".into()),
        ..CardResultFields::default()
    };
    store
        .card_record(id, CardState::Approved, &fields, day, at)
        .expect("result");
    let details = CardDetails {
        journal_id: id,
        trace: Some(receipt),
        receipt_no: Some(receipt),
        card_type: Some("mastercard".into()),
        ..CardDetails::default()
    };
    store
        .commit_sale(&with_card(draft, details).expect("card"), day, at, "bench")
        .expect("commit");
    total.minor()
}

/// One business day of trade; all but the last end with end-of-day and a Z-report.
fn trade_day(store: &mut Store, catalog: &Catalog, day: Date, index: i32, lines: usize) {
    let start: Timestamp = format!("{day}T08:00:00Z").parse().expect("ts");
    let (mut card_count, mut card_minor, mut cash_minor) = (0u32, 0i64, 0i64);
    for n in 0..SALES_PER_DAY {
        let at = start + SignedDuration::from_secs(i64::from(n) * 120);
        if n % CARD_EVERY == 0 {
            card_count += 1;
            card_minor += card_sale(store, catalog, day, at, n, card_count, lines);
        } else {
            let cart = cart(catalog, n, lines);
            let due = cart.totals().expect("totals").total;
            let draft = SaleDraft::from_cart(&cart, vec![pay_cash(due, None).expect("cash").payment()]).expect("draft");
            cash_minor += due.minor();
            store.commit_sale(&draft, day, at, "bench").expect("commit");
        }
    }
    if day == LAST_DAY {
        return;
    }
    let evening: Timestamp = format!("{day}T20:00:00Z").parse().expect("ts");
    let totals = TerminalTotals {
        terminal: TERMINAL.into(),
        context: "end_of_day".into(),
        result_code: Some(0),
        total_minor: Some(card_minor),
        receipt_range: Some((1, card_count)),
        per_card: vec![("mastercard".into(), card_count, card_minor)],
        trace: Some(index as u32 + 1),
    };
    let (_, settled) = store.record_end_of_day(&totals, evening).expect("end-of-day");
    assert!(settled.is_some(), "the day's batch is settled");
    let counted = Money::from_minor(cash_minor, Currency::CNY);
    store
        .close_day(day, counted, evening + SignedDuration::from_mins(30), "bench")
        .expect("Z");
}

/// Writes the year's ledger and config into `dir`: three lines per sale.
pub fn build(dir: &Path) {
    build_with(dir, 3)
}

/// The year with `lines` lines per sale (at least 3).
pub fn build_with(dir: &Path, lines: usize) {
    let lines = lines.max(3);
    let started = Instant::now();
    // Built where fsync is free (tmpfs) when there is one, then copied: the ledger is
    // written durably per sale, and 180,000 durable commits to a disk would take minutes.
    let scratch = tempfile::Builder::new()
        .tempdir_in(if Path::new("/dev/shm").is_dir() {
            "/dev/shm"
        } else {
            "."
        })
        .or_else(|_| tempfile::tempdir())
        .expect("scratch dir");
    let path = scratch.path().join(FILE_NAME);
    {
        let mut store = Store::open(&path, Currency::CNY).expect("open");
        let first: Timestamp = "2025-11-01T00:00:00Z".parse().expect("ts");
        store
            .import_products(
                &parse_csv(&format!("{CSV}{}", extra_products(lines)), Currency::CNY).expect("csv"),
                first,
            )
            .expect("import");
        let catalog = store.load_catalog().expect("catalog");
        for index in 0..DAYS {
            let day = LAST_DAY
                .checked_sub(jiff::Span::new().days(i64::from(DAYS - 1 - index)))
                .expect("day");
            trade_day(&mut store, &catalog, day, index, lines);
        }
    } // Closing the store checkpoints the WAL into the file.
    std::fs::copy(&path, dir.join(FILE_NAME)).expect("copy ledger");
    std::fs::write(dir.join(tillguard::config::FILE_NAME), CONFIG).expect("config");
    println!(
        "ledger: {DAYS} days x {SALES_PER_DAY} sales x {lines} lines ({} sales by card), built in {:.1} s, {:.0} MB",
        DAYS as u32 * SALES_PER_DAY.div_ceil(CARD_EVERY),
        started.elapsed().as_secs_f64(),
        std::fs::metadata(dir.join(FILE_NAME)).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
    );
}

/// The till on a ledger `build` wrote, with the clock at `NOW`.
pub fn open_till(dir: &Path) -> tillguard::till::Till {
    let paths = tillguard::till::Paths {
        data_dir: dir.to_path_buf(),
        config_file: dir.join(tillguard::config::FILE_NAME),
    };
    let clock = std::sync::Arc::new(tillguard::clock::ManualClock::new(NOW.parse().expect("ts")));
    tillguard::till::Till::open(&paths, clock).expect("till")
}

/// Runs `tillguard ARGS --data-dir DIR` (clock at `NOW`) once to warm the page cache, as on a
/// till that has been running, then `runs` times, checking each JSON answer with `check`;
/// returns the times from process start to exit, sorted.
pub fn time_process(dir: &Path, args: &[&str], runs: usize, check: impl Fn(&serde_json::Value)) -> Vec<Duration> {
    let run = || {
        let started = Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tillguard"))
            .args(args)
            .arg("--data-dir")
            .arg(dir)
            .env("TILLGUARD_FAKE_NOW", NOW)
            .env_remove("TILLGUARD_CONFIG")
            .env_remove("TILLGUARD_TERMINAL")
            .env_remove("TILLGUARD_DATA_DIR")
            .output()
            .expect("run tillguard");
        let took = started.elapsed();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        check(&serde_json::from_slice(&out.stdout).expect("json"));
        took
    };
    run();
    let mut times: Vec<Duration> = (0..runs).map(|_| run()).collect();
    times.sort();
    times
}
