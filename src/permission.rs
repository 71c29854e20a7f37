//! Who may do what: one table, read by the till before it acts (the screens ask the same
//! table only to know when to show a PIN prompt). Pure; the till audits every refusal.

use crate::config::SaleRules;
use crate::users::Role;

/// An act that not every role may do alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Take a line off the open sale (a "line void").
    RemoveLine,
    /// Void a card sale: the terminal reverses its payment.
    VoidSale,
    /// Give money back for an earlier sale (cash, card or a manual card).
    Refund,
    /// A discount larger than the cashier limit (`[sale] cashier_discount_limit_percent`).
    DiscountOverLimit,
    /// Open the cash drawer without a sale ("no sale").
    OpenDrawer,
    /// Postpone settling the card batch.
    DeferSettlement,
    /// Accept a settlement whose terminal totals differ from the ledger.
    AcknowledgeMismatch,
    /// Change the configuration (the settings screen).
    ChangeSettings,
    /// Add, change or deactivate users (a manager for cashiers, an admin for the rest).
    ManageUsers,
    /// Replace the ledger with a backup.
    Restore,
    /// Switch the window to the training till, or back to the real one.
    Training,
    /// Write an incident's cause and remedy, and close it.
    ManageIncidents,
}

impl Action {
    pub const ALL: [Action; 12] = [
        Action::RemoveLine,
        Action::VoidSale,
        Action::Refund,
        Action::DiscountOverLimit,
        Action::OpenDrawer,
        Action::DeferSettlement,
        Action::AcknowledgeMismatch,
        Action::ChangeSettings,
        Action::ManageUsers,
        Action::Restore,
        Action::Training,
        Action::ManageIncidents,
    ];

    /// The name in the audit log, the CLI and the README's table.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::RemoveLine => "remove_line",
            Action::VoidSale => "void_sale",
            Action::Refund => "refund",
            Action::DiscountOverLimit => "discount_over_limit",
            Action::OpenDrawer => "open_drawer",
            Action::DeferSettlement => "defer_settlement",
            Action::AcknowledgeMismatch => "acknowledge_mismatch",
            Action::ChangeSettings => "change_settings",
            Action::ManageUsers => "manage_users",
            Action::Restore => "restore",
            Action::Training => "training",
            Action::ManageIncidents => "manage_incidents",
        }
    }

    /// What it is, for messages ("... may not {describe} alone").
    pub fn describe(self) -> &'static str {
        match self {
            Action::RemoveLine => "remove a line from the sale",
            Action::VoidSale => "void a card sale",
            Action::Refund => "give a refund",
            Action::DiscountOverLimit => "give a discount above the cashier limit",
            Action::OpenDrawer => "open the cash drawer without a sale",
            Action::DeferSettlement => "defer the card settlement",
            Action::AcknowledgeMismatch => "acknowledge a settlement mismatch",
            Action::ChangeSettings => "change the settings",
            Action::ManageUsers => "manage users",
            Action::Restore => "restore a backup",
            Action::Training => "switch training mode",
            Action::ManageIncidents => "close an incident",
        }
    }

    /// The least role that may do it alone; anyone below needs the PIN of someone who may.
    /// Money leaving the till without a sale (refunds, voids, the drawer) needs a manager:
    /// those are the classic ways a till is robbed from the inside.
    pub fn needs(self, rules: &SaleRules) -> Role {
        match self {
            Action::RemoveLine if !rules.remove_line_needs_manager => Role::Cashier,
            Action::Restore => Role::Admin,
            Action::RemoveLine
            | Action::VoidSale
            | Action::Refund
            | Action::DiscountOverLimit
            | Action::OpenDrawer
            | Action::DeferSettlement
            | Action::AcknowledgeMismatch
            | Action::ChangeSettings
            | Action::ManageUsers
            | Action::Training
            | Action::ManageIncidents => Role::Manager,
        }
    }
}

/// Whether `role` may do `action` alone.
pub fn allowed(role: Role, action: Action, rules: &SaleRules) -> bool {
    role >= action.needs(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_as_documented() {
        let rules = SaleRules::default();
        let cashier_may: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| allowed(Role::Cashier, *a, &rules))
            .collect();
        assert_eq!(cashier_may, [Action::RemoveLine]);
        let manager_may_not: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| !allowed(Role::Manager, *a, &rules))
            .collect();
        assert_eq!(manager_may_not, [Action::Restore]);
        assert!(Action::ALL.into_iter().all(|a| allowed(Role::Admin, a, &rules)));
    }

    #[test]
    fn the_shop_can_make_line_removal_a_managers_act() {
        let strict = SaleRules {
            remove_line_needs_manager: true,
            ..SaleRules::default()
        };
        assert!(!allowed(Role::Cashier, Action::RemoveLine, &strict));
        assert!(allowed(Role::Manager, Action::RemoveLine, &strict));
    }

    #[test]
    fn names_are_distinct() {
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }
}
