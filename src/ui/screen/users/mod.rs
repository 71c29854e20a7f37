//! Managing users (managers and admins): the active users with change PIN, change role and
//! deactivate, and a form that adds one (name, role, PIN twice). The fields are checked here
//! so each error shows next to its field; who may do what is the till's decision, and a
//! refusal shows the till's reason.

mod view;

use crate::i18n::I18n;
use crate::till::{Till, TillError};
use crate::ui::reason;
use crate::ui::screen::login::user_error;
use crate::users::{Operator, Role, UserError, check_name, check_pin};

/// The add form's fields.
pub const ADD_NAME_ID: &str = "users-add-name";
pub const ADD_PIN_ID: &str = "users-add-pin";
pub const ADD_AGAIN_ID: &str = "users-add-again";
/// The change-PIN form's fields.
pub const NEW_PIN_ID: &str = "users-new-pin";
pub const NEW_AGAIN_ID: &str = "users-new-again";

pub const ROLES: [Role; 3] = [Role::Cashier, Role::Manager, Role::Admin];

#[derive(Debug, Clone)]
pub enum Message {
    Back,
    AddName(String),
    AddRole(Role),
    AddPin(String),
    AddAgain(String),
    Add,
    /// Open the change-PIN form of a user.
    ChangePin(i64),
    NewPin(String),
    NewAgain(String),
    SavePin,
    CancelPin,
    SetRole(i64, Role),
    /// Ask to deactivate a user; `ConfirmDeactivate` does it.
    Deactivate(i64),
    ConfirmDeactivate,
    CancelDeactivate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    None,
    Back,
}

/// A PIN typed twice, each with its own error line.
#[derive(Debug, Clone, Default)]
pub struct PinPair {
    pin: String,
    again: String,
    pub pin_error: Option<String>,
    pub again_error: Option<String>,
}

impl PinPair {
    pub fn pin(&self) -> &str {
        &self.pin
    }

    pub fn again(&self) -> &str {
        &self.again
    }

    /// Checks the pair; the PIN when both are fine.
    fn checked(&mut self, i18n: &I18n) -> Option<String> {
        self.pin_error = check_pin(&self.pin).err().map(|e| user_error(i18n, &e));
        self.again_error = (self.pin_error.is_none() && self.again != self.pin).then(|| i18n.t("users-pins-differ"));
        let pin = (self.pin_error.is_none() && self.again_error.is_none()).then(|| self.pin.clone());
        // A refused PIN is typed afresh, never kept.
        if pin.is_none() {
            self.clear();
        }
        pin
    }

    /// Forgets what was typed (after it was used or refused).
    fn clear(&mut self) {
        self.pin.clear();
        self.again.clear();
    }
}

#[derive(Debug, Clone)]
pub struct AddForm {
    pub name: String,
    pub role: Role,
    pub pins: PinPair,
    pub name_error: Option<String>,
}

impl Default for AddForm {
    fn default() -> AddForm {
        AddForm {
            name: String::new(),
            role: Role::Cashier,
            pins: PinPair::default(),
            name_error: None,
        }
    }
}

pub struct State {
    pub users: Vec<Operator>,
    pub add: AddForm,
    /// The user whose PIN is being changed, and the form.
    pub pin_form: Option<(i64, PinPair)>,
    /// The user to deactivate once confirmed.
    pub confirm: Option<i64>,
    pub error: Option<String>,
    pub notice: Option<String>,
}

impl State {
    pub fn new(till: &Till, i18n: &I18n) -> State {
        let mut state = State {
            users: Vec::new(),
            add: AddForm::default(),
            pin_form: None,
            confirm: None,
            error: None,
            notice: None,
        };
        state.refresh(till, i18n);
        state
    }

    fn refresh(&mut self, till: &Till, i18n: &I18n) {
        match till.users() {
            Ok(users) => self.users = users,
            Err(e) => self.error = Some(reason::till_error(i18n, &e)),
        }
    }

    fn name_of(&self, id: i64) -> String {
        self.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    }

