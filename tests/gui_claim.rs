//! A card batch the terminal cleared unsettled (Lost) in the window: the end-of-day screen
//! lists it with what is to be claimed, writes the claim list as CSV into the data folder,
//! and prints it like any printout, a printer failure leaving it queued behind the usual
//! backlog strip (see `ui_harness` for how the app is driven).
#![cfg(unix)]

mod ui_harness;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use tillguard::clock::ManualClock;
use tillguard::settlement::batch::BatchState;
use tillguard::store::{JobState, Store};
use tillguard::till::Till;
use tillguard::ui::job::Job;
use tillguard::ui::screen::end_of_day::{self, ClaimNote};
use tillguard::ui::{App, Message};
use ui_harness::*;

const LOST_TITLE: &str = "丢失的批次";
const PRINT: &str = "打印索赔清单";
const EXPORT: &str = "导出 CSV";
/// 12:00 in the shop (UTC+8), when the cola was paid.
const NOON: &str = "2025-03-14T04:00:00Z";
/// 23:30 in the shop: the terminal cleared its batch at 23:00.
const NIGHT: &str = "2025-03-14T15:30:00Z";

struct Shop {
    dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
}

fn shop() -> Shop {
    Shop {
        dir: tempfile::tempdir().expect("tempdir"),
        clock: Arc::new(ManualClock::new(NOON.parse().expect("timestamp"))),
    }
}

/// A demo till (it prints to the preview folder `receipts/` beside the ledger) whose only
/// terminal is a standalone one that clears its batch at 23:00.
fn till_of(shop: &Shop) -> Till {
    let mut config = standalone_config(true);
    config.time_zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
    config.time_zone_name = "UTC+8".into();
    config.terminal_auto_clear = Some(jiff::civil::Time::constant(23, 0, 0, 0));
    let store = Store::open(&shop.dir.path().join(tillguard::store::FILE_NAME), config.currency).expect("ledger");
    Till::with_store(store, config, shop.clock.clone()).expect("till")
}

/// One cola (¥3.50) paid on the standalone terminal per voucher, before the window opens.
fn paid_on_the_terminal(shop: &Shop, vouchers: &[&str]) {
    let mut till = till_of(shop);
    for voucher in vouchers {
        pay_on_counter_pos(&mut till, &[COLA], voucher);
    }
}

fn open(shop: &Shop) -> App {
    // Logging in sends whatever the till queued at start-up (the claim list when the batch
    // was found lost); that job is dropped here, so it stays queued as if the printer hung.
    app_without_cable(till_of(shop), shop.dir.path())
}

fn state(app: &App) -> &end_of_day::State {
    end_of_day_state(app)
}

fn on_screen(app: &App, part: &str) -> bool {
    all_texts(app).iter().any(|t| t.contains(part))
}

/// Runs a print job the way its worker thread would and hands its messages back.
fn finish(app: &mut App, job: Option<Job<Message>>) {
    let messages = job.expect("a print job was started").run_here();
    assert!(
        !messages.is_empty() && messages.iter().all(|m| matches!(m, Message::Printed(..))),
        "{messages:?}"
    );
    assert!(deliver(app, messages).is_none());
}

/// The claim print jobs of batch `batch`, oldest first.
fn claim_jobs(app: &App, batch: i64) -> Vec<tillguard::store::PrintJob> {
    till(app)
        .store()
        .print_jobs_for("claim", &batch.to_string())
        .expect("print jobs")
}

