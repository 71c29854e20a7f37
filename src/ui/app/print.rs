//! Printouts without holding up the counter: whatever the till queued while handling a
//! message (a receipt, a settlement report, a deferral slip, a claim list) is sent from a
//! worker thread after it; each outcome comes back as a message. A job that failed stays
//! queued; one button reprints it.

use super::{App, Message, Screen, Step};
use crate::till::Till;
use crate::till::print::PrintWork;
use crate::ui::job::Job;
use crate::ui::screen::checkout::Print;
use iced::Task;

impl App {
    /// After every message: a sale that just completed gets its receipt queued; then every
    /// job the till queued is sent.
    pub(super) fn print_new_jobs(&mut self) -> Option<Job<Message>> {
        let desk = self.desk.as_mut()?;
        if let Some(sale) = self.checkout.take_unprinted().cloned()
            && desk.till.print_target(None).is_some()
        {
            match desk.till.queue_receipt(&sale) {
                Ok(job) => self.checkout.set_print(Print::Sending(job)),
                Err(e) => self.checkout.set_print(Print::Failed {
                    job: 0,
                    error: e.to_string(),
                }),
            }
        }
        let jobs = self.desk.as_mut()?.till.take_new_print_jobs();
        self.send_prints(jobs)
    }

    /// Sends jobs one after the other: on a worker thread when the ledger is a file, else
    /// here (tests with an in-memory ledger, where only this connection sees the jobs).
    pub(super) fn send_prints(&mut self, jobs: Vec<i64>) -> Option<Job<Message>> {
        let till = &mut self.desk.as_mut()?.till;
        let works: Option<Vec<PrintWork>> = jobs.iter().map(|id| till.print_work(*id)).collect();
        match works {
            Some(works) if !works.is_empty() => {
                // No printer status request while these are on the wire (app/health.rs).
                self.device_watch.printing += works.len();
                self.device_watch.printing_since.get_or_insert(self.clock.now());
                Some(Job::new(move |send| {
                    for work in works {
                        let id = work.job;
                        send(Message::Printed(id, work.run().map(|_| ()).map_err(|e| e.to_string())));
                    }
                }))
            }
            Some(_) => None,
            None => {
                let results: Vec<_> = jobs.iter().map(|id| (*id, send_here(till, *id))).collect();
                for (id, result) in results {
                    self.printed(id, result);
                }
                None
            }
        }
    }

    pub(super) fn printed(&mut self, id: i64, result: Result<(), String>) {
        self.printer_outcome(&result);
        self.checkout.print_finished(id, &result);
        self.refresh_print_backlog();
        if let (Screen::Reports(state), Some(desk)) = (&mut self.screen, self.desk.as_ref()) {
            state.printed(&desk.till);
        }
        if let Screen::EndOfDay(state) = &mut self.screen {
            state.printed(id, &result, &self.i18n);
        }
        if let Screen::Incidents(state) = &mut self.screen {
            state.printed(id, &result, &self.i18n);
        }
    }

    /// The finished sale's receipt again: its failed job as it is, or a COPY.
    pub(super) fn reprint(&mut self) -> Step {
        let (Some(job), Some(desk)) = (self.checkout.reprint_request(), self.desk.as_mut()) else {
            return Task::none().into();
        };
        match desk.till.reprint_job(job) {
            Ok(id) => {
                self.checkout.set_print(Print::Sending(id));
                Step {
                    task: Task::none(),
                    job: self.send_prints(vec![id]),
                }
            }
            Err(e) => {
                let error = e.to_string();
                self.checkout.set_print(Print::Failed { job, error });
                Task::none().into()
            }
        }
    }

    /// Every job still waiting, sent again.
    pub(super) fn resend_backlog(&mut self) -> Step {
        let Some(desk) = self.desk.as_ref() else {
            return Task::none().into();
        };
        let jobs: Vec<i64> = desk
            .till
            .print_queue()
            .unwrap_or_default()
            .iter()
            .map(|j| j.id)
            .collect();
        Step {
            task: Task::none(),
            job: self.send_prints(jobs),
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

fn send_here(till: &mut Till, id: i64) -> Result<(), String> {
    let Some(target) = till.print_target(None) else {
        return Err("no printer".into());
    };
    till.print_job(id, &target).map(|_| ()).map_err(|e| e.to_string())
}