    pub fn update(&mut self, till: &mut Till, i18n: &I18n, message: Message) -> Request {
        match message {
            Message::Back => return Request::Back,
            Message::AddName(text) => {
                self.add.name = text;
                self.add.name_error = None;
            }
            Message::AddRole(role) => self.add.role = role,
            Message::AddPin(text) => {
                self.add.pins.pin = digits(&text);
                self.add.pins.pin_error = None;
            }
            Message::AddAgain(text) => {
                self.add.pins.again = digits(&text);
                self.add.pins.again_error = None;
            }
            Message::Add => self.add_user(till, i18n),
            Message::ChangePin(id) => {
                self.clear_messages();
                self.confirm = None;
                self.pin_form = Some((id, PinPair::default()));
            }
            Message::NewPin(text) => {
                if let Some((_, pair)) = self.pin_form.as_mut() {
                    pair.pin = digits(&text);
                    pair.pin_error = None;
                }
            }
            Message::NewAgain(text) => {
                if let Some((_, pair)) = self.pin_form.as_mut() {
                    pair.again = digits(&text);
                    pair.again_error = None;
                }
            }
            Message::SavePin => self.save_pin(till, i18n),
            Message::CancelPin => self.pin_form = None,
            Message::SetRole(id, role) => {
                self.clear_messages();
                let name = self.name_of(id);
                match till.set_role(id, role) {
                    Ok(()) => {
                        let role = crate::ui::screen::login::role_text(role, i18n);
                        self.notice = Some(i18n.t_args("users-role-changed", &[("name", name), ("role", role)]));
                    }
                    Err(e) => self.refused(i18n, &e),
                }
                self.refresh(till, i18n);
            }
            Message::Deactivate(id) => {
                self.clear_messages();
                self.pin_form = None;
                self.confirm = Some(id);
            }
            Message::CancelDeactivate => self.confirm = None,
            Message::ConfirmDeactivate => {
                self.clear_messages();
                if let Some(id) = self.confirm.take() {
                    let name = self.name_of(id);
                    match till.deactivate(id) {
                        Ok(()) => self.notice = Some(i18n.t_args("users-deactivated", &[("name", name)])),
                        Err(e) => self.refused(i18n, &e),
                    }
                    self.refresh(till, i18n);
                }
            }
        }
        Request::None
    }

    fn clear_messages(&mut self) {
        self.error = None;
        self.notice = None;
    }

    fn refused(&mut self, i18n: &I18n, e: &TillError) {
        self.error = Some(reason::till_error(i18n, e));
    }

    fn add_user(&mut self, till: &mut Till, i18n: &I18n) {
        self.clear_messages();
        let form = &mut self.add;
        form.name_error = check_name(&form.name).err().map(|e| user_error(i18n, &e));
        let Some(pin) = form.pins.checked(i18n) else { return };
        if form.name_error.is_some() {
            return;
        }
        let result = till.add_user(&form.name, form.role, &pin);
        form.pins.clear();
        match result {
            Ok(user) => {
                self.notice = Some(i18n.t_args(
                    "users-added",
                    &[
                        ("name", user.name.clone()),
                        ("role", crate::ui::screen::login::role_text(user.role, i18n)),
                    ],
                ));
                self.add = AddForm::default();
            }
            // Errors about a field go next to it; the rest (not allowed...) on top.
            Err(TillError::User(e @ (UserError::NameEmpty | UserError::NameTooLong | UserError::NameTaken(_)))) => {
                form.name_error = Some(user_error(i18n, &e));
            }
            Err(TillError::User(e @ (UserError::PinFormat | UserError::PinInUse))) => {
                form.pins.pin_error = Some(user_error(i18n, &e));
            }
            Err(e) => self.refused(i18n, &e),
        }
        self.refresh(till, i18n);
    }

    fn save_pin(&mut self, till: &mut Till, i18n: &I18n) {
        self.clear_messages();
        let Some((id, pair)) = self.pin_form.as_mut() else {
            return;
        };
        let Some(pin) = pair.checked(i18n) else { return };
        let id = *id;
        let result = till.set_pin(id, &pin);
        pair.clear();
        match result {
            Ok(()) => {
                self.pin_form = None;
                self.notice = Some(i18n.t_args("users-pin-changed", &[("name", self.name_of(id))]));
            }
            Err(TillError::User(e @ (UserError::PinFormat | UserError::PinInUse))) => {
                pair.pin_error = Some(user_error(i18n, &e));
            }
            Err(e) => self.refused(i18n, &e),
        }
    }
}

fn digits(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_digit)
        .take(crate::users::PIN_MAX)
        .collect()
}
