//! Schema migrations: SQL files from `migrations/`, applied in order, tracked in PRAGMA user_version.

use super::StoreError;
use rusqlite::Connection;
use std::path::Path;

/// Every migration, in order; the schema version is the count applied.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_initial.sql", include_str!("../../migrations/0001_initial.sql")),
    (
        "0002_card_payments.sql",
        include_str!("../../migrations/0002_card_payments.sql"),
    ),
    (
        "0003_card_recovery.sql",
        include_str!("../../migrations/0003_card_recovery.sql"),
    ),
    ("0004_batches.sql", include_str!("../../migrations/0004_batches.sql")),
    (
        "0005_card_unresolved_index.sql",
        include_str!("../../migrations/0005_card_unresolved_index.sql"),
    ),
    (
        "0006_card_terminal_index.sql",
        include_str!("../../migrations/0006_card_terminal_index.sql"),
    ),
    (
        "0007_print_queue.sql",
        include_str!("../../migrations/0007_print_queue.sql"),
    ),
    ("0008_users.sql", include_str!("../../migrations/0008_users.sql")),
    (
        "0009_checkout_tools.sql",
        include_str!("../../migrations/0009_checkout_tools.sql"),
    ),
    (
        "0010_manual_card.sql",
        include_str!("../../migrations/0010_manual_card.sql"),
    ),
    (
        "0011_audit_head.sql",
        include_str!("../../migrations/0011_audit_head.sql"),
    ),
    (
        "0012_standalone_terminal.sql",
        include_str!("../../migrations/0012_standalone_terminal.sql"),
    ),
    (
        "0013_incidents.sql",
        include_str!("../../migrations/0013_incidents.sql"),
    ),
];

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Brings the schema up to date; refuses a database written by a newer Tillguard.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let current: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| StoreError::classify(e, path))?;
    if current > latest_version() {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: current,
            known: latest_version(),
        });
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction().map_err(|e| StoreError::classify(e, path))?;
        tx.execute_batch(sql).map_err(|e| StoreError::Migration {
            name: (*name).to_string(),
            message: e.to_string(),
        })?;
        tx.pragma_update(None, "user_version", index as i64 + 1)
            .map_err(|e| StoreError::classify(e, path))?;
        tx.commit().map_err(|e| StoreError::classify(e, path))?;
    }
    Ok(())
}
