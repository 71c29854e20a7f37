//! Holds off OS shutdown while a card batch holds unsettled payments. On Linux the guard's
//! answer reaches a thread of its own that owns the `platform::ShutdownBlock`, because asking
//! the bus may take seconds and the window must not wait for it. On Windows the block lives
//! on the window and must be set from the window's thread (where `update` runs); it is
//! quick there, so it is set inline once the window's handle is known.

use crate::platform::inhibit::ShutdownBlock;
use crate::settlement::batch::BatchView;
use crate::settlement::guard::Verdict;
#[cfg(not(windows))]
use std::sync::mpsc::Sender;

#[derive(Debug, Default)]
pub struct Inhibitor {
    /// `None`: not started (headless tests, or a thread that could not start).
    #[cfg(not(windows))]
    tx: Option<Sender<bool>>,
    last: Option<bool>,
    /// Windows: the block on the window, once its handle is known.
    #[cfg(windows)]
    window: Option<ShutdownBlock>,
}

impl Inhibitor {
    #[cfg(windows)]
    pub fn start() -> Inhibitor {
        Inhibitor::default()
    }

    /// The window's raw id (its HWND on Windows): the block is attached to it.
    #[cfg(windows)]
    pub fn attach_window(&mut self, raw: u64) {
        let Some(hwnd) = std::num::NonZeroIsize::new(raw as isize) else {
            return;
        };
        self.window = Some(ShutdownBlock::with_window(hwnd));
        if let Some(wanted) = self.last {
            self.apply(wanted);
        }
    }

    #[cfg(not(windows))]
    pub fn attach_window(&mut self, _raw: u64) {}

    #[cfg(windows)]
    fn apply(&mut self, wanted: bool) {
        if let Some(block) = self.window.as_mut()
            && let Err(e) = block.set(wanted)
        {
            tracing::warn!(error = %e, "cannot hold off OS shutdown");
        }
    }

    #[cfg(not(windows))]
    fn apply(&mut self, wanted: bool) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(wanted);
        }
    }

    #[cfg(not(windows))]
    pub fn start() -> Inhibitor {
        let (tx, rx) = std::sync::mpsc::channel::<bool>();
        let started = std::thread::Builder::new()
            .name("shutdown-inhibitor".into())
            .spawn(move || {
                let mut block = ShutdownBlock::new();
                let mut warned = false;
                for wanted in rx {
                    match block.set(wanted) {
                        Ok(()) => tracing::info!(held = wanted, "shutdown inhibitor"),
                        // Said once: a till without logind goes on selling; quitting stays guarded.
                        Err(e) if !warned => {
                            warned = true;
                            tracing::warn!(error = %e, "cannot hold off OS shutdown");
                        }
                        Err(_) => {}
                    }
                }
            });
        Inhibitor {
            tx: started.ok().map(|_| tx),
            last: None,
        }
    }

    /// Tells the inhibitor thread what the guard says, when it changes.
    pub fn follow(&mut self, verdict: &Verdict, batches: &[BatchView]) {
        let wanted = should_block(verdict, batches);
        if self.last == Some(wanted) {
            return;
        }
        self.last = Some(wanted);
        self.apply(wanted);
    }

    pub fn is_blocking(&self) -> bool {
        self.last == Some(true)
    }
}

/// Blocked while a batch holds card payments, unless a manager deferred it.
pub fn should_block(verdict: &Verdict, batches: &[BatchView]) -> bool {
    !matches!(verdict, Verdict::Deferred { .. }) && batches.iter().any(|b| b.payments > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};
    use crate::settlement::batch::{BatchState, DeferReason};

    fn batch(payments: u64) -> BatchView {
        BatchView {
            id: 1,
            terminal: "t".into(),
            state: BatchState::Open,
            opened_at: jiff::Timestamp::UNIX_EPOCH,
            first_day: jiff::civil::date(2026, 1, 1),
            payments,
            amount: Money::zero(Currency::CNY),
            deferral: None,
        }
    }

    #[test]
    fn shutdown_is_held_off_only_while_a_batch_holds_payments_and_is_not_deferred() {
        assert!(!should_block(&Verdict::Clear, &[]));
        assert!(!should_block(&Verdict::Clear, &[batch(0)]));
        assert!(should_block(&Verdict::Clear, &[batch(2)]));
        let deferred = Verdict::Deferred {
            until: jiff::Timestamp::UNIX_EPOCH,
            by: "m".into(),
            reason: DeferReason::TerminalOffline,
        };
        assert!(!should_block(&deferred, &[batch(2)]));
        let mut inhibitor = Inhibitor::default();
        inhibitor.follow(&Verdict::Clear, &[batch(1)]);
        assert!(inhibitor.is_blocking());
        inhibitor.follow(&deferred, &[batch(1)]);
        assert!(!inhibitor.is_blocking());
    }
}
