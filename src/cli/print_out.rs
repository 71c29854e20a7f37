//! Sending a queued job from a command and telling the user what became of it. A printer
//! problem is reported, never turned into a failed sale or report.

use crate::printer::spec::PrinterSpec;
use crate::till::print::{PrintError, Printed, Target};
use crate::till::{Till, TillError};
use serde_json::{Value, json};

pub struct Outcome {
    pub job: i64,
    pub target: String,
    pub result: Result<Printed, String>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.result.is_ok()
    }

    pub fn to_json(&self) -> Value {
        match &self.result {
            Ok(p) => json!({
                "job": self.job,
                "printer": self.target,
                "state": "done",
                "bytes": p.bytes,
                "replaced_characters": p.replaced,
                "warnings": p.warnings,
            }),
            Err(e) => json!({
                "job": self.job,
                "printer": self.target,
                "state": "failed",
                "error": e,
            }),
        }
    }

    /// One line for people: where it went, or why not and how to print it later.
    pub fn describe(&self, what: &str) -> String {
        match &self.result {
            Ok(p) => {
                let mut s = format!(
                    "{what} printed on {} (job {}, {} bytes)",
                    self.target, self.job, p.bytes
                );
                if p.replaced > 0 {
                    s.push_str(&format!(
                        "; {} character(s) the printer cannot print came out as '?'",
                        p.replaced
                    ));
                }
                for w in &p.warnings {
                    s.push_str(&format!("; printer warns: {w}"));
                }
                s
            }
            Err(e) => format!(
                "{what} NOT printed: {e}; job {} stays in the queue (tillguard printer reprint job:{})",
                self.job, self.job
            ),
        }
    }

    /// Prints `describe` on stdout when it printed, on stderr when it did not.
    pub fn report(&self, what: &str) {
        if self.ok() {
            println!("{}", self.describe(what));
        } else {
            eprintln!("warning: {}", self.describe(what));
        }
    }
}

/// Queues a document with `queue` and sends it, when there is a printer to send it to.
pub fn queue_and_send(
    till: &mut Till,
    printer: Option<&PrinterSpec>,
    queue: impl FnOnce(&mut Till) -> Result<i64, TillError>,
) -> anyhow::Result<Option<Outcome>> {
    let Some(target) = till.print_target(printer) else {
        return Ok(None);
    };
    let job = queue(till)?;
    Ok(Some(send(till, job, &target)?))
}

/// Sends job `job` now; the queue records the outcome either way.
pub fn send(till: &mut Till, job: i64, target: &Target) -> anyhow::Result<Outcome> {
    let result = match till.print_job(job, target) {
        Ok(p) => Ok(p),
        Err(PrintError::Store(e)) => return Err(e.into()),
        Err(e) => Err(e.to_string()),
    };
    Ok(Outcome {
        job,
        target: target.to_string(),
        result,
    })
}
