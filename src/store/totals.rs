//! Batch totals a terminal reported (end-of-day, turnover totals, or an automatic end-of-day
//! that arrived inside another exchange), kept exactly as received.

use super::products::none;
use super::{Store, StoreError, audit};
use jiff::Timestamp;
use rusqlite::{Connection, params};

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
    /// The trace number of the end-of-day that sent them, if it said.
    pub trace: Option<u32>,
}

impl TerminalTotals {
    /// The terminal reports success (a missing result code means success in a 04 0F).
    pub fn succeeded(&self) -> bool {
        self.result_code.unwrap_or(0) == 0
    }
}

impl Store {
    /// Stores terminal totals durably (before the terminal is acknowledged).
    pub fn record_terminal_totals(&mut self, t: &TerminalTotals, now: Timestamp) -> Result<i64, StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let id = insert(&tx, t, &at)?;
        tx.commit()?;
        Ok(id)
    }

    pub fn terminal_totals_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM terminal_totals", [], |r| r.get(0))?)
    }

    /// A stored totals row, read back with every value checked.
    pub fn terminal_totals(&self, id: i64) -> Result<Option<TerminalTotals>, StoreError> {
        read(&self.conn, id)
    }
}

/// Inserts and audits one totals row inside the caller's transaction.
pub(super) fn insert(conn: &Connection, t: &TerminalTotals, at: &str) -> Result<i64, StoreError> {
    let per_card: Vec<serde_json::Value> = t
        .per_card
        .iter()
        .map(|(scheme, count, amount)| serde_json::json!({"card_type": scheme, "count": count, "amount_minor": amount}))
        .collect();
    conn.execute(
        "INSERT INTO terminal_totals (received_at, terminal, context, result_code, total_minor, receipt_from,
           receipt_to, per_card, trace) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            at,
            t.terminal,
            t.context,
            t.result_code,
            t.total_minor,
            t.receipt_range.map(|r| r.0),
            t.receipt_range.map(|r| r.1),
            serde_json::Value::Array(per_card).to_string(),
            t.trace
        ],
    )?;
    let id = conn.last_insert_rowid();
    let detail = format!("terminal totals #{id} from {} during {}", t.terminal, t.context);
    audit::append(conn, at, "terminal", "terminal_totals", &detail)?;
    Ok(id)
}

pub(super) fn read(conn: &Connection, id: i64) -> Result<Option<TerminalTotals>, StoreError> {
    type Raw = (
        String,
        String,
        Option<u8>,
        Option<i64>,
        Option<u32>,
        Option<u32>,
        String,
        Option<u32>,
    );
    let raw: Option<Raw> = conn
        .query_row(
            "SELECT terminal, context, result_code, total_minor, receipt_from, receipt_to, per_card, trace
             FROM terminal_totals WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )
        .map(Some)
        .or_else(none)?;
    let Some((terminal, context, result_code, total_minor, from, to, per_card, trace)) = raw else {
        return Ok(None);
    };
    let bad = |what: String| StoreError::Damaged(format!("terminal totals #{id}: {what}"));
    let list: Vec<serde_json::Value> = serde_json::from_str(&per_card).map_err(|e| bad(e.to_string()))?;
    let mut cards = Vec::new();
    for c in list {
        let scheme = c["card_type"]
            .as_str()
            .ok_or_else(|| bad(format!("no card type in {c}")))?;
        let count = c["count"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| bad(format!("bad count in {c}")))?;
        let amount = c["amount_minor"]
            .as_i64()
            .ok_or_else(|| bad(format!("bad amount in {c}")))?;
        cards.push((scheme.to_string(), count, amount));
    }
    Ok(Some(TerminalTotals {
        terminal,
        context,
        result_code,
        total_minor,
        receipt_range: from.zip(to),
        per_card: cards,
        trace,
    }))
}
