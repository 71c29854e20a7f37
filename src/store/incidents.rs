//! Incidents and their alert queue (schema 13). The sweep (`incident_sources`) finds facts in
//! the ledger that have no incident yet; `open_incidents` opens them with their alerts in one
//! transaction, so a crash between the two cannot lose an alert or open an incident twice.

use super::batch_settle::ledger;
use super::{Store, StoreError, audit};
use crate::alert::{AlertMessage, Channel};
use crate::incident::{Incident, IncidentKind, NewIncident, Source, Stamp};
use crate::money::{Currency, Money};
use crate::settlement::reconcile::{Reconciliation, ledger_net};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

mod outbox;

pub use outbox::{AlertState, QueuedAlert};

const COLUMNS: &str = "id, kind, key, opened_at, terminal, batch_id, amount_minor, what, action, cause, remedy,
     updated_at, updated_by, closed_at, closed_by";

fn time(text: &str, what: &str) -> Result<Timestamp, StoreError> {
    text.parse()
        .map_err(|e| StoreError::Damaged(format!("{what} '{text}' is not a time: {e}")))
}

fn stamp(by: Option<String>, at: Option<String>, what: &str) -> Result<Option<Stamp>, StoreError> {
    match (by, at) {
        (Some(by), Some(at)) => Ok(Some(Stamp {
            by,
            at: time(&at, what)?,
        })),
        _ => Ok(None),
    }
}

type Raw = (
    (i64, String, String, String, Option<String>, Option<i64>, Option<i64>),
    (String, String, String, String),
    (Option<String>, Option<String>, Option<String>, Option<String>),
);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        (
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        ),
        (r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?),
        (r.get(11)?, r.get(12)?, r.get(13)?, r.get(14)?),
    ))
}

fn to_incident(raw: Raw, currency: Currency) -> Result<Incident, StoreError> {
    let ((id, kind, key, opened_at, terminal, batch_id, amount), (what, action, cause, remedy), stamps) = raw;
    let (updated_at, updated_by, closed_at, closed_by) = stamps;
    Ok(Incident {
        id,
        kind: IncidentKind::parse(&kind)
            .ok_or_else(|| StoreError::Damaged(format!("incident #{id} has an unknown kind '{kind}'")))?,
        key,
        opened_at: time(&opened_at, "an incident's opening time")?,
        terminal,
        batch_id,
        amount: amount.map(|m| Money::from_minor(m, currency)),
        what,
        action,
        cause,
        remedy,
        updated: stamp(updated_by, updated_at, "an incident's update time")?,
        closed: stamp(closed_by, closed_at, "an incident's closing time")?,
    })
}

fn select(
    conn: &Connection,
    condition: &str,
    args: impl rusqlite::Params,
    currency: Currency,
) -> Result<Vec<Incident>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM incidents WHERE {condition}");
    let mut stmt = conn.prepare(&sql)?;
    let raws = stmt.query_map(args, raw)?.collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(|r| to_incident(r, currency)).collect()
}

/// No incident has this key yet (the keys are `Source::key`'s).
fn fresh(prefix: &str, id_column: &str) -> String {
    format!("NOT EXISTS (SELECT 1 FROM incidents i WHERE i.key = '{prefix}:' || {id_column})")
}

