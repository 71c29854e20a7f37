//! Counter speed: a scan against a 100,000-product catalog, added to a cart, totals recomputed.

#[path = "support/ean.rs"]
mod ean;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ean::ean13;
use std::hint::black_box;
use tillguard::catalog::{Catalog, Product};
use tillguard::money::{Currency, Money, TaxRate};
use tillguard::sale::Cart;

pub fn catalog(size: u64) -> Catalog {
    let rates = ["13", "9", "6", "0"].map(|r| TaxRate::parse(r).expect("rate"));
    Catalog::new(
        (0..size)
            .map(|n| Product {
                sku: format!("SKU{n:06}"),
                barcodes: vec![ean13(n)],
                name_zh: format!("商品{n}"),
                name_en: format!("Product {n}"),
                price: Money::from_minor(100 + (n as i64 * 37) % 10_000, Currency::CNY),
                tax_rate: rates[(n % 4) as usize],
                price_includes_tax: n % 5 != 0,
                active: true,
                category: None,
                quick_key: tillguard::catalog::QuickKey::Off,
            })
            .collect(),
    )
}

fn scan_add_totals(c: &mut Criterion) {
    let catalog = catalog(100_000);
    let mut cart = Cart::new(Currency::CNY);
    for n in [17u64, 4_242, 50_001, 77_777, 99_999] {
        cart.add(catalog.lookup(&ean13(n)).expect("known"), 1, None)
            .expect("add");
    }
    let codes: Vec<String> = (0..1000u64).map(|i| ean13(i * 97 % 100_000)).collect();
    let mut next = 0usize;
    c.bench_function(
        "scan: lookup + add to cart + totals (100k products, 6-line cart)",
        |b| {
            b.iter_batched_ref(
                || cart.clone(),
                |cart| {
                    next = (next + 1) % codes.len();
                    let product = catalog.lookup(black_box(&codes[next])).expect("known");
                    cart.add(product, 1, None).expect("add");
                    black_box(cart.totals().expect("totals"))
                },
                BatchSize::SmallInput,
            )
        },
    );
}

/// What start-up spends on the catalog: 100,000 products (one barcode each) read from a ledger
/// file and indexed.
fn load_catalog(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(tillguard::store::FILE_NAME);
    let products: Vec<Product> = catalog(100_000).products().to_vec();
    let mut store = tillguard::store::Store::open(&path, Currency::CNY).expect("ledger");
    store
        .import_products(&products, "2026-01-01T00:00:00Z".parse().expect("ts"))
        .expect("import");
    let mut group = c.benchmark_group("start-up");
    group.sample_size(20);
    group.bench_function("load + index the catalog (100k products, ledger file)", |b| {
        b.iter(|| black_box(store.load_catalog().expect("catalog")))
    });
    group.finish();
}

criterion_group!(benches, scan_add_totals, load_catalog);
criterion_main!(benches);
