//! Sending a queued job from a command and telling the user what became of it. A printer
//! problem is reported, never turned into a failed sale or report.

use crate::sale::SaleRecord;
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

/// Queues a document with `queue` and sends it, when there is a printer to send it to
/// (`--printer`, the config's, or demo mode's preview folder).
pub fn queue_and_send(
    till: &mut Till,
    queue: impl FnOnce(&mut Till) -> Result<i64, TillError>,
) -> anyhow::Result<Option<Outcome>> {
    let Some(target) = till.print_target(None) else {
        return Ok(None);
    };
    let job = queue(till)?;
    Ok(Some(send(till, job, &target)?))
}

/// Prints a sale's receipt where there is a printer, then shows it: the JSON of the sale
/// (with `print`) and `true`, or the receipt text and the print outcome and `false`.
pub fn receipt(till: &mut Till, sale: &SaleRecord, json: bool) -> anyhow::Result<bool> {
    let printed = queue_and_send(till, |till| till.queue_receipt(sale))?;
    if json {
        let mut value = super::json::sale(sale);
        value["print"] = printed.as_ref().map(|p| p.to_json()).unwrap_or_default();
        super::print_json(&value)?;
        return Ok(true);
    }
    print!("{}", till.receipt_text(sale));
    if let Some(p) = &printed {
        p.report("receipt");
    }
    Ok(false)
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
