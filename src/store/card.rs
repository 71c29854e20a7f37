//! The card-payment journal: intent before the terminal is asked, the terminal's result
//! before it is acknowledged, the sale link once the sale is committed.

use super::card_draft::{self, JournaledSale};
use super::products::none;
use super::{Store, StoreError, audit, batches, parse_time};
use crate::money::Money;
use jiff::Timestamp;
use jiff::civil::Date;
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

    pub fn parse(s: &str) -> Option<CardKind> {
        [CardKind::Authorization, CardKind::Reversal, CardKind::Refund]
            .into_iter()
            .find(|k| k.as_str() == s)
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
    pub kind: CardKind,
    pub state: CardState,
    pub amount_minor: i64,
    pub terminal: String,
    pub created_at: Timestamp,
    pub sale_id: Option<i64>,
    /// For a reversal (and a refund of a card sale): the authorization it gives back.
    pub refers_to: Option<i64>,
    pub fields: CardResultFields,
    pub note: Option<String>,
    /// A sale was journaled with the intent (rows from before schema 3 have none).
    pub has_draft: bool,
}

/// Rows never finished, or approved without their sale. Looked up through the index on
/// (state, sale_id) (migration 0005), not by reading every approved row.
pub(super) const UNRESOLVED: &str = "state IN ('pending', 'in_doubt') OR (state = 'approved' AND sale_id IS NULL)";

