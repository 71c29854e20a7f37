//! The login (lock) screen: the active users as big buttons and a PIN pad that also takes
//! the keyboard. It lies over everything else while nobody is logged in: the screens under
//! it, and the checkout's cart, are kept as they were, so switching cashier loses nothing.
//! A till without any user asks here for its first admin instead (name and PIN twice).
//!
//! This state never touches the till: it asks the app (`Request`) to check a PIN or to
//! create the admin, and is told the outcome (`failed`). PINs are never shown and are
//! dropped as soon as they were checked.

mod view;

pub use view::operator_bar;

use crate::i18n::I18n;
use crate::till::{Till, TillError};
use crate::ui::keys::{Input, Shortcut};
use crate::users::{Operator, PIN_MAX, Role, UserError, check_name, check_pin};
use iced::Task;
use iced::widget::{Id, operation};

/// The PIN field.
pub const PIN_ID: &str = "login-pin";
/// The first admin's fields.
pub const NAME_ID: &str = "login-name";
pub const FIRST_PIN_ID: &str = "login-first-pin";
pub const FIRST_AGAIN_ID: &str = "login-first-again";

#[derive(Debug, Clone)]
pub enum Message {
    /// A user's button.
    Pick(i64),
    /// The PIN field as typed (only digits are kept).
    Pin(String),
    /// A key of the PIN pad.
    Digit(char),
    Backspace,
    Submit,
    /// The first admin's form.
    Name(String),
    FirstPin(String),
    FirstAgain(String),
    CreateAdmin,
    /// Chinese / English, before anyone logs in (the app switches it).
    ToggleLanguage,
}

/// What the screen asks of the app, which has the till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    None,
    /// The keyboard belongs in the PIN field again.
    Focus,
    Login {
        user: i64,
        pin: String,
    },
    CreateAdmin {
        name: String,
        pin: String,
    },
}

/// The form of a till that has no user yet.
#[derive(Debug, Clone, Default)]
pub struct FirstAdmin {
    pub name: String,
    pin: String,
    again: String,
    pub name_error: Option<String>,
    pub pin_error: Option<String>,
    pub again_error: Option<String>,
}

impl FirstAdmin {
    pub fn pin(&self) -> &str {
        &self.pin
    }

    pub fn again(&self) -> &str {
        &self.again
    }
}

pub struct State {
    pub users: Vec<Operator>,
    pub selected: Option<i64>,
    pin: String,
    pub error: Option<String>,
    /// Why the PIN waits (the terminal has the till).
    pub notice: Option<String>,
    /// Set when the till has no user at all.
    pub first: Option<FirstAdmin>,
}

impl State {
    /// The screen for `till`, with `last` (who just locked it) chosen, else the first user.
    pub fn new(till: &Till, last: Option<i64>, i18n: &I18n) -> State {
        let mut state = State {
            users: Vec::new(),
            selected: None,
            pin: String::new(),
            error: None,
            notice: None,
            first: None,
        };
        state.refresh(till, i18n);
        state.selected = last
            .filter(|id| state.users.iter().any(|u| u.id == *id))
            .or_else(|| state.users.first().map(|u| u.id));
        state
    }

    fn refresh(&mut self, till: &Till, i18n: &I18n) {
        match till.users() {
            Ok(users) => self.users = users,
            Err(e) => self.error = Some(crate::ui::reason::till_error(i18n, &e)),
        }
        let empty = till.needs_first_admin().unwrap_or(false);
        if empty && self.first.is_none() {
            self.first = Some(FirstAdmin::default());
        } else if !empty {
            self.first = None;
        }
        if self.selected.is_some_and(|id| !self.users.iter().any(|u| u.id == id)) {
            self.selected = None;
        }
    }

    /// How many digits are typed (the view shows that many dots).
    pub fn pin(&self) -> &str {
        &self.pin
    }

    pub fn selected_user(&self) -> Option<&Operator> {
        self.selected.and_then(|id| self.users.iter().find(|u| u.id == id))
    }

    /// The task that puts the keyboard in the field it belongs in.
    pub fn focus(&self) -> Task<crate::ui::Message> {
        let id = if self.first.is_some() { NAME_ID } else { PIN_ID };
        operation::focus(Id::new(id))
    }

    pub fn update(&mut self, i18n: &I18n, message: Message) -> Request {
        match message {
            Message::Pick(id) => {
                self.selected = Some(id);
                self.pin.clear();
                self.error = None;
                Request::Focus
            }
            Message::Pin(text) => {
                self.pin = digits(&text);
                Request::None
            }
            Message::Digit(c) => {
                if self.pin.len() < PIN_MAX && c.is_ascii_digit() {
                    self.pin.push(c);
                }
                Request::Focus
            }
            Message::Backspace => {
                self.pin.pop();
                Request::Focus
            }
            Message::Submit => self.submit(i18n),
            Message::Name(text) => {
                if let Some(f) = self.first.as_mut() {
                    f.name = text;
                    f.name_error = None;
                }
                Request::None
            }
            Message::FirstPin(text) => {
                if let Some(f) = self.first.as_mut() {
                    f.pin = digits(&text);
                    f.pin_error = None;
                }
                Request::None
            }
            Message::FirstAgain(text) => {
                if let Some(f) = self.first.as_mut() {
                    f.again = digits(&text);
                    f.again_error = None;
                }
                Request::None
            }
            Message::CreateAdmin => self.create_admin(i18n),
            Message::ToggleLanguage => Request::Focus,
        }
    }

