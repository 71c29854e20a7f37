//! `status --json` on a year of trade (issue 4's target: under 100 ms). The ledger is built
//! once: 365 business days of 300 sales, every third paid by card, each day's card batch
//! settled by the terminal's end-of-day and the day closed with its Z-report; on the last
//! day the batch is still open and the day not closed. Measured: `Till::status()` and
//! `Till::guard(false)` (what `status --json` computes), all of `status --json`'s work in
//! process, and the `tillguard status --json` process from start to exit.

#[path = "support/year.rs"]
mod year;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use year::{CARD_EVERY, LAST_DAY, SALES_PER_DAY, build};

/// `tillguard status --json` from start to exit, a few times; prints the median.
fn process(dir: &Path) {
    let times = year::time_process(dir, &["status", "--json"], 11, |json| {
        assert_eq!(json["business_day"], LAST_DAY.to_string(), "{json}");
        assert_eq!(
            json["batches"][0]["count"],
            u64::from(SALES_PER_DAY.div_ceil(CARD_EVERY))
        );
    });
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
    let mut till = year::open_till(dir.path());
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