impl Store {
    /// Journals the intent (state pending), with the sale it pays for, and commits it before
    /// the terminal is asked.
    pub fn card_begin(
        &mut self,
        kind: CardKind,
        amount: Money,
        terminal: &str,
        refers_to: Option<i64>,
        sale: Option<&JournaledSale>,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let at = now.to_string();
        let draft = sale.map(card_draft::encode).transpose()?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO card_payments (kind, state, amount_minor, currency, terminal, created_at, updated_at, refers_to,
               draft)
             VALUES (?1, 'pending', ?2, ?3, ?4, ?5, ?5, ?6, ?7)",
            params![
                kind.as_str(),
                amount.minor(),
                amount.currency().alpha,
                terminal,
                at,
                refers_to,
                draft
            ],
        )?;
        let id = tx.last_insert_rowid();
        let detail = format!("card {} #{id} {} asked of {terminal}", kind.as_str(), amount.plain());
        audit::append(&tx, &at, "till", "card_begin", &detail)?;
        tx.commit()?;
        Ok(id)
    }

    /// Stores the terminal's result durably; the caller acknowledges the terminal only after this.
    /// An approved transaction joins its terminal's unsettled batch (opened on `day`, the
    /// business day of the transaction, if there is none) in the same transaction.
    pub fn card_record(
        &mut self,
        id: i64,
        state: CardState,
        f: &CardResultFields,
        day: Date,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        write_fields(&tx, id, state, f, &at)?;
        if state == CardState::Approved {
            batches::assign(&tx, id, day, &at)?;
        }
        let detail = format!("card #{id} {} {}", state.as_str(), describe(f));
        audit::append(&tx, &at, "terminal", "card_result", &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// The terminal has our acknowledgement of an approving result that `card_record` stored
    /// as in doubt (the terminal books on that acknowledgement, which a crash can prevent): the
    /// transaction is approved and joins its terminal's unsettled batch (opened on `day`, its
    /// business day, if there is none), in one transaction.
    pub fn card_acknowledged(&mut self, id: i64, day: Date, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE card_payments SET state = 'approved', note = NULL, updated_at = ?1
             WHERE id = ?2 AND state = 'in_doubt'",
            params![at, id],
        )?;
        if changed != 1 {
            return Err(StoreError::Damaged(format!(
                "card payment #{id} is not a result waiting for its acknowledgement"
            )));
        }
        batches::assign(&tx, id, day, &at)?;
        let detail = format!("card #{id} approved: the terminal has our acknowledgement");
        audit::append(&tx, &at, "terminal", "card_acknowledged", &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Changes only the state (and a note saying why).
    pub fn card_set_state(&mut self, id: i64, state: CardState, note: &str, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        set_state(&tx, id, state, note, &at)?;
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

    /// What recovery learnt about a row: its new state, the terminal's fields when it
    /// confirmed the transaction, and why; one transaction, audited. An approved row joins its
    /// terminal's unsettled batch as in `card_record`.
    pub fn card_resolve(
        &mut self,
        id: i64,
        state: CardState,
        fields: Option<&CardResultFields>,
        note: &str,
        day: Date,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        if let Some(f) = fields {
            write_fields(&tx, id, state, f, &at)?;
        }
        set_state(&tx, id, state, note, &at)?;
        if state == CardState::Approved {
            batches::assign(&tx, id, day, &at)?;
        }
        let numbers = fields.map(|f| format!(" {}", describe(f))).unwrap_or_default();
        let detail = format!("card #{id} {}{numbers}: {note}", state.as_str());
        audit::append(&tx, &at, "till", "card_recovery", &detail)?;
        tx.commit()?;
        Ok(())
    }

    pub fn card(&self, id: i64) -> Result<Option<CardJournal>, StoreError> {
        Ok(self.cards_where("id = ?1", params![id])?.into_iter().next())
    }

    /// The sale journaled with row `id`, if there is one.
    pub fn card_sale(&self, id: i64) -> Result<Option<JournaledSale>, StoreError> {
        let text: Option<Option<String>> = self
            .conn
            .query_row("SELECT draft FROM card_payments WHERE id = ?1", [id], |r| r.get(0))
            .map(Some)
            .or_else(none)?;
        text.flatten()
            .map(|t| card_draft::decode(id, &t, self.currency))
            .transpose()
    }

    /// Card transactions recovery must look at: never finished, or approved without a sale.
    pub fn unresolved_cards(&self) -> Result<Vec<CardJournal>, StoreError> {
        self.cards_where(UNRESOLVED, [])
    }

    /// The rows of `terminal` journaled after row `id`.
    pub fn cards_after(&self, terminal: &str, id: i64) -> Result<Vec<CardJournal>, StoreError> {
        self.cards_where("terminal = ?1 AND id > ?2", params![terminal, id])
    }

    /// Cheap check before a new transaction: the newest row that may have reached `terminal`
    /// is unfinished (only Repeat Receipt before the next transaction can tell what became
    /// of it), or an approved transaction still waits for its journaled sale.
    pub fn card_recovery_due(&self, terminal: &str) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM card_payments WHERE state = 'approved' AND sale_id IS NULL
                              AND draft IS NOT NULL)
                 OR COALESCE((SELECT state IN ('pending', 'in_doubt') FROM card_payments
                              WHERE terminal = ?1 AND state != 'cancelled' ORDER BY id DESC LIMIT 1), 0)
                 OR EXISTS (SELECT 1 FROM batches WHERE terminal = ?1 AND state = 'settling')",
            [terminal],
            |r| r.get(0),
        )?)
    }

    /// The newest row already holding these terminal numbers (trace and receipt number, each
    /// compared when given), on the same terminal (by connection or terminal id).
    pub fn card_with_numbers(
        &self,
        terminal: &str,
        terminal_id: Option<&str>,
        trace: Option<u32>,
        receipt_no: Option<u32>,
    ) -> Result<Option<i64>, StoreError> {
        if trace.is_none() && receipt_no.is_none() {
            return Ok(None);
        }
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM card_payments
                 WHERE (terminal = ?1 OR (?2 IS NOT NULL AND terminal_id = ?2))
                   AND (?3 IS NULL OR trace = ?3) AND (?4 IS NULL OR receipt_no = ?4)
                 ORDER BY id DESC LIMIT 1",
                params![terminal, terminal_id, trace, receipt_no],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(none)?)
    }

    pub(super) fn cards_where(
        &self,
        condition: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<CardJournal>, StoreError> {
        let sql = format!(
            "SELECT id, kind, state, amount_minor, terminal, created_at, sale_id, result_code, trace, receipt_no,
                    card_type, card_name, pan, terminal_id, terminal_time, note, refers_to, draft IS NOT NULL
             FROM card_payments WHERE {condition} ORDER BY id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(args, |r| {
            Ok((
                (
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<i64>>(6)?,
                ),
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
                (
                    r.get::<_, Option<String>>(15)?,
                    r.get::<_, Option<i64>>(16)?,
                    r.get::<_, bool>(17)?,
                ),
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let ((id, kind, state, amount_minor, terminal, created_at, sale_id), fields, (note, refers_to, has_draft)) =
                row?;
            out.push(CardJournal {
                id,
                kind: CardKind::parse(&kind)
                    .ok_or_else(|| StoreError::Damaged(format!("card payment #{id}: unknown kind '{kind}'")))?,
                state: CardState::parse(&state)
                    .ok_or_else(|| StoreError::Damaged(format!("card payment #{id}: unknown state '{state}'")))?,
                amount_minor,
                terminal,
                created_at: parse_time(&created_at)?,
                sale_id,
                refers_to,
                fields,
                note,
                has_draft,
            });
        }
        Ok(out)
    }
}

fn write_fields(
    conn: &rusqlite::Connection,
    id: i64,
    state: CardState,
    f: &CardResultFields,
    at: &str,
) -> Result<(), StoreError> {
    let changed = conn.execute(
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
    Ok(())
}

fn set_state(conn: &rusqlite::Connection, id: i64, state: CardState, note: &str, at: &str) -> Result<(), StoreError> {
    let changed = conn.execute(
        "UPDATE card_payments SET state = ?1, note = ?2, updated_at = ?3 WHERE id = ?4",
        params![state.as_str(), note, at, id],
    )?;
    if changed != 1 {
        return Err(StoreError::Damaged(format!("card payment #{id} is not in the journal")));
    }
    Ok(())
}

/// "trace 12 receipt 7 result 00" for the audit chain.
fn describe(f: &CardResultFields) -> String {
    format!(
        "trace {} receipt {} result {}",
        f.trace.map(|t| t.to_string()).unwrap_or_default(),
        f.receipt_no.map(|t| t.to_string()).unwrap_or_default(),
        f.result_code.map(|c| format!("{c:02X}")).unwrap_or_default()
    )
}
