//! Holding off OS shutdown while the till has an unsettled batch with card payments
//! (DESIGN.md, "The settlement guard", rule 2).
//!
//! - Linux: a logind "block" inhibitor for "shutdown:sleep", asked for over the D-Bus system
//!   bus. logind hands back a file descriptor and the lock lasts while it is open.
//! - Windows: a shutdown block reason on the application's window.
//! - Elsewhere: nothing is held and `set(true)` says so with [`InhibitError::Unsupported`].
//!
//! A failure is a value for the caller to log: a till without logind (a container, a kiosk
//! without systemd) must go on selling. The guard keeps quitting refused regardless, and a
//! shutdown that happens anyway loses nothing (start-up recovery applies).

use thiserror::Error;

#[cfg(target_os = "linux")]
mod logind;
#[cfg(target_os = "linux")]
use logind as imp;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
use self::windows as imp;

#[cfg(not(any(target_os = "linux", windows)))]
mod other;
#[cfg(not(any(target_os = "linux", windows)))]
use other as imp;

/// The application's name as the OS shows it beside the reason.
pub const WHO: &str = "Tillguard";
/// The reason the OS shows to whoever tries to shut down.
pub const WHY: &str = "card batch not settled";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InhibitError {
    /// The bus could not be reached: no system bus (containers), or a wrong address.
    #[error("cannot reach D-Bus at {bus}: {reason}")]
    Bus { bus: String, reason: String },
    /// The bus answered but logind did not hand out the lock (not running, or refused).
    #[error("logind did not grant the shutdown inhibitor: {0}")]
    Logind(String),
    /// Windows attaches the reason to a window and none was given.
    #[error("no window to attach the shutdown block reason to")]
    NoWindow,
    #[error("{call} failed (Windows error {code})")]
    Windows { call: &'static str, code: u32 },
    #[error("holding off shutdown is not supported on {0}")]
    Unsupported(&'static str),
}

/// Holds off shutdown while `set(true)` is in force. Dropping it releases the block.
#[derive(Debug)]
pub struct ShutdownBlock {
    inner: imp::Block,
}

impl ShutdownBlock {
    /// On Linux, logind on the system bus. On Windows there is no window yet: use
    /// `with_window`.
    pub fn new() -> ShutdownBlock {
        ShutdownBlock {
            inner: imp::Block::new(),
        }
    }

    /// Blocks shutdown (`true`) or stops blocking it (`false`). Idempotent: only a change
    /// does anything, so it may be called on every guard update. A failed `set(true)` holds
    /// nothing and is tried again on the next `set(true)`.
    pub fn set(&mut self, blocked: bool) -> Result<(), InhibitError> {
        match (blocked, self.inner.is_held()) {
            (true, false) => self.inner.acquire(),
            (false, true) => self.inner.release(),
            _ => Ok(()),
        }
    }

    pub fn is_held(&self) -> bool {
        self.inner.is_held()
    }
}

impl Default for ShutdownBlock {
    fn default() -> ShutdownBlock {
        ShutdownBlock::new()
    }
}

#[cfg(target_os = "linux")]
impl ShutdownBlock {
    /// logind's `Manager` at a D-Bus address of your choice (`unix:path=...`) instead of the
    /// system bus: for tests against a stand-in service.
    pub fn with_address(address: impl Into<String>) -> ShutdownBlock {
        ShutdownBlock {
            inner: imp::Block::with_address(address.into()),
        }
    }
}

#[cfg(windows)]
impl ShutdownBlock {
    /// The block reason goes on this top-level window (its raw HWND, as `raw-window-handle`'s
    /// `Win32WindowHandle::hwnd` gives it). Call `set` from the thread that created the window:
    /// Windows refuses the call from any other.
    pub fn with_window(hwnd: std::num::NonZeroIsize) -> ShutdownBlock {
        ShutdownBlock {
            inner: imp::Block::with_window(hwnd),
        }
    }
}
