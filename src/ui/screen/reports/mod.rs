//! Reports for managers: the business days with their figures, a day's Z- (or X-) report
//! with its sales per hour, printing and CSV export, and the printouts still waiting for
//! the printer, each with a reprint button.

mod view;

use crate::i18n::I18n;
use crate::settlement::report::ReportKind;
use crate::settlement::report::card_types::CardTypeBucket;
use crate::settlement::report::hourly::HourBucket;
use crate::settlement::report::tender_mix::TenderShare;
use crate::store::{DaySummary, PrintJob, SaleRow};
use crate::till::{Till, TillError};
use crate::ui::reason;
use jiff::civil::Date;

/// How many business days the list shows.
const DAYS: usize = 62;

/// The date range's fields, for tests.
pub const RANGE_FROM_ID: &str = "reports-range-from";
pub const RANGE_UNTIL_ID: &str = "reports-range-until";

#[derive(Debug, Clone)]
pub enum Message {
    Back,
    Select(Date),
    Print,
    Export,
    /// The date range's first and last business day, as typed (YYYY-MM-DD).
    RangeFrom(String),
    RangeUntil(String),
    ExportRange,
    /// Send a waiting print job again (or a COPY of a printed one).
    Reprint(i64),
    /// Print a sale's receipt again (a COPY, or its job that never printed).
    ReprintSale(i64),
}

/// What the screen asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    None,
    Back,
    /// Print jobs to send now.
    Send(Vec<i64>),
}

#[derive(Default)]
pub struct State {
    pub days: Vec<DaySummary>,
    pub selected: Option<Date>,
    /// The selected day's report as printed, and whether it is the stored Z-report.
    pub report: String,
    pub z_number: Option<i64>,
    pub hourly: Vec<HourBucket>,
    /// Cash, card and manual card: amount and share.
    pub tender_mix: Vec<TenderShare>,
    /// The approved card payments per card type.
    pub card_types: Vec<CardTypeBucket>,
    /// The selected day's sales and refunds.
    pub sales: Vec<SaleRow>,
    pub queue: Vec<PrintJob>,
    /// The date range to export, as typed.
    pub range_from: String,
    pub range_until: String,
    pub error: Option<String>,
    pub notice: Option<String>,
}

impl State {
    pub fn new(till: &Till, i18n: &I18n) -> State {
        let mut s = State::default();
        s.refresh(till, i18n);
        if let Some(day) = s.days.first().map(|d| d.day) {
            s.select(till, i18n, day);
            // The range starts as this month so far: the usual request from the accountant.
            s.range_from = day.first_of_month().to_string();
            s.range_until = day.to_string();
        }
        s
    }

    fn refresh(&mut self, till: &Till, i18n: &I18n) {
        match till.day_summaries(DAYS) {
            Ok(days) => self.days = days,
            Err(e) => self.error = Some(reason::till_error(i18n, &e)),
        }
        self.queue = till.print_queue().unwrap_or_default();
    }

    fn select(&mut self, till: &Till, i18n: &I18n, day: Date) {
        self.selected = Some(day);
        match till.day_view(day) {
            Ok(v) => {
                self.z_number = (v.report.kind == ReportKind::Z).then_some(v.report.z_number).flatten();
                self.report = till.report_text(&v.report);
                self.hourly = v.hourly;
                self.tender_mix = v.tender_mix;
                self.card_types = v.card_types;
                self.sales = v.sales;
            }
            Err(e) => self.error = Some(reason::till_error(i18n, &e)),
        }
    }

    pub fn update(&mut self, till: &mut Till, i18n: &I18n, message: Message) -> Request {
        self.error = None;
        self.notice = None;
        let request = match message {
            Message::Back => return Request::Back,
            Message::Select(day) => {
                self.select(till, i18n, day);
                Request::None
            }
            Message::Print => self.print(till, i18n),
            Message::Export => {
                if let Some(day) = self.selected {
                    match till.export_day_file(day) {
                        Ok(path) => {
                            self.notice = Some(i18n.t_args("reports-exported", &[("path", path.display().to_string())]))
                        }
                        Err(e) => self.error = Some(reason::till_error(i18n, &e)),
                    }
                }
                Request::None
            }
            Message::RangeFrom(text) => {
                self.range_from = text;
                return Request::None;
            }
            Message::RangeUntil(text) => {
                self.range_until = text;
                return Request::None;
            }
            Message::ExportRange => {
                match (parse_day(&self.range_from), parse_day(&self.range_until)) {
                    (Some(from), Some(until)) => match till.export_range_file(from, until) {
                        Ok(path) => {
                            self.notice = Some(i18n.t_args("reports-exported", &[("path", path.display().to_string())]))
                        }
                        Err(e) => self.error = Some(reason::till_error(i18n, &e)),
                    },
                    _ => {
                        let typed = format!("{} – {}", self.range_from.trim(), self.range_until.trim());
                        self.error = Some(i18n.t_args("reports-range-bad", &[("input", typed)]));
                    }
                }
                Request::None
            }
            Message::ReprintSale(sale) => self.send(till, i18n, |t| t.reprint_sale(sale)),
            Message::Reprint(job) => match till.reprint_job(job) {
                Ok(id) => Request::Send(vec![id]),
                Err(e) => {
                    self.error = Some(reason::till_error(i18n, &e));
                    Request::None
                }
            },
        };
        self.queue = till.print_queue().unwrap_or_default();
        request
    }

    /// The selected day's report to the printer: a COPY of a Z-report, or the X-report now.
    fn print(&mut self, till: &mut Till, i18n: &I18n) -> Request {
        let Some(day) = self.selected else { return Request::None };
        match self.z_number {
            Some(z) => self.send(till, i18n, |t| t.reprint_z(z)),
            None => self.send(till, i18n, |t| t.x_report(Some(day)).and_then(|x| t.queue_report(&x))),
        }
    }

    fn send(
        &mut self,
        till: &mut Till,
        i18n: &I18n,
        queue: impl FnOnce(&mut Till) -> Result<i64, TillError>,
    ) -> Request {
        if till.print_target(None).is_none() {
            self.error = Some(i18n.t("reports-no-printer"));
            return Request::None;
        }
        match queue(till) {
            Ok(id) => {
                self.notice = Some(i18n.t("reports-printing"));
                Request::Send(vec![id])
            }
            Err(e) => {
                self.error = Some(reason::till_error(i18n, &e));
                Request::None
            }
        }
    }

    /// A print job's outcome changes the waiting list.
    pub fn printed(&mut self, till: &Till) {
        self.queue = till.print_queue().unwrap_or_default();
    }
}

/// A business day typed as YYYY-MM-DD.
fn parse_day(text: &str) -> Option<Date> {
    text.trim().parse().ok()
}
