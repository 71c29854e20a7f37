//! Business days, reports and (later) card batches and the settlement guard. Pure.

pub mod day;
pub mod report;
