//! The card-payment journal: intent before the terminal is asked, the terminal's result
//! before it is acknowledged, the sale link once the sale is committed.

use super::{Store, StoreError, audit, parse_time};
use crate::money::Money;
use jiff::Timestamp;
use rusqlite::params;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardKind {
    Authorization,
    Reversal,
    Refund,
}

impl CardKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            CardKind::Authorization => "authorization",
            CardKind::Reversal => "reversal",
            CardKind::Refund => "refund",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardState {
    /// Journaled; the terminal has been (or is about to be) asked.
    Pending,
    Approved,
    Declined,
    /// The terminal may have booked it; recovery must ask the terminal.
    InDoubt,
    /// The terminal never accepted the command (nothing can have been booked).
    Cancelled,
}

impl CardState {
    pub fn as_str(&self) -> &'static str {
        match self {
            CardState::Pending => "pending",
            CardState::Approved => "approved",
            CardState::Declined => "declined",
            CardState::InDoubt => "in_doubt",
            CardState::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> Option<CardState> {
        [
            CardState::Pending,
            CardState::Approved,
            CardState::Declined,
            CardState::InDoubt,
            CardState::Cancelled,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// What the terminal's Status-Information said about a transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardResultFields {
    pub result_code: Option<u8>,
    pub amount_minor: Option<i64>,
    pub trace: Option<u32>,
    pub receipt_no: Option<u32>,
    pub card_type: Option<String>,
    pub card_name: Option<String>,
    pub pan: Option<String>,
    pub terminal_id: Option<String>,
    pub terminal_time: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardJournal {
    pub id: i64,
    pub kind: String,
    pub state: CardState,
    pub amount_minor: i64,
    pub terminal: String,
    pub created_at: Timestamp,
    pub sale_id: Option<i64>,
    pub fields: CardResultFields,
    pub note: Option<String>,
}

impl Store {
    /// Journals the intent (state pending) and commits it before the terminal is asked.
    pub fn card_begin(
        &mut self,
        kind: CardKind,
        amount: Money,
        terminal: &str,
        refers_to: Option<i64>,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO card_payments (kind, state, amount_minor, currency, terminal, created_at, updated_at, refers_to)
             VALUES (?1, 'pending', ?2, ?3, ?4, ?5, ?5, ?6)",
            params![kind.as_str(), amount.minor(), amount.currency().alpha, terminal, at, refers_to],
        )?;
        let id = tx.last_insert_rowid();
        let detail = format!("card {} #{id} {} asked of {terminal}", kind.as_str(), amount.plain());
        audit::append(&tx, &at, "till", "card_begin", &detail)?;
        tx.commit()?;
        Ok(id)
    }

    /// Stores the terminal's result durably; the caller acknowledges the terminal only after this.
    pub fn card_record(
        &mut self,
        id: i64,
        state: CardState,
        f: &CardResultFields,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE card_payments SET state = ?1, result_code = ?2, trace = ?3, receipt_no = ?4, card_type = ?5,
               card_name = ?6, pan = ?7, terminal_id = ?8, terminal_time = ?9, updated_at = ?10 WHERE id = ?11",
            params![
                state.as_str(),
                f.result_code,
                f.trace,
                f.receipt_no,
                f.card_type,
                f.card_name,
                f.pan,
                f.terminal_id,
                f.terminal_time,
                at,
                id
            ],
        )?;
        if changed != 1 {
            return Err(StoreError::Damaged(format!("card payment #{id} is not in the journal")));
        }
        let detail = format!(
            "card #{id} {} trace {} receipt {} result {}",
            state.as_str(),
            f.trace.map(|t| t.to_string()).unwrap_or_default(),
            f.receipt_no.map(|t| t.to_string()).unwrap_or_default(),
            f.result_code.map(|c| format!("{c:02X}")).unwrap_or_default()
        );
        audit::append(&tx, &at, "terminal", "card_result", &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Changes only the state (and a note saying why).
    pub fn card_set_state(&mut self, id: i64, state: CardState, note: &str, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE card_payments SET state = ?1, note = ?2, updated_at = ?3 WHERE id = ?4",
            params![state.as_str(), note, at, id],
        )?;
        audit::append(
            &tx,
            &at,
            "till",
            "card_state",
            &format!("card #{id} {}: {note}", state.as_str()),
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn card(&self, id: i64) -> Result<Option<CardJournal>, StoreError> {
        Ok(self.cards_where("id = ?1", params![id])?.into_iter().next())
    }

    /// Card transactions recovery must look at: never finished, or approved without a sale.
    pub fn unresolved_cards(&self) -> Result<Vec<CardJournal>, StoreError> {
        self.cards_where(
            "state IN ('pending', 'in_doubt') OR (state = 'approved' AND kind = 'authorization' AND sale_id IS NULL)",
            [],
        )
    }

    fn cards_where(&self, condition: &str, args: impl rusqlite::Params) -> Result<Vec<CardJournal>, StoreError> {
        let sql = format!(
            "SELECT id, kind, state, amount_minor, terminal, created_at, sale_id, result_code, trace, receipt_no,
                    card_type, card_name, pan, terminal_id, terminal_time, note
             FROM card_payments WHERE {condition} ORDER BY id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(args, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<i64>>(6)?,
                CardResultFields {
                    result_code: r.get(7)?,
                    amount_minor: None,
                    trace: r.get(8)?,
                    receipt_no: r.get(9)?,
                    card_type: r.get(10)?,
                    card_name: r.get(11)?,
                    pan: r.get(12)?,
                    terminal_id: r.get(13)?,
                    terminal_time: r.get(14)?,
                },
                r.get::<_, Option<String>>(15)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, state, amount_minor, terminal, created_at, sale_id, fields, note) = row?;
            out.push(CardJournal {
                id,
                kind,
                state: CardState::parse(&state)
                    .ok_or_else(|| StoreError::Damaged(format!("card payment #{id}: unknown state '{state}'")))?,
                amount_minor,
                terminal,
                created_at: parse_time(&created_at)?,
                sale_id,
                fields,
                note,
            });
        }
        Ok(out)
    }
}

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
