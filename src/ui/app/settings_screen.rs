//! The settings screen (F10) in the app: opened from the checkout between customers; a
//! terminal check of the connected terminal borrows the desk like a payment does; a save
//! switches the screen language at once.

use super::{App, Message, Screen, Step};
use crate::i18n::I18n;
use crate::ui::screen::settings;
use iced::Task;
use iced::widget::{Id, operation};

impl App {
    pub(super) fn open_settings(&mut self) -> Step {
        if self.lock.is_some() || !self.may_leave_checkout() {
            return Task::none().into();
        }
        let Some(desk) = self.desk.as_ref() else {
            return Task::none().into();
        };
        let setup = desk.setup();
        let state = settings::State::new(&desk.till, &self.i18n, setup.spec.clone(), setup.data_dir.clone());
        let focus = match state.needs_pin() {
            true => settings::PIN_ID,
            false => settings::input_id(crate::config::edit::Field::StoreName),
        };
        self.screen = Screen::Settings(Box::new(state));
        operation::focus(Id::new(focus)).into()
    }

    pub(super) fn settings_message(&mut self, message: settings::Message) -> Step {
        let Screen::Settings(state) = &mut self.screen else {
            return Task::none().into();
        };
        let Some(desk) = self.desk.as_mut() else {
            // The terminal has the till (a check under way): what was typed meanwhile is
            // handled, in order, when it is back.
            self.waiting.push(Message::Settings(message));
            return Task::none().into();
        };
        match state.update(&mut desk.till, &self.i18n, message) {
            settings::Request::None => Task::none().into(),
            settings::Request::Back => {
                self.screen = super::Screen::Checkout;
                self.checkout.refocus().map(Message::Checkout).into()
            }
            settings::Request::Users => {
                // The users screen opens from the checkout, for the manager logged in.
                self.screen = Screen::Checkout;
                self.open_users()
            }
            settings::Request::Saved => {
                self.i18n = I18n::new(desk.till.language());
                self.shop.look = desk.till.config().ui.theme;
                Task::none().into()
            }
            settings::Request::Work(job) => Step {
                task: Task::none(),
                job: Some(job.map(Message::Settings)),
            },
            settings::Request::CheckThroughDesk => Step {
                task: Task::none(),
                job: self.desk.take().map(|d| d.check_terminal().map(Message::Desk)),
            },
        }
    }
}
