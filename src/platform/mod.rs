//! Hooks into the operating system that the domain must not know about: holding off a
//! shutdown while a card batch is unsettled, and recording a stop by signal. The UI decides when (from the guard's verdict);
//! this module only knows how, per platform.

pub mod autostart;
pub mod console;
pub mod inhibit;
pub mod notify;
pub mod owner_only;
pub mod signals;

pub use inhibit::{InhibitError, ShutdownBlock};
pub use notify::{DesktopNotifier, Note, Notifier, NotifyError, RecordingNotifier};
