//! Printing through the queue: a job is stored, then sent; it is marked done only when the
//! printer took every byte and (where the link reads back) reported no problem afterwards.
//! A printer problem never fails a sale: the job stays queued with its error for a reprint.

use super::{Till, TillError};
use crate::config::PrinterConfig;
use crate::i18n::I18n;
use crate::printer::doc::Doc;
use crate::printer::encode::{DRAWER_KICK_NOW, encode};
use crate::printer::layout;
use crate::printer::link::{self, Link, LinkError, LinkOptions};
use crate::printer::spec::PrinterSpec;
use crate::printer::status::PrinterStatus;
use crate::sale::{PaymentMethod, SaleRecord};
use crate::settlement::report::{Report, ReportKind};
use crate::store::{JobState, NewJob, PrintJob, Store, StoreError};
use jiff::Timestamp;
use std::path::PathBuf;

/// Where jobs go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Printer(PrinterSpec),
    /// Demo mode without a printer: each job becomes a text file (and its bytes) in a folder.
    Preview(PathBuf),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Printer(spec) => write!(f, "{spec}"),
            Target::Preview(dir) => write!(f, "preview:{}", dir.display()),
        }
    }
}

/// A job the printer took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub job: i64,
    pub bytes: usize,
    /// Characters the printer has no glyph for, printed as '?'.
    pub replaced: usize,
    /// Non-blocking conditions the printer reported (paper near end).
    pub warnings: Vec<&'static str>,
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("print job {0} does not exist")]
    NoSuchJob(i64),
    #[error("printer {target}: {source}")]
    Link { target: String, source: LinkError },
    /// The printer reported a condition that stops it (paper out, cover open ...).
    #[error("printer {target}: {}", problem_text(problem))]
    Problem { target: String, problem: &'static str },
    #[error("printer {target}: {what}")]
    Other { target: String, what: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn problem_text(key: &str) -> &'static str {
    match key {
        "paper-out" => "out of paper",
        "cover-open" => "cover open",
        "offline" => "offline",
        _ => "reports an error (cutter jam or overheating?)",
    }
}

/// Sends one queued job and records the outcome in the queue. Runs on whichever thread owns
/// `store` (the GUI gives it a connection of its own on a worker thread).
pub fn send_job(
    store: &mut Store,
    id: i64,
    target: &Target,
    config: &PrinterConfig,
    now: &dyn Fn() -> Timestamp,
) -> Result<Printed, PrintError> {
    let job = store.print_job(id)?.ok_or(PrintError::NoSuchJob(id))?;
    let where_to = target.to_string();
    let mut drawer_opened = false;
    let outcome = attempt(&job, target, config, &where_to, &mut drawer_opened);
    if drawer_opened {
        // The drawer is open for this sale; a reprint must not open it again.
        store.print_drawer_opened(id)?;
    }
    match &outcome {
        Ok(_) => store.print_done(id, &where_to, now())?,
        Err(e) => store.print_failed(id, &where_to, &e.to_string(), now())?,
    }
    outcome
}

fn attempt(
    job: &PrintJob,
    target: &Target,
    config: &PrinterConfig,
    where_to: &str,
    drawer_opened: &mut bool,
) -> Result<Printed, PrintError> {
    let other = |what: String| PrintError::Other {
        target: where_to.to_string(),
        what,
    };
    let encoded = encode(&job.doc, &config.settings, job.open_drawer).map_err(|e| other(e.to_string()))?;
    let printed = Printed {
        job: job.id,
        bytes: encoded.bytes.len(),
        replaced: encoded.replaced,
        warnings: Vec::new(),
    };
    match target {
        Target::Preview(dir) => {
            write_preview(dir, job, &encoded.bytes).map_err(|e| other(format!("cannot write the preview: {e}")))?;
            Ok(printed)
        }
        Target::Printer(spec) => {
            let on_link = |source| PrintError::Link {
                target: where_to.to_string(),
                source,
            };
            let mut link = link::open(spec, &LinkOptions::default()).map_err(on_link)?;
            let ask = config.status && spec.two_way();
            if ask {
                let status = link.status().map_err(on_link)?;
                if let Some(problem) = status.as_ref().and_then(PrinterStatus::problem) {
                    *drawer_opened = kick_drawer_anyway(link.as_mut(), job, status.as_ref());
                    return Err(PrintError::Problem {
                        target: where_to.to_string(),
                        problem,
                    });
                }
            }
            link.send(&encoded.bytes).map_err(on_link)?;
            // The kick leads the job: whatever happens to the paper now, the drawer opened.
            *drawer_opened = job.open_drawer;
            let mut printed = printed;
            if ask {
                // The reply comes once the printer has read everything before the request.
                let after = link.status().map_err(|e| {
                    other(format!(
                        "did not answer after the job was sent ({e}); it may not have printed"
                    ))
                })?;
                if let Some(problem) = after.as_ref().and_then(PrinterStatus::problem) {
                    return Err(other(format!(
                        "{} while printing; the job is kept for reprint",
                        problem_text(problem)
                    )));
                }
                printed.warnings = after.map(|s| s.warnings()).unwrap_or_default();
            }
            Ok(printed)
        }
    }
}

/// Out of paper (or an open cover) is no reason to keep the cashier from giving change: the
/// drawer opens by the real-time command, which works while the printer waits for paper.
fn kick_drawer_anyway(link: &mut dyn Link, job: &PrintJob, status: Option<&PrinterStatus>) -> bool {
    let waiting = status.is_some_and(|s| s.paper_out || s.cover_open);
    job.open_drawer && waiting && link.send(&DRAWER_KICK_NOW).is_ok()
}

/// The job among `jobs` (of one printout) that never came out, a copy aside: reprinting
/// sends it rather than a copy of something that did not print.
pub(super) fn unprinted(jobs: &[PrintJob]) -> Option<i64> {
    jobs.iter().find(|j| j.state != JobState::Done && !j.copy).map(|j| j.id)
}

fn write_preview(dir: &std::path::Path, job: &PrintJob, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let stem = format!("{:06}-{}", job.id, job.kind);
    std::fs::write(dir.join(format!("{stem}.txt")), job.doc.text())?;
    std::fs::write(dir.join(format!("{stem}.escpos")), bytes)
}

/// A job to send on another thread, over a ledger connection of its own (the GUI's worker).
pub struct PrintWork {
    ledger: PathBuf,
    currency: crate::money::Currency,
    target: Target,
    config: PrinterConfig,
    clock: std::sync::Arc<dyn crate::clock::Clock>,
    pub job: i64,
}

impl PrintWork {
    pub fn run(self) -> Result<Printed, PrintError> {
        let mut store = Store::open(&self.ledger, self.currency)?;
        let clock = self.clock;
        send_job(&mut store, self.job, &self.target, &self.config, &|| clock.now())
    }
}

impl Till {
    /// The printer for this run (`--printer`), ahead of the config file's.
    pub fn set_printer(&mut self, spec: Option<PrinterSpec>) {
        self.printer_override = spec;
    }

    /// Where jobs go: `over`, else `--printer` for this run, else `[printer] connection`, else
    /// (demo mode) the preview folder beside the ledger; `None` = no printing.
    pub fn print_target(&self, over: Option<&PrinterSpec>) -> Option<Target> {
        let configured = over
            .or(self.printer_override.as_ref())
            .or(self.config.printer.connection.as_ref());
        if let Some(spec) = configured {
            return Some(Target::Printer(spec.clone()));
        }
        match self.ledger_folder() {
            Some(dir) if self.config.demo => Some(Target::Preview(dir.join("receipts"))),
            _ => None,
        }
    }

    /// The folder of a ledger on disk; `None` for an in-memory one (tests), which only this
    /// till's own connection can see.
    pub(super) fn ledger_folder(&self) -> Option<&std::path::Path> {
        let ledger = self.store.path();
        ledger.parent().filter(|p| ledger.exists() && !p.as_os_str().is_empty())
    }

    /// The printouts' language, parsed once per till (a receipt asks it for some 30 labels).
    pub(super) fn i18n(&self) -> &I18n {
        self.printout_text.get_or_init(|| I18n::new(self.config.language))
    }

    /// The receipt as laid out for this till's paper.
    pub fn receipt_doc(&self, sale: &SaleRecord) -> Doc {
        let i18n = self.i18n();
        let tr = |key: &str, args: &[(&str, String)]| i18n.t_args(key, args);
        let zh = self.config.language.is_zh();
        layout::receipt(
            sale,
            &self.header(),
            &tr,
            zh,
            &self.config.time_zone,
            self.config.printer.cols,
        )
    }

    pub fn report_doc(&self, report: &Report) -> Doc {
        let i18n = self.i18n();
        let tr = |key: &str, args: &[(&str, String)]| i18n.t_args(key, args);
        layout::report(
            report,
            &self.header(),
            &tr,
            &self.config.time_zone,
            self.config.printer.cols,
        )
    }

    /// Stores a job in the queue (before anything is sent).
    pub fn queue_print(
        &mut self,
        kind: &str,
        reference: Option<String>,
        doc: &Doc,
        open_drawer: bool,
    ) -> Result<i64, TillError> {
        let job = NewJob {
            kind,
            reference,
            copy: false,
            doc,
            open_drawer,
        };
        let id = self.store.print_enqueue(&job, self.clock.now())?;
        self.new_print_jobs.push(id);
        Ok(id)
    }

    /// The jobs queued since the last call, to be sent (the GUI sends them from a worker;
    /// the CLI sends each one it queues itself).
    pub fn take_new_print_jobs(&mut self) -> Vec<i64> {
        std::mem::take(&mut self.new_print_jobs)
    }

    /// Queues a printout only where there is a printer (the GUI's settlement and deferral).
    pub fn queue_if_printing(
        &mut self,
        queue: impl FnOnce(&mut Till) -> Result<(), TillError>,
    ) -> Result<(), TillError> {
        match self.print_target(None) {
            Some(_) => queue(self),
            None => Ok(()),
        }
    }

    /// Queues a sale's receipt; the drawer opens when cash changed hands.
    pub fn queue_receipt(&mut self, sale: &SaleRecord) -> Result<i64, TillError> {
        let cash = sale
            .draft
            .payments
            .iter()
            .any(|p| p.method == PaymentMethod::Cash && !p.amount.is_zero());
        let doc = self.receipt_doc(sale);
        self.queue_print(
            "receipt",
            Some(sale.id.to_string()),
            &doc,
            cash && self.config.printer.drawer,
        )
    }

    pub fn queue_report(&mut self, report: &Report) -> Result<i64, TillError> {
        let (kind, reference) = match (report.kind, report.z_number) {
            (ReportKind::Z, Some(n)) => ("report_z", n.to_string()),
            _ => ("report_x", report.business_day.to_string()),
        };
        let doc = self.report_doc(report);
        self.queue_print(kind, Some(reference), &doc, false)
    }

    /// Job `id` packed for a worker thread; `None` when there is no printer, or the ledger is
    /// in memory (tests) and only this connection can see the job.
    pub fn print_work(&self, id: i64) -> Option<PrintWork> {
        let target = self.print_target(None)?;
        // The worker opens a connection of its own: that needs the ledger on disk.
        self.ledger_folder()?;
        Some(PrintWork {
            ledger: self.store.path().to_path_buf(),
            currency: self.config.currency,
            target,
            config: self.config.printer.clone(),
            clock: self.clock.clone(),
            job: id,
        })
    }

    /// Sends a queued job now, on this thread.
    pub fn print_job(&mut self, id: i64, target: &Target) -> Result<Printed, PrintError> {
        self.new_print_jobs.retain(|j| *j != id);
        let clock = self.clock.clone();
        send_job(&mut self.store, id, target, &self.config.printer, &|| clock.now())
    }

    pub fn print_queue(&self) -> Result<Vec<PrintJob>, TillError> {
        Ok(self.store.print_unfinished()?)
    }

    pub fn print_job_row(&self, id: i64) -> Result<Option<PrintJob>, TillError> {
        Ok(self.store.print_job(id)?)
    }

    /// What "reprint" means for a job: one that never printed goes out again as it is; one
    /// that printed comes out again marked COPY (a new job, audited).
    pub fn reprint_job(&mut self, id: i64) -> Result<i64, TillError> {
        let job = self
            .store
            .print_job(id)?
            .ok_or_else(|| TillError::Print(format!("print job {id} does not exist")))?;
        if job.state != JobState::Done {
            return Ok(job.id);
        }
        self.queue_copy(&job.kind, job.reference.clone(), job.doc)
    }

    /// Reprints a sale's receipt: its unprinted job if there is one, else a COPY of what was
    /// printed (or, if it never went to a printer, of the receipt laid out now).
    pub fn reprint_sale(&mut self, sale_id: i64) -> Result<i64, TillError> {
        let jobs = self.store.print_jobs_for("receipt", &sale_id.to_string())?;
        if let Some(id) = unprinted(&jobs) {
            return Ok(id);
        }
        let doc = match jobs.into_iter().find(|j| !j.copy) {
            Some(original) => original.doc,
            None => {
                let sale = self.sale(sale_id)?;
                self.receipt_doc(&sale)
            }
        };
        self.queue_copy("receipt", Some(sale_id.to_string()), doc)
    }

    /// Reprints Z-report `z`: its unprinted job, else a COPY of the stored report.
    pub fn reprint_z(&mut self, z: i64) -> Result<i64, TillError> {
        let jobs = self.store.print_jobs_for("report_z", &z.to_string())?;
        if let Some(id) = unprinted(&jobs) {
            return Ok(id);
        }
        let report = match self.store.z_report_day(z)? {
            Some(day) => self.store.z_report(day)?,
            None => None,
        };
        let report = report.ok_or_else(|| TillError::Print(format!("there is no Z-report #{z}")))?;
        let doc = self.report_doc(&report);
        self.queue_copy("report_z", Some(z.to_string()), doc)
    }

    /// The page `printer test` prints: both code pages, styles, a QR code, the paper width.
    pub fn test_page(&self, target: &str) -> Doc {
        let i18n = self.i18n();
        let tr = |key: &str, args: &[(&str, String)]| i18n.t_args(key, args);
        crate::printer::pages::test_page(
            &self.header(),
            &tr,
            target,
            self.clock.now(),
            &self.config.time_zone,
            self.config.printer.cols,
        )
    }

    fn queue_copy(&mut self, kind: &str, reference: Option<String>, mut doc: Doc) -> Result<i64, TillError> {
        doc.mark_copy(&self.i18n().t("print-copy"));
        let now = self.clock.now();
        let job = NewJob {
            kind,
            reference: reference.clone(),
            copy: true,
            doc: &doc,
            open_drawer: false,
        };
        let id = self.store.print_enqueue(&job, now)?;
        let what = format!("{kind} {}", reference.unwrap_or_default());
        self.store.audit(
            now,
            &self.cashier(),
            "reprint",
            &format!("job {id}: copy of {}", what.trim()),
        )?;
        Ok(id)
    }
}
