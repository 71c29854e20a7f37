//! Tillguard: a point-of-sale for shop counters whose settlement guard keeps card batches
//! from being cleared unsettled.
//!
//! Layers: `money`, `catalog`, `sale` and `settlement` are pure domain code (no I/O, time
//! passed in); `store` is the SQLite ledger; `till` joins them for the `cli` and the `ui`
//! (the only module that uses iced); `printer` lays out receipts and reports.

pub mod alert;
pub mod audit;
pub mod backup;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod health;
pub mod i18n;
pub mod incident;
pub mod money;
pub mod permission;
pub mod platform;
pub mod printer;
pub mod sale;
pub mod settlement;
pub mod store;
pub mod terminal;
pub mod till;
pub mod training;
#[cfg(feature = "gui")]
pub mod ui;
pub mod users;
