//! Business days, reports, card batches and the settlement guard. Pure: no I/O.

pub mod batch;
pub mod day;
pub mod guard;
pub mod reconcile;
pub mod report;
pub mod slip;
