//! Locking the till and logging in. The login screen lies over every screen while nobody is
//! logged in; what is under it (the cart, an open end-of-day) is kept for whoever logs in
//! next.
//!
//! The lock never hides the guard: the banner stays above the login screen, the guard is
//! still asked every second and opens the end-of-day screen under the lock (it is the first
//! thing the next person sees), and a close request still gets the quit dialog, over the
//! login screen, whose Settle now works without a login (settling is what the guard asks
//! for). A terminal exchange is never interrupted: while the terminal has the till, F7 and
//! a typed PIN wait for it, and the idle timer does not lock.

use super::{App, Message, Screen, Step};
use crate::ui::keys::{Input, Shortcut};
use crate::ui::screen::{checkout, login, users};
use crate::users::Operator;
use iced::Task;
use jiff::SignedDuration;

impl App {
    /// Whether a message is someone at the till doing something (for the idle timer).
    pub(super) fn note_input(&mut self, message: &Message) {
        let background = matches!(
            message,
            Message::Desk(_)
                | Message::PollTerminal
                | Message::GuardTick
                | Message::WindowRaw(_)
                | Message::Printed(..)
                | Message::Checkout(checkout::Message::Tick)
        );
        if !background {
            self.last_input = self.clock.now();
        }
    }

    /// Who is logged in (None while locked).
    pub fn operator(&self) -> Option<&Operator> {
        self.who.as_ref()
    }

    /// The login screen, while the till is locked.
    pub fn login_screen(&self) -> Option<&login::State> {
        self.lock.as_ref()
    }

    pub fn is_locked(&self) -> bool {
        self.lock.is_some()
    }

    /// Locks the till (F7, the Lock button, or `idle` minutes without input).
    pub(super) fn lock_till(&mut self, idle: Option<u32>) -> Step {
        if self.lock.is_some() {
            return Task::none().into();
        }
        let Some(desk) = self.desk.as_mut() else {
            // The terminal has the till: lock when it is back, never in the middle.
            if idle.is_none() {
                self.waiting.push(Message::Lock);
            }
            return Task::none().into();
        };
        let left = match idle {
            Some(minutes) => desk.till.logout_idle(minutes),
            None => desk.till.logout(),
        };
        if let Err(e) = left {
            tracing::warn!("logout not recorded: {e}");
        }
        let last = self.who.take().map(|o| o.id);
        let state = login::State::new(&desk.till, last, &self.i18n);
        let focus = state.focus();
        self.lock = Some(state);
        // Managing users (or settings, or incidents under a manager's PIN) is for the manager
        // who opened it, not for whoever logs in next.
        if matches!(
            self.screen,
            Screen::Users(_) | Screen::Settings(_) | Screen::Incidents(_)
        ) {
            self.screen = Screen::Checkout;
        }
        focus.into()
    }

    /// Locks when nobody touched the till for the configured minutes (asked every second).
    pub(super) fn lock_if_idle(&mut self) -> Step {
        let Some(desk) = self.desk.as_ref() else {
            return Task::none().into();
        };
        let minutes = desk.till.config().ui.lock_after_minutes;
        if minutes == 0 || self.lock.is_some() {
            return Task::none().into();
        }
        let idle = self.clock.now().duration_since(self.last_input);
        if idle >= SignedDuration::from_mins(i64::from(minutes)) {
            return self.lock_till(Some(minutes));
        }
        Task::none().into()
    }

    /// Keys the subscription delivers while the login screen is up.
    pub(super) fn locked_input(&mut self, message: checkout::Message) -> Step {
        let Some(state) = self.lock.as_mut() else {
            return Task::none().into();
        };
        match message {
            checkout::Message::Input(Input::Shortcut(Shortcut::Quit)) => self.close_requested().into(),
            checkout::Message::Input(Input::StrayEnter) => {
                let submit = if state.first.is_some() {
                    login::Message::CreateAdmin
                } else {
                    login::Message::Submit
                };
                self.login_message(submit)
            }
            checkout::Message::Input(input) => {
                let request = state.input(&self.i18n, input);
                self.login_request(request)
            }
            // The day figures stay current under the lock; nothing else reaches the checkout.
            checkout::Message::Tick => {
                if let Some(desk) = self.desk.as_mut() {
                    let _ = self
                        .checkout
                        .update(&mut desk.till, &self.i18n, checkout::Message::Tick);
                }
                Task::none().into()
            }
            _ => Task::none().into(),
        }
    }

