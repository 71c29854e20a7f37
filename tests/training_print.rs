//! What a training till prints: every printout carries "TRAINING - NOT A RECEIPT" and
//! "培训 - 非正式收据" at its top and bottom, whatever the till's language; the real till's
//! printouts do not. Read back from the bytes sent to the printer.

mod printer_support;

use printer_support::escpos;
use std::path::Path;
use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::printer::spec::PrinterSpec;
use tillguard::till::{DEMO_CATALOG, Paths, Till};

const MARKS: [&str; 2] = ["TRAINING - NOT A RECEIPT", "培训 - 非正式收据"];

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new("2026-11-27T04:00:00Z".parse().expect("timestamp")))
}

/// A cash sale of a cola, its receipt sent to the file printer `out`; what came out.
fn receipt(till: &mut Till, out: &Path) -> escpos::Page {
    till.set_printer(Some(
        PrinterSpec::parse(&format!("file:{}", out.display())).expect("spec"),
    ));
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA").expect("scan");
    let sale = till.pay_cash(&cart, None).expect("sale");
    let job = till.queue_receipt(&sale).expect("queued");
    let target = till.print_target(None).expect("a printer");
    till.print_job(job, &target).expect("printed");
    escpos::page(&std::fs::read(out).expect("printer output")).expect("valid ESC/POS")
}

fn lines(page: &escpos::Page) -> Vec<String> {
    page.text()
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn a_training_receipt_is_marked_at_both_ends_in_both_languages_and_a_real_one_is_not() {
    for language in ["zh", "en"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::write(
            d.join("tillguard.toml"),
            format!("[store]\nlanguage = \"{language}\"\n"),
        )
        .expect("config");
        let paths = Paths::resolve(Some(d.to_path_buf()), None).expect("paths");
        let mut real = Till::open(&paths, clock()).expect("real till");
        real.import_catalog(DEMO_CATALOG).expect("catalog");

        let mut training = Till::open_training(&paths, clock()).expect("training till");
        let page = receipt(&mut training, &d.join("training.bin"));
        for mark in MARKS {
            let line = page.find(mark).expect("marked");
            assert!(
                line.bold || line.size.1 > 1,
                "{language}: {mark} is emphasized: {line:?}"
            );
        }
        let lines = lines(&page);
        assert_eq!(lines[..2], MARKS, "{language}: the top of\n{lines:#?}");
        assert_eq!(
            lines[lines.len() - 2..],
            [MARKS[1], MARKS[0]],
            "{language}: the bottom of\n{lines:#?}"
        );
        let report = training.x_report(None).expect("X");
        let text = training.report_text(&report);
        assert!(
            MARKS.iter().all(|m| text.contains(m)),
            "{language}: the X-report\n{text}"
        );

        let text = receipt(&mut real, &d.join("real.bin")).text();
        assert!(
            MARKS.iter().all(|m| !text.contains(m)),
            "{language}: a real receipt\n{text}"
        );
        assert!(text.contains("3.50"), "{text}");
    }
}
