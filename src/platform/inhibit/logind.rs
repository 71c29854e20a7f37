//! Linux: logind's "block" inhibitor. `Manager.Inhibit` returns a file descriptor and the
//! lock lasts exactly as long as it stays open, so holding the descriptor is holding the lock
//! and closing it (or the process dying) releases it.

use super::{InhibitError, WHO, WHY};
use std::fmt;
use std::os::fd::OwnedFd;
use std::time::Duration;
use zbus::blocking::connection::Builder;

const DESTINATION: &str = "org.freedesktop.login1";
const PATH: &str = "/org/freedesktop/login1";
const INTERFACE: &str = "org.freedesktop.login1.Manager";
/// Suspending ends the day's session with the terminal just as a shutdown does.
const WHAT: &str = "shutdown:sleep";
/// "block", not "delay": the user is told why and has to override it on purpose.
const MODE: &str = "block";
/// logind answers at once; a hung bus must not stall the caller (often the UI) for long.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug)]
enum Bus {
    System,
    Address(String),
}

impl fmt::Display for Bus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bus::System => f.write_str("the system bus"),
            Bus::Address(address) => f.write_str(address),
        }
    }
}

#[derive(Debug)]
pub(super) struct Block {
    bus: Bus,
    lock: Option<OwnedFd>,
}

impl Block {
    pub(super) fn new() -> Block {
        Block {
            bus: Bus::System,
            lock: None,
        }
    }

    pub(super) fn with_address(address: String) -> Block {
        Block {
            bus: Bus::Address(address),
            lock: None,
        }
    }

    pub(super) fn is_held(&self) -> bool {
        self.lock.is_some()
    }

    pub(super) fn acquire(&mut self) -> Result<(), InhibitError> {
        self.lock = Some(self.inhibit()?);
        Ok(())
    }

    pub(super) fn release(&mut self) -> Result<(), InhibitError> {
        // Dropping the descriptor closes it, which is what tells logind.
        self.lock = None;
        Ok(())
    }

    fn inhibit(&self) -> Result<OwnedFd, InhibitError> {
        let unreachable = |e: zbus::Error| InhibitError::Bus {
            bus: self.bus.to_string(),
            reason: e.to_string(),
        };
        let builder = match &self.bus {
            Bus::System => Builder::system(),
            Bus::Address(address) => Builder::address(address.as_str()),
        }
        .map_err(unreachable)?;
        // A fresh connection per lock: locks are taken a few times a day, and the lock lives
        // in the descriptor, not the connection, so nothing is kept that a bus restart breaks.
        let connection = builder.method_timeout(CALL_TIMEOUT).build().map_err(unreachable)?;
        let reply = connection
            .call_method(
                Some(DESTINATION),
                PATH,
                Some(INTERFACE),
                "Inhibit",
                &(WHAT, WHO, WHY, MODE),
            )
            .map_err(|e| InhibitError::Logind(e.to_string()))?;
        let fd: zbus::zvariant::OwnedFd = reply
            .body()
            .deserialize()
            .map_err(|e| InhibitError::Logind(format!("unexpected reply to Inhibit: {e}")))?;
        Ok(fd.into())
    }
}