    /// A screen's message that reaches the app while the login screen hides that screen (a
    /// click queued before the lock): dropped, so nothing is done in nobody's name.
    pub(super) fn hidden_by_lock(&self, message: &Message) -> bool {
        self.lock.is_some()
            && matches!(
                message,
                Message::EndOfDay(_)
                    | Message::Refund(_)
                    | Message::Reports(_)
                    | Message::Users(_)
                    | Message::Settings(_)
                    | Message::OpenEndOfDay
                    | Message::OpenUsers
                    | Message::Incidents(_)
                    | Message::OpenIncidents
            )
    }

    pub(super) fn login_message(&mut self, message: login::Message) -> Step {
        if matches!(message, login::Message::ToggleLanguage) {
            self.toggle_language();
        }
        let Some(state) = self.lock.as_mut() else {
            return Task::none().into();
        };
        let checks = matches!(message, login::Message::Submit | login::Message::CreateAdmin);
        if checks && self.desk.is_none() {
            // The PIN is checked by the till, which the terminal has: when it is back.
            state.waiting(&self.i18n);
            self.waiting.push(Message::Login(message));
            return Task::none().into();
        }
        let request = state.update(&self.i18n, message);
        self.login_request(request)
    }

    fn login_request(&mut self, request: login::Request) -> Step {
        let (Some(state), Some(desk)) = (self.lock.as_mut(), self.desk.as_mut()) else {
            return Task::none().into();
        };
        let result = match request {
            login::Request::None => return Task::none().into(),
            login::Request::Focus => return state.focus().into(),
            login::Request::Login { user, pin } => desk.till.login(user, &pin),
            login::Request::CreateAdmin { name, pin } => desk.till.create_first_admin(&name, &pin),
        };
        match result {
            Ok(operator) => self.unlocked(operator),
            Err(e) => {
                state.failed(&desk.till, &self.i18n, &e);
                state.focus().into()
            }
        }
    }

    fn unlocked(&mut self, operator: Operator) -> Step {
        self.lock = None;
        self.who = Some(operator);
        self.last_input = self.clock.now();
        match self.screen {
            Screen::Checkout => self.checkout.refocus().map(Message::Checkout).into(),
            _ => Task::none().into(),
        }
    }

    /// The users screen, for managers.
    pub(super) fn open_users(&mut self) -> Step {
        let Some(desk) = self.desk.as_ref() else {
            return Task::none().into();
        };
        let manager = self.who.as_ref().is_some_and(|o| o.role.is_manager());
        if self.lock.is_some() || !manager || !matches!(self.screen, Screen::Checkout) {
            return Task::none().into();
        }
        self.screen = Screen::Users(Box::new(users::State::new(&desk.till, &self.i18n)));
        Task::none().into()
    }

    pub(super) fn users_message(&mut self, message: users::Message) -> Step {
        let Screen::Users(state) = &mut self.screen else {
            return Task::none().into();
        };
        let Some(desk) = self.desk.as_mut() else {
            return Task::none().into();
        };
        let request = state.update(&mut desk.till, &self.i18n, message);
        // A manager may have changed their own role.
        self.who = desk.till.operator().cloned();
        match request {
            users::Request::None => Task::none().into(),
            users::Request::Back => {
                self.screen = Screen::Checkout;
                self.checkout.refocus().map(Message::Checkout).into()
            }
        }
    }
}

impl App {
    /// The banner with who is logged in beside it (Lock, and Users for managers).
    pub(super) fn with_operator<'a>(
        &'a self,
        banner: iced::Element<'a, Message>,
        on_checkout: bool,
    ) -> iced::Element<'a, Message> {
        let (Some(who), None) = (&self.who, &self.lock) else {
            return banner;
        };
        let users = (who.role.is_manager() && on_checkout).then_some(Message::OpenUsers);
        let training = self.training_button(on_checkout);
        iced::widget::row![
            banner,
            training,
            login::operator_bar(who, &self.i18n, Message::Lock, users)
        ]
        .spacing(crate::ui::theme::SPACING)
        .align_y(iced::Center)
        .into()
    }
}
