//! The window's alert sender: a thread with its own connection to the ledger that sends the
//! queue every quarter of a minute, and at once when woken (a new incident). Sending waits on
//! the network for up to its timeout, which must never freeze the till's window.

use super::outbox::{Configured, deliver_due};
use crate::clock::Clock;
use crate::config::AlertsConfig;
use crate::money::Currency;
use crate::store::Store;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

/// How often the queue is looked at when nothing wakes the worker (retries fall due).
const ROUND: Duration = Duration::from_secs(15);

/// The running worker; it stops when this is dropped.
pub struct Worker {
    wake: Sender<()>,
}

impl Worker {
    /// Starts sending the queue of the ledger at `ledger` through the configured channels.
    pub fn spawn(ledger: PathBuf, currency: Currency, config: AlertsConfig, clock: Arc<dyn Clock>) -> Worker {
        let (wake, woken) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new().name("alerts".into()).spawn(move || {
            let mut store: Option<Store> = None;
            loop {
                match woken.recv_timeout(ROUND) {
                    Ok(()) | Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
                if store.is_none() {
                    match Store::open(&ledger, currency) {
                        Ok(s) => store = Some(s),
                        Err(e) => {
                            tracing::warn!("alerts: cannot open the ledger {}: {e}", ledger.display());
                            continue;
                        }
                    }
                }
                let Some(s) = store.as_mut() else { continue };
                if let Err(e) = deliver_due(s, &Configured(&config), &|| clock.now()) {
                    tracing::warn!("alerts: the queue could not be read or updated: {e}");
                    // A fresh connection next round (the ledger may have been restored).
                    store = None;
                }
            }
        });
        if let Err(e) = spawned {
            tracing::warn!("alerts: no sender thread could be started: {e}");
        }
        Worker { wake }
    }

    /// Sends what is due now (a new incident or test alert was queued).
    pub fn wake(&self) {
        let _ = self.wake.send(());
    }
}
