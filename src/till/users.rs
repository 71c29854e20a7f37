//! Users at the till: PIN login with a per-user lock, logout, and managing users. The rules
//! live here, not in the screens: a manager manages cashiers, only an admin manages managers
//! and admins, and the last admin (or manager) is never removed, so nobody is locked out.
//!
//! PINs are stored as argon2id hashes (the crate's default parameters: 19 MiB, 2 passes;
//! about 35 ms per check on a till, slow enough to make guessing a stolen ledger costly).

use super::{Till, TillError};
use crate::config::Config;
use crate::permission::Action;
use crate::store::{NewUser, Store, StoreError, UserRow};
use crate::users::{
    LOGIN_ATTEMPTS, LOGIN_LOCK_MINUTES, Operator, Role, UserError, check_name, check_pin, needed_to_manage,
};
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jiff::{SignedDuration, Timestamp};

/// A user demo mode creates, with the PIN its login screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoUser {
    pub name: &'static str,
    pub role: Role,
    pub pin: &'static str,
    /// Hashed once ahead: three hashes at every demo start would slow start-up and tests.
    hash: &'static str,
}

/// Demo mode's users; the names read in both languages.
pub const DEMO_USERS: [DemoUser; 3] = [
    DemoUser {
        name: "王芳 Wang Fang",
        role: Role::Cashier,
        pin: "1111",
        hash: "$argon2id$v=19$m=19456,t=2,p=1$f574I6cQMwTy3MFRC09zfA$LHoqMbE8ybk++SVcHNOy51rBQlXkoyGJei54efXBk4k",
    },
    DemoUser {
        name: "李经理 Manager Li",
        role: Role::Manager,
        pin: crate::config::DEMO_MANAGER_PIN,
        hash: "$argon2id$v=19$m=19456,t=2,p=1$1seJqBY8LqRTRt0wB8gAPg$cQ2/ooW/+HAFDOMhPC2GFmuPpZ/PJleWrDubtH3zyus",
    },
    DemoUser {
        name: "管理员 Admin",
        role: Role::Admin,
        pin: "8888",
        hash: "$argon2id$v=19$m=19456,t=2,p=1$TLZlV9/0/rLH38KY7VaM+Q$O1nuvIsbn4+6+BC/xhvG2zBdAZDPvcRc9J5GmHGqB3Y",
    },
];

/// The admin a configured till with `[guard] manager_pin` starts with.
pub const CONFIG_ADMIN: &str = "Manager";

fn hash_pin(pin: &str) -> Result<String, UserError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| UserError::Hashing(e.to_string()))
}

/// Whether `pin` is the one hashed in `phc`; a hash that does not parse is an error.
fn pin_matches(pin: &str, phc: &str) -> Result<bool, String> {
    let parsed = PasswordHash::new(phc).map_err(|e| e.to_string())?;
    Ok(Argon2::default().verify_password(pin.as_bytes(), &parsed).is_ok())
}

/// The first users of an empty ledger: demo mode's three, or one admin with the configured
/// manager PIN; none otherwise (the login screen then asks for the first admin).
pub(super) fn seed(store: &mut Store, config: &Config, now: Timestamp) -> Result<(), TillError> {
    if !config.demo {
        retire_demo_users(store, now)?;
    }
    if store.user_count()? > 0 {
        return Ok(());
    }
    let users = if config.demo {
        DEMO_USERS
            .iter()
            .map(|u| NewUser {
                name: u.name.into(),
                role: u.role,
                pin_hash: u.hash.into(),
            })
            .collect()
    } else if let Some(pin) = &config.manager_pin {
        vec![NewUser {
            name: CONFIG_ADMIN.into(),
            role: Role::Admin,
            pin_hash: hash_pin(pin)?,
        }]
    } else {
        Vec::new()
    };
    if !users.is_empty() {
        store.seed_users(&users, now)?;
    }
    Ok(())
}

/// A ledger that leaves demo mode (settings saved from the demo) still holds the demo users,
/// whose PINs the demo shows to anyone: they are made inactive, and with no manager left the
/// login screen asks for a first admin.
fn retire_demo_users(store: &mut Store, now: Timestamp) -> Result<(), TillError> {
    for user in store.users(false)? {
        if DEMO_USERS.iter().any(|d| d.hash == user.pin_hash) {
            store.deactivate_user(user.id, "till (demo PIN is public)", now)?;
        }
    }
    Ok(())
}

fn operator(row: &UserRow) -> Operator {
    Operator {
        id: row.id,
        name: row.name.clone(),
        role: row.role,
    }
}

impl Till {
    /// The till's clock, for the window's idle timer (it must run while the till is lent to
    /// the terminal, and follow a test's ManualClock).
    pub fn clock(&self) -> std::sync::Arc<dyn crate::clock::Clock> {
        self.clock.clone()
    }

    /// The active users, in the order they were created (the login screen's buttons).
    pub fn users(&self) -> Result<Vec<Operator>, TillError> {
        Ok(self.store.users(false)?.iter().map(operator).collect())
    }

