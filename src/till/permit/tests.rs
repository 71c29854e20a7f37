//! The permission table is enforced by the till itself, whoever calls it, and every refusal
//! is in the audit log.

use crate::permission::Action;
use crate::sale::RefundRequest;
use crate::till::fake_terminal::till;
use crate::till::{Till, TillError};
use crate::users::{Operator, Role};

const CASHIER_PIN: &str = "1111";
const MANAGER_PIN: &str = "1234";

fn demo_user(till: &Till, role: Role) -> Operator {
    till.users()
        .expect("users")
        .into_iter()
        .find(|u| u.role == role)
        .expect("a demo user of that role")
}

/// A demo till with the demo cashier logged in and one cash sale (#1).
fn cashier_till() -> Till {
    let (mut till, _) = till();
    let cashier = demo_user(&till, Role::Cashier);
    till.login(cashier.id, CASHIER_PIN).expect("cashier logs in");
    let mut cart = till.new_cart();
    till.scan(&mut cart, "COLA").expect("scan");
    till.pay_cash(&cart, None).expect("sale");
    till
}

fn last_event(till: &Till) -> (String, String, String) {
    let e = till.store().audit_tail(1).expect("audit").pop().expect("an event");
    (e.actor, e.kind, e.detail)
}

#[test]
fn a_cashier_alone_may_not_refund_and_the_attempt_is_audited() {
    let mut till = cashier_till();
    let cashier = till.operator().cloned().expect("logged in");
    let e = till.refund(1, &RefundRequest::default(), None).expect_err("refused");
    assert!(
        matches!(&e, TillError::NotPermitted { action: Action::Refund, needs: Role::Manager, who } if *who == cashier.name),
        "{e}"
    );
    assert_eq!(
        last_event(&till),
        (
            cashier.name.clone(),
            "permission.denied".into(),
            "refund needs manager".into()
        )
    );
    // Nothing was refunded.
    assert!(till.store().refunded_lines(1).expect("lines").is_empty());

    // With a manager's PIN the same refund goes through; the approval is audited first.
    let manager = till.approve(Action::Refund, MANAGER_PIN).expect("manager approves");
    let refund = till
        .refund(1, &RefundRequest::default(), Some(&manager))
        .expect("refund");
    assert_eq!(refund.draft.refund_of, Some(1));
    let kinds: Vec<String> = till
        .store()
        .audit_tail(3)
        .expect("audit")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(kinds.contains(&"permission.approved".to_string()), "{kinds:?}");
    assert_eq!(till.store().verify_audit().expect("verify"), None);
}

#[test]
fn a_cashiers_pin_approves_nothing() {
    let mut till = cashier_till();
    let e = till
        .approve(Action::Refund, CASHIER_PIN)
        .expect_err("not a manager's PIN");
    assert!(matches!(e, TillError::WrongPin { .. }), "{e}");
    // A cashier offered as the approver is refused by the table, not trusted.
    let cashier = till.operator().cloned().expect("logged in");
    let e = till.permit(Action::OpenDrawer, Some(&cashier)).expect_err("refused");
    assert!(
        matches!(
            e,
            TillError::NotPermitted {
                action: Action::OpenDrawer,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn the_role_is_read_from_the_ledger_not_from_the_callers_copy() {
    let (mut till, _) = till();
    let admin = demo_user(&till, Role::Admin);
    let manager = demo_user(&till, Role::Manager);
    till.login(admin.id, "8888").expect("admin logs in");
    till.set_role(manager.id, Role::Cashier).expect("demoted");
    // The stale copy still says Manager; the till asks the ledger.
    let stale = Operator {
        role: Role::Manager,
        ..manager
    };
    let e = till.permit(Action::Refund, Some(&stale)).expect_err("demoted");
    assert!(matches!(e, TillError::NotPermitted { .. }), "{e}");
    // A made-up user is nobody.
    let forged = Operator {
        id: 9_999,
        name: "Ghost".into(),
        role: Role::Admin,
    };
    assert!(till.permit(Action::ChangeSettings, Some(&forged)).is_err());
    assert_eq!(last_event(&till).0, "Ghost");
}

#[test]
fn nobody_logged_in_is_refused_and_named_so() {
    let (mut till, _) = till();
    let e = till.permit(Action::VoidSale, None).expect_err("nobody");
    assert!(matches!(e, TillError::NotPermitted { .. }), "{e}");
    let (actor, kind, detail) = last_event(&till);
    assert_eq!(
        (actor.as_str(), kind.as_str(), detail.as_str()),
        ("nobody logged in", "permission.denied", "void_sale needs manager")
    );
}

#[test]
fn managing_users_above_ones_role_is_refused_and_audited() {
    let (mut till, _) = till();
    let manager = demo_user(&till, Role::Manager);
    till.login(manager.id, MANAGER_PIN).expect("manager logs in");
    assert!(till.add_user("New Boss", Role::Manager, "4321").is_err());
    let (actor, kind, detail) = last_event(&till);
    assert_eq!(
        (actor, kind, detail),
        (
            manager.name,
            "permission.denied".into(),
            "manage_users needs admin".into()
        )
    );
}

#[test]
fn a_manager_logged_in_needs_no_pin_and_leaves_no_approval_event() {
    let (mut till, _) = till();
    let manager = demo_user(&till, Role::Manager);
    till.login(manager.id, MANAGER_PIN).expect("manager logs in");
    let before = till.store().audit_count().expect("count");
    let who = till.permit(Action::Refund, None).expect("allowed");
    assert_eq!(who.name, manager.name);
    assert_eq!(till.store().audit_count().expect("count"), before);
    assert!(till.may(Action::Refund) && !till.may(Action::Restore));
}
