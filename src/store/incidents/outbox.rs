//! The alert queue: alerts wait here until the webhook or the mail server took them, with
//! each failed attempt's error and the time of the next one.

use crate::alert::{AlertMessage, Channel};
use crate::store::{Store, StoreError};
use jiff::Timestamp;
use rusqlite::{Connection, params};

/// Where an alert is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertState {
    /// Not sent yet; `next` is when it is tried again.
    Waiting {
        next: Timestamp,
    },
    Sent {
        at: Timestamp,
    },
}

/// One queued alert.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedAlert {
    pub id: i64,
    pub incident_id: Option<i64>,
    pub channel: Channel,
    pub message: AlertMessage,
    pub created_at: Timestamp,
    pub attempts: u32,
    pub state: AlertState,
    pub last_error: Option<String>,
}

/// Queues an alert inside the caller's transaction, due at once.
pub(super) fn queue(
    conn: &Connection,
    incident_id: Option<i64>,
    channel: Channel,
    message: &AlertMessage,
    now: Timestamp,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO alert_outbox (incident_id, channel, subject, body, json, created_at, next_unix)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            incident_id,
            channel.as_str(),
            message.subject,
            message.text,
            message.json.to_string(),
            now.to_string(),
            now.as_second()
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

const COLUMNS: &str =
    "id, incident_id, channel, subject, body, json, created_at, attempts, next_unix, sent_at, last_error";

type Raw = (
    (i64, Option<i64>, String, String, String, String),
    (String, i64, i64, Option<String>, Option<String>),
);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?),
        (r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?),
    ))
}

fn to_alert(raw: Raw) -> Result<QueuedAlert, StoreError> {
    let ((id, incident_id, channel, subject, text, json), (created_at, attempts, next_unix, sent_at, last_error)) = raw;
    let damaged = |what: String| StoreError::Damaged(format!("queued alert #{id}: {what}"));
    let parse_time = |t: &str| {
        t.parse::<Timestamp>()
            .map_err(|e| damaged(format!("'{t}' is not a time: {e}")))
    };
    let state = match sent_at {
        Some(at) => AlertState::Sent { at: parse_time(&at)? },
        None => AlertState::Waiting {
            next: Timestamp::from_second(next_unix).map_err(|e| damaged(format!("next attempt {next_unix}: {e}")))?,
        },
    };
    Ok(QueuedAlert {
        id,
        incident_id,
        channel: Channel::parse(&channel).ok_or_else(|| damaged(format!("unknown channel '{channel}'")))?,
        message: AlertMessage {
            subject,
            text,
            json: serde_json::from_str(&json).map_err(|e| damaged(format!("its JSON does not parse: {e}")))?,
        },
        created_at: parse_time(&created_at)?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        state,
        last_error,
    })
}

impl Store {
    fn alerts_where(&self, condition: &str, args: impl rusqlite::Params) -> Result<Vec<QueuedAlert>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM alert_outbox WHERE {condition}");
        let mut stmt = self.conn.prepare(&sql)?;
        let raws = stmt.query_map(args, raw)?.collect::<Result<Vec<_>, _>>()?;
        raws.into_iter().map(to_alert).collect()
    }

    /// Queues an alert on its own (a test alert has no incident).
    pub fn queue_alert(
        &mut self,
        incident_id: Option<i64>,
        channel: Channel,
        message: &AlertMessage,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        queue(&self.conn, incident_id, channel, message, now)
    }

    /// Alerts not sent whose next attempt is due, oldest first.
    pub fn alerts_due(&self, now: Timestamp, limit: u32) -> Result<Vec<QueuedAlert>, StoreError> {
        self.alerts_where(
            "sent_at IS NULL AND next_unix <= ?1 ORDER BY id LIMIT ?2",
            params![now.as_second(), limit],
        )
    }

    /// Every alert not sent yet, oldest first.
    pub fn alerts_waiting(&self) -> Result<Vec<QueuedAlert>, StoreError> {
        self.alerts_where("sent_at IS NULL ORDER BY id", [])
    }

    /// The alerts of one incident (who was told, and when).
    pub fn incident_alerts(&self, incident_id: i64) -> Result<Vec<QueuedAlert>, StoreError> {
        self.alerts_where("incident_id = ?1 ORDER BY id", [incident_id])
    }

    /// The webhook or mail server took the alert.
    pub fn alert_sent(&mut self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE alert_outbox SET sent_at = ?1, attempts = attempts + 1 WHERE id = ?2 AND sent_at IS NULL",
            params![now.to_string(), id],
        )?;
        Ok(())
    }

    /// An attempt failed: why, and when to try again.
    pub fn alert_failed(&mut self, id: i64, error: &str, next: Timestamp) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE alert_outbox SET attempts = attempts + 1, last_error = ?1, next_unix = ?2
             WHERE id = ?3 AND sent_at IS NULL",
            params![error, next.as_second(), id],
        )?;
        Ok(())
    }
}
