//! The incident sweep the window runs after every guard check (once a second): on a year of
//! trade (365 days x 300 sales, every third by card, 365 settled batches, the audit log of
//! all of it) when nothing new has happened, which is nearly always; and opening one
//! incident (its row and audit event in one fsynced transaction).

#[path = "support/year.rs"]
mod year;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tillguard::health::Device;

fn incidents(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    year::build(dir.path());
    let mut till = year::open_till(dir.path());
    till.sweep_incidents().expect("first sweep");
    let mut group = c.benchmark_group("incidents on a year of sales");
    group.bench_function("Till::sweep_incidents(), nothing new", |b| {
        b.iter(|| black_box(till.sweep_incidents().expect("sweep")))
    });
    let mut since = jiff::Timestamp::from_second(1_700_000_000).expect("time");
    group.bench_function("Till::device_offline(), one new incident", |b| {
        b.iter(|| {
            since = since.checked_add(jiff::SignedDuration::from_secs(1)).expect("time");
            black_box(
                till.device_offline(Device::Printer, "bench", since, "timed out")
                    .expect("raise"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, incidents);
criterion_main!(benches);
