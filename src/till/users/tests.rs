//! Users through the till: seeding, PIN login and its lock (ManualClock), who may manage
//! whom, the last admin kept, approvals by a manager's own PIN, and the audit chain.

use super::{CONFIG_ADMIN, DEMO_USERS};
use crate::clock::ManualClock;
use crate::config::Config;
use crate::settlement::batch::DeferReason;
use crate::store::Store;
use crate::till::{Till, TillError};
use crate::users::{Role, UserError};
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

/// A till at 2026-05-04 10:00 UTC on a fresh in-memory ledger, with `config`.
fn till_on(mut config: Config) -> (Till, Arc<ManualClock>) {
    config.time_zone = jiff::tz::TimeZone::UTC;
    let clock = Arc::new(ManualClock::new(at("2026-05-04T10:00:00Z")));
    let store = Store::open_in_memory(config.currency).expect("store");
    (Till::with_store(store, config, clock.clone()).expect("till"), clock)
}

fn demo() -> (Till, Arc<ManualClock>) {
    till_on(Config::demo())
}

fn configured(manager_pin: Option<&str>) -> (Till, Arc<ManualClock>) {
    let text = match manager_pin {
        Some(pin) => format!("[guard]\nmanager_pin = \"{pin}\"\n"),
        None => String::new(),
    };
    till_on(Config::parse(&text).expect("config"))
}

fn id_of(till: &Till, name: &str) -> i64 {
    till.users()
        .expect("users")
        .into_iter()
        .find(|u| u.name == name)
        .map(|u| u.id)
        .unwrap_or_else(|| panic!("no user {name}"))
}

fn login_as(till: &mut Till, name: &str, pin: &str) {
    let id = id_of(till, name);
    till.login(id, pin).unwrap_or_else(|e| panic!("{name} logs in: {e}"));
}

fn user_error(result: Result<impl std::fmt::Debug, TillError>) -> UserError {
    match result {
        Err(TillError::User(e)) => e,
        other => panic!("expected a user error, got {other:?}"),
    }
}

const CASHIER: &str = "王芳 Wang Fang";
const MANAGER: &str = "李经理 Manager Li";
const ADMIN: &str = "管理员 Admin";

#[test]
fn demo_and_configured_tills_start_with_their_users_and_hashes_never_equal_pins() {
    let (till, _) = demo();
    let users = till.users().expect("users");
    let seen: Vec<(&str, Role)> = users.iter().map(|u| (u.name.as_str(), u.role)).collect();
    assert_eq!(
        seen,
        [(CASHIER, Role::Cashier), (MANAGER, Role::Manager), (ADMIN, Role::Admin)]
    );
    for (demo, row) in DEMO_USERS.iter().zip(till.store.users(false).expect("rows")) {
        assert!(row.pin_hash.starts_with("$argon2id$"), "{}", row.pin_hash);
        assert!(!row.pin_hash.contains(demo.pin));
        // The hash shipped for the demo is the hash of the PIN the login screen shows.
        assert_eq!(super::pin_matches(demo.pin, &row.pin_hash), Ok(true), "{}", demo.name);
    }

    let (mut till, _) = configured(Some("2468"));
    let rows = till.store.users(false).expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].name.as_str(), rows[0].role), (CONFIG_ADMIN, Role::Admin));
    assert!(rows[0].pin_hash.starts_with("$argon2id$") && !rows[0].pin_hash.contains("2468"));
    login_as(&mut till, CONFIG_ADMIN, "2468");
    assert_eq!(till.cashier(), CONFIG_ADMIN);

    // Seeding happens once: a second open of the same ledger adds nobody.
    let (till, _) = configured(None);
    assert!(till.users().expect("users").is_empty());
    assert!(till.needs_first_admin().expect("check"));
}

#[test]
fn a_till_without_users_creates_its_first_admin_once() {
    let (mut till, _) = configured(None);
    assert_eq!(user_error(till.create_first_admin("Boss", "12")), UserError::PinFormat);
    assert_eq!(user_error(till.create_first_admin("  ", "1234")), UserError::NameEmpty);
    let boss = till.create_first_admin(" Boss ", "5678").expect("first admin");
    assert_eq!((boss.name.as_str(), boss.role), ("Boss", Role::Admin));
    assert_eq!(till.operator(), Some(&boss), "logged in");
    assert!(!till.needs_first_admin().expect("check"));
    assert_eq!(user_error(till.create_first_admin("Eve", "1111")), UserError::HasUsers);
    // That admin approves deferrals with their PIN.
    assert_eq!(till.manager_approval("5678").expect("approval").name, "Boss");
}

