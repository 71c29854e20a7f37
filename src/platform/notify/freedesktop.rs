//! Linux: the Desktop Notifications Specification, `org.freedesktop.Notifications.Notify` on
//! the session bus. Whatever daemon the desktop runs owns that name.

use super::{APP_NAME, ICON, Note, NotifyError};
use std::collections::HashMap;
use std::fmt;
use std::time::Duration;
use zbus::blocking::connection::Builder;
use zbus::zvariant::Value;

const DESTINATION: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
const INTERFACE: &str = "org.freedesktop.Notifications";
/// The specification's urgency levels (hint "urgency", a byte).
const NORMAL: u8 = 1;
const CRITICAL: u8 = 2;
/// `expire_timeout`: -1 lets the daemon decide, 0 never expires.
const DAEMON_DEFAULT: i32 = -1;
const NEVER: i32 = 0;
/// For one call; `within` bounds the whole exchange, connecting included.
const CALL_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone)]
pub(super) enum Bus {
    Session,
    Address(String),
}

impl fmt::Display for Bus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bus::Session => f.write_str("the session bus"),
            Bus::Address(address) => f.write_str(address),
        }
    }
}

pub(super) fn notify(bus: &Bus, note: &Note) -> Result<(), NotifyError> {
    let unreachable = |e: zbus::Error| NotifyError::Bus {
        bus: bus.to_string(),
        reason: e.to_string(),
    };
    let builder = match bus {
        Bus::Session => Builder::session(),
        Bus::Address(address) => Builder::address(address.as_str()),
    }
    .map_err(unreachable)?;
    // A fresh connection per note: a few notes a day, and nothing kept that a restarted
    // desktop session would leave stale.
    let connection = builder.method_timeout(CALL_TIMEOUT).build().map_err(unreachable)?;
    let (urgency, expire) = if note.urgent {
        (CRITICAL, NEVER)
    } else {
        (NORMAL, DAEMON_DEFAULT)
    };
    let mut hints: HashMap<&str, Value<'_>> = HashMap::new();
    hints.insert("urgency", Value::U8(urgency));
    // Lets the desktop group the notes under the installed launcher (tillguard.desktop).
    hints.insert("desktop-entry", Value::from("tillguard"));
    let actions: Vec<&str> = Vec::new();
    let replaces: u32 = 0;
    let reply = connection
        .call_method(
            Some(DESTINATION),
            PATH,
            Some(INTERFACE),
            "Notify",
            &(
                APP_NAME,
                replaces,
                ICON,
                note.title.as_str(),
                note.body.as_str(),
                actions,
                hints,
                expire,
            ),
        )
        .map_err(|e| NotifyError::Daemon(e.to_string()))?;
    // The daemon's id for the note; only its presence matters (a well-formed answer).
    let _id: u32 = reply
        .body()
        .deserialize()
        .map_err(|e| NotifyError::Daemon(format!("unexpected reply to Notify: {e}")))?;
    Ok(())
}
