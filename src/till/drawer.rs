//! Opening the cash drawer without a sale ("no sale"): a manager's act, audited with its
//! reason, the kick sent with a slip so the drawer count can be explained at the close.

use super::{Till, TillError};
use crate::permission::Action;
use crate::printer::pages::{self, NoSale};
use crate::users::Operator;

/// A reason fits a slip line and an audit record.
pub const REASON_MAX: usize = 80;

impl Till {
    /// Opens the drawer: needs a manager (logged in, or `approval`) and a reason. The
    /// opening is audited before the kick is queued; returns the print job that kicks it.
    pub fn open_drawer(&mut self, reason: &str, approval: Option<&Operator>) -> Result<i64, TillError> {
        let reason: String = reason.trim().chars().filter(|c| !c.is_control()).collect();
        if reason.is_empty() {
            return Err(TillError::Drawer(
                "opening the drawer without a sale needs a reason".into(),
            ));
        }
        if reason.chars().count() > REASON_MAX {
            return Err(TillError::Drawer(format!(
                "the reason is longer than {REASON_MAX} characters"
            )));
        }
        if self.print_target(None).is_none() {
            return Err(TillError::Drawer(
                "no receipt printer is set up: the drawer opens through the printer".into(),
            ));
        }
        let approver = self.permit(Action::OpenDrawer, approval)?;
        let now = self.clock.now();
        let cashier = self.cashier();
        let detail = format!("reason: {reason}; cashier {cashier}");
        self.store.audit(now, &approver.name, "drawer_no_sale", &detail)?;
        let (h, tz, cols) = (self.header(), self.config.time_zone.clone(), self.config.printer.cols);
        let slip = NoSale {
            at: now,
            cashier: &cashier,
            approved_by: &approver.name,
            reason: &reason,
        };
        let doc = self.page(|tr| pages::no_sale_slip(&h, tr, &slip, &tz, cols));
        self.queue_print("no_sale", None, &doc, true)
    }
}

#[cfg(test)]
mod tests {
    use crate::clock::ManualClock;
    use crate::till::{Till, TillError};
    use std::sync::Arc;

    #[test]
    fn the_drawer_opens_for_a_manager_with_a_reason_and_is_audited() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = crate::till::Paths::resolve(Some(dir.path().to_path_buf()), None).expect("paths");
        let clock = Arc::new(ManualClock::new("2026-03-02T10:00:00Z".parse().expect("time")));
        let mut till = Till::open(&paths, clock).expect("demo till");
        let users = till.users().expect("users");
        let first_cashier = users
            .iter()
            .find(|u| u.role == crate::users::Role::Cashier)
            .expect("demo cashier");
        let cashier = till.login(first_cashier.id, "1111").expect("cashier logs in");
        assert_eq!(cashier.role, crate::users::Role::Cashier);
        let refused = till
            .open_drawer("change for the float", None)
            .expect_err("a cashier alone");
        assert!(matches!(refused, TillError::NotPermitted { .. }), "{refused}");
        assert!(matches!(till.open_drawer("  ", None), Err(TillError::Drawer(_))));
        let manager = till
            .approve(crate::permission::Action::OpenDrawer, "1234")
            .expect("manager PIN");
        let job = till
            .open_drawer("change for the float", Some(&manager))
            .expect("opened");
        let queued = till.store().print_job(job).expect("read").expect("job");
        assert!(queued.open_drawer, "the job kicks the drawer");
        assert!(queued.doc.text().contains("change for the float"));
        let events = till.store().audit_tail(3).expect("audit");
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["permission.denied", "permission.approved", "drawer_no_sale"]);
        assert_eq!(events[2].actor, manager.name);
        assert_eq!(till.store().verify_audit().expect("verify"), None);
    }
}