#[test]
fn three_wrong_pins_lock_that_user_for_five_minutes_then_the_count_starts_again() {
    let (mut till, clock) = demo();
    let li = id_of(&till, MANAGER);
    let wang = id_of(&till, CASHIER);
    assert_eq!(
        user_error(till.login(li, "0000")),
        UserError::WrongPin {
            name: MANAGER.into(),
            left: 2
        }
    );
    // A PIN that is not even 4-8 digits counts too.
    assert_eq!(
        user_error(till.login(li, "12")),
        UserError::WrongPin {
            name: MANAGER.into(),
            left: 1
        }
    );
    let locked = UserError::Locked {
        name: MANAGER.into(),
        until: "10:05".into(),
    };
    assert_eq!(user_error(till.login(li, "9999")), locked);
    assert_eq!(
        user_error(till.login(li, "1234")),
        locked,
        "locked even for the right PIN"
    );
    assert_eq!(till.operator(), None);
    // The lock is per user: the cashier still logs in.
    till.login(wang, "1111").expect("another user is not locked");

    clock.advance(SignedDuration::from_secs(5 * 60 + 1));
    assert_eq!(
        user_error(till.login(li, "0000")),
        UserError::WrongPin {
            name: MANAGER.into(),
            left: 2
        },
        "after the lock the count starts again"
    );
    let op = till.login(li, "1234").expect("unlocked");
    assert_eq!((op.name.as_str(), op.role), (MANAGER, Role::Manager));
    assert_eq!(till.cashier(), MANAGER, "sales now carry the manager's name");
    let row = till.store.user(li).expect("read").expect("row");
    assert_eq!((row.failed_attempts, row.locked_until), (0, None), "reset by success");

    till.logout().expect("logout");
    assert_eq!(till.operator(), None);
    assert!(matches!(
        user_error(till.login(999, "1234")),
        UserError::NoSuchUser(999)
    ));
}

#[test]
fn a_cashier_manages_nobody_a_manager_only_cashiers_an_admin_everyone() {
    let (mut till, _) = demo();
    assert_eq!(
        user_error(till.add_user("Zhao", Role::Cashier, "2222")),
        UserError::NotLoggedIn
    );
    login_as(&mut till, CASHIER, "1111");
    assert_eq!(
        user_error(till.add_user("Zhao", Role::Cashier, "2222")),
        UserError::NotAllowed { needs: Role::Manager }
    );
    assert_eq!(
        user_error(till.set_pin(id_of(&till, CASHIER), "2222")),
        UserError::NotAllowed { needs: Role::Manager }
    );

    login_as(&mut till, MANAGER, "1234");
    let zhao = till
        .add_user(" Zhao ", Role::Cashier, "2222")
        .expect("a manager adds a cashier");
    assert_eq!((zhao.name.as_str(), zhao.role), ("Zhao", Role::Cashier));
    assert_eq!(
        user_error(till.add_user("zhao", Role::Cashier, "3333")),
        UserError::NameTaken("zhao".into())
    );
    assert_eq!(
        user_error(till.add_user("Qian", Role::Cashier, "12a4")),
        UserError::PinFormat
    );
    for role in [Role::Manager, Role::Admin] {
        assert_eq!(
            user_error(till.add_user("Sun", role, "4444")),
            UserError::NotAllowed { needs: Role::Admin },
            "a manager cannot create a {role:?}"
        );
    }
    assert_eq!(
        user_error(till.set_role(zhao.id, Role::Manager)),
        UserError::NotAllowed { needs: Role::Admin }
    );
    assert_eq!(
        user_error(till.set_pin(id_of(&till, ADMIN), "4444")),
        UserError::NotAllowed { needs: Role::Admin }
    );
    till.set_pin(zhao.id, "5555")
        .expect("a manager changes a cashier's PIN");
    till.deactivate(zhao.id).expect("a manager deactivates a cashier");
    assert!(matches!(
        user_error(till.login(zhao.id, "5555")),
        UserError::Inactive(_)
    ));
    assert!(till.users().expect("users").iter().all(|u| u.id != zhao.id));
    assert!(till.store.user(zhao.id).expect("read").is_some(), "never deleted");

    login_as(&mut till, ADMIN, "8888");
    let sun = till
        .add_user("Sun", Role::Manager, "4444")
        .expect("an admin adds a manager");
    assert_eq!(
        user_error(till.add_user("Zhou", Role::Manager, "1234")),
        UserError::PinInUse,
        "a manager's PIN approves on its own, so it is unique among managers"
    );
    till.set_role(sun.id, Role::Admin).expect("an admin promotes");
    till.set_pin(sun.id, "4545").expect("an admin changes an admin's PIN");
    login_as(&mut till, "Sun", "4545");
    assert_eq!(till.operator().map(|o| o.role), Some(Role::Admin));
}

