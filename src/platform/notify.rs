//! Desktop notifications: a reminder before the terminal clears its batch, a new incident.
//! The banner says the same inside the window; a notification reaches a cashier who is looking
//! at another window, or a manager at the back-office desktop.
//!
//! - Linux: `org.freedesktop.Notifications.Notify` on the D-Bus session bus (any notification
//!   daemon: GNOME, KDE, dunst, xfce4-notifyd...). Urgent notes are "critical" and never expire,
//!   so they stay up until dismissed.
//! - Windows: a balloon (a toast on Windows 10/11) from a notification-area icon that a hidden
//!   message-only window owns for as long as the note should be seen.
//! - Elsewhere: [`NotifyError::Unsupported`].
//!
//! [`Notifier::notify`] blocks until the desktop answered (or a few seconds passed): call it off
//! the UI thread, or use [`Notifier::send`], which never blocks for a [`DesktopNotifier`]. A
//! failure is a value to log: a till without a desktop session (a kiosk, a container) goes on.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use thiserror::Error;

#[cfg(target_os = "linux")]
mod freedesktop;
#[cfg(target_os = "linux")]
use freedesktop as imp;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
use self::windows as imp;

/// The name the desktop shows as the sender.
pub const APP_NAME: &str = "Tillguard";
/// The icon's name in the icon theme (the packages install it as `tillguard`).
pub const ICON: &str = "tillguard";
/// The longest `notify` waits for the desktop: a hung bus must not hold a caller for long.
pub const DEADLINE: Duration = Duration::from_secs(3);

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub title: String,
    pub body: String,
    /// Stays on screen until dismissed (the batch is about to be cleared, an incident opened).
    pub urgent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NotifyError {
    /// No session bus (no desktop session, a service account), or a wrong address.
    #[error("cannot reach D-Bus at {bus}: {reason}")]
    Bus { bus: String, reason: String },
    /// The bus answered but no notification daemon took the note.
    #[error("the notification service did not take the note: {0}")]
    Daemon(String),
    #[error("the desktop did not answer within {0:?}")]
    Timeout(Duration),
    #[error("{call} failed (Windows error {code})")]
    Windows { call: &'static str, code: u32 },
    #[error("cannot start the notification thread: {0}")]
    Thread(String),
    #[error("desktop notifications are not supported: {0}")]
    Unsupported(String),
}

/// Something that shows notes to the people at the till.
pub trait Notifier: Send {
    /// Shows the note; returns once it was taken or refused. May block for up to about
    /// [`DEADLINE`]: not on the UI thread (see `send`).
    fn notify(&self, note: &Note) -> Result<(), NotifyError>;

    /// Shows the note without making the caller wait; a failure is logged. The default calls
    /// `notify` in place, which suits notifiers that never block; ones that may block override it.
    fn send(&self, note: Note) {
        if let Err(e) = self.notify(&note) {
            tracing::warn!(error = %e, title = %note.title, "desktop notification not shown");
        }
    }
}

/// Keeps every note instead of showing it: for tests, and when notifications are turned off
/// (what would have been shown can still be read). Clones share the same list.
#[derive(Debug, Clone, Default)]
pub struct RecordingNotifier {
    notes: Arc<Mutex<Vec<Note>>>,
}

impl RecordingNotifier {
    pub fn new() -> RecordingNotifier {
        RecordingNotifier::default()
    }

    /// The notes so far, oldest first.
    pub fn notes(&self) -> Vec<Note> {
        self.notes.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Notifier for RecordingNotifier {
    fn notify(&self, note: &Note) -> Result<(), NotifyError> {
        self.notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(note.clone());
        Ok(())
    }
}

/// The desktop's own notifications (see the module comment for each platform).
#[derive(Debug, Clone)]
pub struct DesktopNotifier {
    #[cfg(target_os = "linux")]
    bus: imp::Bus,
}

impl DesktopNotifier {
    /// On Linux, the notification daemon on the user's session bus.
    pub fn new() -> DesktopNotifier {
        DesktopNotifier {
            #[cfg(target_os = "linux")]
            bus: imp::Bus::Session,
        }
    }
}

impl Default for DesktopNotifier {
    fn default() -> DesktopNotifier {
        DesktopNotifier::new()
    }
}

#[cfg(target_os = "linux")]
impl DesktopNotifier {
    /// The notification daemon on the D-Bus bus at `address` (`unix:path=...`) instead of the
    /// session bus: for tests against a stand-in daemon.
    pub fn on_address(address: impl Into<String>) -> DesktopNotifier {
        DesktopNotifier {
            bus: imp::Bus::Address(address.into()),
        }
    }
}

impl Notifier for DesktopNotifier {
    fn notify(&self, note: &Note) -> Result<(), NotifyError> {
        #[cfg(target_os = "linux")]
        {
            let bus = self.bus.clone();
            let note = note.clone();
            within(DEADLINE, move || imp::notify(&bus, &note))
        }
        #[cfg(windows)]
        {
            let note = note.clone();
            within(DEADLINE, move || imp::notify(&note))
        }
        #[cfg(not(any(target_os = "linux", windows)))]
        {
            let _ = note;
            Err(NotifyError::Unsupported(format!(
                "no desktop notifications on {}",
                std::env::consts::OS
            )))
        }
    }

    /// On a short-lived thread of its own: the UI thread never waits for the desktop.
    fn send(&self, note: Note) {
        let notifier = self.clone();
        let spawned = std::thread::Builder::new().name("notify".into()).spawn(move || {
            if let Err(e) = notifier.notify(&note) {
                tracing::warn!(error = %e, title = %note.title, "desktop notification not shown");
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot start the notification thread");
        }
    }
}

/// Runs `work` on a thread of its own and waits for it at most `limit`. A connection to a bus
/// that accepts but never answers has no timeout of its own; past the limit the thread is
/// left to finish (or hang) alone and the caller gets [`NotifyError::Timeout`].
#[cfg_attr(not(any(target_os = "linux", windows)), allow(dead_code))]
fn within<F>(limit: Duration, work: F) -> Result<(), NotifyError>
where
    F: FnOnce() -> Result<(), NotifyError> + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("notify-call".into())
        .spawn(move || {
            // The caller may have stopped waiting; nobody to tell then.
            let _ = tx.send(work());
        })
        .map_err(|e| NotifyError::Thread(e.to_string()))?;
    match rx.recv_timeout(limit) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(NotifyError::Timeout(limit)),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(NotifyError::Thread(
            "the notification thread ended without an answer".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_notifier_keeps_every_note_in_order_and_clones_share_them() {
        let recorder = RecordingNotifier::new();
        let boxed: Box<dyn Notifier> = Box::new(recorder.clone());
        let first = Note {
            title: "one".into(),
            body: "first".into(),
            urgent: false,
        };
        let second = Note {
            title: "two".into(),
            body: "second".into(),
            urgent: true,
        };
        boxed.notify(&first).expect("recorded");
        boxed.send(second.clone());
        assert_eq!(recorder.notes(), vec![first, second]);
    }

    #[test]
    fn within_gives_up_on_work_that_hangs() {
        let started = std::time::Instant::now();
        let result = within(Duration::from_millis(100), || {
            std::thread::sleep(Duration::from_secs(2));
            Ok(())
        });
        assert_eq!(result, Err(NotifyError::Timeout(Duration::from_millis(100))));
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(within(Duration::from_secs(1), || Ok(())), Ok(()));
    }
}