fn claim_previews(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir.join("receipts")) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with("-claim.txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn a_lost_batch_is_listed_exported_as_csv_and_its_claim_list_printed() {
    let shop = shop();
    paid_on_the_terminal(&shop, &["101", "102"]);
    shop.clock.set(NIGHT.parse().expect("timestamp"));
    // The preview "printer" is blocked by a file where its folder goes: printing fails.
    let receipts = shop.dir.path().join("receipts");
    std::fs::write(&receipts, "not a folder").expect("blocker");
    let mut app = open(&shop);

    let history = till(&app).batch_history(5).expect("history");
    assert_eq!(history[0].state, BatchState::Lost, "the clear time passed unsettled");
    let batch = history[0].id;
    deliver(&mut app, vec![Message::OpenEndOfDay]);
    assert_shows(&app, LOST_TITLE);
    assert_shows(
        &app,
        &format!("批次 #{batch}，standalone 柜台POS，营业日 2025-03-14，丢失于 2025-03-14 23:30"),
    );
    assert_shows(&app, "待索赔 2 笔，净额 ¥7.00");
    assert_shows(&app, "刷卡批次：无需结算");

    // The claim lines on request.
    assert!(click_text(&mut app, "显示交易明细").is_none());
    let lines: Vec<String> = all_texts(&app)
        .into_iter()
        .filter(|t| t.starts_with("2025-03-14 12:00:00"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains("¥3.50") && lines[0].contains("凭证号 101"),
        "{lines:?}"
    );

    // Export CSV: the file in the data folder's claims/, its path on screen.
    assert!(click_text(&mut app, EXPORT).is_none(), "writing a file starts no job");
    let file = shop.dir.path().join("claims").join(format!("claim-batch-{batch}.csv"));
    let csv = std::fs::read_to_string(&file).expect("the claim CSV is written");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows,
        [
            "date,time,kind,amount,voucher,trace,card,scheme,terminal_id",
            "2025-03-14,12:00:00,authorization,3.50,101,,****1234,unionpay,12345678",
            "2025-03-14,12:00:00,authorization,3.50,102,,****1234,unionpay,12345678",
        ]
    );
    assert_shows(&app, &format!("索赔清单已写入 {}", file.display()));
    let audit = till(&app).store().audit_tail(5).expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.kind == "claim_exported" && e.detail.contains("claim-batch-")),
        "the export is audited: {audit:?}"
    );

    // Print: the claim list queued when the batch was found lost is the one sent; the
    // printer fails, so it stays queued and the usual backlog strip says so.
    let waiting = claim_jobs(&app, batch);
    assert_eq!(waiting.len(), 1, "queued when the batch was lost");
    assert_ne!(waiting[0].state, JobState::Done);
    let job = click_text(&mut app, PRINT);
    finish(&mut app, job);
    let jobs = claim_jobs(&app, batch);
    assert_eq!(jobs.len(), 1, "the waiting claim list is sent, not a second one");
    assert_ne!(jobs[0].state, JobState::Done);
    assert!(jobs[0].last_error.is_some(), "{:?}", jobs[0]);
    assert!(on_screen(&app, "1 张单据等待打印"), "{:?}", all_texts(&app));
    assert!(on_screen(&app, "索赔清单未打印："), "{:?}", all_texts(&app));
    assert!(claim_previews(shop.dir.path()).is_empty());

    // The printer is back: the same job prints, the strip goes.
    std::fs::remove_file(&receipts).expect("unblock");
    let job = click_text(&mut app, PRINT);
    assert_eq!(
        state(&app).claim_note,
        Some((batch, ClaimNote::Printing(jobs[0].id))),
        "the claim list is on its way"
    );
    finish(&mut app, job);
    assert_shows(&app, "索赔清单已打印");
    assert!(!on_screen(&app, "张单据等待打印"), "{:?}", all_texts(&app));
    let jobs = claim_jobs(&app, batch);
    assert_eq!(jobs.iter().map(|j| j.state).collect::<Vec<_>>(), [JobState::Done]);
    let previews = claim_previews(shop.dir.path());
    assert_eq!(previews.len(), 1, "{previews:?}");
    let printed = std::fs::read_to_string(&previews[0]).expect("preview");
    for part in [
        "追讨清单",
        "银联商务",
        "12345678",
        "凭证号 101",
        "凭证号 102",
        "共 2 笔",
    ] {
        assert!(printed.contains(part), "{part:?} not in {printed}");
    }

    // Printing again after it printed queues a fresh claim list.
    let job = click_text(&mut app, PRINT);
    finish(&mut app, job);
    let jobs = claim_jobs(&app, batch);
    assert_eq!(
        jobs.iter().map(|j| j.state).collect::<Vec<_>>(),
        [JobState::Done, JobState::Done]
    );
}

#[test]
fn the_section_shows_only_once_a_batch_is_lost() {
    let shop = shop();
    paid_on_the_terminal(&shop, &["101"]);
    let mut app = open(&shop);
    deliver(&mut app, vec![Message::OpenEndOfDay]);
    assert!(state(&app).lost.is_empty());
    assert!(!shows(&app, LOST_TITLE), "no batch is lost before 23:00");
    assert!(!shows(&app, PRINT));

    // The clear time passes with the window open: the guard finds the batch lost (and locks
    // the idle till); the screen opened afresh lists it.
    assert!(click_text(&mut app, "返回收银（Esc）").is_none());
    shop.clock.set(NIGHT.parse().expect("timestamp"));
    let _ = deliver(&mut app, vec![Message::GuardTick]);
    assert!(app.is_locked(), "hours without input lock the till");
    unlock(&mut app);
    deliver(&mut app, vec![Message::OpenEndOfDay]);
    assert_shows(&app, LOST_TITLE);
    assert_shows(&app, "待索赔 1 笔，净额 ¥3.50");
    assert!(shows(&app, PRINT) && shows(&app, EXPORT));
}
