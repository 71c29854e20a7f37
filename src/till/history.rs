//! What managers look back at: the business days, one day's report and sales per hour, and
//! the sales of a range of days as CSV.

use super::{Till, TillError};
use crate::sale::PaymentMethod;
use crate::settlement::report::Report;
use crate::settlement::report::card_types::{CardTypeBucket, by_card_type};
use crate::settlement::report::hourly::{HourBucket, by_hour};
use crate::settlement::report::tender_mix::{TenderShare, tender_mix};
use crate::store::DaySummary;
use jiff::civil::Date;

/// A business day as the reports screen shows it.
pub struct DayView {
    /// The stored Z-report of a closed day, else the day's X-report.
    pub report: Report,
    pub hourly: Vec<HourBucket>,
    /// Cash, card and manual card: amount and share of the day's takings.
    pub tender_mix: Vec<TenderShare>,
    /// The day's approved card payments per card type.
    pub card_types: Vec<CardTypeBucket>,
    /// The day's sales and refunds, in order.
    pub sales: Vec<crate::store::SaleRow>,
}

impl Till {
    pub fn day_summaries(&self, limit: usize) -> Result<Vec<DaySummary>, TillError> {
        Ok(self.store.day_summaries(limit)?)
    }

    pub fn day_view(&self, day: Date) -> Result<DayView, TillError> {
        let report = match self.store.z_report(day)? {
            Some(z) => z,
            None => self.x_report(Some(day))?,
        };
        let sales = self.store.sales_between(day, day)?;
        let hourly = by_hour(
            sales
                .iter()
                .filter(|s| s.kind == "sale")
                .map(|s| (s.created_at, s.total)),
            &self.config.time_zone,
            self.config.currency,
        );
        let tender_mix = tender_mix(&report.figures.tenders, self.config.currency);
        let card_types = by_card_type(self.store.card_payments_of_day(day)?, self.config.currency);
        Ok(DayView {
            report,
            hourly,
            tender_mix,
            card_types,
            sales,
        })
    }

    /// Writes every sale and refund of the business days `from..=until` as CSV (one row
    /// each: amounts as plain decimals, the time in the store's time zone); returns the count.
    pub fn export_csv(&self, from: Date, until: Date, out: &mut dyn std::io::Write) -> Result<usize, TillError> {
        let sales = self.store.sales_between(from, until)?;
        let mut w = csv::Writer::from_writer(out);
        let failed = |e: csv::Error| TillError::Export(e.to_string());
        w.write_record([
            "sale",
            "kind",
            "refund_of",
            "business_day",
            "time",
            "cashier",
            "currency",
            "total",
            "tax",
            "cash",
            "card",
            "manual_card",
        ])
        .map_err(failed)?;
        for s in &sales {
            let paid = |method: PaymentMethod| {
                s.payments
                    .iter()
                    .filter(|(m, _, state)| m == method.as_str() && state == "approved")
                    .fold(crate::money::Money::zero(self.config.currency), |sum, (_, a, _)| {
                        sum + *a
                    })
                    .plain()
            };
            let time = s.created_at.to_zoned(self.config.time_zone.clone());
            w.write_record([
                s.id.to_string(),
                s.kind.clone(),
                s.refund_of.map(|r| r.to_string()).unwrap_or_default(),
                s.business_day.to_string(),
                time.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                s.cashier.clone(),
                self.config.currency.alpha.to_string(),
                s.total.plain(),
                s.tax.plain(),
                paid(PaymentMethod::Cash),
                paid(PaymentMethod::Card),
                paid(PaymentMethod::ManualCard),
            ])
            .map_err(failed)?;
        }
        w.flush().map_err(|e| TillError::Export(e.to_string()))?;
        Ok(sales.len())
    }
}

impl Till {
    /// Exports the business day to `exports/tillguard-DAY.csv` beside the ledger; returns the
    /// file written.
    pub fn export_day_file(&self, day: Date) -> Result<std::path::PathBuf, TillError> {
        self.export_range_file(day, day)
    }

    /// Exports the business days `from` to `until` (both included) to
    /// `exports/tillguard-FROM_UNTIL.csv` beside the ledger (one day: `tillguard-DAY.csv`);
    /// returns the file written.
    pub fn export_range_file(&self, from: Date, until: Date) -> Result<std::path::PathBuf, TillError> {
        if from > until {
            return Err(TillError::Export(format!(
                "the range starts ({from}) after it ends ({until})"
            )));
        }
        let folder = self
            .ledger_folder()
            .ok_or_else(|| TillError::Export("the ledger is not in a folder (in-memory)".into()))?
            .join("exports");
        let fail = |e: std::io::Error| TillError::Export(format!("{}: {e}", folder.display()));
        std::fs::create_dir_all(&folder).map_err(fail)?;
        let name = match from == until {
            true => format!("tillguard-{from}.csv"),
            false => format!("tillguard-{from}_{until}.csv"),
        };
        let path = folder.join(name);
        let mut file = std::fs::File::create(&path).map_err(fail)?;
        self.export_csv(from, until, &mut file)?;
        file.sync_all().map_err(fail)?;
        Ok(path)
    }
}
