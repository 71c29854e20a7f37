//! The logind shutdown inhibitor against a stand-in `org.freedesktop.login1` on a private
//! dbus-daemon bus (Debian package `dbus`; .ci/run installs it).
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tillguard::platform::{InhibitError, ShutdownBlock};

/// One Inhibit call as the stand-in saw it: what, who, why, mode.
type Call = [String; 4];

/// The stand-in's record: every call, and its own end of each socket pair whose other end
/// it handed out as the lock (the handed-out end closing shows as EOF here).
#[derive(Default)]
struct Seen {
    calls: Vec<Call>,
    ends: Vec<UnixStream>,
}

struct Login1 {
    seen: Arc<Mutex<Seen>>,
}

#[zbus::interface(name = "org.freedesktop.login1.Manager")]
impl Login1 {
    fn inhibit(
        &self,
        what: String,
        who: String,
        why: String,
        mode: String,
    ) -> zbus::fdo::Result<zbus::zvariant::OwnedFd> {
        let (ours, theirs) = UnixStream::pair().map_err(|e| zbus::fdo::Error::Failed(e.to_string()))?;
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.calls.push([what, who, why, mode]);
        seen.ends.push(ours);
        Ok(std::os::fd::OwnedFd::from(theirs).into())
    }
}

/// A private bus: `dbus-daemon --session` on a socket in a temporary directory, killed on drop.
struct Bus {
    daemon: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Bus {
    fn start() -> Bus {
        let dir = tempfile::tempdir().expect("temporary directory");
        let listen = format!("unix:path={}", dir.path().join("bus").display());
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address"])
            .arg(format!("--address={listen}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            // It warns about fd limits it may not raise as a non-system bus; not our concern.
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (Debian package dbus) must be installed");
        let mut line = String::new();
        let stdout = daemon.stdout.take().expect("piped stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("dbus-daemon prints its address");
        let address = line.trim().to_string();
        assert!(address.starts_with("unix:path="), "unexpected address {address:?}");
        Bus {
            daemon,
            address,
            _dir: dir,
        }
    }

    /// Registers the stand-in logind; it answers for as long as the connection lives.
    fn with_login1(&self) -> (zbus::blocking::Connection, Arc<Mutex<Seen>>) {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let login1 = Login1 { seen: seen.clone() };
        let connection = zbus::blocking::connection::Builder::address(self.address.as_str())
            .and_then(|b| b.name("org.freedesktop.login1"))
            .and_then(|b| b.serve_at("/org/freedesktop/login1", login1))
            .and_then(|b| b.build())
            .expect("stand-in login1 on the private bus");
        (connection, seen)
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn calls(seen: &Mutex<Seen>) -> Vec<Call> {
    seen.lock().unwrap_or_else(PoisonError::into_inner).calls.clone()
}

/// The stand-in's end of the n-th lock it handed out.
fn end(seen: &Mutex<Seen>, n: usize) -> UnixStream {
    let seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
    seen.ends[n].try_clone().expect("clone of the stand-in's end")
}

/// Whether the other end is still open: a read that times out means open, EOF means closed.
fn still_open(end: &mut UnixStream, wait: Duration) -> bool {
    end.set_read_timeout(Some(wait)).expect("read timeout");
    let mut byte = [0u8; 1];
    match end.read(&mut byte) {
        Ok(0) => false,
        Ok(_) => panic!("nobody writes on the lock"),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => true,
        Err(e) => panic!("reading the stand-in's end: {e}"),
    }
}

fn expected_call() -> Call {
    ["shutdown:sleep", "Tillguard", "card batch not settled", "block"].map(String::from)
}

#[test]
fn set_true_takes_a_block_inhibitor_and_set_false_closes_it() {
    let bus = Bus::start();
    let (_login1, seen) = bus.with_login1();
    let mut block = ShutdownBlock::with_address(bus.address.clone());
    assert!(!block.is_held());

    block.set(true).expect("inhibitor granted");
    assert!(block.is_held());
    assert_eq!(calls(&seen), vec![expected_call()]);
    let mut lock = end(&seen, 0);
    assert!(
        still_open(&mut lock, Duration::from_millis(300)),
        "the lock is held open"
    );

    block.set(false).expect("released");
    assert!(!block.is_held());
    assert!(
        !still_open(&mut lock, Duration::from_secs(5)),
        "set(false) closed the lock"
    );
    assert_eq!(calls(&seen).len(), 1, "releasing asks logind nothing");
}

#[test]
fn set_is_idempotent_and_holds_one_lock() {
    let bus = Bus::start();
    let (_login1, seen) = bus.with_login1();
    let mut block = ShutdownBlock::with_address(bus.address.clone());

    block.set(true).expect("first");
    block.set(true).expect("second");
    assert!(block.is_held());
    assert_eq!(calls(&seen).len(), 1, "one Inhibit call for two set(true)");

    let mut first = end(&seen, 0);
    block.set(false).expect("release");
    block.set(false).expect("release again");
    assert!(!still_open(&mut first, Duration::from_secs(5)));

    // Blocking again later takes a new lock.
    block.set(true).expect("again");
    assert_eq!(calls(&seen), vec![expected_call(), expected_call()]);
    let mut second = end(&seen, 1);
    assert!(still_open(&mut second, Duration::from_millis(300)));
}

#[test]
fn dropping_the_block_releases_the_lock() {
    let bus = Bus::start();
    let (_login1, seen) = bus.with_login1();
    let mut block = ShutdownBlock::with_address(bus.address.clone());
    block.set(true).expect("granted");
    let mut lock = end(&seen, 0);
    drop(block);
    assert!(!still_open(&mut lock, Duration::from_secs(5)));
}

#[test]
fn an_unreachable_bus_is_an_error_value() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let nowhere = format!("unix:path={}", dir.path().join("no-bus-here").display());
    for address in [nowhere.as_str(), "not a d-bus address"] {
        let mut block = ShutdownBlock::with_address(address);
        let err = block.set(true).expect_err("no bus, no lock");
        assert!(matches!(err, InhibitError::Bus { .. }), "{address}: {err:?}");
        assert!(!block.is_held());
        // Releasing what was never held is fine.
        block.set(false).expect("nothing to release");
    }
}

#[test]
fn a_bus_without_logind_is_an_error_value_and_is_retried() {
    let bus = Bus::start();
    let mut block = ShutdownBlock::with_address(bus.address.clone());
    let err = block.set(true).expect_err("nobody owns org.freedesktop.login1");
    assert!(matches!(err, InhibitError::Logind(_)), "{err:?}");
    assert!(!block.is_held());

    // logind showing up later: the next set(true) asks again and gets the lock.
    let (_login1, seen) = bus.with_login1();
    block.set(true).expect("granted now");
    assert!(block.is_held());
    assert_eq!(calls(&seen), vec![expected_call()]);
}
