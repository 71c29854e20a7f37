//! The card-settlement section of an X- or Z-report: each settled batch with the terminal's
//! totals and the reconciliation, then batches still unsettled (with their deferral), then
//! lost ones with the command that prints their claim list, then card payments made on a
//! standalone device (in no batch).

use super::doc::Doc;
use super::layout::Tr;
use super::text::{pair, wrap};
use crate::money::Money;
use crate::settlement::batch::Deferral;
use crate::settlement::reconcile::Reconciliation;
use crate::settlement::report::{CardSettlement, ManualCardLine, SettledBatch, manual_totals};
use jiff::Timestamp;
use jiff::tz::TimeZone;

struct Ctx<'a> {
    tr: Tr<'a>,
    tz: &'a TimeZone,
    cols: usize,
}

impl Ctx<'_> {
    fn local(&self, t: Timestamp) -> String {
        t.to_zoned(self.tz.clone()).strftime("%Y-%m-%d %H:%M").to_string()
    }

    /// An indented line, wrapped.
    fn note(&self, out: &mut Doc, text: &str) {
        out.extend(wrap(&format!("  {text}"), self.cols));
    }

    /// An indented label with a value flush right.
    fn value(&self, out: &mut Doc, label: &str, value: &str) {
        out.extend(pair(&format!("  {label}"), value, self.cols));
    }

    fn ledger(&self, out: &mut Doc, count: u64, amount: Money) {
        let label = (self.tr)("report-card-ledger", &[("count", count.to_string())]);
        self.value(out, &label, &amount.plain());
    }

    fn deferral(&self, out: &mut Doc, d: &Option<Deferral>) {
        let Some(d) = d else { return };
        let reason = match d.reason.text() {
            Some(text) => text.to_string(),
            None => (self.tr)(
                &format!("report-card-reason-{}", d.reason.code().replace('_', "-")),
                &[],
            ),
        };
        let args = [("by", d.by.clone()), ("until", self.local(d.until)), ("reason", reason)];
        self.note(out, &(self.tr)("report-card-deferred", &args));
    }

    fn settled(&self, out: &mut Doc, b: &SettledBatch) {
        let tr = self.tr;
        let head = tr(
            "report-card-settled",
            &[("batch", b.id.to_string()), ("terminal", b.terminal.clone())],
        );
        out.extend(wrap(&head, self.cols));
        self.value(out, &tr("report-card-settled-at", &[]), &self.local(b.settled_at));
        if let Some(t) = &b.totals {
            if let Some((from, to)) = t.receipt_range {
                self.value(out, &tr("report-card-receipts", &[]), &format!("{from}-{to}"));
            }
            for (card, count, amount) in &t.per_card {
                let label = tr(
                    "report-card-line",
                    &[("card", card.clone()), ("count", count.to_string())],
                );
                self.value(out, &label, &amount.plain());
            }
            if let Some(total) = t.total {
                self.value(out, &tr("report-card-terminal-total", &[]), &total.plain());
            }
        }
        self.ledger(out, b.count, b.amount);
        match &b.reconciliation {
            None => self.note(out, &tr("report-card-unreconciled", &[])),
            Some(Reconciliation::Match) => self.note(out, &tr("report-card-match", &[])),
            Some(Reconciliation::Mismatch(d)) => {
                self.note(out, &tr("report-card-mismatch", &[]));
                if !d.missing_in_ledger.is_empty() {
                    let receipts: Vec<String> = d.missing_in_ledger.iter().map(u32::to_string).collect();
                    self.note(out, &tr("report-card-missing", &[("receipts", receipts.join(", "))]));
                }
                for (card, receipt) in &d.outside_range {
                    let receipt = receipt.map(|r| r.to_string()).unwrap_or_else(|| "-".into());
                    let args = [("card", card.to_string()), ("receipt", receipt)];
                    self.note(out, &tr("report-card-outside", &args));
                }
                for c in &d.per_card {
                    let args = [
                        ("card", c.card_type.clone()),
                        ("terminal_count", c.terminal_count.to_string()),
                        ("terminal_amount", c.terminal_amount.plain()),
                        ("ledger_count", c.ledger_count.to_string()),
                        ("ledger_amount", c.ledger_amount.plain()),
                    ];
                    self.note(out, &tr("report-card-delta", &args));
                }
                match &b.acknowledged {
                    Some(a) => {
                        let args = [("by", a.by.clone()), ("note", a.note.clone())];
                        self.note(out, &tr("report-card-ack", &args));
                    }
                    None => self.note(out, &tr("report-card-not-ack", &[])),
                }
            }
        }
        self.deferral(out, &b.deferral);
    }
}

/// Appends the section (nothing for reports made before it existed).
pub(super) fn card_settlement(out: &mut Doc, c: &CardSettlement, tr: Tr<'_>, tz: &TimeZone, cols: usize) {
    let ctx = Ctx { tr, tz, cols };
    out.extend(wrap(&tr("report-card-title", &[]), cols));
    if c.is_empty() {
        ctx.note(out, &tr("report-card-none", &[]));
    }
    for b in &c.settled {
        ctx.settled(out, b);
    }
    for b in &c.unsettled {
        let state = tr(&format!("report-card-state-{}", b.state.as_str()), &[]);
        let args = [
            ("batch", b.id.to_string()),
            ("terminal", b.terminal.clone()),
            ("state", state),
        ];
        out.extend(wrap(&tr("report-card-unsettled", &args), cols));
        ctx.ledger(out, b.count, b.amount);
        ctx.deferral(out, &b.deferral);
        if let Some(e) = &b.last_error {
            ctx.note(out, &tr("report-card-failed", &[("reason", e.clone())]));
        }
    }
    for b in &c.lost {
        let args = [("batch", b.id.to_string()), ("terminal", b.terminal.clone())];
        out.extend(wrap(&tr("report-card-lost", &args), cols));
        ctx.value(out, &tr("report-card-lost-at", &[]), &ctx.local(b.lost_at));
        ctx.ledger(out, b.count, b.amount);
        ctx.deferral(out, &b.deferral);
        ctx.note(out, &tr("report-card-claim", &[("batch", b.id.to_string())]));
    }
    ctx.manual(out, &c.manual);
}

impl Ctx<'_> {
    /// Card payments made on a standalone device: not in any batch above, so listed one by
    /// one with their authorisation codes for the manager to match with that device.
    fn manual(&self, out: &mut Doc, lines: &[ManualCardLine]) {
        let Some(first) = lines.first() else { return };
        let tr = self.tr;
        let (count, amount) = manual_totals(lines, first.amount.currency());
        let head = tr("report-card-manual", &[("count", count.to_string())]);
        out.extend(pair(&head, &amount.plain(), self.cols));
        for l in lines {
            let number = format!("{:06}", l.sale_id);
            let key = if l.refund {
                "report-card-manual-refund"
            } else {
                "report-card-manual-sale"
            };
            let parts = [
                Some(tr(key, &[("number", number)])),
                l.auth_code
                    .as_ref()
                    .map(|a| tr("report-card-manual-auth", &[("auth", a.clone())])),
                l.card_type.clone(),
                l.last4.as_ref().map(|d| format!("****{d}")),
            ];
            let label = parts.into_iter().flatten().collect::<Vec<_>>().join(" ");
            self.value(out, &label, &l.amount.plain());
        }
        self.note(out, &tr("report-card-manual-note", &[]));
    }
}

#[cfg(test)]
mod tests;
