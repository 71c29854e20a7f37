//! Batch totals a terminal reported (end-of-day, turnover totals, or an automatic end-of-day
//! that arrived inside another exchange), kept exactly as received.

use super::{Store, StoreError, audit};
use jiff::Timestamp;
use rusqlite::params;

/// Totals a terminal reported for its batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalTotals {
    pub terminal: String,
    /// Which exchange they arrived in ("authorization", "end_of_day", ...).
    pub context: String,
    pub result_code: Option<u8>,
    pub total_minor: Option<i64>,
    pub receipt_range: Option<(u32, u32)>,
    /// (scheme, count, amount in minor units)
    pub per_card: Vec<(String, u32, i64)>,
}

impl Store {
    /// Stores terminal totals durably (before the terminal is acknowledged).
    pub fn record_terminal_totals(&mut self, t: &TerminalTotals, now: Timestamp) -> Result<i64, StoreError> {
        let at = now.to_string();
        let per_card: Vec<serde_json::Value> = t
            .per_card
            .iter()
            .map(|(scheme, count, amount)| serde_json::json!({"card_type": scheme, "count": count, "amount_minor": amount}))
            .collect();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO terminal_totals (received_at, terminal, context, result_code, total_minor, receipt_from,
               receipt_to, per_card) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                at,
                t.terminal,
                t.context,
                t.result_code,
                t.total_minor,
                t.receipt_range.map(|r| r.0),
                t.receipt_range.map(|r| r.1),
                serde_json::Value::Array(per_card).to_string()
            ],
        )?;
        let id = tx.last_insert_rowid();
        let detail = format!("terminal totals #{id} from {} during {}", t.terminal, t.context);
        audit::append(&tx, &at, "terminal", "terminal_totals", &detail)?;
        tx.commit()?;
        Ok(id)
    }

    pub fn terminal_totals_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM terminal_totals", [], |r| r.get(0))?)
    }
}
