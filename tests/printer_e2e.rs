//! Printing end to end: the `tillguard` binary against printers played by the test (a TCP
//! listener on 127.0.0.1 and a pseudo-terminal), the bytes decoded by the test's own ESC/POS
//! decoder (written from the command reference, not from Tillguard's encoder).

mod common;
mod printer_support;

use common::{json, tillguard};
use printer_support::escpos::{Align, QrLevel, Token, decode};
use printer_support::fake::{Behaviour, FakePrinter};
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);

fn write_config(dir: &Path, extra: &str) {
    std::fs::write(
        dir.join("tillguard.toml"),
        format!("[store]\nname = \"小店 Corner Shop\"\ntime_zone = \"Asia/Shanghai\"\n{extra}"),
    )
    .expect("config");
}

fn import_catalog(dir: &Path, rows: &str) {
    let csv = dir.join("catalog.csv");
    std::fs::write(
        &csv,
        format!("sku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\n{rows}"),
    )
    .expect("csv");
    let out = tillguard(dir, &["catalog", "import", csv.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Everything the printer received, decoded.
fn job_tokens(printer: &FakePrinter) -> Vec<Token> {
    decode(&printer.received()).expect("the printer understands every byte")
}

#[test]
fn printer_test_over_tcp_prints_both_code_pages_a_qr_and_a_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let printer = FakePrinter::start_tcp(Behaviour::Normal);
    let out = tillguard(dir.path(), &["printer", "test", "--printer", &printer.spec()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("ready"), "{stdout}");

    let tokens = job_tokens(&printer);
    // Asked for the report, then before and after the job: all four status kinds each time.
    let asked: Vec<u8> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::StatusRequest(n) => Some(*n),
            _ => None,
        })
        .collect();
    assert_eq!(asked, [1, 2, 3, 4].repeat(3));
    assert!(tokens.contains(&Token::Init));
    assert!(tokens.contains(&Token::ChineseMode(true)));
    assert!(tokens.contains(&Token::CodePage(16)), "Western text via WPC1252");
    let page = printer.page().expect("page");
    assert!(page.problems.is_empty(), "{:?}", page.problems);
    let text = page.text();
    for expected in [
        "打印测试",
        "合计 ¥12.50",
        "Café €1.50 £2",
        "Größe",
        "12345678901234567890123456789012",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in\n{text}");
    }
    let title = page.find("打印测试").expect("title");
    assert_eq!((title.align, title.bold, title.size), (Align::Center, true, (1, 2)));
    assert_eq!(page.qr.len(), 1);
    let qr = &page.qr[0];
    assert_eq!(
        (qr.text().as_str(), qr.model, qr.size, qr.level),
        ("TILLGUARD PRINTER TEST", 2, 6, QrLevel::M)
    );
    assert_eq!(page.cuts, 1);
    assert!(page.pending.is_none(), "every line ends before the cut");
}

#[test]
fn a_cash_sale_prints_its_receipt_opens_the_drawer_and_a_z_report_prints_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let printer = FakePrinter::start_tcp(Behaviour::Normal);
    write_config(dir.path(), &format!("[printer]\nconnection = \"{}\"\n", printer.spec()));
    import_catalog(
        dir.path(),
        "T1,96385074,特级茉莉花茶 Jasmine tea,Jasmine tea,28.80,13,true\n",
    );

    let sale = json(
        dir.path(),
        &["sell", "--item", "96385074x2", "--tender", "cash:100", "--json"],
    );
    assert_eq!(sale["print"]["state"], "done", "{sale}");
    assert_eq!(sale["print"]["replaced_characters"], 0);
    let page = printer.page().expect("page");
    assert!(page.problems.is_empty(), "{:?}", page.problems);
    let store = page.find("小店 Corner Shop").expect("store name");
    assert_eq!(store.align, Align::Center);
    assert!(page.find("特级茉莉花茶 Jasmine tea").is_some(), "{}", page.text());
    let total = page.find("合计").expect("total line");
    assert!(total.bold && total.text.ends_with("57.60"), "{total:?}");
    assert_eq!(
        total.text.chars().count() + total.text.chars().filter(|c| !c.is_ascii()).count(),
        32
    );
    assert!(page.find("找零").is_some_and(|l| l.text.ends_with("42.40")));
    assert_eq!(page.drawer_kicks, 1, "cash opens the drawer");
    let kick = job_tokens(&printer)
        .into_iter()
        .find(|t| matches!(t, Token::DrawerKick { .. }))
        .expect("kick");
    assert_eq!(
        kick,
        Token::DrawerKick {
            pin: 2,
            on_ms: 50,
            off_ms: 500
        }
    );
    assert_eq!(page.qr.iter().map(|q| q.text()).collect::<Vec<_>>(), ["TGS00000001"]);
    assert_eq!(page.cuts, 1);

    printer.clear();
    let z = json(dir.path(), &["report", "z", "--counted", "57.60", "--json"]);
    assert_eq!(z["print"]["state"], "done", "{z}");
    let page = printer.page().expect("page");
    let title = page.find("Z 报表 第 1 号").expect("Z title");
    assert_eq!((title.align, title.bold), (Align::Center, true));
    assert!(page.text().contains("57.60"));
    assert_eq!((page.drawer_kicks, page.cuts), (0, 1));
}

