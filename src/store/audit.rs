//! Appending to and checking the audit chain.

use super::products::none;
use super::{Store, StoreError};
use crate::audit::{GENESIS, event_hash, event_hash_hex};
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
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?1)",
        [format!("{seq}:{hash}")],
    )?;
    Ok(())
}

/// The first break in the chain, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub problem: String,
}

/// What walking the whole chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Events read.
    pub events: i64,
    /// The last event's number and hash (the head), when there is one.
    pub head: Option<(i64, String)>,
    pub first_break: Option<ChainBreak>,
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
        Ok(self.check_audit()?.first_break)
    }

    /// Walks the whole chain: every event must follow the previous one (number and hash),
    /// its hash must cover its content, and the last one must be the head recorded beside
    /// the chain (events deleted from the end still link, but stop short of it).
    pub fn check_audit(&self) -> Result<ChainReport, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at, actor, kind, detail, prev_hash, hash FROM audit_events ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut expected_seq = 1;
        let mut prev = [0u8; 64];
        prev.copy_from_slice(GENESIS.as_bytes());
        let found = |seq: i64, problem: String, events: i64, head: Option<(i64, String)>| {
            Ok(ChainReport {
                events,
                head,
                first_break: Some(ChainBreak { seq, problem }),
            })
        };
        let hex = |h: &[u8; 64]| h.iter().map(|&b| char::from(b)).collect::<String>();
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let events = expected_seq - 1;
            let head = (events > 0).then(|| (events, hex(&prev)));
            if seq != expected_seq {
                return found(expected_seq, format!("event {expected_seq} is missing"), events, head);
            }
            // Borrowed, not copied, and hashed on the stack: a million events in about a second.
            let text = |i: usize| r.get_ref(i).ok().and_then(|v| v.as_str().ok()).unwrap_or("");
            if text(5).as_bytes() != prev {
                return found(seq, "does not follow the previous event".into(), events, head);
            }
            let prev_text = text(5);
            let hash = event_hash_hex(prev_text, seq, text(1), text(2), text(3), text(4));
            if text(6).as_bytes() != hash {
                return found(seq, "content was changed after it was written".into(), events, head);
            }
            prev = hash;
            expected_seq += 1;
        }
        let events = expected_seq - 1;
        let head = (events > 0).then(|| (events, hex(&prev)));
        let recorded: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| r.get(0))
            .map(Some)
            .or_else(none)?;
        let ends = head.as_ref().map(|(seq, hash)| format!("{seq}:{hash}"));
        let first_break = match (recorded, ends) {
            (None, None) => None,
            (Some(r), Some(e)) if r == e => None,
            (None, Some(_)) => Some(ChainBreak {
                seq: events,
                problem: "the recorded head of the chain is gone".into(),
            }),
            (Some(r), _) => {
                let recorded_seq = r.split(':').next().and_then(|n| n.parse::<i64>().ok()).unwrap_or(0);
                Some(if recorded_seq > events {
                    ChainBreak {
                        seq: events + 1,
                        problem: format!("events {} to {recorded_seq} were deleted", events + 1),
                    }
                } else {
                    ChainBreak {
                        seq: events,
                        problem: format!("the chain does not end at its recorded head ({r})"),
                    }
                })
            }
        };
        Ok(ChainReport {
            events,
            head,
            first_break,
        })
    }
}