impl Store {
    /// Facts in the ledger that should have an incident and have none yet: lost batches,
    /// settled batches that did not match, deferrals, card payments in doubt, clock jumps and
    /// failed backups (the last two from the audit log).
    pub fn incident_sources(&self) -> Result<Vec<Source>, StoreError> {
        let conn = &self.conn;
        let currency = self.currency;
        let mut out = Vec::new();
        let net = |batch: i64| -> Result<(u64, Money), StoreError> {
            Ok(ledger_net(&ledger(conn, batch, currency)?, currency))
        };

        let lost = super::batches::rows(
            conn,
            &format!("state = 'lost' AND {}", fresh("lost_batch", "batches.id")),
            [],
            currency,
        )?;
        for b in lost {
            let (payments, amount) = net(b.id)?;
            out.push(Source::LostBatch {
                batch_id: b.id,
                terminal: b.terminal,
                payments,
                amount,
                at: b.closed_at.unwrap_or(b.updated_at),
            });
        }

        let settled = super::batches::rows(
            conn,
            &format!(
                "state = 'settled' AND reconciliation LIKE '%\"mismatch\"%' AND {}",
                fresh("mismatch", "batches.id")
            ),
            [],
            currency,
        )?;
        for b in settled {
            let Some(Reconciliation::Mismatch(d)) = &b.reconciliation else {
                continue;
            };
            let (_, ledger_amount) = net(b.id)?;
            let totals = match b.totals_id {
                Some(t) => super::totals::read(conn, t)?,
                None => None,
            };
            let terminal_minor = totals.map(|t| t.total_minor.unwrap_or_else(|| t.per_card.iter().map(|c| c.2).sum()));
            out.push(Source::Mismatch {
                batch_id: b.id,
                terminal: b.terminal.clone(),
                ledger_amount,
                terminal_amount: Money::from_minor(terminal_minor.unwrap_or(0), currency),
                missing: d.missing_in_ledger.len(),
                unknown: d.outside_range.len(),
                at: b.closed_at.unwrap_or(b.updated_at),
            });
        }

        let sql = format!(
            "SELECT d.id, d.batch_id, b.terminal, d.by, d.reason, d.reason_text, d.until, d.at
             FROM deferrals d JOIN batches b ON b.id = d.batch_id WHERE {} ORDER BY d.id",
            fresh("deferral", "d.id")
        );
        type DeferralRaw = (i64, i64, String, String, String, Option<String>, String, String);
        let deferrals: Vec<DeferralRaw> = conn
            .prepare(&sql)?
            .query_map([], |r| {
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
            })?
            .collect::<Result<_, _>>()?;
        for (id, batch_id, terminal, by, reason, text, until, at) in deferrals {
            let (_, amount) = net(batch_id)?;
            let reason = match text {
                Some(t) if !t.is_empty() => format!("{reason}: {t}"),
                _ => reason,
            };
            out.push(Source::Deferral {
                deferral_id: id,
                batch_id,
                terminal,
                amount,
                by,
                reason,
                until: time(&until, "a deferral's expiry")?,
                at: time(&at, "a deferral's time")?,
            });
        }

        let sql = format!(
            "SELECT id, terminal, amount_minor, updated_at, COALESCE(note, '') FROM card_payments
             WHERE state = 'in_doubt' AND {} ORDER BY id",
            fresh("in_doubt", "card_payments.id")
        );
        let doubts: Vec<(i64, String, i64, String, String)> = conn
            .prepare(&sql)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
            .collect::<Result<_, _>>()?;
        for (id, terminal, minor, at, note) in doubts {
            out.push(Source::InDoubt {
                card_id: id,
                terminal,
                amount: Money::from_minor(minor, currency),
                error: note,
                at: time(&at, "a card payment's time")?,
            });
        }

        for (kinds, prefix) in [
            ("'clock_back', 'clock_forward'", "clock"),
            ("'backup.failed'", "backup"),
        ] {
            let sql = format!(
                "SELECT seq, at, detail FROM audit_events WHERE kind IN ({kinds}) AND {} ORDER BY seq",
                fresh(prefix, "audit_events.seq")
            );
            let events: Vec<(i64, String, String)> = conn
                .prepare(&sql)?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            for (seq, at, detail) in events {
                let at = time(&at, "an audit event's time")?;
                out.push(if prefix == "clock" {
                    Source::ClockJump {
                        audit_seq: seq,
                        detail,
                        at,
                    }
                } else {
                    Source::BackupFailed {
                        audit_seq: seq,
                        detail,
                        at,
                    }
                });
            }
        }
        Ok(out)
    }

