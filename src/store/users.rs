//! The users table: who may work the till, their PIN hashes and login locks. Users are never
//! deleted (sales name them), only made inactive. Every change, login, logout and wrong PIN
//! goes into the audit chain in the same transaction; no PIN or hash ever does.

use super::products::none;
use super::{Store, StoreError, audit, parse_time};
use crate::users::Role;
use jiff::Timestamp;
use rusqlite::{Connection, ErrorCode, params};

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// argon2id PHC string.
    pub pin_hash: String,
    pub active: bool,
    /// Wrong PINs in a row at login.
    pub failed_attempts: u32,
    /// The login lock the last wrong PIN set (it may have run out).
    pub locked_until: Option<Timestamp>,
}

/// A user to create: name, role and PIN hash.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    pub pin_hash: String,
}

const COLUMNS: &str = "id, name, role, pin_hash, active, failed_attempts, locked_until";

/// One row, every value checked: an edited database gives an error, not a wrong role.
fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<UserRow, StoreError>> {
    let id: i64 = r.get(0)?;
    let role: String = r.get(2)?;
    let active: i64 = r.get(4)?;
    let failed: i64 = r.get(5)?;
    let locked: Option<String> = r.get(6)?;
    let Some(role) = Role::parse(&role) else {
        return Ok(Err(StoreError::Damaged(format!("user #{id}: unknown role '{role}'"))));
    };
    let locked_until = match locked.as_deref().map(parse_time).transpose() {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    Ok(Ok(UserRow {
        id,
        name: r.get(1)?,
        role,
        pin_hash: r.get(3)?,
        active: active == 1,
        failed_attempts: u32::try_from(failed).unwrap_or(0),
        locked_until,
    }))
}

fn user_in(conn: &Connection, id: i64) -> Result<Option<UserRow>, StoreError> {
    let row = conn
        .query_row(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"), [id], read_row)
        .map(Some)
        .or_else(none)?;
    row.transpose()
}

/// The id of a user changed by the caller, or an error naming it.
fn existing(conn: &Connection, id: i64) -> Result<UserRow, StoreError> {
    user_in(conn, id)?.ok_or_else(|| StoreError::Refused(format!("no user number {id}")))
}

/// A second active user of the same name is refused by the index; say so in words. Any other
/// failure (a full disk among them) is classified as every other ledger error is.
fn name_taken(e: rusqlite::Error, name: &str) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::ConstraintViolation) => {
            StoreError::Refused(format!("an active user is already named '{name}'"))
        }
        _ => e.into(),
    }
}

