//! Work that must not block the window (a terminal exchange): run on its own thread, its
//! progress and result arriving as messages. Tests run the same job on their own thread and
//! feed the messages back, so the GUI path is exercised without an event loop.

use iced::Task;
use iced::futures::channel::mpsc;
use std::fmt;
use std::sync::{Arc, Mutex};

type Work<M> = Box<dyn FnOnce(&mut dyn FnMut(M)) + Send>;

/// A piece of background work that reports through the `send` function it is given.
pub struct Job<M> {
    work: Work<M>,
}

impl<M: Send + 'static> Job<M> {
    pub fn new(work: impl FnOnce(&mut dyn FnMut(M)) + Send + 'static) -> Job<M> {
        Job { work: Box::new(work) }
    }

    pub fn map<N: Send + 'static>(self, f: impl Fn(M) -> N + Send + 'static) -> Job<N> {
        Job::new(move |send: &mut dyn FnMut(N)| (self.work)(&mut |m| send(f(m))))
    }

    /// Starts the job on a new thread; its messages reach `update` as they are sent.
    pub fn spawn(self) -> Task<M> {
        let (tx, rx) = mpsc::unbounded();
        std::thread::spawn(move || {
            // A closed channel means the window is gone; the job still finishes its work.
            (self.work)(&mut |m| {
                let _ = tx.unbounded_send(m);
            })
        });
        Task::run(rx, |m| m)
    }

    /// Runs the job to its end on the calling thread, handing each message to `send`.
    pub fn run(self, mut send: impl FnMut(M)) {
        (self.work)(&mut send)
    }

    /// Runs the job to its end on the calling thread and returns what it sent, in order.
    pub fn run_here(self) -> Vec<M> {
        let mut sent = Vec::new();
        self.run(|m| sent.push(m));
        sent
    }
}

impl<M> fmt::Debug for Job<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Job")
    }
}

/// A value that is neither Clone nor Debug (the till, lent to a job) carried inside a
/// message, which must be both. It is taken out exactly once.
pub struct Parcel<T>(Arc<Mutex<Option<T>>>);

impl<T> Parcel<T> {
    pub fn new(value: T) -> Parcel<T> {
        Parcel(Arc::new(Mutex::new(Some(value))))
    }

    /// The value, the first time; `None` after that.
    pub fn take(&self) -> Option<T> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl<T> Clone for Parcel<T> {
    fn clone(&self) -> Self {
        Parcel(self.0.clone())
    }
}

impl<T> fmt::Debug for Parcel<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Parcel")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_reports_in_order_and_a_parcel_is_taken_once() {
        let job = Job::new(|send: &mut dyn FnMut(u32)| {
            for i in 1..=3 {
                send(i);
            }
        })
        .map(|i| i * 10);
        assert_eq!(job.run_here(), vec![10, 20, 30]);
        let parcel = Parcel::new(String::from("till"));
        let copy = parcel.clone();
        assert_eq!(copy.take().as_deref(), Some("till"));
        assert_eq!(parcel.take(), None);
    }
}