#[test]
fn paper_out_keeps_the_job_which_prints_on_reprint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let printer = FakePrinter::start_tcp(Behaviour::PaperOut);
    let spec = printer.spec();
    let out = tillguard(
        dir.path(),
        &["sell", "--item", "COLA", "--tender", "cash:10", "--printer", &spec],
    );
    // The sale is done: the printer's problem is a warning, not a failure.
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("out of paper") && stderr.contains("printer reprint job:1"),
        "{stderr}"
    );
    let status = json(dir.path(), &["status", "--json"]);
    assert_eq!(
        (status["sales_count"].as_i64(), status["print_queue"].as_i64()),
        (Some(1), Some(1))
    );
    // Nothing but the status queries and the drawer kick reached the printer.
    let page = printer.page().expect("page");
    assert!(page.lines.iter().all(|l| l.text.is_empty()), "{}", page.text());
    assert_eq!(page.drawer_kicks, 1, "the drawer opens for the change anyway");

    let queue = json(dir.path(), &["printer", "queue", "--json"]);
    let jobs = queue["jobs"].as_array().expect("jobs");
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        (jobs[0]["job"].as_i64(), jobs[0]["state"].as_str()),
        (Some(1), Some("failed"))
    );
    assert!(jobs[0]["error"].as_str().is_some_and(|e| e.contains("out of paper")));

    // Paper loaded: reprint sends the very job, as the original.
    printer.set_behaviour(Behaviour::Normal);
    printer.clear();
    let again = json(
        dir.path(),
        &["printer", "reprint", "job:1", "--printer", &spec, "--json"],
    );
    assert_eq!(
        (again["job"].as_i64(), again["state"].as_str()),
        (Some(1), Some("done"))
    );
    let page = printer.page().expect("page");
    assert!(page.find("可乐 330ml").is_some(), "{}", page.text());
    assert!(!page.text().contains("副本"), "not a copy: it never printed");
    assert_eq!(page.drawer_kicks, 0, "the drawer opened already");
    assert!(
        json(dir.path(), &["printer", "queue", "--json"])["jobs"]
            .as_array()
            .is_some_and(|j| j.is_empty())
    );

    // Once printed, a reprint is a copy, marked at the top and the bottom.
    printer.clear();
    let copy = json(dir.path(), &["printer", "reprint", "1", "--printer", &spec, "--json"]);
    assert_eq!(copy["job"].as_i64(), Some(2));
    let page = printer.page().expect("page");
    let marks: Vec<_> = page.lines.iter().filter(|l| l.text.contains("副本")).collect();
    assert_eq!(marks.len(), 2, "{}", page.text());
    assert_eq!(page.drawer_kicks, 0, "a copy does not open the drawer");
}

