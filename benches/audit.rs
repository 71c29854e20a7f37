//! Verifying the audit chain (target: 1,000,000 events in under 2 s). The ledger is built
//! once with a million events chained the way the till chains them (each hash covers the
//! previous one), written in one transaction for speed; then the whole chain is walked by
//! `Store::check_audit`, which `tillguard audit verify` and the window's start-up check run.

use criterion::{Criterion, criterion_group, criterion_main};
use rusqlite::params;
use std::path::Path;
use std::time::Duration;
use tillguard::audit::{GENESIS, event_hash};
use tillguard::money::Currency;
use tillguard::store::{FILE_NAME, Store};

const EVENTS: i64 = 1_000_000;

/// Event texts shaped like the till's own (a sale, a card result, a login).
fn event(seq: i64) -> (String, &'static str, &'static str, String) {
    let at = format!(
        "2026-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        1 + seq % 12,
        1 + seq % 28,
        seq % 24,
        seq % 60,
        seq % 59
    );
    match seq % 3 {
        0 => (
            at,
            "王芳 Wang Fang",
            "sale",
            format!("sale #{seq} day 2026-11-26 total 23.30 CNY"),
        ),
        1 => (
            at,
            "terminal",
            "card_result",
            format!("journal {seq}: approved trace {seq} receipt {seq}"),
        ),
        _ => (at, "李经理 Manager Li", "login", "logged in".to_string()),
    }
}

fn build(dir: &Path) -> std::path::PathBuf {
    let path = dir.join(FILE_NAME);
    drop(Store::open(&path, Currency::CNY).expect("create the ledger"));
    let mut conn = rusqlite::Connection::open(&path).expect("open");
    let tx = conn.transaction().expect("tx");
    let mut prev = GENESIS.to_string();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO audit_events (seq, at, actor, kind, detail, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .expect("prepare");
        for seq in 1..=EVENTS {
            let (at, actor, kind, detail) = event(seq);
            let hash = event_hash(&prev, seq, &at, actor, kind, &detail);
            insert
                .execute(params![seq, at, actor, kind, detail, prev, hash])
                .expect("insert");
            prev = hash;
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?1)",
        [format!("{EVENTS}:{prev}")],
    )
    .expect("head");
    tx.commit().expect("commit");
    path
}

fn verify(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = build(dir.path());
    let store = Store::open(&path, Currency::CNY).expect("open");
    let report = store.check_audit().expect("check");
    assert_eq!((report.events, report.first_break.clone()), (EVENTS, None));
    let mut group = c.benchmark_group("audit");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("verify 1,000,000 events", |b| {
        b.iter(|| store.check_audit().expect("check"))
    });
    group.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