    /// Opens incidents (one already open for the same key is skipped) with, for each, the
    /// alerts `alerts` makes of it, and an audit event, in one transaction. Returns the ones
    /// opened now.
    pub fn open_incidents(
        &mut self,
        new: &[NewIncident],
        now: Timestamp,
        alerts: &dyn Fn(&Incident) -> Vec<(Channel, AlertMessage)>,
    ) -> Result<Vec<Incident>, StoreError> {
        if new.is_empty() {
            return Ok(Vec::new());
        }
        let at = now.to_string();
        let currency = self.currency;
        let tx = self.conn.transaction()?;
        let mut opened = Vec::new();
        for n in new {
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO incidents (kind, key, opened_at, terminal, batch_id, amount_minor, what, action)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    n.kind.as_str(),
                    n.key,
                    at,
                    n.terminal,
                    n.batch_id,
                    n.amount.map(|a| a.minor()),
                    n.what,
                    n.action
                ],
            )?;
            if inserted == 0 {
                continue;
            }
            let id = tx.last_insert_rowid();
            let incident = select(&tx, "id = ?1", [id], currency)?
                .pop()
                .ok_or_else(|| StoreError::Damaged(format!("incident #{id} vanished while it was opened")))?;
            audit::append(
                &tx,
                &at,
                "till",
                "incident.open",
                &format!("incident #{id} ({}): {}", n.kind.as_str(), n.what),
            )?;
            for (channel, message) in alerts(&incident) {
                outbox::queue(&tx, Some(id), channel, &message, now)?;
            }
            opened.push(incident);
        }
        tx.commit()?;
        Ok(opened)
    }

    /// Open incidents (oldest first), or all of them (newest first).
    pub fn incidents(&self, open_only: bool) -> Result<Vec<Incident>, StoreError> {
        let condition = if open_only {
            "closed_at IS NULL ORDER BY id"
        } else {
            "1 = 1 ORDER BY id DESC"
        };
        select(&self.conn, condition, [], self.currency)
    }

    pub fn incident(&self, id: i64) -> Result<Option<Incident>, StoreError> {
        Ok(select(&self.conn, "id = ?1", [id], self.currency)?.pop())
    }

    /// Writes the manager's cause and remedy, and closes the incident when `close`; audited.
    /// A closed incident is final.
    pub fn incident_note(
        &mut self,
        id: i64,
        cause: &str,
        remedy: &str,
        by: &str,
        close: bool,
        now: Timestamp,
    ) -> Result<Incident, StoreError> {
        let at = now.to_string();
        let currency = self.currency;
        let tx = self.conn.transaction()?;
        let Some(before) = select(&tx, "id = ?1", [id], currency)?.pop() else {
            return Err(StoreError::Refused(format!("incident #{id} does not exist")));
        };
        if let Some(c) = &before.closed {
            return Err(StoreError::Refused(format!(
                "incident #{id} was closed already by {} at {}",
                c.by, c.at
            )));
        }
        tx.execute(
            "UPDATE incidents SET cause = ?1, remedy = ?2, updated_at = ?3, updated_by = ?4,
               closed_at = CASE WHEN ?5 THEN ?3 END, closed_by = CASE WHEN ?5 THEN ?4 END
             WHERE id = ?6",
            params![cause, remedy, at, by, close, id],
        )?;
        let kind = if close { "incident.close" } else { "incident.note" };
        audit::append(
            &tx,
            &at,
            by,
            kind,
            &format!("incident #{id}: cause: {cause}; remedy: {remedy}"),
        )?;
        let after = select(&tx, "id = ?1", [id], currency)?
            .pop()
            .ok_or_else(|| StoreError::Damaged(format!("incident #{id} vanished while it was updated")))?;
        tx.commit()?;
        Ok(after)
    }

    /// How many incidents are open (the header's count).
    pub fn open_incident_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM incidents WHERE closed_at IS NULL", [], |r| {
                r.get(0)
            })
            .optional()?
            .unwrap_or(0))
    }
}
