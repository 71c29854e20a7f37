//! The permission table applied: every act in `permission::Action` passes through `permit`
//! before the till does it, whoever asks (window, CLI, tests). Refusals are audited.

use super::{Till, TillError};
use crate::permission::{Action, allowed};
use crate::users::{Operator, Role};

impl Till {
    /// Whether the logged-in operator may do `action` alone (nobody logged in counts as a
    /// cashier). The screens use it to decide when to ask for a manager's PIN; `permit`
    /// decides.
    pub fn may(&self, action: Action) -> bool {
        let role = self.operator.as_ref().map_or(Role::Cashier, |o| o.role);
        allowed(role, action, &self.config.sale)
    }

    /// The least role `action` needs in this shop.
    pub fn needs(&self, action: Action) -> Role {
        action.needs(&self.config.sale)
    }

    /// Who does `action`: the approver when one is given (a manager whose PIN was typed),
    /// else the logged-in operator. Their role is read again from the ledger, so a user
    /// demoted or deactivated since logging in is refused. A refusal is audited.
    pub fn permit(&mut self, action: Action, approval: Option<&Operator>) -> Result<Operator, TillError> {
        let who = approval.or(self.operator.as_ref()).cloned();
        let current = match &who {
            Some(o) => self.store.user(o.id)?.filter(|u| u.active).map(|u| Operator {
                id: u.id,
                name: u.name,
                role: u.role,
            }),
            None => None,
        };
        let needs = self.needs(action);
        match current {
            Some(op) if op.role >= needs => Ok(op),
            _ => {
                let name = self.deny_as(action, who.as_ref())?;
                Err(TillError::NotPermitted {
                    action,
                    needs,
                    who: name,
                })
            }
        }
    }

    /// Audits that the logged-in operator tried `action` without the right to (the caller
    /// then refuses with an error of its own, e.g. one that brings up a PIN prompt).
    pub(super) fn deny(&mut self, action: Action) -> Result<(), TillError> {
        let who = self.operator.clone();
        self.deny_as(action, who.as_ref()).map(|_| ())
    }

    fn deny_as(&mut self, action: Action, who: Option<&Operator>) -> Result<String, TillError> {
        let name = who.map_or_else(|| "nobody logged in".to_string(), |o| o.name.clone());
        self.audit_denied(action, &name, self.needs(action))?;
        Ok(name)
    }

    /// The one audit record of a refusal: who tried `action`, and the role it needs (which
    /// for managing users depends on whom: see `users::needed_to_manage`).
    pub(super) fn audit_denied(&mut self, action: Action, who: &str, needs: Role) -> Result<(), TillError> {
        let detail = format!("{} needs {}", action.as_str(), needs.as_str());
        Ok(self.store.audit(self.clock.now(), who, "permission.denied", &detail)?)
    }

    /// A PIN typed to approve `action`: the manager (or admin) it belongs to, if their role
    /// suffices; the approval is audited. Wrong PINs count towards the approval lock
    /// (`manager_approval`).
    pub fn approve(&mut self, action: Action, pin: &str) -> Result<Operator, TillError> {
        let approver = self.manager_approval(pin)?;
        let approver = self.permit(action, Some(&approver))?;
        let detail = format!("{} for {}", action.as_str(), self.cashier());
        self.store
            .audit(self.clock.now(), &approver.name, "permission.approved", &detail)?;
        Ok(approver)
    }

    /// `permit` with the logged-in operator, or a PIN's owner when a PIN is given.
    pub fn permit_or_approve(&mut self, action: Action, pin: Option<&str>) -> Result<Operator, TillError> {
        match pin {
            Some(pin) => self.approve(action, pin),
            None => self.permit(action, None),
        }
    }
}

#[cfg(test)]
mod tests;
