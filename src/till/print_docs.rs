//! Queuing the guard's printouts: the settlement report, the deferral slip, the claim list.

use super::{Settlement, Till, TillError};
use crate::printer::doc::Doc;
use crate::printer::layout::Tr;
use crate::printer::pages;
use crate::settlement::batch::{BatchState, Deferral};

impl Till {
    pub(super) fn page(&self, build: impl FnOnce(Tr<'_>) -> Doc) -> Doc {
        let i18n = self.i18n();
        let tr = |key: &str, args: &[(&str, String)]| i18n.t_args(key, args);
        build(&tr)
    }

    /// The settlement report of a batch the terminal settled.
    pub fn settlement_doc(&self, s: &Settlement) -> Result<Doc, TillError> {
        let section = self.store.batch_section(s.batch_id)?;
        let (h, tz, cols) = (self.header(), self.config.time_zone.clone(), self.config.printer.cols);
        Ok(self.page(|tr| pages::settlement(&h, tr, &section, &s.receipt_lines, &tz, cols)))
    }

    pub fn queue_settlement(&mut self, s: &Settlement) -> Result<i64, TillError> {
        let doc = self.settlement_doc(s)?;
        self.queue_print("settlement", Some(s.batch_id.to_string()), &doc, false)
    }

    /// One slip per batch the deferral put off.
    pub fn queue_deferral_slips(&mut self, d: &Deferral) -> Result<Vec<i64>, TillError> {
        let (h, tz, cols) = (self.header(), self.config.time_zone.clone(), self.config.printer.cols);
        let deferred: Vec<_> = self
            .unsettled_batches()?
            .into_iter()
            .filter(|b| b.state == BatchState::Deferred && b.deferral.as_ref() == Some(d))
            .collect();
        let mut jobs = Vec::new();
        for b in deferred {
            let doc = self.page(|tr| pages::deferral_slip(&h, tr, b.id, &b.terminal, d, &tz, cols));
            jobs.push(self.queue_print("deferral", Some(b.id.to_string()), &doc, false)?);
        }
        Ok(jobs)
    }

    /// The claim list of a lost batch.
    pub fn claim_doc(&self, batch_id: i64) -> Result<Doc, TillError> {
        let lines = self.claim_list(batch_id)?;
        let mut terminal = self.store.batch(batch_id)?.map(|b| b.terminal).unwrap_or_default();
        // A standalone terminal's claim names its acquirer and terminal id: the acquirer asks.
        if let Some(s) = self.standalone().filter(|s| s.journal_name() == terminal) {
            let tid = (!s.terminal_id.is_empty()).then(|| format!("TID {}", s.terminal_id));
            let parts = [Some(s.name.clone()), Some(s.acquirer.clone()), tid];
            terminal = parts
                .into_iter()
                .flatten()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
        }
        let (h, cols) = (self.header(), self.config.printer.cols);
        Ok(self.page(|tr| pages::claim_list(&h, tr, batch_id, &terminal, &lines, cols)))
    }

    /// Queues the claim list of a lost batch, or gives the one already waiting.
    pub fn queue_claim(&mut self, batch_id: i64) -> Result<i64, TillError> {
        let jobs = self.store.print_jobs_for("claim", &batch_id.to_string())?;
        if let Some(id) = super::print::unprinted(&jobs) {
            return Ok(id);
        }
        let doc = self.claim_doc(batch_id)?;
        self.queue_print("claim", Some(batch_id.to_string()), &doc, false)
    }
}
