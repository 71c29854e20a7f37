//! Appending to and checking the audit chain.

use super::products::none;
use super::{Store, StoreError};
use crate::audit::{GENESIS, event_hash};
use rusqlite::{Connection, params};

/// Appends one event inside the caller's transaction, so the event and what it records
/// commit together or not at all.
pub(super) fn append(conn: &Connection, at: &str, actor: &str, kind: &str, detail: &str) -> Result<(), StoreError> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map(Some)
        .or_else(none)?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let hash = event_hash(&prev, seq, at, actor, kind, detail);
    conn.execute(
        "INSERT INTO audit_events (seq, at, actor, kind, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![seq, at, actor, kind, detail, prev, hash],
    )?;
    Ok(())
}

/// The first break in the chain, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub problem: String,
}

/// One event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub detail: String,
}

impl Store {
    /// The last `n` events, oldest first.
    pub fn audit_tail(&self, n: i64) -> Result<Vec<AuditEvent>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, actor, kind, detail FROM
               (SELECT * FROM audit_events ORDER BY seq DESC LIMIT ?1) ORDER BY seq",
        )?;
        let rows = stmt.query_map([n], |r| {
            Ok(AuditEvent {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                kind: r.get(3)?,
                detail: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn audit(&mut self, at: jiff::Timestamp, actor: &str, kind: &str, detail: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        append(&tx, &at.to_string(), actor, kind, detail)?;
        tx.commit()?;
        Ok(())
    }

    pub fn audit_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM audit_events", [], |r| r.get(0))?)
    }

    /// Walks the chain from the start; returns the first event that does not fit.
    pub fn verify_audit(&self) -> Result<Option<ChainBreak>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at, actor, kind, detail, prev_hash, hash FROM audit_events ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut expected_seq = 1;
        let mut prev = GENESIS.to_string();
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let fields: [String; 6] = [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?];
            let [at, actor, kind, detail, prev_hash, hash] = fields;
            if seq != expected_seq {
                return Ok(Some(ChainBreak {
                    seq: expected_seq,
                    problem: format!("event {expected_seq} is missing"),
                }));
            }
            if prev_hash != prev {
                return Ok(Some(ChainBreak {
                    seq,
                    problem: "does not follow the previous event".into(),
                }));
            }
            if event_hash(&prev, seq, &at, &actor, &kind, &detail) != hash {
                return Ok(Some(ChainBreak {
                    seq,
                    problem: "content was changed after it was written".into(),
                }));
            }
            prev = hash;
            expected_seq += 1;
        }
        Ok(None)
    }
}
