//! The month report on a year of trade with about 2,000,000 sale lines (365 business days of
//! 300 sales of 18 lines: 1,971,000 lines), read from the ledger file: `Till::month_report` for
//! one month (figures, days, best-selling products), all twelve months of the year in a row,
//! and the `tillguard report month --json` process from start to exit. Target: under 1 s for
//! one month (a manager waits for it on screen). Building the ledger takes a few minutes; set
//! MONTH_REPORT_DIR to keep it for another run.

#[path = "support/year.rs"]
mod year;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::{Date, date};
use std::hint::black_box;
use std::path::Path;

use std::time::Duration;
use tillguard::store::FILE_NAME;
use year::{SALES_PER_DAY, build_with};

const LINES: usize = 18;
/// A whole month of the year (October: 31 days).
const MONTH: Date = date(2026, 10, 1);

/// `tillguard report month --month 2026-10 --json` from start to exit; prints the median.
fn process(dir: &Path) {
    let args = ["report", "month", "--month", "2026-10", "--json"];
    let times = year::time_process(dir, &args, 7, |json| {
        assert_eq!(json["sales_count"], 31 * u64::from(SALES_PER_DAY), "{json}");
        assert_eq!(json["top_products"].as_array().map(Vec::len), Some(10));
    });
    println!(
        "tillguard report month --json, process start to exit, ~2,000,000 lines: median {:.0} ms of {} runs \
         (min {:.0}, max {:.0}; target < 1000 ms)",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times.len(),
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
}

fn month_report(c: &mut Criterion) {
    let temp = tempfile::tempdir().expect("tempdir");
    let kept = std::env::var_os("MONTH_REPORT_DIR").map(std::path::PathBuf::from);
    let dir = kept.as_deref().unwrap_or(temp.path());
    if !dir.join(FILE_NAME).exists() {
        std::fs::create_dir_all(dir).expect("data dir");
        build_with(dir, LINES);
    }
    process(dir);
    let till = year::open_till(dir);
    let mut group = c.benchmark_group("month report, year of 1,971,000 sale lines");
    group.sample_size(10);
    group.bench_function("Till::month_report, one month (31 days, 167,400 lines)", |b| {
        b.iter(|| black_box(till.month_report(Some(MONTH)).expect("month")))
    });
    group.bench_function("Till::month_report, all twelve months", |b| {
        b.iter(|| {
            for month in 1..=12 {
                let day = date(if month == 12 { 2025 } else { 2026 }, month, 1);
                black_box(till.month_report(Some(day)).expect("month"));
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(20));
    targets = month_report
}
criterion_main!(benches);
