//! Hooks into the operating system that the domain must not know about: holding off a
//! shutdown while a card batch is unsettled. The UI decides when (from the guard's verdict);
//! this module only knows how, per platform.

pub mod inhibit;

pub use inhibit::{InhibitError, ShutdownBlock};
