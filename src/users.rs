//! Who works the till: cashiers, managers and admins. Pure types; the users live in the
//! ledger (`store::users`) and the till checks PINs (`till::users`).

/// What a person at the till may do. Managers may do everything a cashier may; admins
/// everything a manager may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Cashier,
    Manager,
    Admin,
}

impl Role {
    /// Approves what needs a manager (deferral, voids, discounts over the limit, reports).
    pub fn is_manager(self) -> bool {
        self >= Role::Manager
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "cashier" => Some(Role::Cashier),
            "manager" => Some(Role::Manager),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// The person logged in (or approving): enough to name them in the ledger and to decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// PINs are 4 to 8 digits: typed on a pad, long enough that three guesses rarely hit.
pub const PIN_MIN: usize = 4;
pub const PIN_MAX: usize = 8;
/// A name fits a login button and a receipt line.
pub const NAME_MAX: usize = 40;
/// Wrong PINs in a row before a user is locked out of logging in.
pub const LOGIN_ATTEMPTS: u32 = 3;
/// How long that lock lasts.
pub const LOGIN_LOCK_MINUTES: i64 = 5;

/// Why the till refused something about users (login, managing users, approvals). Never
/// carries a PIN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error("a PIN is {PIN_MIN} to {PIN_MAX} digits")]
    PinFormat,
    #[error("the name is empty")]
    NameEmpty,
    #[error("the name is longer than {NAME_MAX} characters")]
    NameTooLong,
    #[error("an active user is already named '{0}'")]
    NameTaken(String),
    #[error("no user number {0}")]
    NoSuchUser(i64),
    #[error("{0} is no longer an active user")]
    Inactive(String),
    #[error("nobody is logged in")]
    NotLoggedIn,
    #[error("only {} may do this", if *needs == Role::Admin { "an admin" } else { "a manager" })]
    NotAllowed { needs: Role },
    #[error("the last active manager or admin cannot be deactivated or made a cashier: nobody could manage the till")]
    LastManager,
    #[error("the last active admin cannot be deactivated or demoted: nobody could manage managers")]
    LastAdmin,
    #[error("you cannot deactivate yourself")]
    Yourself,
    #[error("the till already has users: a manager adds new ones")]
    HasUsers,
    #[error("no manager is set up: an admin adds one on the users screen")]
    NoManager,
    #[error("another manager or admin already uses this PIN")]
    PinInUse,
    #[error("this PIN belongs to more than one manager; an admin must change one of them")]
    PinShared,
    #[error("wrong PIN for {name} ({left} more attempt(s) before {name} is locked for {LOGIN_LOCK_MINUTES} minutes)")]
    WrongPin { name: String, left: u32 },
    #[error("{name} is locked after {LOGIN_ATTEMPTS} wrong PINs until {until}")]
    Locked { name: String, until: String },
    #[error("the PIN could not be hashed: {0}")]
    Hashing(String),
}

/// A PIN as typed: 4 to 8 ASCII digits, nothing else.
pub fn check_pin(pin: &str) -> Result<(), UserError> {
    if (PIN_MIN..=PIN_MAX).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(UserError::PinFormat)
    }
}

/// A user's name, trimmed: not empty, at most `NAME_MAX` characters, no control characters.
pub fn check_name(name: &str) -> Result<String, UserError> {
    let name: String = name.trim().chars().filter(|c| !c.is_control()).collect();
    if name.is_empty() {
        return Err(UserError::NameEmpty);
    }
    if name.chars().count() > NAME_MAX {
        return Err(UserError::NameTooLong);
    }
    Ok(name)
}

/// Who may add or change a user of `role`: a manager for cashiers, an admin for the rest.
pub fn needed_to_manage(role: Role) -> Role {
    if role.is_manager() { Role::Admin } else { Role::Manager }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_and_names_are_checked() {
        for good in ["0000", "1234", "12345678"] {
            assert_eq!(check_pin(good), Ok(()), "{good}");
        }
        for bad in ["", "123", "123456789", "12a4", " 1234", "１２３４"] {
            assert_eq!(check_pin(bad), Err(UserError::PinFormat), "{bad:?}");
        }
        assert_eq!(check_name("  王芳 Wang Fang "), Ok("王芳 Wang Fang".to_string()));
        assert_eq!(check_name(" \t"), Err(UserError::NameEmpty));
        assert_eq!(check_name(&"x".repeat(NAME_MAX + 1)), Err(UserError::NameTooLong));
        assert_eq!(needed_to_manage(Role::Cashier), Role::Manager);
        assert_eq!(needed_to_manage(Role::Manager), Role::Admin);
        assert_eq!(needed_to_manage(Role::Admin), Role::Admin);
    }

    #[test]
    fn roles_rank_and_round_trip() {
        assert!(!Role::Cashier.is_manager());
        assert!(Role::Manager.is_manager() && Role::Admin.is_manager());
        for role in [Role::Cashier, Role::Manager, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("boss"), None);
    }
}
