//! Receipts to the printer without holding up the counter: a finished sale's receipt is
//! queued in the ledger at once and sent from a worker thread; the outcome comes back as a
//! message. A job that failed stays queued; the cashier reprints it with one button.

use super::{App, Message, Step};
use crate::ui::job::Job;
use crate::ui::screen::checkout::Print;
use iced::Task;

impl App {
    /// After every message: a sale that just completed gets its receipt queued and sent.
    pub(super) fn print_new_receipt(&mut self) -> Option<Job<Message>> {
        let desk = self.desk.as_mut()?;
        let sale = self.checkout.take_unprinted()?.clone();
        desk.till.print_target(None)?;
        match desk.till.queue_receipt(&sale) {
            Ok(job) => self.send_print(job),
            Err(e) => {
                let error = e.to_string();
                self.checkout.set_print(Print::Failed { job: 0, error });
                None
            }
        }
    }

    /// Sends job `id`: on a worker thread when the ledger is a file, else here (tests with
    /// an in-memory ledger, where only this connection sees the job).
    fn send_print(&mut self, id: i64) -> Option<Job<Message>> {
        let till = &mut self.desk.as_mut()?.till;
        self.checkout.set_print(Print::Sending(id));
        if let Some(work) = till.print_work(id) {
            return Some(Job::new(move |send| {
                send(Message::Printed(id, work.run().map(|_| ()).map_err(|e| e.to_string())));
            }));
        }
        let target = till.print_target(None)?;
        let result = till.print_job(id, &target).map(|_| ()).map_err(|e| e.to_string());
        self.printed(id, result);
        None
    }

    pub(super) fn printed(&mut self, id: i64, result: Result<(), String>) {
        self.checkout.print_finished(id, &result);
        self.refresh_print_backlog();
    }

    /// The finished sale's receipt again: its failed job as it is, or a COPY.
    pub(super) fn reprint(&mut self) -> Step {
        let Some(job) = self.checkout.reprint_request() else {
            return Task::none().into();
        };
        let Some(desk) = self.desk.as_mut() else {
            return Task::none().into();
        };
        match desk.till.reprint_job(job) {
            Ok(id) => Step {
                task: Task::none(),
                job: self.send_print(id),
            },
            Err(e) => {
                self.checkout.set_print(Print::Failed {
                    job,
                    error: e.to_string(),
                });
                Task::none().into()
            }
        }
    }

    /// Every job still waiting, sent again one after the other on one worker.
    pub(super) fn resend_backlog(&mut self) -> Step {
        let Some(desk) = self.desk.as_ref() else {
            return Task::none().into();
        };
        let jobs = desk.till.print_queue().unwrap_or_default();
        let works: Vec<_> = jobs.iter().filter_map(|j| desk.till.print_work(j.id)).collect();
        if works.is_empty() {
            return Task::none().into();
        }
        let job = Job::new(move |send| {
            for work in works {
                let id = work.job;
                send(Message::Printed(id, work.run().map(|_| ()).map_err(|e| e.to_string())));
            }
        });
        Step {
            task: Task::none(),
            job: Some(job),
        }
    }

    /// How many printouts wait, and the last error among them (shown above the screen).
    pub(super) fn refresh_print_backlog(&mut self) {
        let Some(desk) = self.desk.as_ref() else { return };
        self.print_backlog = desk
            .till
            .print_queue()
            .ok()
            .filter(|jobs| !jobs.is_empty())
            .map(|jobs| {
                let reason = jobs.iter().rev().find_map(|j| j.last_error.clone()).unwrap_or_default();
                (jobs.len(), reason)
            });
    }
}
