//! What the terminal itself booked: the simulator's state file, read after every step (the
//! simulator rewrites it atomically on every booking and settlement). Its batch is emptied by
//! each end-of-day, so the history is kept here: every transaction ever booked and every
//! end-of-day, each checked never to change once seen.

use std::collections::BTreeMap;
use std::path::Path;
use tillguard::terminal::simulator::{Kind, Settlement, State, Transaction};

#[derive(Default)]
pub struct Truth {
    /// Every transaction the terminal booked, by trace number.
    pub booked: BTreeMap<u32, Transaction>,
    /// Every end-of-day the terminal carried out, by its trace number.
    pub settlements: BTreeMap<u32, Settlement>,
    /// The traces in the terminal's batch now (booked, not yet settled).
    pub open: Vec<u32>,
}

impl Truth {
    /// Takes in the state file as it is now.
    pub fn observe(&mut self, state_file: &Path) -> Result<(), String> {
        let text = std::fs::read_to_string(state_file).map_err(|e| format!("{}: {e}", state_file.display()))?;
        let state: State = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", state_file.display()))?;
        for t in &state.batch.transactions {
            if let Some(seen) = self.booked.get(&t.trace)
                && seen != t
            {
                return Err(format!(
                    "the terminal's transaction trace {} changed: {seen:?} -> {t:?}",
                    t.trace
                ));
            }
            self.booked.insert(t.trace, t.clone());
        }
        if let Some(s) = &state.last_settlement {
            if let Some(seen) = self.settlements.get(&s.trace)
                && seen != s
            {
                return Err(format!("the terminal's end-of-day trace {} changed", s.trace));
            }
            self.settlements.insert(s.trace, s.clone());
        }
        self.open = state.batch.transactions.iter().map(|t| t.trace).collect();
        self.accounted()
    }

    /// Every booked transaction is in the open batch or in exactly one end-of-day (by its
    /// receipt range): no end-of-day happened between two looks unseen.
    fn accounted(&self) -> Result<(), String> {
        for t in self.booked.values() {
            let settled_in = self.settled_in(t.receipt_no);
            let open = self.open.contains(&t.trace);
            if usize::from(open) + settled_in.len() != 1 {
                return Err(format!(
                    "terminal transaction trace {} receipt {}: open {open}, in end-of-days {settled_in:?}",
                    t.trace, t.receipt_no
                ));
            }
        }
        Ok(())
    }

    /// The end-of-days (traces) whose receipt range holds `receipt_no`.
    pub fn settled_in(&self, receipt_no: u32) -> Vec<u32> {
        self.settlements
            .values()
            .filter(|s| (s.totals.receipt_start..=s.totals.receipt_end).contains(&receipt_no))
            .filter(|s| s.totals.receipt_start != 0)
            .map(|s| s.trace)
            .collect()
    }

    /// The booked payments (not reversals or refunds).
    pub fn payments(&self) -> impl Iterator<Item = &Transaction> {
        self.booked.values().filter(|t| t.kind == Kind::Payment)
    }
}
