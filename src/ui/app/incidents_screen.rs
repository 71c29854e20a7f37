//! The incidents screen in the window, and the banner line naming open incidents on every
//! screen. The open count and the newest one's kind are kept here, re-read after each sweep
//! (`refresh_guard`, see app/incidents_watch.rs), so the view never asks the ledger.

use super::{App, Message, Screen, Step};
use crate::incident::{IncidentKind, kind_title};
use crate::ui::screen::incidents;
use crate::ui::theme;
use iced::widget::{container, text};
use iced::{Element, Fill, Task};

/// The id of the banner's incidents line, for tests.
pub const INCIDENTS_LINE_ID: &str = "incidents-line";

/// What the banner says about incidents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenIncidents {
    pub count: usize,
    pub newest: Option<IncidentKind>,
}

impl App {
    /// The open incidents the banner names.
    pub fn open_incidents(&self) -> OpenIncidents {
        self.open_incidents
    }

    /// Re-reads the open incidents, after each sweep (`refresh_guard`, so every second); an
    /// incidents screen that is up follows when they changed.
    pub(super) fn refresh_incidents(&mut self) {
        let Some(desk) = self.desk.as_ref() else {
            return;
        };
        let open = match desk.till.incidents(true) {
            Ok(open) => open,
            Err(e) => {
                // Keep the last word: the banner must not lose an incident to a busy ledger.
                tracing::warn!("open incidents not read: {e}");
                return;
            }
        };
        // Listed oldest first: the newest is the last.
        let now = OpenIncidents {
            count: open.len(),
            newest: open.last().map(|i| i.kind),
        };
        if now != self.open_incidents {
            match &mut self.screen {
                Screen::Incidents(state) => state.reload(&desk.till, &self.i18n),
                // Its button counts them (a deferral made there opens one after its update).
                Screen::EndOfDay(state) => state.incidents_open = now.count as i64,
                _ => {}
            }
        }
        self.open_incidents = now;
    }

    /// The banner's line about open incidents (none when there are none).
    pub(super) fn incidents_line(&self) -> Option<Element<'_, Message>> {
        let open = self.open_incidents;
        let title = kind_title(open.newest?, &self.i18n);
        let words = match open.count {
            1 => self.i18n.t_args("incidents-banner-one", &[("title", title)]),
            n => self
                .i18n
                .t_args("incidents-banner-many", &[("count", n.to_string()), ("title", title)]),
        };
        Some(
            container(text(words).size(theme::TEXT))
                .id(iced::widget::Id::new(INCIDENTS_LINE_ID))
                .style(theme::demo_badge)
                .padding([6.0, 12.0])
                .width(Fill)
                .into(),
        )
    }

    /// The incidents screen: from the checkout between customers, or from the end-of-day
    /// screen (Back returns there).
    pub(super) fn open_incidents_screen(&mut self, from_end_of_day: bool) -> Step {
        if !from_end_of_day && !self.may_leave_checkout() {
            return Task::none().into();
        }
        let Some(desk) = self.desk.as_ref() else {
            return Task::none().into();
        };
        let state = incidents::State::new(&desk.till, &self.i18n, from_end_of_day);
        self.screen = Screen::Incidents(Box::new(state));
        Task::none().into()
    }

    pub(super) fn incidents_message(&mut self, message: incidents::Message) -> Step {
        let Screen::Incidents(state) = &mut self.screen else {
            return Task::none().into();
        };
        let Some(desk) = self.desk.as_mut() else {
            return Task::none().into();
        };
        let request = state.update(&mut desk.till, &self.i18n, message);
        let back_to_end_of_day = state.from_end_of_day;
        let step = match request {
            incidents::Request::None => Task::none().into(),
            incidents::Request::Back if back_to_end_of_day => {
                self.screen = Screen::Checkout;
                self.open_end_of_day(None).into()
            }
            incidents::Request::Back => {
                self.screen = Screen::Checkout;
                self.checkout.refocus().map(Message::Checkout).into()
            }
            incidents::Request::Print(id) => {
                // The job just queued is also among the till's new ones: send it once.
                let mut jobs = desk.till.take_new_print_jobs();
                if !jobs.contains(&id) {
                    jobs.push(id);
                }
                Step {
                    task: Task::none(),
                    job: self.send_prints(jobs),
                }
            }
        };
        // A write-up may have closed one: the banner follows at once.
        self.refresh_incidents();
        step
    }
}

impl App {
    /// Ctrl+I: the incidents screen from the checkout (between customers) or from the
    /// end-of-day screen.
    pub(super) fn shortcut_to_incidents(&mut self) -> Step {
        match self.screen {
            Screen::Checkout => self.open_incidents_screen(false),
            Screen::EndOfDay(_) => self.open_incidents_screen(true),
            _ => Task::none().into(),
        }
    }
}
