//! When to kill a run: a seeded random delay after its start or after the terminal's result
//! reached the till, scaled by how long undisturbed runs take on this machine.

use super::proxy::{self, Message};
use super::rng::Rng;
use std::time::{Duration, Instant};

/// When to kill, relative to what.
#[derive(Debug, Clone, Copy)]
pub enum Aim {
    /// A delay after the process started, over its whole life.
    Life,
    /// A delay after the terminal's result reached the till, up to the end of the run.
    AfterResult,
    /// A delay after the result, shorter than the till takes to acknowledge it.
    BeforeAcknowledgement,
}

/// Timings of undisturbed runs; kills are aimed by their medians (a slow outlier on a busy
/// machine would otherwise push most kills past the end of the run).
#[derive(Debug, Default, Clone)]
pub struct Timing {
    life: Vec<Duration>,
    result_to_exit: Vec<Duration>,
    result_to_ack: Vec<Duration>,
}

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

impl Timing {
    pub fn take(&mut self, started: Instant, ended: Instant, messages: &[Message], command: u8) {
        self.life.push(ended - started);
        if let Some(i) = proxy::result_after(messages, command) {
            let result = messages[i].at;
            self.result_to_exit.push(ended.saturating_duration_since(result));
            if let Some(ack) = messages.iter().skip(i + 1).find(|m| m.dir == proxy::Dir::ToTerminal) {
                self.result_to_ack.push(ack.at.saturating_duration_since(result));
            }
        }
    }

    pub fn delay(&self, aim: Aim, rng: &mut Rng) -> Duration {
        match aim {
            Aim::Life => rng.up_to(median(&self.life) * 11 / 10),
            Aim::AfterResult => rng.up_to(median(&self.result_to_exit)),
            Aim::BeforeAcknowledgement => rng.up_to(median(&self.result_to_ack)),
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "run {:?}, result to exit {:?}, result to acknowledgement {:?} (medians)",
            median(&self.life),
            median(&self.result_to_exit),
            median(&self.result_to_ack)
        )
    }
}