    /// No active manager or admin exists (a new ledger, or one that left demo mode): the next
    /// user to be created is an admin, without a login.
    pub fn needs_first_admin(&self) -> Result<bool, TillError> {
        Ok(self.store.active_manager_count()? == 0)
    }

    /// Creates the first admin of a till that has no users, and logs them in.
    pub fn create_first_admin(&mut self, name: &str, pin: &str) -> Result<Operator, TillError> {
        let name = check_name(name)?;
        check_pin(pin)?;
        if !self.needs_first_admin()? {
            return Err(UserError::HasUsers.into());
        }
        let user = NewUser {
            name,
            role: Role::Admin,
            pin_hash: hash_pin(pin)?,
        };
        let now = self.clock.now();
        let Some(id) = self.store.add_first_admin(&user, now)? else {
            return Err(UserError::HasUsers.into());
        };
        let row = self
            .store
            .user(id)?
            .ok_or_else(|| StoreError::Damaged("the first admin vanished".into()))?;
        self.store.login_succeeded(row.id, now)?;
        let op = operator(&row);
        self.operator = Some(op.clone());
        Ok(op)
    }

    /// Logs a user in by PIN. Wrong PINs are counted per user; the third in a row locks that
    /// user for five minutes, even for the right PIN; after the lock the count starts again.
    pub fn login(&mut self, user_id: i64, pin: &str) -> Result<Operator, TillError> {
        let row = self.store.user(user_id)?.ok_or(UserError::NoSuchUser(user_id))?;
        if !row.active {
            return Err(UserError::Inactive(row.name).into());
        }
        let now = self.clock.now();
        if let Some(until) = row.locked_until
            && until > now
        {
            // Not checked, but still a failed login: the audit chain shows the attempt.
            self.store.audit(
                now,
                &row.name,
                "login_failed",
                &format!("refused: locked until {until}"),
            )?;
            return Err(UserError::Locked {
                name: row.name,
                until: self.hhmm(until),
            }
            .into());
        }
        let pin = pin.trim();
        let right = check_pin(pin).is_ok()
            && pin_matches(pin, &row.pin_hash).map_err(|e| {
                StoreError::Damaged(format!(
                    "the PIN record of {} cannot be read ({e}); an admin must set a new PIN",
                    row.name
                ))
            })?;
        if right {
            self.store.login_succeeded(row.id, now)?;
            let op = operator(&row);
            self.operator = Some(op.clone());
            return Ok(op);
        }
        let count = if row.locked_until.is_some() {
            1
        } else {
            row.failed_attempts.saturating_add(1)
        };
        let lock = (count >= LOGIN_ATTEMPTS).then(|| {
            now.checked_add(SignedDuration::from_mins(LOGIN_LOCK_MINUTES))
                .unwrap_or(Timestamp::MAX)
        });
        self.store.login_failed(row.id, count, lock, now)?;
        Err(match lock {
            Some(until) => UserError::Locked {
                name: row.name,
                until: self.hhmm(until),
            },
            None => UserError::WrongPin {
                name: row.name,
                left: LOGIN_ATTEMPTS - count,
            },
        }
        .into())
    }

    /// The till is locked: nobody is logged in until the next PIN.
    pub fn logout(&mut self) -> Result<(), TillError> {
        self.leave("locked")
    }

    /// The till locked itself after `minutes` without input.
    pub fn logout_idle(&mut self, minutes: u32) -> Result<(), TillError> {
        self.leave(&format!("locked after {minutes} idle minute(s)"))
    }

    fn leave(&mut self, why: &str) -> Result<(), TillError> {
        if let Some(op) = self.operator.take() {
            self.store.logout_recorded(&op.name, why, self.clock.now())?;
        }
        Ok(())
    }

    /// Adds a user. A manager adds cashiers; only an admin adds managers and admins.
    pub fn add_user(&mut self, name: &str, role: Role, pin: &str) -> Result<Operator, TillError> {
        let actor = self.acting(needed_to_manage(role))?;
        let name = check_name(name)?;
        check_pin(pin)?;
        let active = self.store.users(false)?;
        if active.iter().any(|u| u.name.to_lowercase() == name.to_lowercase()) {
            return Err(UserError::NameTaken(name).into());
        }
        if role.is_manager() {
            self.check_pin_free(pin, None, &active)?;
        }
        let user = NewUser {
            name,
            role,
            pin_hash: hash_pin(pin)?,
        };
        let id = self.store.add_user(&user, &actor.name, self.clock.now())?;
        Ok(Operator {
            id,
            name: user.name,
            role,
        })
    }

    /// Sets a user's new PIN (and lifts their login lock).
    pub fn set_pin(&mut self, user_id: i64, pin: &str) -> Result<(), TillError> {
        let target = self.active_user(user_id)?;
        let actor = self.acting(needed_to_manage(target.role))?;
        check_pin(pin)?;
        if target.role.is_manager() {
            let active = self.store.users(false)?;
            self.check_pin_free(pin, Some(target.id), &active)?;
        }
        let hash = hash_pin(pin)?;
        Ok(self
            .store
            .set_user_pin(target.id, &hash, &actor.name, self.clock.now())?)
    }

