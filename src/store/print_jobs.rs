//! The print queue (migration 0007). Every state change commits before the caller goes on,
//! so a crash mid-print leaves the job queued, never silently done.

use super::{Store, StoreError, parse_time};
use crate::printer::doc::Doc;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, Row, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Queued,
    Done,
    Failed,
}

impl JobState {
    pub fn as_str(&self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<JobState, StoreError> {
        match s {
            "queued" => Ok(JobState::Queued),
            "done" => Ok(JobState::Done),
            "failed" => Ok(JobState::Failed),
            other => Err(StoreError::Damaged(format!("unknown print job state '{other}'"))),
        }
    }
}

/// A job as the queue holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintJob {
    pub id: i64,
    pub created_at: Timestamp,
    pub kind: String,
    pub reference: Option<String>,
    pub copy: bool,
    pub doc: Doc,
    pub open_drawer: bool,
    pub state: JobState,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub printer: Option<String>,
    pub printed_at: Option<Timestamp>,
}

/// A job to add to the queue.
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub reference: Option<String>,
    pub copy: bool,
    pub doc: &'a Doc,
    pub open_drawer: bool,
}

const COLUMNS: &str =
    "id, created_at, kind, reference, copy, doc, open_drawer, state, attempts, last_error, printer, printed_at";

type RawJob = (
    i64,
    String,
    String,
    Option<String>,
    bool,
    String,
    bool,
    String,
    u32,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn raw(r: &Row<'_>) -> rusqlite::Result<RawJob> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ))
}

fn job(raw: RawJob) -> Result<PrintJob, StoreError> {
    let (id, created, kind, reference, copy, doc, open_drawer, state, attempts, last_error, printer, printed) = raw;
    let doc: Doc = serde_json::from_str(&doc)
        .map_err(|e| StoreError::Damaged(format!("print job {id}: the stored document is unreadable: {e}")))?;
    Ok(PrintJob {
        id,
        created_at: parse_time(&created)?,
        kind,
        reference,
        copy,
        doc,
        open_drawer,
        state: JobState::parse(&state)?,
        attempts,
        last_error,
        printer,
        printed_at: printed.as_deref().map(parse_time).transpose()?,
    })
}

impl Store {
    /// Stores a job before anything is sent; returns its number.
    pub fn print_enqueue(&mut self, j: &NewJob<'_>, now: Timestamp) -> Result<i64, StoreError> {
        let doc = serde_json::to_string(j.doc).map_err(|e| StoreError::Refused(format!("print job: {e}")))?;
        let at = now.to_string();
        self.conn.execute(
            "INSERT INTO print_jobs (created_at, kind, reference, copy, doc, open_drawer, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?1)",
            params![at, j.kind, j.reference, j.copy, doc, j.open_drawer],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn print_job(&self, id: i64) -> Result<Option<PrintJob>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM print_jobs WHERE id = ?1");
        self.conn.query_row(&sql, [id], raw).optional()?.map(job).transpose()
    }

    /// Jobs not yet printed (queued or failed), oldest first.
    pub fn print_unfinished(&self) -> Result<Vec<PrintJob>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM print_jobs WHERE state <> 'done' ORDER BY id");
        self.jobs(&sql, [])
    }

    /// How many jobs wait for the printer (cheap: an index count).
    pub fn print_unfinished_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM print_jobs WHERE state <> 'done'", [], |r| {
                r.get::<_, i64>(0)
            })?
            .unsigned_abs())
    }

    /// The jobs that printed (or tried to print) a thing, oldest first.
    pub fn print_jobs_for(&self, kind: &str, reference: &str) -> Result<Vec<PrintJob>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM print_jobs WHERE kind = ?1 AND reference = ?2 ORDER BY id");
        self.jobs(&sql, [kind, reference])
    }

    fn jobs<P: rusqlite::Params>(&self, sql: &str, p: P) -> Result<Vec<PrintJob>, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(p, raw)?;
        rows.map(|r| job(r?)).collect()
    }

    /// The printer took every byte (and, where it can say so, reported no problem).
    pub fn print_done(&mut self, id: i64, printer: &str, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        self.conn.execute(
            "UPDATE print_jobs SET state = 'done', attempts = attempts + 1, last_error = NULL, printer = ?2,
                    updated_at = ?3, printed_at = ?3 WHERE id = ?1",
            params![id, printer, at],
        )?;
        Ok(())
    }

    /// The drawer was opened on its own (the receipt could not print): the job prints later
    /// without opening it again.
    pub fn print_drawer_opened(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE print_jobs SET open_drawer = 0 WHERE id = ?1", [id])?;
        Ok(())
    }

    /// The attempt failed: the job stays in the queue with the reason.
    pub fn print_failed(&mut self, id: i64, printer: &str, error: &str, now: Timestamp) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE print_jobs SET state = 'failed', attempts = attempts + 1, last_error = ?3, printer = ?2,
                    updated_at = ?4 WHERE id = ?1",
            params![id, printer, error, now.to_string()],
        )?;
        Ok(())
    }

    /// Stores the lines the terminal sent for a card payment's slip.
    pub fn card_slip_set(&mut self, journal_id: i64, lines: &[String]) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE card_payments SET slip = ?2 WHERE id = ?1",
            params![journal_id, lines.join("\n")],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn a_job_is_queued_then_failed_then_done_and_a_damaged_doc_is_named() {
        let mut s = Store::open_in_memory(Currency::CNY).expect("store");
        let t0: Timestamp = "2026-11-27T08:00:00Z".parse().expect("t");
        let mut doc = Doc::new(32);
        doc.center("小店");
        let new = NewJob {
            kind: "receipt",
            reference: Some("42".into()),
            copy: false,
            doc: &doc,
            open_drawer: true,
        };
        let id = s.print_enqueue(&new, t0).expect("enqueue");
        let j = s.print_job(id).expect("read").expect("job");
        assert_eq!(
            (j.state, j.doc, j.open_drawer, j.attempts),
            (JobState::Queued, doc, true, 0)
        );
        s.print_failed(id, "tcp:10.0.0.9:9100", "paper out", t0).expect("fail");
        assert_eq!(s.print_unfinished().expect("list").len(), 1);
        let j = s.print_job(id).expect("read").expect("job");
        assert_eq!(
            (j.state, j.last_error.as_deref(), j.attempts),
            (JobState::Failed, Some("paper out"), 1)
        );
        s.print_done(id, "tcp:10.0.0.9:9100", t0).expect("done");
        assert_eq!(s.print_unfinished_count().expect("count"), 0);
        assert_eq!(s.print_jobs_for("receipt", "42").expect("for").len(), 1);
        assert_eq!(s.print_job(id).expect("read").expect("job").printed_at, Some(t0));
        s.conn
            .execute("UPDATE print_jobs SET doc = '{' WHERE id = ?1", [id])
            .expect("damage");
        let e = s.print_job(id).expect_err("damaged");
        assert!(e.to_string().contains(&format!("print job {id}")), "{e}");
    }
}
