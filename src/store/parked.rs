//! Parked sales (挂单): carts put aside until they are recalled. What a cart holds is the
//! till's business (`till::park`); here it is an opaque text with a summary beside it.

use super::{Store, StoreError, parse_time};
use crate::money::Money;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

/// A cart to park, with the summary shown in the list of parked carts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewParked<'a> {
    pub by: &'a str,
    pub lines: u32,
    pub items: i64,
    pub total: Money,
    /// The cart, serialized by the till.
    pub cart: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParkedRow {
    pub id: i64,
    pub parked_at: Timestamp,
    pub parked_by: String,
    pub lines: u32,
    pub items: i64,
    /// What the cart came to when it was parked.
    pub total: Money,
    pub cart: String,
}

impl Store {
    /// Stores a parked cart and audits it, in one transaction; returns its number.
    pub fn park(&mut self, parked: &NewParked<'_>, now: Timestamp) -> Result<i64, StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO parked_sales (parked_at, parked_by, line_count, item_count, currency, total_minor, cart)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                at,
                parked.by,
                parked.lines,
                parked.items,
                self.currency.alpha,
                parked.total.minor(),
                parked.cart
            ],
        )?;
        let id = tx.last_insert_rowid();
        let detail = format!(
            "parked #{id}: {} line(s), {} item(s), {}",
            parked.lines,
            parked.items,
            parked.total.plain()
        );
        super::audit::append(&tx, &at, parked.by, "sale_parked", &detail)?;
        tx.commit()?;
        Ok(id)
    }

    /// Every parked cart, oldest first.
    pub fn parked_sales(&self) -> Result<Vec<ParkedRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, parked_at, parked_by, line_count, item_count, total_minor, cart FROM parked_sales ORDER BY id",
        )?;
        let rows = stmt.query_map([], row_fields)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(self.parked_row(row?)?);
        }
        Ok(out)
    }

    pub fn parked_sale(&self, id: i64) -> Result<Option<ParkedRow>, StoreError> {
        let fields = self
            .conn
            .query_row(
                "SELECT id, parked_at, parked_by, line_count, item_count, total_minor, cart FROM parked_sales
                 WHERE id = ?1",
                [id],
                row_fields,
            )
            .optional()?;
        fields.map(|f| self.parked_row(f)).transpose()
    }

    /// Takes a parked cart out (it was recalled) and audits that, in one transaction.
    /// `false` if it was no longer there (recalled meanwhile).
    pub fn unpark(&mut self, id: i64, actor: &str, detail: &str, now: Timestamp) -> Result<bool, StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let gone = tx.execute("DELETE FROM parked_sales WHERE id = ?1", [id])?;
        if gone == 0 {
            return Ok(false);
        }
        super::audit::append(&tx, &at, actor, "sale_recalled", &format!("recalled #{id}: {detail}"))?;
        tx.commit()?;
        Ok(true)
    }

    fn parked_row(&self, (id, at, by, lines, items, total, cart): Fields) -> Result<ParkedRow, StoreError> {
        Ok(ParkedRow {
            id,
            parked_at: parse_time(&at)?,
            parked_by: by,
            lines: u32::try_from(lines)
                .map_err(|_| StoreError::Damaged(format!("parked sale #{id} has {lines} lines")))?,
            items,
            total: Money::from_minor(total, self.currency),
            cart,
        })
    }
}

type Fields = (i64, String, String, i64, i64, i64, String);

fn row_fields(r: &rusqlite::Row<'_>) -> rusqlite::Result<Fields> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn a_parked_cart_is_kept_until_unparked_once_and_both_are_audited() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(super::super::FILE_NAME);
        let now: Timestamp = "2026-03-14T04:00:00Z".parse().expect("time");
        let total = Money::parse("5.50", Currency::CNY).expect("amount");
        let id = {
            let mut store = Store::open(&path, Currency::CNY).expect("open");
            let parked = NewParked {
                by: "Li",
                lines: 2,
                items: 3,
                total,
                cart: "{}",
            };
            store.park(&parked, now).expect("park")
        };
        // Survives closing and reopening the ledger (a restart).
        let mut store = Store::open(&path, Currency::CNY).expect("reopen");
        let rows = store.parked_sales().expect("list");
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!((row.id, row.parked_by.as_str(), row.lines, row.items), (id, "Li", 2, 3));
        assert_eq!((row.total, row.parked_at, row.cart.as_str()), (total, now, "{}"));
        assert_eq!(store.parked_sale(id).expect("one").as_ref(), Some(row));

        assert!(store.unpark(id, "Li", "2 lines", now).expect("unpark"));
        assert!(!store.unpark(id, "Li", "2 lines", now).expect("again"), "only once");
        assert!(store.parked_sales().expect("list").is_empty());
        assert_eq!(store.parked_sale(id).expect("none"), None);
        assert_eq!(store.audit_count().expect("audit"), 2, "parked and recalled");
        assert_eq!(store.verify_audit().expect("verify"), None);
    }
}
