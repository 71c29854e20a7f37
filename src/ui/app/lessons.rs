//! The training lessons panel in the window: beside the checkout while the window is on the
//! training till (never on the real one), its messages handled with the desk's till.

use super::{App, Message, Step};
use crate::ui::screen::lessons;
use iced::Element;
use iced::widget::row;

impl App {
    /// The lessons panel (its running lesson and last result).
    pub fn lessons(&self) -> &lessons::State {
        &self.lessons
    }

    pub(super) fn lessons_message(&mut self, message: lessons::Message) -> Step {
        if self.is_training() {
            let till = self.desk.as_ref().map(|d| &d.till);
            self.lessons.update(message, till, &self.i18n);
        }
        iced::Task::none().into()
    }

    /// The checkout, with the lessons panel beside it while training.
    pub(super) fn lessons_beside<'a>(&'a self, checkout: Element<'a, Message>) -> Element<'a, Message> {
        if !self.is_training() {
            return checkout;
        }
        row![checkout, self.lessons.view(&self.i18n).map(Message::Lessons)].into()
    }
}
