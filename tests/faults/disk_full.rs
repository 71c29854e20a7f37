//! The disk full while committing, on a real filesystem: a 4 MB tmpfs holds the ledger and a
//! filler file takes the last free page, so SQLite meets ENOSPC exactly as on a full disk.
//! Mounting needs root: a test run by another user runs itself again inside a user and mount
//! namespace where that user is root (`unshare`), and passes only if that run passes.

use crate::in_process::{booked, sell, settle_matches, simulator, terminal, till};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use tillguard::money::{Currency, Money};
use tillguard::store::{CardState, FILE_NAME, Store, StoreError};
use tillguard::terminal::simulator::SimFaults;
use tillguard::till::card::{CardProgress, CardTender};
use tillguard::till::{Till, TillError};

/// A small tmpfs on a fresh folder, unmounted when dropped.
struct SmallDisk {
    mount: PathBuf,
    _dir: tempfile::TempDir,
}

/// Set in the run of a test inside the namespace.
const INNER: &str = "TILLGUARD_DISK_FULL_INNER";

fn is_root() -> bool {
    let uid = Command::new("id").arg("-u").output().expect("id -u");
    String::from_utf8_lossy(&uid.stdout).trim() == "0"
}

/// Whether the test `name` (its path in this test binary) goes on in this process: as root, yes;
/// otherwise it has just run again as root in a user and mount namespace, and passed there.
fn carry_on_as_root(name: &str) -> bool {
    if is_root() {
        return true;
    }
    assert!(
        std::env::var_os(INNER).is_none(),
        "inside the namespace and still not root: `unshare --map-root-user` did not map this user"
    );
    let test_binary = std::env::current_exe().expect("the test binary's path");
    let out = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount"])
        .arg(test_binary)
        .args(["--exact", name, "--nocapture", "--test-threads", "1"])
        .env(INNER, "1")
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => panic!(
            "the disk-full tests mount a small tmpfs: they need root, or `unshare` (util-linux) to run as root in \
             a user namespace, and it cannot be run ({e})"
        ),
    };
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        !stderr.starts_with("unshare:"),
        "the disk-full tests mount a small tmpfs: they need root, or user namespaces to run as root in one, and \
         this machine refuses them (enable unprivileged user namespaces, or run as root): {stderr}"
    );
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{name}, run as root in a user namespace, failed:\n{stdout}\n{stderr}"
    );
    false
}

impl SmallDisk {
    fn new() -> SmallDisk {
        assert!(is_root(), "the disk-full tests mount a small tmpfs and need root");
        let dir = tempfile::tempdir().expect("tempdir");
        let mount = dir.path().join("disk");
        std::fs::create_dir(&mount).expect("mount point");
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                "size=4m",
                "tillguard-test",
                mount.to_str().expect("utf-8"),
            ])
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "cannot mount a tmpfs: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        SmallDisk { mount, _dir: dir }
    }

    fn filler(&self) -> PathBuf {
        self.mount.join("filler")
    }

    /// Writes the filler until the filesystem refuses (ENOSPC).
    fn fill(&self) {
        let mut file = std::fs::File::create(self.filler()).expect("filler");
        let chunk = vec![0u8; 4096];
        loop {
            if let Err(e) = file.write_all(&chunk) {
                assert_eq!(e.raw_os_error(), Some(28), "stopped by ENOSPC, not {e}");
                return;
            }
        }
    }

    fn free(&self) {
        std::fs::remove_file(self.filler()).expect("remove filler");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
    }
}

fn cash_sale(till: &mut Till) -> Result<tillguard::sale::SaleRecord, TillError> {
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLAx2")?;
    till.scan(&mut cart, "FOD-002")?;
    till.pay_cash(&cart, None)
}

fn is_disk_full(e: &TillError) -> bool {
    matches!(e, TillError::Store(StoreError::DiskFull(_)))
}

/// The ledger reopened from its file: whole, its audit chain intact, holding `sales` sales.
fn reopened_whole(path: &Path, sales: u64) {
    let store = Store::open(path, Currency::CNY).expect("ledger opens");
    store.quick_check().expect("database intact");
    assert_eq!(store.verify_audit().expect("verify"), None, "audit chain intact");
    let day = store.latest_day().expect("day").expect("a day").day;
    let figures = store.day_figures(day).expect("figures");
    assert_eq!(figures.sales_count, sales);
    assert_eq!(
        figures.sales_total,
        Money::from_minor(1980 * sales as i64, Currency::CNY)
    );
}