impl Store {
    /// Every user (active or not when `all`), in the order they were created.
    pub fn users(&self, all: bool) -> Result<Vec<UserRow>, StoreError> {
        let filter = if all { "" } else { "WHERE active = 1" };
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM users {filter} ORDER BY id"))?;
        let rows = stmt.query_map([], read_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??);
        }
        Ok(out)
    }

    pub fn user(&self, id: i64) -> Result<Option<UserRow>, StoreError> {
        user_in(&self.conn, id)
    }

    /// How many users the ledger has ever had (inactive ones too).
    pub fn user_count(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?)
    }

    /// Creates the first users, only if the table is still empty (two processes opening a
    /// new ledger at once seed it once). Returns whether it did.
    pub fn seed_users(&mut self, users: &[NewUser], now: Timestamp) -> Result<bool, StoreError> {
        let at = now.to_string();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let count: i64 = tx.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?;
        if count > 0 {
            return Ok(false);
        }
        for u in users {
            insert(&tx, u, &at)?;
            let detail = format!("{} ({}) set up", u.name, u.role.as_str());
            audit::append(&tx, &at, "till", "user_added", &detail)?;
        }
        tx.commit()?;
        Ok(true)
    }

    /// Active managers and admins: none means the login screen asks for a first admin.
    pub fn active_manager_count(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM users WHERE active = 1 AND role IN ('manager', 'admin')",
            [],
            |r| r.get(0),
        )?)
    }

    /// Creates an admin only while no active manager or admin exists (two windows answering
    /// the first-admin form at once create one). Returns its id if it did.
    pub fn add_first_admin(&mut self, user: &NewUser, now: Timestamp) -> Result<Option<i64>, StoreError> {
        let at = now.to_string();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let managers: i64 = tx.query_row(
            "SELECT COUNT(*) FROM users WHERE active = 1 AND role IN ('manager', 'admin')",
            [],
            |r| r.get(0),
        )?;
        if managers > 0 {
            return Ok(None);
        }
        let id = insert(&tx, user, &at)?;
        let detail = format!("{} ({}) set up as the first admin", user.name, user.role.as_str());
        audit::append(&tx, &at, "till", "user_added", &detail)?;
        tx.commit()?;
        Ok(Some(id))
    }

    /// Adds a user; `by` names who did it in the audit chain.
    pub fn add_user(&mut self, user: &NewUser, by: &str, now: Timestamp) -> Result<i64, StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let id = insert(&tx, user, &at)?;
        let detail = format!("user #{id} {} added as {}", user.name, user.role.as_str());
        audit::append(&tx, &at, by, "user_added", &detail)?;
        tx.commit()?;
        Ok(id)
    }

    /// A new PIN hash; the login lock is lifted with it.
    pub fn set_user_pin(&mut self, id: i64, pin_hash: &str, by: &str, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let user = existing(&tx, id)?;
        tx.execute(
            "UPDATE users SET pin_hash = ?2, failed_attempts = 0, locked_until = NULL, updated_at = ?3 WHERE id = ?1",
            params![id, pin_hash, at],
        )?;
        let detail = format!("PIN of user #{id} {} changed", user.name);
        audit::append(&tx, &at, by, "user_pin_changed", &detail)?;
        tx.commit()?;
        Ok(())
    }

    pub fn set_user_role(&mut self, id: i64, role: Role, by: &str, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let user = existing(&tx, id)?;
        tx.execute(
            "UPDATE users SET role = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, role.as_str(), at],
        )?;
        let detail = format!("user #{id} {}: {} -> {}", user.name, user.role.as_str(), role.as_str());
        audit::append(&tx, &at, by, "user_role_changed", &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Makes a user inactive (never deleted: sales and the audit chain name them).
    pub fn deactivate_user(&mut self, id: i64, by: &str, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let user = existing(&tx, id)?;
        tx.execute(
            "UPDATE users SET active = 0, updated_at = ?2 WHERE id = ?1",
            params![id, at],
        )?;
        let detail = format!("user #{id} {} ({}) deactivated", user.name, user.role.as_str());
        audit::append(&tx, &at, by, "user_deactivated", &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// A wrong PIN at login: the count in a row, and the lock when it was the last allowed.
    pub fn login_failed(
        &mut self,
        id: i64,
        count: u32,
        lock_until: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let user = existing(&tx, id)?;
        tx.execute(
            "UPDATE users SET failed_attempts = ?2, locked_until = ?3 WHERE id = ?1",
            params![id, count, lock_until.map(|t| t.to_string())],
        )?;
        let detail = match lock_until {
            Some(until) => format!("wrong PIN ({count} in a row): locked until {until}"),
            None => format!("wrong PIN ({count} in a row)"),
        };
        audit::append(&tx, &at, &user.name, "login_failed", &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// A right PIN: the count and any lock that ran out are cleared, the login recorded.
    pub fn login_succeeded(&mut self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        let at = now.to_string();
        let tx = self.conn.transaction()?;
        let user = existing(&tx, id)?;
        tx.execute(
            "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
            [id],
        )?;
        let detail = format!("user #{id} ({})", user.role.as_str());
        audit::append(&tx, &at, &user.name, "login", &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Someone left the till: locked it, or it locked itself after `why`.
    pub fn logout_recorded(&mut self, name: &str, why: &str, now: Timestamp) -> Result<(), StoreError> {
        self.audit(now, name, "logout", why)
    }
}

#[cfg(test)]
impl Store {
    /// Every audit event's actor, kind and detail, in order (tests of what gets recorded).
    pub(crate) fn audit_rows(&self) -> Vec<(String, String, String)> {
        let Ok(mut stmt) = self
            .conn
            .prepare("SELECT actor, kind, detail FROM audit_events ORDER BY seq")
        else {
            return Vec::new();
        };
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .unwrap_or_default()
    }
}

fn insert(conn: &Connection, user: &NewUser, at: &str) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO users (name, role, pin_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![user.name, user.role.as_str(), user.pin_hash, at],
    )
    .map_err(|e| name_taken(e, &user.name))?;
    Ok(conn.last_insert_rowid())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn at(text: &str) -> Timestamp {
        text.parse().expect("timestamp")
    }

    fn new(name: &str, role: Role) -> NewUser {
        NewUser {
            name: name.into(),
            role,
            pin_hash: format!("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$hash-of-{name}"),
        }
    }

    fn audit_rows(store: &Store) -> Vec<(String, String, String)> {
        store.audit_rows()
    }

    #[test]
    fn a_full_disk_while_adding_a_user_is_named_as_such() {
        let full = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL), None);
        let e = name_taken(full, "王芳");
        assert!(matches!(e, StoreError::DiskFull(_)), "{e:?}");
        let taken =
            rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE), None);
        assert!(matches!(name_taken(taken, "王芳"), StoreError::Refused(m) if m.contains("王芳")));
    }

    #[test]
    fn users_are_added_changed_and_deactivated_never_deleted_and_all_audited() {
        let mut store = Store::open_in_memory(Currency::CNY).expect("store");
        let now = at("2026-03-01T09:00:00Z");
        assert!(store.seed_users(&[new("Boss", Role::Admin)], now).expect("seed"));
        assert!(
            !store.seed_users(&[new("Other", Role::Admin)], now).expect("seed"),
            "only once"
        );
        let id = store.add_user(&new("王芳", Role::Cashier), "Boss", now).expect("add");
        let taken = store.add_user(&new("王芳", Role::Manager), "Boss", now);
        assert!(matches!(taken, Err(StoreError::Refused(m)) if m.contains("王芳")));
        store.set_user_pin(id, "$argon2id$other", "Boss", now).expect("pin");
        store.set_user_role(id, Role::Manager, "Boss", now).expect("role");
        store.deactivate_user(id, "Boss", now).expect("deactivate");
        assert_eq!(store.users(false).expect("active").len(), 1);
        let all = store.users(true).expect("all");
        assert_eq!(all.len(), 2);
        assert!(!all[1].active && all[1].role == Role::Manager && all[1].pin_hash == "$argon2id$other");
        // The name is free again once its holder is inactive.
        store
            .add_user(&new("王芳", Role::Cashier), "Boss", now)
            .expect("name reused");
        assert!(matches!(
            store.set_user_role(99, Role::Admin, "Boss", now),
            Err(StoreError::Refused(_))
        ));

        let kinds: Vec<String> = audit_rows(&store).into_iter().map(|(_, k, _)| k).collect();
        assert_eq!(
            kinds,
            [
                "user_added",
                "user_added",
                "user_pin_changed",
                "user_role_changed",
                "user_deactivated",
                "user_added"
            ]
        );
        assert!(
            audit_rows(&store).iter().all(|(_, _, d)| !d.contains("argon2")),
            "no hash in the audit chain"
        );
        assert_eq!(store.verify_audit().expect("verify"), None);
    }

    #[test]
    fn login_failures_and_locks_are_stored_and_cleared_by_a_login() {
        let mut store = Store::open_in_memory(Currency::CNY).expect("store");
        let now = at("2026-03-01T09:00:00Z");
        store.seed_users(&[new("Li", Role::Manager)], now).expect("seed");
        let id = store.users(false).expect("users")[0].id;
        store.login_failed(id, 1, None, now).expect("fail");
        let until = at("2026-03-01T09:05:00Z");
        store.login_failed(id, 3, Some(until), now).expect("lock");
        let row = store.user(id).expect("read").expect("user");
        assert_eq!((row.failed_attempts, row.locked_until), (3, Some(until)));
        store.login_succeeded(id, now).expect("login");
        store.logout_recorded("Li", "locked", now).expect("logout");
        let row = store.user(id).expect("read").expect("user");
        assert_eq!((row.failed_attempts, row.locked_until), (0, None));
        let rows = audit_rows(&store);
        let tail: Vec<(&str, &str)> = rows[1..].iter().map(|(a, k, _)| (a.as_str(), k.as_str())).collect();
        assert_eq!(
            tail,
            [
                ("Li", "login_failed"),
                ("Li", "login_failed"),
                ("Li", "login"),
                ("Li", "logout")
            ]
        );
    }

    #[test]
    fn a_damaged_row_is_an_error_not_a_panic() {
        let mut store = Store::open_in_memory(Currency::CNY).expect("store");
        let now = at("2026-03-01T09:00:00Z");
        store.seed_users(&[new("Li", Role::Manager)], now).expect("seed");
        store
            .conn
            .execute("UPDATE users SET locked_until = 'soon'", [])
            .expect("edit");
        assert!(matches!(store.users(false), Err(StoreError::Damaged(_))));
    }
}