    /// Changes a user's role; only an admin makes or unmakes managers and admins.
    pub fn set_role(&mut self, user_id: i64, role: Role) -> Result<(), TillError> {
        let target = self.active_user(user_id)?;
        let needs = needed_to_manage(target.role).max(needed_to_manage(role));
        let actor = self.acting(needs)?;
        if target.role == role {
            return Ok(());
        }
        self.check_not_last(&target, Some(role))?;
        self.store
            .set_user_role(target.id, role, &actor.name, self.clock.now())?;
        if let Some(op) = self.operator.as_mut().filter(|op| op.id == target.id) {
            op.role = role;
        }
        Ok(())
    }

    /// Makes a user inactive: they no longer log in; what they did keeps their name.
    pub fn deactivate(&mut self, user_id: i64) -> Result<(), TillError> {
        let target = self.active_user(user_id)?;
        let actor = self.acting(needed_to_manage(target.role))?;
        if actor.id == target.id {
            return Err(UserError::Yourself.into());
        }
        self.check_not_last(&target, None)?;
        Ok(self.store.deactivate_user(target.id, &actor.name, self.clock.now())?)
    }

    /// The active manager or admin whose PIN this is (None: nobody's). Every hash is checked,
    /// so the time taken does not tell whose PIN it was.
    pub(super) fn manager_by_pin(&self, pin: &str) -> Result<Option<Operator>, TillError> {
        let managers: Vec<UserRow> = self
            .store
            .users(false)?
            .into_iter()
            .filter(|u| u.role.is_manager())
            .collect();
        if managers.is_empty() {
            return Err(UserError::NoManager.into());
        }
        if check_pin(pin).is_err() {
            return Ok(None);
        }
        let mut found: Vec<&UserRow> = Vec::new();
        for u in &managers {
            match pin_matches(pin, &u.pin_hash) {
                Ok(true) => found.push(u),
                Ok(false) => {}
                Err(e) => tracing::warn!(user = u.id, "unreadable PIN hash skipped: {e}"),
            }
        }
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(operator(one))),
            _ => Err(UserError::PinShared.into()),
        }
    }

    /// The logged-in user as the ledger has them now, if their role is at least `needs`.
    /// A refusal is audited like every other permission check (`permit`).
    fn acting(&mut self, needs: Role) -> Result<UserRow, TillError> {
        let op = self.operator.as_ref().ok_or(UserError::NotLoggedIn)?;
        let row = self
            .store
            .user(op.id)?
            .filter(|u| u.active)
            .ok_or_else(|| UserError::Inactive(op.name.clone()))?;
        if row.role < needs {
            self.audit_denied(Action::ManageUsers, &row.name, needs)?;
            return Err(UserError::NotAllowed { needs }.into());
        }
        Ok(row)
    }

    fn active_user(&self, id: i64) -> Result<UserRow, TillError> {
        let row = self.store.user(id)?.ok_or(UserError::NoSuchUser(id))?;
        if !row.active {
            return Err(UserError::Inactive(row.name).into());
        }
        Ok(row)
    }

    /// Refuses taking away (None: deactivating, or a new role) the last admin, or the last
    /// manager-or-admin: nobody could then manage managers, or the till.
    fn check_not_last(&self, target: &UserRow, new_role: Option<Role>) -> Result<(), TillError> {
        let others: Vec<UserRow> = self
            .store
            .users(false)?
            .into_iter()
            .filter(|u| u.id != target.id)
            .collect();
        let keeps = |role: Role| new_role.is_some_and(|r| r >= role);
        if target.role.is_manager() && !keeps(Role::Manager) && !others.iter().any(|u| u.role.is_manager()) {
            return Err(UserError::LastManager.into());
        }
        if target.role == Role::Admin && !keeps(Role::Admin) && !others.iter().any(|u| u.role == Role::Admin) {
            return Err(UserError::LastAdmin.into());
        }
        Ok(())
    }

    /// A manager's PIN approves on its own (see `manager_approval`), so no two managers may
    /// share one.
    fn check_pin_free(&self, pin: &str, except: Option<i64>, active: &[UserRow]) -> Result<(), TillError> {
        let taken = active
            .iter()
            .filter(|u| u.role.is_manager() && Some(u.id) != except)
            .any(|u| pin_matches(pin, &u.pin_hash).unwrap_or(false));
        if taken {
            return Err(UserError::PinInUse.into());
        }
        Ok(())
    }

    /// Local "HH:MM" (login locks last minutes, not days).
    fn hhmm(&self, at: Timestamp) -> String {
        at.to_zoned(self.config.time_zone.clone()).strftime("%H:%M").to_string()
    }
}

#[cfg(test)]
mod tests;