#[test]
fn disk_full_a_running_till_refuses_the_sale_by_name_and_carries_on_when_space_returns() {
    if !carry_on_as_root(
        "disk_full::disk_full_a_running_till_refuses_the_sale_by_name_and_carries_on_when_space_returns",
    ) {
        return;
    }
    let disk = SmallDisk::new();
    let mut till = till(&disk.mount.join("till"));
    let first = cash_sale(&mut till).expect("sale");
    cash_sale(&mut till).expect("sale");
    disk.fill();
    let err = cash_sale(&mut till).expect_err("no room for the sale");
    assert!(is_disk_full(&err), "{err:?}");
    assert!(err.to_string().contains("disk holding the ledger is full"), "{err}");
    // Reading still works, and shows nothing of the refused sale.
    let status = till.status().expect("status");
    assert_eq!(status.sales_count, 2);
    assert_eq!(till.sale(first.id).expect("first sale").draft.total, first.draft.total);

    disk.free();
    cash_sale(&mut till).expect("the till carries on");
    drop(till);
    reopened_whole(&disk.mount.join("till").join(FILE_NAME), 3);
}

#[test]
fn disk_full_the_command_line_names_the_full_disk_and_loses_nothing() {
    if !carry_on_as_root("disk_full::disk_full_the_command_line_names_the_full_disk_and_loses_nothing") {
        return;
    }
    let disk = SmallDisk::new();
    let dir = disk.mount.join("till");
    let sell = [
        "sell", "--item", "COLAx2", "--item", "FOD-002", "--tender", "cash", "--json",
    ];
    crate::common::json(&dir, &sell);
    crate::common::json(&dir, &sell);
    disk.fill();
    let out = crate::common::tillguard(&dir, &sell);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no sale reported");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("disk holding the ledger is full"), "{err}");
    // SQLite cannot even make its shared-memory file: reading may fail too, but by name.
    let status = crate::common::tillguard(&dir, &["status", "--json"]);
    let err = String::from_utf8_lossy(&status.stderr);
    assert!(
        status.status.success() || err.contains("disk holding the ledger is full"),
        "{err}"
    );

    disk.free();
    assert_eq!(crate::common::json(&dir, &["status", "--json"])["sales_count"], 2);
    crate::common::json(&dir, &sell);
    reopened_whole(&dir.join(FILE_NAME), 3);
}

/// The disk fills after the payment was journaled and before the terminal's result comes: the
/// result cannot be stored, so it is not acknowledged and the terminal books nothing.
#[test]
fn disk_full_before_the_card_result_is_stored_withholds_the_acknowledgement() {
    if !carry_on_as_root("disk_full::disk_full_before_the_card_result_is_stored_withholds_the_acknowledgement") {
        return;
    }
    let disk = SmallDisk::new();
    let dir = disk.mount.join("till");
    // The terminal's memory is its own, not on the full disk.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let state = elsewhere.path().join("terminal.json");
    let mut till = till(&dir);
    let (_sim, port) = simulator(&state, SimFaults::default());
    let mut terminal = terminal(port);
    sell(&mut till, &mut terminal, "COLA").expect("first sale");

    let mut cart = till.new_cart();
    till.scan(&mut cart, "FOD-002").expect("scan");
    let result = till.pay_card(
        &cart,
        CardTender::default(),
        &mut terminal,
        &std::sync::atomic::AtomicBool::new(false),
        &mut |p| {
            if matches!(p, CardProgress::Asking { .. }) {
                disk.fill();
            }
        },
    );
    let err = result.expect_err("the result could not be stored");
    let text = err.to_string();
    assert!(text.contains("not acknowledged") && text.contains("full"), "{text}");
    assert_eq!(booked(&state), [350], "the terminal booked only what the till stored");
    let status = till.status().expect("status");
    assert_eq!((status.sales_count, status.card_in_doubt.count), (1, 1));
    let id = status.card_in_doubt.ids[0];

    disk.free();
    sell(&mut till, &mut terminal, "COLA").expect("the next sale, after recovery");
    let row = till.store().card(id).expect("read").expect("row");
    assert_eq!(row.state, CardState::Declined, "{row:?}");
    assert_eq!(till.status().expect("status").sales_count, 2);
    settle_matches(&mut till, &mut terminal, 700);
}
