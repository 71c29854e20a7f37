//! The guard as the window carries it out: asked every second (and after everything the
//! terminal did), it colours the banner, stops selling through the till itself, opens the
//! end-of-day screen when selling stops, and answers quit requests.

use super::{App, GuardView, Message, QuitChoice, Screen, Step};
use crate::settlement::guard::Verdict;
use crate::ui::screen::end_of_day;
use iced::Task;

impl App {
    /// Asks the guard again. `boot`: this is start-up, so a verdict that stops selling opens
    /// the end-of-day (recovery) screen even though nothing changed.
    pub(super) fn refresh_guard(&mut self, boot: bool) {
        let Some(desk) = self.desk.as_mut() else {
            return;
        };
        let verdict = desk.till.guard(false);
        let batches = desk.till.unsettled_batches();
        let (Ok(verdict), Ok(batches)) = (verdict, batches) else {
            // The ledger could not be read: keep the last verdict; the header shows the error.
            return;
        };
        let stopped_before = !self.guard.verdict.allows_selling();
        let stops = !verdict.allows_selling();
        // A training batch holds no real money; the real one's block stays as it was.
        if !self.is_training() {
            self.inhibitor.follow(&verdict, &batches);
        }
        self.guard = GuardView {
            verdict: verdict.clone(),
            batches,
        };
        self.remind_before_clear();
        self.watch_incidents();
        self.refresh_incidents();
        let idle = self.checkout.is_idle() && matches!(self.screen, Screen::Checkout);
        if stops && (boot || !stopped_before) && idle {
            let _ = self.open_end_of_day(Some(verdict));
        }
        if let Screen::EndOfDay(state) = &mut self.screen
            && state.opened_for.is_some()
            && !matches!(self.guard.verdict, Verdict::MustSettle { .. })
        {
            // Settled or deferred: the screen no longer speaks of a demand.
            state.opened_for = None;
        }
    }

    pub(super) fn open_end_of_day(&mut self, opened_for: Option<Verdict>) -> Task<Message> {
        let Some(desk) = self.desk.as_mut() else {
            return Task::none();
        };
        if let Screen::EndOfDay(state) = &mut self.screen {
            state.refresh(&mut desk.till);
            return Task::none();
        }
        self.screen = Screen::EndOfDay(Box::new(end_of_day::State::new(&mut desk.till, opened_for)));
        Task::none()
    }

    /// Quitting while the terminal has the till would leave its exchange for recovery to sort
    /// out; quitting with an unsettled batch is what the guard exists to prevent.
    pub(super) fn close_requested(&mut self) -> Task<Message> {
        if let Some(task) = self.close_while_training() {
            return task;
        }
        let Some(desk) = self.desk.as_mut() else {
            self.checkout.close_refused(&self.i18n);
            return Task::none();
        };
        match desk.till.guard(true) {
            Ok(verdict) if verdict.allows_quit() => iced::exit(),
            Ok(verdict) => {
                self.quit = Some(verdict);
                Task::none()
            }
            // A ledger that cannot be read must not keep the window hostage.
            Err(_) => iced::exit(),
        }
    }

    pub(super) fn quit_choice(&mut self, choice: QuitChoice) -> Step {
        let verdict = self.quit.take();
        match choice {
            QuitChoice::Stay => Task::none().into(),
            QuitChoice::Defer => {
                let task = self.open_end_of_day(verdict);
                let _ = self.end_of_day_message(end_of_day::Message::OpenDefer);
                task.into()
            }
            QuitChoice::SettleNow => {
                let _ = self.open_end_of_day(verdict);
                self.end_of_day_message(end_of_day::Message::Settle)
            }
        }
    }
}
