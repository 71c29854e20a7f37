//! The root of the GUI: owns the till and the translations and routes messages to the
//! current screen. Tests drive `App` through `update` and `view` exactly like iced does.

use super::keys;
use super::screen::checkout;
use crate::i18n::I18n;
use crate::till::Till;
use iced::time::{Duration, every};
use iced::{Element, Subscription, Task, event};

/// How often the header's day figures are re-read (the business day turns at the cutoff).
const STATUS_REFRESH: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub enum Message {
    Checkout(checkout::Message),
}

pub enum Screen {
    Checkout(checkout::State),
}

pub struct App {
    till: Till,
    i18n: I18n,
    screen: Screen,
}

impl App {
    /// The app on its first screen, and the task that puts the keyboard in the barcode field.
    pub fn new(till: Till) -> (App, Task<Message>) {
        let i18n = I18n::new(till.language());
        let state = checkout::State::new(&till);
        let focus = state.refocus().map(Message::Checkout);
        (
            App {
                till,
                i18n,
                screen: Screen::Checkout(state),
            },
            focus,
        )
    }

    pub fn till(&self) -> &Till {
        &self.till
    }

    pub fn i18n(&self) -> &I18n {
        &self.i18n
    }

    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    pub fn title(&self) -> String {
        self.i18n.t("app-title")
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match (&mut self.screen, message) {
            (Screen::Checkout(state), Message::Checkout(message)) => {
                state.update(&mut self.till, &self.i18n, message).map(Message::Checkout)
            }
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        match &self.screen {
            Screen::Checkout(state) => state.view(&self.till, &self.i18n).map(Message::Checkout),
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let input = event::listen_with(keys::classify).map(|input| Message::Checkout(checkout::Message::Input(input)));
        let tick = every(STATUS_REFRESH).map(|_| Message::Checkout(checkout::Message::Tick));
        Subscription::batch([input, tick])
    }
}
