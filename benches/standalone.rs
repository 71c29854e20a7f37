//! A standalone terminal: a card sale typed from its slip (voucher checked against the batch,
//! journal row, batch, sale: one durable transaction) against a cash sale on the same ledger,
//! and the reconciliation of a settlement slip with a day of 10,000 typed payments.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;
use tillguard::clock::SystemClock;
use tillguard::config::{Config, Standalone};
use tillguard::money::{Currency, Money};
use tillguard::sale::Scheme;
use tillguard::settlement::reconcile::{LedgerCard, LedgerKind, Reconciliation};
use tillguard::settlement::slip::{SlipFigures, reconcile_slip};
use tillguard::store::Store;
use tillguard::till::Till;
use tillguard::till::standalone::StandaloneTender;

fn standalone_till(dir: &std::path::Path) -> Till {
    let mut config = Config::demo();
    config.terminal = None;
    config.standalone = Some(Standalone {
        name: "柜台POS".into(),
        acquirer: "银联商务".into(),
        terminal_id: "12345678".into(),
        voucher_on_slip: true,
    });
    let store = Store::open(&dir.join("bench.sqlite"), config.currency).expect("ledger");
    Till::with_store(store, config, Arc::new(SystemClock)).expect("till")
}

fn typed_card_sale(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut till = standalone_till(dir.path());
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA").expect("scan");
    let mut group = c.benchmark_group("standalone terminal: durable sale commit (WAL + synchronous=FULL)");
    let mut voucher = 0u32;
    group.bench_function("card sale typed from the slip", |b| {
        b.iter(|| {
            voucher += 1;
            let tender = StandaloneTender {
                voucher: voucher.to_string(),
                last4: "1234".into(),
                scheme: "unionpay".into(),
                ..StandaloneTender::default()
            };
            black_box(till.pay_standalone(&cart, &tender).expect("typed card sale"))
        })
    });
    group.bench_function("cash sale, same ledger", |b| {
        b.iter(|| black_box(till.pay_cash(&cart, None).expect("cash sale")))
    });
    group.finish();
}

fn slip_reconciliation(c: &mut Criterion) {
    let currency = Currency::CNY;
    let schemes = [Scheme::UnionPay, Scheme::Visa, Scheme::Mastercard];
    let ledger: Vec<LedgerCard> = (0..10_000u32)
        .map(|i| LedgerCard {
            id: i64::from(i) + 1,
            kind: LedgerKind::Payment,
            refers_to: None,
            amount: Money::from_minor(350 + i64::from(i % 100), currency),
            receipt_no: Some(100_001 + i),
            card_type: Some(schemes[(i % 3) as usize].as_str().to_string()),
        })
        .collect();
    let mut per_scheme: Vec<(Scheme, u32, Money)> = schemes.iter().map(|s| (*s, 0, Money::zero(currency))).collect();
    for (i, l) in ledger.iter().enumerate() {
        per_scheme[i % 3].1 += 1;
        per_scheme[i % 3].2 += l.amount;
    }
    let total = per_scheme.iter().fold(Money::zero(currency), |s, r| s + r.2);
    let slip = SlipFigures {
        count: 10_000,
        amount: total,
        per_scheme,
        voucher_range: Some((100_001, 110_000)),
    };
    assert_eq!(reconcile_slip(&slip, &ledger, currency), Reconciliation::Match);
    c.bench_function(
        "slip reconciliation: 10,000 payments, 3 schemes, 10,000-voucher range",
        |b| b.iter(|| black_box(reconcile_slip(black_box(&slip), black_box(&ledger), currency))),
    );
}

criterion_group!(benches, typed_card_sale, slip_reconciliation);
criterion_main!(benches);