    /// Keys the window got while no field took them: digits go to the PIN, Esc clears, the
    /// arrows choose another user (Enter is the app's: it may have to wait for the till).
    pub fn input(&mut self, i18n: &I18n, input: Input) -> Request {
        match input {
            Input::Stray(text) if self.first.is_none() => {
                for c in text.chars().filter(char::is_ascii_digit) {
                    let _ = self.update(i18n, Message::Digit(c));
                }
                Request::Focus
            }
            Input::Shortcut(Shortcut::Escape) => {
                self.pin.clear();
                self.error = None;
                Request::Focus
            }
            Input::Shortcut(Shortcut::SelectPrevious | Shortcut::SelectNext) if !self.users.is_empty() => {
                let last = self.users.len() - 1;
                let at = self.selected.and_then(|id| self.users.iter().position(|u| u.id == id));
                let next = match (input, at) {
                    (Input::Shortcut(Shortcut::SelectPrevious), Some(i)) => i.saturating_sub(1),
                    (_, Some(i)) => (i + 1).min(last),
                    (_, None) => 0,
                };
                self.update(i18n, Message::Pick(self.users[next].id))
            }
            _ => Request::None,
        }
    }

    fn submit(&mut self, i18n: &I18n) -> Request {
        self.notice = None;
        let Some(user) = self.selected else {
            self.error = Some(i18n.t("login-choose-user"));
            return Request::Focus;
        };
        if self.pin.is_empty() {
            self.error = Some(i18n.t("login-type-pin"));
            return Request::Focus;
        }
        Request::Login {
            user,
            pin: std::mem::take(&mut self.pin),
        }
    }

    fn create_admin(&mut self, i18n: &I18n) -> Request {
        let Some(f) = self.first.as_mut() else {
            return Request::None;
        };
        f.name_error = check_name(&f.name).err().map(|e| user_error(i18n, &e));
        f.pin_error = check_pin(&f.pin).err().map(|e| user_error(i18n, &e));
        f.again_error = (f.pin_error.is_none() && f.again != f.pin).then(|| i18n.t("users-pins-differ"));
        if f.name_error.is_some() || f.pin_error.is_some() || f.again_error.is_some() {
            // PINs are typed afresh, never kept.
            f.pin.clear();
            f.again.clear();
            return Request::None;
        }
        f.again.clear();
        Request::CreateAdmin {
            name: f.name.trim().to_string(),
            pin: std::mem::take(&mut f.pin),
        }
    }

    /// The till refused the PIN (or the new admin): say why, ready for the next try.
    pub fn failed(&mut self, till: &Till, i18n: &I18n, e: &TillError) {
        self.pin.clear();
        self.notice = None;
        self.error = Some(crate::ui::reason::till_error(i18n, e));
        // A user may have been deactivated meanwhile (at another till on the same ledger).
        self.refresh(till, i18n);
    }

    /// The terminal has the till: the PIN is checked as soon as it is back.
    pub fn waiting(&mut self, i18n: &I18n) {
        self.notice = Some(i18n.t("login-terminal-busy"));
    }
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).take(PIN_MAX).collect()
}

pub fn role_text(role: Role, i18n: &I18n) -> String {
    i18n.t(match role {
        Role::Cashier => "role-cashier",
        Role::Manager => "role-manager",
        Role::Admin => "role-admin",
    })
}

/// A refusal about users in the screen's language. The PIN is never part of it.
pub fn user_error(i18n: &I18n, e: &UserError) -> String {
    match e {
        UserError::PinFormat => i18n.t_args(
            "user-error-pin-format",
            &[("min", crate::users::PIN_MIN.to_string()), ("max", PIN_MAX.to_string())],
        ),
        UserError::NameEmpty => i18n.t("user-error-name-empty"),
        UserError::NameTooLong => i18n.t_args("user-error-name-long", &[("max", crate::users::NAME_MAX.to_string())]),
        UserError::NameTaken(name) => i18n.t_args("user-error-name-taken", &[("name", name.clone())]),
        UserError::Inactive(name) => i18n.t_args("user-error-inactive", &[("name", name.clone())]),
        UserError::NotLoggedIn => i18n.t("user-error-not-logged-in"),
        UserError::NotAllowed { needs: Role::Admin } => i18n.t("user-error-needs-admin"),
        UserError::NotAllowed { .. } => i18n.t("user-error-needs-manager"),
        UserError::LastManager => i18n.t("user-error-last-manager"),
        UserError::LastAdmin => i18n.t("user-error-last-admin"),
        UserError::Yourself => i18n.t("user-error-yourself"),
        UserError::HasUsers => i18n.t("user-error-has-users"),
        UserError::NoManager => i18n.t("user-error-no-manager"),
        UserError::PinInUse => i18n.t("user-error-pin-in-use"),
        UserError::PinShared => i18n.t("user-error-pin-shared"),
        UserError::WrongPin { left, .. } => i18n.t_args("login-wrong-pin", &[("left", left.to_string())]),
        UserError::Locked { name, until } => {
            i18n.t_args("login-locked", &[("name", name.clone()), ("until", until.clone())])
        }
        // Technical: support reads these in English.
        UserError::NoSuchUser(_) | UserError::Hashing(_) => e.to_string(),
    }
}
