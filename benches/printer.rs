//! Receipt printing's own work: laying out a 20-line sale receipt and encoding it as ESC/POS
//! (GBK text, QR code, cut), which runs after the sale is committed and before the bytes go
//! out; and a whole print through the queue into a file printer.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;
use tillguard::clock::SystemClock;
use tillguard::printer::encode::{Settings, encode};
use tillguard::sale::SaleRecord;
use tillguard::till::Till;
use tillguard::till::print::Target;

/// A demo till and a paid sale of 20 lines (each demo product, cycled).
fn sale() -> (Till, SaleRecord) {
    let mut till = Till::open_demo_in_memory(Arc::new(SystemClock)).expect("till");
    let mut cart = till.new_cart();
    let skus: Vec<String> = till.catalog().products().iter().map(|p| p.sku.clone()).collect();
    for sku in skus.iter().cycle().take(20) {
        till.scan(&mut cart, sku).expect("scan");
    }
    let sale = till.pay_cash(&cart, None).expect("sale");
    (till, sale)
}

fn receipt(c: &mut Criterion) {
    let (mut till, sale) = sale();
    let settings = Settings::default();
    c.bench_function("printer/receipt_layout_20_lines", |b| {
        b.iter(|| black_box(till.receipt_doc(black_box(&sale))))
    });
    let doc = till.receipt_doc(&sale);
    c.bench_function("printer/escpos_encode_20_lines", |b| {
        b.iter(|| black_box(encode(black_box(&doc), &settings, true).expect("encode")))
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let target = Target::Printer(
        tillguard::printer::spec::PrinterSpec::parse(&format!("file:{}", dir.path().join("out.bin").display()))
            .expect("spec"),
    );
    c.bench_function("printer/queue_and_print_to_file", |b| {
        b.iter(|| {
            let job = till.queue_receipt(&sale).expect("queue");
            black_box(till.print_job(job, &target).expect("print"))
        })
    });
}

criterion_group!(benches, receipt);
criterion_main!(benches);
