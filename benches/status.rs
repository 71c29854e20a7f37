//! `status --json` on a year of trade (issue 4's target: under 100 ms). The ledger is built
//! once: 365 business days of 300 sales, every third paid by card, each day's card batch
//! settled by the terminal's end-of-day and the day closed with its Z-report; on the last
//! day the batch is still open and the day not closed. Measured: `Till::status()` and
//! `Till::guard(false)` (what `status --json` computes), all of `status --json`'s work in
//! process, and the `tillguard status --json` process from start to exit.

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tillguard::catalog::{Catalog, parse_csv};
use tillguard::clock::ManualClock;
use tillguard::money::{Currency, Money};
use tillguard::sale::{CardDetails, Cart, Payment, PaymentMethod, PaymentState, SaleDraft, pay_cash};
use tillguard::store::{
    CardKind, CardResultFields, CardState, FILE_NAME, JournaledSale, Store, TerminalTotals, with_card,
};
use tillguard::till::{Paths, Till};

const DAYS: i32 = 365;
const SALES_PER_DAY: u32 = 300;
/// Every third sale is paid by card.
const CARD_EVERY: u32 = 3;
const LAST_DAY: Date = date(2026, 11, 26);
/// When status is asked: the evening of the last day, its batch still open.
const NOW: &str = "2026-11-26T19:00:00Z";
/// The journal name of the configured terminal below (`zvt+tcp:127.0.0.1:20007`).
const TERMINAL: &str = "tcp 127.0.0.1:20007";

const CSV: &str = "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\n\
A,4006381333931,可乐,Cola,3.50,13,true\nB,96385074,面包,Bread,8.00,9,false\nC,036000291452,牛奶,Milk,12.80,9,true\n";

const CONFIG: &str = "[store]\nname = \"Bench\"\ncurrency = \"CNY\"\ntime_zone = \"UTC\"\nlanguage = \"en\"\n\n\
[terminal]\nconnection = \"zvt+tcp:127.0.0.1:20007\"\nauto_clear = \"23:30\"\n";

fn cart(catalog: &Catalog, n: u32) -> Cart {
    let mut cart = Cart::new(Currency::CNY);
    for (code, qty) in [
        ("4006381333931", 1 + i64::from(n % 3)),
        ("96385074", 1),
        ("036000291452", 2),
    ] {
        cart.add(catalog.lookup(code).expect("known"), qty, Some(code))
            .expect("add");
    }
    cart
}

fn card_sale(store: &mut Store, catalog: &Catalog, day: Date, at: Timestamp, n: u32, receipt: u32) -> i64 {
    let cart = cart(catalog, n);
    let total = cart.totals().expect("totals").total;
    let card = Payment {
        method: PaymentMethod::Card,
        amount: total,
        given: None,
        change: Money::zero(Currency::CNY),
        state: PaymentState::Approved,
        card: None,
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
fn trade_day(store: &mut Store, catalog: &Catalog, day: Date, index: i32) {
    let start: Timestamp = format!("{day}T08:00:00Z").parse().expect("ts");
    let (mut card_count, mut card_minor, mut cash_minor) = (0u32, 0i64, 0i64);
    for n in 0..SALES_PER_DAY {
        let at = start + SignedDuration::from_secs(i64::from(n) * 120);
        if n % CARD_EVERY == 0 {
            card_count += 1;
            card_minor += card_sale(store, catalog, day, at, n, card_count);
        } else {
            let cart = cart(catalog, n);
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

/// Writes the year's ledger and config into `dir`.
fn build(dir: &Path) {
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
            .import_products(&parse_csv(CSV, Currency::CNY).expect("csv"), first)
            .expect("import");
        let catalog = store.load_catalog().expect("catalog");
        for index in 0..DAYS {
            let day = LAST_DAY
                .checked_sub(jiff::Span::new().days(i64::from(DAYS - 1 - index)))
                .expect("day");
            trade_day(&mut store, &catalog, day, index);
        }
    } // Closing the store checkpoints the WAL into the file.
    std::fs::copy(&path, dir.join(FILE_NAME)).expect("copy ledger");
    std::fs::write(dir.join(tillguard::config::FILE_NAME), CONFIG).expect("config");
    println!(
        "ledger: {DAYS} days x {SALES_PER_DAY} sales ({} by card), built in {:.1} s, {:.0} MB",
        DAYS as u32 * SALES_PER_DAY.div_ceil(CARD_EVERY),
        started.elapsed().as_secs_f64(),
        std::fs::metadata(dir.join(FILE_NAME)).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
    );
}

fn open(dir: &Path) -> Till {
    let paths = Paths {
        data_dir: dir.to_path_buf(),
        config_file: dir.join(tillguard::config::FILE_NAME),
    };
    Till::open(&paths, Arc::new(ManualClock::new(NOW.parse().expect("ts")))).expect("till")
}

/// `tillguard status --json` from start to exit, a few times; prints the median.
fn process(dir: &Path) {
    let run = || {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_tillguard"))
            .args(["status", "--json", "--data-dir"])
            .arg(dir)
            .env("TILLGUARD_FAKE_NOW", NOW)
            .env_remove("TILLGUARD_CONFIG")
            .env_remove("TILLGUARD_TERMINAL")
            .env_remove("TILLGUARD_DATA_DIR")
            .output()
            .expect("run tillguard");
        let took = started.elapsed();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(json["business_day"], LAST_DAY.to_string(), "{json}");
        assert_eq!(
            json["batches"][0]["count"],
            u64::from(SALES_PER_DAY.div_ceil(CARD_EVERY))
        );
        took
    };
    run(); // warm the page cache, as a till that has been running has it
    let mut times: Vec<Duration> = (0..11).map(|_| run()).collect();
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "tillguard status --json, process start to exit, year of sales: median {:.1} ms of {} runs \
         (min {:.1}, max {:.1}; target < 100 ms)",
        median.as_secs_f64() * 1e3,
        times.len(),
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
}

fn status(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    build(dir.path());
    process(dir.path());
    let mut till = open(dir.path());
    let mut group = c.benchmark_group("status on a year of sales (365 days x 300)");
    group.bench_function("Till::status()", |b| {
        b.iter(|| black_box(till.status().expect("status")))
    });
    group.bench_function("Till::guard(false)", |b| {
        b.iter(|| black_box(till.guard(false).expect("guard")))
    });
    // Everything src/cli/status.rs asks for, without the JSON printing.
    group.bench_function("status --json's work in process", |b| {
        b.iter(|| {
            black_box(till.status().expect("status"));
            black_box(till.guard(false).expect("guard"));
            black_box(till.batch_summaries().expect("batches"));
            black_box(till.minutes_to_clear().expect("minutes"))
        })
    });
    group.finish();
}

criterion_group!(benches, status);
criterion_main!(benches);
