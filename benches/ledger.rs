//! The ledger: a durable sale commit against a bare SQLite insert of the same rows with the
//! same pragmas, and an X- and a Z-report over a day of 10,000 sales.

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::date;
use rusqlite::{Connection, params};
use std::hint::black_box;
use std::time::{Duration, Instant};
use tillguard::catalog::parse_csv;
use tillguard::money::{Currency, Money};
use tillguard::sale::{Cart, SaleDraft, pay_cash};
use tillguard::store::Store;

const CSV: &str = "sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\n\
A,4006381333931,可乐,Cola,3.50,13,true\nB,96385074,面包,Bread,8.00,9,false\nC,036000291452,牛奶,Milk,12.80,9,true\n";

fn three_line_sale(store: &Store) -> SaleDraft {
    let catalog = store.load_catalog().expect("catalog");
    let mut cart = Cart::new(Currency::CNY);
    for (code, qty) in [("4006381333931", 2), ("96385074", 1), ("036000291452", 3)] {
        cart.add(catalog.lookup(code).expect("known"), qty, Some(code))
            .expect("add");
    }
    let due = cart.totals().expect("totals").total;
    let given = Money::parse("100", Currency::CNY).expect("amount");
    SaleDraft::from_cart(&cart, vec![pay_cash(due, Some(given)).expect("cash").payment()]).expect("draft")
}

fn durable_commit(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("bench.sqlite"), Currency::CNY).expect("open");
    let now: jiff::Timestamp = "2026-11-26T04:00:00Z".parse().expect("ts");
    store
        .import_products(&parse_csv(CSV, Currency::CNY).expect("csv"), now)
        .expect("import");
    let draft = three_line_sale(&store);
    let mut group = c.benchmark_group("durable sale commit (3 lines, 1 tender, WAL + synchronous=FULL)");
    group.bench_function("tillguard commit_sale", |b| {
        b.iter(|| {
            black_box(
                store
                    .commit_sale(&draft, date(2026, 11, 26), now, "bench")
                    .expect("commit"),
            )
        })
    });

    // The same rows (header, 3 lines, 2 tax rows, 1 payment, 1 audit event) into plain tables.
    let bare = Connection::open(dir.path().join("bare.sqlite")).expect("open");
    bare.pragma_update(None, "journal_mode", "WAL").expect("wal");
    bare.pragma_update(None, "synchronous", "FULL").expect("full");
    bare.execute_batch(
        "CREATE TABLE h (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT, t INTEGER, x INTEGER);
         CREATE TABLE l (h INTEGER, n INTEGER, sku TEXT, name TEXT, q INTEGER, p INTEGER, t INTEGER, PRIMARY KEY (h, n));
         CREATE TABLE x (h INTEGER, r INTEGER, g INTEGER, t INTEGER);
         CREATE TABLE p (id INTEGER PRIMARY KEY, h INTEGER, m TEXT, a INTEGER, s TEXT);
         CREATE TABLE e (seq INTEGER PRIMARY KEY, d TEXT, hash TEXT);",
    )
    .expect("schema");
    let mut bare = bare;
    group.bench_function("bare SQLite insert of the same rows", |b| {
        b.iter(|| {
            let tx = bare.transaction().expect("tx");
            tx.execute(
                "INSERT INTO h (a, b, c, t, x) VALUES ('sale', '2026-11-26', 'now', 5180, 500)",
                [],
            )
            .expect("h");
            let id = tx.last_insert_rowid();
            for n in 0..3 {
                tx.execute(
                    "INSERT INTO l VALUES (?1, ?2, 'A', 'Cola', 2, 350, 700)",
                    params![id, n],
                )
                .expect("l");
            }
            for r in [900, 1300] {
                tx.execute("INSERT INTO x VALUES (?1, ?2, 1000, 100)", params![id, r])
                    .expect("x");
            }
            tx.execute("INSERT INTO p (h, m, a, s) VALUES (?1, 'cash', 5180, 'approved')", [id])
                .expect("p");
            tx.execute("INSERT INTO e (d, hash) VALUES ('sale', 'ab12')", [])
                .expect("e");
            tx.commit().expect("commit");
        })
    });
    group.finish();
}

fn x_report(c: &mut Criterion) {
    // The day's pages sit in memory after a day's trade; an in-memory ledger measures the query work.
    let mut store = Store::open_in_memory(Currency::CNY).expect("open");
    let now: jiff::Timestamp = "2026-11-26T04:00:00Z".parse().expect("ts");
    store
        .import_products(&parse_csv(CSV, Currency::CNY).expect("csv"), now)
        .expect("import");
    let draft = three_line_sale(&store);
    for _ in 0..10_000 {
        store
            .commit_sale(&draft, date(2026, 11, 26), now, "bench")
            .expect("commit");
    }
    c.bench_function("X-report over a day of 10,000 sales", |b| {
        b.iter(|| black_box(store.day_figures(date(2026, 11, 26)).expect("figures")))
    });
}

fn z_report(c: &mut Criterion) {
    // A Z-report closes its day for good, so each one needs a day of its own: the days are
    // traded (untimed) as the measurement asks for them, and only the closing is timed.
    let mut store = Store::open_in_memory(Currency::CNY).expect("open");
    let first: jiff::Timestamp = "2026-01-01T04:00:00Z".parse().expect("ts");
    store
        .import_products(&parse_csv(CSV, Currency::CNY).expect("csv"), first)
        .expect("import");
    let draft = three_line_sale(&store);
    let cash = draft.total;
    let mut day = date(2026, 1, 1);
    let mut group = c.benchmark_group("Z-report");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.bench_function("Z-report closing a day of 10,000 sales", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let at = jiff::Timestamp::from_second(
                    day.to_zoned(jiff::tz::TimeZone::UTC)
                        .expect("day")
                        .timestamp()
                        .as_second()
                        + 36_000,
                )
                .expect("ts");
                for _ in 0..10_000 {
                    store.commit_sale(&draft, day, at, "bench").expect("commit");
                }
                let counted = Money::from_minor(cash.minor() * 10_000, Currency::CNY);
                let started = Instant::now();
                black_box(store.close_day(day, counted, at, "bench").expect("Z"));
                timed += started.elapsed();
                day = day.tomorrow().expect("day");
            }
            timed
        })
    });
    group.finish();
}

criterion_group!(benches, durable_commit, x_report, z_report);
criterion_main!(benches);
