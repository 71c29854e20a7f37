//! Desktop notifications against a stand-in `org.freedesktop.Notifications` daemon on a
//! private dbus-daemon bus (Debian package `dbus`; .ci/run installs it).
#![cfg(target_os = "linux")]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tillguard::platform::{DesktopNotifier, Note, Notifier, NotifyError};
use zbus::zvariant::{OwnedValue, Value};

/// One Notify call as the stand-in saw it.
#[derive(Debug, Clone)]
struct Call {
    app_name: String,
    replaces_id: u32,
    app_icon: String,
    summary: String,
    body: String,
    actions: Vec<String>,
    urgency: Option<u8>,
    desktop_entry: Option<String>,
    expire_timeout: i32,
}

struct Daemon {
    calls: Arc<Mutex<Vec<Call>>>,
    /// How long it takes to answer (a daemon that hangs).
    stall: Duration,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Daemon {
    #[allow(clippy::too_many_arguments)] // the specification's signature
    fn notify(
        &self,
        app_name: String,
        replaces_id: u32,
        app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        hints: HashMap<String, OwnedValue>,
        expire_timeout: i32,
    ) -> u32 {
        std::thread::sleep(self.stall);
        let urgency = hints.get("urgency").and_then(|v| match &**v {
            Value::U8(level) => Some(*level),
            _ => None,
        });
        let desktop_entry = hints.get("desktop-entry").and_then(|v| match &**v {
            Value::Str(entry) => Some(entry.to_string()),
            _ => None,
        });
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        calls.push(Call {
            app_name,
            replaces_id,
            app_icon,
            summary,
            body,
            actions,
            urgency,
            desktop_entry,
            expire_timeout,
        });
        calls.len() as u32
    }
}

/// A private bus, killed on drop. Its own configuration rather than `--session`: the session
/// configuration would start an installed notification daemon on demand (D-Bus activation),
/// and "no daemon on the bus" must mean none.
struct Bus {
    daemon: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Bus {
    fn start() -> Bus {
        let dir = tempfile::tempdir().expect("temporary directory");
        let config = dir.path().join("bus.conf");
        let listen = format!("unix:path={}", dir.path().join("bus").display());
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>{listen}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#
            ),
        )
        .expect("bus configuration");
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address"])
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

    /// Registers the stand-in daemon; it answers for as long as the connection lives.
    fn with_daemon(&self, stall: Duration) -> (zbus::blocking::Connection, Arc<Mutex<Vec<Call>>>) {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let daemon = Daemon {
            calls: calls.clone(),
            stall,
        };
        let connection = zbus::blocking::connection::Builder::address(self.address.as_str())
            .and_then(|b| b.name("org.freedesktop.Notifications"))
            .and_then(|b| b.serve_at("/org/freedesktop/Notifications", daemon))
            .and_then(|b| b.build())
            .expect("stand-in notification daemon on the private bus");
        (connection, calls)
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn calls(seen: &Mutex<Vec<Call>>) -> Vec<Call> {
    seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

fn note(title: &str, body: &str, urgent: bool) -> Note {
    Note {
        title: title.into(),
        body: body.into(),
        urgent,
    }
}

#[test]
fn a_note_reaches_the_daemon_with_title_body_app_name_icon_and_normal_urgency() {
    let bus = Bus::start();
    let (_daemon, seen) = bus.with_daemon(Duration::ZERO);
    let notifier = DesktopNotifier::on_address(bus.address.clone());

    notifier
        .notify(&note("请结算银行卡批次", "终端将在 30 分钟后清零", false))
        .expect("the daemon took the note");

    let calls = calls(&seen);
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0];
    assert_eq!(call.app_name, "Tillguard");
    assert_eq!(call.app_icon, "tillguard");
    assert_eq!(call.summary, "请结算银行卡批次");
    assert_eq!(call.body, "终端将在 30 分钟后清零");
    assert_eq!(call.urgency, Some(1), "normal urgency");
    assert_eq!(call.expire_timeout, -1, "the daemon decides when it goes");
    assert_eq!(call.replaces_id, 0, "a new note, replacing none");
    assert!(call.actions.is_empty());
    assert_eq!(call.desktop_entry.as_deref(), Some("tillguard"));
}

#[test]
fn an_urgent_note_is_critical_and_never_expires() {
    let bus = Bus::start();
    let (_daemon, seen) = bus.with_daemon(Duration::ZERO);
    let notifier = DesktopNotifier::on_address(bus.address.clone());

    notifier
        .notify(&note(
            "Settle the card batch now",
            "The terminal clears its batch in 2 min",
            true,
        ))
        .expect("taken");
    notifier.notify(&note("later", "not urgent", false)).expect("taken");

    let calls = calls(&seen);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].summary, "Settle the card batch now");
    assert_eq!(calls[0].body, "The terminal clears its batch in 2 min");
    assert_eq!(calls[0].urgency, Some(2), "critical: stays up until dismissed");
    assert_eq!(calls[0].expire_timeout, 0, "never expires");
    assert_eq!(calls[1].urgency, Some(1));
}

#[test]
fn send_hands_the_note_to_a_thread_and_it_arrives() {
    let bus = Bus::start();
    let (_daemon, seen) = bus.with_daemon(Duration::ZERO);
    let notifier: Box<dyn Notifier> = Box::new(DesktopNotifier::on_address(bus.address.clone()));

    notifier.send(note("incident", "lost batch", true));

    let deadline = Instant::now() + Duration::from_secs(5);
    while calls(&seen).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let calls = calls(&seen);
    assert_eq!(calls.len(), 1, "the note arrived within 5 s");
    assert_eq!((calls[0].summary.as_str(), calls[0].urgency), ("incident", Some(2)));
}

#[test]
fn a_bus_without_a_notification_daemon_is_an_error_within_seconds() {
    let bus = Bus::start();
    let notifier = DesktopNotifier::on_address(bus.address.clone());
    let started = Instant::now();
    let err = notifier
        .notify(&note("t", "b", false))
        .expect_err("nobody owns org.freedesktop.Notifications");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    assert!(matches!(err, NotifyError::Daemon(_)), "{err:?}");

    // A daemon showing up later: the next note gets through.
    let (_daemon, seen) = bus.with_daemon(Duration::ZERO);
    notifier.notify(&note("t", "b", false)).expect("taken now");
    assert_eq!(calls(&seen).len(), 1);
}

#[test]
fn a_daemon_that_does_not_answer_is_an_error_within_seconds_and_send_never_waits() {
    let bus = Bus::start();
    let (_daemon, _seen) = bus.with_daemon(Duration::from_secs(8));
    let notifier = DesktopNotifier::on_address(bus.address.clone());

    let started = Instant::now();
    notifier.send(note("t", "b", false));
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "send returned after {:?}",
        started.elapsed()
    );

    let started = Instant::now();
    let err = notifier.notify(&note("t", "b", false)).expect_err("no answer");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        matches!(err, NotifyError::Daemon(_) | NotifyError::Timeout(_)),
        "{err:?}"
    );
}

#[test]
fn an_unreachable_bus_is_an_error_value() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let nowhere = format!("unix:path={}", dir.path().join("no-bus-here").display());
    for address in [nowhere.as_str(), "not a d-bus address"] {
        let started = Instant::now();
        let err = DesktopNotifier::on_address(address)
            .notify(&note("t", "b", true))
            .expect_err("no bus");
        assert!(matches!(err, NotifyError::Bus { .. }), "{address}: {err:?}");
        assert!(started.elapsed() < Duration::from_secs(4));
    }
}
