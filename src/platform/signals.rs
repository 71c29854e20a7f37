//! SIGTERM, SIGINT and SIGHUP while the window is open: everything acknowledged is already
//! durable, so the till only records that it was stopped (and with how many unsettled card
//! batches) in the audit log, then exits. The next start recovers whatever was in flight.

use crate::money::Currency;
use crate::store::Store;
use std::path::PathBuf;

/// Exit status for a stop by signal N, as shells report it.
#[cfg(any(unix, test))]
fn exit_code(signal: i32) -> i32 {
    128 + signal
}

/// Watches for the stop signals on a thread of its own (Unix; elsewhere nothing to do).
#[cfg(unix)]
pub fn record_stops(ledger: PathBuf, currency: Currency) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;
    let mut signals = match Signals::new([SIGTERM, SIGINT, SIGHUP]) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "stop signals will not be recorded");
            return;
        }
    };
    let spawned = std::thread::Builder::new().name("stop-signals".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            record(&ledger, currency, signal);
            std::process::exit(exit_code(signal));
        }
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "stop signals will not be recorded");
    }
}

#[cfg(not(unix))]
pub fn record_stops(_ledger: PathBuf, _currency: Currency) {}

/// Appends the stop to the audit chain through a connection of its own (the window's may be
/// in the middle of a transaction; SQLite serialises the two writers).
pub fn record(ledger: &std::path::Path, currency: Currency, signal: i32) {
    let result = Store::open(ledger, currency).and_then(|mut store| {
        let unsettled = store.unsettled_batches()?.len();
        let detail = format!("stopped by signal {signal} with {unsettled} unsettled card batches");
        store.audit(jiff::Timestamp::now(), "system", "stopped_by_signal", &detail)
    });
    if let Err(e) = result {
        eprintln!("tillguard: stopped by signal {signal}; the stop could not be recorded: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_is_appended_to_the_audit_chain_intact() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(crate::store::FILE_NAME);
        let before = Store::open(&path, Currency::CNY)
            .expect("ledger")
            .audit_count()
            .expect("count");
        record(&path, Currency::CNY, 15);
        let store = Store::open(&path, Currency::CNY).expect("ledger");
        assert_eq!(store.audit_count().expect("count"), before + 1);
        assert_eq!(store.verify_audit().expect("verify"), None, "the chain still holds");
        assert_eq!(exit_code(15), 143);
    }
}
