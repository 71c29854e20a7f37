//! Standard output whose reader is gone before the command writes (`tillguard status | head -1`
//! once head has its line): the command finishes its work and exits quietly, no panic.

use crate::shop::{Shop, stderr};
use std::process::{Output, Stdio};

/// Runs `tillguard ARGS` with stdout a pipe nobody reads any more.
fn with_stdout_closed(shop: &Shop, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut command = shop.command(None, args);
    command.stdout(writer).stderr(Stdio::piped());
    let child = command.spawn().expect("start tillguard");
    drop(command);
    child.wait_with_output().expect("tillguard ends")
}

#[test]
fn a_closed_stdout_ends_the_output_quietly_and_the_work_is_done() {
    let shop = Shop::new();
    let sold = with_stdout_closed(&shop, &["sell", "--item", "COLA", "--tender", "cash", "--json"]);
    assert!(sold.status.success(), "{:?}: {}", sold.status, stderr(&sold));
    assert_eq!(shop.status()["sales_count"], 1, "the sale is committed all the same");
    for args in [&["status", "--json"][..], &["status"], &["report", "x"]] {
        let out = with_stdout_closed(&shop, args);
        let err = stderr(&out);
        assert!(out.status.success(), "{args:?}: {:?}: {err}", out.status);
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
    }
    shop.assert_ledger_whole();
}