#[test]
fn a_printer_that_stops_reading_or_refuses_never_costs_the_sale() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stuck = FakePrinter::start_tcp(Behaviour::StopsReadingAfter(40));
    let out = tillguard(
        dir.path(),
        &["sell", "--item", "COLA", "--printer", &stuck.spec(), "--json"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sale: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(sale["print"]["state"], "failed");
    let error = sale["print"]["error"].as_str().unwrap_or_default().to_string();
    assert!(error.contains("did not answer after the job was sent"), "{error}");

    let refused = FakePrinter::start_tcp(Behaviour::RefusesConnections);
    let out = tillguard(
        dir.path(),
        &["sell", "--item", "COLA", "--printer", &refused.spec(), "--json"],
    );
    assert!(out.status.success());
    let sale: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        sale["print"]["error"].as_str().is_some_and(|e| e.contains("refused")),
        "{sale}"
    );
    assert_eq!(json(dir.path(), &["status", "--json"])["sales_count"], 2);
    assert_eq!(
        json(dir.path(), &["printer", "queue", "--json"])["jobs"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // `printer test` does fail (exit 1) when nothing printed.
    let out = tillguard(dir.path(), &["printer", "test", "--printer", &refused.spec()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unprintable_characters_come_out_as_question_marks_and_are_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_config(dir.path(), "");
    import_catalog(dir.path(), "E1,96385074,茶🍵礼盒,Tea gift box,10.00,13,true\n");
    let printer = FakePrinter::start_tcp(Behaviour::Normal);
    let sale = json(
        dir.path(),
        &["sell", "--item", "96385074", "--printer", &printer.spec(), "--json"],
    );
    assert_eq!(sale["print"]["replaced_characters"], 1, "{sale}");
    let page = printer.page().expect("page");
    assert!(page.find("茶?礼盒").is_some(), "{}", page.text());
}

#[test]
fn english_receipts_on_80mm_paper_with_a_code128_and_a_full_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let printer = FakePrinter::start_tcp(Behaviour::Normal);
    write_config(
        dir.path(),
        &format!(
            "language = \"en\"\n[printer]\nconnection = \"{}\"\nwidth = 80\ncut = \"full\"\ncode = \"code128\"\ndrawer = false\n",
            printer.spec()
        ),
    );
    import_catalog(dir.path(), "C1,96385074,咖啡,Café crème,4.50,13,true\n");
    let sale = json(dir.path(), &["sell", "--item", "96385074", "--json"]);
    assert_eq!(sale["print"]["state"], "done");
    let page = printer.page().expect("page");
    let total = page.find("TOTAL").expect("total");
    assert_eq!(total.text.chars().count(), 48, "{total:?}");
    assert!(page.find("Café crème").is_some(), "{}", page.text());
    // The accented product name goes through the single-byte page, not the Chinese font.
    assert!(job_tokens(&printer).contains(&Token::CodePage(16)));
    assert_eq!(page.barcodes, [(73, b"{BTGS00000001".to_vec())]);
    assert!(job_tokens(&printer).contains(&Token::Cut { partial: false }));
    assert_eq!(page.drawer_kicks, 0);
}

#[cfg(unix)]
#[test]
fn a_serial_printer_on_a_pty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (printer, _port) = FakePrinter::start_pty(Behaviour::Normal);
    let spec = format!("{}@19200", printer.spec());
    let out = tillguard(dir.path(), &["printer", "test", "--printer", &spec]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(printer.wait_for(|b| b.windows(3).any(|w| w == [0x1D, b'V', 65]), WAIT));
    let page = printer.page().expect("page");
    assert!(page.text().contains("合计 ¥12.50"), "{}", page.text());
    assert_eq!(page.cuts, 1);
}

/// `tillguard` with the built-in simulated terminal and the manager PIN in the environment.
fn with_terminal(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tillguard"))
        .arg("--data-dir")
        .arg(dir)
        .args(["--terminal", "simulator"])
        .args(args)
        .env("TILLGUARD_MANAGER_PIN", "2468")
        .env_remove("TILLGUARD_FAKE_NOW")
        .env_remove("TILLGUARD_PRINTER")
        .output()
        .expect("run tillguard");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn card_sale_deferral_and_settlement_each_print_their_paper() {
    let dir = tempfile::tempdir().expect("tempdir");
    let printer = FakePrinter::start_tcp(Behaviour::Normal);
    write_config(
        dir.path(),
        &format!(
            "[guard]\nmanager_pin = \"2468\"\n[printer]\nconnection = \"{}\"\n",
            printer.spec()
        ),
    );
    import_catalog(dir.path(), "T1,96385074,茶,Tea,12.00,13,true\n");

    let sale = with_terminal(
        dir.path(),
        &["sell", "--item", "96385074", "--tender", "card", "--json"],
    );
    assert_eq!(sale["print"]["state"], "done", "{sale}");
    let page = printer.page().expect("page");
    assert_eq!(page.drawer_kicks, 0, "no cash, no drawer");
    let trace = sale["payments"][0]["trace"].as_u64().expect("trace");
    assert!(page.text().contains(&format!("流水号 {trace}")), "{}", page.text());

    printer.clear();
    let deferred = with_terminal(dir.path(), &["defer", "--reason", "host_unreachable", "--json"]);
    assert_eq!(deferred["print"][0]["state"], "done", "{deferred}");
    let page = printer.page().expect("page");
    let title = page.find("结算已推迟").expect("deferral slip title");
    assert_eq!((title.align, title.bold, title.size), (Align::Center, true, (1, 2)));
    assert!(page.text().contains("原因：银行主机无法连接"), "{}", page.text());
    assert!(page.find("推迟人").is_some_and(|l| l.text.ends_with("Manager")));

    printer.clear();
    let settled = with_terminal(dir.path(), &["settle", "--json"]);
    assert_eq!(settled["print"]["state"], "done", "{settled}");
    let page = printer.page().expect("page");
    assert!(page.find("刷卡结算").is_some(), "{}", page.text());
    assert!(page.find("对账：一致").is_some(), "{}", page.text());
    assert!(page.text().contains("12.00"));
    assert_eq!(page.cuts, 1);
}

#[test]
fn the_store_logo_heads_the_receipt_as_a_raster() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A 100 x 20 logo: a black bar over the left half.
    let mut logo = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut logo, 100, 20);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().expect("header");
        let data: Vec<u8> = (0..20)
            .flat_map(|_| (0..100).map(|x| if x < 50 { 0 } else { 255 }))
            .collect();
        writer.write_image_data(&data).expect("pixels");
    }
    std::fs::write(dir.path().join("logo.png"), &logo).expect("logo");
    let printer = FakePrinter::start_tcp(Behaviour::Normal);
    write_config(
        dir.path(),
        &format!("[printer]\nconnection = \"{}\"\nlogo = \"logo.png\"\n", printer.spec()),
    );
    import_catalog(dir.path(), "T1,96385074,茶,Tea,12.00,13,true\n");
    let sale = json(dir.path(), &["sell", "--item", "96385074", "--json"]);
    assert_eq!(sale["print"]["state"], "done", "{sale}");
    let tokens = job_tokens(&printer);
    let raster = tokens
        .iter()
        .position(|t| matches!(t, Token::Other { name, .. } if name == "GS v 0"))
        .expect("the logo raster");
    let Token::Other { params, .. } = &tokens[raster] else {
        unreachable!()
    };
    // Normal density, 13 bytes (100 dots) wide, 20 rows; each row 6 bytes and 2 dots black.
    assert_eq!(&params[..5], &[0, 13, 0, 20, 0]);
    let row = &params[5..18];
    assert_eq!(&row[..7], &[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xC0]);
    assert!(row[7..].iter().all(|b| *b == 0));
    // It comes first, centred, before the store name.
    let name = tokens
        .iter()
        .position(|t| matches!(t, Token::Text(s) if s.contains("Corner Shop")))
        .expect("store name");
    assert!(raster < name);
    assert_eq!(tokens[raster - 1], Token::Align(Align::Center));

    // A logo that is not a PNG is a config error naming the key.
    std::fs::write(dir.path().join("logo.png"), b"not a picture").expect("logo");
    let out = tillguard(dir.path(), &["status"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("[printer] logo"), "{stderr}");
}