#[test]
fn the_last_admin_or_manager_cannot_be_demoted_or_deactivated() {
    let (mut till, _) = configured(Some("2468"));
    login_as(&mut till, CONFIG_ADMIN, "2468");
    let me = id_of(&till, CONFIG_ADMIN);
    assert_eq!(user_error(till.set_role(me, Role::Cashier)), UserError::LastManager);
    assert_eq!(user_error(till.set_role(me, Role::Manager)), UserError::LastAdmin);
    assert_eq!(user_error(till.deactivate(me)), UserError::Yourself);

    let li = till.add_user("Li", Role::Manager, "1357").expect("manager");
    let boss = till.add_user("Boss", Role::Admin, "9753").expect("second admin");
    till.set_role(li.id, Role::Cashier).expect("another admin remains");
    login_as(&mut till, "Boss", "9753");
    till.deactivate(me).expect("another admin remains");
    assert_eq!(user_error(till.set_role(boss.id, Role::Manager)), UserError::LastAdmin);
    assert_eq!(till.users().expect("users").len(), 2);
}

#[test]
fn a_deferral_is_approved_by_a_managers_own_pin_and_names_that_manager() {
    let (mut till, _) = demo();
    // A cashier's PIN is no manager's PIN.
    assert!(matches!(
        till.manager_approval("1111"),
        Err(TillError::WrongPin { left: 2 })
    ));
    assert_eq!(till.manager_approval("1234").expect("approval").name, MANAGER);
    assert_eq!(till.manager_approval("8888").expect("approval").name, ADMIN);
    // With no card batch there is nothing to defer, but the PIN was checked first.
    assert!(matches!(
        till.defer("0000", DeferReason::TerminalOffline, None),
        Err(TillError::WrongPin { left: 2 })
    ));

    let (mut till, _) = configured(None);
    assert_eq!(user_error(till.manager_approval("1234")), UserError::NoManager);
}

#[test]
fn every_change_and_login_is_audited_without_the_pin_or_its_hash() {
    let (mut till, clock) = demo();
    let li = id_of(&till, MANAGER);
    let _ = till.login(li, "0007");
    login_as(&mut till, MANAGER, "1234");
    let zhao = till.add_user("Zhao", Role::Cashier, "24680").expect("add");
    till.set_pin(zhao.id, "97531").expect("pin");
    till.logout().expect("logout");
    login_as(&mut till, ADMIN, "8888");
    till.set_role(zhao.id, Role::Manager).expect("role");
    till.deactivate(zhao.id).expect("deactivate");
    clock.advance(SignedDuration::from_mins(10));
    till.logout_idle(10).expect("idle");

    let rows = till.store.audit_rows();
    let events: Vec<(&str, &str)> = rows
        .iter()
        .filter(|(_, kind, _)| kind.starts_with("user_") || kind.starts_with("log"))
        .map(|(actor, kind, _)| (actor.as_str(), kind.as_str()))
        .collect();
    assert_eq!(
        events[3..],
        [
            (MANAGER, "login_failed"),
            (MANAGER, "login"),
            (MANAGER, "user_added"),
            (MANAGER, "user_pin_changed"),
            (MANAGER, "logout"),
            (ADMIN, "login"),
            (ADMIN, "user_role_changed"),
            (ADMIN, "user_deactivated"),
            (ADMIN, "logout"),
        ],
        "after the three demo users were set up: {events:?}"
    );
    for (actor, kind, detail) in &rows {
        for secret in ["0007", "1234", "24680", "97531", "8888", "$argon2", "m=19456"] {
            assert!(
                !actor.contains(secret) && !detail.contains(secret),
                "{kind}: '{detail}' holds {secret}"
            );
        }
    }
    assert!(rows.last().is_some_and(|(_, _, d)| d.contains("10 idle minute")));
    assert_eq!(till.store.verify_audit().expect("verify"), None);
}

#[test]
fn a_ledger_leaving_demo_mode_retires_the_demo_users_and_asks_for_a_first_admin() {
    let (demo_till, clock) = demo();
    assert_eq!(demo_till.users().expect("users").len(), DEMO_USERS.len());
    // The same ledger opened with a config file: the demo's PINs are on its login screen.
    let store = demo_till.store;
    let config = Config::parse("[store]\ntime_zone = \"UTC\"\n").expect("config");
    let mut till = Till::with_store(store, config, clock).expect("configured till");
    assert!(till.users().expect("users").is_empty(), "no demo user can log in");
    assert!(till.needs_first_admin().expect("check"));
    assert!(till.manager_approval(crate::config::DEMO_MANAGER_PIN).is_err());
    let owner = till.create_first_admin("Owner", "4321").expect("first admin");
    assert_eq!(till.users().expect("users"), vec![owner.clone()]);
    assert_eq!(till.operator(), Some(&owner));
    let audit = till.store.audit_rows();
    let retired = audit.iter().filter(|(_, kind, _)| kind == "user_deactivated").count();
    assert_eq!(retired, DEMO_USERS.len(), "each retirement is audited");
}
