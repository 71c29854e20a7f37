//! Read-only queries for the training lessons' checks: what was booked since an instant.
//! Times are stored as RFC 3339 text whose fraction varies in length, so SQL narrows by the
//! whole second (a text prefix that sorts right) and the exact instant is compared here.

use super::batches::{self, BatchRow};
use super::card::CardJournal;
use super::{Store, StoreError, parse_time};
use crate::sale::SaleRecord;
use jiff::Timestamp;

/// `at` cut to its second, without zone: every stored time at or after `at` sorts at or
/// after it as text.
fn floor(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

impl Store {
    /// Sales and refunds committed at or after `since`, oldest first.
    pub fn sales_since(&self, since: Timestamp) -> Result<Vec<SaleRecord>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM sales WHERE created_at >= ?1 ORDER BY id")?;
        let ids = stmt
            .query_map([floor(since)], |r| r.get::<_, i64>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut sales = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(sale) = self.sale(id)?
                && sale.created_at >= since
            {
                sales.push(sale);
            }
        }
        Ok(sales)
    }

    /// Card journal rows begun at or after `since`, oldest first.
    pub fn cards_since(&self, since: Timestamp) -> Result<Vec<CardJournal>, StoreError> {
        let rows = self.cards_where("created_at >= ?1", [floor(since)])?;
        Ok(rows.into_iter().filter(|c| c.created_at >= since).collect())
    }

    /// Batches settled, or deferred, at or after `since`, each with the time of its newest
    /// deferral in that span.
    pub fn batches_closed_since(&self, since: Timestamp) -> Result<Vec<(BatchRow, Option<Timestamp>)>, StoreError> {
        let rows = batches::rows(
            &self.conn,
            "(state = 'settled' AND closed_at >= ?1) OR id IN (SELECT batch_id FROM deferrals WHERE at >= ?1) ORDER BY id",
            [floor(since)],
            self.currency,
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut stmt = self
                .conn
                .prepare("SELECT at FROM deferrals WHERE batch_id = ?1 AND at >= ?2")?;
            let times = stmt
                .query_map(rusqlite::params![row.id, floor(since)], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            let mut deferred = None;
            for t in times {
                let t = parse_time(&t)?;
                if t >= since {
                    deferred = deferred.max(Some(t));
                }
            }
            out.push((row, deferred));
        }
        Ok(out)
    }

    /// Audit events of one kind at or after `since`: (time, detail).
    pub fn audit_since(&self, kind: &str, since: Timestamp) -> Result<Vec<(Timestamp, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT at, detail FROM audit_events WHERE kind = ?1 AND at >= ?2 ORDER BY seq")?;
        let raw = stmt
            .query_map(rusqlite::params![kind, floor(since)], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(raw.len());
        for (at, detail) in raw {
            let at = parse_time(&at)?;
            if at >= since {
                out.push((at, detail));
            }
        }
        Ok(out)
    }
}
