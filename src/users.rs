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

#[cfg(test)]
mod tests {
    use super::*;

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
